// Package cases serves the pages of the residents' channel: the public
// intake and follow-up pages residents open on their phones without an
// account, and the staff pages where cases are accepted, handled, answered
// and supervised, with the workstations, the holiday calendar and the
// opinions' monthly reports.
package cases

import (
	"embed"
	"html/template"
	"net/http"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/cases"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/ratelimit"
	"jiceng/internal/web"
)

//go:embed templates
var templateFS embed.FS

// Pages are the channel's pages.
type Pages struct {
	*web.Kit
	cs   *cases.Service
	tmpl *web.Templates
	// codes slows down guessing of receipts, per client (shared with the
	// ballots' codes and the API through the kit).
	codes *account.Limiter
	// submits bounds how many reports one client files (the service's
	// limiter, which the API shares).
	submits *ratelimit.Limiter
}

// funcs are the template functions of the channel's pages.
func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		// clabel names a key of one of the channel's code lists.
		"clabel":   func(set, key string) string { return org.LabelOf(choiceSets[set], key, lang) },
		"cchoices": func(set string) []org.Choice { return choiceSets[set] },
		// bjtime and bjdate show a time in Beijing.
		"bjtime": func(t time.Time) string { return bj(t).Format("2006-01-02 15:04") },
		"bjdate": func(t time.Time) string { return bj(t).Format("2006-01-02") },
		// lastday shows an exclusive deadline as the last day it allows.
		"lastday": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return bj(t.Add(-time.Nanosecond)).Format("2006-01-02")
		},
		"colon": func() string { return web.Msg(lang, "：", ": ") },
	}
}

var beijing = time.FixedZone("CST", 8*3600)

func bj(t time.Time) time.Time { return t.In(beijing) }

// choiceSets are the channel's code lists by the name templates use.
var choiceSets = map[string][]org.Choice{
	"kind": cases.Kinds, "state": cases.States, "outcome": cases.Outcomes, "rating": cases.Ratings,
	"step": cases.Steps, "topic": cases.Topics,
}

// nav is the channel's sidebar entries.
func nav() []module.Nav {
	return []module.Nav{
		{Key: "cases", Href: "/cases", Need: cases.CasesRead, Order: 50},
		{Key: "integrity", Href: "/cases?kind=integrity", Need: cases.IntegrityRead, Order: 51},
		{Key: "reveals", Href: "/cases/reveals", Need: cases.RevealApprove, Order: 52},
		{Key: "stations", Href: "/stations", Need: cases.StationsManage, Order: 53},
		{Key: "calendar", Href: "/cases/calendar", Need: cases.CalendarManage, Order: 54},
		{Key: "opinions", Href: "/cases/opinions", Need: cases.CasesRead, Order: 55},
		{Key: "case_stats", Href: "/cases/stats", Need: cases.CasesRead, Or: cases.IntegrityRead, Order: 56},
	}
}

// Routes are the channel's pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return append(append(append(append(append(append(h.publicRoutes(), h.staffRoutes()...), h.stationRoutes()...), h.calendarRoutes()...), h.revealRoutes()...), h.opinionRoutes()...), h.statsRoutes()...)
}

// render writes one of the channel's pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}

// Module builds the channel's pages: its sidebar entries and routes.
func Module(k *web.Kit, s *cases.Service) (web.Module, error) {
	t, err := k.Parse(templateFS, funcs)
	if err != nil {
		return web.Module{}, err
	}
	h := &Pages{Kit: k, cs: s, tmpl: t, codes: k.Codes}
	if h.codes == nil {
		h.codes = account.NewLimiter(nil)
	}
	h.submits = s.Submits
	msgs, err := i18n.Join(Messages, publicMessages, staffMessages, stationMessages, calendarMessages, revealMessages, opinionMessages, statsMessages)
	if err != nil {
		return web.Module{}, err
	}
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: msgs, Cockpits: []web.Card{h.cockpit}}, nil
}
