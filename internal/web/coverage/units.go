package coverage

import (
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// unitFilters are the URL parameters of the unit list besides q, sort and page.
var unitFilters = []string{"org", "category", "size", "industry", "coverage", "rule", "region", "status", "members"}

// unitQuery reads the unit list's filters from the URL.
func unitQuery(r *http.Request, l *web.List) (coverage.ListQuery, error) {
	v := r.URL.Query()
	q := coverage.ListQuery{Q: l.Q, Category: v.Get("category"), Size: v.Get("size"), Industry: v.Get("industry"), Coverage: v.Get("coverage"),
		Rule: v.Get("rule"), RegionCode: strings.TrimSpace(v.Get("region")), Status: v.Get("status"), Members: v.Get("members"), Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}
	if s := v.Get("org"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return q, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
		}
		q.Under = id
	}
	return q, nil
}

// covUnits is what the unit list shows.
type covUnits struct {
	Rows      []coverage.Unit
	List      *web.List
	Under     org.Org
	Filtered  bool
	CanManage bool
	Opts      covOptions
	Advice    map[int64]string
	Short     map[string]string // category → label without its parenthesis, for the table
	Industry  map[string]string // industry → label cut to fit the table (the full one is its title)
}

// CoverageUnits is the registry of host units: searchable, filtered by
// category, size, industry, coverage, rule, division and status, sorted by
// header, paged and exported; ?rule=any is the gap list (工作清单).
func (h *Pages) CoverageUnits(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	title := h.T(lang, "cov.units_title")
	if r.URL.Query().Get("rule") != "" {
		title = h.T(lang, "cov.orders_title")
	}
	p := h.Page(r, "coverage", title)
	l := web.ListFrom(r, "region")
	q, err := unitQuery(r, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &covUnits{List: l, Opts: covOpts, CanManage: actor.CanAnywhere(coverage.UnitManage), Advice: map[int64]string{}, Short: map[string]string{}, Industry: map[string]string{}}
	for _, c := range coverage.Industries {
		l := []rune(org.LabelOf(coverage.Industries, c.Key, lang))
		if n := map[bool]int{true: 8, false: 24}[lang != i18n.EN]; len(l) > n {
			l = append(l[:n], '…')
		}
		v.Industry[c.Key] = string(l)
	}
	for _, c := range coverage.Categories {
		v.Short[c.Key], _, _ = strings.Cut(org.LabelOf(coverage.Categories, c.Key, lang), "（")
	}
	if q.Under != 0 {
		if v.Under, err = h.Orgs.Get(ctx, actor, q.Under); err != nil {
			h.Fail(w, r, err)
			return
		}
		v.CanManage = actor.Can(coverage.UnitManage, v.Under.Path) && v.Under.Active()
	}
	h.covCrumbs(r, p, v.Under, web.Crumb{Label: title})
	if v.Under.ID == 0 {
		p.ScopeName = ""
		if len(actor.Grants) > 0 {
			p.ScopeName = actor.Grants[0].OrgName
		}
	}
	v.Rows, l.Total, err = h.cov.List(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for i, u := range v.Rows {
		v.Rows[i] = u.In(lang)
		if u.Rule != "" {
			v.Advice[u.ID] = v.Rows[i].Advice
		}
	}
	v.Filtered = l.Q != ""
	for _, k := range unitFilters[1:] {
		v.Filtered = v.Filtered || r.URL.Query().Get(k) != ""
	}
	p.Form = r.URL.Query()
	p.Data = v
	h.render(w, r, http.StatusOK, "coverage_units", "layout", p)
}

// covUnitView is the unit page: the unit, its history and the coverage form.
type covUnitView struct {
	U         coverage.Unit
	Aff       org.Org
	History   []coverage.HistoryEntry
	Advice    string
	CanManage bool
	// CanClose allows closing an active unit or reopening a closed one.
	CanClose bool
	CanAudit bool
	Opts     covOptions
	Reasons  []org.Choice
	Today    string   // the latest date a closing may take effect
	Place    []string // the unit's village as a place: 兴宁区 › 民生街道 › 兴宁社区
}

// unitView loads a unit with what its page shows, and sets the page's title
// and breadcrumb.
func (h *Pages) unitView(w http.ResponseWriter, r *http.Request, p *web.Page) (*covUnitView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	u, err := h.cov.Get(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	u = u.In(p.Lang)
	v := &covUnitView{U: u, Advice: u.Advice, Opts: covOpts, Reasons: coverage.CloseReasons, Today: h.Now().In(org.Shanghai).Format("2006-01-02"),
		Place: h.Orgs.DivisionPath(u.RegionCode)}
	if v.History, err = h.cov.History(ctx, actor, id); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	if aff, err := h.Orgs.Get(ctx, actor, u.AffiliationOrgID); err == nil {
		v.Aff = aff
		v.CanClose = actor.Can(coverage.UnitManage, aff.Path)
		v.CanManage = v.CanClose && u.Status == "active"
		v.CanAudit = actor.Can(access.AuditRead, aff.Path)
		if v.CanManage {
			p.Picker("org_id", web.PickFilter{})
		}
	}
	p.Title = u.Name
	h.covCrumbs(r, p, v.Aff, web.Crumb{Label: h.T(p.Lang, "cov.units_title"), Href: unitsHref(u.AffiliationOrgID)}, web.Crumb{Label: u.Name})
	p.Data = v
	return v, true
}

func formFromCoverage(u coverage.Unit) map[string][]string {
	f := map[string][]string{"coverage": {u.Coverage}, "instructor": {u.Instructor}, "version": {strconv.Itoa(u.Version)}}
	if u.CoverageOrgID != nil {
		f["org_id"] = []string{strconv.FormatInt(*u.CoverageOrgID, 10)}
	}
	return f
}

// CoverageUnitShow shows a unit: its fields, warnings, what the rules say it
// needs, the form that changes its coverage and its coverage history.
func (h *Pages) CoverageUnitShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "coverage", "")
	v, ok := h.unitView(w, r, p)
	if !ok {
		return
	}
	p.Form = formFromCoverage(v.U)
	h.render(w, r, http.StatusOK, "coverage_unit", "layout", p)
}

// CoverageUnitSetCoverage changes how a unit is covered; on error the unit
// page shows again with the form as typed and each message at its field.
func (h *Pages) CoverageUnitSetCoverage(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "coverage", "")
	v, ok := h.unitView(w, r, p)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	bad := map[string]bool{}
	in := coverage.CoverageInput{Coverage: r.PostForm.Get("coverage"), Instructor: r.PostForm.Get("instructor"), Note: r.PostForm.Get("note"),
		Version: web.FormVersion(r.PostForm)}
	if in.Coverage == coverage.Own || in.Coverage == coverage.Joint {
		if err := h.ResolveOrg(r.Context(), web.Actor(r), r.PostForm, "org_id", web.PickFilter{}); err != nil {
			h.covFormError(w, r, p, "coverage_unit", err, bad)
			return
		}
		in.OrgID = web.IDField(r.PostForm.Get("org_id"), "org_id", bad)
	}
	u, err := h.cov.SetCoverage(r.Context(), web.Actor(r), v.U.ID, in)
	if h.staleCoverage(w, r, p, v, err) {
		return
	}
	if err != nil {
		h.covFormError(w, r, p, "coverage_unit", err, bad)
		return
	}
	h.Redirect(w, r, "/coverage/units/"+strconv.FormatInt(u.ID, 10), "ok",
		web.Msg(p.Lang, "已将“"+u.Name+"”的覆盖方式改为"+covLabel("status", u.Coverage, p.Lang), "Coverage of "+u.Name+" set to "+covLabel("status", u.Coverage, p.Lang)))
}
