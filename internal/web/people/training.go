package people

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The training pages (M4): the courses, a course with its attendance and
// its import, the requirements per post, and the completion of a subtree.

// trainingRoutes are the training pages and their auth levels.
func (h *Pages) trainingRoutes() []module.Route {
	r := func(method, path string, fn http.HandlerFunc) module.Route {
		return module.R(method, path, module.Web, fn)
	}
	return []module.Route{
		r("GET", "/training", h.TrainingList),
		r("GET", "/training/export.xlsx", h.TrainingExport),
		r("GET", "/training/new", h.CourseNewForm),
		r("POST", "/training/new", h.CourseNew),
		r("GET", "/training/{id}", h.CourseShow),
		r("GET", "/training/{id}/edit", h.CourseEditForm),
		r("POST", "/training/{id}/edit", h.CourseEdit),
		r("POST", "/training/{id}/attend", h.CourseAttend),
		r("GET", "/training/{id}/attendance.xlsx", h.AttendanceExport),
		r("GET", "/training/{id}/import", h.AttendImportForm),
		r("POST", "/training/{id}/import", h.AttendImportUpload),
		r("GET", "/training/import/template.xlsx", h.AttendImportTemplate),
		r("POST", "/training/import/{id}/apply", h.AttendImportApply),
		r("GET", "/training/requirements", h.RequirementsPage),
		r("POST", "/training/requirements", h.RequirementsSet),
		r("GET", "/training/completion", h.CompletionPage),
		r("GET", "/training/completion/export.xlsx", h.CompletionExport),
		r("GET", "/pick/people", h.PickPeople),
	}
}

// trainingCrumbs starts a training page's breadcrumb.
func (h *Pages) trainingCrumbs(p *web.Page, extra ...web.Crumb) {
	p.Crumbs = append([]web.Crumb{{Label: h.T(p.Lang, "nav.people"), Href: "/people"}, {Label: h.T(p.Lang, "trn.title"), Href: "/training"}}, extra...)
	if len(extra) == 0 {
		p.Crumbs[len(p.Crumbs)-1].Href = ""
	}
}

// yearOf reads ?year=, this year when absent or not a year.
func (h *Pages) yearOf(v url.Values) int {
	if y, err := strconv.Atoi(v.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return h.Now().In(org.Shanghai).Year()
}

// trainingList is what the course list shows.
type trainingList struct {
	Rows      []people.Course
	List      *web.List
	Under     org.Org
	Year      int
	Years     []int
	CanManage bool
	CanSet    bool
	Filtered  bool
}

// courseQuery reads the course list's filters from the URL.
func (h *Pages) courseQuery(r *http.Request, l *web.List, errors map[string]string) (people.CourseQuery, int, error) {
	v := r.URL.Query()
	year := 0
	if v.Get("year") != "all" {
		year = h.yearOf(v)
	}
	q := people.CourseQuery{Q: l.Q, Year: year, Kind: v.Get("kind"), Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}
	if err := h.ResolveOrg(r.Context(), web.Actor(r), v, "org", web.PickFilter{}); err != nil {
		if errors == nil || errs.As(err).Field != "org" {
			return q, year, err
		}
		errors["org"] = web.ErrMessage(err, i18n.FromRequest(r))
	}
	if s := v.Get("org"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return q, year, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
		}
		q.Under = id
	}
	return q, year, nil
}

// TrainingList lists the courses the actor sees — held in its subtrees or
// above them — of a year, searchable by title, sortable and exported.
func (h *Pages) TrainingList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "training", h.T(i18n.FromRequest(r), "trn.title"))
	l := web.ListFrom(r, "-start")
	q, year, err := h.courseQuery(r, l, p.Errors)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &trainingList{List: l, Year: year, CanManage: actor.CanAnywhere(people.PeopleManage), CanSet: actor.CanAnywhere(people.PeopleTrainingSet)}
	if v.Rows, l.Total, err = h.ppl.Courses(ctx, actor, q); err != nil {
		h.Fail(w, r, err)
		return
	}
	if q.Under != 0 {
		if v.Under, err = h.Orgs.Get(ctx, actor, q.Under); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	this := h.Now().In(org.Shanghai).Year()
	for y := this + 1; y >= this-4; y-- {
		v.Years = append(v.Years, y)
	}
	v.Filtered = l.Q != "" || q.Kind != "" || q.Under != 0
	h.trainingCrumbs(p)
	p.Form = r.URL.Query()
	if p.Form.Get("year") == "" {
		p.Form.Set("year", strconv.Itoa(year))
	}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "training_list", "layout", p)
}

