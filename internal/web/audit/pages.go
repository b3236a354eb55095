// Package audit serves the audit log page and its export.
package audit

import (
	"embed"
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

// New parses the audit templates.
func New(k *web.Kit) (*Pages, error) {
	t, err := k.Parse(templateFS, nil)
	if err != nil {
		return nil, err
	}
	return &Pages{Kit: k, tmpl: t}, nil
}

// Nav are the sidebar entries of the audit log.
func Nav() []module.Nav {
	return []module.Nav{{Key: "audit", Href: "/audit", Need: access.AuditRead, Order: 80}}
}

// Routes are the audit log pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/audit", module.Web, h.Audit),
		module.R("GET", "/audit/export.xlsx", module.Web, h.AuditExport),
	}
}

// render writes one of the audit pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}
