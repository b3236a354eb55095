package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Person is a person of the register as screens show it: the ID number
// and phone masked.
type Person struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Gender string `json:"gender"`
	// BirthDate is given only to a reader who may reveal the ID number: the
	// mask hides exactly the birth date (characters 7–14), so the two
	// together would be the number. Others get the Age.
	BirthDate  string      `json:"birth_date"`
	Age        int         `json:"age"`
	Ethnicity  string      `json:"ethnicity"`
	Education  string      `json:"education"`
	IDMask     string      `json:"id_number_masked"`
	PhoneMask  string      `json:"phone_masked"`
	CreatedAt  string      `json:"created_at"`
	UpdatedAt  string      `json:"updated_at"`
	Version    int         `json:"version"`
	Membership *Membership `json:"membership"`
}

// Membership is a person's membership of an organization: the current one,
// or the last when none is current.
type Membership struct {
	ID            int64  `json:"id"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name"`
	Kind          string `json:"kind"`
	JoinedOn      string `json:"joined_on"`
	FullOn        string `json:"full_on"`
	Status        string `json:"status"`
	FloatingWhere string `json:"floating_where"`
	Active        bool   `json:"active"`
	StartedOn     string `json:"started_on"`
	EndedOn       string `json:"ended_on"`
	// DueOn is the end of a probationary member's year of probation, when
	// the branch decides on full membership; Overdue is set once it has
	// passed without a decision (a warning, not a refusal).
	DueOn   string `json:"due_on"`
	Overdue bool   `json:"overdue"`
	path    string
}

// Event is one step of a member's timeline.
type Event struct {
	Kind      string    `json:"kind"`
	Text      i18n.Text `json:"-"`
	Summary   string    `json:"summary"`
	OnDate    string    `json:"on_date"`
	At        string    `json:"at"`
	ActorName string    `json:"actor"`
}

// counted is the part of a person that member statistics count by.
type counted struct {
	gender, birthYear, education, ethnicity string
}

func (p person) counted() counted {
	return counted{gender: p.gender, birthYear: p.birth[:4], education: p.education, ethnicity: p.ethnicity}
}

// memberCount is the part of a membership that statistics count by.
type memberCount struct {
	joinYear, status, kind string
}

func (j join) counted(status string) memberCount {
	return memberCount{joinYear: j.joined[:4], status: status, kind: j.kind}
}

// aggKey is one row of people_agg.
type aggKey struct {
	org      int64
	dim, val string
}

// addMember adds delta to every count of one member at path and above.
func addMember(agg map[aggKey]int, path string, p counted, m memberCount, delta int) {
	dims := [][2]string{{"all", ""}, {"gender", p.gender}, {"birth_year", p.birthYear}, {"education", educationBand(p.education)},
		{"ethnicity", p.ethnicity}, {"join_year", m.joinYear}, {"status", m.status}, {"kind", m.kind}}
	for _, id := range org.PathIDs(path) {
		for _, d := range dims {
			agg[aggKey{id, d[0], d[1]}] += delta
		}
	}
}

// bumpMember changes the counts of one member at path and its ancestors.
func bumpMember(ctx context.Context, tx *db.Tx, path string, p counted, m memberCount, delta int) error {
	agg := map[aggKey]int{}
	addMember(agg, path, p, m, delta)
	return bumpAgg(ctx, tx, agg)
}

// bumpAgg writes count changes in key order, so that two writers never lock
// the same rows in opposite orders.
func bumpAgg(ctx context.Context, tx *db.Tx, agg map[aggKey]int) error {
	keys := make([]aggKey, 0, len(agg))
	for k, n := range agg {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	sortKeys(keys)
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k.org, k.dim, k.val, agg[k]}
	}
	err := tx.BatchInsertOn(ctx, "people_agg", []string{"org_id", "dim", "val", "n"}, rows, 400,
		"ON CONFLICT (org_id, dim, val) DO UPDATE SET n = people_agg.n + excluded.n")
	return errs.Wrap(err, "member counts")
}

func sortKeys(keys []aggKey) {
	slices.SortFunc(keys, func(a, b aggKey) int {
		if a.org != b.org {
			if a.org < b.org {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.dim, b.dim); c != 0 {
			return c
		}
		return strings.Compare(a.val, b.val)
	})
}

// event appends a step to a member's timeline.
func (s *Service) event(ctx context.Context, tx *db.Tx, actor access.Actor, personID, membershipID int64, kind string, text i18n.Text, on time.Time) error {
	_, err := tx.Exec(ctx, "INSERT INTO membership_events (person_id, membership_id, kind, detail, detail_en, on_date, at, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		personID, membershipID, kind, text.ZH, text.EN, on.Format(dateLayout), db.FormatTime(tx.Now()), actor.Username)
	return errs.Wrap(err, "timeline")
}

const personCols = "p.id, p.name, p.gender, p.birth_date, p.ethnicity, p.education, p.id_mask, p.phone_mask, p.created_at, p.updated_at, p.version"

func scanPerson(sc db.Scanner, p *Person) error {
	return sc.Scan(&p.ID, &p.Name, &p.Gender, &p.BirthDate, &p.Ethnicity, &p.Education, &p.IDMask, &p.PhoneMask, &p.CreatedAt, &p.UpdatedAt, &p.Version)
}

// membership reads a person's current membership, or the last one.
func (s *Service) membership(ctx context.Context, q db.Querier, personID int64) (*Membership, error) {
	m := &Membership{}
	var full, ended sql.NullString
	err := q.QueryRow(ctx, `SELECT m.id, m.org_id, `+org.LabelCol("o")+`, `+org.PathCol("o")+`, m.kind, m.joined_on, m.full_on, m.status, m.floating_where, m.active, m.started_on, m.ended_on
		FROM memberships m`+org.Join("o", "m.org_id")+` WHERE m.person_id = ? ORDER BY m.active DESC, m.id DESC LIMIT 1`, personID).
		Scan(&m.ID, &m.OrgID, &m.OrgName, &m.path, &m.Kind, &m.JoinedOn, &full, &m.Status, &m.FloatingWhere, &m.Active, &m.StartedOn, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "membership")
	}
	m.FullOn, m.EndedOn = full.String, ended.String
	s.due(m)
	return m, nil
}

// due sets a probationary member's end of probation and whether it passed.
func (s *Service) due(m *Membership) {
	if m.Kind != "probationary" || !m.Active {
		return
	}
	due := mustDate(m.JoinedOn).AddDate(1, 0, 0)
	m.DueOn = due.Format(dateLayout)
	m.Overdue = s.today().After(due)
}

// Person returns a person the actor may read: one whose membership (the
// current, or the last) lies in its scope.
func (s *Service) Person(ctx context.Context, actor access.Actor, id int64) (Person, error) {
	var p Person
	notFound := errs.Newf(errs.NotFound, "人员 %d 不存在或不在您的管理范围内", "person %d not found or outside your scope", id)
	if err := scanPerson(s.db.QueryRow(ctx, "SELECT "+personCols+" FROM persons p WHERE p.id = ?", id), &p); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Person{}, notFound
		}
		return Person{}, errs.Wrap(err, "person")
	}
	m, err := s.membership(ctx, s.db, id)
	if err != nil {
		return Person{}, err
	}
	if m == nil || !actor.Can(PeopleRead, m.path) {
		return Person{}, notFound
	}
	p.Membership = m
	s.shield(actor, &p)
	return p, nil
}

