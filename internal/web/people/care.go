package people

import (
	"fmt"
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

// The care pages (关爱, M7): the cases of the actor's scope by state, a
// case with its steps as a timeline and the form of its next step, the
// application form, and the yearly totals by county with a chart.

// careListView is the case list.
type careListView struct {
	Rows      []people.CareCase
	List      *web.List
	Under     org.Org
	Counts    map[string]int
	All       int
	Year      int
	Filtered  bool
	CanManage bool
}

func (h *Pages) careQuery(r *http.Request, p *web.Page, l *web.List) (people.CareQuery, org.Org, error) {
	under, err := h.scopeOrg(r, p)
	v := r.URL.Query()
	return people.CareQuery{Under: under.ID, State: v.Get("state"), Category: v.Get("category"), Year: yearParam(v), Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}, under, err
}

// CareList lists the care cases the actor may read, or those of ?org=, by
// state (?state=), kind of hardship and year, searchable by the member's
// name and sortable; the counts of each state head it.
func (h *Pages) CareList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "care", h.T(lang, "care.title"))
	l := web.ListFrom(r, "")
	q, under, err := h.careQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &careListView{List: l, Under: under, Year: q.Year, CanManage: actor.CanAnywhere(people.PeopleManage), Filtered: l.Q != "" || q.State != "" || q.Category != "" || q.Year != 0}
	if v.Rows, l.Total, v.Counts, err = h.ppl.CareCases(ctx, actor, q); err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, n := range v.Counts {
		v.All += n
	}
	h.crumbs(r, p, under)
	p.Crumbs[0] = web.Crumb{Label: h.T(lang, "care.title"), Href: "/care"}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "care_list", "layout", p)
}

// CareExport exports the case list with its filters; the reasons stay on
// the case page.
func (h *Pages) CareExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	q, under, err := h.careQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	rows, _, _, err := h.ppl.CareCases(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list := i18n.Text{ZH: "关爱帮扶案件", EN: "care cases"}
	header := []string{"序号", "案件编号", "姓名", "所在党组织", "困难类别", "申请日期", "申请金额(元)", "核定金额(元)", "发放金额(元)", "发放日期", "状态"}
	if lang == i18n.EN {
		header = []string{"No.", "Case", "Name", "Organization", "Hardship", "Applied on", "Asked (yuan)", "Approved (yuan)", "Paid (yuan)", "Paid on", "State"}
	}
	scope := web.ExportScope(r, under, people.CareRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 8, 10, 26, 14, 12, 12, 12, 12, 12, 16}, Kinds: []xlsx.Kind{xlsx.Integer, xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Integer, 8: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		val := strings.TrimSpace(org.LabelOf(people.CareStates, q.State, lang) + " " + org.LabelOf(people.CareCategories, q.Category, lang))
		return listFilters(lang, under, l.Q, web.Msg(lang, "状态/类别", "state/kind"), val, q.Year)
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, c := range rows {
			if !yield([]any{i + 1, c.ID, c.Name, c.OrgName, org.LabelOf(people.CareCategories, c.Category, lang), c.AppliedOn, c.Requested,
				amountOrBlank(c.Approved), amountOrBlank(c.Paid), c.PaidOn, org.LabelOf(people.CareStates, c.State, lang)}) {
				return
			}
		}
	})
}

func amountOrBlank(n int) any {
	if n == 0 {
		return ""
	}
	return n
}

func (h *Pages) carePage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "care", h.T(lang, "care.new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "care.title"), Href: "/care"}, {Label: p.Title}}
	return p
}

// CareNewForm shows the application form, for ?person= when it comes from
// a member's page.
func (h *Pages) CareNewForm(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	if !actor.CanAnywhere(people.PeopleManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有申请关爱帮扶的权限", "you may not apply for care"))
		return
	}
	p := h.carePage(r)
	p.Form = url.Values{"person_id": {r.URL.Query().Get("person")}, "applied_on": {h.today()}}
	pick, _ := h.resolvePerson(r.Context(), actor, p.Form, "person_id")
	p.Data = map[string]any{"Pick": pick, "Today": h.today()}
	h.render(w, r, http.StatusOK, "care_form", "layout", p)
}

