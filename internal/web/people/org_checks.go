package people

import (
	"net/http"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// checksView is what the page of organization checks shows.
type checksView struct {
	Org    org.Org
	Check  string
	Rows   []people.OrgCheck
	Counts map[string]int
}

// checks reads the list of ?check= in o's subtree, or without one the
// first check that lists anything, and the counts of every check.
func (h *Pages) checks(r *http.Request, o org.Org) ([]people.OrgCheck, map[string]int, string, error) {
	check := r.URL.Query().Get("check")
	rows, counts, err := h.ppl.CheckCounts(r.Context(), web.Actor(r), o.ID, check)
	if err != nil || check != "" {
		return rows, counts, check, err
	}
	check = people.CheckFewFull
	for _, c := range people.OrgChecks {
		if counts[c.Key] > 0 {
			check = c.Key
			break
		}
	}
	var out []people.OrgCheck
	for _, row := range rows {
		if row.Check == check {
			out = append(out, row)
		}
	}
	return out, counts, check, nil
}

// PeopleChecks lists the branches of a subtree whose member counts call
// for a change: too few full members, none registered, enough members for
// a general branch or a committee.
func (h *Pages) PeopleChecks(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "people", h.T(i18n.FromRequest(r), "ppl.checks_title"))
	o, err := h.readerOrg(r, r.URL.Query().Get("org"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &checksView{Org: o}
	if v.Rows, v.Counts, v.Check, err = h.checks(r, o); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.crumbs(r, p, o, web.Crumb{Label: p.Title})
	p.Data = v
	h.render(w, r, http.StatusOK, "people_checks", "layout", p)
}

// PeopleChecksExport exports one check's list.
func (h *Pages) PeopleChecksExport(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	o, err := h.readerOrg(r, r.URL.Query().Get("org"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	rows, _, check, err := h.checks(r, o)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: org.LabelOf(people.OrgChecks, check, i18n.ZH), EN: org.LabelOf(people.OrgChecks, check, i18n.EN)}
	header := []string{"序号", "党组织", "组织类别", "党员", "正式党员"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Kind", "Members", "Full members"}
	}
	scope := o.Label()
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 36, 14, 10, 10}, Kinds: []xlsx.Kind{xlsx.Integer, 3: xlsx.Integer, 4: xlsx.Integer}}
	h.SendXLSX(w, r, scope, list, web.Bilingual(func(string) string { return "" }), s, func(yield func([]any) bool) {
		for i, c := range rows {
			if !yield([]any{i + 1, c.Name, org.LabelOf(org.Kinds, c.Kind, lang), c.Total, c.Full}) {
				return
			}
		}
	})
}
