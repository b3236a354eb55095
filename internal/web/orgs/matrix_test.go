package orgs_test

import (
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/testrig/matrix"
)

// The role × route matrix of the organizations module (internal/testrig/matrix): one
// line per route of its pages and JSON handlers.
// A route without its line fails the test.
var lines = []matrix.Line{
	matrix.L("GET /{$}", matrix.LoggedIn, nil, ""),
	matrix.L("GET /cockpit.xlsx", matrix.LoggedIn, nil, ""),
	matrix.L("GET /tree", matrix.LoggedIn, nil, ""),
	matrix.L("GET /tree/{id}", access.OrgRead, matrix.Org, ""),
	matrix.L("GET /orgs", access.OrgRead, nil, ""),
	matrix.L("GET /pick/orgs", matrix.LoggedIn, nil, ""),
	matrix.L("GET /pick/regions", matrix.LoggedIn, nil, ""),
	matrix.L("GET /orgs/export.xlsx", access.OrgExport, nil, ""),
	matrix.L("GET /orgs/{id}", access.OrgRead, matrix.Org, ""),
	matrix.L("GET /orgs/{id}/export.xlsx", access.OrgExport, matrix.Org, ""),
	matrix.L("GET /orgs/{id}/edit", access.OrgUpdate, matrix.Org, ""),
	matrix.L("POST /orgs/{id}/edit", access.OrgUpdate, matrix.Org, "name=&kind=branch"),
	matrix.L("GET /orgs/{id}/new", access.OrgCreate, matrix.Org, ""),
	matrix.L("POST /orgs/{id}/new", access.OrgCreate, matrix.Org, "name=&kind=branch"),
	matrix.L("GET /orgs/{id}/move", access.OrgMove, matrix.Org, ""),
	matrix.L("POST /orgs/{id}/move", access.OrgMove, matrix.Org, "parent_id=0"),
	matrix.L("GET /orgs/{id}/dissolve", access.OrgDissolve, matrix.Org, ""),
	matrix.L("POST /orgs/{id}/dissolve", access.OrgDissolve, matrix.Org, "dissolved_on=not-a-date&reason="),
	matrix.L("GET /import", access.OrgImport, nil, ""),
	matrix.L("POST /import", access.OrgImport, nil, "file:名称,类型,上级区划代码\n,党支部,450102001\n"),
	matrix.L("GET /import/template.xlsx", access.OrgImport, nil, ""),
	matrix.L("POST /import/{id}/apply", access.OrgImport, matrix.Session, ""),
	matrix.L("GET /api/v1/orgs", access.OrgRead, nil, ""),
	matrix.L("POST /api/v1/orgs", access.OrgCreate, matrix.OrgBody, `{"parent_id":{org},"name":"","kind":"branch"}`),
	matrix.L("POST /api/v1/orgs/import", access.OrgImport, nil, "file:名称,类型,上级区划代码\n,党支部,450102001\n"),
	matrix.L("POST /api/v1/imports/{id}/apply", matrix.LoggedIn, matrix.Session, ""),
	matrix.L("GET /api/v1/orgs/{id}", access.OrgRead, matrix.Org, ""),
	matrix.L("PATCH /api/v1/orgs/{id}", access.OrgUpdate, matrix.Org, `{"name":""}`),
	matrix.L("GET /api/v1/orgs/{id}/children", access.OrgRead, matrix.Org, ""),
	matrix.L("GET /api/v1/orgs/{id}/stats", access.OrgRead, matrix.Org, ""),
	matrix.L("POST /api/v1/orgs/{id}/move", access.OrgMove, matrix.Org, `{"parent_id":0}`),
	matrix.L("POST /api/v1/orgs/{id}/dissolve", access.OrgDissolve, matrix.Org, `{"dissolved_on":"not-a-date"}`),
	matrix.L("GET /api/v1/orgs/export.xlsx", access.OrgExport, nil, ""),
	matrix.L("GET /api/v1/orgs/{id}/export.xlsx", access.OrgExport, matrix.Org, ""),
	matrix.L("GET /api/v1/orgs/import/template.xlsx", access.OrgImport, nil, ""),
}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	matrix.Run(t, "orgs", lines)
}
