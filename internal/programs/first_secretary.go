package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// First secretaries (第一书记, M4): the organization department sends a
// cadre of the member register, from a home agency (派出单位), to a
// village's or a community's organization for a term with duties. The
// dispatch takes up the post first_secretary in the register through the
// people module, so that the register and this ledger agree, and a term is
// ended the same way: when it is over, or early by a recall or a rotation
// (召回/轮换) with the reason. A person serves one term at a time and an
// organization has one first secretary at a time: a term that overlaps
// another of the same person, or another at the same organization, is
// refused. The organization's own secretary or the department keeps the
// term's work log (驻村日志); the department opens the yearly review
// (三述三评) on the evaluation engine.

// FirstSecStates are where a term stands: in post, over but its end not
// yet recorded, or ended.
var FirstSecStates = []org.Choice{
	{Key: "in_post", Text: i18n.Text{ZH: "在任", EN: "In post"}},
	{Key: "expired", Text: i18n.Text{ZH: "期满待办理", EN: "Term over, end not recorded"}},
	{Key: "ended", Text: i18n.Text{ZH: "已离任", EN: "Ended"}},
}

// FirstSecEndKinds are how a term ends: at its end, recalled by the
// department, or rotated out for another first secretary.
var FirstSecEndKinds = []org.Choice{
	{Key: "completed", Text: i18n.Text{ZH: "期满离任", EN: "Term completed"}},
	{Key: "recalled", Text: i18n.Text{ZH: "召回", EN: "Recalled"}},
	{Key: "rotated", Text: i18n.Text{ZH: "轮换", EN: "Rotated"}},
}

// MaxFirstSecYears bounds a term: first secretaries usually serve two
// years, some three; five catches a year typed wrong.
const MaxFirstSecYears = 5

// firstSecPost is the register's post of a first secretary.
const firstSecPost = "first_secretary"

// FirstSecInput dispatches a first secretary.
type FirstSecInput struct {
	PersonID   int64  `json:"person_id"`
	OrgID      int64  `json:"org_id"`      // the village's or community's organization
	HomeAgency string `json:"home_agency"` // 派出单位
	StartedOn  string `json:"started_on"`
	EndsOn     string `json:"ends_on"` // the end of the term
	Duties     string `json:"duties"`
}

// FirstSecEndInput ends a term: completed (on or after its end), recalled
// or rotated (before it, with the reason).
type FirstSecEndInput struct {
	Kind    string `json:"kind"`
	EndedOn string `json:"ended_on"`
	Reason  string `json:"reason"`
}

// FirstSec is a first secretary's term as its readers see it.
type FirstSec struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	PersonName string `json:"person_name"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	HomeAgency string `json:"home_agency"`
	PostID     int64  `json:"post_id"` // the register's post
	StartedOn  string `json:"started_on"`
	EndsOn     string `json:"ends_on"`
	EndedOn    string `json:"ended_on"` // empty while in post
	EndKind    string `json:"end_kind"`
	EndReason  string `json:"end_reason"`
	Duties     string `json:"duties"`
	// The term taken over from and the one that took over, 0 for none.
	PredecessorID   int64  `json:"predecessor_id"`
	PredecessorName string `json:"predecessor_name"`
	SuccessorID     int64  `json:"successor_id"`
	SuccessorName   string `json:"successor_name"`
	LogDays         int    `json:"log_days"`
	LastLogOn       string `json:"last_log_on"`
	// State is in_post, expired or ended; DaysLeft the days from today to
	// the end of the term (negative once it is over), for a term not ended.
	State     string `json:"state"`
	DaysLeft  int    `json:"days_left"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Version   int    `json:"version"`
	// Reviews are given for one term (FirstSecTerm), not in lists.
	Reviews []FirstSecReview `json:"reviews,omitempty"`
	path    string
	active  bool // the organization is not dissolved
}

// Path is the materialized path of the term's organization, for the pages'
// permission checks.
func (f FirstSec) Path() string { return f.path }

// Active reports whether the term's organization is not dissolved: only
// then does its log take entries.
func (f FirstSec) Active() bool { return f.active }

// Vacant reports whether the term has ended and nobody took over.
func (f FirstSec) Vacant() bool { return f.EndedOn != "" && f.SuccessorID == 0 }

