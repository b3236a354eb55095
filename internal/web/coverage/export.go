package coverage

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/coverage"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// unitFilterText says which filters an exported unit list used, with the
// labels people read in lang: "筛选：覆盖方式=未覆盖；需要=全部待处理".
func unitFilterText(r *http.Request, under org.Org, lang string) string {
	v := r.URL.Query()
	var parts []string
	add := func(zh, en, val string) {
		if val != "" {
			parts = append(parts, web.Msg(lang, zh, en)+"="+val)
		}
	}
	if under.ID != 0 {
		add("范围", "scope", under.Label())
	}
	add("关键词", "search", strings.TrimSpace(v.Get("q")))
	add("类别", "category", covLabel("category", v.Get("category"), lang))
	add("规模", "size", covLabel("size", v.Get("size"), lang))
	add("行业", "industry", covLabel("industry", v.Get("industry"), lang))
	add("覆盖方式", "coverage", covLabel("status", v.Get("coverage"), lang))
	if rule := v.Get("rule"); rule == "any" {
		add("需要", "needs", web.Msg(lang, "全部待处理", "any action"))
	} else {
		add("需要", "needs", covLabel("rule", rule, lang))
	}
	add("区划代码", "division", strings.TrimSpace(v.Get("region")))
	add("状态", "status", map[string]string{"closed": web.Msg(lang, "已注销", "closed"), "all": web.Msg(lang, "全部", "any")}[v.Get("status")])
	if len(parts) == 0 {
		return ""
	}
	return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
}

// CoverageUnitsExport exports the unit list with the filters of the page;
// with a rule filter it is the 工作清单 (work orders) with what to do.
func (h *Pages) CoverageUnitsExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	l := web.ListFrom(r, "region")
	q, err := unitQuery(r, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	var under org.Org
	if q.Under != 0 {
		if under, err = h.Orgs.Get(ctx, actor, q.Under); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	rows, _, err := h.cov.List(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	orders := q.Rule != ""
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "两新组织名单", EN: "units"}
	header := []string{"序号", "单位名称", "统一社会信用代码", "单位类别", "行业", "规模", "从业人数", "正式党员", "预备党员", "所在区划代码", "住所", "法定代表人", "隶属党组织", "覆盖方式", "党组织", "党建指导员", "需要"}
	if lang == i18n.EN {
		header = []string{"No.", "Name", "Credit code", "Category", "Industry", "Size", "Employees", "Full members", "Probationary members", "Division code", "Address",
			"Legal representative", "Leading organization", "Coverage", "Party organization", "Instructor", "Needs"}
	}
	widths := []float64{6, 36, 22, 16, 20, 10, 10, 10, 10, 14, 30, 12, 24, 14, 28, 12, 18}
	if orders {
		list = i18n.Text{ZH: "工作清单", EN: "work orders"}
		header = append(header, web.Msg(lang, "处理建议", "Advice"))
		widths = append(widths, 60)
	}
	scope := web.ExportScope(r, under, coverage.UnitRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header, Widths: widths,
		Kinds: []xlsx.Kind{xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Integer, 8: xlsx.Integer, 17: xlsx.Wrap}}
	filters := web.Bilingual(func(lang string) string { return unitFilterText(r, under, lang) })
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, u := range rows {
			u = u.In(lang)
			row := []any{i + 1, u.Name, u.CreditCode, covLabel("category", u.Category, lang), covLabel("industry", u.Industry, lang),
				covLabel("size", u.SizeClass, lang), u.Employees, u.FullMembers, u.ProbationaryMembers, u.RegionCode, u.Address, u.LegalRep,
				u.AffiliationName, covLabel("status", u.Coverage, lang), u.CoverageOrgName, u.Instructor, covLabel("rule", u.Rule, lang)}
			if orders {
				row = append(row, u.Advice)
			}
			if !yield(row) {
				return
			}
		}
	})
}

