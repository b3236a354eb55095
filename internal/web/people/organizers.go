package people

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The organizers' pages (党建组织员, M3): the batches of the actor's scope
// with the counts by county and a chart, the organizers with their state,
// a batch with its recruits, and an organizer with the placement and the
// departure.

// scopeOrg reads ?org= (or the picker's typed text) of a list page: the
// organization whose subtree the list shows, zero for the actor's scope.
func (h *Pages) scopeOrg(r *http.Request, p *web.Page) (org.Org, error) {
	ctx, actor := r.Context(), web.Actor(r)
	v := r.URL.Query()
	if err := h.ResolveOrg(ctx, actor, v, "org", web.PickFilter{}); err != nil {
		if errs.As(err).Field != "org" || p == nil {
			return org.Org{}, err
		}
		p.Errors["org"] = web.ErrMessage(err, p.Lang)
	}
	if p != nil {
		p.Form = v
	}
	s := v.Get("org")
	if s == "" {
		return org.Org{}, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return org.Org{}, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
	}
	return h.Orgs.Get(ctx, actor, id)
}

// yearParam reads ?year=, 0 when absent or not a year.
func yearParam(v url.Values) int {
	y, err := strconv.Atoi(v.Get("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0
	}
	return y
}

// organizersView is the batches page.
type organizersView struct {
	Rows      []people.Batch
	List      *web.List
	Under     org.Org
	Year      int
	Counties  []people.OrganizerCount
	Chart     any
	Total     people.OrganizerCount
	Retention string // of the total: recruits not gone
	CanManage bool
	Filtered  bool
}

// Organizers lists the recruitment batches of the actor's scope, or of
// ?org=, searchable by name, by year, sortable, with the organizers by
// county (recruited, in post, left, tenure ending) and a chart.
func (h *Pages) Organizers(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "organizers", h.T(lang, "orgz.title"))
	l := web.ListFrom(r, "")
	under, err := h.scopeOrg(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &organizersView{List: l, Under: under, Year: yearParam(r.URL.Query()), CanManage: actor.CanAnywhere(people.PeopleManage)}
	q := people.BatchQuery{Under: under.ID, Year: v.Year, Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}
	if v.Rows, l.Total, err = h.ppl.Batches(ctx, actor, q); err != nil {
		h.Fail(w, r, err)
		return
	}
	v.Filtered = l.Q != "" || v.Year != 0
	// The counts by county: of the organization shown, else of the top of
	// the actor's scope.
	top := under
	if top.ID == 0 {
		if roots, err := h.Orgs.Roots(ctx, actor); err == nil && len(roots) > 0 {
			top = roots[0]
		}
	}
	if top.ID != 0 {
		counties, err := h.ppl.OrganizersByCounty(ctx, actor, top.ID, v.Year)
		if err != nil && errs.KindOf(err) != errs.Forbidden {
			h.Fail(w, r, err)
			return
		}
		// Counties recruit: below a county (its townships) nothing is
		// planned, and a row of noughts says nothing.
		for _, c := range counties {
			if c.Planned > 0 {
				v.Counties = append(v.Counties, c)
			}
		}
		c := web.Chart{Type: "bar", Title: h.T(lang, "orgz.chart_in_post"), Unit: web.Msg(lang, "名", "people")}
		for _, x := range v.Counties {
			v.Total.Planned += x.Planned
			v.Total.Recruited += x.Recruited
			v.Total.InPost += x.InPost
			v.Total.Departed += x.Departed
			v.Total.Ending += x.Ending
			if x.Recruited > 0 {
				c.Items = append(c.Items, web.ChartItem{Name: x.OrgName, Value: x.InPost, Href: "/organizers/list?state=in_post&org=" + strconv.FormatInt(x.OrgID, 10)})
			}
		}
		v.Retention = "—"
		if v.Total.Recruited > 0 {
			v.Retention = strconv.FormatFloat(float64(int(float64(v.Total.Recruited-v.Total.Departed)*1000/float64(v.Total.Recruited)+0.5))/10, 'f', 1, 64) + "%"
		}
		if len(c.Items) > 0 {
			v.Chart = web.ChartJSON(c)
			p.Charts = true
		}
	}
	h.crumbs(r, p, under)
	p.Crumbs[0] = web.Crumb{Label: h.T(lang, "orgz.title"), Href: "/organizers"}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "organizers", "layout", p)
}

