package people

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"math"
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

// payList is the pay floor's page: the compliance of a subtree's cadres
// with the floor in a year, the growth on the year before by child
// organization, and the factor.
type payList struct {
	Under     org.Org
	Year      int
	Years     []int
	Report    people.PayReport
	Rows      []people.PayRow
	View      []payRowView // the page's rows with masks and posts
	List      *web.List
	Status    string
	Shortfall int
	Growth    []people.Growth
	// AvgChart and GrowthChart are the ECharts specs of the growth.
	AvgChart, GrowthChart template.JS
	CanManage             bool
	IsAdmin               bool
}

// payScope is the organization and year of a pay page: ?org= (else the
// first organization the actor reads the register of) and ?year= (else
// this year).
func (h *Pages) payScope(r *http.Request, p *web.Page) (org.Org, int, url.Values, error) {
	under, form, err := h.scopeQuery(r, p)
	if err != nil {
		return org.Org{}, 0, form, err
	}
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(people.PeopleRead) {
		return org.Org{}, 0, form, errs.New(errs.Forbidden, "您没有查看党员名册的权限", "you may not read the member register")
	}
	if under.ID == 0 {
		roots, err := h.Orgs.Roots(ctx, actor)
		if err != nil {
			return org.Org{}, 0, form, err
		}
		for _, o := range roots {
			if actor.Can(people.PeopleRead, o.Path) {
				under = o
				break
			}
		}
		if under.ID == 0 {
			return org.Org{}, 0, form, errs.New(errs.Forbidden, "您没有查看党员名册的权限", "you may not read the member register")
		}
	}
	this := h.Now().In(org.Shanghai).Year()
	year := this
	if y, err := strconv.Atoi(form.Get("year")); err == nil && y >= 2000 && y <= this {
		year = y
	}
	return under, year, form, nil
}

// payData reads the compliance list the page and its export show.
func (h *Pages) payData(r *http.Request, p *web.Page) (*payList, url.Values, error) {
	under, year, form, err := h.payScope(r, p)
	if err != nil {
		return nil, form, err
	}
	l := web.ListFrom(r, "-shortfall")
	v := &payList{Under: under, Year: year, List: l, Status: form.Get("status")}
	if v.Report, err = h.ppl.PayCompliance(r.Context(), web.Actor(r), under.ID, year); err != nil {
		return nil, form, err
	}
	q := strings.TrimSpace(l.Q)
	for _, row := range v.Report.Rows {
		if v.Status != "" && row.Status != v.Status || q != "" && !strings.Contains(row.Name, q) && !strings.Contains(row.OrgName, q) {
			continue
		}
		v.Rows = append(v.Rows, row)
		v.Shortfall += row.Shortfall
	}
	sortBy(v.Rows, l.Sort, "shortfall", map[string]func(a, b people.PayRow) int{
		"shortfall": func(a, b people.PayRow) int { return cmp.Compare(a.Shortfall, b.Shortfall) },
		"pay":       func(a, b people.PayRow) int { return cmp.Compare(a.BasicPay, b.BasicPay) },
		"floor":     func(a, b people.PayRow) int { return cmp.Compare(a.Floor, b.Floor) },
		"name":      func(a, b people.PayRow) int { return strings.Compare(a.Name, b.Name) },
		"org":       func(a, b people.PayRow) int { return strings.Compare(a.OrgName, b.OrgName) },
	})
	l.Total = len(v.Rows)
	return v, form, nil
}

// PayPage shows the compliance of the cadres' basic pay with the floor.
func (h *Pages) PayPage(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "people_pay", h.T(lang, "ppl.pay_title"))
	v, form, err := h.payData(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v.Rows = page(v.Rows, v.List)
	for _, row := range v.Rows {
		v.View = append(v.View, payRowView{PayRow: row, Posts: missingText(row.Posts, lang)})
	}
	for y := h.Now().In(org.Shanghai).Year(); y >= h.Now().In(org.Shanghai).Year()-5; y-- {
		v.Years = append(v.Years, y)
	}
	v.CanManage = actor.Can(people.PeopleManage, v.Under.Path)
	v.IsAdmin = actor.IsAdmin()
	if v.Growth, err = h.ppl.PayGrowth(ctx, actor, v.Under.ID, v.Year); err != nil {
		h.Fail(w, r, err)
		return
	}
	avg := web.Chart{Type: "hbar", Title: web.Msg(lang, fmt.Sprintf("%d 年平均基本报酬", v.Year), fmt.Sprintf("Average basic pay of %d", v.Year)), Unit: web.Msg(lang, "元", "yuan")}
	growth := web.RateChart{Type: "hbar", Title: web.Msg(lang, fmt.Sprintf("比 %d 年增长", v.Year-1), fmt.Sprintf("Growth on %d", v.Year-1)), Unit: "%", Change: true}
	for _, g := range v.Growth {
		if g.Cadres == 0 {
			continue
		}
		href := "/people/pay?org=" + strconv.FormatInt(g.OrgID, 10) + "&year=" + strconv.Itoa(v.Year)
		avg.Items = append(avg.Items, web.ChartItem{Name: g.OrgName, Value: int(math.Round(g.Average)), Href: href})
		if g.LastAvg > 0 {
			growth.Items = append(growth.Items, web.RateItem{Name: g.OrgName, Value: g.GrowthPc, Href: href})
		}
	}
	if avg.Items == nil {
		avg.Items = []web.ChartItem{}
	}
	v.AvgChart, v.GrowthChart = web.ChartJSON(avg), web.RateChartJSON(growth)
	p.Charts = len(v.Growth) > 0
	h.crumbs(r, p, v.Under, web.Crumb{Label: p.Title})
	form.Set("org", strconv.FormatInt(v.Under.ID, 10))
	form.Set("factor", strconv.FormatFloat(v.Report.Factor, 'f', -1, 64))
	p.Form = form
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "people_pay", "layout", p)
}

