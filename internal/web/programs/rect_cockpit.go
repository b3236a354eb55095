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
	res, err := h.pg.RectCases(r.Context(), web.Actor(r), programs.RectQuery{Under: o.ID})
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	list := "/rectification?org=" + strconv.FormatInt(o.ID, 10)
	open := res.States["listed"] + res.States["rectifying"]
	p := &web.Panel{Title: h.T(lang, "rect.cockpit"), Href: list, KPIs: []web.KPI{
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
	}
	return p, nil
}
