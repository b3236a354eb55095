package cases

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// staffPage is the most cases the domain returns at once; the export reads
// the list in pages of it.
const staffPage = 200

// staffRow is a case of the list with its place in words.
type staffRow struct {
	cases.Case
	PlaceText string
	Subject   string
}

// staffTab is one of the counts above the list, a link to the cases it
// counts.
type staffTab struct {
	Label   string
	N       int
	Href    string
	Current bool
	Alert   bool // overdue: red, with the word, not only the colour
}

// staffListView is the case list.
type staffListView struct {
	Rows      []staffRow
	List      *web.List
	Under     org.Org
	Integrity bool
	Kind      string
	State     string
	Sort      string
	Tabs      []staffTab
	Kinds     []org.Choice
	Filtered  bool
	Unread    int
	ExportURL string
}

// staffQuery reads the list's filters from the request: ?kind= (integrity
// for the integrity reports), ?state=, ?overdue=1, ?escalated=1, ?org=, ?q=
// and ?sort=deadline, with the page of l.
func (h *Pages) staffQuery(r *http.Request, p *web.Page, l *web.List) (cases.ListQuery, org.Org, error) {
	under, err := h.staffScopeOrg(r, p)
	v := r.URL.Query()
	q := cases.ListQuery{OrgID: under.ID, State: v.Get("state"), Overdue: v.Get("overdue") == "1", Escalated: v.Get("escalated") == "1",
		Q: l.Q, Limit: l.Per, Offset: l.Offset()}
	if l.Sort == "deadline" {
		q.Sort = "deadline"
	}
	if kind := v.Get("kind"); kind == cases.KindIntegrity {
		q.Integrity = true
	} else {
		q.Kind = kind
	}
	return q, under, err
}

// staffPlace is where a case is: the division's name and what the reporter
// typed.
func (h *Pages) staffPlace(c cases.Case, full bool) string {
	names := h.Orgs.DivisionPath(c.RegionCode)
	if !full && len(names) > 0 {
		names = names[len(names)-1:]
	}
	if c.Place != "" {
		names = append(names, c.Place)
	}
	return strings.Join(names, " ")
}

// CaseList lists the cases the actor sees — the residents' cases, or with
// ?kind=integrity the integrity reports — with the counts of each state as
// tabs above, filters, search by number or words, two orders and pages.
func (h *Pages) CaseList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "received")
	l.Per = min(l.Per, staffPage)
	kind := r.URL.Query().Get("kind")
	p := h.Page(r, staffNavKey(kind), h.T(lang, staffListTitle(kind)))
	q, under, err := h.staffQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &staffListView{List: l, Under: under, Integrity: q.Integrity, Kind: q.Kind, State: q.State, Sort: q.Sort,
		Filtered:  l.Q != "" || q.Kind != "" || q.State != "" || q.Overdue || q.Escalated || under.ID != 0,
		ExportURL: l.Href("/cases/export.xlsx")}
	if !q.Integrity {
		for _, k := range cases.Kinds {
			if k.Key != cases.KindIntegrity {
				v.Kinds = append(v.Kinds, k)
			}
		}
	}
	rows, total, err := h.cs.List(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = total
	for _, c := range rows {
		v.Rows = append(v.Rows, staffRow{Case: c, PlaceText: h.staffPlace(c, false), Subject: staffSubject(c)})
	}
	counts, err := h.cs.Counts(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v.Tabs = h.staffTabs(lang, r.URL.Query(), q, counts)
	if _, v.Unread, err = h.cs.Notices(ctx, actor, 1); err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Crumbs = []web.Crumb{{Label: p.Title, Href: staffListHref(kind)}}
	if under.ID != 0 {
		bc, _ := h.Orgs.Breadcrumb(ctx, actor, under)
		for _, b := range bc {
			p.Crumbs = append(p.Crumbs, web.Crumb{Label: b.Label(), Href: staffListURL(url.Values{"kind": {r.URL.Query().Get("kind")}}, "org", fmt.Sprint(b.ID))})
		}
		p.ScopeName = under.Label()
	}
	p.Crumbs[len(p.Crumbs)-1].Href = ""
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "cases_staff_list", "layout", p)
}

// staffTabs are the counts above the list: all, each state, overdue and
// escalated, each linking to the list with the other filters kept.
func (h *Pages) staffTabs(lang string, query url.Values, q cases.ListQuery, counts map[string]int) []staffTab {
	base := url.Values{}
	for _, k := range []string{"kind", "org", "q", "sort"} {
		if val := query.Get(k); val != "" {
			base.Set(k, val)
		}
	}
	all := 0
	for _, s := range cases.States {
		all += counts[s.Key]
	}
	none := q.State == "" && !q.Overdue && !q.Escalated
	tabs := []staffTab{{Label: h.T(lang, "css.all"), N: all, Href: staffListURL(base), Current: none}}
	for _, s := range cases.States {
		tabs = append(tabs, staffTab{Label: s.In(lang), N: counts[s.Key], Href: staffListURL(base, "state", s.Key), Current: q.State == s.Key && !q.Overdue && !q.Escalated})
	}
	tabs = append(tabs,
		staffTab{Label: h.T(lang, "css.overdue"), N: counts["overdue"], Href: staffListURL(base, "overdue", "1"), Current: q.Overdue && q.State == "" && !q.Escalated, Alert: counts["overdue"] > 0},
		staffTab{Label: h.T(lang, "css.escalated"), N: counts["escalated"], Href: staffListURL(base, "escalated", "1"), Current: q.Escalated && q.State == "" && !q.Overdue})
	return tabs
}