// TrainingExport exports the course list with the page's filters.
func (h *Pages) TrainingExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	l := web.ListFrom(r, "-start")
	q, year, err := h.courseQuery(r, l, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	rows, _, err := h.ppl.Courses(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var under org.Org
	if q.Under != 0 {
		if under, err = h.Orgs.Get(ctx, actor, q.Under); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "培训课程", EN: "training courses"}
	header := []string{"序号", "课程名称", "主办党组织", "培训形式", "开始日期", "结束日期", "学时", "培训对象", "参训人数"}
	if lang == i18n.EN {
		header = []string{"No.", "Title", "Organizer", "Kind", "Starts", "Ends", "Hours", "Meant for", "Attendees"}
	}
	scope := web.ExportScope(r, under, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 36, 24, 12, 12, 12, 8, 24, 10}, Kinds: []xlsx.Kind{xlsx.Integer, 6: xlsx.Decimal1, 8: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		var parts []string
		if year != 0 {
			parts = append(parts, web.Msg(lang, "年度="+strconv.Itoa(year), "year="+strconv.Itoa(year)))
		}
		if under.ID != 0 {
			parts = append(parts, web.Msg(lang, "范围=", "scope=")+under.Label())
		}
		if q.Q != "" {
			parts = append(parts, web.Msg(lang, "关键词=", "search=")+q.Q)
		}
		if q.Kind != "" {
			parts = append(parts, web.Msg(lang, "形式=", "kind=")+org.LabelOf(people.TrainingKinds, q.Kind, lang))
		}
		if len(parts) == 0 {
			return ""
		}
		return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, c := range rows {
			if !yield([]any{i + 1, c.Title, c.OrgName, org.LabelOf(people.TrainingKinds, c.Kind, lang), c.StartsOn, c.EndsOn, c.Hours, postsText(c.Posts, lang), c.Attendees}) {
				return
			}
		}
	})
}

// postsText names the posts a course is meant for; every member when none.
func postsText(posts []string, lang string) string {
	if len(posts) == 0 {
		return web.Msg(lang, "全体党员", "Every member")
	}
	var names []string
	for _, p := range posts {
		names = append(names, org.LabelOf(people.PostKinds, p, lang))
	}
	return strings.Join(names, web.Msg(lang, "、", ", "))
}

// courseForm is what the course form shows.
type courseForm struct {
	Course people.Course // zero for a new one
	Today  string
}

// coursePage starts the page of the course form.
func (h *Pages) coursePage(r *http.Request, c people.Course) *web.Page {
	lang := i18n.FromRequest(r)
	title := h.T(lang, "trn.new")
	if c.ID != 0 {
		title = h.T(lang, "trn.edit")
	}
	p := h.Page(r, "training", title)
	if c.ID != 0 {
		h.trainingCrumbs(p, web.Crumb{Label: c.Title, Href: courseHref(c.ID)}, web.Crumb{Label: title})
	} else {
		h.trainingCrumbs(p, web.Crumb{Label: title})
	}
	p.Picker("org_id", web.PickFilter{})
	p.Data = courseForm{Course: c, Today: h.today()}
	return p
}

// courseHref is a course's page.
func courseHref(id int64) string { return "/training/" + strconv.FormatInt(id, 10) }

// CourseNewForm shows the form of a new course, held by ?org= when given.
func (h *Pages) CourseNewForm(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(people.PeopleManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有登记培训的权限", "you may not record training"))
		return
	}
	p := h.coursePage(r, people.Course{})
	p.Form = url.Values{"org_id": {r.URL.Query().Get("org")}, "kind": {"centralized"}}
	h.render(w, r, http.StatusOK, "training_form", "layout", p)
}

