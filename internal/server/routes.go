package server

import (
	"net/http"

	"jiceng/internal/account"
	"jiceng/internal/api"
	accountsapi "jiceng/internal/api/accounts"
	auditapi "jiceng/internal/api/audit"
	coverageapi "jiceng/internal/api/coverage"
	evaluationapi "jiceng/internal/api/evaluation"
	orgsapi "jiceng/internal/api/orgs"
	"jiceng/internal/module"
	"jiceng/internal/ratelimit"
	"jiceng/internal/web"
)

// Route is one entry of the route table.
type Route struct {
	Method  string
	Pattern string
	Auth    string
	Handler http.Handler
}

// routes is every route of the application and its auth level, on one screen.
func routes(w *web.Handler, a *apiHandlers) []Route {
	f := func(m, p, auth string, h http.HandlerFunc) Route { return Route{m, p, auth, h} }
	return append([]Route{
		f("GET", "/healthz", Public, func(rw http.ResponseWriter, r *http.Request) { rw.Write([]byte("ok\n")) }),
		{"GET", "/static/", Public, http.StripPrefix("/static/", http.FileServerFS(web.Static()))},
		f("GET", "/favicon.ico", Public, func(rw http.ResponseWriter, r *http.Request) {
			http.Redirect(rw, r, "/static/favicon.svg", http.StatusMovedPermanently)
		}),

		// HTML pages
		f("GET", "/login", Public, w.LoginForm),
		f("POST", "/login", Public, w.Login),
		f("POST", "/logout", Public, w.Logout),
		f("GET", "/lang", Public, w.Lang),
		// public ballot pages (no login; the code travels only in form bodies)
		f("GET", "/vote", Public, w.VoteForm),
		f("POST", "/vote", Public, w.VoteCode),
		f("POST", "/vote/review", Public, w.VoteReview),
		f("POST", "/vote/submit", Public, w.VoteSubmit),
		f("GET", "/vote/files/{id}", Public, w.VoteFile),
		f("GET", "/bulletin/{id}", Public, w.Bulletin),
		f("POST", "/bulletin/{id}", Public, w.BulletinSearch),
		f("GET", "/{$}", Web, w.Cockpit),
		f("GET", "/tree", Web, w.Tree),
		f("GET", "/tree/{id}", Web, w.TreeChildren),
		f("GET", "/orgs", Web, w.OrgSearch),
		f("GET", "/orgs/export.xlsx", Web, w.OrgExport),
		f("GET", "/orgs/{id}", Web, w.OrgShow),
		f("GET", "/orgs/{id}/export.xlsx", Web, w.OrgExport),
		f("GET", "/orgs/{id}/edit", Web, w.OrgEditForm),
		f("POST", "/orgs/{id}/edit", Web, w.OrgEdit),
		f("GET", "/orgs/{id}/new", Web, w.OrgNewForm),
		f("POST", "/orgs/{id}/new", Web, w.OrgNew),
		f("GET", "/orgs/{id}/move", Web, w.OrgMoveForm),
		f("POST", "/orgs/{id}/move", Web, w.OrgMove),
		f("GET", "/orgs/{id}/dissolve", Web, w.OrgDissolveForm),
		f("POST", "/orgs/{id}/dissolve", Web, w.OrgDissolve),
		f("GET", "/import", Web, w.ImportForm),
		f("POST", "/import", Web, w.ImportUpload),
		f("GET", "/import/template.xlsx", Web, w.ImportTemplate),
		f("POST", "/import/{id}/apply", Web, w.ImportApply),
		f("GET", "/users", Web, w.Users),
		f("GET", "/users/export.xlsx", Web, w.UserExport),
		f("GET", "/users/new", Web, w.UserNewForm),
		f("POST", "/users/new", Web, w.UserNew),
		f("GET", "/users/{id}", Web, w.UserShow),
		f("POST", "/users/{id}", Web, w.UserAction),
		f("GET", "/audit", Web, w.Audit),
		f("GET", "/audit/export.xlsx", Web, w.AuditExport),
		// 两新覆盖 (M1) pages
		f("GET", "/coverage", Web, w.CoverageDashboard),
		f("GET", "/coverage/export.xlsx", Web, w.CoverageRatesExport),
		f("GET", "/coverage/units", Web, w.CoverageUnits),
		f("GET", "/coverage/units/export.xlsx", Web, w.CoverageUnitsExport),
		f("GET", "/coverage/units/import", Web, w.CoverageImportForm),
		f("POST", "/coverage/units/import", Web, w.CoverageImportUpload),
		f("GET", "/coverage/units/import/template.xlsx", Web, w.CoverageImportTemplate),
		f("POST", "/coverage/units/import/{id}/apply", Web, w.CoverageImportApply),
		f("GET", "/coverage/units/new", Web, w.CoverageUnitNewForm),
		f("POST", "/coverage/units/new", Web, w.CoverageUnitNew),
		f("GET", "/coverage/units/{id}", Web, w.CoverageUnitShow),
		f("GET", "/coverage/units/{id}/edit", Web, w.CoverageUnitEditForm),
		f("POST", "/coverage/units/{id}/edit", Web, w.CoverageUnitEdit),
		f("POST", "/coverage/units/{id}/coverage", Web, w.CoverageUnitSetCoverage),
		f("POST", "/coverage/units/{id}/close", Web, w.CoverageUnitClose),
		f("POST", "/coverage/units/{id}/reopen", Web, w.CoverageUnitReopen),
		f("GET", "/coverage/settings", Web, w.CoverageSettingsForm),
		f("POST", "/coverage/settings", Web, w.CoverageSettings),
		f("GET", "/coverage/goals", Web, w.CoverageGoals),
		f("POST", "/coverage/goals", Web, w.CoverageGoalNew),
		f("GET", "/coverage/goals/{id}", Web, w.CoverageGoalShow),
		f("GET", "/coverage/goals/{id}/export.xlsx", Web, w.CoverageGoalExport),
		f("POST", "/coverage/goals/{id}/target", Web, w.CoverageGoalTarget),
		// 评议考核 (M2) pages
		f("GET", "/evaluation", Web, w.EvalList),
		f("GET", "/evaluation/export.xlsx", Web, w.EvalListExport),
		f("GET", "/evaluation/new", Web, w.EvalNewForm),
		f("POST", "/evaluation/new", Web, w.EvalNew),
		f("GET", "/evaluation/{id}", Web, w.EvalShow),
		f("POST", "/evaluation/{id}/open", Web, w.EvalOpen),
		f("POST", "/evaluation/{id}/close", Web, w.EvalClose),
		f("POST", "/evaluation/{id}/publish", Web, w.EvalPublish),
		f("POST", "/evaluation/{id}/subjects", Web, w.EvalAddSubject),
		f("GET", "/evaluation/{id}/subjects/import", Web, w.EvalImportForm),
		f("POST", "/evaluation/{id}/subjects/import", Web, w.EvalImportUpload),
		f("GET", "/evaluation/{id}/subjects/import/template.xlsx", Web, w.EvalImportTemplate),
		f("POST", "/evaluation/{id}/subjects/import/{sid}/apply", Web, w.EvalImportApply),
		f("POST", "/evaluation/{id}/subjects/{sid}/files", Web, w.EvalAttachFiles),
		f("POST", "/evaluation/{id}/subjects/{sid}/files/{fid}/remove", Web, w.EvalRemoveFile),
		f("GET", "/evaluation/{id}/files/{fid}", Web, w.EvalFile),
		f("POST", "/evaluation/{id}/tokens", Web, w.EvalIssueTokens),
		f("POST", "/evaluation/{id}/tokens/revoke", Web, w.EvalRevokeToken),
		f("POST", "/evaluation/{id}/tokens/export.xlsx", Web, w.EvalTokensExport),
		f("GET", "/evaluation/{id}/results", Web, w.EvalResults),
		f("GET", "/evaluation/{id}/results.xlsx", Web, w.EvalResultsExport),
	}, a.routes()...)
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
	a := &apiHandlers{kit: k, accounts: accountsapi.New(k, d.Accounts), audit: auditapi.New(k, d.Orgs.DB()),
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
	var rts []Route
	for _, mr := range [][]module.Route{a.kit.Routes(), a.accounts.Routes(), a.orgs.Routes(), a.audit.Routes(), a.coverage.Routes(), a.evaluation.Routes()} {
		for _, rt := range mr {
			rts = append(rts, Route{Method: rt.Method, Pattern: rt.Pattern, Auth: string(rt.Auth), Handler: rt.Handler})
		}
	}
	return rts
}