// payStatus names a compliance status in lang.
func payStatus(s, lang string) string {
	switch s {
	case "below":
		return web.Msg(lang, "低于标准", "Below the floor")
	case "no_reference":
		return web.Msg(lang, "未登记收入", "No income recorded")
	}
	return web.Msg(lang, "达标", "At or above")
}

// PayExport exports the compliance list as the page shows it.
func (h *Pages) PayExport(w http.ResponseWriter, r *http.Request) {
	v, _, err := h.payData(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: fmt.Sprintf("%d年村（社区）干部基本报酬", v.Year), EN: fmt.Sprintf("village cadres' basic pay %d", v.Year)}
	header := []string{"序号", "姓名", "身份证号", "职务", "村（社区）", "年基本报酬（元）", "标准（元）", "差额（元）", "状态"}
	if lang == i18n.EN {
		header = []string{"No.", "Name", "ID number", "Post", "Village (community)", "Basic pay (yuan)", "Floor (yuan)", "Shortfall (yuan)", "Status"}
	}
	scope := web.ExportScope(r, v.Under, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 10, 20, 16, 28, 14, 12, 12, 14}, Kinds: []xlsx.Kind{xlsx.Integer, 5: xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		return web.Msg(lang, fmt.Sprintf("年度=%d；系数=%.2f", v.Year, v.Report.Factor), fmt.Sprintf("year=%d; factor=%.2f", v.Year, v.Report.Factor))
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, row := range v.Rows {
			if !yield([]any{i + 1, row.Name, row.IDMask, missingText(row.Posts, lang), row.OrgName, row.BasicPay, row.Floor, row.Shortfall, payStatus(row.Status, lang)}) {
				return
			}
		}
	})
}

// payRowView is a compliance row with its person's mask and posts.
type payRowView struct {
	people.PayRow
	Posts string // the posts, named
}

// PayFactorSet sets the floor's factor; a system administrator only.
func (h *Pages) PayFactorSet(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	if !h.ParseForm(w, r) {
		return
	}
	f, perr := strconv.ParseFloat(strings.TrimSpace(r.PostForm.Get("factor")), 64)
	if perr != nil {
		f = math.NaN()
	}
	back := "/people/pay"
	if o := r.PostForm.Get("org"); o != "" {
		back += "?org=" + url.QueryEscape(o)
	}
	if err := h.ppl.SetPayFactor(r.Context(), web.Actor(r), f); err != nil {
		if k := errs.KindOf(err); k == errs.Forbidden || k == errs.Internal {
			h.Fail(w, r, err)
			return
		}
		h.Redirect(w, r, back, "err", web.ErrMessage(err, lang))
		return
	}
	h.Redirect(w, r, back, "ok", web.Msg(lang, fmt.Sprintf("报酬标准系数已设为 %.2f", f), fmt.Sprintf("The pay factor is now %.2f", f)))
}

// incomesView is the incomes page: the counties of a subtree with their
// incomes of a year, the form and the import.
type incomesView struct {
	Under     org.Org
	Year      int
	Rows      []people.RefRow
	CanManage bool
	Import    any // the session of an upload
	Missing   int
}

