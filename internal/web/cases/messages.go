package cases

import "jiceng/internal/i18n"

// Messages is the catalogue of the channel's sidebar and audit names; the
// public and staff pages keep their own (messages_public.go,
// messages_staff.go).
var Messages = i18n.Catalog{
	"nav.cases":     {ZH: "群众诉求", EN: "Residents' cases"},
	"nav.integrity": {ZH: "廉洁监督", EN: "Integrity reports"},
	"nav.reveals":   {ZH: "身份查看审批", EN: "Identity reveals"},
	"nav.stations":  {ZH: "廉洁工作站", EN: "Integrity workstations"},
	"nav.calendar":  {ZH: "节假日安排", EN: "Holiday calendar"},

	"audit.type_case":     {ZH: "案件", EN: "Case"},
	"audit.type_calendar": {ZH: "节假日安排", EN: "Holiday calendar"},
	"audit.type_station":  {ZH: "廉洁工作站", EN: "Integrity workstation"},
	"audit.type_vault":    {ZH: "身份信息库", EN: "Identity vault"},

	"action.case.accept":             {ZH: "受理案件", EN: "Accept a case"},
	"action.case.refuse":             {ZH: "不予受理", EN: "Refuse a case"},
	"action.case.duplicate":          {ZH: "标记重复件", EN: "Mark a duplicate"},
	"action.case.dispatch":           {ZH: "派单", EN: "Dispatch a case"},
	"action.case.return":             {ZH: "退单", EN: "Return a case"},
	"action.case.start":              {ZH: "开始办理", EN: "Start handling"},
	"action.case.answer":             {ZH: "答复", EN: "Answer a case"},
	"action.case.visit":              {ZH: "回访", EN: "Visit"},
	"action.case.close":              {ZH: "办结", EN: "Close a case"},
	"action.case.escalate":           {ZH: "超期督办", EN: "Escalate an overdue case"},
	"action.case.extension_request":  {ZH: "申请延期", EN: "Ask for an extension"},
	"action.case.extension_approved": {ZH: "批准延期", EN: "Approve an extension"},
	"action.case.extension_refused":  {ZH: "不批准延期", EN: "Refuse an extension"},
	"action.case.reveal_request":     {ZH: "申请查看反映人身份", EN: "Ask to reveal a reporter"},
	"action.case.reveal_approved":    {ZH: "批准查看反映人身份", EN: "Approve a reveal"},
	"action.case.reveal_refused":     {ZH: "不批准查看反映人身份", EN: "Refuse a reveal"},
	"action.case.reveal_read":        {ZH: "查看反映人身份", EN: "Read a reporter's identity"},
	"action.cases.calendar":          {ZH: "修改节假日安排", EN: "Edit the holiday calendar"},
	"action.cases.purge":             {ZH: "按期删除反映人身份", EN: "Purge reporters' identities"},
	"action.station.save":            {ZH: "登记廉洁工作站", EN: "Save a workstation"},
	"action.station.activity":        {ZH: "登记工作站活动", EN: "Record a workstation activity"},
}