// lastDay is the term's last day: when it ended, or the end of the term.
func (f FirstSec) lastDay() string {
	if f.EndedOn != "" {
		return f.EndedOn
	}
	return f.EndsOn
}

func firstSecNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "第一书记任期 %d 不存在或不在您的管理范围内", "first secretary's term %d not found or outside your scope", id)
}

// fsCols are the columns of a term: its organization, its predecessor's
// and successor's names.
var fsCols = `t.id, t.person_id, t.person_name, t.org_id, ` + orgLabelO + `, o.path, o.status, t.home_agency, t.post_id, t.started_on, t.ends_on,
	COALESCE(t.ended_on, ''), t.end_kind, t.end_reason, t.duties, COALESCE(t.predecessor_id, 0), COALESCE(pr.person_name, ''), COALESCE(nx.id, 0),
	COALESCE(nx.person_name, ''), t.log_days, COALESCE(t.last_log_on, ''), t.created_at, t.updated_at, t.version`

// orgLabelO is the label of the organization joined as o.
var orgLabelO = org.LabelCol("o")

// fsFrom joins a term's organization and its neighbours; terms whose post
// is still being recorded are left out by fsDone.
const fsFrom = ` FROM fsec_terms t JOIN orgs o ON o.id = t.org_id LEFT JOIN fsec_terms pr ON pr.id = t.predecessor_id
	LEFT JOIN fsec_terms nx ON nx.predecessor_id = t.id AND nx.post_id IS NOT NULL`

const fsDone = "t.post_id IS NOT NULL"

// scanFirstSec reads a term and sets its state against today.
func scanFirstSec(sc db.Scanner, f *FirstSec, today time.Time) error {
	var status string
	var post sql.NullInt64
	err := sc.Scan(&f.ID, &f.PersonID, &f.PersonName, &f.OrgID, &f.OrgName, &f.path, &status, &f.HomeAgency, &post, &f.StartedOn, &f.EndsOn,
		&f.EndedOn, &f.EndKind, &f.EndReason, &f.Duties, &f.PredecessorID, &f.PredecessorName, &f.SuccessorID,
		&f.SuccessorName, &f.LogDays, &f.LastLogOn, &f.CreatedAt, &f.UpdatedAt, &f.Version)
	if err != nil {
		return err
	}
	f.PostID = post.Int64
	f.active = status == org.StatusActive
	end, _ := time.Parse(dateLayout, f.EndsOn)
	switch {
	case f.EndedOn != "":
		f.State = "ended"
	default:
		f.DaysLeft = int(end.Sub(today).Hours() / 24)
		f.State = "in_post"
		if f.DaysLeft < 0 {
			f.State = "expired"
		}
	}
	return nil
}

// CanKeepFirstSec reports whether the actor dispatches and ends the terms
// of an organization: its organization department.
func CanKeepFirstSec(actor access.Actor, f FirstSec) bool { return actor.Can(ProgramsManage, f.path) }

// CanLogFirstSec reports whether the actor writes a term's work log: the
// organization itself or its organization department.
func CanLogFirstSec(actor access.Actor, f FirstSec) bool {
	return actor.Can(ProgramsReport, f.path) || actor.Can(ProgramsManage, f.path)
}

// FirstSecTerm returns a term the actor reads, with its reviews.
func (s *Service) FirstSecTerm(ctx context.Context, actor access.Actor, id int64) (FirstSec, error) {
	f, err := s.firstSec(ctx, actor, id)
	if err != nil {
		return FirstSec{}, err
	}
	if f.Reviews, err = s.firstSecReviews(ctx, actor, f.ID); err != nil {
		return FirstSec{}, err
	}
	return f, nil
}

// firstSec returns a term the actor reads, without its reviews.
func (s *Service) firstSec(ctx context.Context, actor access.Actor, id int64) (FirstSec, error) {
	var f FirstSec
	err := scanFirstSec(s.db.QueryRow(ctx, "SELECT "+fsCols+fsFrom+" WHERE t.id = ? AND "+fsDone, id), &f, s.today())
	if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.Can(ProgramsRead, f.path) {
		return FirstSec{}, firstSecNotFound(id)
	}
	if err != nil {
		return FirstSec{}, errs.Wrap(err, "first secretary")
	}
	return f, nil
}

