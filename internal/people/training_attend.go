package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/ids"
	"jiceng/internal/org"
)

// AttendInput records that a person attended a course and the hours
// credited; no hours (0) credits the course's.
type AttendInput struct {
	PersonID int64   `json:"person_id"`
	Hours    float64 `json:"hours"`
}

// Attendance is one person's attendance of a course.
type Attendance struct {
	ID         int64   `json:"id"`
	CourseID   int64   `json:"course_id"`
	PersonID   int64   `json:"person_id"`
	Name       string  `json:"name"`
	IDMask     string  `json:"id_number_masked"`
	OrgID      int64   `json:"org_id"`
	OrgName    string  `json:"org_name"`
	Hours      float64 `json:"hours"`
	CreatedAt  string  `json:"created_at"`
	ActorName  string  `json:"actor"`
	CourseName string  `json:"course_title,omitempty"`
	StartsOn   string  `json:"starts_on,omitempty"`
	Kind       string  `json:"kind,omitempty"`
}

// attendee is a person checked for an attendance: a current member the
// actor manages.
type attendee struct {
	id         int64
	name, path string
}

// attendable checks that a course can be attended: it has begun.
func (s *Service) attendable(c Course) error {
	if c.StartsOn > s.today().Format(dateLayout) {
		return errs.Newf(errs.Conflict, "培训“%s”于 %s 开始，尚未开始，不能登记参训", "the course “%s” starts on %s: attendance is recorded once it has begun", c.Title, c.StartsOn)
	}
	return nil
}

// member reads a person as an attendee: the current member of an
// organization the actor manages people in; anyone else is not found, so
// that an ID number outside the scope says nothing about its person.
func (s *Service) member(ctx context.Context, q db.Querier, actor access.Actor, personID int64) (attendee, error) {
	var a attendee
	var status string
	err := q.QueryRow(ctx, "SELECT p.id, p.name, "+org.PathCol("o")+", m.status FROM persons p JOIN memberships m ON m.person_id = p.id AND m.active = ?"+org.Join("o", "m.org_id")+" WHERE p.id = ?", true, personID).
		Scan(&a.id, &a.name, &a.path, &status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return a, errs.Wrap(err, "attendee")
	}
	if err != nil || !actor.Can(PeopleRead, a.path) {
		return a, errs.Newf(errs.NotFound, "人员 %d 不存在或不在您的管理范围内", "person %d not found or outside your scope", personID)
	}
	if !actor.Can(PeopleManage, a.path) {
		return a, errs.New(errs.Forbidden, "您没有登记该党员参训的权限", "you may not record this member's training")
	}
	return a, nil
}

