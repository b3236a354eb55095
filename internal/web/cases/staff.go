package cases

import (
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// The staff pages (staff_*.go): the list of the cases an account sees with
// its counts by state, a case with its history and the form of each step
// the account may take, extensions and reveals on the case, and the
// account's notices. Integrity reports have their own list
// (/cases?kind=integrity); the domain decides who sees what, and every
// page only shows what it returns.

// staffRoutes are the staff pages.
func (h *Pages) staffRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/cases", module.Web, h.CaseList),
		module.R("GET", "/cases/export.xlsx", module.Web, h.CaseExport),
		module.R("GET", "/api/v1/cases/export.xlsx", module.API, h.CaseExport),
		module.R("GET", "/cases/{id}", module.Web, h.CaseShow),
		module.R("GET", "/cases/{id}/files/{fid}", module.Web, h.CaseFile),
		module.R("POST", "/cases/{id}/step", module.Web, h.CaseStep),
		module.R("POST", "/cases/{id}/extension", module.Web, h.CaseExtension),
		module.R("POST", "/cases/extensions/{xid}/decide", module.Web, h.CaseDecideExtension),
		module.R("POST", "/cases/{id}/reveal", module.Web, h.CaseReveal),
		module.R("POST", "/cases/{id}/identity", module.Web, h.CaseIdentity),
		module.R("GET", "/notices", module.Web, h.NoticeList),
		module.R("POST", "/notices/read", module.Web, h.NoticesRead),
	}
}

// staffCaseHref is the page of case id.
func staffCaseHref(id int64) string { return "/cases/" + strconv.FormatInt(id, 10) }

// staffNavKey is the sidebar entry of a list of kind: integrity reports have
// their own.
func staffNavKey(kind string) string {
	if kind == cases.KindIntegrity {
		return "integrity"
	}
	return "cases"
}

// staffListHref is the list a case of kind is found in.
func staffListHref(kind string) string {
	if kind == cases.KindIntegrity {
		return "/cases?kind=integrity"
	}
	return "/cases"
}

// staffListTitle is the key of the title of the list of kind.
func staffListTitle(kind string) string {
	if kind == cases.KindIntegrity {
		return "css.integrity_title"
	}
	return "css.title"
}

// staffScopeOrg is the organization of ?org= (typed into the picker or chosen),
// which the list narrows to; the zero Org when none. A name that matches
// no organization, or several, is said at the picker.
func (h *Pages) staffScopeOrg(r *http.Request, p *web.Page) (org.Org, error) {
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

// staffListURL is the case list with the query q, each key of kv set to
// the value after it ("" removes the key).
func staffListURL(q url.Values, kv ...string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return "/cases"
	}
	return "/cases?" + v.Encode()
}

