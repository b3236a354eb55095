package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Training of members and cadres (M4): an organization holds courses of so
// many 学时; members attend and are credited hours; each year a member must
// reach the requirement of their highest post. Hours are whole or half
// 学时 and are kept as halves, so that sums are exact on both engines.

// TrainingKinds are the forms a course takes.
var TrainingKinds = []org.Choice{
	{Key: "centralized", Text: i18n.Text{ZH: "集中培训", EN: "Centralized training"}},
	{Key: "online", Text: i18n.Text{ZH: "网络培训", EN: "Online training"}},
	{Key: "lecture", Text: i18n.Text{ZH: "专题讲座", EN: "Lecture"}},
	{Key: "party_school", Text: i18n.Text{ZH: "党校培训", EN: "Party school course"}},
	{Key: "onsite", Text: i18n.Text{ZH: "现场教学", EN: "On-site teaching"}},
}

// MemberRequirement is the key of the requirement every member has.
const MemberRequirement = "member"

// RequirementPosts are what a requirement is set for: every member, then
// each post.
var RequirementPosts = append([]org.Choice{{Key: MemberRequirement, Text: i18n.Text{ZH: "全体党员", EN: "Every member"}}}, PostKinds...)

// defaultHalves is the requirement of a post where no organization above
// set one, from 《中国共产党党员教育管理工作条例》(2019): every member at
// least 32 学时 of concentrated learning a year; the secretaries and
// committee members of basic-level organizations (基层党组织书记和班子成员)
// at least 56. Other posts have none of their own: the member's applies.
func defaultHalves(post string) int {
	switch {
	case post == MemberRequirement:
		return 64
	case committeePost(post):
		return 112
	}
	return 0
}

// maxCourseHalves caps a course at 200 学时: a month of full-time party
// school; more is a typing slip.
const maxCourseHalves = 400

// Hours turns halves into 学时 for screens and files.
func Hours(halves int) float64 { return float64(halves) / 2 }

// halvesOf checks hours given in 学时 (whole or half, more than zero and at
// most max halves) and adds a problem at field when they are not.
func halvesOf(hours float64, max int, field string, f *errs.Fields) int {
	h2 := hours * 2
	switch {
	case math.IsNaN(hours) || math.IsInf(hours, 0):
		f.Add(field, "请填写学时，如 2 或 1.5", "enter the hours, such as 2 or 1.5")
	case hours <= 0:
		f.Add(field, "学时应大于 0", "the hours must be more than 0")
	case math.Abs(h2-math.Round(h2)) > 1e-9:
		f.Add(field, "学时只能是整数或半学时，如 2 或 1.5", "hours are whole or half, such as 2 or 1.5")
	case int(math.Round(h2)) > max:
		f.Add(field, fmt.Sprintf("学时不能超过 %s", FormatHours(max)), fmt.Sprintf("the hours cannot be more than %s", FormatHours(max)))
	default:
		return int(math.Round(h2))
	}
	return 0
}

// FormatHours writes halves as 学时: "32", "1.5".
func FormatHours(halves int) string {
	return strconv.FormatFloat(Hours(halves), 'f', -1, 64)
}

// CourseInput is a course as a form or an API body gives it.
type CourseInput struct {
	OrgID    int64    `json:"org_id"` // the organizer
	Title    string   `json:"title"`
	Kind     string   `json:"kind"`
	StartsOn string   `json:"starts_on"`
	EndsOn   string   `json:"ends_on"`
	Hours    float64  `json:"hours"` // 学时, whole or half
	Posts    []string `json:"posts"` // the posts it is meant for; none for every member
}

