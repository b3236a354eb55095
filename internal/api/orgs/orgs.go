// Package orgs serves the JSON API of the organization tree: listing,
// reading, creating, changing, moving and dissolving organizations, their
// statistics with every module's part, and the organization import with
// the one apply route of every import kind.
package orgs

import (
	"jiceng/internal/api"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// Handlers are the organization tree's JSON handlers. An organization's
// statistics gather every module's part, and the apply route tries every
// module's import kind after the organization import, both as the kit has
// them (see api.Kit.Use).
type Handlers struct {
	k    *api.Kit
	orgs *org.Service
}

// Module builds the organization tree's JSON handlers.
func Module(k *api.Kit, orgs *org.Service) api.Module {
	h := &Handlers{k: k, orgs: orgs}
	return api.Module{Routes: h.Routes()}
}

// Routes are the organization tree's API routes.
func (h *Handlers) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/orgs", module.API, h.ListOrgs),
		module.R("POST", "/api/v1/orgs", module.API, h.CreateOrg),
		module.R("POST", "/api/v1/orgs/import", module.API, h.ImportOrgs),
		module.R("POST", "/api/v1/imports/{id}/apply", module.API, h.ApplyImport),
		module.R("GET", "/api/v1/orgs/{id}", module.API, h.GetOrg),
		module.R("PATCH", "/api/v1/orgs/{id}", module.API, h.PatchOrg),
		module.R("GET", "/api/v1/orgs/{id}/children", module.API, h.Children),
		module.R("GET", "/api/v1/orgs/{id}/stats", module.API, h.Stats),
		module.R("POST", "/api/v1/orgs/{id}/move", module.API, h.MoveOrg),
		module.R("POST", "/api/v1/orgs/{id}/dissolve", module.API, h.DissolveOrg),
	}
}
