package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/coverage"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// The role × route matrix (DESIGN.md §5): every route of routes.go, every
// role of the catalogue, and an object inside and one outside the actor's
// scope. What each request must answer follows from the one line below that
// declares the route's permission; a route without a line fails the test,
// so a new route cannot ship without saying who may use it.
//
// Each line: the route as in routes.go, the permission it needs, the object
// its path (or body) names, and the body a mutation sends. Bodies are
// well-formed but invalid or harmless, so a request that passes the
// permission check stops at validation (400, 409, 413 or 422) and changes
// nothing the next request relies on. In a body, {org} stands for the
// organization of the case (inside or outside the actor's scope).
//
// Expected answers: without a login, a public route answers (not 401, 403
// or the login page), a page sends to /login with 303 and the API says 401.
// With a login, a role whose permissions (the app's catalogue) include the need
// passes inside its scope (2xx, a redirect elsewhere than /login, or 400,
// 409, 413, 422 for the refused input) and gets 404 outside it; a role
// without it gets 403, or 404 where the object is looked up within the
// actor's scope for that very permission. A route without an object gets
// 403 for a role without the permission. A form that answers at a field
// (or in a flash message) counts by its words: "不存在或不在您的管理范围内"
// as 404, "您没有…权限" as 403. The accounts are one per role, each granted
// on the county of the demo's county_admin; "outside" is the next county.
//
// Adding a route: add its line here, in the same order as routes.go.
var matrix = []decl{
	{"GET /healthz", public, none, ""},
	{"GET /static/", public, none, ""},
	{"GET /favicon.ico", public, none, ""},
	{"GET /login", public, none, ""},
	{"POST /login", public, none, "username=&password="},
	{"POST /logout", public, none, ""},
	{"GET /lang", public, none, ""},
	{"GET /vote", public, none, ""},
	{"POST /vote", public, none, "c="},
	{"GET /vote/ballot", public, none, ""},
	{"POST /vote/review", public, none, "c="},
	{"GET /vote/review", public, none, ""},
	{"POST /vote/submit", public, none, "c="},
	{"GET /vote/files/{id}", public, none, ""},
	{"GET /bulletin/{id}", public, none, ""},
	{"POST /bulletin/{id}", public, none, "t="},
	{"GET /{$}", loggedIn, none, ""},
	{"GET /tree", loggedIn, none, ""},
	{"GET /tree/{id}", access.OrgRead, oOrg, ""},
	{"GET /orgs", access.OrgRead, none, ""},
	{"GET /pick/orgs", loggedIn, none, ""},
	{"GET /pick/regions", loggedIn, none, ""},
	{"GET /orgs/export.xlsx", access.OrgExport, none, ""},
	{"GET /orgs/{id}", access.OrgRead, oOrg, ""},
	{"GET /orgs/{id}/export.xlsx", access.OrgExport, oOrg, ""},
	{"GET /orgs/{id}/edit", access.OrgUpdate, oOrg, ""},
	{"POST /orgs/{id}/edit", access.OrgUpdate, oOrg, "name=&kind=branch"},
	{"GET /orgs/{id}/new", access.OrgCreate, oOrg, ""},
	{"POST /orgs/{id}/new", access.OrgCreate, oOrg, "name=&kind=branch"},
	{"GET /orgs/{id}/move", access.OrgMove, oOrg, ""},
	{"POST /orgs/{id}/move", access.OrgMove, oOrg, "parent_id=0"},
	{"GET /orgs/{id}/dissolve", access.OrgDissolve, oOrg, ""},
	{"POST /orgs/{id}/dissolve", access.OrgDissolve, oOrg, "dissolved_on=not-a-date&reason="},
	{"GET /import", access.OrgImport, none, ""},
	{"POST /import", access.OrgImport, none, "file:名称,类型,上级区划代码\n,党支部,450102001\n"},
	{"GET /import/template.xlsx", access.OrgImport, none, ""},
	{"POST /import/{id}/apply", access.OrgImport, oSession, ""},
	{"GET /users", access.UserRead, none, ""},
	{"GET /users/export.xlsx", access.UserRead, none, ""},
	{"GET /users/new", access.UserManage, none, ""},
	{"POST /users/new", access.UserManage, oOrgBody, "username=&home_org_id={org}&role=secretary"},
	{"GET /users/{id}", access.UserRead, oUser, ""},
	{"POST /users/{id}", access.UserManage, oUser, "op=password&password=x"},
	{"GET /audit", access.AuditRead, none, ""},
	{"GET /audit/export.xlsx", access.AuditRead, none, ""},
	{"GET /coverage", coverage.UnitRead, none, ""},
	{"GET /coverage/export.xlsx", coverage.UnitRead, none, ""},
	{"GET /coverage/units", coverage.UnitRead, none, ""},
	{"GET /coverage/units/export.xlsx", coverage.UnitRead, none, ""},
	{"GET /coverage/units/import", coverage.UnitManage, none, ""},
	{"POST /coverage/units/import", coverage.UnitManage, none, "file:统一社会信用代码,单位名称\n,\n"},
	{"GET /coverage/units/import/template.xlsx", coverage.UnitManage, none, ""},
	{"POST /coverage/units/import/{id}/apply", coverage.UnitManage, oSession, ""},
	{"GET /coverage/units/new", coverage.UnitManage, none, ""},
	{"POST /coverage/units/new", coverage.UnitManage, oOrgBody, "affiliation_org_id={org}&credit_code=&name="},
	{"GET /coverage/units/{id}", coverage.UnitRead, oUnit, ""},
	{"GET /coverage/units/{id}/edit", coverage.UnitManage, oUnit, ""},
	{"POST /coverage/units/{id}/edit", coverage.UnitManage, oUnit, "name="},
	{"POST /coverage/units/{id}/coverage", coverage.UnitManage, oUnit, "coverage=bogus"},
	{"POST /coverage/units/{id}/close", coverage.UnitManage, oUnit, "close_reason=&close_on="},
	{"POST /coverage/units/{id}/reopen", coverage.UnitManage, oUnit, "reopen_note="},
	{"GET /coverage/settings", coverage.UnitRead, none, ""},
	{"POST /coverage/settings", adminOnly, none, "size_employees=0&joint_max_units=0"},
	{"GET /coverage/goals", coverage.UnitRead, none, ""},
	{"POST /coverage/goals", coverage.GoalManage, oOrgBody, "name=&year=2026&owner_org_id={org}&indicator=org_coverage&target_org_coverage=50"},
	{"GET /coverage/goals/{id}", coverage.UnitRead, oGoal, ""},
	{"GET /coverage/goals/{id}/export.xlsx", coverage.UnitRead, oGoal, ""},
	{"POST /coverage/goals/{id}/target", coverage.GoalManage, oGoal, "org_id=1&indicator=org_coverage&target=1000"},
	{"GET /evaluation", evaluation.EvaluationRead, none, ""},
	{"GET /evaluation/export.xlsx", evaluation.EvaluationRead, none, ""},
	{"GET /evaluation/new", evaluation.EvaluationManage, none, ""},
	{"POST /evaluation/new", evaluation.EvaluationManage, oOrgBody, "owner_org_id={org}&name=&type=village_secretary&year=2026"},
	{"GET /evaluation/{id}", evaluation.EvaluationRead, oCampaign, ""},
	{"GET /evaluation/{id}/edit", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /evaluation/{id}/edit", evaluation.EvaluationManage, oCampaign, "name="},
	{"POST /evaluation/{id}/edit/check", evaluation.EvaluationManage, oCampaign, "name="},
	{"POST /evaluation/{id}/delete", evaluation.EvaluationManage, oCampaign, "version=-1"},
	{"POST /evaluation/{id}/open", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /evaluation/{id}/close", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /evaluation/{id}/publish", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /evaluation/{id}/subjects", evaluation.EvaluationManage, oCampaign, "kind=person&name="},
	{"POST /evaluation/{id}/subjects/under", evaluation.EvaluationManage, oCampaign, "under=0&level="},
	{"POST /evaluation/{id}/subjects/{sid}/remove", evaluation.EvaluationManage, oSubject, "version=-1"},
	{"GET /evaluation/{id}/subjects/import", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /evaluation/{id}/subjects/import", evaluation.EvaluationManage, oCampaign, "file:单位,姓名\n,\n"},
	{"GET /evaluation/{id}/subjects/import/template.xlsx", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /evaluation/{id}/subjects/import/{sid}/apply", evaluation.EvaluationManage, oCampaignSession, ""},
	{"POST /evaluation/{id}/subjects/{sid}/files", evaluation.EvaluationManage, oSubject, "file:"},
	{"POST /evaluation/{id}/subjects/{sid}/files/{fid}/remove", evaluation.EvaluationManage, oFreshFile, ""},
	{"GET /evaluation/{id}/files/{fid}", evaluation.EvaluationRead, oFile, ""},
	{"POST /evaluation/{id}/tokens", evaluation.EvaluationManage, oCampaign, "group=&n=0"},
	{"GET /evaluation/{id}/slips/{ticket}", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /evaluation/{id}/tokens/revoke", evaluation.EvaluationManage, oCampaign, "code="},
	{"POST /evaluation/{id}/tokens/batches/{batch}/void", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /evaluation/{id}/tokens/export.xlsx", evaluation.EvaluationManage, oCampaign, "group=&n=0"},
	{"GET /evaluation/{id}/results", evaluation.EvaluationRead, oCampaign, ""},
	{"GET /evaluation/{id}/results.xlsx", evaluation.EvaluationRead, oCampaign, ""},
	{"GET /evaluation/{id}/comments.xlsx", evaluation.EvaluationRead, oCampaign, ""},

	{"GET /api/v1/openapi.json", public, none, ""},
	{"POST /api/v1/auth/login", public, none, `{"username":"","password":""}`},
	{"POST /api/v1/auth/logout", loggedIn, oOwnSession, ""},
	{"GET /api/v1/orgs", access.OrgRead, none, ""},
	{"POST /api/v1/orgs", access.OrgCreate, oOrgBody, `{"parent_id":{org},"name":"","kind":"branch"}`},
	{"POST /api/v1/orgs/import", access.OrgImport, none, "file:名称,类型,上级区划代码\n,党支部,450102001\n"},
	{"POST /api/v1/imports/{id}/apply", loggedIn, oSession, ""},
	{"GET /api/v1/orgs/{id}", access.OrgRead, oOrg, ""},
	{"PATCH /api/v1/orgs/{id}", access.OrgUpdate, oOrg, `{"name":""}`},
	{"GET /api/v1/orgs/{id}/children", access.OrgRead, oOrg, ""},
	{"GET /api/v1/orgs/{id}/stats", access.OrgRead, oOrg, ""},
	{"POST /api/v1/orgs/{id}/move", access.OrgMove, oOrg, `{"parent_id":0}`},
	{"POST /api/v1/orgs/{id}/dissolve", access.OrgDissolve, oOrg, `{"dissolved_on":"not-a-date"}`},
	{"GET /api/v1/users", access.UserRead, none, ""},
	{"POST /api/v1/users", access.UserManage, oOrgBody, `{"username":"","home_org_id":{org},"role":"secretary"}`},
	{"GET /api/v1/users/{id}", access.UserRead, oUser, ""},
	{"POST /api/v1/users/{id}/grants", access.UserManage, oUser, `{"role":"bogus","org_id":0}`},
	{"POST /api/v1/users/{id}/password", access.UserManage, oUser, `{"password":"x"}`},
	{"DELETE /api/v1/grants/{id}", access.UserManage, oFreshGrant, ""},
	{"GET /api/v1/audit", access.AuditRead, none, ""},

	{"GET /api/v1/orgs/{id}/coverage", coverage.UnitRead, oOrg, ""},
	{"GET /api/v1/orgs/{id}/coverage/trend", coverage.UnitRead, oOrg, ""},
	{"GET /api/v1/orgs/{id}/coverage/joint-flags", coverage.UnitRead, oOrg, ""},
	{"GET /api/v1/units", coverage.UnitRead, none, ""},
	{"POST /api/v1/units/import", coverage.UnitManage, none, "file:统一社会信用代码,单位名称\n,\n"},
	{"POST /api/v1/units", coverage.UnitManage, oOrgBody, `{"affiliation_org_id":{org},"credit_code":"","name":""}`},
	{"GET /api/v1/units/{id}", coverage.UnitRead, oUnit, ""},
	{"PATCH /api/v1/units/{id}", coverage.UnitManage, oUnit, `{"name":""}`},
	{"POST /api/v1/units/{id}/coverage", coverage.UnitManage, oUnit, `{"coverage":"bogus"}`},
	{"POST /api/v1/units/{id}/close", coverage.UnitManage, oUnit, `{"reason":""}`},
	{"POST /api/v1/units/{id}/reopen", coverage.UnitManage, oUnit, `{"note":""}`},
	{"GET /api/v1/units/{id}/history", coverage.UnitRead, oUnit, ""},
	{"GET /api/v1/coverage/settings", coverage.UnitRead, none, ""},
	{"PUT /api/v1/coverage/settings", adminOnly, none, `{"size_employees":0,"joint_max_units":0}`},
	{"GET /api/v1/goal-sets", coverage.UnitRead, none, ""},
	{"POST /api/v1/goal-sets", coverage.GoalManage, oOrgBody, `{"name":"","year":2026,"owner_org_id":{org},"targets":{}}`},
	{"GET /api/v1/goal-sets/{id}", coverage.UnitRead, oGoal, ""},
	{"POST /api/v1/goal-sets/{id}/targets", coverage.GoalManage, oGoal, `{"indicator":"org_coverage","org_id":1,"target":1000}`},

	{"GET /api/v1/campaigns", evaluation.EvaluationRead, none, ""},
	{"POST /api/v1/campaigns", evaluation.EvaluationManage, oOrgBody, `{"owner_org_id":{org},"name":"","year":2026}`},
	{"GET /api/v1/campaigns/{id}", evaluation.EvaluationRead, oCampaign, ""},
	{"PUT /api/v1/campaigns/{id}/rules", evaluation.EvaluationManage, oCampaign, `{}`},
	{"GET /api/v1/campaigns/{id}/subjects", evaluation.EvaluationRead, oCampaign, ""},
	{"POST /api/v1/campaigns/{id}/subjects", evaluation.EvaluationManage, oCampaign, `{"subjects":[]}`},
	{"POST /api/v1/campaigns/{id}/subjects/import", evaluation.EvaluationManage, oCampaign, "file:单位,姓名\n,\n"},
	{"GET /api/v1/campaigns/{id}/subjects/{sid}/files", evaluation.EvaluationRead, oSubject, ""},
	{"POST /api/v1/campaigns/{id}/subjects/{sid}/files", evaluation.EvaluationManage, oSubject, "file:"},
	{"GET /api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", evaluation.EvaluationRead, oFile, ""},
	{"DELETE /api/v1/campaigns/{id}/subjects/{sid}/files/{fid}", evaluation.EvaluationManage, oFreshFile, ""},
	{"POST /api/v1/campaigns/{id}/open", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /api/v1/campaigns/{id}/close", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /api/v1/campaigns/{id}/publish", evaluation.EvaluationManage, oCampaign, ""},
	{"POST /api/v1/campaigns/{id}/tokens", evaluation.EvaluationManage, oCampaign, `{"group":"","count":0}`},
	{"POST /api/v1/campaigns/{id}/tokens/revoke", evaluation.EvaluationManage, oCampaign, `{"code":""}`},
	{"GET /api/v1/campaigns/{id}/results", evaluation.EvaluationRead, oCampaign, ""},
	{"GET /api/v1/campaigns/{id}/flags", evaluation.EvaluationRead, oCampaign, ""},
	{"POST /api/v1/public/ballots", public, none, `{"token":"","scores":{}}`},
	{"GET /api/v1/public/campaigns/{id}/bulletin", public, none, ""},

	// The pages' Excel exports, served to API clients as well.
	{"GET /api/v1/orgs/export.xlsx", access.OrgExport, none, ""},
	{"GET /api/v1/orgs/{id}/export.xlsx", access.OrgExport, oOrg, ""},
	{"GET /api/v1/orgs/import/template.xlsx", access.OrgImport, none, ""},
	{"GET /api/v1/users/export.xlsx", access.UserRead, none, ""},
	{"GET /api/v1/audit/export.xlsx", access.AuditRead, none, ""},
	{"GET /api/v1/coverage/export.xlsx", coverage.UnitRead, none, ""},
	{"GET /api/v1/units/export.xlsx", coverage.UnitRead, none, ""},
	{"GET /api/v1/units/import/template.xlsx", coverage.UnitManage, none, ""},
	{"GET /api/v1/goal-sets/{id}/export.xlsx", coverage.UnitRead, oGoal, ""},
	{"GET /api/v1/campaigns/export.xlsx", evaluation.EvaluationRead, none, ""},
	{"GET /api/v1/campaigns/{id}/subjects/import/template.xlsx", evaluation.EvaluationManage, oCampaign, ""},
	{"GET /api/v1/campaigns/{id}/results.xlsx", evaluation.EvaluationRead, oCampaign, ""},
}

// decl is one line of the matrix.
type decl struct {
	route string        // "METHOD /pattern" exactly as in routes.go
	need  access.Action // a permission of the catalogue, or public, loggedIn, adminOnly
	obj   object        // what the path (or the body's {org}) names
	body  string        // form or JSON body; "file:" + content sends a multipart file
}

// Needs that are not permissions of the catalogue.
const (
	public    access.Action = "(public)"     // no login at all
	loggedIn  access.Action = "(logged in)"  // any account
	adminOnly access.Action = "(admin role)" // a system administrator: admin on a top-level organization (system-wide settings)
)

// object is what a route's path or body names; each has one instance inside
// the actors' county and one in a sibling county.
type object int

const (
	none             object = iota
	oOrg                    // {id}: a township
	oOrgBody                // {org} in the body: the organization a new object goes under
	oUnit                   // {id}: a host unit
	oGoal                   // {id}: a goal set
	oUser                   // {id}: a user
	oFreshGrant             // {id}: a grant made for this request
	oCampaign               // {id}: a campaign
	oSubject                // {id}, {sid}: a campaign and its subject
	oFile                   // {id}, {sid}, {fid}: a campaign, subject and report file
	oFreshFile              // oFile, attached for this request (it is removed)
	oSession                // {id}: an import session that does not exist
	oCampaignSession        // {id}, {sid}: a campaign and an import session that does not exist
	oOwnSession             // no object; the request ends its own session, so it gets a fresh one
)

// scoped reports whether the object is inside or outside a scope.
// fieldErrorRE finds the messages of a form shown again: at its fields and
// in the flash above it.
var fieldErrorRE = regexp.MustCompile(`<(?:p class="error"|div class="flash err")[^>]*>([^<]*)<`)

func (o object) scoped() bool { return o != none && o != oOwnSession }

// missing reports whether the object never exists: an allowed actor gets 404.
func (o object) missing() bool { return o == oSession || o == oCampaignSession }

// allows reports whether role may use a route that needs n, by the app's
// catalogue.
func allows(perms *access.Catalogue, role access.Role, n access.Action) bool {
	switch n {
	case public, loggedIn:
		return true
	case adminOnly:
		return false // the matrix's roles are held on a county; see mx_top
	}
	return perms.Allows(role, n)
}

// instance is the set of objects on one side of the scope line.
type instance struct {
	org, unit, goal, user, campaign, subject int64
	file                                     string
}

type matrixFx struct {
	*fixture
	in, out  instance
	tokens   map[access.Role]string
	top      string // a system administrator's token
	userN    int
	sibling  org.Org
	township [2]org.Org
}

// newMatrixFixture builds one account per role, each granted on the same
// county (兴宁区), and every kind of object once in that county and once in
// a sibling county.
func newMatrixFixture(t *testing.T) *matrixFx {
	t.Helper()
	ctx := context.Background()
	f := &matrixFx{fixture: newFixture(t), tokens: map[access.Role]string{}}
	home, sibling := f.counties(t)
	f.sibling = sibling
	sys := testrig.Admin
	for i, county := range []org.Org{home, sibling} {
		kids, _, err := f.orgs.List(ctx, sys, org.ListQuery{Under: county.ID, ChildrenOnly: true, Limit: 1})
		if err != nil || len(kids) != 1 {
			t.Fatalf("township of %s: %v", county.Name, err)
		}
		town := kids[0]
		f.township[i] = town
		villages, _, err := f.orgs.List(ctx, sys, org.ListQuery{Under: town.ID, ChildrenOnly: true, Limit: 1})
		if err != nil || len(villages) != 1 {
			t.Fatalf("village of %s: %v", town.Name, err)
		}
		in := instance{org: town.ID}
		u, err := f.cov.Create(ctx, sys, coverage.Input{CreditCode: creditCode(county.RegionCode, 900+i), Name: fmt.Sprintf("矩阵测试企业%d有限公司", i),
			Industry: "C", Employees: 10, RegionCode: villages[0].RegionCode, AffiliationOrgID: town.ID})
		if err != nil {
			t.Fatalf("unit: %v", err)
		}
		in.unit = u.ID
		g, err := f.cov.CreateGoalSet(ctx, sys, coverage.GoalInput{Name: "矩阵目标", Year: 2026, OwnerOrgID: county.ID, Targets: map[string]float64{"org_coverage": 90}})
		if err != nil {
			t.Fatalf("goal set: %v", err)
		}
		in.goal = g.ID
		in.user = f.newUser(t, town.ID).ID
		rules := evaluation.TemplateVillageSecretary()
		c, err := f.eval.CreateCampaign(ctx, sys, evaluation.CampaignInput{OwnerOrgID: town.ID, Name: "矩阵测评", Type: rules.Type, Year: 2026,
			OpensAt: time.Now().Add(24 * time.Hour), ClosesAt: time.Now().Add(48 * time.Hour), Rules: rules})
		if err != nil {
			t.Fatalf("campaign: %v", err)
		}
		in.campaign = c.ID
		subs, err := f.eval.AddSubjects(ctx, sys, c.ID, []evaluation.SubjectInput{{Kind: "org", OrgID: villages[0].ID}})
		if err != nil {
			t.Fatalf("subject: %v", err)
		}
		in.subject = subs[0].ID
		in.file = f.attach(t, in)
		if i == 0 {
			f.in = in
		} else {
			f.out = in
		}
	}
	for _, role := range access.Roles {
		name := "mx_" + string(role)
		pw := "Matrix-password-2026"
		grant := role
		if role == access.Admin {
			grant = "" // admin is granted on a top-level organization only; written below
		}
		u, err := f.accts.Create(ctx, sys, account.NewUser{Username: name, DisplayName: name, Password: pw, HomeOrgID: home.ID, Role: grant})
		if err != nil {
			t.Fatalf("account %s: %v", name, err)
		}
		if role == access.Admin {
			// An administrator grant on the county, as one made before admin
			// was kept to the top: every action in its subtree, no
			// system-wide power.
			if _, err := f.d.Exec(ctx, "INSERT INTO grants (user_id, role, org_id, created_at) VALUES (?, ?, ?, ?)", u.ID, access.Admin, home.ID, "2026-01-01T00:00:00.000Z"); err != nil {
				t.Fatal(err)
			}
		}
		f.pw[name] = pw
		f.tokens[role] = f.token(t, name)
	}
	// mx_top is a system administrator, who alone passes adminOnly routes.
	if _, err := f.accts.Create(ctx, sys, account.NewUser{Username: "mx_top", DisplayName: "mx_top", Password: "Matrix-password-2026", HomeOrgID: f.root, Role: access.Admin}); err != nil {
		t.Fatalf("account mx_top: %v", err)
	}
	f.pw["mx_top"] = "Matrix-password-2026"
	f.top = f.token(t, "mx_top")
	return f
}

func (f *matrixFx) newUser(t *testing.T, orgID int64) account.User {
	t.Helper()
	f.userN++
	u, err := f.accts.Create(context.Background(), testrig.Admin, account.NewUser{Username: fmt.Sprintf("mx_target%d", f.userN), DisplayName: "测试",
		Password: "Target-password-2026", HomeOrgID: orgID, Role: access.Secretary})
	if err != nil {
		t.Fatalf("target user: %v", err)
	}
	return u
}

func (f *matrixFx) attach(t *testing.T, in instance) string {
	t.Helper()
	fs, err := f.eval.AttachFiles(context.Background(), testrig.Admin, in.campaign, in.subject, []evaluation.Upload{{Name: "述职报告.pdf", Data: reportPDF()}})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	return fs[0].ID
}

// path fills the route's pattern for one side of the scope line.
func (f *matrixFx) path(t *testing.T, d decl, in instance) string {
	_, p, _ := strings.Cut(d.route, " ")
	p = strings.TrimSuffix(p, "{$}")
	id, sid, fid := "", "", ""
	switch d.obj {
	case oOrg:
		id = fmt.Sprint(in.org)
	case oUnit:
		id = fmt.Sprint(in.unit)
	case oGoal:
		id = fmt.Sprint(in.goal)
	case oUser:
		id = fmt.Sprint(in.user)
	case oFreshGrant:
		u := f.newUser(t, in.org)
		id = fmt.Sprint(u.Grants[0].ID)
	case oCampaign:
		id = fmt.Sprint(in.campaign)
	case oSubject:
		id, sid = fmt.Sprint(in.campaign), fmt.Sprint(in.subject)
	case oFile:
		id, sid, fid = fmt.Sprint(in.campaign), fmt.Sprint(in.subject), in.file
	case oFreshFile:
		// Once the campaign has been opened by an earlier request, files can
		// neither be attached nor removed: the kept one serves.
		id, sid, fid = fmt.Sprint(in.campaign), fmt.Sprint(in.subject), in.file
		if fs, err := f.eval.AttachFiles(context.Background(), testrig.Admin, in.campaign, in.subject, []evaluation.Upload{{Name: "述职报告.pdf", Data: reportPDF()}}); err == nil {
			fid = fs[0].ID
		}
	case oSession:
		id = "0123456789abcdef0123456789abcdef"
	case oCampaignSession:
		id, sid = fmt.Sprint(in.campaign), "0123456789abcdef0123456789abcdef"
	default:
		// Routes without an object take a harmless value.
		id = "1"
	}
	r := strings.NewReplacer("{id}", id, "{sid}", sid, "{fid}", fid)
	return r.Replace(p)
}

// answer is what a request got: its status, where a redirect leads, and the
// status a flash message stands for when a form redirects with an error.
type answer struct {
	status   int
	location string
}

func (a answer) String() string {
	if a.location != "" {
		return fmt.Sprintf("%d → %s", a.status, a.location)
	}
	return fmt.Sprint(a.status)
}

func (f *matrixFx) do(t *testing.T, d decl, path, token, body string, orgID int64) answer {
	t.Helper()
	method, _, _ := strings.Cut(d.route, " ")
	body = strings.ReplaceAll(body, "{org}", fmt.Sprint(orgID))
	var rd io.Reader
	ct := ""
	switch {
	case strings.HasPrefix(body, "file:"):
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		name := "list.csv"
		data := []byte(strings.TrimPrefix(body, "file:"))
		if len(data) == 0 {
			name, data = "report.txt", []byte("not a report")
		}
		fw, _ := mw.CreateFormFile("file", name)
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		rd, ct = &buf, mw.FormDataContentType()
	case strings.HasPrefix(body, "{"):
		rd, ct = strings.NewReader(body), "application/json"
	case body != "":
		rd, ct = strings.NewReader(body), "application/x-www-form-urlencoded"
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	resp.Body.Close()
	a := answer{status: resp.StatusCode, location: resp.Header.Get("Location")}
	// An id typed into a form or a JSON body is answered at its field (400
	// or 422) when it names an organization outside the actor's scope or one
	// it may not act on; the message says which.
	if a.status == 400 || a.status == 422 {
		var msgs []string
		if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
			var e struct {
				Error struct {
					Message string            `json:"message"`
					Fields  map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, e.Error.Message)
			for _, m := range e.Error.Fields {
				msgs = append(msgs, m)
			}
		} else {
			for _, m := range fieldErrorRE.FindAllStringSubmatch(string(b), -1) {
				msgs = append(msgs, html.UnescapeString(m[1]))
			}
		}
		for _, m := range msgs {
			switch {
			case strings.Contains(m, "不存在或不在您的管理范围内"):
				a.status = 404
			case strings.Contains(m, "您没有") && strings.Contains(m, "权限"):
				a.status = 403
			}
		}
	}
	// A form that fails redirects back with the message in a flash cookie;
	// its words say whether it was refused or merely invalid.
	for _, ck := range resp.Cookies() {
		if ck.Name != "flash" {
			continue
		}
		v, _ := url.QueryUnescape(ck.Value)
		if kind, text, _ := strings.Cut(v, "|"); kind == "err" {
			switch {
			case strings.Contains(text, "权限"):
				a.status = 403
			case strings.Contains(text, "不存在或不在您的管理范围内"):
				a.status = 404
			default:
				a.status = 422
			}
		}
	}
	return a
}

// passed reports whether a request got past the permission check: it
// succeeded, or its input was refused.
func passed(a answer, missingOK bool) bool {
	switch {
	case a.status >= 200 && a.status < 300:
		return true
	case a.status >= 300 && a.status < 400:
		return !strings.HasPrefix(a.location, "/login")
	case a.status == 400 || a.status == 409 || a.status == 413 || a.status == 422:
		return true
	case a.status == 404:
		return missingOK
	}
	return false
}

func refused(a answer) bool { return a.status == 403 || a.status == 404 }

// declarations pairs each route with its line of the matrix and returns
// what does not match: a route without a line, a line without a route, a
// line declared twice, or a public line for a route behind a login.
func declarations(rts []Route, lines []decl) ([]decl, []string) {
	var problems []string
	declared := map[string]decl{}
	for _, d := range lines {
		if _, dup := declared[d.route]; dup {
			problems = append(problems, fmt.Sprintf("route %s is declared twice", d.route))
		}
		declared[d.route] = d
	}
	var table []decl
	for _, rt := range rts {
		key := rt.Method + " " + rt.Pattern
		d, ok := declared[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("route %s has no permission declaration in matrix_test.go", key))
			continue
		}
		delete(declared, key)
		if (d.need == public) != (rt.Auth == Public) {
			problems = append(problems, fmt.Sprintf("route %s: declared %s but its auth level is %s", key, d.need, rt.Auth))
		}
		table = append(table, d)
	}
	var stale []string
	for k := range declared {
		stale = append(stale, fmt.Sprintf("matrix_test.go declares %s, which is not a route", k))
	}
	sort.Strings(stale)
	return table, append(problems, stale...)
}

// TestMatrixRefusesUndeclaredRoutes: a route added without its line fails.
func TestMatrixRefusesUndeclaredRoutes(t *testing.T) {
	t.Parallel()
	rts := append(routeTable(t), Route{Method: "POST", Pattern: "/orgs/{id}/merge", Auth: Web})
	_, problems := declarations(rts, matrix)
	if len(problems) != 1 || problems[0] != "route POST /orgs/{id}/merge has no permission declaration in matrix_test.go" {
		t.Fatalf("problems: %q", problems)
	}
	_, problems = declarations(routeTable(t), append(matrix[:len(matrix):len(matrix)], decl{"GET /orgs", access.OrgRead, none, ""}))
	if len(problems) != 1 || problems[0] != "route GET /orgs is declared twice" {
		t.Fatalf("problems: %q", problems)
	}
}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	table, problems := declarations(routeTable(t), matrix)
	for _, p := range problems {
		t.Error(p)
	}
	if t.Failed() {
		return
	}

	f := newMatrixFixture(t)
	var failures []string
	for _, d := range table {
		fail := func(format string, args ...any) {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
		api := strings.Contains(d.route, " /api/")
		// Without a login: public routes answer, web pages send to the
		// login page, the API says 401.
		a := f.do(t, d, f.path(t, d, f.in), "", d.body, f.in.org)
		switch {
		case d.need == public:
			if a.status == 401 && !strings.HasSuffix(d.route, "/login") || a.status == 403 || strings.HasPrefix(a.location, "/login?next=") || a.status >= 500 {
				fail("%s without login: %s, want the route to answer", d.route, a)
			}
			continue
		case api && a.status != 401:
			fail("%s without login: %s, want 401", d.route, a)
		case !api && (a.status != 303 || !strings.HasPrefix(a.location, "/login?next=")):
			fail("%s without login: %s, want 303 → /login", d.route, a)
		}
		if d.need == adminOnly {
			if a := f.do(t, d, f.path(t, d, f.in), f.top, d.body, f.in.org); !passed(a, false) {
				fail("%s as a system administrator: %s, want it allowed", d.route, a)
			}
		}
		for _, role := range access.Roles {
			ok := allows(f.perms, role, d.need)
			token := f.tokens[role]
			if d.obj == oOwnSession {
				token = f.token(t, "mx_"+string(role))
			}
			if !d.obj.scoped() {
				a := f.do(t, d, f.path(t, d, f.in), token, d.body, f.in.org)
				if ok && !passed(a, false) {
					fail("%s as %s: %s, want it allowed", d.route, role, a)
				}
				if !ok && a.status != 403 {
					fail("%s as %s: %s, want 403", d.route, role, a)
				}
				continue
			}
			a := f.do(t, d, f.path(t, d, f.in), token, d.body, f.in.org)
			if ok && !passed(a, d.obj.missing()) {
				fail("%s as %s inside its scope: %s, want it allowed", d.route, role, a)
			}
			if !ok && !refused(a) {
				fail("%s as %s inside its scope: %s, want 403 or 404", d.route, role, a)
			}
			if d.obj.missing() {
				continue // an import session belongs to its user: there is no other side
			}
			a = f.do(t, d, f.path(t, d, f.out), token, d.body, f.out.org)
			if ok && a.status != 404 {
				fail("%s as %s outside its scope: %s, want 404", d.route, role, a)
			}
			if !ok && !refused(a) {
				fail("%s as %s outside its scope: %s, want 403 or 404", d.route, role, a)
			}
		}
	}
	sort.Strings(failures)
	for _, s := range failures {
		t.Error(s)
	}
}
