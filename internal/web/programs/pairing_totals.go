package programs

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// prTotalsView is the totals page.
type prTotalsView struct {
	Rows  []programs.PairingTotal
	Sum   programs.PairingTotal
	Under org.Org
	Year  int
	Years []int
	None  int // children without a pairing in the year
	// The charts: commitments done in full and funds delivered, in % by
	// county.
	Done, Funds template.JS
}

func (h *Pages) prTotals(r *http.Request, p *web.Page) (*prTotalsView, error) {
	ctx, actor := r.Context(), web.Actor(r)
	under, err := h.ctScope(r, p)
	if err != nil {
		return nil, err
	}
	v := &prTotalsView{Year: ctYear(r.URL.Query()), Years: ctYears(h.pg.Today().Year())}
	if v.Year == 0 {
		v.Year = h.pg.Today().Year()
	}
	rows, sum, err := h.pg.PairingTotals(ctx, actor, under.ID, v.Year)
	if err != nil {
		return nil, err
	}
	v.Sum = sum
	if under.ID == 0 {
		under, err = h.Orgs.Get(ctx, actor, sum.OrgID)
		if err != nil {
			return nil, err
		}
	}
	v.Under = under
	for _, t := range rows {
		if t.Pairings > 0 {
			v.Rows = append(v.Rows, t)
		} else {
			v.None++
		}
	}
	return v, nil
}

// PairingTotals shows the pairings of a year by county (the children of
// the organization shown): pairings, commitments and those done in full,
// the funds committed and delivered, with charts that lead to each
// county's own totals.
func (h *Pages) PairingTotals(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "pairings", h.T(lang, "pr.totals"))
	v, err := h.prTotals(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	done := web.RateChart{Type: "bar", Title: h.T(lang, "pr.chart_done"), Unit: "%"}
	funds := web.RateChart{Type: "bar", Title: h.T(lang, "pr.chart_funds"), Unit: "%"}
	for _, t := range v.Rows {
		href := ""
		if t.OrgID != v.Under.ID {
			href = "/pairings/totals?year=" + strconv.Itoa(v.Year) + "&org=" + strconv.FormatInt(t.OrgID, 10)
		}
		if t.Commitments > 0 {
			done.Items = append(done.Items, web.RateItem{Name: t.OrgName, Value: web.Round1(float64(t.Completed) * 100 / float64(t.Commitments)), Href: href})
		}
		if t.FundsCommitted > 0 {
			funds.Items = append(funds.Items, web.RateItem{Name: t.OrgName, Value: web.Round1(float64(t.FundsDelivered) * 100 / float64(t.FundsCommitted)), Href: href})
		}
	}
	if len(done.Items) > 0 {
		v.Done, p.Charts = web.RateChartJSON(done), true
	}
	if len(funds.Items) > 0 {
		v.Funds, p.Charts = web.RateChartJSON(funds), true
	}
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "pr.title"), Href: "/pairings"}, {Label: p.Title}}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "pairing_totals", "layout", p)
}

// PairingTotalsExport exports the totals of the page.
func (h *Pages) PairingTotalsExport(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	v, err := h.prTotals(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	name := i18n.Text{ZH: "结对共建年度统计", EN: "pairing totals of the year"}
	header := []string{"序号", "单位", "结对(对)", "年度承诺(项)", "已完成(项)", "承诺资金(元)", "到位资金(元)", "资金到位率", "帮建项目(个)", "已完成项目(个)", "共建活动(次)", "已开展活动(次)"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Pairings", "Commitments", "Done in full", "Funds committed (yuan)", "Funds delivered (yuan)", "Share delivered", "Projects", "Projects done", "Activities", "Activities held"}
	}
	scope := web.ExportScope(r, v.Under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + name.In(lang)), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 24, 10, 12, 10, 14, 14, 12, 10, 12, 10, 12},
		Kinds:  []xlsx.Kind{xlsx.Integer, 2: xlsx.Integer, 3: xlsx.Integer, 4: xlsx.Integer, 5: xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Percent1, 8: xlsx.Integer, 9: xlsx.Integer, 10: xlsx.Integer, 11: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		f := ctFilters(lang, org.Org{}, "", "", "", v.Year)
		if v.None > 0 {
			f += web.Msg(lang, fmt.Sprintf("（另有 %d 个下级单位本年度无结对）", v.None), fmt.Sprintf(" (%d organizations below have no pairing this year)", v.None))
		}
		return f
	})
	h.SendXLSX(w, r, scope, name, filters, s, func(yield func([]any) bool) {
		for i, t := range append(v.Rows, v.Sum) {
			seq, name := any(i+1), t.OrgName
			if i == len(v.Rows) {
				seq, name = "", web.Msg(lang, "合计", "Total")
			}
			rate := any("")
			if t.FundsCommitted > 0 {
				rate = float64(t.FundsDelivered) / float64(t.FundsCommitted)
			}
			if !yield([]any{seq, name, t.Pairings, t.Commitments, t.Completed, t.FundsCommitted, t.FundsDelivered, rate, t.Projects, t.ProjectsDone, t.Activities, t.ActivitiesDone}) {
				return
			}
		}
	})
}

