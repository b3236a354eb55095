package evaluation

import (
	"reflect"
	"testing"

	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
)

// The editor of a campaign made from a built-in template shows its names in
// English on an English page, and saving it unchanged stores the rules as
// they were: the Chinese names scoring and vetoes compare. Names a user
// typed are kept as typed in both languages, even one that reads like a
// built-in English name on a Chinese page.
func TestEditorEnglishNamesRoundTrip(t *testing.T) {
	for _, tpl := range evaluation.Templates() {
		rules := tpl.Rules()
		rules.Indicators = append(rules.Indicators, evaluation.Indicator{Key: "x", Name: "社区治理创新", Weight: 0, Scale: evaluation.Scale{Kind: evaluation.ScalePoints}})
		c := evaluation.Campaign{Name: "测评", Rules: rules}
		en := editForm(c, i18n.EN)
		if tpl.Key == "village_secretary" {
			for field, want := range map[string]string{"ind-0-name": "Carrying out duties", "ind-1-name": "Organization building", "ind-2-name": "Leadership team",
				"ind-7-name": "Public satisfaction", "ind-8-name": "社区治理创新", "grp-2-name": "Public representatives",
				"ind-0-levels": "Good=100，Fairly good=85，Average=70，Poor=50", "grades": "Good=90，Fairly good=80，Average=60，Poor=0", "veto_grade": "Poor"} {
				if got := en.Get(field); got != want {
					t.Errorf("English editor %s = %q, want %q", field, got, want)
				}
			}
		}
		for _, lang := range []string{i18n.EN, i18n.ZH} {
			in := readEdit(editForm(c, lang), lang)
			if len(in.Bad) > 0 {
				t.Fatalf("%s %s: %v", tpl.Key, lang, in.Bad)
			}
			got, want := in.Edit.Rules, c.Rules
			if !reflect.DeepEqual(got.Indicators, want.Indicators) || !reflect.DeepEqual(got.Groups, want.Groups) ||
				!reflect.DeepEqual(got.Grades, want.Grades) || !reflect.DeepEqual(got.Vetoes, want.Vetoes) {
				t.Errorf("%s: the %s editor saved unchanged gives\n%+v\nwant\n%+v", tpl.Key, lang, got, want)
			}
		}
	}
	zh := editForm(evaluation.Campaign{Rules: evaluation.Rules{Groups: []evaluation.Group{{Key: "g", Name: "Public representatives", Weight: 1}}}}, i18n.ZH)
	if got := readEdit(zh, i18n.ZH).Edit.Rules.Groups[0].Name; got != "Public representatives" {
		t.Errorf("a group typed as %q on a Chinese page is stored as %q", "Public representatives", got)
	}
}
