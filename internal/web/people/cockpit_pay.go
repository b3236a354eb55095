package people

import (
	"fmt"
	"net/http"
	"strconv"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// payCockpit is the village and community cadres' pay card on the
// cockpit for the year shown: the share of the cadres counted (those with
// pay recorded and those who held a post without one) paid at or above the
// floor, how many are, how many below and by how much, how many have no
// record, and the share of each child organization (the lowest
// CockpitBars when there are more), each bar leading to that child's
// cockpit. An organization outside the villages' tree (a workplace's
// branch) without any cadre shows no card.
func (h *Pages) payCockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	year, this := h.CockpitYear(r), h.Now().Year()
	f, err := h.ppl.PayByChild(r.Context(), web.Actor(r), o.ID, year)
	if err != nil {
		return nil, err
	}
	if f.Counted == 0 && !o.Territorial {
		return nil, nil
	}
	lang := i18n.FromRequest(r)
	page := "/people/pay?org=" + strconv.FormatInt(o.ID, 10) + "&year=" + strconv.Itoa(year)
	rate := "—"
	if f.Counted > 0 {
		rate = fmt.Sprintf("%.1f%%", f.Percent)
	}
	p := &web.Panel{Title: fmt.Sprintf(h.T(lang, "ppl.pay_cockpit_title"), year), Href: page, KPIs: []web.KPI{
		{Value: rate, Label: h.T(lang, "ppl.pay_kpi_rate"), Href: page,
			Sub: fmt.Sprintf(h.T(lang, "ppl.pay_kpi_rate_sub"), web.FormatInt(f.OK), web.FormatInt(f.Counted))},
		{Value: web.FormatInt(f.Counted), Label: h.T(lang, "ppl.pay_kpi_counted"), Sub: fmt.Sprintf(h.T(lang, "ppl.pay_kpi_counted_sub"), web.FormatInt(f.Cadres))},
		{Value: web.FormatInt(f.OK), Label: h.T(lang, "ppl.pay_kpi_ok"), Href: page + "&status=ok"},
		{Value: web.FormatInt(f.Below), Label: h.T(lang, "ppl.pay_kpi_below"), Href: page + "&status=below",
			Sub: fmt.Sprintf(h.T(lang, "ppl.pay_kpi_below_sub"), web.FormatInt(f.Shortfall))},
		{Value: web.FormatInt(f.NoRecord), Label: h.T(lang, "ppl.pay_kpi_no_record"), Sub: h.T(lang, "ppl.pay_kpi_no_record_sub")},
	}}
	// Pay that cannot be judged for want of the county's income is rare:
	// it is named only when there is some.
	if f.NoReference > 0 {
		p.KPIs = append(p.KPIs, web.KPI{Value: web.FormatInt(f.NoReference), Label: h.T(lang, "ppl.pay_kpi_no_reference"), Href: page + "&status=no_reference",
			Sub: h.T(lang, "ppl.pay_kpi_no_reference_sub")})
	}
	c := web.RateChart{Type: "hbar", Title: h.T(lang, "ppl.pay_cockpit_children"), Unit: "%"}
	for _, k := range f.Children {
		if k.Counted > 0 {
			c.Items = append(c.Items, web.RateItem{Name: k.Name, Value: k.Percent, Href: web.CockpitHref(k.OrgID, year, this)})
		}
	}
	if len(c.Items) > web.Bars(r) {
		c.Title = fmt.Sprintf(h.T(lang, "ppl.pay_cockpit_lowest"), web.Bars(r))
		c.Items = web.TopRates(c.Items, web.Bars(r))
	}
	if len(c.Items) > 0 {
		p.Charts = []web.PanelChart{{ID: "pay-children", Title: c.Title, JSON: web.RateChartJSON(c)}}
	}
	return p, nil
}
