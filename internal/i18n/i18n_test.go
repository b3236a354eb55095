package i18n

import "testing"

func TestNoKeyDefinedTwice(t *testing.T) {
	for _, lang := range []string{ZH, EN} {
		seen := map[string]bool{}
		for _, p := range Parts(lang) {
			for k := range p {
				if seen[k] {
					t.Errorf("%s: key %s defined in two catalogue parts", lang, k)
				}
				seen[k] = true
			}
		}
	}
}