// courseInput reads the course form.
func (h *Pages) courseInput(r *http.Request) (people.CourseInput, error) {
	f := r.PostForm
	if err := h.ResolveOrg(r.Context(), web.Actor(r), f, "org_id", web.PickFilter{}); err != nil {
		return people.CourseInput{}, err
	}
	bad := map[string]bool{}
	in := people.CourseInput{OrgID: web.IDField(f.Get("org_id"), "org_id", bad), Title: f.Get("title"), Kind: f.Get("kind"),
		StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"), Hours: hoursField(f.Get("hours")), Posts: f["posts"]}
	if bad["org_id"] {
		in.OrgID = 0
	}
	return in, nil
}

// hoursField reads 学时 typed into a form: NaN when it is not a number, so
// that the domain asks for one; 0 when blank.
func hoursField(v string) float64 {
	v = strings.TrimSpace(strings.ReplaceAll(v, "．", "."))
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// CourseNew records a course; on error the form shows again as typed.
func (h *Pages) CourseNew(w http.ResponseWriter, r *http.Request) {
	p := h.coursePage(r, people.Course{})
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	in, err := h.courseInput(r)
	if err == nil {
		var c people.Course
		if c, err = h.ppl.CreateCourse(r.Context(), web.Actor(r), in); err == nil {
			h.Redirect(w, r, courseHref(c.ID), "ok", web.Msg(p.Lang, "已登记培训“"+c.Title+"”", "Recorded the course "+c.Title))
			return
		}
	}
	h.FormError(w, r, h.tmpl, p, "training_form", err)
}

// courseOf loads the course of the path.
func (h *Pages) courseOf(w http.ResponseWriter, r *http.Request) (people.Course, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return people.Course{}, false
	}
	c, err := h.ppl.Course(r.Context(), web.Actor(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return people.Course{}, false
	}
	return c, true
}

// courseValues is a course as its form shows it.
func courseValues(c people.Course) url.Values {
	return url.Values{"org_id": {strconv.FormatInt(c.OrgID, 10)}, "title": {c.Title}, "kind": {c.Kind}, "starts_on": {c.StartsOn}, "ends_on": {c.EndsOn},
		"hours": {strconv.FormatFloat(c.Hours, 'f', -1, 64)}, "posts": c.Posts}
}

// CourseEditForm shows the form of a course to correct.
func (h *Pages) CourseEditForm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.courseOf(w, r)
	if !ok {
		return
	}
	if !people.CanManageCourse(web.Actor(r), c) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有管理该培训的权限", "you may not manage this course"))
		return
	}
	p := h.coursePage(r, c)
	p.Form = courseValues(c)
	h.render(w, r, http.StatusOK, "training_form", "layout", p)
}

// CourseEdit saves a corrected course.
func (h *Pages) CourseEdit(w http.ResponseWriter, r *http.Request) {
	c, ok := h.courseOf(w, r)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p := h.coursePage(r, c)
	p.Form = r.PostForm
	in, err := h.courseInput(r)
	if err == nil {
		if c, err = h.ppl.UpdateCourse(r.Context(), web.Actor(r), c.ID, in); err == nil {
			h.Redirect(w, r, courseHref(c.ID), "ok", web.Msg(p.Lang, "已保存培训“"+c.Title+"”", "Saved the course "+c.Title))
			return
		}
	}
	h.FormError(w, r, h.tmpl, p, "training_form", err)
}

// courseView is a course's page.
type courseView struct {
	C          people.Course
	Attendance []people.Attendance
	CanManage  bool // edit the course
	CanRecord  bool // record attendance of members the actor manages
	NotBegun   bool
	Credited   float64
	// Rows are the page of the attendance the list shows, matching List's
	// search.
	Rows []people.Attendance
	List *web.List
}