// OrganizersExport exports the batches with the page's filters.
func (h *Pages) OrganizersExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	under, err := h.scopeOrg(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	year := yearParam(r.URL.Query())
	rows, _, err := h.ppl.Batches(ctx, actor, people.BatchQuery{Under: under.ID, Year: year, Q: l.Q, Sort: l.Sort, Limit: web.ExportFetch})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list := i18n.Text{ZH: "党建组织员招录批次", EN: "organizer batches"}
	header := []string{"序号", "批次", "年度", "招录单位", "计划", "已招录", "已派驻", "在岗", "已离岗", "留任率(%)"}
	if lang == i18n.EN {
		header = []string{"No.", "Batch", "Year", "Recruited by", "Planned", "Recruited", "Placed", "In post", "Left", "Retention (%)"}
	}
	scope := web.ExportScope(r, under, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 30, 8, 16, 8, 8, 8, 8, 8, 10}, Kinds: []xlsx.Kind{xlsx.Integer, 2: xlsx.Integer, 4: xlsx.Integer, 5: xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Integer, 8: xlsx.Integer, 9: xlsx.Decimal1}}
	filters := web.Bilingual(func(lang string) string {
		return listFilters(lang, under, l.Q, "", "", year)
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, b := range rows {
			if !yield([]any{i + 1, b.Name, b.Year, b.OrgName, b.Planned, b.Recruited, b.Placed, b.InPost, b.Departed, b.Retention}) {
				return
			}
		}
	})
}

// listFilters says which filters an export used: scope, search, a labelled
// filter and the year.
func listFilters(lang string, under org.Org, q, label, val string, year int) string {
	var parts []string
	add := func(zh, en, v string) {
		if v != "" {
			parts = append(parts, web.Msg(lang, zh, en)+"="+v)
		}
	}
	if under.ID != 0 {
		add("范围", "scope", under.Label())
	}
	add("关键词", "search", q)
	if val != "" {
		parts = append(parts, label+"="+val)
	}
	if year != 0 {
		add("年度", "year", strconv.Itoa(year))
	}
	if len(parts) == 0 {
		return ""
	}
	return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
}

// organizerListView is the organizers' list.
type organizerListView struct {
	Rows     []people.Organizer
	List     *web.List
	Under    org.Org
	Batch    *people.Batch
	Filtered bool
}

// organizerQuery reads the organizers' list filters from the URL.
func (h *Pages) organizerQuery(r *http.Request, p *web.Page, l *web.List) (people.OrganizerQuery, org.Org, *people.Batch, error) {
	under, err := h.scopeOrg(r, p)
	if err != nil {
		return people.OrganizerQuery{}, under, nil, err
	}
	v := r.URL.Query()
	q := people.OrganizerQuery{Under: under.ID, State: v.Get("state"), Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}
	var b *people.Batch
	if s := v.Get("batch"); s != "" {
		id, _ := strconv.ParseInt(s, 10, 64)
		got, err := h.ppl.Batch(r.Context(), web.Actor(r), id)
		if err != nil {
			return q, under, nil, err
		}
		q.BatchID, b = got.ID, &got
	}
	return q, under, b, nil
}

// OrganizerList lists the organizers of the actor's scope, or of ?org=,
// of a batch (?batch=), by state (?state=, "ending" for a tenure ending
// within six months), searchable by name and sortable.
func (h *Pages) OrganizerList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "organizers", h.T(lang, "orgz.list_title"))
	l := web.ListFrom(r, "")
	q, under, b, err := h.organizerQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &organizerListView{List: l, Under: under, Batch: b, Filtered: l.Q != "" || q.State != "" || q.BatchID != 0}
	if v.Rows, l.Total, err = h.ppl.Organizers(ctx, actor, q); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "orgz.title"), Href: "/organizers"}, {Label: p.Title}}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "organizer_list", "layout", p)
}