// Course is a training course.
type Course struct {
	ID        int64    `json:"id"`
	OrgID     int64    `json:"org_id"`
	OrgName   string   `json:"org_name"`
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	StartsOn  string   `json:"starts_on"`
	EndsOn    string   `json:"ends_on"`
	Year      int      `json:"year"`
	Hours     float64  `json:"hours"`
	Posts     []string `json:"posts"`
	Attendees int      `json:"attendees"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
	halves    int
	path      string
}

// course is a checked CourseInput.
type course struct {
	title, kind, starts, ends, posts string
	year, halves                     int
}

// checkCourse validates a course and adds a problem per field to f.
func (s *Service) checkCourse(in CourseInput, f *errs.Fields) course {
	var c course
	c.title = norm.NFC.String(strings.TrimSpace(in.Title))
	if n := utf8.RuneCountInString(c.title); n == 0 || n > 100 {
		f.Add("title", "请填写课程名称（最多 100 字）", "enter the course title (at most 100 characters)")
	} else if strings.ContainsFunc(c.title, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\u202e' || r == '\u202d' }) {
		f.Add("title", "课程名称不能含换行或控制字符", "the title cannot contain line breaks or control characters")
	}
	var ok bool
	if c.kind, ok = org.KeyOf(TrainingKinds, in.Kind); !ok {
		f.Add("kind", "请选择培训形式，如“集中培训”“网络培训”“专题讲座”", "choose the kind, such as centralized training, online training or lecture")
	}
	start, okStart := parseDate(in.StartsOn, "starts_on", "开始日期", "start date", f)
	end, okEnd := parseDate(in.EndsOn, "ends_on", "结束日期", "end date", f)
	if okStart && okEnd {
		last := s.today().Year() + 1
		switch {
		case end.Before(start):
			f.Add("ends_on", "结束日期不能早于开始日期 "+start.Format(dateLayout), "the end date cannot be before the start date, "+start.Format(dateLayout))
		case start.Year() < 2000 || end.Year() > last:
			f.Add("starts_on", fmt.Sprintf("培训日期应在 2000 年至 %d 年之间", last), fmt.Sprintf("the course must lie between 2000 and %d", last))
		case end.Sub(start).Hours() > 24*366:
			f.Add("ends_on", "一期培训不能超过一年，请分期登记", "a course cannot last more than a year: record it in parts")
		}
		c.starts, c.ends, c.year = start.Format(dateLayout), end.Format(dateLayout), end.Year()
	}
	c.halves = halvesOf(in.Hours, maxCourseHalves, "hours", f)
	var posts []string
	for _, p := range in.Posts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		k, ok := org.KeyOf(PostKinds, p)
		if !ok {
			f.Add("posts", "培训对象只能从职务中选择，如“书记”“委员”", "the posts it is meant for are chosen from the posts, such as secretary or committee member")
			break
		}
		if !slices.Contains(posts, k) {
			posts = append(posts, k)
		}
	}
	c.posts = strings.Join(posts, ",")
	return c
}

// organizer checks that the actor may hold courses in the organization
// named by a form: a problem at org_id otherwise.
func (s *Service) organizer(ctx context.Context, actor access.Actor, orgID int64) (org.Org, error) {
	if orgID == 0 {
		return org.Org{}, errs.Field("org_id", "请选择主办的党组织", "choose the organizing organization")
	}
	o, err := s.orgs.Check(ctx, actor, orgID, PeopleManage)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound || e.Kind == errs.Forbidden {
			return org.Org{}, errs.Field("org_id", e.ZH, e.EN)
		}
		return org.Org{}, err
	}
	if !o.Active() {
		return org.Org{}, errs.Field("org_id", fmt.Sprintf("“%s”已撤销，不能主办培训", o.Label()), fmt.Sprintf("%s has been dissolved and cannot hold courses", o.Label()))
	}
	return o, nil
}

// courseAudit is what the audit log keeps of a course.
func courseAudit(o org.Org, c course) map[string]any {
	return map[string]any{"org_id": o.ID, "title": c.title, "kind": c.kind, "starts_on": c.starts, "ends_on": c.ends, "hours": FormatHours(c.halves), "posts": c.posts}
}

// CreateCourse records a course held by an organization the actor manages
// people in.
func (s *Service) CreateCourse(ctx context.Context, actor access.Actor, in CourseInput) (Course, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return Course{}, errs.New(errs.Forbidden, "您没有登记培训的权限", "you may not record training")
	}
	var f errs.Fields
	c := s.checkCourse(in, &f)
	o, err := s.organizer(ctx, actor, in.OrgID)
	if err != nil {
		if e := errs.As(err); e.Field != "" {
			f.Add(e.Field, e.ZH, e.EN)
		} else {
			return Course{}, err
		}
	}
	if err := f.Err(); err != nil {
		return Course{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.FormatTime(tx.Now())
		if err := tx.QueryRow(ctx, "INSERT INTO training_courses (org_id, title, kind, starts_on, ends_on, year, halves, posts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			o.ID, c.title, c.kind, c.starts, c.ends, c.year, c.halves, c.posts, now, now).Scan(&id); err != nil {
			return errs.Wrap(err, "insert course")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "training.course", TargetType: "course", TargetID: strconv.FormatInt(id, 10), OrgPath: o.Path,
			Summary: i18n.Textf("%s举办培训“%s”（%s 学时，%s 至 %s）", "%s holds the course “%s” (%s hours, %s to %s)", o.Label(), c.title, FormatHours(c.halves), c.starts, c.ends),
			After:   courseAudit(o, c)})
	})
	if err != nil {
		return Course{}, err
	}
	return s.Course(ctx, actor, id)
}

// UpdateCourse corrects a course. Its hours cannot fall below what anyone
// was already credited; a new year moves its attendance with it.
func (s *Service) UpdateCourse(ctx context.Context, actor access.Actor, id int64, in CourseInput) (Course, error) {
	old, err := s.Course(ctx, actor, id)
	if err != nil {
		return Course{}, err
	}
	if !actor.Can(PeopleManage, old.path) {
		return Course{}, errs.New(errs.Forbidden, "您没有管理该培训的权限", "you may not manage this course")
	}
	var f errs.Fields
	c := s.checkCourse(in, &f)
	o, err := s.organizer(ctx, actor, in.OrgID)
	if err != nil {
		if e := errs.As(err); e.Field != "" {
			f.Add(e.Field, e.ZH, e.EN)
		} else {
			return Course{}, err
		}
	}
	if err := f.Err(); err != nil {
		return Course{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var most, first sql.NullInt64
		if err := tx.QueryRow(ctx, "SELECT MAX(halves), MIN(year) FROM training_attendance WHERE course_id = ?", id).Scan(&most, &first); err != nil {
			return errs.Wrap(err, "credited hours")
		}
		if most.Valid && int(most.Int64) > c.halves {
			return errs.Field("hours", fmt.Sprintf("已有学员登记了 %s 学时，课程学时不能少于此数：请先更正其参训记录", FormatHours(int(most.Int64))),
				fmt.Sprintf("attendees were credited %s hours: the course cannot have fewer; correct their attendance first", FormatHours(int(most.Int64))))
		}
		res, err := tx.Exec(ctx, "UPDATE training_courses SET org_id = ?, title = ?, kind = ?, starts_on = ?, ends_on = ?, year = ?, halves = ?, posts = ?, updated_at = ?, version = version + 1 WHERE id = ? AND updated_at = ?",
			o.ID, c.title, c.kind, c.starts, c.ends, c.year, c.halves, c.posts, db.FormatTime(tx.Now()), id, old.UpdatedAt)
		if err != nil {
			return errs.Wrap(err, "update course")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "该培训刚刚已被他人修改，请刷新后重试", "someone changed this course a moment ago: reload and try again")
		}
		if _, err := tx.Exec(ctx, "UPDATE training_attendance SET year = ? WHERE course_id = ?", c.year, id); err != nil {
			return errs.Wrap(err, "attendance year")
		}
		before := course{title: old.Title, kind: old.Kind, starts: old.StartsOn, ends: old.EndsOn, halves: old.halves, posts: strings.Join(old.Posts, ",")}
		oldOrg := org.Org{ID: old.OrgID}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "training.course_edit", TargetType: "course", TargetID: strconv.FormatInt(id, 10), OrgPath: o.Path, LeftFrom: leftFrom(old.path, o.Path),
			Summary: i18n.Textf("修改培训“%s”", "changed the course “%s”", c.title), Before: courseAudit(oldOrg, before), After: courseAudit(o, c)})
	})
	if err != nil {
		return Course{}, err
	}
	s.trained.forget()
	return s.Course(ctx, actor, id)
}

// leftFrom is the organizer a course left, for the audit log, when it
// changed hands.
func leftFrom(old, now string) string {
	if old == now {
		return ""
	}
	return old
}

// courseVisible reports whether the actor sees a course held by the
// organization at path: in a subtree it reads, or above one, since members
// attend the courses their county or city holds.
func courseVisible(actor access.Actor, path string) bool {
	if actor.Can(PeopleRead, path) {
		return true
	}
	for _, root := range actor.Scopes(PeopleRead) {
		if strings.HasPrefix(root, path) {
			return true
		}
	}
	return false
}

// visibleSQL is courseVisible as a condition on the organizer's path col.
func visibleSQL(actor access.Actor, col string) string {
	if actor.Unrestricted() {
		return "1=1"
	}
	var parts []string
	for _, root := range actor.Scopes(PeopleRead) {
		parts = append(parts, access.InSubtree(col, root))
		// Paths are digits and slashes, like InSubtree's literals: each
		// ancestor's path is a prefix of the root's.
		for i := 1; i < len(root)-1; i++ {
			if root[i] == '/' && access.InSubtree(col, root) != "1=0" {
				parts = append(parts, col+" = '"+root[:i+1]+"'")
			}
		}
	}
	if len(parts) == 0 {
		return "1=0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

const courseCols = "c.id, c.org_id, " + "CASE WHEN o.short_name <> '' THEN o.short_name ELSE o.name END" + ", o.path, c.title, c.kind, c.starts_on, c.ends_on, c.year, c.halves, c.posts, c.created_at, c.updated_at, " +
	"(SELECT COUNT(*) FROM training_attendance a WHERE a.course_id = c.id)"

func scanCourse(sc db.Scanner, c *Course) error {
	var posts string
	if err := sc.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.path, &c.Title, &c.Kind, &c.StartsOn, &c.EndsOn, &c.Year, &c.halves, &posts, &c.CreatedAt, &c.UpdatedAt, &c.Attendees); err != nil {
		return err
	}
	c.Hours = Hours(c.halves)
	c.Posts = []string{}
	if posts != "" {
		c.Posts = strings.Split(posts, ",")
	}
	return nil
}

// Course returns a course the actor sees.
func (s *Service) Course(ctx context.Context, actor access.Actor, id int64) (Course, error) {
	var c Course
	err := scanCourse(s.db.QueryRow(ctx, "SELECT "+courseCols+" FROM training_courses c"+org.Join("o", "c.org_id")+" WHERE c.id = ?", id), &c)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Course{}, errs.Wrap(err, "course")
	}
	if err != nil || !courseVisible(actor, c.path) {
		return Course{}, errs.Newf(errs.NotFound, "培训 %d 不存在或不在您的管理范围内", "course %d not found or outside your scope", id)
	}
	return c, nil
}

// CanManageCourse reports whether the actor may change a course and
// record attendance for the whole of it.
func CanManageCourse(actor access.Actor, c Course) bool { return actor.Can(PeopleManage, c.path) }

// CourseQuery filters the course list.
type CourseQuery struct {
	Under  int64  // courses held in this organization's subtree; 0 for all the actor sees
	Year   int    // 0 for every year
	Kind   string // a TrainingKinds key or ""
	Q      string // part of the title
	Sort   string // start (default, newest first), title, hours, org, attendees; "-" reverses
	Limit  int
	Offset int
}

// courseSorts are the orders of the course list; each ends on the id, so
// that pages never overlap.
var courseSorts = map[string]string{
	"start":     "c.starts_on %[1]s, c.id %[1]s",
	"title":     "c.title %[1]s, c.id",
	"hours":     "c.halves %[1]s, c.starts_on DESC, c.id",
	"org":       "o.path %[1]s, c.starts_on DESC, c.id",
	"attendees": "(SELECT COUNT(*) FROM training_attendance a WHERE a.course_id = c.id) %[1]s, c.id",
}

// Courses lists the courses the actor sees — those held in its subtrees
// and above them — newest first unless sorted otherwise, with their total.
func (s *Service) Courses(ctx context.Context, actor access.Actor, q CourseQuery) ([]Course, int, error) {
	if !actor.CanAnywhere(PeopleRead) {
		return nil, 0, errs.New(errs.Forbidden, "您没有查看培训的权限", "you may not read training records")
	}
	where := []string{visibleSQL(actor, "o.path")}
	var args []any
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, PeopleRead)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, access.InSubtree("o.path", o.Path))
	}
	if q.Year != 0 {
		where, args = append(where, "c.year = ?"), append(args, q.Year)
	}
	if q.Kind != "" {
		k, ok := org.KeyOf(TrainingKinds, q.Kind)
		if !ok {
			return nil, 0, errs.Field("kind", "培训形式无效", "unknown kind of course")
		}
		where, args = append(where, "c.kind = ?"), append(args, k)
	}
	if t := strings.TrimSpace(q.Q); t != "" {
		where, args = append(where, "c.title LIKE ?"), append(args, db.Contains(t))
	}
	from := " FROM training_courses c" + org.Join("o", "c.org_id") + " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count courses")
	}
	key, dir := strings.TrimPrefix(q.Sort, "-"), "ASC"
	if strings.HasPrefix(q.Sort, "-") {
		dir = "DESC"
	}
	order, ok := courseSorts[key]
	if !ok {
		order, dir = courseSorts["start"], "DESC"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, "SELECT "+courseCols+from+" ORDER BY "+fmt.Sprintf(order, dir)+" LIMIT ? OFFSET ?", append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list courses")
	}
	defer rows.Close()
	out := []Course{}
	for rows.Next() {
		var c Course
		if err := scanCourse(rows, &c); err != nil {
			return nil, 0, errs.Wrap(err, "scan course")
		}
		out = append(out, c)
	}
	return out, total, errs.Wrap(rows.Err(), "list courses")
}
