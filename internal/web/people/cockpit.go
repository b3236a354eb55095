package people

import (
	"fmt"
	"net/http"
	"strconv"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
)

// cockpit is the register's card on the cockpit: the members of the
// subtree, the shares the statistics page details (women, young, college
// educated, probationary, away) and the age and education charts, each
// figure and bar linking to the members it counts.
func (h *Pages) cockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	st, err := h.ppl.Stats(r.Context(), web.Actor(r), o.ID)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	list := "/people?org=" + strconv.FormatInt(o.ID, 10)
	share := func(n int) string {
		if st.Total == 0 {
			return ""
		}
		return fmt.Sprintf(h.T(lang, "ppl.kpi_of_total"), fmt.Sprintf("%.1f%%", float64(n)*100/float64(st.Total)))
	}
	college := st.ByEducation["1"] + st.ByEducation["2"] + st.ByEducation["3"]
	full := st.ByKind["full"]
	p := &web.Panel{Title: h.T(lang, "ppl.cockpit_title"), Href: "/people/stats?org=" + strconv.FormatInt(o.ID, 10),
		KPIs: []web.KPI{
			{Value: web.FormatInt(st.Total), Label: h.T(lang, "ppl.kpi_total"), Href: list,
				Sub: fmt.Sprintf(h.T(lang, "ppl.kpi_full_prob"), web.FormatInt(full), web.FormatInt(st.Probationary))},
			{Value: web.FormatInt(st.Women), Label: h.T(lang, "ppl.kpi_women"), Sub: share(st.Women), Href: list + "&gender=female"},
			{Value: web.FormatInt(st.ByAgeBand["35"]), Label: h.T(lang, "ppl.kpi_young"), Sub: share(st.ByAgeBand["35"]), Href: list + "&age_band=35"},
			{Value: web.FormatInt(college), Label: h.T(lang, "ppl.kpi_college"), Sub: share(college)},
			{Value: web.FormatInt(st.Floating), Label: h.T(lang, "ppl.kpi_floating"), Sub: share(st.Floating), Href: list + "&status=floating"},
		}}
	if st.Total > 0 {
		p.Charts = []web.PanelChart{
			{ID: "ppl-age", Title: h.T(lang, "ppl.by_age"), JSON: web.ChartJSON(h.countChart(lang, o.ID, "bar", h.T(lang, "ppl.by_age"), ageChoices, st.ByAgeBand, "age_band"))},
			{ID: "ppl-edu", Title: h.T(lang, "ppl.by_education"), JSON: web.ChartJSON(h.countChart(lang, o.ID, "bar", h.T(lang, "ppl.by_education"), people.EducationBands, st.ByEducation, "education"))},
		}
		children, err := h.ppl.ChildCounts(r.Context(), web.Actor(r), o.ID)
		if err != nil {
			return nil, err
		}
		by := web.Chart{Type: "hbar", Title: h.T(lang, "ppl.by_child"), Unit: web.Msg(lang, "人", "members")}
		year, this := h.CockpitYear(r), h.Now().Year()
		for _, c := range children {
			by.Items = append(by.Items, web.ChartItem{Name: c.Name, Value: c.Total, Href: web.CockpitHref(c.OrgID, year, this)})
		}
		if len(by.Items) > 0 {
			by.Items = web.TopCounts(by.Items, web.Bars(r))
			p.Charts = append(p.Charts, web.PanelChart{ID: "ppl-children", Title: by.Title, JSON: web.ChartJSON(by)})
		}
	}
	if h.CockpitYear(r) != h.Now().Year() {
		// The register counts its members as of today.
		p.Title += web.Msg(lang, "（截至今日）", " (as of today)")
	}
	return p, nil
}