// courseView loads a course with its attendance.
func (h *Pages) courseView(w http.ResponseWriter, r *http.Request, p *web.Page) (*courseView, bool) {
	c, ok := h.courseOf(w, r)
	if !ok {
		return nil, false
	}
	actor := web.Actor(r)
	v := &courseView{C: c, CanManage: people.CanManageCourse(actor, c), CanRecord: actor.CanAnywhere(people.PeopleManage) && c.StartsOn <= h.today(), NotBegun: c.StartsOn > h.today()}
	var err error
	if v.Attendance, err = h.ppl.CourseAttendance(r.Context(), actor, c.ID); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	for _, a := range v.Attendance {
		v.Credited += a.Hours
	}
	v.List = web.ListFrom(r, "")
	v.Rows = matchAttendance(v.Attendance, v.List.Q)
	v.List.Total = len(v.Rows)
	lo := min(v.List.Offset(), len(v.Rows))
	v.Rows = v.Rows[lo:min(lo+v.List.Per, len(v.Rows))]
	p.Title = c.Title
	h.trainingCrumbs(p, web.Crumb{Label: c.Title})
	p.Data = v
	return v, true
}

// CourseShow shows a course, who attended it and the form that records
// one more.
func (h *Pages) CourseShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "training", "")
	if _, ok := h.courseView(w, r, p); !ok {
		return
	}
	p.Form = url.Values{}
	h.render(w, r, http.StatusOK, "training_course", "layout", p)
}

// CourseAttend records one attendance chosen with the person picker; on
// error the page shows again with the form as typed.
func (h *Pages) CourseAttend(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "training", "")
	v, ok := h.courseView(w, r, p)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	bad := map[string]bool{}
	pid := web.IDField(r.PostForm.Get("person_id"), "person_id", bad)
	if bad["person_id"] {
		pid = 0
	}
	if pid == 0 && strings.TrimSpace(r.PostForm.Get("person_id_q")) != "" {
		// Typed, not chosen (a browser without JavaScript): one match is
		// taken, more are offered.
		found, err := h.ppl.PickMembers(r.Context(), web.Actor(r), r.PostForm.Get("person_id_q"), 2)
		if err == nil && len(found) == 1 {
			pid = found[0].ID
		}
	}
	a, err := h.ppl.Attend(r.Context(), web.Actor(r), v.C.ID, people.AttendInput{PersonID: pid, Hours: hoursField(r.PostForm.Get("hours"))})
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "training_course", err)
		return
	}
	h.Redirect(w, r, courseHref(v.C.ID), "ok", web.Msg(p.Lang, "已登记"+a.Name+"参训，认定 "+strconv.FormatFloat(a.Hours, 'f', -1, 64)+" 学时",
		"Recorded "+a.Name+", credited "+strconv.FormatFloat(a.Hours, 'f', -1, 64)+" hours"))
}

// PickPeople answers the person picker: the current members the actor
// manages whose name holds the text, or whose whole ID number it is.
func (h *Pages) PickPeople(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	field := q.Get("field")
	if field != "person_id" {
		field = "person_id"
	}
	res, err := h.ppl.PickMembers(r.Context(), web.Actor(r), q.Get("q"), 12)
	if err != nil {
		e := errs.As(err)
		http.Error(w, e.Message(i18n.FromRequest(r)), web.Status(e.Kind))
		return
	}
	p := h.Page(r, "", "")
	p.Data = map[string]any{"Field": field, "Results": res, "Q": people.SearchShown(q.Get("q"))}
	h.render(w, r, http.StatusOK, "training_pick", "pick-people", p)
}

// importPage starts the attendance import page of a course.
func (h *Pages) attendImportPage(r *http.Request, c people.Course) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "training", h.T(lang, "trn.import_title"))
	h.trainingCrumbs(p, web.Crumb{Label: c.Title, Href: courseHref(c.ID)}, web.Crumb{Label: p.Title})
	return p
}

// attendImportView is the import page: the course and the session checked.
type attendImportView struct {
	C    people.Course
	Sess *people.AttendImport
}