// fsDate reads a date of a form.
func fsDate(v, field, zh, en string, f *errs.Fields) (time.Time, bool) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(v))
	if err != nil || t.Year() < 2000 {
		f.Add(field, "请填写"+zh+"，格式如 2026-07-01", "enter the "+en+" as a date like 2026-07-01")
		return time.Time{}, false
	}
	return t, true
}

// Dispatch sends a first secretary: the department of the organization
// dispatches a current member of the register to a village's or a
// community's organization for a term that started by today, and the post
// is recorded in the register. A term that overlaps another of the same
// person, or another at the organization, is refused with the term it
// overlaps, and nothing is recorded. The organization's last term, ended
// with nobody taking over, is the one the new term takes over from.
func (s *Service) Dispatch(ctx context.Context, actor access.Actor, in FirstSecInput) (FirstSec, error) {
	if !actor.CanAnywhere(ProgramsManage) {
		return FirstSec{}, errs.New(errs.Forbidden, "您没有选派第一书记的权限", "you may not dispatch first secretaries")
	}
	var f errs.Fields
	if in.OrgID == 0 {
		f.Add("org_id", "请选择派驻的村（社区）党组织", "choose the village's or community's organization")
		return FirstSec{}, f.Err()
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, ProgramsManage)
	if err != nil {
		return FirstSec{}, contactAsField("org_id", err)
	}
	switch {
	case o.Level != "village":
		f.Add("org_id", fmt.Sprintf("“%s”不是村（社区）党组织：第一书记派驻到村（社区）党组织", o.Label()),
			fmt.Sprintf("%s is not a village's or community's organization: first secretaries are sent to those", o.Label()))
	case !o.Active():
		f.Add("org_id", fmt.Sprintf("“%s”已撤销，不能派驻第一书记", o.Label()), fmt.Sprintf("%s is dissolved: no first secretary can be sent there", o.Label()))
	}
	agency := contactText("home_agency", in.HomeAgency, 2, 100, "派出单位", "home agency", &f)
	duties := contactText("duties", in.Duties, 4, 1000, "驻村工作职责", "duties", &f)
	today := s.today()
	start, okStart := fsDate(in.StartedOn, "started_on", "任职日期", "date the term starts", &f)
	if okStart && start.After(today) {
		f.Add("started_on", "任职日期不能晚于今天（"+today.Format(dateLayout)+"）：第一书记到任后再登记选派", "the term cannot start after today ("+today.Format(dateLayout)+"): record the dispatch once the first secretary has arrived")
		okStart = false
	}
	end, okEnd := fsDate(in.EndsOn, "ends_on", "任期届满日期", "end of the term", &f)
	if okStart && okEnd {
		switch {
		case !end.After(start):
			f.Add("ends_on", "任期届满日期应晚于任职日期 "+start.Format(dateLayout), "the term must end after it starts, "+start.Format(dateLayout))
		case end.After(start.AddDate(MaxFirstSecYears, 0, 0)):
			f.Add("ends_on", fmt.Sprintf("任期最长 %d 年：届满日期最晚为 %s", MaxFirstSecYears, start.AddDate(MaxFirstSecYears, 0, 0).Format(dateLayout)),
				fmt.Sprintf("a term lasts at most %d years: it ends by %s", MaxFirstSecYears, start.AddDate(MaxFirstSecYears, 0, 0).Format(dateLayout)))
		}
	}
	if in.PersonID == 0 {
		f.Add("person_id", "请选择选派的第一书记（在册党员）", "choose the first secretary, a member of the register")
		return FirstSec{}, f.Err()
	}
	p, err := s.ppl.Person(ctx, actor, in.PersonID)
	switch {
	case err != nil && (errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden)):
		f.Add("person_id", errs.As(err).ZH, errs.As(err).EN)
	case err != nil:
		return FirstSec{}, err
	case p.Membership == nil || !p.Membership.Active:
		f.Add("person_id", fmt.Sprintf("%s已不是在册党员，不能选派为第一书记", p.Name), fmt.Sprintf("%s is no longer a member of the register and cannot be a first secretary", p.Name))
	}
	if err := f.Err(); err != nil {
		return FirstSec{}, err
	}
	from, to := start.Format(dateLayout), end.Format(dateLayout)
	// The term is reserved first, under a lock of the ledger, so that two
	// dispatches cannot both pass the overlap checks; then the register
	// records the post; then the term is confirmed with it. A refusal of
	// the register drops the reservation.
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTableExclusive(ctx, "fsec_terms"); err != nil {
			return errs.Wrap(err, "lock first secretaries")
		}
		stale := db.FormatTime(tx.Now().Add(-10 * time.Minute))
		if _, err := tx.Exec(ctx, "DELETE FROM fsec_terms WHERE post_id IS NULL AND created_at < ?", stale); err != nil {
			return errs.Wrap(err, "stale dispatches")
		}
		if err := firstSecOverlaps(ctx, tx, p.ID, p.Name, o, from, to); err != nil {
			return err
		}
		var pred sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT t.id FROM fsec_terms t WHERE t.org_id = ? AND t.started_on < ? AND t.ended_on IS NOT NULL AND t.post_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM fsec_terms n WHERE n.predecessor_id = t.id) ORDER BY t.started_on DESC LIMIT 1`, o.ID, from).Scan(&pred)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "predecessor")
		}
		now := db.FormatTime(tx.Now())
		return errs.Wrap(tx.QueryRow(ctx, `INSERT INTO fsec_terms (person_id, person_name, org_id, home_agency, started_on, ends_on, predecessor_id, duties, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.ID, p.Name, o.ID, agency, from, to, pred, duties, now, now).Scan(&id), "reserve first secretary")
	})
	if err != nil {
		return FirstSec{}, err
	}
	post, err := s.ppl.Appoint(ctx, actor, people.PostInput{PersonID: p.ID, OrgID: o.ID, Post: firstSecPost, HomeAgency: agency, StartedOn: from})
	if err != nil {
		if _, derr := s.db.Exec(ctx, "DELETE FROM fsec_terms WHERE id = ? AND post_id IS NULL", id); derr != nil {
			return FirstSec{}, errs.Wrap(derr, "drop reservation")
		}
		// The register's refusals name the same fields as the form; one
		// without a field is about the organization's present holder.
		if e := errs.As(err); e.Field == "" && e.Kind == errs.Conflict {
			return FirstSec{}, &errs.Error{Kind: errs.Conflict, Field: "org_id", Text: e.Text}
		}
		return FirstSec{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.FormatTime(tx.Now())
		if _, err := tx.Exec(ctx, "UPDATE fsec_terms SET post_id = ?, updated_at = ? WHERE id = ?", post.ID, now, id); err != nil {
			return errs.Wrap(err, "confirm first secretary")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "firstsec.dispatch", TargetType: "first_secretary", TargetID: strconv.FormatInt(id, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("选派%s（%s）任%s第一书记，任期 %s 至 %s", p.Name, agency, o.Label(), from, to),
				EN: fmt.Sprintf("dispatched %s (%s) as first secretary of %s from %s to %s", p.Name, agency, o.Label(), from, to)},
			After: map[string]any{"person_id": p.ID, "org_id": o.ID, "home_agency": agency, "started_on": from, "ends_on": to, "post_id": post.ID}})
	})
	if err != nil {
		return FirstSec{}, err
	}
	return s.FirstSecTerm(ctx, actor, id)
}

