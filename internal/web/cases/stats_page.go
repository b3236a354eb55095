package cases

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// statsRoutes are the statistics page and the export of its table.
func (h *Pages) statsRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/cases/stats", module.Web, h.CaseStats),
		module.R("GET", "/cases/stats/export.xlsx", module.Web, h.CaseStatsExport),
	}
}

// statsRow is a line of the children's table: an organization's figures
// with its rates.
type statsRow struct {
	cases.ChildStats
	Href, ListHref string
}

// statsView is what the statistics page shows.
type statsView struct {
	Org org.Org
	St  cases.Stats
	// Residents and Integrity say which kinds of case the reader may
	// read (one of them at least, on this page): a reader without Integrity
	// sees no word of integrity reports.
	Residents, Integrity  bool
	ListURL, IntegrityURL string
	Closed, Good, Rated   int
	Rows                  []statsRow
	All                   statsRow
	HasChildren           bool
	List                  *web.List
	Months                []cases.MonthStats
	Kinds                 []org.Choice
	Charts                map[string]any
	ExportURL             string
}

// statsOrg is the organization whose statistics a request asks for
// (?org=), or the first of the reader's roots where the reader may read
// cases. The statistics are of the residents' cases for those who read
// them (CasesRead) and of the integrity reports for those who may know of
// them (IntegrityRead): a workstation's officer sees its reports' alone.
func (h *Pages) statsOrg(r *http.Request) (org.Org, error) {
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(cases.CasesRead) && !actor.CanAnywhere(cases.IntegrityRead) {
		return org.Org{}, errs.New(errs.Forbidden, "您没有查看群众诉求或廉洁监督举报的权限", "you may read neither residents' cases nor integrity reports")
	}
	if s := r.URL.Query().Get("org"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return org.Org{}, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
		}
		return h.Orgs.Get(ctx, actor, id)
	}
	roots, err := h.Orgs.Roots(ctx, actor)
	if err != nil {
		return org.Org{}, err
	}
	for _, o := range roots {
		if actor.Can(cases.CasesRead, o.Path) || actor.Can(cases.IntegrityRead, o.Path) {
			return o, nil
		}
	}
	return org.Org{}, errs.New(errs.Forbidden, "您没有查看群众诉求或廉洁监督举报的权限", "you may read neither residents' cases nor integrity reports")
}

// statsLists are the case lists of an organization's subtree that the
// statistics link to: the reader's first list — the residents' cases, or
// the integrity reports for a reader of those alone — and the integrity
// reports ("" for a reader who may not read them).
func statsLists(id int64, residents, integrity bool) (list, integrityList string) {
	sid := strconv.FormatInt(id, 10)
	if integrity {
		integrityList = "/cases?kind=integrity&org=" + sid
	}
	if !residents {
		return integrityList, integrityList
	}
	return "/cases?org=" + sid, integrityList
}

// statsGood counts the ratings 满意 and 基本满意, and all the ratings
// given.
func statsGood(st cases.Stats) (good, rated int) {
	good = st.Ratings[cases.Satisfied] + st.Ratings[cases.Fair]
	return good, good + st.Ratings[cases.Unsatisfied]
}

// rate is a/b for sorting, -1 when b is 0 (no figure sorts below 0%).
func rate(a, b int) float64 {
	if b == 0 {
		return -1
	}
	return float64(a) / float64(b)
}

// statsSorts are the sort keys of the children's table.
var statsSorts = map[string]func(a, b cases.ChildStats) int{
	"name":    func(a, b cases.ChildStats) int { return strings.Compare(a.Name, b.Name) },
	"total":   func(a, b cases.ChildStats) int { return cmp.Compare(a.Total, b.Total) },
	"open":    func(a, b cases.ChildStats) int { return cmp.Compare(a.Open, b.Open) },
	"overdue": func(a, b cases.ChildStats) int { return cmp.Compare(a.Overdue, b.Overdue) },
	"accept": func(a, b cases.ChildStats) int {
		return cmp.Compare(rate(a.AcceptedOnTime, a.Accepted), rate(b.AcceptedOnTime, b.Accepted))
	},
	"answer": func(a, b cases.ChildStats) int {
		return cmp.Compare(rate(a.AnsweredOnTime, a.Answered), rate(b.AnsweredOnTime, b.Answered))
	},
	"satisfy": func(a, b cases.ChildStats) int {
		return cmp.Compare(rate(a.Satisfied, a.Rated), rate(b.Satisfied, b.Rated))
	},
	"reopened":  func(a, b cases.ChildStats) int { return cmp.Compare(a.Reopened, b.Reopened) },
	"escalated": func(a, b cases.ChildStats) int { return cmp.Compare(a.Escalated, b.Escalated) },
}

