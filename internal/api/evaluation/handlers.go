// Package evaluation serves the JSON API of 评议考核 (M2): campaigns, their
// rules, subjects, subject import and report files, ballot codes, results
// and flags, and the two public routes a rater and an observer use without
// an account, the ballot box and the bulletin.
package evaluation

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/evaluation"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/ratelimit"
)

// Handlers are the evaluation module's JSON handlers.
type Handlers struct {
	k    *api.Kit
	eval *evaluation.Service
	// codes slows down guessing of ballot codes, per client; the pages
	// share it.
	codes *account.Limiter
	// reads bounds the bulletin requests of each client; nil leaves them
	// unbounded.
	reads *ratelimit.Limiter
}

// Module builds the evaluation module's JSON handlers and its subject
// import, with the kit's limits, which the pages share.
func Module(k *api.Kit, eval *evaluation.Service) api.Module {
	h := &Handlers{k: k, eval: eval, codes: k.Codes, reads: k.Reads}
	return api.Module{Routes: h.Routes(), Imports: []api.ImportKind{h.Import()}, Stats: []module.Stats{h.Stats()}}
}

// Stats is the "evaluation" part of GET /api/v1/orgs/{id}/stats: what the
// published campaigns of this year (in Asia/Shanghai) say of the subtree,
// as the cockpit's card shows it, with each child's figures; left out for
// a caller without evaluation.read on the organization.
func (h *Handlers) Stats() module.Stats {
	return module.Stats{Key: "evaluation", Of: func(ctx context.Context, a access.Actor, orgID int64) (any, error) {
		return h.eval.Overview(ctx, a, orgID, h.eval.Now().In(org.Shanghai).Year())
	}}
}

// Routes are the evaluation module's API routes; the two public routes take
// a ballot code or show the bulletin.
func (h *Handlers) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/campaigns", module.API, h.ListCampaigns),
		module.R("POST", "/api/v1/campaigns", module.API, h.CreateCampaign),
		module.R("GET", "/api/v1/campaigns/{id}", module.API, h.GetCampaign),
		module.R("PUT", "/api/v1/campaigns/{id}/rules", module.API, h.SetCampaignRules),
		module.R("GET", "/api/v1/campaigns/{id}/subjects", module.API, h.CampaignSubjects),
		module.R("POST", "/api/v1/campaigns/{id}/subjects", module.API, h.AddCampaignSubjects),
		module.R("POST", "/api/v1/campaigns/{id}/subjects/import", module.API, h.ImportCampaignSubjects),
		module.R("GET", "/api/v1/campaigns/{id}/subjects/{sid}/files", module.API, h.SubjectFiles),
		module.R("POST", "/api/v1/campaigns/{id}/subjects/{sid}/files", module.API, h.AttachSubjectFiles),
		module.R("GET", "/api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", module.API, h.SubjectFile),
		module.R("DELETE", "/api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", module.API, h.RemoveSubjectFile),
		module.R("POST", "/api/v1/campaigns/{id}/open", module.API, h.OpenCampaign),
		module.R("POST", "/api/v1/campaigns/{id}/close", module.API, h.CloseCampaign),
		module.R("POST", "/api/v1/campaigns/{id}/publish", module.API, h.PublishCampaign),
		module.R("POST", "/api/v1/campaigns/{id}/tokens", module.API, h.IssueTokens),
		module.R("POST", "/api/v1/campaigns/{id}/tokens/revoke", module.API, h.RevokeToken),
		module.R("GET", "/api/v1/campaigns/{id}/results", module.API, h.CampaignResults),
		module.R("GET", "/api/v1/campaigns/{id}/flags", module.API, h.CampaignFlags),
		module.R("GET", "/api/v1/campaigns/{id}/comments", module.API, h.CampaignComments),
		module.R("POST", "/api/v1/public/ballots", module.Public, h.CastBallot),
		module.R("GET", "/api/v1/public/campaigns/{id}/bulletin", module.Public, h.CampaignBulletin),
	}
}

// Import is the subject import kind, applied by
// POST /api/v1/imports/{id}/apply.
func (h *Handlers) Import() api.ImportKind { return h.eval.SubjectImportApplier() }
