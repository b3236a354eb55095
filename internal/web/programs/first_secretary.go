package programs

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The pages of the first secretaries (第一书记, M4): the ledger with its
// three lists (every term, terms ending soon, villages left without a
// first secretary), the dispatch form, a term with its work log and the
// forms that write an entry and end the term, and the form that opens the
// yearly review on the evaluation engine.

// fsecRoutes are the pages of the first secretaries.
func (h *Pages) fsecRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/first-secretaries", module.Web, h.FirstSecList),
		module.R("GET", "/first-secretaries/export.xlsx", module.Web, h.FirstSecExport),
		module.R("GET", "/first-secretaries/new", module.Web, h.FirstSecNewForm),
		module.R("POST", "/first-secretaries/new", module.Web, h.FirstSecNew),
		module.R("GET", "/first-secretaries/review", module.Web, h.FirstSecReviewForm),
		module.R("POST", "/first-secretaries/review", module.Web, h.FirstSecReview),
		module.R("GET", "/first-secretaries/{id}", module.Web, h.FirstSecShow),
		module.R("POST", "/first-secretaries/{id}/logs", module.Web, h.FirstSecLogAdd),
		module.R("POST", "/first-secretaries/{id}/end", module.Web, h.FirstSecEnd),
		module.R("GET", "/first-secretaries/{id}/photos/{pid}", module.Web, h.FirstSecPhoto),
	}
}

func fsHref(id int64) string { return "/first-secretaries/" + strconv.FormatInt(id, 10) }

// fsState is a term's state label and the class of its tag: over and not
// recorded in red, ended muted. The label carries the meaning.
func fsState(f programs.FirstSec, lang string) (string, string) {
	cls := map[string]string{"in_post": "ok", "expired": "red", "ended": "muted"}[f.State]
	if f.State == "in_post" && f.DaysLeft <= programs.DefaultExpiryDays {
		cls = "gold"
	}
	return org.LabelOf(programs.FirstSecStates, f.State, lang), cls
}

// fsRow is a term as the lists show it.
type fsRow struct {
	programs.FirstSec
	StateLabel, StateClass, EndLabel string
	Over                             int // days since the end of a term over and not recorded
}

func fsRows(fs []programs.FirstSec, lang string) []fsRow {
	out := make([]fsRow, len(fs))
	for i, f := range fs {
		out[i].FirstSec = f
		out[i].StateLabel, out[i].StateClass = fsState(f, lang)
		out[i].EndLabel = org.LabelOf(programs.FirstSecEndKinds, f.EndKind, lang)
		out[i].Over = -f.DaysLeft
	}
	return out
}

// fsListView is the ledger's page.
type fsListView struct {
	Rows      []fsRow
	List      *web.List
	Under     org.Org
	View      string
	Days      int
	State     string
	States    []org.Choice
	L         programs.FirstSecList
	All       int
	Filtered  bool
	CanManage bool
	// DayChoices are how far ahead the expiry list may look.
	DayChoices []int
}

// fsQuery reads the ledger's filters.
func (h *Pages) fsQuery(r *http.Request, p *web.Page, l *web.List) (programs.FirstSecQuery, org.Org, error) {
	under, err := h.ctScope(r, p)
	v := r.URL.Query()
	days := 0
	if d, e := strconv.Atoi(v.Get("days")); e == nil {
		days = d
	} else if v.Get("days") != "" {
		days = -1
	}
	return programs.FirstSecQuery{Under: under.ID, View: v.Get("view"), Days: days, State: v.Get("state"), Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}, under, err
}

// FirstSecList is the ledger: every term (by state), the terms ending
// within some days (90 unless told, the terms over and not recorded
// among them), or the terms ended with nobody taking over; searchable by
// the first secretary's, the organization's or the agency's name, and
// sortable.
func (h *Pages) FirstSecList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "fsec", h.T(lang, "fs.title"))
	l := web.ListFrom(r, "")
	q, under, err := h.fsQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list, err := h.pg.FirstSecTerms(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = list.Total
	v := &fsListView{Rows: fsRows(list.Items, lang), List: l, Under: under, View: list.View, Days: list.Days, State: q.State, States: programs.FirstSecStates,
		L: list, CanManage: actor.CanAnywhere(programs.ProgramsManage), Filtered: l.Q != "" || q.State != ""}
	for _, n := range list.Counts {
		v.All += n
	}
	v.DayChoices = []int{30, 60, 90, 180, 365}
	if !slices.Contains(v.DayChoices, v.Days) {
		v.DayChoices = append(v.DayChoices, v.Days)
		slices.Sort(v.DayChoices)
	}
	p.Crumbs = []web.Crumb{{Label: p.Title}}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "fsec_list", "layout", p)
}

