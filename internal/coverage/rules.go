package coverage

import (
	"jiceng/internal/org"

	"jiceng/internal/i18n"
)

// Rules: what a unit needs, computed from its members and coverage, never typed in.
const (
	RuleFormOwn      = "form_own"          // ≥ 3 full members and no own organization
	RuleFormOwnJoint = "form_own_or_joint" // 1–2 full members and no organization
	RuleInstructor   = "send_instructor"   // no members and not covered at all
)

// Rules lists the rules with their labels.
var Rules = []org.Choice{
	{Key: RuleFormOwn, Text: i18n.Text{ZH: "应单独组建", EN: "Should form its own organization"}},
	{Key: RuleFormOwnJoint, Text: i18n.Text{ZH: "应单独或联合组建", EN: "Should form its own or a joint branch"}},
	{Key: RuleInstructor, Text: i18n.Text{ZH: "应选派党建指导员", EN: "Needs an instructor"}},
}

// RuleOf applies the coverage rules to a unit.
func RuleOf(fullMembers int, coverage string) string {
	switch {
	case fullMembers >= 3 && coverage != Own:
		return RuleFormOwn
	case fullMembers >= 1 && fullMembers <= 2 && (coverage == None || coverage == Instructor):
		return RuleFormOwnJoint
	case fullMembers == 0 && coverage == None:
		return RuleInstructor
	}
	return ""
}

// Advice says, for a work order, what the unit's leading organization
// should do, in Chinese (the language of work orders).
func Advice(u Unit) string { return AdviceIn(u, "zh-CN") }

// AdviceIn is Advice in lang ("en" or Chinese).
func AdviceIn(u Unit, lang string) string { return adviceOf(u).In(lang) }

func adviceOf(u Unit) i18n.Text {
	switch u.Rule {
	case RuleFormOwn:
		if u.Coverage == Joint {
			return i18n.Textf("现有正式党员 %d 名，已具备单独组建条件，应从联合党支部中单独组建党支部",
				"%d full members: ready to leave the joint branch and form its own branch", u.FullMembers)
		}
		return i18n.Textf("现有正式党员 %d 名，应单独组建党支部", "%d full members: should form its own branch", u.FullMembers)
	case RuleFormOwnJoint:
		return i18n.Textf("现有正式党员 %d 名，不足 3 名，应与邻近单位联合组建党支部，或发展党员后单独组建",
			"%d full member(s), fewer than 3: should form a joint branch with neighbouring units, or its own after recruiting members", u.FullMembers)
	case RuleInstructor:
		return i18n.Text{ZH: "暂无正式党员，应选派党建指导员开展工作，做好发现和培养入党积极分子工作",
			EN: "No full members yet: send a Party-building instructor and look for activists to recruit"}
	}
	return i18n.Text{}
}

// ruleSQL is the condition of each rule over the units table aliased u.
var ruleSQL = map[string]string{
	RuleFormOwn:      "(u.full_members >= 3 AND u.coverage <> 'own')",
	RuleFormOwnJoint: "(u.full_members BETWEEN 1 AND 2 AND u.coverage IN ('none', 'instructor'))",
	RuleInstructor:   "(u.full_members = 0 AND u.coverage = 'none')",
	"any":            "((u.full_members >= 3 AND u.coverage <> 'own') OR (u.full_members BETWEEN 1 AND 2 AND u.coverage IN ('none', 'instructor')) OR (u.full_members = 0 AND u.coverage = 'none'))",
}
