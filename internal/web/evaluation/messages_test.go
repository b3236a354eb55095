package evaluation

import (
	"strings"
	"testing"

	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
)

// The note on the village secretary template names the answer levels as
// the campaign and results pages do: "一般" is "Average" everywhere.
func TestTemplateNoteNamesLevelsAsShown(t *testing.T) {
	note := Messages["eva.template_village_secretary_note"]
	const zh = "6 项指标按好/较好/一般/差评价；上级党组织 30%、党员代表 30%、群众代表 40%；任一评委组不足 5 票不定等次；群众满意率低于 50% 定为“差”"
	if note.ZH != zh {
		t.Errorf("Chinese note changed: %q", note.ZH)
	}
	levels := []string{"好", "较好", "一般", "差"}
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = strings.ToLower(evaluation.NameIn(l, i18n.EN))
	}
	if want := "Six indicators rated " + strings.Join(names, " / ") + ";"; !strings.HasPrefix(note.EN, want) {
		t.Errorf("English note %q does not start with %q", note.EN, want)
	}
}

// Labels and list items take full-width punctuation on Chinese pages and
// ASCII punctuation on English ones.
func TestPunctuationFuncs(t *testing.T) {
	for lang, want := range map[string][3]string{i18n.ZH: {"：", "；", "、"}, i18n.EN: {": ", "; ", ", "}} {
		f := funcs(lang)
		got := [3]string{f["colon"].(func() string)(), f["semi"].(func() string)(), f["comma"].(func() string)()}
		if got != want {
			t.Errorf("%s punctuation = %q, want %q", lang, got, want)
		}
	}
}
