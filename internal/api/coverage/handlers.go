// Package coverage serves the JSON API of 两新覆盖 (M1): an organization's
// coverage rates, their trend and the joint branches flagged, the register
// of host units and its import, the settings and the goal sets. It also
// supplies the coverage part of an organization's statistics and the unit
// import kind.
package coverage

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/api"
	"jiceng/internal/coverage"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// Handlers are the coverage module's JSON handlers.
type Handlers struct {
	k   *api.Kit
	cov *coverage.Service
}

// Module builds the coverage module's JSON handlers, its part of an
// organization's statistics and its unit import.
func Module(k *api.Kit, cov *coverage.Service) api.Module {
	h := &Handlers{k: k, cov: cov}
	return api.Module{Routes: h.Routes(), Stats: []module.Stats{h.Stats()}, Imports: []api.ImportKind{h.Import()}}
}

// Routes are the coverage module's API routes.
func (h *Handlers) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/orgs/{id}/coverage", module.API, h.OrgCoverage),
		module.R("GET", "/api/v1/orgs/{id}/coverage/trend", module.API, h.CoverageTrend),
		module.R("GET", "/api/v1/orgs/{id}/coverage/joint-flags", module.API, h.JointFlags),
		module.R("GET", "/api/v1/units", module.API, h.ListUnits),
		module.R("POST", "/api/v1/units/import", module.API, h.ImportUnits),
		module.R("POST", "/api/v1/units", module.API, h.CreateUnit),
		module.R("GET", "/api/v1/units/{id}", module.API, h.GetUnit),
		module.R("PATCH", "/api/v1/units/{id}", module.API, h.PatchUnit),
		module.R("POST", "/api/v1/units/{id}/coverage", module.API, h.SetUnitCoverage),
		module.R("POST", "/api/v1/units/{id}/close", module.API, h.CloseUnit),
		module.R("POST", "/api/v1/units/{id}/reopen", module.API, h.ReopenUnit),
		module.R("GET", "/api/v1/units/{id}/history", module.API, h.UnitHistory),
		module.R("GET", "/api/v1/coverage/settings", module.API, h.CoverageSettings),
		module.R("PUT", "/api/v1/coverage/settings", module.API, h.SetCoverageSettings),
		module.R("GET", "/api/v1/goal-sets", module.API, h.GoalSets),
		module.R("POST", "/api/v1/goal-sets", module.API, h.CreateGoalSet),
		module.R("GET", "/api/v1/goal-sets/{id}", module.API, h.GoalProgress),
		module.R("POST", "/api/v1/goal-sets/{id}/targets", module.API, h.SetGoalTarget),
	}
}

// Stats is the coverage part of an organization's statistics, as the
// cockpit's card shows it for this year (in Asia/Shanghai): today's totals
// of its subtree with each child's rates, the trend of twelve months and
// the standing against the year's goals; left out for a caller who may not
// read units.
func (h *Handlers) Stats() module.Stats {
	return module.Stats{Key: "coverage", Of: func(ctx context.Context, a access.Actor, orgID int64) (any, error) {
		return h.cov.Standing(ctx, a, orgID, h.cov.Now().In(org.Shanghai).Year())
	}}
}