// OrganizerListExport exports the organizers with the list's filters.
func (h *Pages) OrganizerListExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	q, under, b, err := h.organizerQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	rows, _, err := h.ppl.Organizers(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list := i18n.Text{ZH: "党建组织员", EN: "organizers"}
	header := []string{"序号", "姓名", "性别", "学历", "批次", "招录单位", "录用日期", "派驻单位", "派驻日期", "服务期(年)", "期满日期", "状态", "离岗日期", "离岗原因"}
	if lang == i18n.EN {
		header = []string{"No.", "Name", "Gender", "Education", "Batch", "Recruited by", "Recruited on", "Placed in", "Placed on", "Tenure (years)", "Tenure ends", "State", "Left on", "Why"}
	}
	scope := web.ExportScope(r, under, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 10, 6, 12, 26, 14, 12, 28, 12, 10, 12, 10, 12, 14}, Kinds: []xlsx.Kind{xlsx.Integer, 9: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		val := org.LabelOf(people.OrganizerStateFilters, q.State, lang)
		if b != nil {
			val = strings.TrimPrefix(strings.TrimSpace(val+" "+b.Name), " ")
		}
		return listFilters(lang, under, l.Q, web.Msg(lang, "状态/批次", "state/batch"), val, 0)
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, o := range rows {
			tenure := any("")
			if o.TenureYears > 0 {
				tenure = o.TenureYears
			}
			row := []any{i + 1, o.Name, org.LabelOf(people.Genders, o.Gender, lang), org.LabelOf(people.Educations, o.Education, lang), o.BatchName, o.CountyName,
				o.RecruitedOn, o.PlacedOrg, o.PlacedOn, tenure, o.EndsOn, org.LabelOf(people.OrganizerStates, o.State, lang), o.LeftOn, org.LabelOf(people.LeaveReasons, o.LeaveReason, lang)}
			if !yield(row) {
				return
			}
		}
	})
}

// OrganizerCounties exports the organizers by county of the batches page.
func (h *Pages) OrganizerCounties(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	under, err := h.scopeOrg(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	top := under
	if top.ID == 0 {
		roots, err := h.Orgs.Roots(ctx, actor)
		if err != nil || len(roots) == 0 {
			h.Fail(w, r, errs.New(errs.Forbidden, "您没有查看党建组织员的权限", "you may not read the organizers"))
			return
		}
		top = roots[0]
	}
	year := yearParam(r.URL.Query())
	all, err := h.ppl.OrganizersByCounty(ctx, actor, top.ID, year)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var rows []people.OrganizerCount
	for _, c := range all {
		if c.Planned > 0 { // as the page: those that recruit
			rows = append(rows, c)
		}
	}
	list := i18n.Text{ZH: "党建组织员分县统计", EN: "organizers by county"}
	header := []string{"序号", "单位", "计划", "已招录", "在岗", "已离岗", "半年内期满", "留任率(%)"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Planned", "Recruited", "In post", "Left", "Ending within 6 months", "Retention (%)"}
	}
	scope := web.ExportScope(r, top, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 24, 8, 8, 8, 8, 12, 10}, Kinds: []xlsx.Kind{xlsx.Integer, 2: xlsx.Integer, 3: xlsx.Integer, 4: xlsx.Integer, 5: xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Decimal1}}
	filters := web.Bilingual(func(lang string) string { return listFilters(lang, org.Org{}, "", "", "", year) })
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, c := range rows {
			if !yield([]any{i + 1, c.OrgName, c.Planned, c.Recruited, c.InPost, c.Departed, c.Ending, c.Retention}) {
				return
			}
		}
	})
}

