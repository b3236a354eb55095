package people

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
)

// statsView is what the statistics page shows.
type statsView struct {
	Org      org.Org
	Stats    people.Stats
	Children []people.ChildCount
	Charts   map[string]any
}

// PeopleStats shows the member statistics of an organization's subtree
// (?org=, the actor's first root otherwise) as charts that link to the
// members they count, with the members of each child organization.
func (h *Pages) PeopleStats(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "people", h.T(lang, "ppl.stats_title"))
	o, err := h.readerOrg(r, r.URL.Query().Get("org"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &statsView{Org: o, Charts: map[string]any{}}
	if v.Stats, err = h.ppl.Stats(ctx, actor, o.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	if v.Children, err = h.ppl.ChildCounts(ctx, actor, o.ID); err != nil {
		h.Fail(w, r, err)
		return
	}
	unit := h.T(lang, "ppl.unit_person")
	chart := func(key, typ, title string, cs []org.Choice, counts map[string]int, param string) {
		v.Charts[key] = web.ChartJSON(h.countChart(lang, o.ID, typ, title, cs, counts, param))
	}
	st := v.Stats
	chart("gender", "pie", h.T(lang, "ppl.by_gender"), people.Genders, st.ByGender, "gender")
	chart("age", "bar", h.T(lang, "ppl.by_age"), ageChoices, st.ByAgeBand, "age_band")
	chart("education", "bar", h.T(lang, "ppl.by_education"), people.EducationBands, st.ByEducation, "education")
	chart("kind", "pie", h.T(lang, "ppl.by_kind"), people.Kinds, st.ByKind, "kind")
	chart("status", "pie", h.T(lang, "ppl.by_status"), people.Statuses[:4], st.ByStatus, "status")
	// Ethnic groups: the eight largest by name, the rest as one bar.
	eth := web.Chart{Type: "hbar", Title: h.T(lang, "ppl.by_ethnicity"), Unit: unit, Items: []web.ChartItem{}}
	keys := make([]string, 0, len(st.ByEthnicity))
	for k := range st.ByEthnicity {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(st.ByEthnicity[b], st.ByEthnicity[a]), strings.Compare(a, b))
	})
	rest := 0
	for i, k := range keys {
		if i < 8 {
			eth.Items = append(eth.Items, web.ChartItem{Name: org.LabelOf(people.Ethnicities, k, lang), Value: st.ByEthnicity[k]})
		} else {
			rest += st.ByEthnicity[k]
		}
	}
	if rest > 0 {
		eth.Items = append(eth.Items, web.ChartItem{Name: h.T(lang, "ppl.other_groups"), Value: rest})
	}
	v.Charts["ethnicity"] = web.ChartJSON(eth)
	// Years of joining by decade, oldest first.
	decades := map[int]int{}
	for y, n := range st.ByJoinYear {
		if yy, err := strconv.Atoi(y); err == nil {
			decades[yy/10*10] += n
		}
	}
	ds := make([]int, 0, len(decades))
	for d := range decades {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	join := web.Chart{Type: "bar", Title: h.T(lang, "ppl.by_join_decade"), Unit: unit, Items: []web.ChartItem{}}
	for _, d := range ds {
		join.Items = append(join.Items, web.ChartItem{Name: web.Msg(lang, strconv.Itoa(d)+"年代", strconv.Itoa(d)+"s"), Value: decades[d]})
	}
	v.Charts["join"] = web.ChartJSON(join)
	// The children, the twenty largest by name.
	kids := web.Chart{Type: "hbar", Title: h.T(lang, "ppl.by_child"), Unit: unit, Items: []web.ChartItem{}}
	for i, c := range v.Children {
		if i == 20 {
			break
		}
		kids.Items = append(kids.Items, web.ChartItem{Name: c.Name, Value: c.Total, Href: "/people/stats?org=" + strconv.FormatInt(c.OrgID, 10)})
	}
	v.Charts["children"] = web.ChartJSON(kids)
	h.crumbs(r, p, o, web.Crumb{Label: p.Title})
	p.Charts = true
	p.Data = v
	h.render(w, r, http.StatusOK, "people_stats", "layout", p)
}

// countChart is a chart of the members of an organization's subtree by
// one counted dimension, each bar or slice linking to the members it
// counts (the list filtered by param) when param is given.
func (h *Pages) countChart(lang string, orgID int64, typ, title string, cs []org.Choice, counts map[string]int, param string) web.Chart {
	list := "/people?org=" + strconv.FormatInt(orgID, 10)
	c := web.Chart{Type: typ, Title: title, Unit: h.T(lang, "ppl.unit_person"), Items: []web.ChartItem{}}
	for _, ch := range cs {
		if n := counts[ch.Key]; n > 0 {
			it := web.ChartItem{Name: ch.In(lang), Value: n}
			if param != "" {
				it.Href = list + "&" + param + "=" + ch.Key
			}
			c.Items = append(c.Items, it)
		}
	}
	return c
}
