package programs

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The pages of the demonstration sites (示范点, M6): the list of the sites
// with the count of each state, the form that nominates one, a site with
// its timeline, the organizations it leads and the form of its next step,
// the yearly quotas of the nominating units, and the spread: the charts by
// year and by unit and the tree of the sites and the organizations they
// lead.

// siteRoutes are the pages of the demonstration sites.
func (h *Pages) siteRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/sites", module.Web, h.SiteList),
		module.R("GET", "/sites/export.xlsx", module.Web, h.SiteExport),
		module.R("GET", "/sites/new", module.Web, h.SiteNewForm),
		module.R("POST", "/sites/new", module.Web, h.SiteNew),
		module.R("GET", "/sites/quotas", module.Web, h.SiteQuotas),
		module.R("POST", "/sites/quotas", module.Web, h.SiteQuotaSet),
		module.R("GET", "/sites/quotas.xlsx", module.Web, h.SiteQuotasExport),
		module.R("GET", "/sites/spread", module.Web, h.SiteSpread),
		module.R("GET", "/sites/spread.xlsx", module.Web, h.SiteSpreadExport),
		module.R("GET", "/sites/{id}", module.Web, h.SiteShow),
		module.R("POST", "/sites/{id}/cultivate", module.Web, h.SiteStep("cultivate")),
		module.R("POST", "/sites/{id}/accept", module.Web, h.SiteStep("accept")),
		module.R("POST", "/sites/{id}/designate", module.Web, h.SiteStep("designate")),
		module.R("POST", "/sites/{id}/recheck", module.Web, h.SiteStep("recheck")),
		module.R("POST", "/sites/{id}/revoke", module.Web, h.SiteStep("revoke")),
		module.R("POST", "/sites/{id}/lead", module.Web, h.SiteStep("lead")),
		module.R("GET", "/sites/{id}/files/{fid}", module.Web, h.SiteFile),
	}
}

func siteHref(id int64) string { return "/sites/" + strconv.FormatInt(id, 10) }

// siteTag is a state's label and the class of its tag: designated in
// green, accepted in gold, revoked grey, the others amber. The label
// carries the meaning, the colour repeats it.
func siteTag(state, lang string) (string, string) {
	cls := map[string]string{"designated": "ok", "accepted": "gold", "revoked": "muted"}[state]
	if cls == "" {
		cls = "warn"
	}
	return org.LabelOf(programs.SiteStates, state, lang), cls
}

// siteRow is a site as the list shows it.
type siteRow struct {
	programs.Site
	StateLabel, StateClass string
	Last                   string // the latest note or re-check, in words
}

func siteRows(xs []programs.Site, lang string, t func(string) string) []siteRow {
	out := make([]siteRow, len(xs))
	for i, x := range xs {
		out[i].Site = x
		out[i].StateLabel, out[i].StateClass = siteTag(x.State, lang)
		switch {
		case x.LastRecheck > 0:
			out[i].Last = fmt.Sprintf(t("site.recheck_of"), x.LastRecheck)
		case x.LastNote != "":
			out[i].Last = fmt.Sprintf(t("site.note_of"), x.LastNote)
		}
	}
	return out
}

// siteUnit is a nominating unit as filters and forms offer it.
type siteUnit struct {
	ID   int64
	Name string
}

// siteListView is the list of the sites.
type siteListView struct {
	Rows      []siteRow
	List      *web.List
	Under     org.Org
	Res       programs.SiteList
	All       int
	Year      int
	Years     []int
	State     string
	States    []org.Choice
	Unit      int64
	Units     []siteUnit
	Flag      string
	Filtered  bool
	CanManage bool
}

func (h *Pages) siteQuery(r *http.Request, p *web.Page, l *web.List) (programs.SiteQuery, org.Org, error) {
	under, err := h.ctScope(r, p)
	v := r.URL.Query()
	return programs.SiteQuery{Under: under.ID, Unit: ctID(v.Get("unit")), Year: ctYear(v), State: v.Get("state"), Flag: v.Get("flag"),
		Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}, under, err
}