// firstSecOverlaps refuses a term from..to of a person at an organization
// that overlaps a term of the same person or one at the organization, or
// while the organization's first secretary has not left. A term's last
// day may be the next one's first (the day of the handover).
func firstSecOverlaps(ctx context.Context, tx *db.Tx, personID int64, name string, o org.Org, from, to string) error {
	var holder, since, until string
	err := tx.QueryRow(ctx, "SELECT person_name, started_on, ends_on FROM fsec_terms WHERE org_id = ? AND ended_on IS NULL", o.ID).Scan(&holder, &since, &until)
	if err == nil {
		return &errs.Error{Kind: errs.Conflict, Field: "org_id", Text: i18n.Text{
			ZH: fmt.Sprintf("%s现任第一书记为%s（任期 %s 至 %s），尚未办理离任：请先在其任期页面办理期满离任或召回、轮换，再选派新的第一书记", o.Label(), holder, since, until),
			EN: fmt.Sprintf("the present first secretary of %s is %s (term %s to %s), who has not left: record the end of that term (completed, recalled or rotated) before sending another", o.Label(), holder, since, until)}}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return errs.Wrap(err, "present first secretary")
	}
	rows, err := tx.Query(ctx, `SELECT t.id, t.person_id, t.person_name, `+orgLabelO+`, t.org_id, t.started_on, COALESCE(t.ended_on, t.ends_on) FROM fsec_terms t JOIN orgs o ON o.id = t.org_id
		WHERE (t.person_id = ? OR t.org_id = ?) AND t.started_on < ? AND COALESCE(t.ended_on, t.ends_on) > ? ORDER BY t.person_id <> ?, t.started_on`, personID, o.ID, to, from, personID)
	if err != nil {
		return errs.Wrap(err, "overlapping terms")
	}
	defer rows.Close()
	if !rows.Next() {
		return errs.Wrap(rows.Err(), "overlapping terms")
	}
	var id, pid, oid int64
	var who, where, a, b string
	if err := rows.Scan(&id, &pid, &who, &where, &oid, &a, &b); err != nil {
		return errs.Wrap(err, "overlapping term")
	}
	if pid == personID {
		return &errs.Error{Kind: errs.Conflict, Field: "started_on", Text: i18n.Text{
			ZH: fmt.Sprintf("%s %s 至 %s 在%s任第一书记（任期 %d），与本次任期（%s 至 %s）重叠：同一人同一时间只能在一个村（社区）任第一书记", name, a, b, where, id, from, to),
			EN: fmt.Sprintf("%s is first secretary of %s from %s to %s (term %d), which overlaps this term (%s to %s): a person serves as first secretary in one place at a time", name, where, a, b, id, from, to)}}
	}
	return &errs.Error{Kind: errs.Conflict, Field: "started_on", Text: i18n.Text{
		ZH: fmt.Sprintf("%s %s 至 %s 的第一书记为%s（任期 %d），与本次任期（%s 至 %s）重叠：一个村（社区）同一时间只有一名第一书记", where, a, b, who, id, from, to),
		EN: fmt.Sprintf("%s had %s as first secretary from %s to %s (term %d), which overlaps this term (%s to %s): an organization has one first secretary at a time", where, who, a, b, id, from, to)}}
}

