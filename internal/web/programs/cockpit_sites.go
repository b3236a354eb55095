package programs

import (
	"fmt"
	"net/http"
	"strconv"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// siteCockpit is the demonstration sites' card on the cockpit: the sites of
// the subtree in force in the year shown, those on their way, nominated
// and revoked in it, the organizations they lead, a chart of the sites in
// force over the last years (the spread) and one of the sites in force
// under each child organization.
func (h *Pages) siteCockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	year, this := h.CockpitYear(r), h.Now().Year()
	st, err := h.pg.SiteStatsOf(r.Context(), web.Actor(r), o.ID, year)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	id := strconv.FormatInt(o.ID, 10)
	list := "/sites?org=" + id
	spread := fmt.Sprintf("/sites/spread?org=%s&from=%d&to=%d", id, st.ByYear[0].Year, year)
	// A figure links to the list only where the list counts the same: the
	// sites in force in a past year, or revoked within one year, are the
	// spread's to show, not the list's (which lists today's states).
	designated := list + "&state=designated"
	if year != this {
		designated = spread + "&year=" + strconv.Itoa(year) + "#tree"
	}
	p := &web.Panel{Title: fmt.Sprintf(h.T(lang, "pgck.title_year"), h.T(lang, "pgck.site_title"), year), Href: list, KPIs: []web.KPI{
		{Value: web.FormatInt(st.Designated), Label: h.T(lang, "pgck.site_designated"), Href: designated,
			Sub: fmt.Sprintf(h.T(lang, "pgck.site_designated_sub"), year, web.FormatInt(st.DesignatedInYear))},
		{Value: web.FormatInt(st.Cultivating), Label: h.T(lang, "pgck.site_cultivating"), Href: spread + "&year=" + strconv.Itoa(year) + "#tree",
			Sub: h.T(lang, "pgck.site_cultivating_sub")},
		{Value: web.FormatInt(st.Nominated), Label: fmt.Sprintf(h.T(lang, "pgck.site_nominated"), year), Href: list + "&year=" + strconv.Itoa(year)},
		{Value: web.FormatInt(st.Revoked), Label: fmt.Sprintf(h.T(lang, "pgck.site_revoked"), year),
			Sub: fmt.Sprintf(h.T(lang, "pgck.site_revoked_sub"), web.FormatInt(st.RevokedAll))},
		{Value: web.FormatInt(st.Led), Label: h.T(lang, "pgck.site_led"), Href: spread, Sub: h.T(lang, "pgck.site_led_sub")},
	}}
	some := st.RevokedAll+st.Cultivating+st.Nominated > 0
	for _, y := range st.ByYear {
		some = some || y.Designated > 0
	}
	if !some {
		return p, nil
	}
	unit := web.Msg(lang, "个", "sites")
	years := web.Chart{Type: "bar", Title: h.T(lang, "pgck.site_by_year"), Unit: unit}
	for _, y := range st.ByYear {
		years.Items = append(years.Items, web.ChartItem{Name: fmt.Sprintf(h.T(lang, "site.year_of"), y.Year), Value: y.Designated,
			Href: spread + "&year=" + strconv.Itoa(y.Year) + "#tree"})
	}
	p.Charts = []web.PanelChart{{ID: "site-years", Title: years.Title, JSON: web.ChartJSON(years)}}
	by := web.Chart{Type: "hbar", Title: h.T(lang, "pgck.site_by_child"), Unit: unit}
	for _, c := range st.Children {
		by.Items = append(by.Items, web.ChartItem{Name: c.Name, Value: c.Designated, Href: web.CockpitHref(c.OrgID, year, this)})
	}
	if len(by.Items) > 0 {
		by.Items = web.TopCounts(by.Items, web.Bars(r))
		p.Charts = append(p.Charts, web.PanelChart{ID: "site-children", Title: by.Title, JSON: web.ChartJSON(by)})
	}
	return p, nil
}