// sortChildren orders the children by the key of ?sort= ("-key" for
// descending), the most cases first by default; ties keep the domain's
// order.
func sortChildren(kids []cases.ChildStats, sort string) string {
	key := strings.TrimPrefix(sort, "-")
	f, ok := statsSorts[key]
	if !ok {
		sort, key, f = "-total", "total", statsSorts["total"]
	}
	desc := strings.HasPrefix(sort, "-")
	slices.SortStableFunc(kids, func(a, b cases.ChildStats) int {
		if desc {
			return f(b, a)
		}
		return f(a, b)
	})
	return sort
}

// statsChildren reads and sorts the children's figures, with the line of
// the whole subtree.
func (h *Pages) statsChildren(r *http.Request, o org.Org, st cases.Stats, sort string) ([]cases.ChildStats, cases.ChildStats, string, error) {
	kids, err := h.cs.ChildrenStats(r.Context(), web.Actor(r), o.ID)
	if err != nil {
		return nil, cases.ChildStats{}, "", err
	}
	sort = sortChildren(kids, sort)
	good, rated := statsGood(st)
	all := cases.ChildStats{OrgID: o.ID, Name: o.Label(), Total: st.Total, Open: st.Open, Overdue: st.Overdue, Escalated: st.Escalated,
		Accepted: st.Accepted, AcceptedOnTime: st.AcceptedOnTime, Answered: st.Answered, AnsweredOnTime: st.AnsweredOnTime,
		Reopened: st.Reopened, Rated: rated, Satisfied: good}
	return kids, all, sort, nil
}

