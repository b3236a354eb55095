// Package programs serves the JSON API of the programmes (M3, M4, M6, M7):
// each ledger's lists, records and steps, in the shapes its pages show.
package programs

import (
	"context"
	"slices"

	"jiceng/internal/access"
	"jiceng/internal/module"

	"jiceng/internal/api"
	"jiceng/internal/programs"
)

// Handlers are the programmes' JSON handlers.
type Handlers struct {
	k  *api.Kit
	pg *programs.Service
}

// Module builds the programmes' JSON handlers. Each ledger keeps its routes
// in its own file and its part of the OpenAPI document in
// openapi-<ledger>.json.
func Module(k *api.Kit, pg *programs.Service) api.Module {
	h := &Handlers{k: k, pg: pg}
	return api.Module{Routes: slices.Concat(h.rectRoutes(), h.venueRoutes(), h.contactRoutes(), h.pairingRoutes(), h.fsecRoutes(), h.siteRoutes()), Stats: []module.Stats{h.Stats()}}
}

// Stats is the programmes' part of an organization's statistics, left out
// for a caller who may not read the programmes there.
func (h *Handlers) Stats() module.Stats {
	return module.Stats{Key: "programs", Of: func(ctx context.Context, a access.Actor, orgID int64) (any, error) {
		return h.pg.SubtreeStats(ctx, a, orgID)
	}}
}