// CareNew records the application; on error the form shows again as typed.
func (h *Pages) CareNew(w http.ResponseWriter, r *http.Request) {
	p := h.carePage(r)
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	ctx, actor := r.Context(), web.Actor(r)
	pick, err := h.resolvePerson(ctx, actor, r.PostForm, "person_id")
	p.Data = map[string]any{"Pick": pick, "Today": h.today()}
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "care_form", err)
		return
	}
	bad := map[string]bool{}
	f := r.PostForm
	in := people.CareInput{PersonID: pick.personID(), Category: f.Get("category"), Reason: f.Get("reason"), Requested: web.IntField(f.Get("requested"), "requested", bad), AppliedOn: f.Get("applied_on")}
	c, err := h.ppl.Apply(ctx, actor, in)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "care_form", err)
		return
	}
	h.Redirect(w, r, careHref(c.ID), "ok", web.Msg(p.Lang, "已提交"+c.Name+"的关爱帮扶申请，待"+c.ReviewOrg+"审核", "Applied for "+c.Name+": "+c.ReviewOrg+" reviews next"))
}

func careHref(id int64) string { return "/care/" + strconv.FormatInt(id, 10) }

// careView is a case's page.
type careView struct {
	C        people.CareCase
	Next     string // the step the case waits for
	CanStep  bool   // the actor may take it
	Today    string
	Reviewed bool // the actor reviewed the case and so may not approve it
}

func (h *Pages) careView(w http.ResponseWriter, r *http.Request, p *web.Page) (*careView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	c, err := h.ppl.CareCase(ctx, actor, id, p.Lang)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	v := &careView{C: c, Next: people.CareNext(c.State), Today: h.today()}
	if v.CanStep, err = h.ppl.CanTakeStep(ctx, actor, c); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	if v.Next == "approve" && !v.CanStep {
		for _, s := range c.Steps {
			v.Reviewed = v.Reviewed || s.Step == "review" && s.Actor == actor.Username
		}
	}
	p.Title = h.T(p.Lang, "care.case") + " " + strconv.FormatInt(c.ID, 10) + " · " + c.Name
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "care.title"), Href: "/care"}, {Label: p.Title}}
	p.Data = v
	return v, true
}

func (v *careView) form() url.Values {
	f := url.Values{"on_date": {v.Today}, "paid_on": {v.Today}, "decision": {"approve"}}
	switch v.Next {
	case "review":
		f.Set("amount", strconv.Itoa(v.C.Requested))
	case "disburse":
		f.Set("amount", strconv.Itoa(v.C.Approved))
	}
	return f
}

// CareShow shows a case: the member, the hardship and its reason, the steps
// as a timeline, and the form of the next step for an account that may
// take it.
func (h *Pages) CareShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "care", "")
	v, ok := h.careView(w, r, p)
	if !ok {
		return
	}
	p.Form = v.form()
	h.render(w, r, http.StatusOK, "care_show", "layout", p)
}

// CareStep takes the step of the path (review, approve, disburse).
func (h *Pages) CareStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := h.Page(r, "care", "")
		v, ok := h.careView(w, r, p)
		if !ok || !h.ParseForm(w, r) {
			return
		}
		p.Form = v.form()
		for k, vs := range r.PostForm {
			p.Form[k] = vs
		}
		ctx, actor := r.Context(), web.Actor(r)
		f := p.Form
		bad := map[string]bool{}
		d := people.DecisionInput{Decision: f.Get("decision"), Amount: web.IntField(f.Get("amount"), "amount", bad), Reason: f.Get("reason"), OnDate: f.Get("on_date")}
		var c people.CareCase
		var err error
		switch step {
		case "review":
			c, err = h.ppl.Review(ctx, actor, v.C.ID, d)
		case "approve":
			c, err = h.ppl.Approve(ctx, actor, v.C.ID, d)
		default:
			c, err = h.ppl.Disburse(ctx, actor, v.C.ID, people.DisburseInput{PaidOn: f.Get("paid_on"), Amount: d.Amount})
		}
		if err != nil {
			// A refusal for the account (scope, the reviewer approving) is
			// said on the case page, which shows no form to it.
			if errs.KindOf(err) == errs.Forbidden {
				h.Redirect(w, r, careHref(v.C.ID), "err", web.ErrMessage(err, p.Lang))
				return
			}
			h.FormError(w, r, h.tmpl, p, "care_show", err)
			return
		}
		h.Redirect(w, r, careHref(c.ID), "ok", web.Msg(p.Lang, "已办理："+org.LabelOf(people.CareStates, c.State, i18n.ZH), "Done: "+strings.ToLower(org.LabelOf(people.CareStates, c.State, i18n.EN))))
	}
}

// careTotalsView is the yearly totals page.
type careTotalsView struct {
	Rows  []people.CareTotal
	Sum   people.CareTotal
	Under org.Org
	Year  int
	Years []int
	None  int // organizations below without a case in the year
	// The charts' JSON: cases, amounts approved and paid.
	Approved, Paid, Cases any
}