// fsViewName is the name of a list, for its export.
func fsViewName(view string, days int) i18n.Text {
	switch view {
	case "expiring":
		return i18n.Textf("第一书记任期%d天内届满名单", "first secretaries whose terms end within %d days", days)
	case "vacant":
		return i18n.Text{ZH: "第一书记离任未接替名单", EN: "first secretaries gone with nobody sent"}
	}
	return i18n.Text{ZH: "第一书记台账", EN: "first secretaries"}
}

// FirstSecExport exports the list shown, with its filters.
func (h *Pages) FirstSecExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	q, under, err := h.fsQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	list, err := h.pg.FirstSecTerms(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	name := fsViewName(list.View, list.Days)
	header := []string{"序号", "第一书记", "派出单位", "派驻党组织", "任职日期", "任期届满", "剩余天数", "状态", "离任日期", "离任方式", "离任原因", "接任", "驻村日志(天)", "最近日志"}
	if lang == i18n.EN {
		header = []string{"No.", "First secretary", "Home agency", "Organization", "Started", "Term ends", "Days left", "State", "Ended", "How it ended", "Reason", "Taken over by", "Log days", "Last entry"}
	}
	scope := web.ExportScope(r, under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + name.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 10, 22, 26, 12, 12, 10, 12, 12, 10, 30, 10, 12, 12}, Kinds: []xlsx.Kind{xlsx.Integer, 6: xlsx.Integer, 12: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		var parts []string
		if under.ID != 0 {
			parts = append(parts, web.Msg(lang, "范围", "scope")+"="+under.Label())
		}
		if l.Q != "" {
			parts = append(parts, web.Msg(lang, "关键词", "search")+"="+l.Q)
		}
		if q.State != "" {
			parts = append(parts, web.Msg(lang, "状态", "state")+"="+org.LabelOf(programs.FirstSecStates, q.State, lang))
		}
		if list.View == "expiring" {
			parts = append(parts, web.Msg(lang, "届满期限", "ending within")+"="+strconv.Itoa(list.Days)+web.Msg(lang, "天", " days"))
		}
		if len(parts) == 0 {
			parts = append(parts, web.Msg(lang, "无", "none"))
		}
		return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
	})
	h.SendXLSX(w, r, scope, name, filters, s, func(yield func([]any) bool) {
		for i, f := range list.Items {
			var left any = ""
			if f.EndedOn == "" {
				left = f.DaysLeft
			}
			state, _ := fsState(f, lang)
			if !yield([]any{i + 1, f.PersonName, f.HomeAgency, f.OrgName, f.StartedOn, f.EndsOn, left, state, f.EndedOn,
				org.LabelOf(programs.FirstSecEndKinds, f.EndKind, lang), f.EndReason, f.SuccessorName, f.LogDays, f.LastLogOn}) {
				return
			}
		}
	})
}

