// Package i18n holds the bilingual text type (Chinese first, English
// second), merges the message catalogues the modules' pages bring, and picks
// the language of a request.
package i18n

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Languages supported, the default first.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Text is a message in Chinese (the default language) and English: an error
// message, the label of a choice, a computed warning. It marshals as
// {"zh","en"}.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Textf is a Text with fmt-style arguments applied to both messages.
func Textf(zh, en string, args ...any) Text {
	return Text{ZH: fmt.Sprintf(zh, args...), EN: fmt.Sprintf(en, args...)}
}

// In returns the message in lang: English when lang is EN and there is an
// English message, else Chinese.
func (t Text) In(lang string) string {
	if lang == EN && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// Catalog maps message keys to their text; each module's pages bring one,
// the page kit another for the platform's own pages.
type Catalog map[string]Text

// Check refuses a catalogue in which a key lacks either language.
func (c Catalog) Check() error {
	var missing []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		if c[k].ZH == "" {
			missing = append(missing, k+" (Chinese)")
		}
		if c[k].EN == "" {
			missing = append(missing, k+" (English)")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("i18n: keys without a message: %s", strings.Join(missing, ", "))
	}
	return nil
}

// Join joins the catalogues a module keeps apart (one per group of pages)
// into the one it hands the page kit, refusing a key two of them define.
func Join(cs ...Catalog) (Catalog, error) {
	out := Catalog{}
	for _, c := range cs {
		for k, v := range c {
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("i18n: message %q is defined twice", k)
			}
			out[k] = v
		}
	}
	return out, nil
}

// Merged holds catalogues merged into one; it is read-only after Merge.
type Merged struct{ m map[string]Text }

// Merge merges parts into one set of messages, refusing a key defined in two
// parts (one would silently hide the other) and a key that lacks either
// language.
func Merge(parts ...Catalog) (*Merged, error) {
	m := map[string]Text{}
	for _, p := range parts {
		if err := p.Check(); err != nil {
			return nil, err
		}
		for k, v := range p {
			if _, ok := m[k]; ok {
				return nil, fmt.Errorf("i18n: key %s defined in two catalogues", k)
			}
			m[k] = v
		}
	}
	return &Merged{m: m}, nil
}

// T returns the message key in lang; a missing key shows as itself, and a
// test keeps every key used by a template in the catalogues.
func (c *Merged) T(lang, key string) string {
	if t, ok := c.m[key]; ok {
		return t.In(lang)
	}
	return key
}

// Has tells whether key is defined.
func (c *Merged) Has(key string) bool {
	_, ok := c.m[key]
	return ok
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
