package evaluation

import "jiceng/internal/i18n"

// Template is a set of rules a campaign may be created from instead of
// spelling out its rules, with the campaign type it is bound to.
type Template struct {
	// Key names the template in requests. Outside tools already send the
	// API's keys, so they stay as they are.
	Key  string
	Type string
	i18n.Text
	Rules func() Rules
}

// Templates lists the rule templates in the order forms offer them.
func Templates() []Template {
	return []Template{
		{Key: "village_secretary", Type: TypeReview, Text: i18n.Text{ZH: "村（社区）党组织书记抓基层党建述职评议", EN: "Village (community) Party secretaries' review"},
			Rules: TemplateVillageSecretary},
		{Key: "qianqi", Type: TypeQianQi, Text: i18n.Text{ZH: "千企议科长", EN: "Enterprises rate agency sections"}, Rules: TemplateQianQiYiKeZhang},
	}
}

// TemplateByKey returns the template named key.
func TemplateByKey(key string) (Template, bool) {
	for _, t := range Templates() {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}
