package evaluation

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// cockpit gives the module's card on the cockpit: what the published
// campaigns of the year shown say of the subjects of the subtree — the
// campaigns, the subjects rated, the grades, those given the best grade
// and those given the lowest or vetoed (the rectification list) — with the
// grades as a chart and the children compared. It reads only published
// results, as counts of subjects; readers without evaluation.read on the
// organization get no card.
func (h *Pages) cockpit(r *http.Request, o org.Org) (*web.Panel, error) {
	year, this := h.CockpitYear(r), h.Now().Year()
	st, err := h.eval.Overview(r.Context(), web.Actor(r), o.ID, year)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	list := "/evaluation?year=" + strconv.Itoa(year) + "&status=" + evaluation.StatusPublished
	top, low := st.TopGrades, st.LowGrades
	if len(top) == 0 {
		// No campaign counted: the labels name the usual grades.
		d := evaluation.DefaultGrades()
		top, low = []string{d[0].Grade}, []string{d[len(d)-1].Grade}
	}
	campaigns := web.KPI{Value: web.FormatInt(st.Campaigns), Label: h.T(lang, "eva.ck_campaigns"), Href: list,
		Sub: fmt.Sprintf(h.T(lang, "eva.ck_year"), year)}
	if st.Campaigns == 0 && st.PrevCampaigns > 0 {
		// Appraisals of a year are published early in the next: until
		// then the card leads to last year's.
		campaigns.Sub = fmt.Sprintf(h.T(lang, "eva.ck_prev"), year, year-1, st.PrevCampaigns)
		campaigns.Href = web.CockpitHref(o.ID, year-1, this)
	}
	share := ""
	if st.Graded > 0 {
		share = fmt.Sprintf(h.T(lang, "eva.ck_top_sub"), strconv.FormatFloat(float64(st.Top)*100/float64(st.Graded), 'f', 1, 64)+"%")
	}
	flagged := fmt.Sprintf(h.T(lang, "eva.ck_flagged"), gradeNames(low, lang))
	p := &web.Panel{Title: h.T(lang, "eva.cockpit"), Href: list, KPIs: []web.KPI{
		campaigns,
		{Value: web.FormatInt(st.Rated), Label: h.T(lang, "eva.ck_rated"),
			Sub: fmt.Sprintf(h.T(lang, "eva.ck_rated_sub"), web.FormatInt(st.Graded), web.FormatInt(st.Ungraded))},
		{Value: web.FormatInt(st.Top), Label: fmt.Sprintf(h.T(lang, "eva.ck_top"), gradeNames(top, lang)), Sub: share},
		{Value: web.FormatInt(st.Flagged), Label: flagged,
			Sub: fmt.Sprintf(h.T(lang, "eva.ck_flagged_sub"), web.FormatInt(st.Vetoed), web.FormatInt(st.FlaggedOrgs))},
	}}
	if st.Rated == 0 {
		return p, nil
	}
	unit := h.T(lang, "eva.ck_unit")
	grades := web.Chart{Type: "bar", Title: h.T(lang, "eva.ck_grades"), Unit: unit}
	for _, g := range st.Grades {
		grades.Items = append(grades.Items, web.ChartItem{Name: evaluation.NameIn(g.Grade, lang), Value: g.Subjects})
	}
	if st.Ungraded > 0 {
		grades.Items = append(grades.Items, web.ChartItem{Name: h.T(lang, "eva.ck_ungraded"), Value: st.Ungraded})
	}
	// The children are compared by the number of subjects given the
	// lowest grade or vetoed, not by the share given the best: each is
	// a case of the rectification list that the township or county has
	// to see through, so the count is the work it answers for, while a
	// share of a handful of subjects (two of two 好) would put a child
	// with few subjects ahead of one with forty. The subjects rated are
	// the second chart, so that a count is read against its size. A
	// child none of whose subjects was rated has no bar: a zero there
	// would read as a clean record.
	byFlag := web.Chart{Type: "hbar", Title: h.T(lang, "eva.ck_by_child") + fmt.Sprintf(h.T(lang, "eva.ck_child_flagged"), gradeNames(low, lang)), Unit: unit}
	byRated := web.Chart{Type: "hbar", Title: h.T(lang, "eva.ck_by_child") + h.T(lang, "eva.ck_rated"), Unit: unit}
	for _, c := range st.Children {
		if c.Rated == 0 {
			continue
		}
		href := web.CockpitHref(c.OrgID, year, this)
		byFlag.Items = append(byFlag.Items, web.ChartItem{Name: c.Name, Value: c.Flagged, Href: href})
		byRated.Items = append(byRated.Items, web.ChartItem{Name: c.Name, Value: c.Rated, Href: href})
	}
	p.Charts = []web.PanelChart{{ID: "eva-grades", Title: grades.Title, JSON: web.ChartJSON(grades)}}
	if len(byFlag.Items) > 0 {
		byFlag.Items = web.TopCounts(byFlag.Items, web.Bars(r))
		byRated.Items = web.TopCounts(byRated.Items, web.Bars(r))
		p.Charts = append(p.Charts, web.PanelChart{ID: "eva-child-flagged", Title: byFlag.Title, JSON: web.ChartJSON(byFlag)},
			web.PanelChart{ID: "eva-child-rated", Title: byRated.Title, JSON: web.ChartJSON(byRated)})
	}
	return p, nil
}

// gradeNames names grades in lang: “好”、“优秀” in Chinese, Good / Excellent
// in English.
func gradeNames(grades []string, lang string) string {
	names := make([]string, len(grades))
	for i, g := range grades {
		names[i] = web.Msg(lang, "“"+g+"”", evaluation.NameIn(g, lang))
	}
	return strings.Join(names, web.Msg(lang, "、", " / "))
}
