package programs

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The pages of the leaders' contact points (M7): the compliance list of a
// year with the counts of each state and a chart by county, the form that
// sets a contact point, a contact point with its visits and the form that
// logs one, and the rules of the visits a year.

// contactRoutes are the pages of the contact points.
func (h *Pages) contactRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/contacts", module.Web, h.ContactList),
		module.R("GET", "/contacts/export.xlsx", module.Web, h.ContactExport),
		module.R("GET", "/contacts/new", module.Web, h.ContactNewForm),
		module.R("POST", "/contacts/new", module.Web, h.ContactNew),
		module.R("GET", "/contacts/rules", module.Web, h.ContactRules),
		module.R("POST", "/contacts/rules", module.Web, h.ContactRuleSet),
		module.R("GET", "/contacts/{id}", module.Web, h.ContactShow),
		module.R("POST", "/contacts/{id}/visits", module.Web, h.ContactVisit),
	}
}

// ctYear reads ?year=, 0 when absent or not a year.
func ctYear(v url.Values) int {
	y, err := strconv.Atoi(v.Get("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0
	}
	return y
}

// ctYears are the years a filter offers: next year, this year and the
// four before.
func ctYears(this int) []int {
	out := []int{this + 1}
	for y := this; y >= this-4; y-- {
		out = append(out, y)
	}
	return out
}

// ctScope reads the organization of ?org= (typed or picked), the zero
// organization for the actor's whole scope; a name that matches none or
// several is said at the picker when p is given.
func (h *Pages) ctScope(r *http.Request, p *web.Page) (org.Org, error) {
	ctx, actor := r.Context(), web.Actor(r)
	v := r.URL.Query()
	if err := h.ResolveOrg(ctx, actor, v, "org", web.PickFilter{}); err != nil {
		if errs.As(err).Field != "org" || p == nil {
			return org.Org{}, err
		}
		p.Errors["org"] = web.ErrMessage(err, p.Lang)
	}
	if p != nil {
		p.Form = v
	}
	s := v.Get("org")
	if s == "" {
		return org.Org{}, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return org.Org{}, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
	}
	return h.Orgs.Get(ctx, actor, id)
}

// ctFilters is the filter line of an export.
func ctFilters(lang string, under org.Org, q, label, val string, year int) string {
	var parts []string
	if under.ID != 0 {
		parts = append(parts, web.Msg(lang, "范围", "scope")+"="+under.Label())
	}
	if q != "" {
		parts = append(parts, web.Msg(lang, "关键词", "search")+"="+q)
	}
	if val != "" {
		parts = append(parts, label+"="+val)
	}
	parts = append(parts, web.Msg(lang, "年度", "year")+"="+strconv.Itoa(year))
	return web.Msg(lang, "筛选：", "Filters: ") + strings.Join(parts, web.Msg(lang, "；", "; "))
}

// ctRow is a contact point as the list shows it.
type ctRow struct {
	programs.Contact
	StateLabel, StateClass string
}

// ctState is a state's label and the class of its tag: behind in red,
// met in green. The label carries the meaning, the colour repeats it.
func ctState(state, lang string) (string, string) {
	cls := map[string]string{"behind": "red", "on_track": "gold", "met": "ok"}[state]
	return org.LabelOf(programs.ContactStates, state, lang), cls
}

func ctRows(cs []programs.Contact, lang string) []ctRow {
	out := make([]ctRow, len(cs))
	for i, c := range cs {
		out[i].Contact = c
		out[i].StateLabel, out[i].StateClass = ctState(c.State, lang)
	}
	return out
}

// ctListView is the compliance list.
type ctListView struct {
	Rows      []ctRow
	List      *web.List
	Under     org.Org
	Year      int
	Years     []int
	State     string
	States    []org.Choice
	Counts    map[string]int
	All       int
	Filtered  bool
	CanManage bool
	// The chart by county and its table: the share of the contact
	// points on schedule (done or on track) in each.
	Chart  template.JS
	Totals []programs.ContactTotal
	Sum    programs.ContactTotal
	None   int // children of the organization shown without a contact point
	// Default is the visits a year where no rule is set.
	Default int
}

func (h *Pages) ctQuery(r *http.Request, p *web.Page, l *web.List) (programs.ContactQuery, org.Org, error) {
	under, err := h.ctScope(r, p)
	v := r.URL.Query()
	return programs.ContactQuery{Under: under.ID, Year: ctYear(v), State: v.Get("state"), Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}, under, err
}

// ContactList is the compliance list of a year: each contact point with
// its visits so far, the visits the rule asks for and where it stands, the
// counts of each state at the top and the share on schedule by county;
// searchable by the leader's or the organization's name, by state and
// sortable.
func (h *Pages) ContactList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "contacts", h.T(lang, "ct.title"))
	l := web.ListFrom(r, "")
	q, under, err := h.ctQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list, err := h.pg.Contacts(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &ctListView{Rows: ctRows(list.Items, lang), List: l, Under: under, Year: list.Year, Years: ctYears(h.pg.Today().Year()), State: q.State,
		States: programs.ContactStates, Counts: list.Counts, Default: programs.DefaultMinVisits, CanManage: actor.CanAnywhere(programs.ProgramsManage), Filtered: l.Q != "" || q.State != ""}
	l.Total = list.Total
	for _, n := range list.Counts {
		v.All += n
	}
	rows, sum, err := h.pg.ContactTotals(ctx, actor, under.ID, list.Year)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v.Sum = sum
	chart := web.RateChart{Type: "bar", Title: h.T(lang, "ct.chart"), Unit: "%"}
	for _, t := range rows {
		if t.Points == 0 {
			v.None++
			continue
		}
		v.Totals = append(v.Totals, t)
		href := ""
		if t.OrgID != sum.OrgID {
			href = "/contacts?year=" + strconv.Itoa(list.Year) + "&org=" + strconv.FormatInt(t.OrgID, 10)
		}
		chart.Items = append(chart.Items, web.RateItem{Name: t.OrgName, Value: web.Round1(float64(t.Met+t.OnTrack) * 100 / float64(t.Points)), Href: href})
	}
	// A scope without organizations below it (a village's secretary)
	// has nothing to compare.
	if len(chart.Items) > 1 || len(chart.Items) == 1 && v.Totals[0].OrgID != sum.OrgID {
		v.Chart = web.RateChartJSON(chart)
		p.Charts = true
	}
	p.Crumbs = []web.Crumb{{Label: p.Title}}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "contact_list", "layout", p)
}

