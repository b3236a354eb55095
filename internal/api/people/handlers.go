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
	return api.Module{Routes: h.Routes(), Stats: []module.Stats{h.Stats()}, Imports: append(ppl.ImportAppliers(), h.Import())}
}

// Routes are the register's API routes.
func (h *Handlers) Routes() []module.Route {
	return append([]module.Route{
		module.R("GET", "/api/v1/people", module.API, h.ListMembers),
		module.R("POST", "/api/v1/people", module.API, h.AddMember),
		module.R("POST", "/api/v1/people/import", module.API, h.ImportMembers),
		module.R("GET", "/api/v1/people/{id}", module.API, h.GetPerson),
		module.R("GET", "/api/v1/people/{id}/timeline", module.API, h.Timeline),
		module.R("POST", "/api/v1/people/{id}/status", module.API, h.SetStatus),
		module.R("POST", "/api/v1/people/{id}/convert", module.API, h.Convert),
		module.R("POST", "/api/v1/people/{id}/reveal", module.API, h.Reveal),
		module.R("POST", "/api/v1/people/{id}/transfer", module.API, h.RequestTransfer),
		module.R("GET", "/api/v1/transfers", module.API, h.ListTransfers),
		module.R("GET", "/api/v1/transfers/{id}", module.API, h.GetTransfer),
		module.R("POST", "/api/v1/transfers/{id}/accept", module.API, h.AcceptTransfer),
		module.R("POST", "/api/v1/transfers/{id}/reject", module.API, h.RejectTransfer),
		module.R("POST", "/api/v1/transfers/{id}/cancel", module.API, h.CancelTransfer),
		module.R("GET", "/api/v1/people/{id}/posts", module.API, h.PersonPosts),
		module.R("GET", "/api/v1/orgs/{id}/posts", module.API, h.OrgPosts),
		module.R("POST", "/api/v1/posts", module.API, h.Appoint),
		module.R("POST", "/api/v1/posts/{id}/end", module.API, h.EndPost),
		module.R("GET", "/api/v1/vacancies", module.API, h.Vacancies),
		module.R("POST", "/api/v1/terms", module.API, h.RecordTerm),
		module.R("GET", "/api/v1/terms/due", module.API, h.TermsDue),
		module.R("GET", "/api/v1/pay/compliance", module.API, h.PayCompliance),
		module.R("GET", "/api/v1/pay/growth", module.API, h.PayGrowth),
		module.R("GET", "/api/v1/pay/incomes", module.API, h.References),
		module.R("POST", "/api/v1/pay/incomes", module.API, h.SetReference),
		module.R("POST", "/api/v1/pay/incomes/import", module.API, h.ImportReferences),
		module.R("POST", "/api/v1/pay", module.API, h.RecordPay),
		module.R("POST", "/api/v1/pay/import", module.API, h.ImportPay),
		module.R("GET", "/api/v1/pay/factor", module.API, h.PayFactor),
		module.R("PUT", "/api/v1/pay/factor", module.API, h.SetPayFactor),
		// Organizers (M3) and care (M7).
		module.R("GET", "/api/v1/organizer-batches", module.API, h.ListBatches),
		module.R("POST", "/api/v1/organizer-batches", module.API, h.CreateBatch),
		module.R("GET", "/api/v1/organizer-batches/{id}", module.API, h.GetBatch),
		module.R("POST", "/api/v1/organizer-batches/{id}/recruits", module.API, h.Recruit),
		module.R("GET", "/api/v1/organizers", module.API, h.ListOrganizers),
		module.R("GET", "/api/v1/organizers/by-county", module.API, h.OrganizersByCounty),
		module.R("GET", "/api/v1/organizers/{id}", module.API, h.GetOrganizer),
		module.R("POST", "/api/v1/organizers/{id}/placement", module.API, h.Place),
		module.R("POST", "/api/v1/organizers/{id}/departure", module.API, h.Depart),
		module.R("GET", "/api/v1/care-cases", module.API, h.ListCare),
		module.R("POST", "/api/v1/care-cases", module.API, h.Apply),
		module.R("GET", "/api/v1/care-cases/{id}", module.API, h.GetCare),
		module.R("POST", "/api/v1/care-cases/{id}/review", module.API, h.CareStep("review")),
		module.R("POST", "/api/v1/care-cases/{id}/approve", module.API, h.CareStep("approve")),
		module.R("POST", "/api/v1/care-cases/{id}/disburse", module.API, h.CareStep("disburse")),
		module.R("GET", "/api/v1/care-totals", module.API, h.CareTotals),
	}, h.trainingRoutes()...)
}

// Stats is the people part of an organization's statistics: the member
// statistics of its subtree, left out for a caller who may not read them.
func (h *Handlers) Stats() module.Stats {
	return module.Stats{Key: "people", Of: func(ctx context.Context, a access.Actor, orgID int64) (any, error) {
		return h.ppl.SubtreeStats(ctx, a, orgID)
	}}
}
