// Package people serves the JSON API of the member register (M3, M4, M7):
// members of a subtree, persons with their timeline, registration and
// changes, reveals, and the people part of an organization's statistics.
package people

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/api"
	"jiceng/internal/module"
	"jiceng/internal/people"
)

// Handlers are the register's JSON handlers.
type Handlers struct {
	k   *api.Kit
	ppl *people.Service
}

// Module builds the register's JSON handlers and its part of an
// organization's statistics.
func Module(k *api.Kit, ppl *people.Service) api.Module {
	h := &Handlers{k: k, ppl: ppl}
	return api.Module{Routes: h.Routes(), Stats: []module.Stats{h.Stats()}, Imports: []api.ImportKind{h.Import()}}
}

// Routes are the register's API routes.
func (h *Handlers) Routes() []module.Route {
	return append([]module.Route{
		module.R("GET", "/api/v1/people", module.API, h.ListMembers),
		module.R("POST", "/api/v1/people", module.API, h.AddMember),
		module.R("GET", "/api/v1/people/{id}", module.API, h.GetPerson),
		module.R("GET", "/api/v1/people/{id}/timeline", module.API, h.Timeline),
		module.R("POST", "/api/v1/people/{id}/status", module.API, h.SetStatus),
		module.R("POST", "/api/v1/people/{id}/convert", module.API, h.Convert),
		module.R("POST", "/api/v1/people/{id}/reveal", module.API, h.Reveal),
	}, h.trainingRoutes()...)
}

// Stats is the people part of an organization's statistics: the member
// statistics of its subtree, left out for a caller who may not read them.
func (h *Handlers) Stats() module.Stats {
	return module.Stats{Key: "people", Of: func(ctx context.Context, a access.Actor, orgID int64) (any, error) {
		return h.ppl.Stats(ctx, a, orgID)
	}}
}
