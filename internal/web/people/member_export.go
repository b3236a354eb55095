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

// filterText says which filters an exported member list used, in lang:
// "筛选：范围=兴宁社区党支部；类别=预备党员".
func filterText(under org.Org, q people.MemberQuery, lang string) string {
	var parts []string
	add := func(zh, en, val string) {
		if val != "" {
			parts = append(parts, web.Msg(lang, zh, en)+"="+val)
		}
	}
	if under.ID != 0 {
		add("范围", "scope", under.Label())
	}
	add("关键词", "search", people.SearchShown(q.Q))
	add("状态", "status", org.LabelOf(people.Statuses, q.Status, lang))
	add("类别", "kind", org.LabelOf(people.Kinds, q.Kind, lang))
	add("性别", "gender", org.LabelOf(people.Genders, q.Gender, lang))
	add("学历", "education", org.LabelOf(people.EducationBands, q.Education, lang))
	add("年龄", "age", org.LabelOf(ageChoices, q.AgeBand, lang))
	if len(parts) == 0 {
		return ""
	}
	return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
}

// PeopleExport exports the member list with the filters of the page; ID
// numbers and phones are masked as on the page.
func (h *Pages) PeopleExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	l := web.ListFrom(r, "")
	q, _, err := h.memberQuery(r, l, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	// The whole list, wherever the page it was asked from stood.
	q.Limit, q.Offset, q.After, q.Before = web.ExportFetch, 0, "", ""
	var under org.Org
	if q.Under != 0 {
		if under, err = h.Orgs.Get(ctx, actor, q.Under); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	rows, _, err := h.ppl.Members(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "党员名册", EN: "members"}
	// The age, not the birth date: the mask hides exactly the birth date.
	header := []string{"序号", "姓名", "性别", "年龄", "民族", "学历", "身份证号", "电话", "所在党组织", "类别", "入党日期", "转正日期", "状态", "流入地", "提示"}
	if lang == i18n.EN {
		header = []string{"No.", "Name", "Gender", "Age", "Ethnic group", "Education", "ID number", "Phone", "Organization", "Kind",
			"Joined", "Full member since", "Status", "Now in", "Note"}
	}
	scope := web.ExportScope(r, under, people.PeopleRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 10, 6, 6, 10, 14, 20, 14, 28, 12, 12, 12, 12, 20, 22}, Kinds: []xlsx.Kind{xlsx.Integer, 3: xlsx.Integer, 14: xlsx.Wrap}}
	filters := web.Bilingual(func(lang string) string { return filterText(under, q, lang) })
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, m := range rows {
			ms := m.Membership
			row := []any{i + 1, m.Name, org.LabelOf(people.Genders, m.Gender, lang), m.Age, org.LabelOf(people.Ethnicities, m.Ethnicity, lang),
				org.LabelOf(people.Educations, m.Education, lang), m.IDMask, m.PhoneMask, m.OrgName, org.LabelOf(people.Kinds, ms.Kind, lang),
				ms.JoinedOn, ms.FullOn, org.LabelOf(people.Statuses, ms.Status, lang), ms.FloatingWhere, overdueNote(ms, lang)}
			if !yield(row) {
				return
			}
		}
	})
}

// overdueNote is the warning of a probation past its year, "" otherwise.
func overdueNote(m *people.Membership, lang string) string {
	if !m.Overdue {
		return ""
	}
	return web.Msg(lang, "逾期未转正（预备期满 "+m.DueOn+"）", "Probation over since "+m.DueOn)
}
