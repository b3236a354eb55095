package server

import (
	"slices"
	"strings"

	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/module"
	"jiceng/internal/ratelimit"
	"jiceng/internal/web"
	"jiceng/internal/web/accounts"
	"jiceng/internal/web/audit"
	"jiceng/internal/web/coverage"
	"jiceng/internal/web/evaluation"
	"jiceng/internal/web/orgs"
)

// Route is one entry of the route table: the module's shape, under the name
// the route-table tests use.
type Route = module.Route

// Auth levels of a route, the module's, under the names the route-table
// tests use.
const (
	Public = module.Public
	Web    = module.Web
	API    = module.API
)

// site is the page kit and the pages of every module.
type site struct {
	kit        *web.Kit
	orgs       *orgs.Pages
	accounts   *accounts.Pages
	audit      *audit.Pages
	coverage   *coverage.Pages
	evaluation *evaluation.Pages
}

// newSite builds the page kit and every module's pages on it.
func newSite(d Deps, publicLimiter *account.Limiter, reads *ratelimit.Limiter) (*site, error) {
	kit, err := web.New(web.Deps{Orgs: d.Orgs, Logger: d.Logger, Now: d.Now, Secure: strings.HasPrefix(d.PublicURL, "https://"), Demo: d.Demo, Nav: nav()})
	if err != nil {
		return nil, err
	}
	s := &site{kit: kit}
	if s.orgs, err = orgs.New(kit); err != nil {
		return nil, err
	}
	if s.accounts, err = accounts.New(kit, d.Accounts); err != nil {
		return nil, err
	}
	if s.audit, err = audit.New(kit); err != nil {
		return nil, err
	}
	if s.coverage, err = coverage.New(kit, d.Coverage); err != nil {
		return nil, err
	}
	s.evaluation, err = evaluation.New(kit, evaluation.Deps{Eval: d.Eval, Limiter: publicLimiter, Reads: reads, PublicURL: d.PublicURL})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// nav are the sidebar entries of every module's pages.
func nav() []module.Nav {
	return slices.Concat(orgs.Nav(), coverage.Nav(), evaluation.Nav(), accounts.Nav(), audit.Nav())
}

// routes is every route of the application and its auth level. Without a
// site (nil) the page routes are listed with nil handlers, for the tests
// that read the table.
func routes(s *site, a *api.Handler) []Route {
	if s == nil {
		s = &site{}
	}
	return slices.Concat(
		s.kit.Routes(),
		s.accounts.Routes(),
		s.evaluation.Routes(),
		s.orgs.Routes(),
		s.audit.Routes(),
		s.coverage.Routes(),
		[]Route{
			// JSON API (described in internal/api/openapi.json)
			module.R("GET", "/api/v1/openapi.json", module.Public, api.OpenAPI),
			module.R("POST", "/api/v1/auth/login", module.Public, a.Login),
			module.R("POST", "/api/v1/auth/logout", module.API, a.Logout),
			module.R("GET", "/api/v1/orgs", module.API, a.ListOrgs),
			module.R("POST", "/api/v1/orgs", module.API, a.CreateOrg),
			module.R("POST", "/api/v1/orgs/import", module.API, a.ImportOrgs),
			module.R("POST", "/api/v1/imports/{id}/apply", module.API, a.ApplyImport),
			module.R("GET", "/api/v1/orgs/{id}", module.API, a.GetOrg),
			module.R("PATCH", "/api/v1/orgs/{id}", module.API, a.PatchOrg),
			module.R("GET", "/api/v1/orgs/{id}/children", module.API, a.Children),
			module.R("GET", "/api/v1/orgs/{id}/stats", module.API, a.Stats),
			module.R("POST", "/api/v1/orgs/{id}/move", module.API, a.MoveOrg),
			module.R("POST", "/api/v1/orgs/{id}/dissolve", module.API, a.DissolveOrg),
			module.R("GET", "/api/v1/users", module.API, a.ListUsers),
			module.R("POST", "/api/v1/users", module.API, a.CreateUser),
			module.R("GET", "/api/v1/users/{id}", module.API, a.GetUser),
			module.R("POST", "/api/v1/users/{id}/grants", module.API, a.AddGrant),
			module.R("POST", "/api/v1/users/{id}/password", module.API, a.SetUserPassword),
			module.R("DELETE", "/api/v1/grants/{id}", module.API, a.RevokeGrant),
			module.R("GET", "/api/v1/audit", module.API, a.Audit),

			// 两新覆盖 (M1) API
			module.R("GET", "/api/v1/orgs/{id}/coverage", module.API, a.OrgCoverage),
			module.R("GET", "/api/v1/orgs/{id}/coverage/trend", module.API, a.CoverageTrend),
			module.R("GET", "/api/v1/orgs/{id}/coverage/joint-flags", module.API, a.JointFlags),
			module.R("GET", "/api/v1/units", module.API, a.ListUnits),
			module.R("POST", "/api/v1/units/import", module.API, a.ImportUnits),
			module.R("POST", "/api/v1/units", module.API, a.CreateUnit),
			module.R("GET", "/api/v1/units/{id}", module.API, a.GetUnit),
			module.R("PATCH", "/api/v1/units/{id}", module.API, a.PatchUnit),
			module.R("POST", "/api/v1/units/{id}/coverage", module.API, a.SetUnitCoverage),
			module.R("POST", "/api/v1/units/{id}/close", module.API, a.CloseUnit),
			module.R("POST", "/api/v1/units/{id}/reopen", module.API, a.ReopenUnit),
			module.R("GET", "/api/v1/units/{id}/history", module.API, a.UnitHistory),
			module.R("GET", "/api/v1/coverage/settings", module.API, a.CoverageSettings),
			module.R("PUT", "/api/v1/coverage/settings", module.API, a.SetCoverageSettings),
			module.R("GET", "/api/v1/goal-sets", module.API, a.GoalSets),
			module.R("POST", "/api/v1/goal-sets", module.API, a.CreateGoalSet),
			module.R("GET", "/api/v1/goal-sets/{id}", module.API, a.GoalProgress),
			module.R("POST", "/api/v1/goal-sets/{id}/targets", module.API, a.SetGoalTarget),

			// 评议考核 (M2) API; the two public routes take a ballot code or show the bulletin
			module.R("GET", "/api/v1/campaigns", module.API, a.ListCampaigns),
			module.R("POST", "/api/v1/campaigns", module.API, a.CreateCampaign),
			module.R("GET", "/api/v1/campaigns/{id}", module.API, a.GetCampaign),
			module.R("PUT", "/api/v1/campaigns/{id}/rules", module.API, a.SetCampaignRules),
			module.R("GET", "/api/v1/campaigns/{id}/subjects", module.API, a.CampaignSubjects),
			module.R("POST", "/api/v1/campaigns/{id}/subjects", module.API, a.AddCampaignSubjects),
			module.R("POST", "/api/v1/campaigns/{id}/subjects/import", module.API, a.ImportCampaignSubjects),
			module.R("GET", "/api/v1/campaigns/{id}/subjects/{sid}/files", module.API, a.SubjectFiles),
			module.R("POST", "/api/v1/campaigns/{id}/subjects/{sid}/files", module.API, a.AttachSubjectFiles),
			module.R("GET", "/api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", module.API, a.SubjectFile),
			module.R("DELETE", "/api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", module.API, a.RemoveSubjectFile),
			module.R("POST", "/api/v1/campaigns/{id}/open", module.API, a.OpenCampaign),
			module.R("POST", "/api/v1/campaigns/{id}/close", module.API, a.CloseCampaign),
			module.R("POST", "/api/v1/campaigns/{id}/publish", module.API, a.PublishCampaign),
			module.R("POST", "/api/v1/campaigns/{id}/tokens", module.API, a.IssueTokens),
			module.R("POST", "/api/v1/campaigns/{id}/tokens/revoke", module.API, a.RevokeToken),
			module.R("GET", "/api/v1/campaigns/{id}/results", module.API, a.CampaignResults),
			module.R("GET", "/api/v1/campaigns/{id}/flags", module.API, a.CampaignFlags),
			module.R("POST", "/api/v1/public/ballots", module.Public, a.CastBallot),
			module.R("GET", "/api/v1/public/campaigns/{id}/bulletin", module.Public, a.CampaignBulletin),
		},
	)
}
