// Package orgs serves the pages of the organization tree: the cockpit, the
// tree, an organization's page, search, the edit forms, export and import.
package orgs

import (
	"embed"
	"jiceng/internal/org"
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/module"
	"jiceng/internal/web"
)

//go:embed templates
var templateFS embed.FS

// Pages are the organization pages.
type Pages struct {
	*web.Kit
	tmpl *web.Templates
}

// newPages parses the organization templates.
func newPages(k *web.Kit) (*Pages, error) {
	t, err := k.Parse(templateFS, nil)
	if err != nil {
		return nil, err
	}
	return &Pages{Kit: k, tmpl: t}, nil
}

// nav are the sidebar entries of the organization pages.
func nav() []module.Nav {
	return []module.Nav{
		{Key: "cockpit", Href: "/", Need: access.OrgRead, Order: 10},
		{Key: "orgs", Href: "/tree", Need: access.OrgRead, Order: 20},
		{Key: "search", Href: "/orgs", Need: access.OrgRead, Order: 30},
		{Key: "import", Href: "/import", Need: access.OrgImport, Order: 60},
	}
}

// Routes are the organization pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/{$}", module.Web, h.Cockpit),
		module.R("GET", "/cockpit.xlsx", module.Web, h.CockpitExport),
		module.R("GET", "/tree", module.Web, h.Tree),
		module.R("GET", "/tree/{id}", module.Web, h.TreeChildren),
		module.R("GET", "/orgs", module.Web, h.OrgSearch),
		module.R("GET", "/pick/orgs", module.Web, h.pickOrgs),
		module.R("GET", "/pick/regions", module.Web, h.pickRegions),
		module.R("GET", "/orgs/export.xlsx", module.Web, h.OrgExport),
		module.R("GET", "/orgs/{id}", module.Web, h.OrgShow),
		module.R("GET", "/orgs/{id}/export.xlsx", module.Web, h.OrgExport),
		module.R("GET", "/api/v1/orgs/export.xlsx", module.API, h.OrgExport),
		module.R("GET", "/api/v1/orgs/{id}/export.xlsx", module.API, h.OrgExport),
		module.R("GET", "/orgs/{id}/edit", module.Web, h.OrgEditForm),
		module.R("POST", "/orgs/{id}/edit", module.Web, h.OrgEdit),
		module.R("GET", "/orgs/{id}/new", module.Web, h.OrgNewForm),
		module.R("POST", "/orgs/{id}/new", module.Web, h.OrgNew),
		module.R("GET", "/orgs/{id}/move", module.Web, h.OrgMoveForm),
		module.R("POST", "/orgs/{id}/move", module.Web, h.OrgMove),
		module.R("GET", "/orgs/{id}/dissolve", module.Web, h.OrgDissolveForm),
		module.R("POST", "/orgs/{id}/dissolve", module.Web, h.OrgDissolve),
		module.R("GET", "/import", module.Web, h.ImportForm),
		module.R("POST", "/import", module.Web, h.ImportUpload),
		module.R("GET", "/import/template.xlsx", module.Web, h.ImportTemplate),
		module.R("GET", "/api/v1/orgs/import/template.xlsx", module.API, h.ImportTemplate),
		module.R("POST", "/import/{id}/apply", module.Web, h.ImportApply),
	}
}

// render writes one of the organization pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}

// Module builds the organization pages: their sidebar entries and routes.
func Module(k *web.Kit, _ *org.Service) (web.Module, error) {
	h, err := newPages(k) // the kit's Orgs is the service: the pickers share it
	if err != nil {
		return web.Module{}, err
	}
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: Messages, Group: "nav.orgs"}, nil
}

// pickOrgs and pickRegions serve the kit's pickers: the searches behind
// every organization field and the region selects of every form.
func (h *Pages) pickOrgs(w http.ResponseWriter, r *http.Request)    { h.PickOrgs(w, r) }
func (h *Pages) pickRegions(w http.ResponseWriter, r *http.Request) { h.PickRegions(w, r) }
