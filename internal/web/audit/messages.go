package audit

import "jiceng/internal/i18n"

// Messages is the catalogue of the audit log pages, with the names of the
// actions and targets the platform audits for every module (exports,
// imports, settings); each module names its own in its catalogue.
var Messages = i18n.Catalog{
	"action.export":       {ZH: "导出", EN: "Export"},
	"audit.action":        {ZH: "操作", EN: "Action"},
	"audit.after":         {ZH: "修改后", EN: "After"},
	"audit.all_actions":   {ZH: "全部操作", EN: "All actions"},
	"audit.before":        {ZH: "修改前", EN: "Before"},
	"audit.diff":          {ZH: "查看修改内容", EN: "Show changes"},
	"audit.empty":         {ZH: "没有符合条件的审计记录", EN: "No audit entries match"},
	"audit.from":          {ZH: "从", EN: "From"},
	"audit.group_other":   {ZH: "其他", EN: "Other"},
	"audit.search":        {ZH: "搜索摘要", EN: "Search summaries"},
	"audit.summary":       {ZH: "摘要", EN: "Summary"},
	"audit.target":        {ZH: "对象", EN: "Target"},
	"audit.title":         {ZH: "审计日志", EN: "Audit log"},
	"audit.type_export":   {ZH: "导出", EN: "Export"},
	"audit.type_import":   {ZH: "导入批次", EN: "Import"},
	"audit.type_settings": {ZH: "设置", EN: "Settings"},
	"audit.to":            {ZH: "至", EN: "To"},
}
