package server

import (
	"slices"
	"strings"

	"jiceng/internal/account"
	"jiceng/internal/api"
	accountsapi "jiceng/internal/api/accounts"
	auditapi "jiceng/internal/api/audit"
	coverageapi "jiceng/internal/api/coverage"
	evaluationapi "jiceng/internal/api/evaluation"
	orgsapi "jiceng/internal/api/orgs"
	"jiceng/internal/i18n"
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
	kit, err := web.New(web.Deps{Orgs: d.Orgs, Logger: d.Logger, Now: d.Now, Secure: strings.HasPrefix(d.PublicURL, "https://"), Demo: d.Demo, Nav: nav(), Catalogs: catalogs()})
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

// catalogs are the message catalogues of every module's pages.
func catalogs() []i18n.Catalog {
	return []i18n.Catalog{orgs.Messages, coverage.Messages, evaluation.Messages, accounts.Messages, audit.Messages}
}

// routes is every route of the application and its auth level. Without a
// site (nil) the page routes are listed with nil handlers, for the tests
// that read the table.
func routes(s *site, a *apiHandlers) []Route {
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
		a.routes(),
	)
}

// apiHandlers are the JSON API's handlers: the kit's own and each module's.
type apiHandlers struct {
	kit        *api.Kit
	orgs       *orgsapi.Handlers
	accounts   *accountsapi.Handlers
	audit      *auditapi.Handlers
	coverage   *coverageapi.Handlers
	evaluation *evaluationapi.Handlers
}

// newAPIHandlers builds the JSON API's handlers on the server's services.
// codes and reads are the limits the API shares with the pages.
func newAPIHandlers(d Deps, codes *account.Limiter, reads *ratelimit.Limiter) (*apiHandlers, error) {
	k, err := api.New(d.Logger)
	if err != nil {
		return nil, err
	}
	a := &apiHandlers{kit: k, accounts: accountsapi.New(k, d.Accounts), audit: auditapi.New(k, d.Orgs.Audit()),
		coverage: coverageapi.New(k, d.Coverage), evaluation: evaluationapi.New(k, d.Eval, codes, reads)}
	// A server may run without coverage or evaluation (the benchmarks do):
	// their parts of the statistics and their import kinds go with them.
	var stats []module.Stats
	var imports []api.ImportKind
	if d.Coverage != nil {
		stats = append(stats, a.coverage.Stats())
		imports = append(imports, a.coverage.Import())
	}
	if d.Eval != nil {
		imports = append(imports, a.evaluation.Import())
	}
	a.orgs = orgsapi.New(k, d.Orgs, stats, imports)
	return a, nil
}

// routes are the JSON API's routes, each described in the openapi.json
// fragment of the package that serves it. A nil *apiHandlers still lists
// them, with nil handlers, for the tests that read the route table.
func (a *apiHandlers) routes() []Route {
	if a == nil {
		a = &apiHandlers{}
	}
	return slices.Concat(a.kit.Routes(), a.accounts.Routes(), a.orgs.Routes(), a.audit.Routes(), a.coverage.Routes(), a.evaluation.Routes())
}
