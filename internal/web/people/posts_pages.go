package people

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// postsView is an organization's posts page: who holds which post now,
// who held them before, what is vacant, the present term, and the forms of
// a manager.
type postsView struct {
	O         org.Org
	Present   []people.Post
	Past      []people.Post
	Missing   []string
	Members   int
	Term      *people.Term
	CanManage bool
	Today     string
	// Found are the members a search of the appoint form found, to choose
	// one from; Searched says a search was made.
	Found    []people.Member
	Searched bool
}

// postsHref is the posts page of an organization.
func postsHref(orgID int64) string { return "/people/orgs/" + strconv.FormatInt(orgID, 10) + "/posts" }

// postsPage loads an organization's posts page.
func (h *Pages) postsPage(w http.ResponseWriter, r *http.Request) (*web.Page, *postsView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	o, err := h.Orgs.Check(ctx, actor, id, people.PeopleRead)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	v := &postsView{O: o, Today: h.today(), CanManage: actor.Can(people.PeopleManage, o.Path) && o.Active()}
	if v.Present, err = h.ppl.OrgPosts(ctx, actor, id); err == nil {
		if v.Past, err = h.ppl.PastPosts(ctx, actor, id); err == nil {
			if v.Missing, err = h.ppl.OrgVacancies(ctx, actor, id); err == nil {
				v.Term, err = h.ppl.CurrentTerm(ctx, actor, id)
			}
		}
	}
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	p := h.Page(r, "people", o.Label()+web.Msg(lang, " · 职务与换届", " · posts and terms"))
	h.crumbs(r, p, o, web.Crumb{Label: h.T(lang, "ppl.posts_title")})
	p.Form = url.Values{"started_on": {v.Today}, "elected_on": {v.Today}, "years": {"5"}}
	p.Data = v
	return p, v, true
}

// findPersons fills the appoint form's choices from ?person_q=: members of
// the register within the actor's scope whose names contain it.
func (h *Pages) findPersons(r *http.Request, v *postsView, q string) {
	if q = strings.TrimSpace(q); q == "" {
		return
	}
	v.Searched = true
	v.Found, _, _ = h.ppl.Members(r.Context(), web.Actor(r), people.MemberQuery{Q: q, Limit: web.PickLimit})
}

// OrgPostsPage shows an organization's posts and term.
func (h *Pages) OrgPostsPage(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.postsPage(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	for _, k := range []string{"person_q", "post", "home_agency"} {
		if q.Get(k) != "" {
			p.Form.Set(k, q.Get(k))
		}
	}
	h.findPersons(r, v, q.Get("person_q"))
	h.render(w, r, http.StatusOK, "people_posts", "layout", p)
}

// mayManage fails the request of an actor who may not manage the
// organization's posts, before any field is read.
func (h *Pages) mayManage(w http.ResponseWriter, r *http.Request, o org.Org) bool {
	if !web.Actor(r).Can(people.PeopleManage, o.Path) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有管理该组织任职的权限", "you may not manage this organization's posts"))
		return false
	}
	return true
}

// OrgAppoint appoints the person chosen to a post of the organization.
func (h *Pages) OrgAppoint(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.postsPage(w, r)
	if !ok || !h.mayManage(w, r, v.O) || !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	for k := range f {
		p.Form.Set(k, f.Get(k))
	}
	pid, _ := strconv.ParseInt(f.Get("person_id"), 10, 64)
	in := people.PostInput{PersonID: pid, OrgID: v.O.ID, Post: f.Get("post"), HomeAgency: f.Get("home_agency"), StartedOn: f.Get("started_on")}
	if pid == 0 {
		h.findPersons(r, v, f.Get("person_q"))
		h.FormError(w, r, h.tmpl, p, "people_posts", errs.Field("person_id", "请先按姓名查找并选择任职的人员", "find the person by name and choose them first"))
		return
	}
	po, err := h.ppl.Appoint(r.Context(), web.Actor(r), in)
	if err != nil {
		h.findPersons(r, v, f.Get("person_q"))
		h.FormError(w, r, h.tmpl, p, "people_posts", err)
		return
	}
	h.Redirect(w, r, postsHref(v.O.ID), "ok", web.Msg(p.Lang, fmt.Sprintf("已登记%s任%s（自 %s）", po.PersonName, org.LabelOf(people.PostKinds, po.Post, ""), po.StartedOn),
		fmt.Sprintf("%s is %s since %s", po.PersonName, strings.ToLower(org.LabelOf(people.PostKinds, po.Post, i18n.EN)), po.StartedOn)))
}

