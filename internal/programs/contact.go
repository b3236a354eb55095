package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// Leaders' contact points (领导干部基层联系点, M7): a leading cadre of a city
// or county committee, or of an agency, keeps an organization of the
// subtree they lead as a contact point for a year and visits it at least
// as often as the rule of its county or city says (4 times a year unless
// set otherwise). The organization department keeps the contact points; a
// visit is logged by it or by the contact point's own organization. A
// contact point always lies in its leader's scope: one set outside is
// refused, and a visit to one the tree has since moved out of it is
// refused as well, so that no leader is credited with visits to an
// organization they no longer lead.

// ContactStates are where a contact point stands against the rule: the
// year's visits done, on schedule (as many as the share of the year gone
// by asks for), or behind it.
var ContactStates = []org.Choice{
	{Key: "behind", Text: i18n.Text{ZH: "进度落后", EN: "Behind"}},
	{Key: "on_track", Text: i18n.Text{ZH: "进度正常", EN: "On track"}},
	{Key: "met", Text: i18n.Text{ZH: "已达标", EN: "Met"}},
}

// DefaultMinVisits is the visits a year a contact point needs where no
// county or city sets a rule.
const DefaultMinVisits = 4

// MaxMinVisits bounds a rule: one visit a week.
const MaxMinVisits = 52

// ContactInput sets a leader's contact point for a year.
type ContactInput struct {
	PersonID    int64  `json:"person_id"`     // the leader, a member of the register
	LeaderOrgID int64  `json:"leader_org_id"` // the organization they lead from
	OrgID       int64  `json:"org_id"`        // the contact point
	Year        int    `json:"year"`
	Post        string `json:"post"` // as the leader is known: 县委书记, 市委常委 …
	Note        string `json:"note"`
}

// Contact is a contact point as its readers see it, with where it stands
// against the rule.
type Contact struct {
	ID            int64  `json:"id"`
	PersonID      int64  `json:"person_id"`
	LeaderName    string `json:"leader_name"`
	Post          string `json:"post"`
	LeaderOrgID   int64  `json:"leader_org_id"`
	LeaderOrgName string `json:"leader_org_name"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name"`
	Year          int    `json:"year"`
	Note          string `json:"note"`
	VisitCount    int    `json:"visit_count"`
	LastVisitOn   string `json:"last_visit_on"`
	// Required is the year's visits the rule asks for, Expected those due
	// by today (all of them for a past year), State the standing.
	Required  int    `json:"required"`
	Expected  int    `json:"expected"`
	State     string `json:"state"`
	InScope   bool   `json:"in_scope"` // the contact point still lies in the leader's scope
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Version   int    `json:"version"`
	// Visits are given for one contact point (Contact), not in lists.
	Visits     []Visit `json:"visits,omitempty"`
	path       string
	leaderPath string
	active     bool // the contact point's organization is not dissolved
}

// Visit is one visit of a leader to a contact point.
type Visit struct {
	ID         int64  `json:"id"`
	VisitedOn  string `json:"visited_on"`
	Topics     string `json:"topics"`
	Solved     int    `json:"solved"`
	SolvedText string `json:"solved_text"`
	FollowUp   string `json:"follow_up"`
	At         string `json:"at"`
	Actor      string `json:"actor"`
}

// VisitInput logs a visit.
type VisitInput struct {
	VisitedOn  string `json:"visited_on"`
	Topics     string `json:"topics"`
	Solved     int    `json:"solved"` // problems solved on the visit
	SolvedText string `json:"solved_text"`
	FollowUp   string `json:"follow_up"`
}

// Path is the materialized path of the contact point's organization, for
// the pages' permission checks.
func (c Contact) Path() string { return c.path }

// LeaderOrgOK reports whether an organization is one a leader leads from:
// a committee of a county or above (the city's, a county's), or an
// agency's organization (机关, 事业单位, 国有企业).
func LeaderOrgOK(o org.Org) bool {
	switch o.Level {
	case "national", "province", "city", "county":
		return true
	case "unit":
		return isAgencyCategory(o.Category)
	}
	return false
}

// isAgencyCategory reports whether a host-unit category is an agency's.
func isAgencyCategory(c string) bool { return c == "organ" || c == "institution" || c == "soe" }

// contactNotFound is the answer for a contact point that does not exist or
// that the actor may not read.
func contactNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "联系点 %d 不存在或不在您的管理范围内", "contact point %d not found or outside your scope", id)
}