// incomesPage loads the incomes page.
func (h *Pages) incomesPage(w http.ResponseWriter, r *http.Request) (*web.Page, *incomesView, bool) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "people_pay", h.T(lang, "ppl.incomes_title"))
	under, year, form, err := h.payScope(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	if form.Get("year") == "" {
		year-- // the incomes of last year set this year's floor
	}
	v := &incomesView{Under: under, Year: year, CanManage: web.Actor(r).Can(people.PeopleManage, under.Path)}
	if v.Rows, err = h.ppl.References(r.Context(), web.Actor(r), under.ID, year); err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	for _, row := range v.Rows {
		if !row.Recorded {
			v.Missing++
		}
	}
	h.crumbs(r, p, under, web.Crumb{Label: h.T(lang, "ppl.pay_title"), Href: "/people/pay?org=" + strconv.FormatInt(under.ID, 10)}, web.Crumb{Label: p.Title})
	p.Form = url.Values{"org": {strconv.FormatInt(under.ID, 10)}, "year": {strconv.Itoa(year)}, "ref_year": {strconv.Itoa(year)}}
	if under.Level == "county" || under.Level == "city" {
		p.Form.Set("org_id", strconv.FormatInt(under.ID, 10))
	}
	p.Picker("org", web.PickFilter{})
	p.Picker("org_id", web.PickFilter{})
	p.Data = v
	return p, v, true
}

// IncomesPage lists the incomes of the counties of a subtree.
func (h *Pages) IncomesPage(w http.ResponseWriter, r *http.Request) {
	if p, _, ok := h.incomesPage(w, r); ok {
		h.render(w, r, http.StatusOK, "people_pay_incomes", "layout", p)
	}
}

// IncomeSet records one county's incomes of a year.
func (h *Pages) IncomeSet(w http.ResponseWriter, r *http.Request) {
	if err := h.ppl.CanManagePay(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	p, v, ok := h.incomesPage(w, r)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	for k := range f {
		p.Form.Set(k, f.Get(k))
	}
	bad := map[string]bool{}
	id, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	in := people.RefInput{OrgID: id, Year: web.IntField(f.Get("ref_year"), "year", bad), Rural: web.IntField(f.Get("rural"), "rural", bad), Urban: web.IntField(f.Get("urban"), "urban", bad)}
	if id == 0 {
		h.FormError(w, r, h.tmpl, p, "people_pay_incomes", errs.Field("org_id", "请选择县（市、区）党组织", "choose the county's organization"))
		return
	}
	if err := h.ppl.SetReference(r.Context(), web.Actor(r), in); err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			err = errs.Field("org_id", e.ZH, e.EN)
		}
		h.FormError(w, r, h.tmpl, p, "people_pay_incomes", err)
		return
	}
	h.Redirect(w, r, "/people/pay/incomes?org="+strconv.FormatInt(v.Under.ID, 10)+"&year="+strconv.Itoa(in.Year), "ok",
		web.Msg(p.Lang, fmt.Sprintf("已登记 %d 年人均可支配收入", in.Year), fmt.Sprintf("The incomes of %d are recorded", in.Year)))
}

