// Package audit serves the audit log page and its export.
package audit

import (
	"embed"
	"jiceng/internal/audit"
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/module"
	"jiceng/internal/web"
)

//go:embed templates
var templateFS embed.FS

// Pages are the audit log pages.
type Pages struct {
	*web.Kit
	tmpl *web.Templates
}

// newPages parses the audit templates.
func newPages(k *web.Kit) (*Pages, error) {
	t, err := k.Parse(templateFS, nil)
	if err != nil {
		return nil, err
	}
	return &Pages{Kit: k, tmpl: t}, nil
}

// nav are the sidebar entries of the audit log.
func nav() []module.Nav {
	return []module.Nav{{Key: "audit", Href: "/audit", Need: access.AuditRead, Order: 80}}
}

// Routes are the audit log pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/audit", module.Web, h.Audit),
		module.R("GET", "/audit/export.xlsx", module.Web, h.AuditExport),
		module.R("GET", "/api/v1/audit/export.xlsx", module.API, h.AuditExport),
	}
}

// render writes one of the audit pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}

// Module builds the audit log pages: their sidebar entries and routes.
func Module(k *web.Kit, _ *audit.Service) (web.Module, error) {
	h, err := newPages(k) // the log is read through the kit's Orgs, whose audit it is
	if err != nil {
		return web.Module{}, err
	}
	// Exports, the actions it names, are every module's: under 其他.
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: Messages, Group: otherGroup}, nil
}