// fsecMessages is the catalogue of the first secretaries' pages.
var fsecMessages = i18n.Catalog{
	"nav.fsec":                   {ZH: "第一书记", EN: "First secretaries"},
	"action.firstsec.dispatch":   {ZH: "选派第一书记", EN: "Dispatch a first secretary"},
	"action.firstsec.end":        {ZH: "办理第一书记离任", EN: "End a first secretary's term"},
	"action.firstsec.log":        {ZH: "记录驻村日志", EN: "Write a first secretary's log"},
	"action.firstsec.review":     {ZH: "发起第一书记年度评议", EN: "Open the first secretaries' review"},
	"audit.type_first_secretary": {ZH: "第一书记任期", EN: "First secretary's term"},

	"fs.title":         {ZH: "第一书记", EN: "First secretaries"},
	"fs.new":           {ZH: "选派第一书记", EN: "Dispatch a first secretary"},
	"fs.review":        {ZH: "年度评议", EN: "Yearly review"},
	"fs.view_all":      {ZH: "全部任期", EN: "All terms"},
	"fs.view_expiring": {ZH: "任期将满", EN: "Ending soon"},
	"fs.view_vacant":   {ZH: "离任未接替", EN: "Gone, nobody sent"},
	"fs.kpi_in_post":   {ZH: "在任", EN: "In post"},
	"fs.kpi_expiring":  {ZH: "%d 天内届满", EN: "Ending within %d days"},
	"fs.kpi_expired":   {ZH: "期满待办理", EN: "Over, not recorded"},
	"fs.kpi_vacant":    {ZH: "离任未接替", EN: "Gone, nobody sent"},
	"fs.org_pick":      {ZH: "党组织（含下级）", EN: "Organization (with those below)"},
	"fs.search":        {ZH: "姓名、村（社区）或派出单位", EN: "Name, village or agency"},
	"fs.all_states":    {ZH: "全部状态", EN: "Any state"},
	"fs.state":         {ZH: "状态", EN: "State"},
	"fs.days":          {ZH: "届满期限", EN: "Ending within"},
	"fs.days_n":        {ZH: "%d 天内", EN: "%d days"},
	"fs.clear":         {ZH: "清除筛选", EN: "Clear filters"},
	"fs.print":         {ZH: "打印", EN: "Print"},
	"fs.person":        {ZH: "第一书记", EN: "First secretary"},
	"fs.agency":        {ZH: "派出单位", EN: "Home agency"},
	"fs.org":           {ZH: "派驻党组织", EN: "Organization"},
	"fs.term":          {ZH: "任期", EN: "Term"},
	"fs.started":       {ZH: "任职日期", EN: "Started"},
	"fs.ends":          {ZH: "任期届满", EN: "Term ends"},
	"fs.ended":         {ZH: "离任日期", EN: "Ended"},
	"fs.left":          {ZH: "剩余", EN: "Left"},
	"fs.days_left":     {ZH: "%d 天", EN: "%d days"},
	"fs.overdue":       {ZH: "已过 %d 天", EN: "%d days over"},
	"fs.logs":          {ZH: "驻村日志", EN: "Log"},
	"fs.log_days":      {ZH: "%d 天", EN: "%d days"},
	"fs.end_kind":      {ZH: "离任方式", EN: "How it ended"},
	"fs.successor":     {ZH: "接任", EN: "Taken over by"},
	"fs.predecessor":   {ZH: "接替", EN: "Took over from"},
	"fs.send_next":     {ZH: "选派接任", EN: "Send a successor"},
	"fs.empty":         {ZH: "尚无第一书记任期，可由组织部门从党员名册中选派第一书记", EN: "No first secretary yet: the organization department dispatches them from the member register"},
	"fs.no_match":      {ZH: "没有符合筛选条件的任期", EN: "No term matches the filters"},
	"fs.none_expiring": {ZH: "%d 天内没有届满的任期", EN: "No term ends within %d days"},
	"fs.none_vacant":   {ZH: "没有离任后未接替的村（社区）", EN: "Every first secretary who left has a successor"},
	"fs.expiring_note": {ZH: "含任期已满但尚未办理离任的；请及时办理期满离任，或选派接任。", EN: "Terms over whose end is not recorded are listed too: record the end, or send a successor."},
	"fs.vacant_note":   {ZH: "离任（期满、召回或轮换）后尚未选派新的第一书记的村（社区）。", EN: "Villages whose first secretary left (term over, recalled or rotated) with nobody sent since."},

	// A term.
	"fs.facts":        {ZH: "基本情况", EN: "Details"},
	"fs.duties":       {ZH: "驻村工作职责", EN: "Duties"},
	"fs.register":     {ZH: "党员名册", EN: "Member register"},
	"fs.register_is":  {ZH: "已在党员名册登记第一书记任职（任职记录 %d）", EN: "Recorded in the member register (post %d)"},
	"fs.back":         {ZH: "返回第一书记台账", EN: "Back to the ledger"},
	"fs.months":       {ZH: "每月驻村日志天数", EN: "Log days a month"},
	"fs.month":        {ZH: "月份", EN: "Month"},
	"fs.month_days":   {ZH: "日志天数", EN: "Days"},
	"fs.month_n":      {ZH: "条数", EN: "Entries"},
	"fs.months_table": {ZH: "按月统计表", EN: "By month, as a table"},
	"fs.months_drill": {ZH: "点击柱形查看该月的日志。", EN: "Click a bar for that month's entries."},
	"fs.log":          {ZH: "驻村日志", EN: "Work log"},
	"fs.log_of":       {ZH: "%s 的日志", EN: "Entries of %s"},
	"fs.log_all":      {ZH: "全部月份", EN: "All months"},
	"fs.no_logs":      {ZH: "尚无驻村日志", EN: "No log entry yet"},
	"fs.logged_on":    {ZH: "日期", EN: "Date"},
	"fs.text":         {ZH: "日志内容", EN: "Entry"},
	"fs.photos":       {ZH: "照片", EN: "Photos"},
	"fs.by":           {ZH: "记录人", EN: "Written by"},
	"fs.write":        {ZH: "记录驻村日志", EN: "Write a log entry"},
	"fs.write_save":   {ZH: "保存日志", EN: "Save the entry"},
	"fs.text_hint":    {ZH: "当天做了什么、走访了哪些群众、解决了什么问题，4–2000 字", EN: "What was done that day, whom the first secretary met, what was solved; 4 to 2,000 characters"},
	"fs.photo_pick":   {ZH: "照片", EN: "Photos"},
	"fs.photo_hint":   {ZH: "最多 5 张 JPG 或 PNG 图片，合计不超过 10 MB；照片中的拍摄地点、时间等信息会被删除", EN: "At most 5 JPG or PNG images, 10 MB in all; the place and time a phone writes into a photo are removed"},
	"fs.log_who":      {ZH: "日志由第一书记所在村（社区）党组织或组织部门记录。", EN: "The log is written by the village's organization or the organization department."},
	"fs.log_saved":    {ZH: "已记录 %s 的驻村日志", EN: "Log entry of %s saved"},
	"fs.log_closed":   {ZH: "该村（社区）党组织已撤销，不能再记录驻村日志。", EN: "The organization is dissolved: no log entry can be written."},
	"fs.reviews":      {ZH: "年度评议（三述三评）", EN: "Yearly reviews"},
	"fs.no_reviews":   {ZH: "尚无可查看的年度评议", EN: "No review to show"},
	"fs.campaign":     {ZH: "评议", EN: "Review"},
	"fs.year":         {ZH: "年度", EN: "Year"},
	"fs.status":       {ZH: "进度", EN: "Status"},
	"fs.grade":        {ZH: "等次", EN: "Grade"},
	"fs.total":        {ZH: "得分", EN: "Score"},
	"fs.not_yet":      {ZH: "结果公布后显示", EN: "Shown once published"},
	"fs.capped":       {ZH: "得分达到优秀，因优秀比例不超过 10% 调整为合格", EN: "Scored 优秀; the 10 % cap moved it down"},
	"fs.ungraded":     {ZH: "票数不足，未评定等次", EN: "Too few ballots: not graded"},
	"fs.end":          {ZH: "办理离任", EN: "End the term"},
	"fs.end_save":     {ZH: "确认离任", EN: "End the term"},
	"fs.end_confirm":  {ZH: "离任后党员名册中的第一书记任职同时结束，且不能撤销。确定办理吗？", EN: "The post in the member register ends with it, and this cannot be undone. End the term?"},
	"fs.end_hint":     {ZH: "期满离任：任期届满之日或之后；召回、轮换：提前结束任期，须填写原因", EN: "Completed: on or after the end of the term; recalled or rotated: early, with the reason"},
	"fs.reason":       {ZH: "原因或说明", EN: "Reason or note"},
	"fs.reason_hint":  {ZH: "召回、轮换必填，4–500 字", EN: "Required when recalled or rotated; 4 to 500 characters"},
	"fs.end_who":      {ZH: "离任由组织部门办理。", EN: "The organization department ends a term."},
	"fs.ended_saved":  {ZH: "已办理%s离任（%s）", EN: "%s's term ended (%s)"},
	"fs.choose":       {ZH: "请选择", EN: "Choose"},

	// The dispatch form.
	"fs.person_label":  {ZH: "第一书记（在册党员）", EN: "First secretary (a member of the register)"},
	"fs.org_hint":      {ZH: "派驻的村（社区）党组织；同一时间只有一名第一书记", EN: "The village's or community's organization; one first secretary at a time"},
	"fs.agency_hint":   {ZH: "如“南宁市财政局”，2–100 字", EN: "Such as 南宁市财政局; 2 to 100 characters"},
	"fs.started_hint":  {ZH: "到任之日，不晚于今天", EN: "The day of arrival, not after today"},
	"fs.ends_hint":     {ZH: "一般任期两年，最长 5 年", EN: "Usually two years, five at most"},
	"fs.duties_hint":   {ZH: "建强基层组织、推动乡村振兴、为民办事服务、提升治理水平等，4–1000 字", EN: "Building the organization, rural revitalization, serving the villagers, governance; 4 to 1,000 characters"},
	"fs.dispatch":      {ZH: "确认选派", EN: "Dispatch"},
	"fs.cancel":        {ZH: "取消", EN: "Cancel"},
	"fs.form_note":     {ZH: "选派后在党员名册中同时登记第一书记任职；同一人任期不能重叠。", EN: "The post is recorded in the member register too; a person's terms never overlap."},
	"fs.dispatched":    {ZH: "已选派%s任%s第一书记", EN: "%s dispatched as first secretary of %s"},
	"fs.successor_of":  {ZH: "接替%s（%s 离任）", EN: "Succeeding %s (left %s)"},
	"fs.review_title":  {ZH: "发起第一书记年度评议", EN: "Open the first secretaries' yearly review"},
	"fs.review_intro":  {ZH: "按“三述三评”评议模板建立测评草稿：第一书记向村民、乡镇党委和派出单位述职，村民代表（权重 40%）、乡镇党委和派出单位（各 30%）评议，评价为满意、基本满意、不满意，并提出建议留任或建议调整；等次为优秀、合格、基本合格、不合格，优秀不超过评议对象的 10%（向下取整，不足 10 人时不评优秀）。评议对象为该组织及下级当年在任的第一书记（召回的除外）。", EN: "Creates a draft campaign from the 三述三评 template: the first secretaries report to the villagers, the township and their home agencies; villagers' representatives (40 %), the township and the agency (30 % each) answer satisfied, fairly satisfied or dissatisfied, and recommend keeping or replacing; grades 优秀, 合格, 基本合格, 不合格, with at most 10 % of the subjects 优秀 (rounded down: with fewer than ten, none). The subjects are the first secretaries of the subtree in post that year, recalled ones apart."},
	"fs.review_org":    {ZH: "组织评议的党组织", EN: "Organization running the review"},
	"fs.review_year":   {ZH: "评议年度", EN: "Year reviewed"},
	"fs.opens_on":      {ZH: "测评开始日期", EN: "Opens on"},
	"fs.closes_on":     {ZH: "测评结束日期", EN: "Closes on"},
	"fs.review_open":   {ZH: "建立评议", EN: "Create the review"},
	"fs.review_next":   {ZH: "建立后在“评议考核”中发放测评票、开始和结束测评、公布结果。", EN: "Then issue ballot codes, open, close and publish it under Evaluations."},
	"fs.review_opened": {ZH: "已建立%d年度第一书记评议，评议对象 %d 人", EN: "The %d review is created with %d first secretaries"},
	"fs.review_no_top": {ZH: "评议对象不足 10 人，按优秀不超过 10% 的规定，本次评议不评优秀", EN: "Fewer than ten first secretaries: with at most 10 % 优秀, none of them can be graded 优秀 in this review"},
	"fs.st_draft":      {ZH: "草稿", EN: "Draft"},
	"fs.st_open":       {ZH: "进行中", EN: "Open"},
	"fs.st_closed":     {ZH: "已结束", EN: "Closed"},
	"fs.st_published":  {ZH: "已公布", EN: "Published"},
}