// contactText reads a text typed in words: at most hi characters, at least
// lo (0: optional).
func contactText(field, v string, lo, hi int, zh, en string, f *errs.Fields) string {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	switch {
	case lo > 0 && n == 0:
		f.Add(field, "请填写"+zh, "enter the "+en)
	case n < lo || n > hi:
		if lo > 0 {
			f.Add(field, fmt.Sprintf("%s请用 %d–%d 字填写，现有 %d 字", zh, lo, hi, n), fmt.Sprintf("write the %s in %d to %d characters (now %d)", en, lo, hi, n))
		} else {
			f.Add(field, fmt.Sprintf("%s最多 %d 字，现有 %d 字", zh, hi, n), fmt.Sprintf("the %s may have at most %d characters (now %d)", en, hi, n))
		}
	}
	return v
}

// contactDate reads a date that may not be after today nor outside the
// year (0: any year).
func (s *Service) contactDate(v, field, zh, en string, year int, f *errs.Fields) string {
	t, err := time.Parse(dateLayout, strings.TrimSpace(v))
	if err != nil {
		f.Add(field, "请填写"+zh+"，格式如 2026-07-01", "enter the "+en+" as a date like 2026-07-01")
		return ""
	}
	switch {
	case t.After(s.today()):
		f.Add(field, zh+"不能晚于今天（"+s.today().Format(dateLayout)+"）", "the "+en+" cannot be after today ("+s.today().Format(dateLayout)+")")
	case year != 0 && t.Year() != year:
		f.Add(field, fmt.Sprintf("%s应在联系点的年度（%d 年）内", zh, year), fmt.Sprintf("the %s must fall in the contact point's year, %d", en, year))
	}
	return t.Format(dateLayout)
}

// contactAsField turns a refusal to look up an organization or a person named
// in a form (not found, or not allowed) into an error at its field, so that
// the form shows it where the choice was made.
func contactAsField(field string, err error) error {
	e := errs.As(err)
	if e.Kind == errs.NotFound || e.Kind == errs.Forbidden {
		return errs.Field(field, e.ZH, e.EN)
	}
	return err
}

