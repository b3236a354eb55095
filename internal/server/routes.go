package server

import (
	"net/http"

	"jiceng/internal/api"
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
func routes(w *web.Handler, a *api.Handler) []Route {
	f := func(m, p, auth string, h http.HandlerFunc) Route { return Route{m, p, auth, h} }
	return []Route{
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

		// JSON API (described in internal/api/openapi.json)
		f("GET", "/api/v1/openapi.json", Public, api.OpenAPI),
		f("POST", "/api/v1/auth/login", Public, a.Login),
		f("POST", "/api/v1/auth/logout", API, a.Logout),
		f("GET", "/api/v1/orgs", API, a.ListOrgs),
		f("POST", "/api/v1/orgs", API, a.CreateOrg),
		f("POST", "/api/v1/orgs/import", API, a.ImportOrgs),
		f("POST", "/api/v1/imports/{id}/apply", API, a.ApplyImport),
		f("GET", "/api/v1/orgs/{id}", API, a.GetOrg),
		f("PATCH", "/api/v1/orgs/{id}", API, a.PatchOrg),
		f("GET", "/api/v1/orgs/{id}/children", API, a.Children),
		f("GET", "/api/v1/orgs/{id}/stats", API, a.Stats),
		f("POST", "/api/v1/orgs/{id}/move", API, a.MoveOrg),
		f("POST", "/api/v1/orgs/{id}/dissolve", API, a.DissolveOrg),
		f("GET", "/api/v1/users", API, a.ListUsers),
		f("POST", "/api/v1/users", API, a.CreateUser),
		f("GET", "/api/v1/users/{id}", API, a.GetUser),
		f("POST", "/api/v1/users/{id}/grants", API, a.AddGrant),
		f("POST", "/api/v1/users/{id}/password", API, a.SetUserPassword),
		f("DELETE", "/api/v1/grants/{id}", API, a.RevokeGrant),
		f("GET", "/api/v1/audit", API, a.Audit),

		// 两新覆盖 (M1) API
		f("GET", "/api/v1/orgs/{id}/coverage", API, a.OrgCoverage),
		f("GET", "/api/v1/orgs/{id}/coverage/trend", API, a.CoverageTrend),
		f("GET", "/api/v1/orgs/{id}/coverage/joint-flags", API, a.JointFlags),
		f("GET", "/api/v1/units", API, a.ListUnits),
		f("POST", "/api/v1/units/import", API, a.ImportUnits),
		f("POST", "/api/v1/units", API, a.CreateUnit),
		f("GET", "/api/v1/units/{id}", API, a.GetUnit),
		f("PATCH", "/api/v1/units/{id}", API, a.PatchUnit),
		f("POST", "/api/v1/units/{id}/coverage", API, a.SetUnitCoverage),
		f("POST", "/api/v1/units/{id}/close", API, a.CloseUnit),
		f("POST", "/api/v1/units/{id}/reopen", API, a.ReopenUnit),
		f("GET", "/api/v1/units/{id}/history", API, a.UnitHistory),
		f("GET", "/api/v1/coverage/settings", API, a.CoverageSettings),
		f("PUT", "/api/v1/coverage/settings", API, a.SetCoverageSettings),
		f("GET", "/api/v1/goal-sets", API, a.GoalSets),
		f("POST", "/api/v1/goal-sets", API, a.CreateGoalSet),
		f("GET", "/api/v1/goal-sets/{id}", API, a.GoalProgress),
		f("POST", "/api/v1/goal-sets/{id}/targets", API, a.SetGoalTarget),

		// 评议考核 (M2) API; the two public routes take a ballot code or show the bulletin
		f("GET", "/api/v1/campaigns", API, a.ListCampaigns),
		f("POST", "/api/v1/campaigns", API, a.CreateCampaign),
		f("GET", "/api/v1/campaigns/{id}", API, a.GetCampaign),
		f("PUT", "/api/v1/campaigns/{id}/rules", API, a.SetCampaignRules),
		f("GET", "/api/v1/campaigns/{id}/subjects", API, a.CampaignSubjects),
		f("POST", "/api/v1/campaigns/{id}/subjects", API, a.AddCampaignSubjects),
		f("POST", "/api/v1/campaigns/{id}/subjects/import", API, a.ImportCampaignSubjects),
		f("GET", "/api/v1/campaigns/{id}/subjects/{sid}/files", API, a.SubjectFiles),
		f("POST", "/api/v1/campaigns/{id}/subjects/{sid}/files", API, a.AttachSubjectFiles),
		f("GET", "/api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", API, a.SubjectFile),
		f("DELETE", "/api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", API, a.RemoveSubjectFile),
		f("POST", "/api/v1/campaigns/{id}/open", API, a.OpenCampaign),
		f("POST", "/api/v1/campaigns/{id}/close", API, a.CloseCampaign),
		f("POST", "/api/v1/campaigns/{id}/publish", API, a.PublishCampaign),
		f("POST", "/api/v1/campaigns/{id}/tokens", API, a.IssueTokens),
		f("POST", "/api/v1/campaigns/{id}/tokens/revoke", API, a.RevokeToken),
		f("GET", "/api/v1/campaigns/{id}/results", API, a.CampaignResults),
		f("GET", "/api/v1/campaigns/{id}/flags", API, a.CampaignFlags),
		f("POST", "/api/v1/public/ballots", Public, a.CastBallot),
		f("GET", "/api/v1/public/campaigns/{id}/bulletin", Public, a.CampaignBulletin),
	}
}
