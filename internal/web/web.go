// Package web serves the admin HTML pages. Handlers parse the request, call
// the domain services (which check permissions), and render templates.
package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/ratelimit"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Static returns the embedded static files (CSS, JS, vendored libraries).
func Static() fs.FS {
	sub, _ := fs.Sub(staticFS, "static")
	return sub
}

// Deps are what the pages need.
type Deps struct {
	Orgs     *org.Service
	Accounts *account.Service
	Coverage *coverage.Service
	Eval     *evaluation.Service
	// Limiter slows down guessing of public codes (ballot tokens), per client.
	Limiter *account.Limiter
	// Reads bounds the bulletin requests of each client; nil gets
	// ratelimit.NewBulletin.
	Reads  *ratelimit.Limiter
	Logger *slog.Logger
	Now    func() time.Time
	// Secure marks cookies Secure (set when served over HTTPS).
	Secure bool
	// PublicURL, when set, is the address raters reach the server by; slips
	// print it instead of the request's own host.
	PublicURL string
	// Demo shows the demo banner on every page, so that made-up data on a
	// screen or on paper is never taken for real.
	Demo bool
}

// Handler holds the parsed templates and the services.
type Handler struct {
	Deps
	pages map[string]map[string]*template.Template // page → lang → template
}

// New parses every page template once per language.
func New(d Deps) (*Handler, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Reads == nil {
		d.Reads = ratelimit.NewBulletin(d.Now)
	}
	h := &Handler{Deps: d, pages: map[string]map[string]*template.Template{}}
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if name == "layout.html" || name == "partials.html" || !strings.HasSuffix(name, ".html") {
			continue
		}
		page := strings.TrimSuffix(name, ".html")
		h.pages[page] = map[string]*template.Template{}
		for _, lang := range []string{i18n.ZH, i18n.EN} {
			t, err := template.New(page).Funcs(funcs(lang)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+name)
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", name, err)
			}
			h.pages[page][lang] = t
		}
	}
	return h, nil
}

func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":        func(key string) string { return i18n.T(lang, key) },
		"num":      formatInt,
		"kind":     func(k string) string { return org.LabelOf(org.Kinds, k, lang) },
		"category": func(k string) string { return org.LabelOf(org.Categories, k, lang) },
		"level":    func(k string) string { return org.LabelOf(org.Levels, k, lang) },
		"status":   func(k string) string { return org.LabelOf(org.Statuses, k, lang) },
		"role": func(r access.Role) string {
			zh, en := access.RoleLabel(r)
			if lang == i18n.EN {
				return en
			}
			return zh
		},
		"date": func(ts string) string { return localTime(ts, "2006-01-02") },
		"time": func(ts string) string { return localTime(ts, "2006-01-02 15:04") },
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
			if lang == i18n.EN {
				return c.EN
			}
			return c.ZH
		},
		"covlabel": func(set, key string) string { return covLabel(set, key, lang) },
		"rate":     formatRate,
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

func localTime(ts, layout string) string {
	if ts == "" {
		return ""
	}
	t, err := time.Parse("2006-01-02T15:04:05.000Z", ts)
	if err != nil {
		return ts
	}
	return t.In(org.Shanghai).Format(layout)
}

// formatInt writes n with thousands separators: 12345 → 12,345.
func formatInt(n int) string {
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

// NavItem is one sidebar link.
type NavItem struct {
	Key, Label, Href string
	Active           bool
}

// Crumb is one breadcrumb step.
type Crumb struct{ Label, Href string }

// Flash is a one-time message shown after a redirect.
type Flash struct{ Kind, Text string }

// Page is what every template gets.
type Page struct {
	Title     string
	Lang      string
	Path      string
	User      *account.User
	Nav       []NavItem
	Crumbs    []Crumb
	Flash     *Flash
	Charts    bool
	Demo      bool
	ScopeName string
	Today     string
	Errors    map[string]string
	Form      url.Values
	Data      any
}

func (h *Handler) page(r *http.Request, active, title string) *Page {
	lang := i18n.FromRequest(r)
	today := h.Now().In(org.Shanghai)
	p := &Page{Title: title, Lang: lang, Path: r.URL.RequestURI(), Today: today.Format("2006年1月2日"), Errors: map[string]string{}, Form: url.Values{}}
	if lang == i18n.EN {
		p.Today = today.Format("2 January 2006")
	}
	actor, ok := access.FromContext(r.Context())
	if ok {
		p.User = &account.User{Username: actor.Username}
		if len(actor.Grants) > 0 {
			p.ScopeName = actor.Grants[0].OrgName
		}
		type item struct {
			key, href string
			need      access.Action
		}
		for _, it := range []item{
			{"cockpit", "/", access.OrgRead},
			{"orgs", "/tree", access.OrgRead},
			{"search", "/orgs", access.OrgRead},
			{"coverage", "/coverage", access.UnitRead},
			{"evaluation", "/evaluation", access.EvaluationRead},
			{"import", "/import", access.OrgImport},
			{"users", "/users", access.UserRead},
			{"audit", "/audit", access.AuditRead},
		} {
			if actor.CanAnywhere(it.need) {
				p.Nav = append(p.Nav, NavItem{Key: it.key, Label: i18n.T(lang, "nav."+it.key), Href: it.href, Active: it.key == active})
			}
		}
	}
	if c, err := r.Cookie("flash"); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			kind, text, _ := strings.Cut(v, "|")
			p.Flash = &Flash{Kind: kind, Text: text}
		}
	}
	return p
}

// render writes a page with status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *Page) {
	t := h.pages[name][p.Lang]
	if t == nil {
		http.Error(w, "missing template "+name, http.StatusInternalServerError)
		return
	}
	if p.Flash != nil {
		http.SetCookie(w, &http.Cookie{Name: "flash", Path: "/", MaxAge: -1})
	}
	p.Demo = h.Demo
	if len(p.Crumbs) == 0 && p.Title != "" {
		p.Crumbs = []Crumb{{Label: p.Title}}
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, frame, p); err != nil {
		h.Logger.Error("render", "page", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

// redirect sends the browser to url with a flash message for the next page.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, to, kind, text string) {
	if text != "" {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: url.QueryEscape(kind + "|" + text), Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.Secure})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// fail renders an error page for err with the status its kind implies.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e.Kind == errs.Internal {
		h.Logger.Error("request failed", "path", r.URL.Path, "err", err)
	}
	p := h.page(r, "", i18n.T(i18n.FromRequest(r), "error.title"))
	p.Data = map[string]any{"Message": e.Message(p.Lang), "Status": Status(e.Kind)}
	h.render(w, r, Status(e.Kind), "error", "layout", p)
}

// Status maps an error kind to its HTTP status; a page whose form input was
// refused answers 422 so that the browser shows the form again.
func Status(k errs.Kind) int {
	if k == errs.Invalid {
		return http.StatusUnprocessableEntity
	}
	return errs.HTTPStatus(k)
}

func actorOf(r *http.Request) access.Actor {
	a, _ := access.FromContext(r.Context())
	return a
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", r.PathValue(name))
	}
	return id, nil
}

// msg picks the Chinese or English text.
func msg(lang, zh, en string) string {
	if lang == i18n.EN {
		return en
	}
	return zh
}
