package coverage_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/coverage"
	"jiceng/internal/ids"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// The role × route matrix of the coverage module (internal/testrig/matrix): one
// line per route of its pages and JSON handlers.
// A route without its line fails the test.
var lines = []matrix.Line{
	matrix.L("GET /coverage", coverage.UnitRead, nil, ""),
	matrix.L("GET /coverage/export.xlsx", coverage.UnitRead, nil, ""),
	matrix.L("GET /coverage/units", coverage.UnitRead, nil, ""),
	matrix.L("GET /coverage/units/export.xlsx", coverage.UnitRead, nil, ""),
	matrix.L("GET /coverage/units/import", coverage.UnitManage, nil, ""),
	matrix.L("POST /coverage/units/import", coverage.UnitManage, nil, "file:统一社会信用代码,单位名称\n,\n"),
	matrix.L("GET /coverage/units/import/template.xlsx", coverage.UnitManage, nil, ""),
	matrix.L("POST /coverage/units/import/{id}/apply", coverage.UnitManage, matrix.Session, ""),
	matrix.L("GET /coverage/units/new", coverage.UnitManage, nil, ""),
	matrix.L("POST /coverage/units/new", coverage.UnitManage, matrix.OrgBody, "affiliation_org_id={org}&credit_code=&name="),
	matrix.L("GET /coverage/units/{id}", coverage.UnitRead, unit, ""),
	matrix.L("GET /coverage/units/{id}/edit", coverage.UnitManage, unit, ""),
	matrix.L("POST /coverage/units/{id}/edit", coverage.UnitManage, unit, "name="),
	matrix.L("POST /coverage/units/{id}/coverage", coverage.UnitManage, unit, "coverage=bogus"),
	matrix.L("POST /coverage/units/{id}/close", coverage.UnitManage, unit, "close_reason=&close_on="),
	matrix.L("POST /coverage/units/{id}/reopen", coverage.UnitManage, unit, "reopen_note="),
	matrix.L("GET /coverage/settings", coverage.UnitRead, nil, ""),
	matrix.L("POST /coverage/settings", matrix.AdminOnly, nil, "size_employees=0&joint_max_units=0"),
	matrix.L("GET /coverage/goals", coverage.UnitRead, nil, ""),
	matrix.L("POST /coverage/goals", coverage.GoalManage, matrix.OrgBody, "name=&year=2026&owner_org_id={org}&indicator=org_coverage&target_org_coverage=50"),
	matrix.L("GET /coverage/goals/{id}", coverage.UnitRead, goal, ""),
	matrix.L("GET /coverage/goals/{id}/export.xlsx", coverage.UnitRead, goal, ""),
	matrix.L("POST /coverage/goals/{id}/target", coverage.GoalManage, goal, "org_id=1&indicator=org_coverage&target=1000"),
	matrix.L("GET /api/v1/orgs/{id}/coverage", coverage.UnitRead, matrix.Org, ""),
	matrix.L("GET /api/v1/orgs/{id}/coverage/trend", coverage.UnitRead, matrix.Org, ""),
	matrix.L("GET /api/v1/orgs/{id}/coverage/joint-flags", coverage.UnitRead, matrix.Org, ""),
	matrix.L("GET /api/v1/units", coverage.UnitRead, nil, ""),
	matrix.L("POST /api/v1/units/import", coverage.UnitManage, nil, "file:统一社会信用代码,单位名称\n,\n"),
	matrix.L("POST /api/v1/units", coverage.UnitManage, matrix.OrgBody, `{"affiliation_org_id":{org},"credit_code":"","name":""}`),
	matrix.L("GET /api/v1/units/{id}", coverage.UnitRead, unit, ""),
	matrix.L("PATCH /api/v1/units/{id}", coverage.UnitManage, unit, `{"name":""}`),
	matrix.L("POST /api/v1/units/{id}/coverage", coverage.UnitManage, unit, `{"coverage":"bogus"}`),
	matrix.L("POST /api/v1/units/{id}/close", coverage.UnitManage, unit, `{"reason":""}`),
	matrix.L("POST /api/v1/units/{id}/reopen", coverage.UnitManage, unit, `{"note":""}`),
	matrix.L("GET /api/v1/units/{id}/history", coverage.UnitRead, unit, ""),
	matrix.L("GET /api/v1/coverage/settings", coverage.UnitRead, nil, ""),
	matrix.L("PUT /api/v1/coverage/settings", matrix.AdminOnly, nil, `{"size_employees":0,"joint_max_units":0}`),
	matrix.L("GET /api/v1/goal-sets", coverage.UnitRead, nil, ""),
	matrix.L("POST /api/v1/goal-sets", coverage.GoalManage, matrix.OrgBody, `{"name":"","year":2026,"owner_org_id":{org},"targets":{}}`),
	matrix.L("GET /api/v1/goal-sets/{id}", coverage.UnitRead, goal, ""),
	matrix.L("POST /api/v1/goal-sets/{id}/targets", coverage.GoalManage, goal, `{"indicator":"org_coverage","org_id":1,"target":1000}`),
	matrix.L("GET /api/v1/coverage/export.xlsx", coverage.UnitRead, nil, ""),
	matrix.L("GET /api/v1/units/export.xlsx", coverage.UnitRead, nil, ""),
	matrix.L("GET /api/v1/units/import/template.xlsx", coverage.UnitManage, nil, ""),
	matrix.L("GET /api/v1/goal-sets/{id}/export.xlsx", coverage.UnitRead, goal, ""),
}

// The objects of the coverage paths.
var (
	// unit is {id}: a host unit affiliated to the township.
	unit = &matrix.Object{Name: "unit", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		i := side(s)
		u, err := app.Service[*coverage.Service](f.App).Create(context.Background(), testrig.Admin, coverage.Input{CreditCode: creditCode(s.County.RegionCode, 900+i),
			Name: fmt.Sprintf("矩阵测试企业%d有限公司", i), Industry: "C", Employees: 10, RegionCode: s.Village.RegionCode, AffiliationOrgID: s.Township.ID})
		if err != nil {
			t.Fatalf("unit: %v", err)
		}
		return matrix.Values{"id": fmt.Sprint(u.ID)}
	}}
	// goal is {id}: a goal set of the county.
	goal = &matrix.Object{Name: "goal set", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		g, err := app.Service[*coverage.Service](f.App).CreateGoalSet(context.Background(), testrig.Admin, coverage.GoalInput{Name: "矩阵目标", Year: 2026,
			OwnerOrgID: s.County.ID, Targets: map[string]float64{"org_coverage": 90}})
		if err != nil {
			t.Fatalf("goal set: %v", err)
		}
		return matrix.Values{"id": fmt.Sprint(g.ID)}
	}}
)

// side numbers the sides of the scope line: 0 inside, 1 outside.
func side(s matrix.Side) int {
	if s.Inside {
		return 0
	}
	return 1
}

// creditCode is a valid 统一社会信用代码 of region.
func creditCode(region string, serial int) string {
	oc := fmt.Sprintf("MA%06d", serial)
	c9, _ := ids.OrgCodeCheckChar(oc)
	first17 := "91" + region + oc + string(c9)
	c18, _ := ids.CreditCodeCheckChar(first17)
	return first17 + string(c18)
}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	matrix.Run(t, "coverage", lines)
}
