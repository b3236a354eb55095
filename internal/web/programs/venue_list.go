package programs

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// venueListView is the compliance list.
type venueListView struct {
	programs.VenueList
	L        venueLabels
	List     *web.List
	Kind     string
	Status   string
	Filtered bool
	// Share and Rate are the counts' shares of the total, as shown.
	WithShare, Rate string
	// The charts' JSON.
	StatusChart, PartsChart any
	// Hrefs are the list of the scope (all) and of each state.
	Hrefs map[string]string
	// Own names the scope's organization when no standard covers it (a
	// township, a 两新 organization): its own venue is a click away.
	Own org.Org
	// Open offers another organization's venue to departments, which
	// read organizations the list does not show.
	Open bool
}

func (h *Pages) venueQuery(r *http.Request, p *web.Page, l *web.List) (programs.VenueQuery, org.Org, error) {
	under, err := h.venueScope(r, p, "org")
	v := r.URL.Query()
	return programs.VenueQuery{Under: under.ID, Kind: v.Get("kind"), Status: v.Get("status"), Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}, under, err
}

// VenueList lists the villages and communities of the actor's scope (or of
// ?org=) with their venues checked against their standards: counts at the
// top, a chart of the states and one by child organization that drills
// down, filters by kind and state, a search by name, sortable columns.
func (h *Pages) VenueList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "venues", h.T(lang, "ven.title"))
	l := web.ListFrom(r, "")
	q, under, err := h.venueQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list, err := h.pg.VenueCompliance(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = list.Total
	v := &venueListView{VenueList: list, L: newVenueLabels(lang), List: l, Kind: q.Kind, Status: q.Status,
		Filtered: l.Q != "" || q.Kind != "" || q.Status != "", Open: actor.CanAnywhere(programs.ProgramsManage)}
	if under.ID != 0 && programs.VenueKindOf(under.Level, under.Category) == "" {
		v.Own = under
	}
	c := list.Counts
	v.WithShare, v.Rate = programs.VenueRate(c.WithVenue, c.Total), programs.VenueRate(c.Compliant, c.Total)
	base := url.Values{}
	if under.ID != 0 {
		base.Set("org", strconv.FormatInt(under.ID, 10))
	}
	href := func(status string) string {
		u := url.Values{}
		for k, vs := range base {
			u[k] = vs
		}
		if q.Kind != "" && status != "" {
			u.Set("kind", q.Kind)
		}
		if status != "" {
			u.Set("status", status)
		}
		if len(u) == 0 {
			return "/venues"
		}
		return "/venues?" + u.Encode()
	}
	v.Hrefs = map[string]string{"all": href("")}
	for _, s := range []string{"compliant", "noncompliant", "none"} {
		v.Hrefs[s] = href(s)
	}
	if c.Total > 1 {
		st := web.Chart{Type: "pie", Title: h.T(lang, "ven.chart_status"), Unit: h.T(lang, "ven.unit_orgs")}
		for _, s := range []struct {
			key string
			n   int
		}{{"compliant", c.Compliant}, {"short_area", c.ShortArea - c.ShortAndMissing}, {"missing_functions", c.MissingFunctions - c.ShortAndMissing},
			{"short_and_missing", c.ShortAndMissing}, {"none", c.None}} {
			if s.n > 0 {
				st.Items = append(st.Items, web.ChartItem{Name: v.L.Status[s.key], Value: s.n, Href: href(s.key)})
			}
		}
		v.StatusChart = web.ChartJSON(st)
		// Parts of one organization each (a street's communities) are the
		// rows themselves: the chart is for parts that gather several.
		if len(list.Parts) > 1 && slices.ContainsFunc(list.Parts, func(p programs.VenuePart) bool { return p.Counts.Total > 1 }) {
			pc := web.RateChart{Type: "bar", Title: h.T(lang, "ven.chart_parts"), Unit: "%"}
			for _, part := range list.Parts {
				u := url.Values{"org": {strconv.FormatInt(part.OrgID, 10)}}
				if q.Kind != "" {
					u.Set("kind", q.Kind)
				}
				pc.Items = append(pc.Items, web.RateItem{Name: part.OrgName, Value: web.Round1(float64(part.Counts.Compliant) * 100 / float64(part.Counts.Total)), Href: "/venues?" + u.Encode()})
			}
			v.PartsChart = web.RateChartJSON(pc)
		}
		p.Charts = true
	}
	h.venueCrumbs(p)
	if under.ID != 0 {
		p.ScopeName = under.Label()
		p.Crumbs = append(p.Crumbs, web.Crumb{Label: under.Label()})
	}
	p.Picker("org", web.PickFilter{})
	p.Picker("open", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "venue_list", "layout", p)
}

