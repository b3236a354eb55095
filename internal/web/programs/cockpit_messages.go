package programs

import "jiceng/internal/i18n"

// cockpitMessages are the messages of the demonstration sites' and the
// first secretaries' cards on the cockpit.
var cockpitMessages = i18n.Catalog{
	"pgck.title_year": {ZH: "%s（%d年度）", EN: "%s (%d)"},
	"pgck.as_of":      {ZH: "截至 %s", EN: "as of %s"},
	"pgck.today":      {ZH: "截至今日", EN: "as of today"},

	"pgck.site_title":          {ZH: "示范点建设", EN: "Demonstration sites"},
	"pgck.site_designated":     {ZH: "已命名示范点", EN: "Designated sites in force"},
	"pgck.site_designated_sub": {ZH: "其中 %d 年命名 %s 个", EN: "%[2]s designated in %[1]d"},
	"pgck.site_cultivating":    {ZH: "培育中", EN: "On their way"},
	"pgck.site_cultivating_sub": {ZH: "已推荐、培育中、已验收待命名",
		EN: "nominated, under cultivation or accepted, not yet designated"},
	"pgck.site_nominated":   {ZH: "%d 年推荐", EN: "Nominated for %d"},
	"pgck.site_revoked":     {ZH: "%d 年撤销", EN: "Revoked in %d"},
	"pgck.site_revoked_sub": {ZH: "累计撤销 %s 个", EN: "%s revoked in all"},
	"pgck.site_led":         {ZH: "带动组织", EN: "Organizations led"},
	"pgck.site_led_sub":     {ZH: "示范点带动的组织，每个计一次", EN: "led by the sites in force, each counted once"},
	"pgck.site_by_year":     {ZH: "近年已命名示范点", EN: "Designated sites in force, by year"},
	"pgck.site_by_child":    {ZH: "各下级已命名示范点", EN: "Designated sites, by child organization"},

	"pgck.fsec_title":           {ZH: "第一书记", EN: "First secretaries"},
	"pgck.fsec_in_post":         {ZH: "在任第一书记", EN: "First secretaries in post"},
	"pgck.fsec_expiring":        {ZH: "%d 天内任期届满", EN: "Terms ending within %d days"},
	"pgck.fsec_expired_sub":     {ZH: "截至今日，其中 %s 人已期满待办理", EN: "as of today; %s over, end not recorded"},
	"pgck.fsec_vacant":          {ZH: "离任后未接替的村（社区）", EN: "Villages left without a successor"},
	"pgck.fsec_logs":            {ZH: "%d 年驻村日志（条）", EN: "Work log entries in %d"},
	"pgck.fsec_log_days":        {ZH: "按人累计 %s 天", EN: "%s days logged, summed over first secretaries"},
	"pgck.fsec_review":          {ZH: "%d 年度三述三评（人）", EN: "Reviewed in %d (三述三评)"},
	"pgck.fsec_review_none":     {ZH: "三述三评", EN: "Yearly review (三述三评)"},
	"pgck.fsec_review_none_sub": {ZH: "尚无公布的评议结果", EN: "no published results yet"},
	"pgck.fsec_ungraded":        {ZH: "未评定等次", EN: "Ungraded"},
	"pgck.fsec_grades":          {ZH: "%d 年度三述三评等次", EN: "Grades of the %d review"},
	"pgck.fsec_by_child":        {ZH: "各下级在任第一书记", EN: "First secretaries in post, by child organization"},
}