// ContactExport exports the compliance list with its filters.
func (h *Pages) ContactExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	q, under, err := h.ctQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	list, err := h.pg.Contacts(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	name := i18n.Text{ZH: "领导干部基层联系点走访达标情况", EN: "leaders' contact points"}
	header := []string{"序号", "领导干部", "职务", "所在党组织", "联系点", "年度", "已走访(次)", "年度要求(次)", "截至今日应走访(次)", "最近走访", "状态"}
	if lang == i18n.EN {
		header = []string{"No.", "Leader", "Post", "Leads from", "Contact point", "Year", "Visits", "Required a year", "Due by today", "Last visit", "State"}
	}
	scope := web.ExportScope(r, under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + name.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 10, 16, 20, 26, 8, 10, 12, 14, 12, 10}, Kinds: []xlsx.Kind{xlsx.Integer, 5: xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Integer, 8: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		return ctFilters(lang, under, l.Q, web.Msg(lang, "状态", "state"), org.LabelOf(programs.ContactStates, q.State, lang), list.Year)
	})
	h.SendXLSX(w, r, scope, name, filters, s, func(yield func([]any) bool) {
		for i, c := range list.Items {
			if !yield([]any{i + 1, c.LeaderName, c.Post, c.LeaderOrgName, c.OrgName, c.Year, c.VisitCount, c.Required, c.Expected, c.LastVisitOn, org.LabelOf(programs.ContactStates, c.State, lang)}) {
				return
			}
		}
	})
}