// EndFirstSec records the end of a term: completed on or after its end,
// or recalled or rotated before it with the reason; never before its start
// or its last log entry, nor after today. The register's post ends on the
// same day (unless the register has recorded the leaving already).
func (s *Service) EndFirstSec(ctx context.Context, actor access.Actor, id int64, in FirstSecEndInput) (FirstSec, error) {
	t, err := s.firstSec(ctx, actor, id)
	if err != nil {
		return FirstSec{}, err
	}
	if !CanKeepFirstSec(actor, t) {
		return FirstSec{}, errs.New(errs.Forbidden, "您没有办理第一书记离任的权限：由组织部门办理", "you may not end a first secretary's term: the organization department does")
	}
	if err := firstSecEnded(t); err != nil {
		return FirstSec{}, err
	}
	var f errs.Fields
	kind, ok := org.KeyOf(FirstSecEndKinds, in.Kind)
	if !ok {
		f.Add("kind", "请选择离任方式：期满离任、召回或轮换", "choose how the term ends: completed, recalled or rotated")
	}
	today := s.today()
	ended, okDate := fsDate(in.EndedOn, "ended_on", "离任日期", "date the term ends", &f)
	on := ended.Format(dateLayout)
	reason := strings.TrimSpace(in.Reason)
	if okDate {
		switch {
		case ended.After(today):
			f.Add("ended_on", "离任日期不能晚于今天（"+today.Format(dateLayout)+"）", "the term cannot end after today ("+today.Format(dateLayout)+")")
		case on <= t.StartedOn:
			f.Add("ended_on", "离任日期应晚于任职日期 "+t.StartedOn, "the term must end after it started, "+t.StartedOn)
		case t.LastLogOn != "" && on < t.LastLogOn:
			f.Add("ended_on", fmt.Sprintf("驻村日志已记到 %s，离任日期不能早于该日", t.LastLogOn), fmt.Sprintf("the work log runs to %s: the term cannot end before that", t.LastLogOn))
		case kind == "completed" && on < t.EndsOn:
			f.Add("kind", fmt.Sprintf("任期至 %s 届满，尚未期满：提前结束任期请选择“召回”或“轮换”并填写原因", t.EndsOn),
				fmt.Sprintf("the term runs to %s: to end it early choose recalled or rotated and give the reason", t.EndsOn))
		case (kind == "recalled" || kind == "rotated") && on >= t.EndsOn:
			f.Add("kind", fmt.Sprintf("任期已于 %s 届满，请选择“期满离任”", t.EndsOn), fmt.Sprintf("the term was over on %s: choose completed", t.EndsOn))
		}
	}
	if kind == "recalled" || kind == "rotated" {
		if reason == "" {
			f.Add("reason", "提前结束任期（"+org.LabelOf(FirstSecEndKinds, kind, i18n.ZH)+"）请填写原因", "say why the term ends early ("+strings.ToLower(org.LabelOf(FirstSecEndKinds, kind, i18n.EN))+")")
		} else {
			reason = contactText("reason", reason, 4, 500, "原因", "reason", &f)
		}
	} else {
		reason = contactText("reason", reason, 0, 500, "说明", "note", &f)
	}
	if err := f.Err(); err != nil {
		return FirstSec{}, err
	}
	// The register first: a leaving it has recorded is not recorded twice,
	// so that a ledger change that fails can simply be taken again.
	open, err := s.ppl.OrgPosts(ctx, actor, t.OrgID)
	if err != nil {
		return FirstSec{}, err
	}
	for _, po := range open {
		if po.ID == t.PostID {
			if err := s.ppl.EndPost(ctx, actor, t.PostID, on); err != nil {
				return FirstSec{}, err
			}
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var endedOn sql.NullString
		var version int
		if err := tx.QueryRow(ctx, "SELECT ended_on, version FROM fsec_terms WHERE id = ?"+tx.Lock(db.ForUpdate), t.ID).Scan(&endedOn, &version); err != nil {
			return errs.Wrap(err, "first secretary")
		}
		if endedOn.Valid {
			t.EndedOn = endedOn.String
			return firstSecEnded(t)
		}
		now := db.FormatTime(tx.Now())
		if _, err := tx.Exec(ctx, "UPDATE fsec_terms SET ended_on = ?, end_kind = ?, end_reason = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			on, kind, reason, now, t.ID); err != nil {
			return errs.Wrap(err, "end first secretary")
		}
		label := org.LabelOf(FirstSecEndKinds, kind, i18n.ZH)
		summary := i18n.Text{ZH: fmt.Sprintf("%s第一书记%s %s %s", t.OrgName, t.PersonName, on, label),
			EN: fmt.Sprintf("%s, first secretary of %s, left on %s (%s)", t.PersonName, t.OrgName, on, strings.ToLower(org.LabelOf(FirstSecEndKinds, kind, i18n.EN)))}
		if reason != "" {
			summary.ZH += "：" + reason
			summary.EN += ": " + reason
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "firstsec.end", TargetType: "first_secretary", TargetID: strconv.FormatInt(t.ID, 10), OrgPath: t.path,
			Summary: summary, Before: map[string]any{"ends_on": t.EndsOn, "version": version}, After: map[string]any{"ended_on": on, "end_kind": kind, "end_reason": reason}})
	})
	if err != nil {
		return FirstSec{}, err
	}
	return s.FirstSecTerm(ctx, actor, id)
}

// firstSecEnded refuses a change of a term that has ended.
func firstSecEnded(t FirstSec) error {
	if t.EndedOn == "" {
		return nil
	}
	return errs.New(errs.Conflict, fmt.Sprintf("%s已于 %s 离任%s第一书记，任期已结束", t.PersonName, t.EndedOn, t.OrgName),
		fmt.Sprintf("%s left the post of first secretary of %s on %s: the term has ended", t.PersonName, t.OrgName, t.EndedOn))
}
