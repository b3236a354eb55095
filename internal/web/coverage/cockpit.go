package coverage

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/coverage"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// cockpit is the module's card on the cockpit: the units of the subtree,
// the organizational and work coverage with their counts, the units with
// neither and the standing against the year's goals, with the
// organizational coverage of each child, the trend of twelve months and
// the goals as charts. This year's figures are today's; a past year's are
// those recorded at the end of its last month, and the card says which.
// Readers without unit.read on the organization get no card.
func (h *Pages) cockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	year, this := h.CockpitYear(r), h.Now().Year()
	st, err := h.cov.Standing(r.Context(), web.Actor(r), o.ID, year)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	live := st.Month == "" && !st.NoRecord
	var when string
	switch {
	case live:
		when = fmt.Sprintf(h.T(lang, "cov.ck_today"), h.Now().In(org.Shanghai).Format("2006-01-02"))
	case st.NoRecord:
		when = fmt.Sprintf(h.T(lang, "cov.ck_no_record"), year)
	default:
		when = fmt.Sprintf(h.T(lang, "cov.ck_month_end"), st.Month)
	}
	rate := func(f float64) string {
		if st.Units == 0 {
			return "—"
		}
		return formatRate(f)
	}
	of := func(n int) string { return web.FormatInt(n) + " / " + web.FormatInt(st.Units) }
	count := web.FormatInt
	if st.NoRecord {
		// A year without a record is not a year without units.
		count = func(int) string { return "—" }
		of = func(int) string { return "" }
	}
	units := web.KPI{Value: count(st.Units), Label: h.T(lang, "cov.ck_units"), Sub: when}
	none := web.KPI{Value: count(st.Units - st.WorkCovered), Label: h.T(lang, "cov.ck_none"), Sub: when}
	if live {
		// Today's figures list the units they count; a past year's are
		// month-end totals with no list behind them.
		units.Href = unitsHref(o.ID)
		none.Href = unitsHref(o.ID, "coverage", coverage.None)
	}
	p := &web.Panel{Title: h.T(lang, "cov.cockpit"), Href: "/coverage?org=" + strconv.FormatInt(o.ID, 10), KPIs: []web.KPI{
		units,
		{Value: rate(st.OrgRate), Label: h.T(lang, "cov.org_rate"), Sub: of(st.OrgCovered)},
		{Value: rate(st.WorkRate), Label: h.T(lang, "cov.work_rate"), Sub: of(st.WorkCovered)},
		none,
	}}
	var goals web.RateChart
	if g := st.Goals; g != nil {
		var behind []string
		goals = web.RateChart{Type: "hbar", Title: h.T(lang, "cov.ck_goal_chart"), Unit: "%"}
		for _, gi := range g.Indicators {
			name := h.shortIndicator(gi.Key, lang)
			if gi.Value == nil {
				continue
			}
			// The bar's name is the goal as it is written, 组织覆盖率≥75%, in
			// the short names: an axis cuts long names short, on a phone
			// at seven characters.
			goals.Items = append(goals.Items, web.RateItem{Name: name + "≥" + formatTarget(gi.Target), Value: web.Round1(*gi.Value)})
			if gi.Behind {
				behind = append(behind, fmt.Sprintf(h.T(lang, "cov.ck_target"), name+" "+formatRate(*gi.Value), formatTarget(gi.Target)))
			}
		}
		sub := []string{g.Name}
		if len(behind) > 0 {
			sub = append(sub, h.T(lang, "cov.ck_behind")+strings.Join(behind, web.Msg(lang, "、", ", ")))
		}
		if n := len(g.Indicators) - g.Assessed; n > 0 && live {
			sub = append(sub, fmt.Sprintf(h.T(lang, "cov.ck_goals_units"), n))
		} else if n > 0 {
			sub = append(sub, fmt.Sprintf(h.T(lang, "cov.ck_goals_past"), n))
		}
		p.KPIs = append(p.KPIs, web.KPI{Value: web.FormatInt(g.Met) + " / " + web.FormatInt(g.Assessed), Label: h.T(lang, "cov.ck_goals"),
			Sub: strings.Join(sub, web.Msg(lang, "；", "; ")), Href: "/coverage/goals/" + strconv.FormatInt(g.SetID, 10)})
	}
	if st.Units > 0 {
		// One bar per child that has units, the lowest rates kept when
		// there are more than the chart can name: those need attention.
		byChild := web.RateChart{Type: "hbar", Title: h.T(lang, "cov.org_rate") + " · " + h.T(lang, "cov.ck_by_child"), Unit: "%"}
		for _, c := range st.Children {
			if c.Units > 0 {
				byChild.Items = append(byChild.Items, web.RateItem{Name: c.Name, Value: web.Round1(c.OrgRate), Href: web.CockpitHref(c.OrgID, year, this)})
			}
		}
		byChild.Items = web.TopRates(byChild.Items, web.Bars(r))
		if len(byChild.Items) > 0 {
			p.Charts = append(p.Charts, web.PanelChart{ID: "cov-child", Title: byChild.Title, JSON: web.RateChartJSON(byChild)})
		}
	}
	if len(st.Trend) > 0 {
		trend := web.RateChart{Type: "bar", Title: h.T(lang, "cov.org_rate") + " · " + h.T(lang, "cov.ck_trend"), Unit: "%"}
		for _, m := range st.Trend {
			trend.Items = append(trend.Items, web.RateItem{Name: m.Month, Value: m.OrgRate})
		}
		p.Charts = append(p.Charts, web.PanelChart{ID: "cov-trend", Title: trend.Title, JSON: web.RateChartJSON(trend)})
	}
	if len(goals.Items) > 0 {
		p.Charts = append(p.Charts, web.PanelChart{ID: "cov-goals", Title: goals.Title, JSON: web.RateChartJSON(goals)})
	}
	return p, nil
}

// shortIndicator is the short name of a goal indicator, for a chart's
// axis and a key figure's line; the menu's full name when it has none.
func (h *Pages) shortIndicator(key, lang string) string {
	if t, ok := Messages["cov.ck_ind_"+key]; ok {
		return t.In(lang)
	}
	return covLabel("indicator", key, lang)
}
