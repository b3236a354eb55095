package people

import (
	"fmt"
	"net/http"
	"strconv"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// trainingCockpit is the training's card on the cockpit for the year
// shown: the share of the members required who reached their yearly hours,
// how many are required and reached it, the secretaries' and committee
// members' share, and the share of each child organization (the lowest
// CockpitBars when there are more), each bar leading to that child's
// cockpit. Who is required, and at which post, is read as it is today,
// also for a past year, as on the completion page.
func (h *Pages) trainingCockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	year, this := h.CockpitYear(r), h.Now().Year()
	f, err := h.ppl.TrainingByChild(r.Context(), web.Actor(r), o.ID, year)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	page := "/training/completion?org=" + strconv.FormatInt(o.ID, 10) + "&year=" + strconv.Itoa(year)
	rate := func(percent float64, required int) string {
		if required == 0 {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", percent)
	}
	p := &web.Panel{Title: fmt.Sprintf(h.T(lang, "trn.cockpit_title"), year), Href: page, KPIs: []web.KPI{
		{Value: rate(f.Percent, f.Required), Label: h.T(lang, "trn.kpi_rate"), Href: page,
			Sub: fmt.Sprintf(h.T(lang, "trn.kpi_rate_sub"), web.FormatInt(f.Completed), web.FormatInt(f.Required))},
		{Value: web.FormatInt(f.Required), Label: h.T(lang, "trn.kpi_required"), Sub: h.T(lang, "trn.kpi_required_sub")},
		{Value: web.FormatInt(f.Completed), Label: h.T(lang, "trn.kpi_completed"), Href: page,
			Sub: fmt.Sprintf(h.T(lang, "trn.kpi_behind_sub"), web.FormatInt(f.Required-f.Completed))},
		{Value: rate(f.Cadres.Percent, f.Cadres.Required), Label: h.T(lang, "trn.kpi_cadres"),
			Sub: fmt.Sprintf(h.T(lang, "trn.kpi_cadres_sub"), web.FormatInt(f.Cadres.Completed), web.FormatInt(f.Cadres.Required))},
	}}
	c := web.RateChart{Type: "hbar", Title: h.T(lang, "trn.cockpit_children"), Unit: "%"}
	for _, k := range f.Children {
		if k.Required > 0 {
			c.Items = append(c.Items, web.RateItem{Name: k.Name, Value: k.Percent, Href: web.CockpitHref(k.OrgID, year, this)})
		}
	}
	if len(c.Items) > web.Bars(r) {
		c.Title = fmt.Sprintf(h.T(lang, "trn.cockpit_lowest"), web.Bars(r))
		c.Items = web.TopRates(c.Items, web.Bars(r))
	}
	if len(c.Items) > 0 {
		p.Charts = []web.PanelChart{{ID: "trn-children", Title: c.Title, JSON: web.RateChartJSON(c)}}
	}
	return p, nil
}
