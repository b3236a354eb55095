package people

import "jiceng/internal/i18n"

// Messages is the catalogue of the member register's pages.
var Messages = i18n.Catalog{
	// The names of the module's audited actions and targets, for the audit log.
	"action.member.add":     {ZH: "登记党员", EN: "Register member"},
	"action.member.convert": {ZH: "预备党员转正", EN: "Full membership"},
	"action.member.status":  {ZH: "变更党员状态", EN: "Change member status"},
	"action.post.appoint":   {ZH: "任职", EN: "Appoint to a post"},
	"action.post.end":       {ZH: "离任", EN: "Leave a post"},
	"action.term.record":    {ZH: "记录换届", EN: "Record an election"},
	"action.person.reveal":  {ZH: "查看完整身份证号或电话", EN: "View full ID number or phone"},
	"audit.type_person":     {ZH: "人员", EN: "Person"},
	"nav.people":            {ZH: "党员", EN: "Members"},
}
