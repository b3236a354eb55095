package programs

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// fsecCockpit is the first secretaries' card on the cockpit: those in post
// in the subtree at the end of the year shown (today for this year), the
// terms ending soon and the villages left without one (as of today), the
// year's work log and the grades of the latest published review (三述三评),
// with a chart of those in post under each child organization and one of
// the review's grades.
func (h *Pages) fsecCockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	year, this := h.CockpitYear(r), h.Now().Year()
	st, err := h.pg.FirstSecStatsOf(r.Context(), web.Actor(r), o.ID, year)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	list := "/first-secretaries?org=" + strconv.FormatInt(o.ID, 10)
	inPost := web.KPI{Value: web.FormatInt(st.InPost), Label: h.T(lang, "pgck.fsec_in_post"), Sub: fmt.Sprintf(h.T(lang, "pgck.as_of"), st.AsOf)}
	if year == this {
		inPost.Href = list + "&state=in_post"
	}
	expiring := web.KPI{Value: web.FormatInt(st.Expiring), Label: fmt.Sprintf(h.T(lang, "pgck.fsec_expiring"), programs.DefaultExpiryDays),
		Href: list + "&view=expiring", Sub: h.T(lang, "pgck.today")}
	if st.Expired > 0 {
		expiring.Sub = fmt.Sprintf(h.T(lang, "pgck.fsec_expired_sub"), web.FormatInt(st.Expired))
	}
	p := &web.Panel{Title: fmt.Sprintf(h.T(lang, "pgck.title_year"), h.T(lang, "pgck.fsec_title"), year), Href: list, KPIs: []web.KPI{
		inPost, expiring,
		{Value: web.FormatInt(st.Vacant), Label: h.T(lang, "pgck.fsec_vacant"), Href: list + "&view=vacant", Sub: h.T(lang, "pgck.today")},
		{Value: web.FormatInt(st.Logs), Label: fmt.Sprintf(h.T(lang, "pgck.fsec_logs"), year), Sub: fmt.Sprintf(h.T(lang, "pgck.fsec_log_days"), web.FormatInt(st.LogDays))},
	}}
	var grades *web.Chart
	if rv := st.Review; rv != nil {
		results := "/evaluation/" + strconv.FormatInt(rv.CampaignID, 10) + "/results"
		var parts []string
		g := web.Chart{Type: "bar", Title: fmt.Sprintf(h.T(lang, "pgck.fsec_grades"), rv.Year), Unit: web.Msg(lang, "人", "people")}
		for _, x := range rv.Grades {
			name := evaluation.NameIn(x.Grade, lang)
			parts = append(parts, name+" "+web.FormatInt(x.Count))
			g.Items = append(g.Items, web.ChartItem{Name: name, Value: x.Count, Href: results})
		}
		if rv.Ungraded > 0 {
			parts = append(parts, h.T(lang, "pgck.fsec_ungraded")+" "+web.FormatInt(rv.Ungraded))
			g.Items = append(g.Items, web.ChartItem{Name: h.T(lang, "pgck.fsec_ungraded"), Value: rv.Ungraded, Href: results})
		}
		p.KPIs = append(p.KPIs, web.KPI{Value: web.FormatInt(rv.Reviewed), Label: fmt.Sprintf(h.T(lang, "pgck.fsec_review"), rv.Year),
			Sub: strings.Join(parts, web.Msg(lang, "，", ", ")), Href: results})
		grades = &g
	} else {
		p.KPIs = append(p.KPIs, web.KPI{Value: "—", Label: h.T(lang, "pgck.fsec_review_none"), Sub: h.T(lang, "pgck.fsec_review_none_sub")})
	}
	by := web.Chart{Type: "hbar", Title: h.T(lang, "pgck.fsec_by_child"), Unit: web.Msg(lang, "人", "people")}
	for _, c := range st.Children {
		by.Items = append(by.Items, web.ChartItem{Name: c.Name, Value: c.InPost, Href: web.CockpitHref(c.OrgID, year, this)})
	}
	if st.InPost > 0 && len(by.Items) > 0 {
		by.Items = web.TopCounts(by.Items, web.Bars(r))
		p.Charts = append(p.Charts, web.PanelChart{ID: "fsec-children", Title: by.Title, JSON: web.ChartJSON(by)})
	}
	if grades != nil {
		p.Charts = append(p.Charts, web.PanelChart{ID: "fsec-grades", Title: grades.Title, JSON: web.ChartJSON(*grades)})
	}
	return p, nil
}