// CreateContact sets a leader's contact point for a year. The actor
// manages the leader's organization; the contact point lies below it; the
// leader is a current member of the register; a leader keeps an
// organization once a year.
func (s *Service) CreateContact(ctx context.Context, actor access.Actor, in ContactInput) (Contact, error) {
	if !actor.CanAnywhere(ProgramsManage) {
		return Contact{}, errs.New(errs.Forbidden, "您没有设置领导干部联系点的权限", "you may not set leaders' contact points")
	}
	var f errs.Fields
	if in.LeaderOrgID == 0 {
		f.Add("leader_org_id", "请选择领导干部所在的党组织（县级以上党委或机关、事业单位、国有企业党组织）", "choose the organization the leader leads from (a committee of a county or above, or an agency's organization)")
	}
	if in.OrgID == 0 {
		f.Add("org_id", "请选择联系点党组织", "choose the organization that is the contact point")
	}
	if err := f.Err(); err != nil {
		return Contact{}, err
	}
	leader, err := s.orgs.Check(ctx, actor, in.LeaderOrgID, ProgramsManage)
	if err != nil {
		return Contact{}, contactAsField("leader_org_id", err)
	}
	point, err := s.orgs.Check(ctx, actor, in.OrgID, ProgramsManage)
	if err != nil {
		return Contact{}, contactAsField("org_id", err)
	}
	if !LeaderOrgOK(leader) {
		f.Add("leader_org_id", fmt.Sprintf("“%s”不是县级以上党委或机关、事业单位、国有企业党组织，不能作为领导干部所在单位", leader.Label()),
			fmt.Sprintf("%s is neither a committee of a county or above nor an agency's organization: a leader cannot lead from it", leader.Label()))
	} else if !leader.Active() {
		f.Add("leader_org_id", fmt.Sprintf("“%s”已撤销", leader.Label()), fmt.Sprintf("%s is dissolved", leader.Label()))
	}
	switch {
	case !point.Active():
		f.Add("org_id", fmt.Sprintf("“%s”已撤销，不能作为联系点", point.Label()), fmt.Sprintf("%s is dissolved and cannot be a contact point", point.Label()))
	case LeaderOrgOK(leader) && point.ID == leader.ID:
		f.Add("org_id", fmt.Sprintf("联系点应为“%s”的下级党组织，不能是它本身", leader.Label()),
			fmt.Sprintf("a contact point is an organization below %s, not %s itself", leader.Label(), leader.Label()))
	case LeaderOrgOK(leader) && !access.Within(point.Path, leader.Path):
		f.Add("org_id", fmt.Sprintf("“%s”不在“%s”的管辖范围内：联系点应为领导干部所在党组织的下级党组织", point.Label(), leader.Label()),
			fmt.Sprintf("%s lies outside the scope of %s: a contact point is an organization below the one the leader leads from", point.Label(), leader.Label()))
	}
	this := s.today().Year()
	if in.Year < 2000 || in.Year > this+1 {
		f.Add("year", fmt.Sprintf("年度应为 2000–%d 年", this+1), fmt.Sprintf("the year must be 2000 to %d", this+1))
	}
	post := contactText("post", in.Post, 0, 30, "职务", "post", &f)
	note := contactText("note", in.Note, 0, 500, "备注", "note", &f)
	if in.PersonID == 0 {
		f.Add("person_id", "请选择联系点的领导干部", "choose the leader")
		return Contact{}, f.Err()
	}
	p, err := s.ppl.Person(ctx, actor, in.PersonID)
	switch {
	case err != nil && (errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden)):
		f.Add("person_id", errs.As(err).ZH, errs.As(err).EN)
	case err != nil:
		return Contact{}, err
	case p.Membership == nil || !p.Membership.Active:
		f.Add("person_id", fmt.Sprintf("%s已不是在册党员，不能设置联系点", p.Name), fmt.Sprintf("%s is no longer a member of the register", p.Name))
	}
	if err := f.Err(); err != nil {
		return Contact{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		var dup int64
		err := tx.QueryRow(ctx, "SELECT id FROM contact_points WHERE person_id = ? AND org_id = ? AND year = ?", p.ID, point.ID, in.Year).Scan(&dup)
		if err == nil {
			return contactDuplicate(p.Name, point.Label(), in.Year, dup)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "contact point")
		}
		now := db.FormatTime(tx.Now())
		err = tx.QueryRow(ctx, `INSERT INTO contact_points (person_id, leader_name, post, leader_org_id, org_id, year, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.ID, p.Name, post, leader.ID, point.ID, in.Year, note, now, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return contactDuplicate(p.Name, point.Label(), in.Year, 0)
		}
		if err != nil {
			return errs.Wrap(err, "insert contact point")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "contact.create", TargetType: "contact_point", TargetID: strconv.FormatInt(id, 10), OrgPath: point.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("设置%s（%s）%d 年基层联系点：%s", p.Name, leader.Label(), in.Year, point.Label()),
				EN: fmt.Sprintf("set %s as the %d contact point of %s (%s)", point.Label(), in.Year, p.Name, leader.Label())},
			After: map[string]any{"person_id": p.ID, "leader_org_id": leader.ID, "org_id": point.ID, "year": in.Year, "post": post}})
	})
	if err != nil {
		return Contact{}, err
	}
	return s.Contact(ctx, actor, id)
}

func contactDuplicate(name, point string, year int, id int64) error {
	zh, en := fmt.Sprintf("%s %d 年已将“%s”设为联系点", name, year, point), fmt.Sprintf("%s already keeps %s as a contact point in %d", name, point, year)
	if id != 0 {
		zh += fmt.Sprintf("（联系点 %d），不能重复设置", id)
		en += fmt.Sprintf(" (contact point %d)", id)
	}
	return errs.New(errs.Conflict, zh, en)
}

var contactCols = `c.id, c.person_id, c.leader_name, c.post, c.leader_org_id, ` + org.LabelCol("lo") + `, lo.path, c.org_id, ` + org.LabelCol("o") + `, o.path, o.status,
	c.year, c.note, c.visits, COALESCE(c.last_visit_on, ''), c.created_at, c.updated_at, c.version`

const contactFrom = ` FROM contact_points c JOIN orgs o ON o.id = c.org_id JOIN orgs lo ON lo.id = c.leader_org_id`

func scanContact(sc db.Scanner, c *Contact) error {
	var status string
	err := sc.Scan(&c.ID, &c.PersonID, &c.LeaderName, &c.Post, &c.LeaderOrgID, &c.LeaderOrgName, &c.leaderPath, &c.OrgID, &c.OrgName, &c.path, &status,
		&c.Year, &c.Note, &c.VisitCount, &c.LastVisitOn, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.active = status == org.StatusActive
	c.InScope = c.path != c.leaderPath && access.Within(c.path, c.leaderPath)
	return err
}

// contactReadable reports whether the actor reads a contact point: at its
// organization or at the leader's.
func contactReadable(actor access.Actor, c Contact) bool {
	return actor.Can(ProgramsRead, c.path) || actor.Can(ProgramsRead, c.leaderPath)
}

// CanLogVisit reports whether the actor logs the visits of a contact point:
// the organization department or the contact point's own organization.
func CanLogVisit(actor access.Actor, c Contact) bool {
	return actor.Can(ProgramsManage, c.path) || actor.Can(ProgramsReport, c.path)
}

// Contact returns a contact point the actor may read, with its visits,
// newest first, and where it stands against the rule.
func (s *Service) Contact(ctx context.Context, actor access.Actor, id int64) (Contact, error) {
	var c Contact
	err := scanContact(s.db.QueryRow(ctx, "SELECT "+contactCols+contactFrom+" WHERE c.id = ?", id), &c)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !contactReadable(actor, c) {
		return Contact{}, contactNotFound(id)
	}
	if err != nil {
		return Contact{}, errs.Wrap(err, "contact point")
	}
	rules, err := s.contactRuleTable(ctx, s.db)
	if err != nil {
		return Contact{}, err
	}
	s.standing(&c, rules)
	rows, err := s.db.Query(ctx, "SELECT id, visited_on, topics, solved, solved_text, follow_up, at, actor_name FROM contact_visits WHERE contact_id = ? ORDER BY visited_on DESC, id DESC", id)
	if err != nil {
		return Contact{}, errs.Wrap(err, "visits")
	}
	defer rows.Close()
	c.Visits = []Visit{}
	for rows.Next() {
		var v Visit
		if err := rows.Scan(&v.ID, &v.VisitedOn, &v.Topics, &v.Solved, &v.SolvedText, &v.FollowUp, &v.At, &v.Actor); err != nil {
			return Contact{}, errs.Wrap(err, "scan visit")
		}
		c.Visits = append(c.Visits, v)
	}
	return c, errs.Wrap(rows.Err(), "visits")
}

// standing sets what the rule asks of a contact point and where it stands:
// met with the required visits done; on track with at least the share of
// them the part of the year gone by asks for (rounded down, all of them
// once the year is over); behind otherwise.
func (s *Service) standing(c *Contact, rules map[int64]int) {
	c.Required = requiredVisits(c.path, rules)
	today := s.today()
	switch {
	case c.Year < today.Year():
		c.Expected = c.Required
	case c.Year > today.Year():
		c.Expected = 0
	default:
		start := time.Date(c.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		days := start.AddDate(1, 0, 0).Sub(start).Hours() / 24
		gone := today.Sub(start).Hours()/24 + 1
		c.Expected = int(float64(c.Required) * gone / days)
	}
	switch {
	case c.VisitCount >= c.Required:
		c.State = "met"
	case c.VisitCount >= c.Expected:
		c.State = "on_track"
	default:
		c.State = "behind"
	}
}

// LogVisit records a leader's visit to a contact point: by the
// organization department or the contact point's own organization, dated
// within the contact point's year and not after today, once a day. A
// contact point the tree has moved out of its leader's scope takes no
// visit.
func (s *Service) LogVisit(ctx context.Context, actor access.Actor, id int64, in VisitInput) (Contact, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		var c Contact
		err := scanContact(tx.QueryRow(ctx, "SELECT "+contactCols+contactFrom+" WHERE c.id = ?"+tx.Lock(db.ForUpdate, "c"), id), &c)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !contactReadable(actor, c) {
			return contactNotFound(id)
		}
		if err != nil {
			return errs.Wrap(err, "contact point")
		}
		if !CanLogVisit(actor, c) {
			return errs.New(errs.Forbidden, fmt.Sprintf("您没有为联系点“%s”登记走访的权限：由组织部门或该党组织登记", c.OrgName),
				fmt.Sprintf("you may not log visits to %s: the organization department or the organization itself does", c.OrgName))
		}
		if !c.InScope {
			return errs.New(errs.Conflict,
				fmt.Sprintf("“%s”已不在%s所在的“%s”管辖范围内（组织隶属关系已调整），不能为该联系点登记走访；请重新设置联系点", c.OrgName, c.LeaderName, c.LeaderOrgName),
				fmt.Sprintf("%s no longer lies in the scope of %s, where %s leads from (the tree has changed): no visit can be logged for this contact point; set the contact point again", c.OrgName, c.LeaderOrgName, c.LeaderName))
		}
		if !c.active {
			return errs.New(errs.Conflict, fmt.Sprintf("“%s”已撤销，不能登记走访", c.OrgName), fmt.Sprintf("%s is dissolved: no visit can be logged", c.OrgName))
		}
		var f errs.Fields
		on := s.contactDate(in.VisitedOn, "visited_on", "走访日期", "date of the visit", c.Year, &f)
		topics := contactText("topics", in.Topics, 2, 500, "走访内容（调研、座谈的主题）", "topics of the visit", &f)
		solvedText := contactText("solved_text", in.SolvedText, 0, 1000, "解决问题情况", "problems solved", &f)
		follow := contactText("follow_up", in.FollowUp, 0, 500, "后续跟进", "follow-up", &f)
		switch {
		case in.Solved < 0 || in.Solved > 999:
			f.Add("solved", "解决问题数应为 0–999 的整数", "the number of problems solved must be a whole number from 0 to 999")
		case in.Solved > 0 && solvedText == "":
			f.Add("solved_text", fmt.Sprintf("解决了 %d 个问题，请写明是哪些问题、如何解决", in.Solved), fmt.Sprintf("%d problems solved: say which and how", in.Solved))
		case in.Solved == 0 && solvedText != "":
			f.Add("solved", "填写了解决问题情况，请填写解决问题数", "problems solved are described: give their number")
		}
		if on != "" {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM contact_visits WHERE contact_id = ? AND visited_on = ?", c.ID, on).Scan(&n); err != nil {
				return errs.Wrap(err, "visits of the day")
			}
			if n > 0 {
				f.Add("visited_on", fmt.Sprintf("%s 已登记过该联系点的走访，同一天只登记一次", on), fmt.Sprintf("a visit on %s is logged already: one a day", on))
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := db.FormatTime(tx.Now())
		if _, err := tx.Exec(ctx, "INSERT INTO contact_visits (contact_id, visited_on, topics, solved, solved_text, follow_up, at, actor_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			c.ID, on, topics, in.Solved, solvedText, follow, now, actor.Username); err != nil {
			return errs.Wrap(err, "insert visit")
		}
		last := max(c.LastVisitOn, on)
		if _, err := tx.Exec(ctx, "UPDATE contact_points SET visits = visits + 1, last_visit_on = ?, updated_at = ?, version = version + 1 WHERE id = ?", last, now, c.ID); err != nil {
			return errs.Wrap(err, "count visit")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "contact.visit", TargetType: "contact_point", TargetID: strconv.FormatInt(c.ID, 10), OrgPath: c.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("登记%s %s 到联系点%s的走访（本年度第 %d 次）", c.LeaderName, on, c.OrgName, c.VisitCount+1),
				EN: fmt.Sprintf("logged the visit of %s to the contact point %s on %s (visit %d of the year)", c.LeaderName, c.OrgName, on, c.VisitCount+1)},
			Before: map[string]any{"visits": c.VisitCount}, After: map[string]any{"visits": c.VisitCount + 1, "visited_on": on, "solved": in.Solved}})
	})
	if err != nil {
		return Contact{}, err
	}
	return s.Contact(ctx, actor, id)
}

// LeaderMatches finds at most limit current members of the register the
// actor reads whose name contains q, or whose whole ID number q is: the
// leader picker's choices.
func (s *Service) LeaderMatches(ctx context.Context, actor access.Actor, q string, limit int) ([]people.Member, error) {
	ms, _, err := s.ppl.Members(ctx, actor, people.MemberQuery{Q: q, Limit: limit})
	return ms, err
}

// Leader returns a person of the register the actor reads, with the posts
// they hold now: the leader picker's choice.
func (s *Service) Leader(ctx context.Context, actor access.Actor, id int64) (people.Person, []people.Post, error) {
	p, err := s.ppl.Person(ctx, actor, id)
	if err != nil {
		return p, nil, err
	}
	posts, err := s.ppl.PersonPosts(ctx, actor, id)
	if err != nil {
		return p, nil, err
	}
	var now []people.Post
	for _, po := range posts {
		if po.EndedOn == "" {
			now = append(now, po)
		}
	}
	return p, now, nil
}
