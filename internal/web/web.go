// Package web is the page kit every module's pages are built with: the
// layout and its sidebar, rendering, redirects with a flash message, the
// error page, form and list helpers, organization pickers, Excel downloads
// with their audit record, the static files and the base templates. Each
// module's pages live in a package below this one.
package web

import (
	"cmp"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
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

// Deps are what the kit needs.
type Deps struct {
	// Orgs serves the organization pickers and scope names, and holds the
	// database the audit record of an export is written to.
	Orgs   *org.Service
	Logger *slog.Logger
	Now    func() time.Time
	// Secure marks cookies Secure (set when served over HTTPS).
	Secure bool
	// Demo shows the demo banner on every page, so that made-up data on a
	// screen or on paper is never taken for real.
	Demo bool
	// Nav are the sidebar entries of every module, in any order; the app
	// adds each module's with AddModule.
	Nav []module.Nav
	// Catalogs are the message catalogues of every module's pages; the
	// kit adds its own (layout, login, errors, navigation).
	Catalogs []i18n.Catalog
	// PublicURL is the address users reach jiceng by, or "" (see
	// module.Core); slips print it in their QR codes.
	PublicURL string
	// Codes slows down guessing of public codes, per client; Reads limits
	// bulletin reads. Both are shared with the JSON API.
	Codes *account.Limiter
	Reads *ratelimit.Limiter
}

// Module is what a module's pages hand the platform: their sidebar entries
// and their routes.
type Module struct {
	Nav    []module.Nav
	Routes []module.Route
	// Catalog holds the messages of the module's pages, with the names of
	// the actions it audits ("action.*").
	Catalog i18n.Catalog
	// Group is the message naming the module where lists gather its
	// actions (the audit log's filter); "" means its first sidebar entry.
	Group string
	// OrgFacts gives the module's facts about an organization for its page
	// (members, secretary, term …), in the request's language; nil when
	// the module has none. A refusal leaves them out for that reader.
	OrgFacts func(r *http.Request, o org.Org) ([]Fact, error)
	// Cockpits give the module's cards on the cockpit for the organization
	// it shows (key figures and charts of its subtree, for the year of
	// CockpitYear), in order. A refusal leaves that card out for that
	// reader.
	Cockpits []Card
}

// Card gives one card of the cockpit; see Module.Cockpits.
type Card func(r *http.Request, o org.Org) (*Panel, error)

// Panel is a module's card on the cockpit: a title linking to the module's
// own page of the subtree, key figures and charts.
type Panel struct {
	Title, Href string
	KPIs        []KPI
	Charts      []PanelChart
}

// KPI is a key figure: the value, what it counts, and a line beneath (a
// share, a breakdown); Href, when set, lists what it counts.
type KPI struct {
	Value, Label, Sub, Href string
}

// PanelChart is a chart of a panel: the id of its element, unique on the
// page, its title and its ChartJSON.
type PanelChart struct {
	ID, Title string
	JSON      template.JS
}

// Fact is one line a module adds to an organization's page: a label and a
// value, an optional link, and a warning when something needs doing.
type Fact struct {
	Label, Value, Href string
	Warn               string
}

// Section is one module's catalogue and the message naming the module.
type Section struct {
	Label   string
	Catalog i18n.Catalog
	order   int // its first sidebar entry's
}

// Kit is the page kit: what every page package renders and answers with.
type Kit struct {
	Deps
	msgs *i18n.Merged
	base *Templates // the error page
	// sections are the modules' catalogues in the sidebar's order.
	sections []Section
	// orgFacts are the modules' contributions to an organization's page,
	// cockpits their cards on the cockpit.
	orgFacts []func(r *http.Request, o org.Org) ([]Fact, error)
	cockpits []func(r *http.Request, o org.Org) (*Panel, error)
}

// New builds the kit and parses its own templates.
func New(d Deps) (*Kit, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	msgs, err := i18n.Merge(append([]i18n.Catalog{Messages}, d.Catalogs...)...)
	if err != nil {
		return nil, err
	}
	k := &Kit{Deps: d, msgs: msgs}
	k.addNav()
	base, err := k.parse(templateFS, []string{"templates/error.html", "templates/pick.html"}, nil)
	if err != nil {
		return nil, err
	}
	k.base = base
	return k, nil
}

// addNav adds sidebar entries, kept sorted by their Order.
func (k *Kit) addNav(n ...module.Nav) {
	k.Nav = slices.Concat(k.Nav, n)
	slices.SortStableFunc(k.Nav, func(a, b module.Nav) int { return cmp.Compare(a.Order, b.Order) })
}

// AddModule adds a module's sidebar entries and its messages to the kit's,
// refusing a key another catalogue already defines or one that lacks a
// language. The app adds every module's before the server takes requests;
// templates look messages up when they run, so pages parsed before still
// find them.
func (k *Kit) AddModule(m Module) error {
	k.addNav(m.Nav...)
	k.Catalogs = append(slices.Clip(k.Catalogs), m.Catalog)
	msgs, err := i18n.Merge(append([]i18n.Catalog{Messages}, k.Catalogs...)...)
	if err != nil {
		return err
	}
	k.msgs = msgs
	sec := Section{Label: m.Group, Catalog: m.Catalog}
	if len(m.Nav) > 0 {
		sec.order = m.Nav[0].Order
		if sec.Label == "" {
			sec.Label = "nav." + m.Nav[0].Key
		}
	}
	if m.OrgFacts != nil {
		k.orgFacts = append(k.orgFacts, m.OrgFacts)
	}
	for _, c := range m.Cockpits {
		k.cockpits = append(k.cockpits, c)
	}
	k.sections = append(k.sections, sec)
	slices.SortStableFunc(k.sections, func(a, b Section) int { return cmp.Compare(a.order, b.order) })
	return nil
}

// OrgFacts gathers every module's facts about an organization, in the
// module list's order; a module that refuses the reader (it may not read
// that module's data there) adds none.
func (k *Kit) OrgFacts(r *http.Request, o org.Org) ([]Fact, error) {
	facts, err := gather(k.orgFacts, r, o)
	return slices.Concat(facts...), err
}

// Panels gathers every module's card for the cockpit of an organization,
// in the module list's order, leaving out those that refuse the reader.
func (k *Kit) Panels(r *http.Request, o org.Org) ([]Panel, error) {
	var out []Panel
	ps, err := gather(k.cockpits, r, o)
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, err
}

// gather calls each module's contribution about an organization; one that
// refuses the reader (Forbidden, NotFound) contributes nothing.
func gather[T any](fns []func(*http.Request, org.Org) (T, error), r *http.Request, o org.Org) ([]T, error) {
	var out []T
	for _, f := range fns {
		v, err := f(r, o)
		if kind := errs.KindOf(err); kind == errs.Forbidden || kind == errs.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Sections are the modules' catalogues, each with the message naming its
// module, in the sidebar's order.
func (k *Kit) Sections() []Section { return k.sections }

// Routes are the kit's own routes: health check, static files and the
// language switch.
func (k *Kit) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/healthz", module.Public, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) }),
		module.R("GET", "/static/", module.Public, serveStatic),
		module.R("GET", "/favicon.ico", module.Public, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
		}),
		module.R("GET", "/lang", module.Public, k.Lang),
	}
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
	Title  string
	Lang   string
	Path   string
	User   *account.User
	Nav    []NavItem
	Crumbs []Crumb
	Flash  *Flash
	Charts bool
	Demo   bool
	// StaleSeconds, when set, is the bound on the lag of the read replica
	// some of the page's figures came from: the page says so.
	StaleSeconds int
	ScopeName    string
	Today        string
	Errors       map[string]string
	Form         url.Values
	Data         any
	// Picks and Regions are the page's organization and region pickers,
	// by form field, filled when the page is rendered (see Page.Picker).
	Picks         map[string]*OrgField
	Regions       map[string]*RegionField
	pickers       map[string]PickFilter
	regionPickers []string
}

