package evaluation

import "testing"

func TestTemplates(t *testing.T) {
	for _, tpl := range Templates() {
		r := tpl.Rules()
		if r.Type != tpl.Type {
			t.Errorf("%s: rules of type %q, template bound to %q", tpl.Key, r.Type, tpl.Type)
		}
		if err := r.WithDefaults().Validate(); err != nil {
			t.Errorf("%s: %v", tpl.Key, err)
		}
		if tpl.ZH == "" || tpl.EN == "" {
			t.Errorf("%s: a label is missing", tpl.Key)
		}
		if got, ok := TemplateByKey(tpl.Key); !ok || got.Key != tpl.Key {
			t.Errorf("TemplateByKey(%q) = %v, %v", tpl.Key, got.Key, ok)
		}
	}
}