func (h *Pages) careTotals(r *http.Request, p *web.Page) (*careTotalsView, error) {
	ctx, actor := r.Context(), web.Actor(r)
	under, err := h.scopeOrg(r, p)
	if err != nil {
		return nil, err
	}
	if under.ID == 0 {
		roots, err := h.Orgs.Roots(ctx, actor)
		if err != nil {
			return nil, err
		}
		if len(roots) == 0 {
			return nil, errs.New(errs.Forbidden, "您没有查看关爱帮扶案件的权限", "you may not read care cases")
		}
		under = roots[0]
	}
	v := &careTotalsView{Under: under, Year: yearParam(r.URL.Query())}
	this := h.ppl.Today().Year()
	if v.Year == 0 {
		v.Year = this
	}
	for y := this; y >= this-4; y-- {
		v.Years = append(v.Years, y)
	}
	rows, sum, err := h.ppl.CareTotals(ctx, actor, under.ID, v.Year)
	if err != nil {
		return nil, err
	}
	// A township has hundreds of organizations below it, most without a
	// case in a year: the page and the file list those with one and say
	// how many have none.
	v.Sum = sum
	for _, r := range rows {
		if r.Cases > 0 {
			v.Rows = append(v.Rows, r)
		} else {
			v.None++
		}
	}
	return v, nil
}

// CareTotalsPage shows the totals of a year by county (the children of the
// organization shown): cases, the amounts approved and paid, with charts
// that lead to each county's own totals.
func (h *Pages) CareTotalsPage(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "care", h.T(lang, "care.totals"))
	v, err := h.careTotals(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	cases := web.Chart{Type: "bar", Title: h.T(lang, "care.chart_cases"), Unit: web.Msg(lang, "件", "cases")}
	approved := web.Chart{Type: "bar", Title: h.T(lang, "care.chart_approved"), Unit: web.Msg(lang, "元", "yuan")}
	paid := web.Chart{Type: "bar", Title: h.T(lang, "care.chart_paid"), Unit: web.Msg(lang, "元", "yuan")}
	for _, t := range v.Rows {
		href := "/care/totals?year=" + strconv.Itoa(v.Year) + "&org=" + strconv.FormatInt(t.OrgID, 10)
		if t.OrgID == v.Under.ID {
			href = ""
		}
		cases.Items = append(cases.Items, web.ChartItem{Name: t.OrgName, Value: t.Cases, Href: href})
		approved.Items = append(approved.Items, web.ChartItem{Name: t.OrgName, Value: t.ApprovedAmount, Href: href})
		paid.Items = append(paid.Items, web.ChartItem{Name: t.OrgName, Value: t.PaidAmount, Href: href})
	}
	if v.Sum.Cases > 0 {
		v.Cases, v.Approved, v.Paid = web.ChartJSON(cases), web.ChartJSON(approved), web.ChartJSON(paid)
		p.Charts = true
	}
	h.crumbs(r, p, v.Under)
	p.Crumbs[0] = web.Crumb{Label: h.T(lang, "care.title"), Href: "/care"}
	p.Crumbs = append(p.Crumbs, web.Crumb{Label: p.Title})
	p.Crumbs[len(p.Crumbs)-2].Href = "/care/totals?org=" + strconv.FormatInt(v.Under.ID, 10)
	p.Title = h.T(lang, "care.totals")
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "care_totals", "layout", p)
}

// CareTotalsExport exports the totals of the page.
func (h *Pages) CareTotalsExport(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	v, err := h.careTotals(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list := i18n.Text{ZH: "关爱帮扶年度统计", EN: "care totals of the year"}
	header := []string{"序号", "单位", "申请件数", "批准件数", "核定金额(元)", "发放件数", "发放金额(元)", "未通过", "办理中"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Cases", "Approved", "Approved (yuan)", "Paid", "Paid (yuan)", "Refused", "In progress"}
	}
	scope := web.ExportScope(r, v.Under, people.CareRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 24, 10, 10, 14, 10, 14, 8, 8}, Kinds: []xlsx.Kind{xlsx.Integer, 2: xlsx.Integer, 3: xlsx.Integer, 4: xlsx.Integer, 5: xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Integer, 8: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		f := listFilters(lang, org.Org{}, "", "", "", v.Year)
		if v.None > 0 {
			f += web.Msg(lang, fmt.Sprintf("（另有 %d 个下级单位本年度无案件）", v.None), fmt.Sprintf(" (%d organizations below have no case this year)", v.None))
		}
		return f
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, t := range append(v.Rows, v.Sum) {
			seq := any(i + 1)
			name := t.OrgName
			if i == len(v.Rows) {
				seq, name = "", web.Msg(lang, "合计", "Total")
			}
			if !yield([]any{seq, name, t.Cases, t.Approved, t.ApprovedAmount, t.Paid, t.PaidAmount, t.Refused, t.Pending}) {
				return
			}
		}
	})
}