// staffMessages is the catalogue of the staff pages.
var staffMessages = i18n.Catalog{
	// The lists.
	"css.title":           {ZH: "群众诉求", EN: "Residents' cases"},
	"css.integrity_title": {ZH: "廉洁监督举报", EN: "Integrity reports"},
	"css.scope":           {ZH: "范围", EN: "Scope"},
	"css.org_pick":        {ZH: "党组织（含下级）", EN: "Organization (and those below)"},
	"css.all":             {ZH: "全部", EN: "All"},
	"css.overdue":         {ZH: "已超期", EN: "Overdue"},
	"css.escalated":       {ZH: "已督办", EN: "Escalated"},
	"css.escalated_tag":   {ZH: "督办", EN: "Escalated"},
	"css.counts":          {ZH: "各状态案件数", EN: "Cases by state"},
	"css.search_ph":       {ZH: "案件编号或内容关键词", EN: "Case number or words"},
	"css.kind":            {ZH: "类型", EN: "Kind"},
	"css.all_kinds":       {ZH: "全部类型", EN: "All kinds"},
	"css.state":           {ZH: "状态", EN: "State"},
	"css.all_states":      {ZH: "全部状态", EN: "All states"},
	"css.sort":            {ZH: "排序", EN: "Order"},
	"css.sort_received":   {ZH: "按收到时间（新→旧）", EN: "Newest first"},
	"css.sort_deadline":   {ZH: "按期限（近→远）", EN: "Deadline soonest first"},
	"css.clear":           {ZH: "清除筛选", EN: "Clear filters"},
	"css.no":              {ZH: "编号", EN: "Case"},
	"css.case_title":      {ZH: "标题", EN: "Title"},
	"css.place_org":       {ZH: "地点 / 责任组织", EN: "Place / organization"},
	"css.received":        {ZH: "收到时间", EN: "Received"},
	"css.deadline":        {ZH: "期限", EN: "Deadline"},
	"css.deadline_accept": {ZH: "受理", EN: "to accept"},
	"css.deadline_handle": {ZH: "办理", EN: "to handle"},
	"css.deadline_note":   {ZH: "期限按工作日计算（节假日顺延），显示的是允许办理的最后一天。", EN: "Deadlines count working days (holidays excluded) and show the last day allowed."},
	"css.empty":           {ZH: "暂无群众诉求。居民在手机上提交的矛盾纠纷、服务诉求和意见建议，按地点派到所在党组织后会出现在这里。", EN: "No cases yet. Disputes, service requests and opinions residents submit on their phones appear here once they are routed to the organization of their place."},
	"css.empty_integrity": {ZH: "暂无廉洁监督举报。举报按被反映对象送到其上级的廉洁工作站，被反映的组织看不到。", EN: "No integrity reports yet. A report goes to the integrity workstation above the organization it concerns, which never sees it."},
	"css.notices":         {ZH: "通知", EN: "Notices"},
	"css.unread":          {ZH: "%d 条未读", EN: "%d unread"},
	"css.number":          {ZH: "第 %d 号", EN: "No. %d"},
	"css.dispatched_to":   {ZH: "派至", EN: "to"},

	// A case.
	"css.case":         {ZH: "案件", EN: "Case"},
	"css.back":         {ZH: "返回列表", EN: "Back to the list"},
	"css.facts":        {ZH: "案件信息", EN: "Facts"},
	"css.outcome":      {ZH: "办结结果", EN: "Outcome"},
	"css.place":        {ZH: "地点", EN: "Place"},
	"css.org":          {ZH: "责任组织", EN: "Responsible organization"},
	"css.handler_org":  {ZH: "承办组织（派单）", EN: "Dispatched to"},
	"css.subject":      {ZH: "被反映对象", EN: "Concerned"},
	"css.topic":        {ZH: "政策领域", EN: "Policy area"},
	"css.accept_due":   {ZH: "受理期限", EN: "Accept by"},
	"css.handle_due":   {ZH: "办理期限", EN: "Handle by"},
	"css.escalated_to": {ZH: "督办单位", EN: "Escalated to"},
	"css.round":        {ZH: "办理轮次", EN: "Round"},
	"css.round_n":      {ZH: "第 %d 轮", EN: "round %d"},
	"css.rating":       {ZH: "反映人评价", EN: "Reporter's rating"},
	"css.duplicate_of": {ZH: "与之合并的案件", EN: "Handled with"},
	"css.body":         {ZH: "反映内容", EN: "What was reported"},
	"css.files":        {ZH: "附件", EN: "Attachments"},
	"css.timeline":     {ZH: "办理过程", EN: "History"},
	"css.public":       {ZH: "反映人可见", EN: "Shown to the reporter"},
	"css.by_reporter":  {ZH: "反映人", EN: "The reporter"},
	"css.by_system":    {ZH: "系统", EN: "The system"},
	"css.next":         {ZH: "下一步", EN: "Next"},
	"css.at_org":       {ZH: "由%s办理", EN: "at %s"},
	"css.none":         {ZH: "无", EN: "none"},
	"css.identity_tip": {ZH: "反映人的姓名和联系方式由身份信息保管人保管，办理人员看不到。", EN: "The reporter's name and contact are kept by the custodians; handlers do not see them."},

	// The history's events.
	"css.ev.submit":             {ZH: "提交反映", EN: "Submitted"},
	"css.ev.accept":             {ZH: "受理", EN: "Accepted"},
	"css.ev.refuse":             {ZH: "不予受理", EN: "Not accepted"},
	"css.ev.duplicate":          {ZH: "标记重复件", EN: "Marked as a duplicate"},
	"css.ev.dispatch":           {ZH: "派单", EN: "Dispatched"},
	"css.ev.return":             {ZH: "退单", EN: "Returned"},
	"css.ev.start":              {ZH: "开始办理", EN: "Handling started"},
	"css.ev.answer":             {ZH: "答复", EN: "Answered"},
	"css.ev.visit":              {ZH: "回访", EN: "Visited"},
	"css.ev.close":              {ZH: "办结", EN: "Closed"},
	"css.ev.escalate":           {ZH: "超期督办", EN: "Overdue, escalated"},
	"css.ev.reopen":             {ZH: "重新办理", EN: "Reopened"},
	"css.ev.rate":               {ZH: "反映人评价", EN: "Rated by the reporter"},
	"css.ev.add_info":           {ZH: "反映人补充", EN: "Added by the reporter"},
	"css.ev.extension_request":  {ZH: "申请延期", EN: "Extension asked"},
	"css.ev.extension_approved": {ZH: "批准延期", EN: "Extension approved"},
	"css.ev.extension_refused":  {ZH: "不批准延期", EN: "Extension refused"},
	"css.ev.reveal_request":     {ZH: "申请查看反映人身份", EN: "Reveal of the reporter asked"},
	"css.ev.reveal_approved":    {ZH: "批准查看反映人身份", EN: "Reveal of the reporter approved"},
	"css.ev.reveal_refused":     {ZH: "不批准查看反映人身份", EN: "Reveal of the reporter refused"},

	// The steps' forms.
	"css.handle":          {ZH: "办理", EN: "Handling"},
	"css.no_step":         {ZH: "当前没有需要您办理的步骤。", EN: "Nothing waits for you on this case now."},
	"css.accept_hint":     {ZH: "受理后开始计算办理时限，反映人会收到受理通知。", EN: "Accepting starts the handling deadline; the reporter is told."},
	"css.refuse_reason":   {ZH: "不予受理的理由", EN: "Why it is not accepted"},
	"css.refuse_hint":     {ZH: "5 至 2000 字，反映人凭查询码可以看到。", EN: "5 to 2,000 characters; the reporter sees it with the receipt."},
	"css.confirm_refuse":  {ZH: "确定不予受理？案件将结束，理由会告知反映人。", EN: "Refuse the case? It ends here and the reporter is told the reason."},
	"css.dispatch_to":     {ZH: "派给", EN: "Dispatch to"},
	"css.dispatch_hint":   {ZH: "只能派给本案件责任组织的下级组织；承办组织开始办理并答复。", EN: "Only an organization below the responsible one; it starts the case and answers."},
	"css.return_reason":   {ZH: "退单理由", EN: "Why it goes back"},
	"css.return_hint":     {ZH: "5 至 2000 字，案件回到责任组织重新派单或自行办理。", EN: "5 to 2,000 characters; the case goes back to the responsible organization."},
	"css.start_hint":      {ZH: "开始办理后可以答复反映人。", EN: "Once handling has started the case can be answered."},
	"css.answer_text":     {ZH: "答复内容", EN: "Answer"},
	"css.answer_hint":     {ZH: "5 至 2000 字，反映人凭查询码查看并评价；办理时限随答复停止计算。", EN: "5 to 2,000 characters; the reporter reads and rates it with the receipt. The deadline stops with the answer."},
	"css.evidence":        {ZH: "办理凭证（可选）", EN: "Evidence (optional)"},
	"css.evidence_hint":   {ZH: "JPG、PNG 图片或 PDF，最多 5 个，每个不超过 10 MB，合计不超过 20 MB；反映人可以查看。", EN: "JPG or PNG images or PDF files, up to 5, each at most 10 MB and 20 MB together; the reporter can see them."},
	"css.visit_text":      {ZH: "回访记录", EN: "Record of the visit"},
	"css.visit_hint":      {ZH: "5 至 2000 字：回访的方式、时间和反映人的意见。", EN: "5 to 2,000 characters: how and when, and what the reporter said."},
	"css.close_outcome":   {ZH: "办结结果", EN: "Outcome"},
	"css.close_hint":      {ZH: "“办结”不等于“已解决”：请如实选择。", EN: "Closing is not resolving: choose what is true."},
	"css.confirm_close":   {ZH: "确定办结此案件？办结后不能再办理。", EN: "Close the case? Nothing can be done on it afterwards."},
	"css.dup_of":          {ZH: "与之重复的案件编号", EN: "Number of the case it repeats"},
	"css.dup_hint":        {ZH: "本案件将结束，与该案件合并办理，反映人会看到。", EN: "This case ends and is handled with that one; the reporter sees it."},
	"css.confirm_dup":     {ZH: "确定标记为重复件？本案件将结束。", EN: "Mark as a duplicate? This case ends."},
	"css.choose":          {ZH: "请选择", EN: "Choose"},
	"css.done.accept":     {ZH: "已受理第 %d 号案件，办理时限至 %s", EN: "Case %d accepted: handle it by %s"},
	"css.done.refuse":     {ZH: "第 %d 号案件不予受理，理由已告知反映人", EN: "Case %d not accepted: the reporter is told why"},
	"css.done.dispatch":   {ZH: "第 %d 号案件已派至%s", EN: "Case %d dispatched to %s"},
	"css.done.return":     {ZH: "第 %d 号案件已退回%s", EN: "Case %d returned to %s"},
	"css.done.start":      {ZH: "第 %d 号案件已开始办理", EN: "Handling of case %d started"},
	"css.done.answer":     {ZH: "第 %d 号案件已答复，反映人可凭查询码查看并评价", EN: "Case %d answered: the reporter can read and rate it"},
	"css.done.visit":      {ZH: "第 %d 号案件已记录回访", EN: "Visit of case %d recorded"},
	"css.done.close":      {ZH: "第 %d 号案件已办结：%s", EN: "Case %d closed: %s"},
	"css.done.duplicate":  {ZH: "第 %d 号案件已与第 %d 号合并办理", EN: "Case %d is handled with case %d"},
	"css.upload_too_big":  {ZH: "附件合计不能超过 20 MB，请删去或压缩部分附件后再提交", EN: "The attachments may total at most 20 MB: remove or compress some and submit again"},
	"css.upload_broken":   {ZH: "表单未能完整上传，请重新选择附件后再提交", EN: "The form did not arrive whole: choose the attachments again and submit"},
	"css.decision_needed": {ZH: "请选择批准或不批准", EN: "Choose approve or refuse"},

	// Extensions.
	"css.ext_title":        {ZH: "延期", EN: "Extensions"},
	"css.ext_days":         {ZH: "延长工作日数", EN: "Working days more"},
	"css.ext_days_n":       {ZH: "%d 个工作日", EN: "%d working days"},
	"css.ext_reason":       {ZH: "延期理由", EN: "Reason"},
	"css.ext_request":      {ZH: "申请延期", EN: "Ask for more time"},
	"css.ext_reason_hint":  {ZH: "5 至 2000 字，上级组织审批时会看到。", EN: "5 to 2,000 characters, for the organization above that decides."},
	"css.ext_hint":         {ZH: "最多 15 个工作日，由上级组织审批；批准前办理时限不变。", EN: "At most 15 working days, approved by the organization above; the deadline stays until then."},
	"css.ext_state":        {ZH: "审批", EN: "Decision"},
	"css.ext_pending":      {ZH: "待审批", EN: "Waiting"},
	"css.ext_approved":     {ZH: "已批准", EN: "Approved"},
	"css.ext_refused":      {ZH: "不批准", EN: "Refused"},
	"css.ext_note":         {ZH: "审批意见", EN: "Note"},
	"css.ext_decide":       {ZH: "审批", EN: "Decide"},
	"css.ext_decide_hint":  {ZH: "批准后办理时限顺延，反映人会看到新的时限；不批准则时限不变。审批意见最多 2000 字。", EN: "Approved, the deadline moves and the reporter sees the new one; refused, it stays. The note has at most 2,000 characters."},
	"css.ext_waits":        {ZH: "延期申请正在等待上级组织审批。", EN: "The request waits for the organization above."},
	"css.ext_above":        {ZH: "延期由上级组织审批，本组织不能批准自己的延期申请。", EN: "Extensions are approved by the organization above, never by the case's own."},
	"css.approve":          {ZH: "批准", EN: "Approve"},
	"css.refuse":           {ZH: "不批准", EN: "Refuse"},
	"css.requested":        {ZH: "申请", EN: "Asked"},
	"css.decided":          {ZH: "审批", EN: "Decided"},
	"css.ext_asked":        {ZH: "已申请延期 %d 个工作日，待上级组织审批", EN: "Asked for %d more working days: the organization above decides"},
	"css.ext_done_yes":     {ZH: "已批准延期，第 %d 号案件办理时限至 %s", EN: "Extension approved: case %d is due on %s"},
	"css.ext_done_no":      {ZH: "已不批准第 %d 号案件的延期申请", EN: "Extension of case %d refused"},
	"css.reveal_title":     {ZH: "反映人身份", EN: "The reporter's identity"},
	"css.reveal_explain":   {ZH: "反映人留下了姓名或联系方式，由身份信息保管人保管。确需联系反映人时，可说明理由申请查看：经保管人批准后才能查看，每次查看都记入审计日志，反映人也会看到批准的时间和理由。", EN: "The reporter left a name or a contact, kept by the custodians. If you must contact the reporter, ask with a reason: only a custodian's approval shows it, every reading is in the audit log, and the reporter sees when and why it was approved."},
	"css.reveal_none":      {ZH: "反映人没有留下身份信息。", EN: "The reporter left no identity."},
	"css.reveal_reason":    {ZH: "申请理由", EN: "Reason"},
	"css.reveal_hint":      {ZH: "10 至 500 字，反映人会看到。", EN: "10 to 500 characters; the reporter will see it."},
	"css.reveal_request":   {ZH: "申请查看反映人身份", EN: "Ask to see the reporter's identity"},
	"css.reveal_show":      {ZH: "查看反映人身份", EN: "Show the reporter's identity"},
	"css.reveal_show_hint": {ZH: "您的申请已获批准。每次查看都会记入审计日志。", EN: "Your request was approved. Every reading is written to the audit log."},
	"css.reveal_waits":     {ZH: "您的申请正在等待身份信息保管人审批。", EN: "Your request waits for a custodian."},
	"css.reveal_asked":     {ZH: "已申请查看第 %d 号案件反映人身份，待身份信息保管人审批", EN: "Asked to see the reporter of case %d: a custodian decides"},
	"css.requested_by":     {ZH: "申请人", EN: "Asked by"},
	"css.decided_by":       {ZH: "审批人", EN: "Decided by"},
	"css.id_title":         {ZH: "第 %d 号案件 · 反映人身份", EN: "Case %d · the reporter"},
	"css.id_name":          {ZH: "姓名", EN: "Name"},
	"css.id_phone":         {ZH: "电话", EN: "Phone"},
	"css.id_email":         {ZH: "电子邮箱", EN: "E-mail"},
	"css.id_blank":         {ZH: "未填写", EN: "not given"},
	"css.id_note":          {ZH: "本次查看已记入审计日志。请仅为办理本案件联系反映人，不得告知被反映人或其他无关人员。此页不会被浏览器保存。", EN: "This reading is in the audit log. Contact the reporter only to handle this case and tell no one else, least of all those concerned. The browser does not keep this page."},
	"css.id_back":          {ZH: "返回案件", EN: "Back to the case"},

	// Notices.
	"css.notices_title":     {ZH: "通知", EN: "Notices"},
	"css.notices_empty":     {ZH: "暂无通知。有新案件待受理、案件派到本单位、超期督办或延期申请时，会在这里提醒您。", EN: "No notices. You are told here when a case waits for acceptance, is dispatched to you, is escalated or asks for more time."},
	"css.notices_latest":    {ZH: "显示最近 %d 条。", EN: "The latest %d are shown."},
	"css.mark_read":         {ZH: "全部标为已读", EN: "Mark all read"},
	"css.marked_read":       {ZH: "通知已全部标为已读", EN: "All notices marked read"},
	"css.unread_tag":        {ZH: "未读", EN: "Unread"},
	"css.notice.new":        {ZH: "第 %d 号案件待受理", EN: "Case %d waits for acceptance"},
	"css.notice.dispatched": {ZH: "第 %d 号案件已派至本单位办理", EN: "Case %d was dispatched to you"},
	"css.notice.returned":   {ZH: "第 %d 号案件被退回，请重新派单或自行办理", EN: "Case %d came back: dispatch it again or handle it"},
	"css.notice.escalated":  {ZH: "第 %d 号案件已超期，已提请您督办", EN: "Case %d is overdue and was escalated to you"},
	"css.notice.extension":  {ZH: "第 %d 号案件申请延期，待您审批", EN: "Case %d asks for more time: your decision"},
	"css.notice.reopened":   {ZH: "第 %d 号案件反映人不满意，已重新办理", EN: "The reporter of case %d was not satisfied: it is reopened"},
	"css.notice.reply":      {ZH: "第 %d 号案件反映人补充了内容", EN: "The reporter of case %d added to it"},
	"css.notice.reveal":     {ZH: "第 %d 号案件有查看反映人身份的申请待您审批", EN: "A request to reveal the reporter of case %d waits for you"},
	"css.notice.other":      {ZH: "第 %d 号案件有新动态", EN: "Case %d has news"},
}
