package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Templates are the pages of one package, each parsed with the base
// templates once per language.
type Templates struct {
	pages map[string]map[string]*template.Template // page → lang → template
}

// Parse parses every templates/*.html of fsys together with the base
// templates (layout and partials), once per language. Files named
// *.part.html are the package's own partials, which every page of it may
// use, not pages. extra, when not nil, adds the package's own template
// functions for a language.
func (k *Kit) Parse(fsys fs.FS, extra func(lang string) template.FuncMap) (*Templates, error) {
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var names, partials []string
	for _, f := range files {
		if strings.HasSuffix(f, ".part.html") {
			partials = append(partials, f)
		} else {
			names = append(names, f)
		}
	}
	return k.parse(fsys, names, extra, partials...)
}

// parse parses the named files of fsys as pages, each with the partials.
func (k *Kit) parse(fsys fs.FS, names []string, extra func(lang string) template.FuncMap, partials ...string) (*Templates, error) {
	t := &Templates{pages: map[string]map[string]*template.Template{}}
	for _, name := range names {
		file := path.Base(name)
		page := strings.TrimSuffix(file, ".html")
		t.pages[page] = map[string]*template.Template{}
		for _, lang := range []string{i18n.ZH, i18n.EN} {
			fm := k.funcs(lang)
			if extra != nil {
				maps.Copy(fm, extra(lang))
			}
			pt, err := template.New(page).Funcs(fm).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
			if err == nil {
				pt, err = pt.ParseFS(fsys, append(slices.Clip(partials), name)...)
			}
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", file, err)
			}
			t.pages[page][lang] = pt
		}
	}
	return t, nil
}

func (k *Kit) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":        func(key string) string { return k.T(lang, key) },
		"asset":    Asset,
		"num":      FormatInt,
		"kind":     func(k string) string { return org.LabelOf(org.Kinds, k, lang) },
		"category": func(k string) string { return org.LabelOf(org.Categories, k, lang) },
		"level":    func(k string) string { return org.LabelOf(org.Levels, k, lang) },
		"status":   func(k string) string { return org.LabelOf(org.Statuses, k, lang) },
		"role": func(r access.Role) string {
			return access.RoleLabel(r).In(lang)
		},
		"date": func(ts string) string { return LocalTime(ts, "2006-01-02") },
		"time": func(ts string) string { return LocalTime(ts, "2006-01-02 15:04") },
		"add":  func(a, b int) int { return a + b },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
		"list":    func(v ...string) []string { return v },
		"pct":     func(a, b int) string { return pct(a, b) },
		"deref":   func(p *int64) int64 { return derefID(p) },
		"choices": func(name string) []org.Choice { return choices(name) },
		"label": func(c org.Choice) string {
			return c.In(lang)
		},
	}
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func choices(name string) []org.Choice {
	switch name {
	case "kinds":
		return org.Kinds
	case "categories":
		return org.Categories
	case "levels":
		return org.Levels
	}
	return nil
}

// LocalTime writes a stored UTC time in Shanghai time with layout; what is
// not a stored time is written as it is.
func LocalTime(ts, layout string) string {
	if ts == "" {
		return ""
	}
	t, err := time.Parse("2006-01-02T15:04:05.000Z", ts)
	if err != nil {
		return ts
	}
	return t.In(org.Shanghai).Format(layout)
}

// FormatInt writes n with thousands separators: 12345 → 12,345.
func FormatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func pct(a, b int) string {
	if b == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(a)*100/float64(b), 'f', 1, 64) + "%"
}