// CaseStats shows the statistics of the cases of an organization's subtree
// (?org=, the reader's first root otherwise): key figures, charts that
// link to the cases they count, the trend of the last twelve months, the
// places, and a sortable table of the organizations below, each linking to
// its own statistics and its cases.
func (h *Pages) CaseStats(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "case_stats", h.T(lang, "cstat.title"))
	o, err := h.statsOrg(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &statsView{Org: o, Residents: actor.CanAnywhere(cases.CasesRead), Integrity: actor.CanAnywhere(cases.IntegrityRead), Charts: map[string]any{}}
	v.ListURL, v.IntegrityURL = statsLists(o.ID, v.Residents, v.Integrity)
	if v.St, err = h.cs.SubtreeStats(ctx, actor, o.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	st := v.St
	v.Good, v.Rated = statsGood(st)
	for _, n := range st.ByOutcome {
		v.Closed += n
	}
	l := web.ListFrom(r, "")
	kids, all, sort, err := h.statsChildren(r, o, st, l.Sort)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Sort, l.Total = sort, len(kids)
	v.List, v.HasChildren = l, len(kids) > 0
	for _, k := range kids {
		lists, _ := statsLists(k.OrgID, v.Residents, v.Integrity)
		v.Rows = append(v.Rows, statsRow{ChildStats: k, Href: "/cases/stats?org=" + strconv.FormatInt(k.OrgID, 10), ListHref: lists})
	}
	v.All = statsRow{ChildStats: all, ListHref: v.ListURL}
	v.ExportURL = "/cases/stats/export.xlsx?org=" + strconv.FormatInt(o.ID, 10) + "&sort=" + url.QueryEscape(sort)
	if v.Months, err = h.cs.MonthlyStats(ctx, actor, o.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	places, err := h.cs.PlacesStats(ctx, actor, o.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, k := range cases.Kinds {
		if k.Key == cases.KindIntegrity && !v.Integrity || k.Key != cases.KindIntegrity && !v.Residents {
			continue
		}
		v.Kinds = append(v.Kinds, k)
	}
	unit := h.T(lang, "cstat.unit")
	sid := strconv.FormatInt(o.ID, 10)
	// By kind, each slice linking to its list.
	kind := web.Chart{Type: "pie", Title: h.T(lang, "cstat.by_kind"), Unit: unit, Items: []web.ChartItem{}}
	for _, k := range v.Kinds {
		if n := st.ByKind[k.Key]; n > 0 {
			href := "/cases?org=" + sid + "&kind=" + k.Key
			if k.Key == cases.KindIntegrity {
				href = v.IntegrityURL
			}
			kind.Items = append(kind.Items, web.ChartItem{Name: k.In(lang), Value: n, Href: href})
		}
	}
	v.Charts["kind"] = web.ChartJSON(kind)
	// By state: the counts of the lists themselves, so that each bar
	// holds what the list it links to shows.
	stateChart := func(key, title string, integrity bool) error {
		counts, err := h.cs.Counts(ctx, actor, cases.ListQuery{OrgID: o.ID, Integrity: integrity})
		if err != nil {
			return err
		}
		c := web.Chart{Type: "bar", Title: title, Unit: unit, Items: []web.ChartItem{}}
		base := "/cases?org=" + sid
		if integrity {
			base = v.IntegrityURL
		}
		for _, s := range cases.States {
			c.Items = append(c.Items, web.ChartItem{Name: s.In(lang), Value: counts[s.Key], Href: base + "&state=" + s.Key})
		}
		v.Charts[key] = web.ChartJSON(c)
		return nil
	}
	if v.Residents {
		if err := stateChart("state", h.T(lang, "cstat.by_state"), false); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	if v.Integrity {
		if err := stateChart("state_int", h.T(lang, "cstat.by_state_int"), true); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	outcome := web.Chart{Type: "bar", Title: h.T(lang, "cstat.by_outcome"), Unit: unit, Items: []web.ChartItem{}}
	for _, c := range cases.Outcomes {
		if n := st.ByOutcome[c.Key]; n > 0 {
			outcome.Items = append(outcome.Items, web.ChartItem{Name: c.In(lang), Value: n})
		}
	}
	v.Charts["outcome"] = web.ChartJSON(outcome)
	rating := web.Chart{Type: "pie", Title: h.T(lang, "cstat.by_rating"), Unit: h.T(lang, "cstat.rating_unit"), Items: []web.ChartItem{}}
	for _, c := range cases.Ratings {
		if n := st.Ratings[c.Key]; n > 0 {
			rating.Items = append(rating.Items, web.ChartItem{Name: c.In(lang), Value: n})
		}
	}
	v.Charts["rating"] = web.ChartJSON(rating)
	v.Charts["received"] = web.ChartJSON(h.monthChart(lang, v.Months, false))
	v.Charts["closed"] = web.ChartJSON(h.monthChart(lang, v.Months, true))
	pl := web.Chart{Type: "hbar", Title: h.T(lang, "cstat.by_place"), Unit: unit, Items: []web.ChartItem{}}
	for _, c := range places {
		name := c.Name
		if c.Code == "" {
			name = h.T(lang, "cstat.place_other")
		}
		pl.Items = append(pl.Items, web.ChartItem{Name: name, Value: c.Total})
	}
	v.Charts["places"] = web.ChartJSON(pl)
	// The children with the most cases, each bar opening its statistics.
	ch := web.Chart{Type: "hbar", Title: h.T(lang, "cstat.by_child"), Unit: unit, Items: []web.ChartItem{}}
	byTotal := slices.Clone(kids)
	sortChildren(byTotal, "-total")
	for i, k := range byTotal {
		if i == 20 || k.Total == 0 {
			break
		}
		ch.Items = append(ch.Items, web.ChartItem{Name: k.Name, Value: k.Total, Href: "/cases/stats?org=" + strconv.FormatInt(k.OrgID, 10)})
	}
	v.Charts["children"] = web.ChartJSON(ch)

	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.cases"), Href: "/cases"}}
	if bc, err := h.Orgs.Breadcrumb(ctx, actor, o); err == nil {
		for _, b := range bc {
			p.Crumbs = append(p.Crumbs, web.Crumb{Label: b.Label(), Href: "/cases/stats?org=" + strconv.FormatInt(b.ID, 10)})
		}
	}
	p.Crumbs[len(p.Crumbs)-1].Href = ""
	p.ScopeName = o.Label()
	p.Form = r.URL.Query()
	if p.Form.Get("org") == "" {
		p.Form.Set("org", sid)
	}
	p.Picker("org", web.PickFilter{})
	p.Charts = true
	p.Data = v
	h.render(w, r, http.StatusOK, "cases_stats", "layout", p)
}

// monthChart is the chart of the cases received (or closed) in each of
// the months.
func (h *Pages) monthChart(lang string, ms []cases.MonthStats, closed bool) web.Chart {
	title := h.T(lang, "cstat.received")
	if closed {
		title = h.T(lang, "cstat.closed")
	}
	c := web.Chart{Type: "bar", Title: title, Unit: h.T(lang, "cstat.unit"), Items: []web.ChartItem{}}
	for _, m := range ms {
		n := m.Received
		if closed {
			n = m.Closed
		}
		c.Items = append(c.Items, web.ChartItem{Name: m.Month, Value: n})
	}
	return c
}

// CaseStatsExport exports the table of the statistics page: each child
// organization's figures, in the page's order, and the whole subtree's.
func (h *Pages) CaseStatsExport(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	lang := i18n.FromRequest(r)
	o, err := h.statsOrg(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	st, err := h.cs.SubtreeStats(r.Context(), actor, o.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	kids, all, _, err := h.statsChildren(r, o, st, r.URL.Query().Get("sort"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list := i18n.Text{ZH: statsMessages["cstat.export_list"].ZH, EN: statsMessages["cstat.export_list"].EN}
	header := []string{"序号", "组织", "案件数", "办理中", "超期", "按时受理", "受理", "按时受理率", "按时答复", "答复", "按时答复率", "满意和基本满意", "评价", "满意率", "重办", "督办"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Cases", "Open", "Overdue", "Accepted on time", "Accepted", "Accepted on time (%)", "Answered on time", "Answered",
			"Answered on time (%)", "Satisfied or fairly", "Ratings", "Satisfaction", "Reopened", "Escalated"}
	}
	I, P := xlsx.Integer, xlsx.Percent1
	scope := o.Label()
	s := xlsx.Sheet{Title: scope + " " + list.In(lang), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 28, 8, 8, 8, 10, 8, 12, 10, 8, 12, 14, 8, 10, 8, 8}, Kinds: []xlsx.Kind{I, 0, I, I, I, I, I, P, I, I, P, I, I, P, I, I}}
	share := func(a, b int) any {
		if b == 0 {
			return "—"
		}
		return float64(a) / float64(b)
	}
	row := func(seq any, c cases.ChildStats) []any {
		return []any{seq, c.Name, c.Total, c.Open, c.Overdue, c.AcceptedOnTime, c.Accepted, share(c.AcceptedOnTime, c.Accepted),
			c.AnsweredOnTime, c.Answered, share(c.AnsweredOnTime, c.Answered), c.Satisfied, c.Rated, share(c.Satisfied, c.Rated), c.Reopened, c.Escalated}
	}
	filters := web.Bilingual(func(lang string) string {
		return web.Msg(lang, "范围：", "Scope: ") + scope + web.Msg(lang, "（本级及全部下级）", " (and every organization below)")
	})
	h.SendExport(w, r, web.ExportFile{Scope: scope, List: list, Filters: filters, Sheet: s, Total: len(kids) + 1,
		Rows: func(yield func([]any) bool) error {
			for i, k := range kids {
				if !yield(row(i+1, k)) {
					return nil
				}
			}
			all.Name = h.T(lang, "cstat.all_row") + "　" + all.Name
			yield(row("", all))
			return nil
		}})
}

// statsOf writes "a / b" in the page's language.
func (h *Pages) statsOf(lang string, a, b int) string {
	return fmt.Sprintf(h.T(lang, "cstat.of"), web.FormatInt(a), web.FormatInt(b))
}
