package programs

import (
	"fmt"
	"net/http"
	"strconv"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// rectCockpit is the rectification's card on the cockpit: the weak
// organizations of the subtree under rectification, past their deadline or
// behind with their reports, accepted and struck off, and a chart of the
// ledger by state, each figure and bar leading to the cases it counts.
func (h *Pages) rectCockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	// This year's card is the ledger as it stands, every year's cases (a
	// case listed last year and still under way is this year's work, as in
	// the statistics API); a past year's is the ledger of the cases listed
	// that year.
	year, this := h.CockpitYear(r), h.Now().Year()
	listed, list := 0, "/rectification?org="+strconv.FormatInt(o.ID, 10)
	title := h.T(i18n.FromRequest(r), "rect.cockpit")
	if year != this {
		listed, list = year, list+"&year="+strconv.Itoa(year)
		title = fmt.Sprintf(h.T(i18n.FromRequest(r), "rect.cockpit_year"), title, year)
	}
	res, err := h.pg.RectCases(r.Context(), web.Actor(r), programs.RectQuery{Under: o.ID, Year: listed})
	if err != nil {
		return nil, err
	}
	children, err := h.pg.RectByChild(r.Context(), web.Actor(r), o.ID, listed)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	open := res.States["listed"] + res.States["rectifying"]
	p := &web.Panel{Title: title, Href: list, KPIs: []web.KPI{
		{Value: web.FormatInt(open), Label: h.T(lang, "rect.kpi_open"), Href: list + "&state=open",
			Sub: fmt.Sprintf(h.T(lang, "rect.kpi_open_sub"), res.States["listed"])},
		{Value: web.FormatInt(res.Flags["overdue"]), Label: h.T(lang, "rect.flag_overdue"), Href: list + "&flag=overdue"},
		{Value: web.FormatInt(res.Flags["behind"]), Label: h.T(lang, "rect.flag_behind"), Href: list + "&flag=behind"},
		{Value: web.FormatInt(res.States["accepted"]), Label: h.T(lang, "rect.kpi_accepted"), Href: list + "&state=accepted"},
		{Value: web.FormatInt(res.States["closed"]), Label: h.T(lang, "rect.kpi_closed"), Href: list + "&state=closed",
			Sub: fmt.Sprintf(h.T(lang, "rect.kpi_repeated"), res.Flags["repeated"])},
	}}
	if res.Total > 0 {
		c := web.Chart{Type: "bar", Title: h.T(lang, "rect.by_state"), Unit: web.Msg(lang, "个", "orgs")}
		for _, st := range programs.RectStates {
			c.Items = append(c.Items, web.ChartItem{Name: st.Text.In(lang), Value: res.States[st.Key], Href: list + "&state=" + st.Key})
		}
		p.Charts = []web.PanelChart{{ID: "rect-states", Title: c.Title, JSON: web.ChartJSON(c)}}
		// The drill-down counts the cases still open: where the work is.
		by := web.Chart{Type: "hbar", Title: h.T(lang, "rect.by_child"), Unit: web.Msg(lang, "个", "orgs")}
		for _, c := range children {
			by.Items = append(by.Items, web.ChartItem{Name: c.Name, Value: c.Open, Href: web.CockpitHref(c.OrgID, year, this)})
		}
		if len(by.Items) > 0 {
			by.Items = web.TopCounts(by.Items, web.Bars(r))
			p.Charts = append(p.Charts, web.PanelChart{ID: "rect-children", Title: by.Title, JSON: web.ChartJSON(by)})
		}
	}
	return p, nil
}
