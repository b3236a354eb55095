package people

import (
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// completionView is the completion page of a subtree and year.
type completionView struct {
	C     people.Completion
	Org   org.Org
	List  *web.List
	Post  string
	Years []int
	Chart any
}

// completionQuery reads the completion page's organization, year and
// filters.
func (h *Pages) completionQuery(r *http.Request, l *web.List) (people.CompletionQuery, org.Org, error) {
	v := r.URL.Query()
	if err := h.ResolveOrg(r.Context(), web.Actor(r), v, "org", web.PickFilter{}); err != nil {
		return people.CompletionQuery{}, org.Org{}, err
	}
	o, err := h.readerOrg(r, v.Get("org"))
	if err != nil {
		return people.CompletionQuery{}, o, err
	}
	return people.CompletionQuery{Under: o.ID, Year: h.yearOf(v), Q: l.Q, Post: v.Get("post"), Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}, o, nil
}

// CompletionPage shows how many members of a subtree reached their
// training requirement in a year, by child organization (a table and a
// chart), and who is behind, searchable, sortable and exported.
func (h *Pages) CompletionPage(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "training", h.T(lang, "trn.completion_title"))
	l := web.ListFrom(r, "-shortfall")
	q, o, err := h.completionQuery(r, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &completionView{Org: o, List: l, Post: q.Post}
	if v.C, err = h.ppl.TrainingCompletion(r.Context(), web.Actor(r), q); err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = v.C.Matched
	chart := web.RateChart{Type: "hbar", Title: h.T(lang, "trn.chart_title"), Unit: "%"}
	for _, c := range v.C.Children {
		if c.Required == 0 {
			continue
		}
		href := "/training/completion?org=" + strconv.FormatInt(c.OrgID, 10) + "&year=" + strconv.Itoa(q.Year)
		name := c.OrgName
		if c.Own {
			href, name = "", name+web.Msg(lang, "（本级）", " (itself)")
		}
		chart.Items = append(chart.Items, web.RateItem{Name: name, Value: c.Percent, Href: href})
	}
	v.Chart = web.RateChartJSON(chart)
	p.Charts = len(chart.Items) > 0
	this := h.Now().In(org.Shanghai).Year()
	for y := this; y >= this-4; y-- {
		v.Years = append(v.Years, y)
	}
	h.trainingCrumbs(p, web.Crumb{Label: p.Title})
	p.ScopeName = o.Label()
	p.Form = r.URL.Query()
	p.Form.Set("org", strconv.FormatInt(o.ID, 10))
	p.Form.Set("year", strconv.Itoa(q.Year))
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "training_completion", "layout", p)
}

// CompletionExport exports the list of those behind with the page's
// filters, ID numbers masked as on the page, under the subtree's counts.
func (h *Pages) CompletionExport(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	l := web.ListFrom(r, "-shortfall")
	q, o, err := h.completionQuery(r, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	c, err := h.ppl.TrainingCompletion(r.Context(), actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: strconv.Itoa(q.Year) + " 年培训学时未达标人员", EN: "members behind their training hours of " + strconv.Itoa(q.Year)}
	header := []string{"序号", "姓名", "身份证号", "职务", "所在党组织", "已完成学时", "应完成学时", "差额"}
	if lang == i18n.EN {
		header = []string{"No.", "Name", "ID number", "Post", "Organization", "Hours done", "Hours required", "Shortfall"}
	}
	scope := web.ExportScope(r, o, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 10, 20, 16, 28, 10, 10, 8}, Kinds: []xlsx.Kind{xlsx.Integer, 5: xlsx.Decimal1, 6: xlsx.Decimal1, 7: xlsx.Decimal1}}
	filters := web.Bilingual(func(lang string) string {
		parts := []string{web.Msg(lang, "应参训 ", "required ") + web.FormatInt(c.Required) + web.Msg(lang, " 人，达标 ", ", done ") + web.FormatInt(c.Completed) +
			web.Msg(lang, " 人，达标率 ", ", rate ") + strconv.FormatFloat(c.Percent, 'f', 1, 64) + "%"}
		if q.Q != "" {
			parts = append(parts, web.Msg(lang, "关键词=", "search=")+people.SearchShown(q.Q))
		}
		if q.Post != "" {
			parts = append(parts, web.Msg(lang, "职务=", "post=")+org.LabelOf(people.RequirementPosts, q.Post, lang))
		}
		return strings.Join(parts, web.Msg(lang, "；", "; "))
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, b := range c.Rows {
			if !yield([]any{i + 1, b.Name, b.IDMask, org.LabelOf(people.RequirementPosts, b.Post, lang), b.OrgName, b.Hours, b.Required, b.Shortfall}) {
				return
			}
		}
	})
}