// BatchNewForm shows the form that opens a batch.
func (h *Pages) BatchNewForm(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(people.PeopleManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有管理党建组织员的权限", "you may not manage organizers"))
		return
	}
	p := h.batchPage(r)
	p.Form = url.Values{"year": {strconv.Itoa(h.ppl.Today().Year())}, "org_id": {r.URL.Query().Get("org")}}
	h.render(w, r, http.StatusOK, "organizer_batch_form", "layout", p)
}

func (h *Pages) batchPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "organizers", h.T(lang, "orgz.batch_new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "orgz.title"), Href: "/organizers"}, {Label: p.Title}}
	p.Picker("org_id", web.PickFilter{Level: "county"})
	return p
}

// BatchNew opens the batch; on error the form shows again as typed.
func (h *Pages) BatchNew(w http.ResponseWriter, r *http.Request) {
	p := h.batchPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	ctx, actor := r.Context(), web.Actor(r)
	if err := h.ResolveOrg(ctx, actor, r.PostForm, "org_id", web.PickFilter{Level: "county"}); err != nil {
		h.FormError(w, r, h.tmpl, p, "organizer_batch_form", err)
		return
	}
	bad := map[string]bool{}
	f := r.PostForm
	in := people.BatchInput{Name: f.Get("name"), Year: web.IntField(f.Get("year"), "year", bad), OrgID: web.IDField(f.Get("org_id"), "org_id", bad), Planned: web.IntField(f.Get("planned"), "planned", bad)}
	if bad["org_id"] {
		in.OrgID = 0
	}
	b, err := h.ppl.CreateBatch(ctx, actor, in)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "organizer_batch_form", err)
		return
	}
	h.Redirect(w, r, "/organizers/batches/"+strconv.FormatInt(b.ID, 10), "ok", web.Msg(p.Lang, "已开设招录批次“"+b.Name+"”", "Opened the batch "+b.Name))
}

// batchView is a batch's page.
type batchView struct {
	B         people.Batch
	Recruits  []people.Organizer
	CanManage bool
	Pick      personPick
	Today     string
}

func (h *Pages) batchView(w http.ResponseWriter, r *http.Request, p *web.Page) (*batchView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	b, err := h.ppl.Batch(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	v := &batchView{B: b, Today: h.today()}
	if v.Recruits, _, err = h.ppl.Organizers(ctx, actor, people.OrganizerQuery{BatchID: b.ID}); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	if o, err := h.Orgs.Get(ctx, actor, b.OrgID); err == nil {
		v.CanManage = actor.Can(people.PeopleManage, o.Path) && v.B.Recruited < v.B.Planned
	}
	p.Title = b.Name
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "orgz.title"), Href: "/organizers"}, {Label: b.Name}}
	p.Data = v
	return v, true
}

// BatchShow shows a batch: its counts, its recruits, and the form that
// recruits a member of the register (?person= from a member's page).
func (h *Pages) BatchShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "organizers", "")
	v, ok := h.batchView(w, r, p)
	if !ok {
		return
	}
	p.Form = url.Values{"person_id": {r.URL.Query().Get("person")}, "recruited_on": {v.Today}}
	if v.B.Year != h.ppl.Today().Year() {
		p.Form.Set("recruited_on", strconv.Itoa(v.B.Year)+"-07-01")
	}
	v.Pick, _ = h.resolvePerson(r.Context(), web.Actor(r), p.Form, "person_id")
	h.render(w, r, http.StatusOK, "organizer_batch", "layout", p)
}

// BatchRecruit recruits the person chosen into the batch.
func (h *Pages) BatchRecruit(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "organizers", "")
	v, ok := h.batchView(w, r, p)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	ctx, actor := r.Context(), web.Actor(r)
	pick, err := h.resolvePerson(ctx, actor, r.PostForm, "person_id")
	v.Pick = pick
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "organizer_batch", err)
		return
	}
	o, err := h.ppl.Recruit(ctx, actor, v.B.ID, people.RecruitInput{PersonID: pick.personID(), RecruitedOn: r.PostForm.Get("recruited_on")})
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "organizer_batch", err)
		return
	}
	h.Redirect(w, r, organizerHref(o.ID), "ok", web.Msg(p.Lang, "已录用"+o.Name+"，请登记派驻", "Recruited "+o.Name+": record the placement"))
}