func ctHref(id int64) string { return "/contacts/" + strconv.FormatInt(id, 10) }

// contactMessages is the catalogue of the contact points' pages.
var contactMessages = i18n.Catalog{
	"nav.contacts":             {ZH: "领导联系点", EN: "Contact points"},
	"action.contact.create":    {ZH: "设置领导干部联系点", EN: "Set a leader's contact point"},
	"action.contact.visit":     {ZH: "登记联系点走访", EN: "Log a contact point visit"},
	"action.contact.rule":      {ZH: "设置联系点走访要求", EN: "Set the contact points' rule"},
	"audit.type_contact_point": {ZH: "领导干部联系点", EN: "Contact point"},

	"ct.title":        {ZH: "领导干部基层联系点", EN: "Leaders' contact points"},
	"ct.new":          {ZH: "设置联系点", EN: "Set a contact point"},
	"ct.rules":        {ZH: "走访要求", EN: "Visit rule"},
	"ct.year_of":      {ZH: "%d 年", EN: "%d"},
	"ct.scope":        {ZH: "范围", EN: "Scope"},
	"ct.org_pick":     {ZH: "党组织（含下级）", EN: "Organization (with those below)"},
	"ct.search":       {ZH: "领导姓名或党组织名称", EN: "Leader or organization"},
	"ct.all_states":   {ZH: "全部状态", EN: "Any state"},
	"ct.year":         {ZH: "年度", EN: "Year"},
	"ct.clear":        {ZH: "清除筛选", EN: "Clear filters"},
	"ct.kpi_all":      {ZH: "联系点", EN: "Contact points"},
	"ct.kpi_behind":   {ZH: "进度落后", EN: "Behind"},
	"ct.kpi_on_track": {ZH: "进度正常", EN: "On track"},
	"ct.kpi_met":      {ZH: "已达标", EN: "Met"},
	"ct.kpi_share":    {ZH: "占 %s", EN: "%s of all"},
	"ct.chart":        {ZH: "按期达标率（已达标或进度正常的联系点占比）", EN: "Share on schedule (met or on track)"},
	"ct.by_county":    {ZH: "分单位统计", EN: "By organization"},
	"ct.county_table": {ZH: "各单位联系点数", EN: "Contact points by organization"},
	"ct.drill":        {ZH: "点击柱形查看该单位的联系点。", EN: "Click a bar for the contact points of that organization."},
	"ct.none_below":   {ZH: "另有 %d 个下级单位本年度无联系点。", EN: "%d organizations below have no contact point this year. "},
	"ct.count_note":   {ZH: "联系点按所在党组织计入各单位，市级领导在县（区）的联系点计入该县（区）。", EN: "Contact points count where their organization lies: a city leader's contact point in a county counts in that county."},
	"ct.leader":       {ZH: "领导干部", EN: "Leader"},
	"ct.post":         {ZH: "职务", EN: "Post"},
	"ct.leader_org":   {ZH: "所在党组织", EN: "Leads from"},
	"ct.point":        {ZH: "联系点", EN: "Contact point"},
	"ct.visits":       {ZH: "已走访 / 要求", EN: "Visits / required"},
	"ct.visits_n":     {ZH: "走访次数", EN: "Visits"},
	"ct.expected":     {ZH: "截至今日应走访", EN: "Due by today"},
	"ct.last_visit":   {ZH: "最近走访", EN: "Last visit"},
	"ct.state":        {ZH: "状态", EN: "State"},
	"ct.points":       {ZH: "联系点", EN: "Points"},
	"ct.total":        {ZH: "合计", EN: "Total"},
	"ct.unit":         {ZH: "单位", EN: "Organization"},
	"ct.rate":         {ZH: "按期达标率", EN: "On schedule"},
	"ct.empty":        {ZH: "本年度尚无领导干部联系点，可由组织部门为县级以上领导干部设置联系点", EN: "No contact point this year yet: the organization department sets them for leaders of a county or above"},
	"ct.no_match":     {ZH: "没有符合筛选条件的联系点", EN: "No contact point matches the filters"},
	"ct.rule_note":    {ZH: "每个联系点每年至少走访的次数由县（市、区）或市级组织部门设置，未设置的为 %d 次；“截至今日应走访”按年度已过天数折算（向下取整）。", EN: "The visits a year each contact point needs are set by a county's or the city's organization department, %d where none is set; \"due by today\" is the share of them for the part of the year gone by, rounded down."},
	"ct.not_in_scope": {ZH: "已不在管辖范围内", EN: "No longer in scope"},
	"ct.print":        {ZH: "打印", EN: "Print"},

	// A contact point and its visits.
	"ct.point_title":    {ZH: "联系点", EN: "Contact point"},
	"ct.facts":          {ZH: "基本情况", EN: "Details"},
	"ct.required":       {ZH: "年度要求", EN: "Required a year"},
	"ct.times":          {ZH: "%d 次", EN: "%d visits"},
	"ct.note":           {ZH: "备注", EN: "Note"},
	"ct.visit_log":      {ZH: "走访记录", EN: "Visits"},
	"ct.no_visits":      {ZH: "尚未登记走访", EN: "No visit logged yet"},
	"ct.visited_on":     {ZH: "走访日期", EN: "Date"},
	"ct.topics":         {ZH: "走访内容", EN: "Topics"},
	"ct.solved":         {ZH: "解决问题数", EN: "Problems solved"},
	"ct.solved_text":    {ZH: "解决问题情况", EN: "Problems solved, and how"},
	"ct.follow_up":      {ZH: "后续跟进", EN: "Follow-up"},
	"ct.recorded_by":    {ZH: "登记人", EN: "Logged by"},
	"ct.log_visit":      {ZH: "登记走访", EN: "Log a visit"},
	"ct.log_save":       {ZH: "保存走访记录", EN: "Save the visit"},
	"ct.topics_hint":    {ZH: "调研、座谈、宣讲的主题，2–500 字", EN: "What the visit was about, 2 to 500 characters"},
	"ct.solved_hint":    {ZH: "本次走访当场或协调解决的问题数，没有填 0", EN: "Problems solved on the visit or through it; 0 for none"},
	"ct.solved_t_hint":  {ZH: "解决了哪些问题、如何解决；解决问题数大于 0 时必填", EN: "Which problems and how; required when any were solved"},
	"ct.follow_hint":    {ZH: "需要后续跟进的事项和责任单位，可不填", EN: "What is to be followed up and by whom; optional"},
	"ct.visit_scope":    {ZH: "该联系点已不在领导干部所在党组织的管辖范围内（组织隶属关系已调整），不能再登记走访；请重新设置联系点。", EN: "This contact point no longer lies in the scope of the organization its leader leads from (the tree has changed): no visit can be logged; set the contact point again."},
	"ct.visit_closed":   {ZH: "该联系点的党组织已撤销，不能再登记走访。", EN: "The contact point's organization is dissolved: no visit can be logged."},
	"ct.visit_who":      {ZH: "走访由组织部门或联系点所在党组织登记。", EN: "Visits are logged by the organization department or the contact point's own organization."},
	"ct.back":           {ZH: "返回联系点列表", EN: "Back to the list"},
	"ct.visit_saved":    {ZH: "已登记 %s 的走访，本年度已走访 %d 次（要求 %d 次）", EN: "Visit of %s logged: %d of the %d a year done"},
	"ct.created":        {ZH: "已设置%s的联系点：%s", EN: "Contact point of %s set: %s"},
	"ct.year_over_hint": {ZH: "走访日期应在 %d 年内，且不晚于今天", EN: "The date falls in %d and not after today"},

	// The form that sets a contact point.
	"ct.person":          {ZH: "领导干部", EN: "Leader"},
	"ct.person_hint":     {ZH: "输入姓名或完整身份证号查找在册党员", EN: "Type a name or a whole ID number to find the member"},
	"ct.person_change":   {ZH: "如需更换，请在下面重新查找", EN: "To choose someone else, search again below"},
	"ct.person_choose":   {ZH: "有多人符合，请选择一人", EN: "Several people match: choose one"},
	"ct.person_search":   {ZH: "姓名或身份证号", EN: "Name or ID number"},
	"ct.person_posts":    {ZH: "现任职务：%s", EN: "Posts now: %s"},
	"ct.choose":          {ZH: "请选择", EN: "Choose"},
	"ct.leader_org_hint": {ZH: "县级以上党委，或机关、事业单位、国有企业党组织；联系点须为其下级党组织。留空则按领导干部的现任职务确定", EN: "A committee of a county or above, or an agency's organization; the contact point lies below it. Left empty, it is the one of the leader's posts now"},
	"ct.point_hint":      {ZH: "领导干部所在党组织的下级党组织，一般为村（社区）或两新组织党组织", EN: "An organization below the one the leader leads from, usually a village's, a community's or a 两新 organization's"},
	"ct.post_hint":       {ZH: "如“区委书记”“市委常委、组织部部长”，最多 30 字", EN: "As the leader is known, such as 区委书记; at most 30 characters"},
	"ct.create":          {ZH: "设置联系点", EN: "Set the contact point"},
	"ct.cancel":          {ZH: "取消", EN: "Cancel"},
	"ct.form_note":       {ZH: "同一领导干部同一年度每个联系点只设置一次。", EN: "A leader keeps an organization as a contact point once a year."},

	// The rules.
	"ct.rules_title":    {ZH: "联系点走访要求", EN: "Contact points' visit rule"},
	"ct.rules_intro":    {ZH: "县（市、区）或市级组织部门可为本级及下级的领导干部联系点设置每年至少走访的次数，就近适用：联系点所在党组织向上最近的设置生效；均未设置的为每年 %d 次。", EN: "A county's or the city's organization department sets the visits a year that the contact points of its subtree need; the nearest setting at or above a contact point holds, %d a year where none is set."},
	"ct.in_force":       {ZH: "%s现行要求：每年至少走访 %d 次", EN: "In force at %s: at least %d visits a year"},
	"ct.min_visits":     {ZH: "每年至少走访（次）", EN: "Visits a year, at least"},
	"ct.min_hint":       {ZH: "1–52 次", EN: "1 to 52"},
	"ct.rule_org":       {ZH: "设置单位", EN: "Set by"},
	"ct.rule_org_hint":  {ZH: "县（市、区）委或市委", EN: "A county or city committee"},
	"ct.rule_save":      {ZH: "保存要求", EN: "Save the rule"},
	"ct.rule_set":       {ZH: "设置走访要求", EN: "Set a rule"},
	"ct.rule_clear":     {ZH: "取消单独设置", EN: "Remove"},
	"ct.rule_clear_q":   {ZH: "取消后，%s及下级的联系点沿用上级要求。确定取消吗？", EN: "The contact points of %s will follow the rule above. Remove the rule?"},
	"ct.updated":        {ZH: "更新时间", EN: "Updated"},
	"ct.by":             {ZH: "设置人", EN: "By"},
	"ct.no_rules":       {ZH: "尚无单独设置，所有联系点均为每年至少走访 %d 次", EN: "No rule is set: every contact point needs %d visits a year"},
	"ct.rule_saved":     {ZH: "已设置%s及下级联系点每年至少走访 %d 次", EN: "The contact points of %s now need %d visits a year"},
	"ct.rule_cleared":   {ZH: "已取消%s的单独设置，沿用上级要求", EN: "The rule of %s is removed: the rule above holds"},
	"ct.rule_unchanged": {ZH: "%s没有单独设置，无需取消", EN: "%s has no rule of its own"},
	"ct.default_rule":   {ZH: "默认", EN: "Default"},
}

// ctInt reads a whole number typed in a form; empty reads as 0, and what
// is not a number as -1, which the domain refuses with its message.
func ctInt(v string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}
