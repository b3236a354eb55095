package coverage

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/coverage"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// covGap is one rule of the gap summary with its number of units.
type covGap struct {
	Rule  string
	Count int
	Href  string
}

// covSlice is one row of the coverage by category or size class.
type covSlice struct {
	Set, Key string
	Counts   coverage.Counts
	Href     string
}

// covDashboard is what the coverage dashboard shows.
type covDashboard struct {
	Org        org.Org
	Roots      []org.Org
	Total      coverage.Counts
	NeedAction int
	Gaps       []covGap
	Children   []coverage.ChildCounts // the children that lead units
	Quiet      int                    // children that lead none
	Direct     coverage.Counts        // units affiliated to the organization itself, not to a child
	Slices     []covSlice
	Trend      []coverage.MonthRate
	Flags      []coverage.JointFlag
	CanManage  bool
	CanGoals   bool

	ChildOrg, ChildWork, ByStatus, ByCategory, BySize, TrendChart template.JS
}

// unitsHref links to the unit list of the scope with extra filters.
func unitsHref(orgID int64, kv ...string) string {
	v := url.Values{}
	v.Set("org", strconv.FormatInt(orgID, 10))
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "/coverage/units?" + v.Encode()
}

// CoverageDashboard is the 两新 coverage dashboard of the actor's scope, or of
// ?org=ID to drill down: rates with their counts, by child organization,
// status, category and size, the monthly trend, the gaps by rule and the
// joint branches that need a second look.
func (h *Pages) CoverageDashboard(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "coverage", h.T(lang, "cov.title"))
	o, roots, err := h.covScope(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	rates, err := h.cov.Rates(ctx, actor, o.ID, false)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &covDashboard{Org: o, Roots: roots, Total: rates.Total,
		CanManage: actor.Can(coverage.UnitManage, o.Path) && o.Active(), CanGoals: actor.CanAnywhere(coverage.GoalManage)}
	p.Title = h.T(lang, "cov.title") + " · " + o.Label()
	h.covCrumbs(r, p, o)

	// Gaps: one count per rule, and all of them together.
	_, v.NeedAction, err = h.cov.List(ctx, actor, coverage.ListQuery{Under: o.ID, Rule: "any", Limit: 1})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	for _, rule := range coverage.Rules {
		_, n, err := h.cov.List(ctx, actor, coverage.ListQuery{Under: o.ID, Rule: rule.Key, Limit: 1})
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		v.Gaps = append(v.Gaps, covGap{Rule: rule.Key, Count: n, Href: unitsHref(o.ID, "rule", rule.Key)})
	}

	// The children's subtrees, and what is left for the organization itself.
	v.Direct = v.Total
	unit := h.T(lang, "cov.unit_units")
	childOrg := web.RateChart{Type: "hbar", Title: h.T(lang, "cov.org_rate") + " · " + h.T(lang, "cov.by_child"), Unit: "%"}
	childWork := web.RateChart{Type: "hbar", Title: h.T(lang, "cov.work_rate") + " · " + h.T(lang, "cov.by_child"), Unit: "%"}
	for _, c := range rates.Children {
		if c.Counts.Units == 0 {
			v.Quiet++
			continue
		}
		v.Children = append(v.Children, c)
		v.Direct.Units -= c.Counts.Units
		v.Direct.Own -= c.Counts.Own
		v.Direct.Joint -= c.Counts.Joint
		v.Direct.Instructor -= c.Counts.Instructor
		v.Direct.None -= c.Counts.None
		href := "/coverage?org=" + strconv.FormatInt(c.Org.ID, 10)
		childOrg.Items = append(childOrg.Items, web.RateItem{Name: c.Org.Label(), Value: web.Round1(c.Counts.OrgRate()), Href: href})
		childWork.Items = append(childWork.Items, web.RateItem{Name: c.Org.Label(), Value: web.Round1(c.Counts.WorkRate()), Href: href})
	}
	v.ChildOrg, v.ChildWork = web.RateChartJSON(childOrg), web.RateChartJSON(childWork)

	status := web.Chart{Type: "pie", Title: h.T(lang, "cov.by_status"), Unit: unit}
	for _, s := range coverage.Statuses {
		n := map[string]int{coverage.Own: v.Total.Own, coverage.Joint: v.Total.Joint, coverage.Instructor: v.Total.Instructor, coverage.None: v.Total.None}[s.Key]
		if n > 0 {
			status.Items = append(status.Items, web.ChartItem{Name: org.LabelOf(coverage.Statuses, s.Key, lang), Value: n, Href: unitsHref(o.ID, "coverage", s.Key)})
		}
	}
	if status.Items == nil {
		status.Items = []web.ChartItem{}
	}
	v.ByStatus = web.ChartJSON(status)

	slices := func(set, param string, cs []org.Choice, m map[string]coverage.Counts, title string) template.JS {
		c := web.RateChart{Type: "hbar", Title: h.T(lang, "cov.org_rate") + " · " + title, Unit: "%"}
		for _, k := range cs {
			n, ok := m[k.Key]
			if !ok || n.Units == 0 {
				continue
			}
			href := unitsHref(o.ID, param, k.Key)
			v.Slices = append(v.Slices, covSlice{Set: set, Key: k.Key, Counts: n, Href: href})
			name, _, _ := strings.Cut(org.LabelOf(cs, k.Key, lang), "（") // 民办非企业单位（社会服务机构） is too long for an axis
			c.Items = append(c.Items, web.RateItem{Name: name, Value: web.Round1(n.OrgRate()), Href: href})
		}
		return web.RateChartJSON(c)
	}
	v.ByCategory = slices("category", "category", coverage.Categories, rates.ByCategory, h.T(lang, "cov.by_category"))
	v.BySize = slices("size", "size", coverage.SizeClasses, rates.BySize, h.T(lang, "cov.by_size"))

	if v.Trend, err = h.cov.Trend(ctx, actor, o.ID, 12); err != nil {
		h.Fail(w, r, err)
		return
	}
	trend := web.RateChart{Type: "bar", Title: h.T(lang, "cov.org_rate") + " · " + h.T(lang, "cov.trend"), Unit: "%"}
	for _, m := range v.Trend {
		trend.Items = append(trend.Items, web.RateItem{Name: m.Month, Value: m.OrgRate})
	}
	v.TrendChart = web.RateChartJSON(trend)

	if v.Flags, err = h.cov.JointFlags(ctx, actor, o.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	for i := range v.Flags {
		v.Flags[i] = v.Flags[i].In(lang)
	}
	p.Charts = true
	p.Data = v
	h.render(w, r, http.StatusOK, "coverage_dashboard", "layout", p)
}