// attendedOn says when a person's attendance of a course was recorded, ""
// when it was not.
func attendedOn(ctx context.Context, q db.Querier, courseID, personID int64) (string, error) {
	var at string
	err := q.QueryRow(ctx, "SELECT created_at FROM training_attendance WHERE course_id = ? AND person_id = ?", courseID, personID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return at, errs.Wrap(err, "earlier attendance")
}

// alreadyAttended is the refusal of a second attendance of one course.
func alreadyAttended(name, at string) error {
	return errs.Newf(errs.Conflict, "%s已登记参加本期培训（%s 登记），不能重复登记", "%s's attendance of this course was already recorded (on %s)", name, at[:10])
}

// Attend records that a person attended a course the actor sees, credited
// with at most the course's hours. The person must be a current member the
// actor manages; nobody attends one course twice.
func (s *Service) Attend(ctx context.Context, actor access.Actor, courseID int64, in AttendInput) (Attendance, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return Attendance{}, errs.New(errs.Forbidden, "您没有登记培训的权限", "you may not record training")
	}
	c, err := s.Course(ctx, actor, courseID)
	if err != nil {
		return Attendance{}, err
	}
	var f errs.Fields
	halves := c.halves
	if in.Hours != 0 {
		halves = halvesOf(in.Hours, 1<<30, "hours", &f)
		if halves > c.halves {
			f.Add("hours", fmt.Sprintf("认定学时不能超过本期培训的 %s 学时", FormatHours(c.halves)), fmt.Sprintf("the hours credited cannot exceed the course's %s", FormatHours(c.halves)))
		}
	}
	if in.PersonID == 0 {
		f.Add("person_id", "请选择参训的党员", "choose the member who attended")
	}
	if err := f.Err(); err != nil {
		return Attendance{}, err
	}
	if err := s.attendable(c); err != nil {
		return Attendance{}, err
	}
	a, err := s.member(ctx, s.db, actor, in.PersonID)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			return Attendance{}, errs.Field("person_id", e.ZH, e.EN)
		}
		return Attendance{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if at, err := attendedOn(ctx, tx, c.ID, a.id); err != nil {
			return err
		} else if at != "" {
			return alreadyAttended(a.name, at)
		}
		err := tx.QueryRow(ctx, "INSERT INTO training_attendance (course_id, person_id, year, halves, created_at, actor_name) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			c.ID, a.id, c.Year, halves, db.FormatTime(tx.Now()), actor.Username).Scan(&id)
		if db.IsUniqueViolation(err) {
			return alreadyAttended(a.name, db.FormatTime(tx.Now()))
		}
		if err != nil {
			return errs.Wrap(err, "insert attendance")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "training.attend", TargetType: "person", TargetID: strconv.FormatInt(a.id, 10), OrgPath: a.path,
			Summary: i18n.Textf("%s参加培训“%s”，认定 %s 学时", "%s attended “%s”, credited %s hours", a.name, c.Title, FormatHours(halves)),
			After:   map[string]any{"course_id": c.ID, "hours": FormatHours(halves)}})
	})
	if err != nil {
		return Attendance{}, err
	}
	s.trained.forget()
	list, err := s.CourseAttendance(ctx, actor, c.ID)
	if err != nil {
		return Attendance{}, err
	}
	for _, at := range list {
		if at.ID == id {
			return at, nil
		}
	}
	return Attendance{}, errs.Newf(errs.Internal, "参训记录 %d 未找到", "attendance %d not found", id)
}

// CourseAttendance lists who attended a course, among the members the actor
// reads, in pinyin order.
func (s *Service) CourseAttendance(ctx context.Context, actor access.Actor, courseID int64) ([]Attendance, error) {
	c, err := s.Course(ctx, actor, courseID)
	if err != nil {
		return nil, err
	}
	scope, args := actor.ScopeSQL(org.PathCol("o"), PeopleRead)
	rows, err := s.db.Query(ctx, "SELECT a.id, a.person_id, p.name, p.id_mask, o.id, "+org.LabelCol("o")+", a.halves, a.created_at, a.actor_name FROM training_attendance a JOIN persons p ON p.id = a.person_id"+
		" JOIN memberships m ON m.person_id = a.person_id AND m.active = ?"+org.Join("o", "m.org_id")+" WHERE a.course_id = ? AND "+scope+" ORDER BY p.name_key, p.id", append([]any{true, c.ID}, args...)...)
	if err != nil {
		return nil, errs.Wrap(err, "attendance")
	}
	defer rows.Close()
	out := []Attendance{}
	for rows.Next() {
		at := Attendance{CourseID: c.ID}
		var h int
		if err := rows.Scan(&at.ID, &at.PersonID, &at.Name, &at.IDMask, &at.OrgID, &at.OrgName, &h, &at.CreatedAt, &at.ActorName); err != nil {
			return nil, errs.Wrap(err, "scan attendance")
		}
		at.Hours = Hours(h)
		out = append(out, at)
	}
	return out, errs.Wrap(rows.Err(), "attendance")
}

// PersonTraining is a person's training of a year against their
// requirement.
type PersonTraining struct {
	Year     int          `json:"year"`
	Hours    float64      `json:"hours"`
	Required float64      `json:"required"`
	Post     string       `json:"post"` // the post whose requirement applies; "member" for the member's
	Done     bool         `json:"done"`
	Courses  []Attendance `json:"courses"`
}