// CaseExport exports the list with its filters: the rows the list shows,
// without the text of the reports beyond their titles and without anything
// of the reporters, which the domain never gives.
func (h *Pages) CaseExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "received")
	q, under, err := h.staffQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = staffPage, 0
	// The first page is read before the file starts, so that a refusal is
	// an error page (or JSON) and not a broken download.
	first, total, err := h.cs.List(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	need, list := cases.CasesRead, i18n.Text{ZH: "群众诉求案件", EN: "residents' cases"}
	header := []string{"序号", "案件编号", "类型", "标题", "地点", "责任组织", "承办组织", "收到时间", "期限（最后一天）", "状态", "办结结果", "超期", "督办"}
	widths := []float64{6, 8, 12, 32, 22, 22, 22, 16, 14, 10, 12, 6, 6}
	if lang == i18n.EN {
		header = []string{"No.", "Case", "Kind", "Title", "Place", "Responsible organization", "Dispatched to", "Received", "Deadline (last day)", "State", "Outcome", "Overdue", "Escalated"}
	}
	if q.Integrity {
		need, list = cases.IntegrityRead, i18n.Text{ZH: "廉洁监督举报", EN: "integrity reports"}
		// The organization or cadre concerned, after the responsible one.
		header = append(header[:7], append([]string{web.Msg(lang, "被反映对象", "Concerned")}, header[7:]...)...)
		widths = append(widths[:7], append([]float64{22}, widths[7:]...)...)
	}
	scope := web.ExportScope(r, under, need)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: widths, Kinds: []xlsx.Kind{xlsx.Integer, xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string { return h.staffFilters(lang, under, q) })
	yes := web.Msg(lang, "是", "yes")
	row := func(n int, c cases.Case) []any {
		deadline := ""
		if !c.Deadline.IsZero() {
			deadline = bj(c.Deadline.Add(-1)).Format("2006-01-02")
		}
		overdue, escalated := "", ""
		if c.Overdue {
			overdue = yes
		}
		if !c.EscalatedAt.IsZero() {
			escalated = yes
		}
		out := []any{n, c.ID, org.LabelOf(cases.Kinds, c.Kind, lang), c.Title, h.staffPlace(c, true), c.OrgName, c.HandlerOrgName}
		if q.Integrity {
			out = append(out, staffSubject(c))
		}
		return append(out, bj(c.ReceivedAt).Format("2006-01-02 15:04"), deadline, org.LabelOf(cases.States, c.State, lang),
			org.LabelOf(cases.Outcomes, c.Outcome, lang), overdue, escalated)
	}
	h.SendExport(w, r, web.ExportFile{Scope: scope, List: list, Filters: filters, Sheet: s, Total: total, Max: web.MaxExportRows,
		Rows: func(yield func([]any) bool) error {
			return h.staffEachCase(ctx, actor, q, first, total, func(n int, c cases.Case) bool { return yield(row(n, c)) })
		}})
}

// staffEachCase calls f with every case of q, in order, reading the list in
// pages after first (the first page, already read). A case a page shares
// with the one before — the list moved while it was read — is given once.
func (h *Pages) staffEachCase(ctx context.Context, actor access.Actor, q cases.ListQuery, first []cases.Case, total int, f func(n int, c cases.Case) bool) error {
	seen := map[int64]bool{}
	n := 0
	page := first
	for off := 0; ; {
		for _, c := range page {
			if seen[c.ID] {
				continue
			}
			seen[c.ID] = true
			n++
			if !f(n, c) {
				return nil
			}
		}
		off += staffPage
		if len(page) < staffPage || off >= total {
			return nil
		}
		q.Offset = off
		var err error
		if page, _, err = h.cs.List(ctx, actor, q); err != nil {
			return err
		}
	}
}

// staffSubject names what an integrity report concerns: the organization
// and the cadre or words the reporter gave.
func staffSubject(c cases.Case) string {
	return strings.TrimSpace(strings.Join(staffNonEmpty(c.SubjectOrgName, c.SubjectText), " "))
}

func staffNonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// staffFilters is the filters line of an export in lang.
func (h *Pages) staffFilters(lang string, under org.Org, q cases.ListQuery) string {
	var parts []string
	add := func(zh, en, v string) {
		if v != "" {
			parts = append(parts, web.Msg(lang, zh, en)+"="+v)
		}
	}
	if under.ID != 0 {
		add("范围", "scope", under.Label())
	}
	add("类型", "kind", org.LabelOf(cases.Kinds, q.Kind, lang))
	add("状态", "state", org.LabelOf(cases.States, q.State, lang))
	if q.Overdue {
		parts = append(parts, web.Msg(lang, "已超期", "overdue"))
	}
	if q.Escalated {
		parts = append(parts, web.Msg(lang, "已督办", "escalated"))
	}
	add("关键词", "search", strings.TrimSpace(q.Q))
	if q.Sort == "deadline" {
		parts = append(parts, web.Msg(lang, "按期限排序", "by deadline"))
	}
	if len(parts) == 0 {
		return ""
	}
	return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
}