func organizerHref(id int64) string { return "/organizers/" + strconv.FormatInt(id, 10) }

// organizerView is an organizer's page.
type organizerView struct {
	O         people.Organizer
	CanManage bool
	Today     string
}

func (h *Pages) organizerView(w http.ResponseWriter, r *http.Request, p *web.Page) (*organizerView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	o, err := h.ppl.Organizer(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	v := &organizerView{O: o, Today: h.today()}
	if c, err := h.Orgs.Get(ctx, actor, o.CountyID); err == nil {
		v.CanManage = actor.Can(people.PeopleManage, c.Path) && o.State != "departed"
	}
	p.Title = o.Name
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "orgz.title"), Href: "/organizers"}, {Label: o.BatchName}, {Label: o.Name}}
	if o.BatchVisible {
		p.Crumbs[1].Href = "/organizers/batches/" + strconv.FormatInt(o.BatchID, 10)
	}
	p.Picker("org_id", web.PickFilter{Under: o.CountyID})
	p.Data = v
	return v, true
}

func (v *organizerView) form() url.Values {
	return url.Values{"placed_on": {v.Today}, "tenure_years": {"3"}, "left_on": {v.Today}}
}

// OrganizerShow shows an organizer: the batch, the placement and the
// tenure, and the forms of what comes next.
func (h *Pages) OrganizerShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "organizers", "")
	v, ok := h.organizerView(w, r, p)
	if !ok {
		return
	}
	p.Form = v.form()
	h.render(w, r, http.StatusOK, "organizer_show", "layout", p)
}

// OrganizerPlace records the placement.
func (h *Pages) OrganizerPlace(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "organizers", "")
	v, ok := h.organizerView(w, r, p)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = v.form()
	for k, vs := range r.PostForm {
		p.Form[k] = vs
	}
	ctx, actor := r.Context(), web.Actor(r)
	filter := web.PickFilter{Under: v.O.CountyID}
	if err := h.ResolveOrg(ctx, actor, p.Form, "org_id", filter); err != nil {
		h.FormError(w, r, h.tmpl, p, "organizer_show", err)
		return
	}
	bad := map[string]bool{}
	in := people.PlaceInput{OrgID: web.IDField(p.Form.Get("org_id"), "org_id", bad), PlacedOn: p.Form.Get("placed_on"), TenureYears: web.IntField(p.Form.Get("tenure_years"), "tenure_years", bad)}
	if bad["org_id"] {
		in.OrgID = 0
	}
	o, err := h.ppl.Place(ctx, actor, v.O.ID, in)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "organizer_show", err)
		return
	}
	h.Redirect(w, r, organizerHref(o.ID), "ok", web.Msg(p.Lang, o.Name+"已派驻"+o.PlacedOrg+"，服务期至 "+o.EndsOn, o.Name+" is placed in "+o.PlacedOrg+" until "+o.EndsOn))
}

// OrganizerDepart records the departure.
func (h *Pages) OrganizerDepart(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "organizers", "")
	v, ok := h.organizerView(w, r, p)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = v.form()
	for k, vs := range r.PostForm {
		p.Form[k] = vs
	}
	o, err := h.ppl.Depart(r.Context(), web.Actor(r), v.O.ID, people.DepartInput{LeftOn: p.Form.Get("left_on"), Reason: p.Form.Get("reason")})
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "organizer_show", err)
		return
	}
	h.Redirect(w, r, organizerHref(o.ID), "ok", web.Msg(p.Lang, "已登记"+o.Name+"离岗（"+o.LeftOn+"）", "Recorded "+o.Name+" leaving on "+o.LeftOn))
}