// PersonTraining reads a person's courses of a year and their hours
// against their requirement.
func (s *Service) PersonTraining(ctx context.Context, actor access.Actor, personID int64, year int) (PersonTraining, error) {
	p, err := s.Person(ctx, actor, personID)
	if err != nil {
		return PersonTraining{}, err
	}
	out := PersonTraining{Year: year, Courses: []Attendance{}, Post: MemberRequirement}
	rows, err := s.db.Query(ctx, "SELECT a.id, c.id, c.title, c.kind, c.starts_on, c.org_id, "+org.LabelCol("o")+", a.halves, a.created_at, a.actor_name FROM training_attendance a JOIN training_courses c ON c.id = a.course_id"+
		org.Join("o", "c.org_id")+" WHERE a.person_id = ? AND a.year = ? ORDER BY c.starts_on, c.id", personID, year)
	if err != nil {
		return out, errs.Wrap(err, "person's training")
	}
	defer rows.Close()
	var sum int
	for rows.Next() {
		a := Attendance{PersonID: personID, Name: p.Name}
		var h int
		if err := rows.Scan(&a.ID, &a.CourseID, &a.CourseName, &a.Kind, &a.StartsOn, &a.OrgID, &a.OrgName, &h, &a.CreatedAt, &a.ActorName); err != nil {
			return out, errs.Wrap(err, "scan person's training")
		}
		a.Hours, sum = Hours(h), sum+h
		out.Courses = append(out.Courses, a)
	}
	if err := rows.Err(); err != nil {
		return out, errs.Wrap(err, "person's training")
	}
	reqs, err := s.requirementTable(ctx, s.db)
	if err != nil {
		return out, err
	}
	posts, err := s.currentPosts(ctx, "po.person_id = ?", personID)
	if err != nil {
		return out, err
	}
	need, post := reqs.of(p.Membership.path, posts[personID])
	out.Hours, out.Required, out.Post, out.Done = Hours(sum), Hours(need), post, sum >= need
	return out, nil
}

// heldPost is a current post with the path of its organization.
type heldPost struct{ post, path string }

// currentPosts reads the posts held now by the persons matched by cond (on
// posts po, with args), by person.
func (s *Service) currentPosts(ctx context.Context, cond string, args ...any) (map[int64][]heldPost, error) {
	rows, err := s.db.Query(ctx, "SELECT po.person_id, po.post, "+org.PathCol("o")+" FROM posts po"+org.Join("o", "po.org_id")+" WHERE po.ended_on IS NULL AND "+cond, args...)
	if err != nil {
		return nil, errs.Wrap(err, "current posts")
	}
	defer rows.Close()
	out := map[int64][]heldPost{}
	for rows.Next() {
		var id int64
		var h heldPost
		if err := rows.Scan(&id, &h.post, &h.path); err != nil {
			return nil, errs.Wrap(err, "scan post")
		}
		out[id] = append(out[id], h)
	}
	return out, errs.Wrap(rows.Err(), "current posts")
}

// Picked is a member a person picker offers.
type Picked struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	IDMask  string `json:"id_number_masked"`
	OrgName string `json:"org_name"`
}

// PickMembers finds at most limit current members the actor manages by
// part of their name or their whole ID number, in pinyin order, for the
// pickers of forms that record something of a member.
func (s *Service) PickMembers(ctx context.Context, actor access.Actor, q string, limit int) ([]Picked, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return nil, errs.New(errs.Forbidden, "您没有登记培训的权限", "you may not record training")
	}
	q = strings.TrimSpace(q)
	out := []Picked{}
	if q == "" {
		return out, nil
	}
	scope, args := actor.ScopeSQL(org.PathCol("o"), PeopleManage)
	where := "m.active = ? AND " + scope
	args = append([]any{true}, args...)
	byNumber := false
	if card, err := ids.ParseIDCard(foldID(q), s.today()); err == nil {
		if err := s.probeWait(actor); err != nil {
			return nil, err
		}
		byNumber = true
		where, args = where+" AND p.id_index = ?", append(args, s.seal.lookup(card.Number))
	} else {
		where, args = where+" AND p.name LIKE ?", append(args, db.Contains(q))
	}
	rows, err := s.db.Query(ctx, "SELECT p.id, p.name, p.id_mask, "+org.LabelCol("o")+" FROM memberships m JOIN persons p ON p.id = m.person_id"+org.Join("o", "m.org_id")+
		" WHERE "+where+" ORDER BY m.name_key, m.person_id LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, errs.Wrap(err, "pick members")
	}
	defer rows.Close()
	for rows.Next() {
		var p Picked
		if err := rows.Scan(&p.ID, &p.Name, &p.IDMask, &p.OrgName); err != nil {
			return nil, errs.Wrap(err, "scan member")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "pick members")
	}
	if byNumber && len(out) == 0 {
		return out, s.probeMiss(actor)
	}
	return out, nil
}
