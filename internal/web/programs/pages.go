// Package programs serves the pages of the programmes (M3, M4, M6, M7):
// each ledger's lists, forms and printouts, and the public pages residents
// reach from a poster's QR code.
package programs

import (
	"embed"
	"html/template"
	"net/http"
	"slices"

	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

//go:embed templates
var templateFS embed.FS

// Pages are the programmes' pages.
type Pages struct {
	*web.Kit
	pg   *programs.Service
	tmpl *web.Templates
}

// funcs are the template functions of the programmes' pages.
func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		// rlabel is a rectification code's label: set is state, reason,
		// source or step.
		"rlabel":   func(set, key string) string { return org.LabelOf(rectSets[set], key, lang) },
		"rchoices": func(set string) []org.Choice { return rectSets[set] },
		"rpublic": func(key string) string {
			return org.LabelOf(programs.PublicRectReasons, programs.PublicReason(key), lang)
		},
		"colon": func() string { return web.Msg(lang, "：", ": ") },
	}
}

// rectSets are the rectification's code lists by the name templates use.
var rectSets = map[string][]org.Choice{"state": programs.RectStates, "reason": programs.RectReasons, "source": programs.RectSources, "step": programs.RectSteps,
	"public_reason": programs.PublicRectReasons}

// Module builds the programmes' pages: their sidebar entries, routes and
// messages. Each ledger keeps its routes and messages in its own files.
func Module(k *web.Kit, s *programs.Service) (web.Module, error) {
	t, err := k.Parse(templateFS, funcs)
	if err != nil {
		return web.Module{}, err
	}
	h := &Pages{Kit: k, pg: s, tmpl: t}
	msgs, err := i18n.Join(Messages, rectMessages, venueMessages, contactMessages, pairingMessages, fsecMessages, siteMessages, cockpitMessages)
	if err != nil {
		return web.Module{}, err
	}
	return web.Module{Nav: nav(), Routes: slices.Concat(h.rectRoutes(), h.venueRoutes(), h.contactRoutes(), h.pairingRoutes(), h.fsecRoutes(), h.siteRoutes()), Catalog: msgs, Group: "nav.programs", Cockpits: []web.Card{h.rectCockpit, h.siteCockpit, h.fsecCockpit}}, nil
}

// nav is the programmes' sidebar entries, after the residents' channel's
// and before the imports.
func nav() []module.Nav {
	return []module.Nav{
		{Key: "rect", Href: "/rectification", Need: programs.ProgramsRead, Order: 57},
		{Key: "fsec", Href: "/first-secretaries", Need: programs.ProgramsRead, Order: 57},
		{Key: "contacts", Href: "/contacts", Need: programs.ProgramsRead, Order: 58},
		{Key: "pairings", Href: "/pairings", Need: programs.ProgramsRead, Order: 59},
		{Key: "venues", Href: "/venues", Need: programs.ProgramsRead, Order: 59},
		{Key: "sites", Href: "/sites", Need: programs.ProgramsRead, Order: 59},
	}
}

// render writes one of the programmes' pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}

// Messages are the messages the programmes' pages share: the sidebar
// entries and the module's name.
var Messages = i18n.Catalog{
	"nav.programs": {ZH: "党建工程", EN: "Programmes"},
}