// AttendImportForm shows the upload form of a course's attendance.
func (h *Pages) AttendImportForm(w http.ResponseWriter, r *http.Request) {
	if err := h.ppl.CanImportAttendance(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	c, ok := h.courseOf(w, r)
	if !ok {
		return
	}
	p := h.attendImportPage(r, c)
	p.Data = &attendImportView{C: c}
	h.render(w, r, http.StatusOK, "training_import", "layout", p)
}

// AttendImportUpload checks an uploaded file and shows every row's
// problems, or how many rows are ready.
func (h *Pages) AttendImportUpload(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	if err := h.ppl.CanImportAttendance(actor); err != nil {
		h.Fail(w, r, err) // before the file is read
		return
	}
	c, ok := h.courseOf(w, r)
	if !ok {
		return
	}
	p := h.attendImportPage(r, c)
	v := &attendImportView{C: c}
	p.Data = v
	h.ImportUpload(w, r, h.tmpl, p, "training_import", nil, func(name string, header []string, rows [][]string) error {
		sess, err := h.ppl.PrepareAttendImport(r.Context(), actor, actor.UserID, c.ID, name, header, rows)
		if err == nil {
			v.Sess = &sess
		}
		return err
	})
}

// AttendImportTemplate sends the attendance import template.
func (h *Pages) AttendImportTemplate(w http.ResponseWriter, r *http.Request) {
	if err := h.ppl.CanImportAttendance(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	req := map[string]bool{}
	for _, c := range people.AttendImportRequired {
		req[c] = true
	}
	var buf bytes.Buffer
	header := append(append([]string{}, people.AttendImportRequired...), people.AttendImportOptional...)
	if err := xlsx.Template(&buf, header, req, people.AttendImportExample, people.AttendImportNotes); err != nil {
		h.Fail(w, r, errs.Wrap(err, "template"))
		return
	}
	_, cd := xlsx.FileName("培训参训名单", "导入模板", h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	_, _ = w.Write(buf.Bytes())
}

// AttendImportApply records every row of a checked session, or none.
func (h *Pages) AttendImportApply(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	lang := i18n.FromRequest(r)
	id := r.PathValue("id")
	back := "/training"
	if s, err := h.ppl.LoadAttendImport(r.Context(), actor.UserID, id); err == nil {
		back = courseHref(s.CourseID) + "/import"
	}
	cid, n, err := h.ppl.ApplyAttendImport(r.Context(), actor, actor.UserID, id)
	h.ImportApplied(w, r, err, back, courseHref(cid), web.Msg(lang, "已导入参训记录 "+web.FormatInt(n)+" 条", "Imported "+web.FormatInt(n)+" attendances"))
}

// requirementsView is the requirements page of an organization.
type requirementsView struct {
	Org    org.Org
	Rows   []people.Requirement
	CanSet bool
}

// requirementsPage loads the requirements in force at ?org= (or the
// actor's first scope) for the page.
func (h *Pages) requirementsPage(w http.ResponseWriter, r *http.Request, orgID string) (*web.Page, *requirementsView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "training", h.T(lang, "trn.req_title"))
	h.trainingCrumbs(p, web.Crumb{Label: p.Title})
	o, err := h.readerOrg(r, orgID)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	v := &requirementsView{Org: o, CanSet: actor.Can(people.PeopleTrainingSet, o.Path)}
	if v.Rows, err = h.ppl.Requirements(ctx, actor, o.ID); err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	p.ScopeName = o.Label()
	p.Form = url.Values{"org": {strconv.FormatInt(o.ID, 10)}}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	return p, v, true
}

// readerOrg is the organization named by id, or the actor's first root
// where it reads members.
func (h *Pages) readerOrg(r *http.Request, id string) (org.Org, error) {
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(people.PeopleRead) {
		return org.Org{}, errs.New(errs.Forbidden, "您没有查看培训的权限", "you may not read training records")
	}
	if id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return org.Org{}, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", id)
		}
		return h.Orgs.Check(ctx, actor, n, people.PeopleRead)
	}
	roots, err := h.Orgs.Roots(ctx, actor)
	if err != nil {
		return org.Org{}, err
	}
	for _, o := range roots {
		if actor.Can(people.PeopleRead, o.Path) {
			return o, nil
		}
	}
	return org.Org{}, errs.New(errs.Forbidden, "您没有查看培训的权限", "you may not read training records")
}

