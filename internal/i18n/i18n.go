// Package i18n holds the message catalogues (zh-CN first, English second)
// and picks the language of a request.
package i18n

import (
	"net/http"

	"golang.org/x/text/language"
)

// Languages supported, the default first.
const (
	ZH = "zh-CN"
	EN = "en"
)

// The catalogues, one part per module; a test checks that no key is defined
// twice and that both languages have the same keys.
var (
	zh = merge(zhCore, zhCoverage, zhEvaluation)
	en = merge(enCore, enCoverage, enEvaluation)
)

func merge(parts ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}

// Parts returns the catalogue parts of a language, for the test that no key
// is defined twice.
func Parts(lang string) []map[string]string {
	if lang == EN {
		return []map[string]string{enCore, enCoverage, enEvaluation}
	}
	return []map[string]string{zhCore, zhCoverage, zhEvaluation}
}

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// FromRequest returns the language of r: the lang cookie if set, else the
// best match of Accept-Language, else Chinese.
func FromRequest(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		if c.Value == EN {
			return EN
		}
		if c.Value == ZH {
			return ZH
		}
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return ZH
	}
	_, i, _ := matcher.Match(tags...)
	if i == 1 {
		return EN
	}
	return ZH
}

// T returns the message key in lang; a missing key shows as itself, and a
// test keeps both catalogues complete.
func T(lang, key string) string {
	m := zh
	if lang == EN {
		m = en
	}
	if s, ok := m[key]; ok {
		return s
	}
	return key
}

// Keys returns the keys of a catalogue, for tests.
func Keys(lang string) map[string]string {
	if lang == EN {
		return en
	}
	return zh
}