// shield sets a person's age and keeps their birth date from a reader who
// may not reveal their ID number, at the organization of their membership.
func (s *Service) shield(actor access.Actor, p *Person) {
	if b, err := time.Parse(dateLayout, p.BirthDate); err == nil {
		t := s.today()
		p.Age = t.Year() - b.Year()
		if t.Month() < b.Month() || (t.Month() == b.Month() && t.Day() < b.Day()) {
			p.Age--
		}
	}
	if p.Membership == nil || !actor.Can(PeopleReveal, p.Membership.path) {
		p.BirthDate = ""
	}
}

// placeOf names where a person is, for messages about a duplicate: their
// current organization, when the actor may read it.
func (s *Service) placeOf(ctx context.Context, actor access.Actor, personID int64) (i18n.Text, bool) {
	m, err := s.membership(ctx, s.db, personID)
	if err != nil || m == nil || !actor.Can(PeopleRead, m.path) {
		return i18n.Text{}, false
	}
	if !m.Active {
		return i18n.Text{ZH: "原为" + m.OrgName + "党员（" + org.LabelOf(Statuses, m.Status, "") + "）",
			EN: "formerly a member of " + m.OrgName + " (" + strings.ToLower(org.LabelOf(Statuses, m.Status, i18n.EN)) + ")"}, true
	}
	return i18n.Text{ZH: "现为" + m.OrgName + org.LabelOf(Kinds, m.Kind, ""), EN: "now a " + strings.ToLower(org.LabelOf(Kinds, m.Kind, i18n.EN)) + " of " + m.OrgName}, true
}

// Timeline is a person's membership steps, oldest first.
func (s *Service) Timeline(ctx context.Context, actor access.Actor, id int64, lang string) ([]Event, error) {
	if _, err := s.Person(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT kind, detail, detail_en, on_date, at, actor_name FROM membership_events WHERE person_id = ? ORDER BY id", id)
	if err != nil {
		return nil, errs.Wrap(err, "timeline")
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Kind, &e.Text.ZH, &e.Text.EN, &e.OnDate, &e.At, &e.ActorName); err != nil {
			return nil, errs.Wrap(err, "scan timeline")
		}
		e.Summary = e.Text.In(lang)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "timeline")
}

// Reveal returns a person's ID number or phone (field "id_number" or
// "phone") in full to an actor allowed to see it at the person's
// organization, and writes the reveal to the audit log — who saw whose
// number, never the number.
func (s *Service) Reveal(ctx context.Context, actor access.Actor, id int64, field string) (string, error) {
	p, err := s.Person(ctx, actor, id)
	if err != nil {
		return "", err
	}
	if !actor.Can(PeopleReveal, p.Membership.path) {
		return "", errs.New(errs.Forbidden, "您没有查看完整身份证号和电话的权限", "you may not see ID numbers and phones in full")
	}
	col, what := "id_sealed", i18n.Text{ZH: "身份证号", EN: "ID number"}
	switch field {
	case "id_number":
	case "phone":
		col, what = "phone_sealed", i18n.Text{ZH: "电话", EN: "phone"}
	default:
		return "", errs.Field("field", "只能查看 id_number 或 phone", "field must be id_number or phone")
	}
	var sealed []byte
	if err := s.db.QueryRow(ctx, "SELECT "+col+" FROM persons WHERE id = ?", id).Scan(&sealed); err != nil {
		return "", errs.Wrap(err, "read sealed "+field)
	}
	if sealed == nil {
		return "", errs.New(errs.NotFound, p.Name+"未登记"+what.ZH, "no "+what.EN+" is registered for "+p.Name)
	}
	plain, err := s.seal.open(field, sealed)
	if err != nil {
		return "", errs.Wrap(err, "open "+field)
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "person.reveal", TargetType: "person", TargetID: strconv.FormatInt(id, 10), OrgPath: p.Membership.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("查看 %s 的完整%s", p.Name, what.ZH), EN: fmt.Sprintf("viewed the full %s of %s", what.EN, p.Name)}})
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}
