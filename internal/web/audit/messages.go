package audit

import "jiceng/internal/i18n"

// Messages is the catalogue of the audit log pages, with the names of the audited actions.
var Messages = i18n.Catalog{
	"action.auth.login":        {ZH: "登录", EN: "Log in"},
	"action.auth.login_failed": {ZH: "登录失败", EN: "Failed login"},
	"action.auth.logout":       {ZH: "退出登录", EN: "Log out"},
	"action.export":            {ZH: "导出", EN: "Export"},
	"action.grant.create":      {ZH: "授权", EN: "Grant"},
	"action.grant.revoke":      {ZH: "撤销授权", EN: "Revoke grant"},
	"action.org.create":        {ZH: "新建党组织", EN: "Create organization"},
	"action.org.dissolve":      {ZH: "撤销党组织", EN: "Dissolve organization"},
	"action.org.import":        {ZH: "导入党组织", EN: "Import organizations"},
	"action.org.move":          {ZH: "调整隶属", EN: "Move organization"},
	"action.org.update":        {ZH: "修改党组织", EN: "Edit organization"},
	"action.region.init":       {ZH: "初始化组织体系", EN: "Initialise region"},
	"action.user.create":       {ZH: "新建用户", EN: "Create user"},
	"action.user.password":     {ZH: "修改密码", EN: "Change password"},
	"action.user.status":       {ZH: "启用/停用账号", EN: "Enable/disable account"},
	"audit.action":             {ZH: "操作", EN: "Action"},
	"audit.after":              {ZH: "修改后", EN: "After"},
	"audit.all_actions":        {ZH: "全部操作", EN: "All actions"},
	"audit.before":             {ZH: "修改前", EN: "Before"},
	"audit.diff":               {ZH: "查看修改内容", EN: "Show changes"},
	"audit.empty":              {ZH: "没有符合条件的审计记录", EN: "No audit entries match"},
	"audit.from":               {ZH: "从", EN: "From"},
	"audit.search":             {ZH: "搜索摘要", EN: "Search summaries"},
	"audit.summary":            {ZH: "摘要", EN: "Summary"},
	"audit.target":             {ZH: "对象", EN: "Target"},
	"audit.title":              {ZH: "审计日志", EN: "Audit log"},
	"audit.to":                 {ZH: "至", EN: "To"},
}