// pairingMessages is the catalogue of the pairings' pages.
var pairingMessages = i18n.Catalog{
	"nav.pairings":            {ZH: "结对共建", EN: "Pairing"},
	"action.pairing.create":   {ZH: "结对共建", EN: "Pair two organizations"},
	"action.pairing.commit":   {ZH: "设定结对年度承诺", EN: "Set a pairing's commitment"},
	"action.pairing.complete": {ZH: "登记结对承诺完成情况", EN: "Record a pairing's delivery"},
	"audit.type_pairing":      {ZH: "结对共建", EN: "Pairing"},

	"pr.title":          {ZH: "结对共建", EN: "Pairing for co-construction"},
	"pr.new":            {ZH: "新增结对", EN: "Pair two organizations"},
	"pr.totals":         {ZH: "分县（市、区）统计", EN: "Totals by county"},
	"pr.kpi_pairings":   {ZH: "结对（对）", EN: "Pairings"},
	"pr.kpi_done":       {ZH: "年度承诺完成", EN: "Commitments done in full"},
	"pr.kpi_funds":      {ZH: "资金到位", EN: "Funds delivered"},
	"pr.kpi_funds_sub":  {ZH: "承诺 %s 元", EN: "of %s yuan committed"},
	"pr.kpi_projects":   {ZH: "帮建项目", EN: "Projects"},
	"pr.kpi_activities": {ZH: "共建活动", EN: "Joint activities"},
	"pr.of":             {ZH: "/ %s", EN: "/ %s"},
	"pr.yuan":           {ZH: "元", EN: "yuan"},
	"pr.search":         {ZH: "党组织名称", EN: "Organization"},
	"pr.agency":         {ZH: "机关单位党组织", EN: "Agency's organization"},
	"pr.grassroots":     {ZH: "结对党组织", EN: "Paired with"},
	"pr.years":          {ZH: "结对年度", EN: "Years"},
	"pr.from_year":      {ZH: "起始年度", EN: "From"},
	"pr.to_year":        {ZH: "结束年度", EN: "To"},
	"pr.commitments":    {ZH: "年度承诺", EN: "Commitments"},
	"pr.rate":           {ZH: "完成率", EN: "Completion"},
	"pr.funds":          {ZH: "资金到位（元）", EN: "Funds (yuan)"},
	"pr.done_of":        {ZH: "%d / %d 项", EN: "%d of %d"},
	"pr.empty":          {ZH: "本年度尚无结对共建，可由组织部门将机关、事业单位、国有企业党组织与村（社区）、两新组织党组织结对", EN: "No pairing this year yet: the organization department pairs an agency's organization with a village, a community or a 两新 organization"},
	"pr.no_match":       {ZH: "没有符合条件的结对", EN: "No pairing matches"},
	"pr.rate_note":      {ZH: "完成率为本年度各项承诺完成程度的平均值（每项以目标为 100%）；一项承诺的完成登记累计不超过其目标。", EN: "The completion is the mean of the year's commitments, each counted against its target; what is recorded never exceeds a target."},
	"pr.no_commitment":  {ZH: "无承诺", EN: "None"},

	// The form that pairs two organizations.
	"pr.agency_hint":     {ZH: "机关、事业单位或国有企业党组织", EN: "The organization of an organ, a public institution or a state-owned enterprise"},
	"pr.grassroots_hint": {ZH: "村、社区党组织或两新组织党组织", EN: "A village's, a community's or a 两新 organization's"},
	"pr.to_hint":         {ZH: "长期结对请留空", EN: "Leave empty for an ongoing pairing"},
	"pr.note":            {ZH: "备注", EN: "Note"},
	"pr.create":          {ZH: "确定结对", EN: "Pair them"},
	"pr.cancel":          {ZH: "取消", EN: "Cancel"},
	"pr.form_note":       {ZH: "同一对党组织在同一年度只能结对一次；结对后按年度设定承诺。", EN: "The same two organizations pair once for any year; commitments are set year by year afterwards."},
	"pr.created":         {ZH: "%s与%s已结对，请设定年度承诺", EN: "%s is paired with %s: set the year's commitments"},

	// A pairing.
	"pr.facts":           {ZH: "结对情况", EN: "The pairing"},
	"pr.category":        {ZH: "单位类别", EN: "Category"},
	"pr.year_commit":     {ZH: "%d 年度承诺", EN: "Commitments of %d"},
	"pr.year_pick":       {ZH: "查看年度", EN: "Year"},
	"pr.kind":            {ZH: "承诺类别", EN: "Kind"},
	"pr.content":         {ZH: "承诺内容", EN: "What is committed"},
	"pr.target":          {ZH: "目标", EN: "Target"},
	"pr.done":            {ZH: "已完成", EN: "Done"},
	"pr.completions":     {ZH: "完成登记", EN: "Deliveries"},
	"pr.done_on":         {ZH: "完成日期", EN: "Date"},
	"pr.amount":          {ZH: "本次完成数量", EN: "Amount delivered"},
	"pr.evidence":        {ZH: "佐证说明", EN: "Evidence"},
	"pr.files":           {ZH: "佐证材料", EN: "Files"},
	"pr.by":              {ZH: "登记人", EN: "Recorded by"},
	"pr.no_commitments":  {ZH: "本年度尚未设定承诺", EN: "No commitment set for this year"},
	"pr.no_completions":  {ZH: "尚未登记完成情况", EN: "Nothing recorded yet"},
	"pr.add_commitment":  {ZH: "设定年度承诺", EN: "Set a commitment"},
	"pr.commit_save":     {ZH: "保存承诺", EN: "Save the commitment"},
	"pr.target_hint":     {ZH: "帮扶资金以元计，帮建项目以个计，共建活动以次计", EN: "Funds in yuan, projects and activities by number"},
	"pr.content_hint":    {ZH: "承诺做什么，2–500 字", EN: "What will be done, 2 to 500 characters"},
	"pr.commit_note":     {ZH: "每类承诺每年一项。", EN: "One commitment of each kind a year."},
	"pr.record":          {ZH: "登记完成情况", EN: "Record a delivery"},
	"pr.record_save":     {ZH: "保存完成情况", EN: "Save the delivery"},
	"pr.which":           {ZH: "完成的承诺", EN: "Commitment"},
	"pr.left":            {ZH: "%s（还差 %s %s）", EN: "%s (%s %s to go)"},
	"pr.amount_hint":     {ZH: "资金以元计，项目以个计，活动以次计；累计不能超过承诺目标", EN: "Yuan for funds, a number for projects and activities; never beyond the target in all"},
	"pr.evidence_hint":   {ZH: "做了什么、在哪里、谁参加或资金去向，4–1000 字", EN: "What was done, where, who took part or where the money went; 4 to 1000 characters"},
	"pr.files_hint":      {ZH: "可上传最多 %d 个 JPG、PNG 图片或 PDF 文件，每个不超过 10 MB；照片的拍摄地点等信息会被去除", EN: "Up to %d JPG or PNG images or PDF files of at most 10 MB each; the place and other details are removed from photos"},
	"pr.all_done":        {ZH: "本年度承诺已全部完成。", EN: "Every commitment of the year is done."},
	"pr.committed":       {ZH: "已设定 %d 年“%s”承诺", EN: "Commitment of %d set: %s"},
	"pr.completed_saved": {ZH: "已登记完成情况", EN: "Delivery recorded"},
	"pr.not_running":     {ZH: "该结对本年度不在结对期内。", EN: "The pairing does not run in this year."},
	"pr.who":             {ZH: "承诺由结对双方的组织部门设定；完成情况由组织部门或结对双方党组织登记。", EN: "The organization departments of the two sides set the commitments; they or the two organizations record what was delivered."},
	"pr.back":            {ZH: "返回结对列表", EN: "Back to the list"},

	// The totals.
	"pr.chart_done":  {ZH: "年度承诺完成率（全部完成的承诺占比）", EN: "Commitments done in full (%)"},
	"pr.chart_funds": {ZH: "资金到位率（到位资金占承诺资金）", EN: "Funds delivered of committed (%)"},
	"pr.drill":       {ZH: "点击柱形查看该单位的下级统计。", EN: "Click a bar for the totals below that organization."},
	"pr.unit":        {ZH: "单位", EN: "Organization"},
	"pr.pairings_n":  {ZH: "结对", EN: "Pairings"},
	"pr.commits_n":   {ZH: "承诺", EN: "Commitments"},
	"pr.done_n":      {ZH: "已完成", EN: "Done"},
	"pr.funds_c":     {ZH: "承诺资金", EN: "Funds committed"},
	"pr.funds_d":     {ZH: "到位资金", EN: "Funds delivered"},
	"pr.total":       {ZH: "合计", EN: "Total"},
	"pr.none_below":  {ZH: "另有 %d 个下级单位本年度无结对。", EN: "%d organizations below have no pairing this year. "},
	"pr.totals_note": {ZH: "结对按结对党组织（村、社区、两新组织）所在单位统计，资金单位为元。", EN: "Pairings count where their grassroots organization lies; funds in yuan."},
	"pr.print":       {ZH: "打印", EN: "Print"},
	"pr.year_of":     {ZH: "%d 年", EN: "%d"},
	"pr.list":        {ZH: "结对列表", EN: "Pairings"},
}