// siteYears are the years the filters offer: next year, this year and the
// four before.
func (h *Pages) siteYears() []int { return ctYears(h.pg.Today().Year()) }

// SiteList lists the sites the actor reads, or those of ?org=: the count
// of each state and of the sites due for their re-check, filters by year,
// state and nominating unit, search by name, sort and export.
func (h *Pages) SiteList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "sites", h.T(lang, "site.title"))
	l := web.ListFrom(r, "")
	q, under, err := h.siteQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &siteListView{List: l, Under: under, Year: q.Year, Years: h.siteYears(), State: q.State, States: programs.SiteStates, Unit: q.Unit, Flag: q.Flag,
		CanManage: actor.CanAnywhere(programs.ProgramsManage), Filtered: l.Q != "" || q.State != "" || q.Year != 0 || q.Unit != 0 || q.Flag != ""}
	if v.Res, err = h.pg.Sites(ctx, actor, q); err != nil {
		h.Fail(w, r, err)
		return
	}
	units, err := h.pg.SiteQuotas(ctx, actor, 0, 0)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, u := range units {
		v.Units = append(v.Units, siteUnit{ID: u.OrgID, Name: u.OrgName})
	}
	v.Rows, l.Total = siteRows(v.Res.Items, lang, func(k string) string { return h.T(lang, k) }), v.Res.Total
	for _, n := range v.Res.States {
		v.All += n
	}
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "site.title"), Href: "/sites"}}
	if under.ID != 0 {
		p.Crumbs = append(p.Crumbs, web.Crumb{Label: under.Label()})
	}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "site_list", "layout", p)
}

// SiteExport exports the sites of the list with its filters.
func (h *Pages) SiteExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	q, under, err := h.siteQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	res, err := h.pg.Sites(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	name := i18n.Text{ZH: "示范点台账", EN: "demonstration sites"}
	header := []string{"序号", "示范点", "推荐单位", "推荐年度", "状态", "培育记录(次)", "最近培育", "验收日期", "命名年度", "命名日期", "最近复核年度", "待复核", "带动党组织(个)", "撤销日期", "撤销理由"}
	if lang == i18n.EN {
		header = []string{"No.", "Site", "Nominating unit", "Year", "State", "Cultivation notes", "Last note", "Accepted on", "Named for", "Designated on", "Last re-check", "Re-check due", "Organizations led", "Revoked on", "Reason"}
	}
	scope := web.ExportScope(r, under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + name.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 26, 18, 8, 14, 10, 12, 12, 8, 12, 10, 8, 10, 12, 30},
		Kinds:  []xlsx.Kind{xlsx.Integer, 3: xlsx.Integer, 5: xlsx.Integer, 8: xlsx.Integer, 10: xlsx.Integer, 12: xlsx.Integer, 14: xlsx.Wrap}}
	filters := web.Bilingual(func(lang string) string {
		var parts []string
		if under.ID != 0 {
			parts = append(parts, web.Msg(lang, "范围", "scope")+"="+under.Label())
		}
		if l.Q != "" {
			parts = append(parts, web.Msg(lang, "关键词", "search")+"="+l.Q)
		}
		if q.Year != 0 {
			parts = append(parts, web.Msg(lang, "推荐年度", "year")+"="+strconv.Itoa(q.Year))
		}
		if q.State != "" {
			st := org.LabelOf(programs.SiteStates, q.State, lang)
			if q.State == "live" {
				st = web.Msg(lang, "不含已撤销", "not revoked")
			}
			parts = append(parts, web.Msg(lang, "状态", "state")+"="+st)
		}
		if q.Flag != "" {
			parts = append(parts, web.Msg(lang, "待年度复核", "re-check due"))
		}
		if q.Unit != 0 {
			for _, x := range res.Items {
				parts = append(parts, web.Msg(lang, "推荐单位", "unit")+"="+x.NominatorName)
				break
			}
		}
		if len(parts) == 0 {
			return web.Msg(lang, "筛选：全部", "Filters: none")
		}
		return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
	})
	h.SendXLSX(w, r, scope, name, filters, s, func(yield func([]any) bool) {
		for i, x := range res.Items {
			due, named, recheck := "", any(""), any("")
			if x.RecheckDue {
				due = web.Msg(lang, "是", "yes")
			}
			if x.DesignatedYear > 0 {
				named = x.DesignatedYear
			}
			if x.LastRecheck > 0 {
				recheck = x.LastRecheck
			}
			if !yield([]any{i + 1, x.OrgName, x.NominatorName, x.Year, org.LabelOf(programs.SiteStates, x.State, lang), x.Notes, x.LastNote, x.AcceptedOn,
				named, x.DesignatedOn, recheck, due, x.Led, x.RevokedOn, x.RevokeReason}) {
				return
			}
		}
	})
}

