package cases

import (
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// cockpit is the channel's card on the cockpit: the cases of the subtree
// received this year, open and overdue, the share answered on time and
// the reporters' satisfaction, with the cases received and closed month
// by month; each figure links to the cases it counts, the title to the
// statistics page. Like the page, it is for readers of the residents'
// cases, with the integrity reports counted only for those who may know of
// them.
func (h *Pages) cockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	ctx, actor := r.Context(), web.Actor(r)
	residents, integrity := actor.CanAnywhere(cases.CasesRead), actor.CanAnywhere(cases.IntegrityRead)
	if !residents && !integrity {
		return nil, errs.New(errs.Forbidden, "您没有查看群众诉求的权限", "you may not read residents' cases")
	}
	st, err := h.cs.SubtreeStats(ctx, actor, o.ID)
	if err != nil {
		return nil, err
	}
	months, err := h.cs.MonthlyStats(ctx, actor, o.ID)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	year := strconv.Itoa(h.Now().In(beijing).Year()) + "-"
	thisYear := 0
	for _, m := range months {
		if strings.HasPrefix(m.Month, year) {
			thisYear += m.Received
		}
	}
	// Each count links to the list that counts the same: the residents'
	// cases, or the integrity reports for a reader of those alone. The
	// residents' list leaves the reports out, so for a reader of both with
	// reports in the subtree no list does; the title leads to the
	// statistics page, which shows both.
	list, overdue := "", ""
	switch {
	case !residents:
		list = "/cases?kind=" + cases.KindIntegrity + "&org=" + strconv.FormatInt(o.ID, 10)
	case st.ByKind[cases.KindIntegrity] == 0:
		list = "/cases?org=" + strconv.FormatInt(o.ID, 10)
	}
	if list != "" {
		overdue = list + "&overdue=1"
	}
	good, rated := statsGood(st)
	closed := 0
	for _, n := range st.ByOutcome {
		closed += n
	}
	p := &web.Panel{Title: h.T(lang, "cstat.cockpit"), Href: "/cases/stats?org=" + strconv.FormatInt(o.ID, 10),
		KPIs: []web.KPI{
			{Value: web.FormatInt(thisYear), Label: h.T(lang, "cstat.kpi_year"), Href: list},
			{Value: web.FormatInt(st.Open), Label: h.T(lang, "cstat.kpi_open"), Href: list, Sub: web.Msg(lang, "办结及不予受理 ", "closed or refused ") + web.FormatInt(closed)},
			{Value: web.FormatInt(st.Overdue), Label: h.T(lang, "cstat.kpi_overdue"), Href: overdue, Sub: web.Msg(lang, "已督办 ", "escalated ") + web.FormatInt(st.Escalated)},
			{Value: statsPct(st.AnsweredOnTime, st.Answered), Label: h.T(lang, "cstat.kpi_answer"), Sub: h.statsOf(lang, st.AnsweredOnTime, st.Answered)},
			{Value: statsPct(good, rated), Label: h.T(lang, "cstat.kpi_satisfy"), Sub: h.statsOf(lang, good, rated)},
		}}
	if st.Total > 0 {
		p.Charts = []web.PanelChart{{ID: "cases-received", Title: h.T(lang, "cstat.received"), JSON: web.ChartJSON(h.monthChart(lang, months, false))},
			{ID: "cases-closed", Title: h.T(lang, "cstat.closed"), JSON: web.ChartJSON(h.monthChart(lang, months, true))}}
		children, err := h.cs.ChildrenStats(ctx, actor, o.ID)
		if err != nil {
			return nil, err
		}
		// The drill-down compares the rate of answers on time, the
		// figure a county is judged by; each bar's child shows the rest.
		by := web.RateChart{Type: "hbar", Title: h.T(lang, "cstat.by_child_on_time"), Unit: "%"}
		year := h.CockpitYear(r)
		for _, c := range children {
			if c.Answered > 0 {
				by.Items = append(by.Items, web.RateItem{Name: c.Name, Value: web.Round1(float64(c.AnsweredOnTime) * 100 / float64(c.Answered)),
					Href: web.CockpitHref(c.OrgID, year, h.Now().Year())})
			}
		}
		if len(by.Items) > 0 {
			by.Items = web.TopRates(by.Items, web.Bars(r))
			p.Charts = append(p.Charts, web.PanelChart{ID: "cases-children", Title: by.Title, JSON: web.RateChartJSON(by)})
		}
	}
	if y := h.CockpitYear(r); y != h.Now().Year() {
		// The channel's figures are kept as of today, not by year.
		p.Title += web.Msg(lang, "（截至今日，不分年度）", " (as of today, every year)")
	}
	return p, nil
}

// statsPct is a/b as a rate with one decimal, "—" when b is 0.
func statsPct(a, b int) string {
	if b == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(a)*100/float64(b), 'f', 1, 64) + "%"
}
