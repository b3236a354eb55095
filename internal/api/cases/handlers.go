// Package cases serves the JSON API of the residents' channel: public
// intake, follow-up, messages and rating by receipt; the staff's list, case
// and one endpoint per step; and the cases part of an organization's
// statistics.
package cases

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/api"
	"jiceng/internal/cases"
	"jiceng/internal/module"
)

// Handlers are the channel's JSON handlers.
type Handlers struct {
	k  *api.Kit
	cs *cases.Service
}

// Module builds the channel's JSON handlers and its part of an
// organization's statistics.
func Module(k *api.Kit, cs *cases.Service) api.Module {
	h := &Handlers{k: k, cs: cs}
	return api.Module{Routes: h.Routes(), Stats: []module.Stats{h.Stats()}}
}

// Routes are the channel's API routes.
func (h *Handlers) Routes() []module.Route {
	return nil
}

// Stats is the "cases" part of GET /api/v1/orgs/{id}/stats.
func (h *Handlers) Stats() module.Stats {
	return module.Stats{Key: "cases", Of: func(ctx context.Context, a access.Actor, orgID int64) (any, error) {
		return h.cs.SubtreeStats(ctx, a, orgID)
	}}
}
