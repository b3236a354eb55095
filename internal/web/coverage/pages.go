// Package coverage serves the pages of 两新覆盖: the dashboard, the units
// with their forms, import and export, the settings and the goals.
package coverage

import (
	"embed"
	"html/template"
	"net/http"

	"jiceng/internal/coverage"
	"jiceng/internal/module"
	"jiceng/internal/web"
)

//go:embed templates
var templateFS embed.FS

// Pages are the coverage pages.
type Pages struct {
	*web.Kit
	cov  *coverage.Service
	tmpl *web.Templates
}

// newPages parses the coverage templates.
func newPages(k *web.Kit, cov *coverage.Service) (*Pages, error) {
	t, err := k.Parse(templateFS, funcs)
	if err != nil {
		return nil, err
	}
	return &Pages{Kit: k, cov: cov, tmpl: t}, nil
}

// funcs are the template functions of the coverage pages.
func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"covlabel": func(set, key string) string { return covLabel(set, key, lang) },
		"rate":     formatRate,
	}
}

// nav are the sidebar entries of the coverage pages.
func nav() []module.Nav {
	return []module.Nav{{Key: "coverage", Href: "/coverage", Need: coverage.UnitRead, Order: 40}}
}

// Routes are the coverage pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/coverage", module.Web, h.CoverageDashboard),
		module.R("GET", "/coverage/export.xlsx", module.Web, h.CoverageRatesExport),
		module.R("GET", "/api/v1/coverage/export.xlsx", module.API, h.CoverageRatesExport),
		module.R("GET", "/coverage/units", module.Web, h.CoverageUnits),
		module.R("GET", "/coverage/units/export.xlsx", module.Web, h.CoverageUnitsExport),
		module.R("GET", "/api/v1/units/export.xlsx", module.API, h.CoverageUnitsExport),
		module.R("GET", "/coverage/units/import", module.Web, h.CoverageImportForm),
		module.R("POST", "/coverage/units/import", module.Web, h.CoverageImportUpload),
		module.R("GET", "/coverage/units/import/template.xlsx", module.Web, h.CoverageImportTemplate),
		module.R("GET", "/api/v1/units/import/template.xlsx", module.API, h.CoverageImportTemplate),
		module.R("POST", "/coverage/units/import/{id}/apply", module.Web, h.CoverageImportApply),
		module.R("GET", "/coverage/units/new", module.Web, h.CoverageUnitNewForm),
		module.R("POST", "/coverage/units/new", module.Web, h.CoverageUnitNew),
		module.R("GET", "/coverage/units/{id}", module.Web, h.CoverageUnitShow),
		module.R("GET", "/coverage/units/{id}/edit", module.Web, h.CoverageUnitEditForm),
		module.R("POST", "/coverage/units/{id}/edit", module.Web, h.CoverageUnitEdit),
		module.R("POST", "/coverage/units/{id}/coverage", module.Web, h.CoverageUnitSetCoverage),
		module.R("POST", "/coverage/units/{id}/close", module.Web, h.CoverageUnitClose),
		module.R("POST", "/coverage/units/{id}/reopen", module.Web, h.CoverageUnitReopen),
		module.R("GET", "/coverage/settings", module.Web, h.CoverageSettingsForm),
		module.R("POST", "/coverage/settings", module.Web, h.CoverageSettings),
		module.R("GET", "/coverage/goals", module.Web, h.CoverageGoals),
		module.R("POST", "/coverage/goals", module.Web, h.CoverageGoalNew),
		module.R("GET", "/coverage/goals/{id}", module.Web, h.CoverageGoalShow),
		module.R("GET", "/coverage/goals/{id}/export.xlsx", module.Web, h.CoverageGoalExport),
		module.R("GET", "/api/v1/goal-sets/{id}/export.xlsx", module.API, h.CoverageGoalExport),
		module.R("POST", "/coverage/goals/{id}/target", module.Web, h.CoverageGoalTarget),
	}
}

// render writes one of the coverage pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}

// Module builds the coverage pages: their sidebar entries and routes.
func Module(k *web.Kit, s *coverage.Service) (web.Module, error) {
	h, err := newPages(k, s)
	if err != nil {
		return web.Module{}, err
	}
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: Messages, Cockpits: []web.Card{h.cockpit}}, nil
}