// siteFormView is the nomination form: the years it offers and where the
// actor's units stand against their quotas.
type siteFormView struct {
	Years  []int
	Quotas []string
}

func (h *Pages) siteFormPage(r *http.Request) (*web.Page, error) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "sites", h.T(lang, "site.new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "site.title"), Href: "/sites"}, {Label: p.Title}}
	p.Picker("org_id", web.PickFilter{})
	this := h.pg.Today().Year()
	v := &siteFormView{Years: []int{this, this + 1}}
	qs, err := h.pg.SiteQuotas(ctx, actor, 0, this)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if actor.Can(programs.ProgramsManage, q.Path()) {
			v.Quotas = append(v.Quotas, fmt.Sprintf(h.T(lang, "site.quota_line"), q.OrgName, q.Year, siteQuotaText(q.Min, q.Max), q.Nominated))
		}
	}
	if len(v.Quotas) > 4 {
		v.Quotas = nil // a city nominates for many: the quotas' page lists them
	}
	p.Data = v
	return p, nil
}

// siteQuotaText writes a quota: "2–3", or "3" when its bounds are one.
func siteQuotaText(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(hi)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// SiteNewForm shows the form that nominates a site, for ?org= when it
// comes from an organization's page.
func (h *Pages) SiteNewForm(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有推荐示范点的权限", "you may not nominate demonstration sites"))
		return
	}
	p, err := h.siteFormPage(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Form = url.Values{"org_id": {r.URL.Query().Get("org")}, "year": {strconv.Itoa(h.pg.Today().Year())}}
	h.render(w, r, http.StatusOK, "site_form", "layout", p)
}

// SiteNew nominates the site with its materials and files; on error the
// form shows again as typed (the files are chosen again).
func (h *Pages) SiteNew(w http.ResponseWriter, r *http.Request) {
	form, files, ferr := readUpload(w, r)
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有推荐示范点的权限", "you may not nominate demonstration sites"))
		return
	}
	p, err := h.siteFormPage(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Form = form
	if ferr != nil {
		h.siteUploadError(w, r, p, "site_form", ferr)
		return
	}
	if err := h.ResolveOrg(ctx, actor, p.Form, "org_id", web.PickFilter{}); err != nil {
		h.FormError(w, r, h.tmpl, p, "site_form", err)
		return
	}
	f := p.Form
	x, err := h.pg.Nominate(ctx, actor, programs.SiteInput{OrgID: ctID(f.Get("org_id")), Year: ctInt(f.Get("year")), Materials: f.Get("materials"), Files: files})
	if err != nil {
		h.siteUploadError(w, r, p, "site_form", err)
		return
	}
	h.Redirect(w, r, siteHref(x.ID), "ok", fmt.Sprintf(h.T(p.Lang, "site.nominated"), x.OrgName, x.Year))
}

// siteUploadError shows a form again after a refusal: an upload too large
// with its status (413) at the files' field, anything else as FormError.
func (h *Pages) siteUploadError(w http.ResponseWriter, r *http.Request, p *web.Page, page string, err error) {
	if errs.KindOf(err) == errs.TooLarge {
		e := errs.As(err)
		p.Errors = map[string]string{"attachments": e.Message(p.Lang)}
		p.Flash = &web.Flash{Kind: "err", Text: e.Message(p.Lang)}
		h.render(w, r, http.StatusRequestEntityTooLarge, page, "layout", p)
		return
	}
	h.FormError(w, r, h.tmpl, p, page, err)
}