// sendTemplate sends an import template.
func (h *Pages) sendTemplate(w http.ResponseWriter, r *http.Request, name string, header, optional []string, example []string, notes [][2]string) {
	if err := h.ppl.CanManagePay(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	req := map[string]bool{}
	for _, c := range header {
		req[c] = true
	}
	var buf bytes.Buffer
	if err := xlsx.Template(&buf, append(append([]string{}, header...), optional...), req, example, notes); err != nil {
		h.Fail(w, r, errs.Wrap(err, "template"))
		return
	}
	_, cd := xlsx.FileName(name, "导入模板", h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	_, _ = w.Write(buf.Bytes())
}

// IncomesTemplate sends the template of the income import.
func (h *Pages) IncomesTemplate(w http.ResponseWriter, r *http.Request) {
	h.sendTemplate(w, r, "人均可支配收入", people.RefImportHeader, nil, people.RefImportExample, people.RefImportNotes)
}

// IncomesImport validates an uploaded file of incomes and shows every bad
// row, or the rows ready.
func (h *Pages) IncomesImport(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.incomesPage(w, r)
	if !ok {
		return
	}
	actor := web.Actor(r)
	h.ImportUpload(w, r, h.tmpl, p, "people_pay_incomes", h.ppl.CanManagePay(actor), func(name string, header []string, rows [][]string) error {
		sess, err := h.ppl.PrepareRefImport(r.Context(), actor, actor.UserID, name, header, rows)
		if err == nil {
			v.Import = sess
		}
		return err
	})
}

// IncomesApply records every income of a validated session, or none.
func (h *Pages) IncomesApply(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	actor := web.Actor(r)
	n, err := h.ppl.ApplyRefImport(r.Context(), actor, actor.UserID, r.PathValue("id"))
	h.ImportApplied(w, r, err, "/people/pay/incomes", "/people/pay/incomes", web.Msg(lang, "已导入 "+web.FormatInt(n)+" 条人均可支配收入", "Imported "+web.FormatInt(n)+" incomes"))
}

// recordView is the page that records basic pay: one by form, many by
// import.
type recordView struct {
	Year   int
	Found  []people.Member
	Import any
	Q      string
}

// recordPage loads the pay recording page.
func (h *Pages) recordPage(w http.ResponseWriter, r *http.Request) (*web.Page, *recordView, bool) {
	lang := i18n.FromRequest(r)
	if err := h.ppl.CanManagePay(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	p := h.Page(r, "people_pay", h.T(lang, "ppl.pay_record_title"))
	year := h.Now().In(org.Shanghai).Year()
	v := &recordView{Year: year, Q: strings.TrimSpace(r.URL.Query().Get("person_q"))}
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.people"), Href: "/people"}, {Label: h.T(lang, "ppl.pay_title"), Href: "/people/pay"}, {Label: p.Title}}
	p.Form = url.Values{"year": {strconv.Itoa(year)}, "person_q": {v.Q}}
	p.Picker("org_id", web.PickFilter{Level: "village"})
	p.Data = v
	return p, v, true
}

// PayRecordPage shows the forms that record basic pay.
func (h *Pages) PayRecordPage(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.recordPage(w, r)
	if !ok {
		return
	}
	if v.Q != "" {
		v.Found, _, _ = h.ppl.Members(r.Context(), web.Actor(r), people.MemberQuery{Q: v.Q, Limit: web.PickLimit})
	}
	h.render(w, r, http.StatusOK, "people_pay_record", "layout", p)
}

// PayRecord records one cadre's basic pay of a year.
func (h *Pages) PayRecord(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.recordPage(w, r)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	for k := range f {
		p.Form.Set(k, f.Get(k))
	}
	v.Q = f.Get("person_q")
	if v.Q != "" {
		v.Found, _, _ = h.ppl.Members(r.Context(), web.Actor(r), people.MemberQuery{Q: v.Q, Limit: web.PickLimit})
	}
	bad := map[string]bool{}
	pid, _ := strconv.ParseInt(f.Get("person_id"), 10, 64)
	oid, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	in := people.PayInput{PersonID: pid, OrgID: oid, Year: web.IntField(f.Get("year"), "year", bad), BasicPay: web.IntField(f.Get("basic_pay"), "basic_pay", bad)}
	var err error
	switch {
	case pid == 0:
		err = errs.Field("person_id", "请先按姓名查找并选择干部", "find the cadre by name and choose them first")
	case oid == 0 && in.Year > 0:
		// Left out: the village where the cadre held a post that year.
		var o org.Org
		if o, err = h.ppl.PayOrgOf(r.Context(), web.Actor(r), pid, in.Year); err == nil {
			in.OrgID, oid = o.ID, o.ID
		}
	}
	if err == nil {
		err = h.ppl.RecordPay(r.Context(), web.Actor(r), in)
	}
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			err = errs.Field("org_id", e.ZH, e.EN)
		}
		h.FormError(w, r, h.tmpl, p, "people_pay_record", err)
		return
	}
	h.Redirect(w, r, "/people/pay?org="+strconv.FormatInt(oid, 10)+"&year="+strconv.Itoa(in.Year), "ok",
		web.Msg(p.Lang, fmt.Sprintf("已登记 %d 年基本报酬 %s 元", in.Year, web.FormatInt(in.BasicPay)), fmt.Sprintf("Basic pay of %d recorded: %s yuan", in.Year, web.FormatInt(in.BasicPay))))
}

// PayTemplate sends the template of the pay import.
func (h *Pages) PayTemplate(w http.ResponseWriter, r *http.Request) {
	h.sendTemplate(w, r, "村（社区）干部基本报酬", people.PayImportHeader, people.PayImportOptional, people.PayImportExample, people.PayImportNotes)
}

// PayImport validates an uploaded file of basic pay.
func (h *Pages) PayImport(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.recordPage(w, r)
	if !ok {
		return
	}
	actor := web.Actor(r)
	h.ImportUpload(w, r, h.tmpl, p, "people_pay_record", h.ppl.CanManagePay(actor), func(name string, header []string, rows [][]string) error {
		sess, err := h.ppl.PreparePayImport(r.Context(), actor, actor.UserID, name, header, rows)
		if err == nil {
			v.Import = sess
		}
		return err
	})
}

// PayApply records every pay of a validated session, or none.
func (h *Pages) PayApply(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	actor := web.Actor(r)
	n, err := h.ppl.ApplyPayImport(r.Context(), actor, actor.UserID, r.PathValue("id"))
	h.ImportApplied(w, r, err, "/people/pay/record", "/people/pay", web.Msg(lang, "已导入 "+web.FormatInt(n)+" 条基本报酬", "Imported "+web.FormatInt(n)+" basic pays"))
}