// OrgRecordTerm records an election of the organization's committee.
func (h *Pages) OrgRecordTerm(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.postsPage(w, r)
	if !ok || !h.mayManage(w, r, v.O) || !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	p.Form.Set("elected_on", f.Get("elected_on"))
	p.Form.Set("years", f.Get("years"))
	years, _ := strconv.Atoi(f.Get("years"))
	t, err := h.ppl.RecordTerm(r.Context(), web.Actor(r), people.TermInput{OrgID: v.O.ID, ElectedOn: f.Get("elected_on"), Years: years})
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "people_posts", err)
		return
	}
	h.Redirect(w, r, postsHref(v.O.ID), "ok", web.Msg(p.Lang, fmt.Sprintf("已记录换届：%s 选举产生，任期至 %s", t.ElectedOn, t.DueOn),
		fmt.Sprintf("Election recorded: elected on %s, term until %s", t.ElectedOn, t.DueOn)))
}

// PostEnd records the end of a post; the form sits on the organization's
// posts page, where the answer goes back.
func (h *Pages) PostEnd(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	back, _ := strconv.ParseInt(r.PostForm.Get("org_id"), 10, 64)
	err = h.ppl.EndPost(r.Context(), web.Actor(r), id, r.PostForm.Get("ended_on"))
	if err != nil {
		// A refusal of the post itself fails the request; a date refused
		// goes back to the page the form is on.
		if k := errs.KindOf(err); k == errs.NotFound || k == errs.Forbidden || k == errs.Internal || back == 0 {
			h.Fail(w, r, err)
			return
		}
		h.Redirect(w, r, postsHref(back), "err", web.ErrMessage(err, lang))
		return
	}
	to := "/people"
	if back != 0 {
		to = postsHref(back)
	}
	h.Redirect(w, r, to, "ok", web.Msg(lang, "已登记离任（"+r.PostForm.Get("ended_on")+"）", "The post ended on "+r.PostForm.Get("ended_on")))
}

// scopeQuery reads ?org= of a list of the register, settled as the member
// list does; an unknown organization leaves the actor's scope.
func (h *Pages) scopeQuery(r *http.Request, p *web.Page) (org.Org, url.Values, error) {
	v := r.URL.Query()
	ctx, actor := r.Context(), web.Actor(r)
	if err := h.ResolveOrg(ctx, actor, v, "org", web.PickFilter{}); err != nil {
		if p == nil || errs.As(err).Field != "org" {
			return org.Org{}, v, err
		}
		p.Errors["org"] = web.ErrMessage(err, p.Lang)
	}
	if s := v.Get("org"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return org.Org{}, v, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
		}
		o, err := h.Orgs.Check(ctx, actor, id, people.PeopleRead)
		return o, v, err
	}
	return org.Org{}, v, nil
}

// vacancyList is the list of vacancies of a subtree.
type vacancyList struct {
	Rows  []people.Vacancy
	List  *web.List
	Under org.Org
	Post  string
}

// vacancies reads the vacancies the list and its export show, sorted.
func (h *Pages) vacancies(r *http.Request, p *web.Page) (*vacancyList, url.Values, error) {
	l := web.ListFrom(r, "-members")
	under, form, err := h.scopeQuery(r, p)
	if err != nil {
		return nil, form, err
	}
	v := &vacancyList{List: l, Under: under, Post: form.Get("post")}
	if v.Rows, err = h.ppl.Vacancies(r.Context(), web.Actor(r), people.VacancyQuery{Under: under.ID, Q: l.Q, Post: v.Post}); err != nil {
		return nil, form, err
	}
	keys := map[string]func(a, b people.Vacancy) int{
		"members": func(a, b people.Vacancy) int { return cmp.Compare(a.Members, b.Members) },
		"name":    func(a, b people.Vacancy) int { return strings.Compare(a.OrgName, b.OrgName) },
		"missing": func(a, b people.Vacancy) int { return cmp.Compare(len(a.Missing), len(b.Missing)) },
	}
	sortBy(v.Rows, l.Sort, "members", keys)
	l.Total = len(v.Rows)
	return v, form, nil
}

// sortBy sorts rows by ?sort= (a key, "-" first for descending), by def
// when the key is unknown; stable, so equal rows keep the domain's order.
func sortBy[T any](rows []T, sort, def string, keys map[string]func(a, b T) int) {
	key, desc := strings.TrimPrefix(sort, "-"), strings.HasPrefix(sort, "-")
	f, ok := keys[key]
	if !ok {
		f, desc = keys[def], true
	}
	slices.SortStableFunc(rows, func(a, b T) int {
		if desc {
			return f(b, a)
		}
		return f(a, b)
	})
}

// page is the slice of rows of the list's current page.
func page[T any](rows []T, l *web.List) []T {
	return rows[min(l.Offset(), len(rows)):min(l.Offset()+l.Per, len(rows))]
}

// VacanciesPage lists the organizations of a subtree without a secretary
// or their "两委", searchable, sortable, exported.
func (h *Pages) VacanciesPage(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "people", h.T(lang, "ppl.vacancies_title"))
	v, form, err := h.vacancies(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v.Rows = page(v.Rows, v.List)
	h.crumbs(r, p, v.Under, web.Crumb{Label: p.Title})
	if v.Under.ID == 0 {
		p.ScopeName = web.ScopeName(web.Actor(r), people.PeopleRead)
	}
	p.Form = form
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "people_vacancies", "layout", p)
}