// VenueExport exports the compliance list with its filters.
func (h *Pages) VenueExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	q, under, err := h.venueQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	list, err := h.pg.VenueCompliance(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	name := i18n.Text{ZH: "阵地达标情况", EN: "venues against the standard"}
	header := []string{"序号", "党组织", "所属乡镇（街道）", "区划代码", "类别", "面积(平方米)", "功能", "开放时间", "地址", "照片数", "达标情况", "面积差(平方米)", "缺少功能", "适用标准(平方米)", "标准制定单位", "更新时间"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Township", "Division code", "Kind", "Area (m²)", "Functions", "Opening hours", "Address", "Photos", "Standard", "Short by (m²)", "Functions missing", "Least area (m²)", "Standard set by", "Updated"}
	}
	scope := web.ExportScope(r, under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + name.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 26, 18, 14, 8, 12, 36, 28, 30, 8, 16, 12, 24, 14, 18, 18},
		Kinds:  []xlsx.Kind{xlsx.Integer, 5: xlsx.Integer, 9: xlsx.Integer, 11: xlsx.Integer, 13: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string { return venueFilters(lang, under, l.Q, q.Kind, q.Status) })
	L := newVenueLabels(lang)
	h.SendXLSX(w, r, scope, name, filters, s, func(yield func([]any) bool) {
		for i, row := range list.Rows {
			area, photos, short, updated := any(""), any(""), any(""), ""
			if row.HasVenue {
				area, photos, updated = row.Area, row.Photos, web.LocalTime(row.UpdatedAt, "2006-01-02 15:04")
				if row.ShortBy > 0 {
					short = row.ShortBy
				}
			}
			src := web.Msg(lang, "系统默认", "Built-in default")
			if row.Standard != nil && !row.Standard.Default {
				src = row.Standard.OrgName
			}
			minArea := any("")
			if row.Standard != nil {
				minArea = row.Standard.MinArea
			}
			if !yield([]any{i + 1, row.OrgName, row.ParentName, row.RegionCode, L.Kind[row.Kind], area, fnList(row.Functions, lang), row.Hours, row.Address,
				photos, L.Status[row.Status], short, fnList(row.Missing, lang), minArea, src, updated}) {
				return
			}
		}
	})
}

// venueFilters is the filters line of an export.
func venueFilters(lang string, under org.Org, q, kind, status string) string {
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
	add("类别", "kind", org.LabelOf(programs.VenueKinds, kind, lang))
	if status == "noncompliant" {
		add("达标情况", "standard", web.Msg(lang, "未达标", "below the standard"))
	} else {
		add("达标情况", "standard", org.LabelOf(programs.VenueStatuses, status, lang))
	}
	if len(parts) == 0 {
		return ""
	}
	return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
}

// VenueOpen opens the venue page of the organization picked in ?open=,
// for organizations the compliance list does not show.
func (h *Pages) VenueOpen(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	v := r.URL.Query()
	if !actor.CanAnywhere(programs.ProgramsRead) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有查看阵地建设情况的权限", "you may not read the venues"))
		return
	}
	if err := h.ResolveOrg(ctx, actor, v, "open", web.PickFilter{}); err != nil {
		h.Redirect(w, r, "/venues", "err", web.ErrMessage(err, i18n.FromRequest(r)))
		return
	}
	id, err := strconv.ParseInt(v.Get("open"), 10, 64)
	if err != nil || id <= 0 {
		lang := i18n.FromRequest(r)
		h.Redirect(w, r, "/venues", "err", web.Msg(lang, "请先选择党组织", "choose an organization first"))
		return
	}
	h.Redirect(w, r, venueHref(id), "", "")
}