// Page starts the page of a request: language, date, user, the sidebar with
// the entry active marked, and the flash message of a redirect.
func (k *Kit) Page(r *http.Request, active, title string) *Page {
	lang := i18n.FromRequest(r)
	today := k.Now().In(org.Shanghai)
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
		for _, it := range k.Nav {
			if actor.CanAnywhere(it.Need) || it.Or != "" && actor.CanAnywhere(it.Or) {
				p.Nav = append(p.Nav, NavItem{Key: it.Key, Label: k.T(lang, "nav."+it.Key), Href: it.Href, Active: it.Key == active})
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

// Render writes page name of t in frame ("layout", "bare" or a fragment)
// with status.
func (k *Kit) Render(w http.ResponseWriter, r *http.Request, status int, t *Templates, name, frame string, p *Page) {
	tmpl := t.pages[name][p.Lang]
	if tmpl == nil {
		http.Error(w, "missing template "+name, http.StatusInternalServerError)
		return
	}
	if p.Flash != nil {
		http.SetCookie(w, &http.Cookie{Name: "flash", Path: "/", MaxAge: -1})
	}
	p.Demo = k.Demo
	k.fillPickers(r, p)
	if bound, ok := db.StaleBound(r.Context()); ok {
		p.StaleSeconds = int(bound.Seconds())
	}
	if p.Lang == i18n.EN {
		if p.Flash != nil {
			p.Flash.Text = i18n.Sentence(p.Flash.Text)
		}
		for f, m := range p.Errors {
			p.Errors[f] = i18n.Sentence(m)
		}
	}
	if len(p.Crumbs) == 0 && p.Title != "" {
		p.Crumbs = []Crumb{{Label: p.Title}}
	}
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, frame, p); err != nil {
		k.Logger.Error("render", "page", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

// Redirect sends the browser to url with a flash message for the next page.
func (k *Kit) Redirect(w http.ResponseWriter, r *http.Request, to, kind, text string) {
	if text != "" {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: url.QueryEscape(kind + "|" + text), Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: k.Secure})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// Fail renders an error page for err with the status its kind implies.
func (k *Kit) Fail(w http.ResponseWriter, r *http.Request, err error) {
	e := api.Failure(w, r, err)
	switch {
	case e.Kind == errs.Internal && r.Context().Err() != nil:
		// The client went away mid-request: nothing for an operator to fix.
		k.Logger.Info("request abandoned by the client", "path", r.URL.Path)
	case e.Kind == errs.Internal:
		k.Logger.Error("request failed", "path", r.URL.Path, "err", err)
	case e.Kind == errs.Unavailable:
		k.Logger.Warn("request unavailable", "path", r.URL.Path, "err", err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		// An Excel export served to API clients: they read errors as JSON.
		failJSON(w, e, i18n.FromRequest(r))
		return
	}
	k.errorPage(w, r, Status(e.Kind), e)
}

// errorPage renders the error page of e with status.
func (k *Kit) errorPage(w http.ResponseWriter, r *http.Request, status int, e *errs.Error) {
	p := k.Page(r, "", k.errorTitle(i18n.FromRequest(r), e.Kind))
	msg := e.Message(p.Lang)
	if p.Lang == i18n.EN {
		msg = i18n.Sentence(msg)
	}
	p.Data = map[string]any{"Message": msg, "Status": status}
	k.Render(w, r, status, k.base, "error", "layout", p)
}

// errorTitle names what went wrong by the error's kind ("无权访问" for a
// refusal, "未找到" for a missing record), so that the heading of the error
// page says more than that something failed; internal errors and kinds
// without a title of their own keep the general one.
func (k *Kit) errorTitle(lang string, kind errs.Kind) string {
	if k.msgs.Has("error.title." + string(kind)) {
		return k.T(lang, "error.title."+string(kind))
	}
	return k.T(lang, "error.title")
}

// Status maps an error kind to its HTTP status; a page whose form input was
// refused answers 422 so that the browser shows the form again.
func Status(k errs.Kind) int {
	if k == errs.Invalid {
		return http.StatusUnprocessableEntity
	}
	return errs.HTTPStatus(k)
}

// Actor is the actor the server authenticated for the request.
func Actor(r *http.Request) access.Actor {
	a, _ := access.FromContext(r.Context())
	return a
}

// PathID reads a positive number from the path; anything else is not found.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", r.PathValue(name))
	}
	return id, nil
}

// T returns the message key of the merged catalogues in lang.
func (k *Kit) T(lang, key string) string { return k.msgs.T(lang, key) }

// Msg picks the Chinese or English text, for messages written beside the
// code that shows them rather than in a catalogue.
func Msg(lang, zh, en string) string { return i18n.Text{ZH: zh, EN: en}.In(lang) }

// ErrMessage is the message of err in lang.
func ErrMessage(err error, lang string) string { return errs.As(err).Message(lang) }