// missingText names the posts an organization lacks, in lang.
func missingText(keys []string, lang string) string {
	var out []string
	for _, k := range keys {
		out = append(out, org.LabelOf(people.PostKinds, k, lang))
	}
	return strings.Join(out, web.Msg(lang, "、", ", "))
}

// VacanciesExport exports the vacancies as the page lists them.
func (h *Pages) VacanciesExport(w http.ResponseWriter, r *http.Request) {
	v, _, err := h.vacancies(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "职务空缺", EN: "vacant posts"}
	header := []string{"序号", "党组织", "层级", "党员", "正式党员", "空缺职务"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Level", "Members", "Full members", "Vacant posts"}
	}
	scope := web.ExportScope(r, v.Under, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 32, 10, 8, 10, 30}, Kinds: []xlsx.Kind{xlsx.Integer, 3: xlsx.Integer, 4: xlsx.Integer}}
	h.SendXLSX(w, r, scope, list, web.FilterText(r, "q", "post"), s, func(yield func([]any) bool) {
		for i, row := range v.Rows {
			if !yield([]any{i + 1, row.OrgName, org.LabelOf(org.Levels, row.Level, lang), row.Members, row.Full, missingText(row.Missing, lang)}) {
				return
			}
		}
	})
}

// termList is the warning list of terms due for election.
type termList struct {
	Rows    []people.Term
	List    *web.List
	Under   org.Org
	Overdue int
	Soon    int
	Only    bool
}

// terms reads the terms the list and its export show, sorted.
func (h *Pages) terms(r *http.Request, p *web.Page) (*termList, error) {
	l := web.ListFrom(r, "days")
	under, form, err := h.scopeQuery(r, p)
	if err != nil {
		return nil, err
	}
	v := &termList{List: l, Under: under, Only: form.Get("overdue") == "1"}
	if v.Rows, err = h.ppl.DueTerms(r.Context(), web.Actor(r), people.TermQuery{Under: under.ID, Q: l.Q, Overdue: v.Only}); err != nil {
		return nil, err
	}
	for _, t := range v.Rows {
		if t.DaysLeft < 0 {
			v.Overdue++
		} else {
			v.Soon++
		}
	}
	sortBy(v.Rows, l.Sort, "days", map[string]func(a, b people.Term) int{
		"days":    func(a, b people.Term) int { return cmp.Compare(a.DaysLeft, b.DaysLeft) },
		"name":    func(a, b people.Term) int { return strings.Compare(a.OrgName, b.OrgName) },
		"elected": func(a, b people.Term) int { return strings.Compare(a.ElectedOn, b.ElectedOn) },
	})
	l.Total = len(v.Rows)
	return v, nil
}

// TermsPage is the warning list of terms ending within six months or
// ended without an election, in a subtree.
func (h *Pages) TermsPage(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "people_terms", h.T(lang, "ppl.terms_title"))
	v, err := h.terms(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v.Rows = page(v.Rows, v.List)
	h.crumbs(r, p, v.Under, web.Crumb{Label: p.Title})
	if v.Under.ID == 0 {
		p.ScopeName = web.ScopeName(web.Actor(r), people.PeopleRead)
	}
	p.Form = r.URL.Query()
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "people_terms", "layout", p)
}

// termNote is what a term's days say, in lang.
func termNote(t people.Term, lang string) string {
	if t.DaysLeft < 0 {
		return web.Msg(lang, fmt.Sprintf("超期 %d 天", -t.DaysLeft), fmt.Sprintf("%d days late", -t.DaysLeft))
	}
	return web.Msg(lang, fmt.Sprintf("还有 %d 天", t.DaysLeft), fmt.Sprintf("in %d days", t.DaysLeft))
}

// TermsExport exports the terms due as the page lists them.
func (h *Pages) TermsExport(w http.ResponseWriter, r *http.Request) {
	v, err := h.terms(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "换届提醒", EN: "elections due"}
	header := []string{"序号", "党组织", "本届选举日期", "任期（年）", "届满日期", "距届满天数", "提示"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Elected on", "Years", "Term ends", "Days left", "Note"}
	}
	scope := web.ExportScope(r, v.Under, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 32, 14, 10, 14, 12, 16}, Kinds: []xlsx.Kind{xlsx.Integer, 3: xlsx.Integer, 5: xlsx.Integer}}
	h.SendXLSX(w, r, scope, list, web.FilterText(r, "q", "overdue"), s, func(yield func([]any) bool) {
		for i, t := range v.Rows {
			if !yield([]any{i + 1, t.OrgName, t.ElectedOn, t.Years, t.DueOn, t.DaysLeft, termNote(t, lang)}) {
				return
			}
		}
	})
}