// RequirementsPage shows the hours a year each post must reach in an
// organization's subtree, where each figure comes from, and the form that
// sets one.
func (h *Pages) RequirementsPage(w http.ResponseWriter, r *http.Request) {
	p, _, ok := h.requirementsPage(w, r, r.URL.Query().Get("org"))
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "training_requirements", "layout", p)
}

// RequirementsSet sets (or clears) one requirement.
func (h *Pages) RequirementsSet(w http.ResponseWriter, r *http.Request) {
	if !h.ParseForm(w, r) {
		return
	}
	actor := web.Actor(r)
	if !actor.CanAnywhere(people.PeopleTrainingSet) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有设置培训学时要求的权限", "you may not set training requirements"))
		return
	}
	f := r.PostForm
	bad := map[string]bool{}
	in := people.RequirementInput{OrgID: web.IDField(f.Get("org_id"), "org_id", bad), Post: f.Get("post"), Hours: hoursField(f.Get("hours")), Clear: f.Get("clear") != ""}
	if bad["org_id"] {
		in.OrgID = 0
	}
	req, err := h.ppl.SetRequirement(r.Context(), actor, in)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.Invalid || e.Kind == errs.Conflict {
			if p, _, ok := h.requirementsPage(w, r, f.Get("org_id")); ok {
				p.Form = f
				h.FormError(w, r, h.tmpl, p, "training_requirements", err)
			}
			return
		}
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	h.Redirect(w, r, "/training/requirements?org="+f.Get("org_id"), "ok", web.Msg(lang,
		org.LabelOf(people.RequirementPosts, req.Post, lang)+"每年应完成 "+strconv.FormatFloat(req.Hours, 'f', -1, 64)+" 学时",
		org.LabelOf(people.RequirementPosts, req.Post, lang)+": "+strconv.FormatFloat(req.Hours, 'f', -1, 64)+" hours a year"))
}

// matchAttendance keeps the attendance whose name holds q, or whose
// organization's name does.
func matchAttendance(all []people.Attendance, q string) []people.Attendance {
	q = strings.TrimSpace(q)
	if q == "" {
		return all
	}
	var out []people.Attendance
	for _, a := range all {
		if strings.Contains(a.Name, q) || strings.Contains(a.OrgName, q) {
			out = append(out, a)
		}
	}
	return out
}

// AttendanceExport exports who attended a course, among the members the
// actor reads, ID numbers masked as on the page.
func (h *Pages) AttendanceExport(w http.ResponseWriter, r *http.Request) {
	c, ok := h.courseOf(w, r)
	if !ok {
		return
	}
	actor := web.Actor(r)
	all, err := h.ppl.CourseAttendance(r.Context(), actor, c.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q := r.URL.Query().Get("q")
	rows := matchAttendance(all, q)
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: c.Title + " 参训人员", EN: "attendance of " + c.Title}
	header := []string{"序号", "姓名", "身份证号", "所在党组织", "认定学时", "登记时间", "登记人"}
	if lang == i18n.EN {
		header = []string{"No.", "Name", "ID number", "Organization", "Hours credited", "Recorded", "By"}
	}
	s := xlsx.Sheet{Title: list.In(lang), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 10, 20, 30, 10, 18, 12}, Kinds: []xlsx.Kind{xlsx.Integer, 4: xlsx.Decimal1}}
	filters := web.Bilingual(func(lang string) string {
		f := web.Msg(lang, fmt.Sprintf("主办：%s；%s 至 %s；%s 学时", c.OrgName, c.StartsOn, c.EndsOn, people.FormatHours(int(c.Hours*2))),
			fmt.Sprintf("Held by %s, %s to %s, %s hours", c.OrgName, c.StartsOn, c.EndsOn, people.FormatHours(int(c.Hours*2))))
		if q != "" {
			f += web.Msg(lang, "；关键词=", "; search=") + q
		}
		return f
	})
	h.SendXLSX(w, r, c.OrgName, list, filters, s, func(yield func([]any) bool) {
		for i, a := range rows {
			if !yield([]any{i + 1, a.Name, a.IDMask, a.OrgName, a.Hours, web.LocalTime(a.CreatedAt, "2006-01-02 15:04"), a.ActorName}) {
				return
			}
		}
	})
}