// CoverageRatesExport exports the coverage of each child organization of
// the dashboard's organization, with the organization itself as the total.
func (h *Pages) CoverageRatesExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	o, _, err := h.covScope(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	rates, err := h.cov.Rates(ctx, actor, o.ID, false)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "两新组织覆盖率", EN: "coverage of units"}
	header := []string{"序号", "党组织", "单位数", "单独组建", "联合组建", "选派党建指导员", "未覆盖", "组织覆盖单位数", "组织覆盖率", "工作覆盖单位数", "工作覆盖率"}
	if lang == i18n.EN {
		header = []string{"No.", "Party organization", "Units", "Own organization", "Joint branch", "Instructor only", "Not covered",
			"Covered by an organization", "Organizational coverage", "Covered by work", "Work coverage"}
	}
	s := xlsx.Sheet{Title: web.Msg(lang, o.Label()+" 下级组织"+list.ZH, o.Label()+": "+list.EN+" by subordinate organization"), Exporter: actor.Username, Time: h.Now(),
		Header: header,
		Widths: []float64{6, 30, 10, 10, 10, 14, 10, 14, 14, 14, 14},
		Kinds:  []xlsx.Kind{xlsx.Integer, xlsx.General, xlsx.Integer, xlsx.Integer, xlsx.Integer, xlsx.Integer, xlsx.Integer, xlsx.Integer, xlsx.Percent1, xlsx.Integer, xlsx.Percent1}}
	row := func(seq any, name string, c coverage.Counts) []any {
		return []any{seq, name, c.Units, c.Own, c.Joint, c.Instructor, c.None, c.OrgCovered(), xlsx.Percent(web.Round1(c.OrgRate())), c.WorkCovered(), xlsx.Percent(web.Round1(c.WorkRate()))}
	}
	h.SendXLSX(w, r, o.Label(), list, i18n.Text{}, s, func(yield func([]any) bool) {
		direct, seq := rates.Total, 0
		for _, c := range rates.Children {
			if c.Counts.Units == 0 {
				continue // as on the page: organizations that lead no units are left out
			}
			seq++
			direct.Units -= c.Counts.Units
			direct.Own -= c.Counts.Own
			direct.Joint -= c.Counts.Joint
			direct.Instructor -= c.Counts.Instructor
			direct.None -= c.Counts.None
			if !yield(row(seq, c.Org.Label(), c.Counts)) {
				return
			}
		}
		if direct.Units > 0 && !yield(row(seq+1, web.Msg(lang, "本级直属", "Directly led"), direct)) {
			return
		}
		yield(row("", web.Msg(lang, "合计", "Total"), rates.Total))
	})
}

// CoverageGoalExport exports the progress of a goal set: per scope and
// indicator the value, the target and whether it is met.
func (h *Pages) CoverageGoalExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	g, progress, err := h.cov.GoalProgress(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	owner, _ := h.Orgs.Get(ctx, actor, g.OwnerOrgID)
	lang := i18n.FromRequest(r)
	header := []string{web.Msg(lang, "序号", "No."), web.Msg(lang, "范围", "Scope")}
	widths := []float64{6, 30}
	kinds := []xlsx.Kind{xlsx.Integer, xlsx.General}
	for _, k := range g.Indicators {
		l := covLabel("indicator", k, lang)
		header = append(header, l, web.Msg(lang, l+" 目标", l+" target"), web.Msg(lang, l+" 是否达标", l+" met"))
		widths = append(widths, 16, 16, 12)
		kinds = append(kinds, xlsx.Percent1, xlsx.Percent1, xlsx.General)
	}
	header = append(header, web.Msg(lang, "目标来源", "Targets from"))
	widths = append(widths, 30)
	kinds = append(kinds, xlsx.Wrap)
	scope := web.ExportScope(r, owner, coverage.UnitRead)
	list := i18n.Text{ZH: g.Name + "_目标进度", EN: g.Name + "_goal progress"}
	s := xlsx.Sheet{Title: web.Msg(lang, g.Name+" 目标进度", g.Name+" goal progress"),
		Exporter: actor.Username, Time: h.Now(), Header: header, Widths: widths, Kinds: kinds}
	// 制定单位 is the owner, named even for a reader below it.
	filters := i18n.Text{ZH: "年度：" + strconv.Itoa(g.Year) + "；制定单位：" + g.OwnerName, EN: "Year: " + strconv.Itoa(g.Year) + "; set by: " + g.OwnerName}
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, p := range progress {
			behind := map[string]bool{}
			for _, k := range p.Behind {
				behind[k] = true
			}
			row := []any{i + 1, p.Org.Label()}
			for _, k := range g.Indicators {
				met := web.Msg(lang, "达标", "met")
				if behind[k] {
					met = web.Msg(lang, "未达标", "behind")
				}
				row = append(row, xlsx.Percent(web.Round1(p.Values[k])), xlsx.Percent(p.Target[k]), met)
			}
			row = append(row, cmp.Or(targetSource(g, p), web.Msg(lang, "本目标", "this goal set")))
			if !yield(row) {
				return
			}
		}
	})
}
