package cases_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// stationLines are the matrix lines of the workstations', the holiday
// calendar's and the custodian's pages. Bodies pass the permission check
// and stop at validation: a phone number that is none, a name left empty,
// a date that does not exist, a decision on a request decided already.
// Registering checks the organization before the fields, so that one
// outside the actor's scope is not found whatever was typed. The calendar
// is edited only with CalendarManage on a top-level organization, which no
// role of the matrix (granted on a county) holds: AdminOnly, passed by the
// system administrator alone.
var stationLines = []matrix.Line{
	matrix.L("GET /stations", access.OrgRead, nil, ""),
	matrix.L("GET /stations/export.xlsx", access.OrgRead, nil, ""),
	matrix.L("GET /stations/new", cases.StationsManage, nil, ""),
	matrix.L("POST /stations/new", cases.StationsManage, matrix.OrgBody, "org_id={org}&name=矩阵廉洁工作站&phone=123"),
	matrix.L("GET /stations/{id}", access.OrgRead, station, ""),
	matrix.L("POST /stations/{id}", cases.StationsManage, station, "name=&version=1"),
	matrix.L("POST /stations/{id}/activities", cases.StationsManage, station, "held_on=2026-13-01&title="),
	matrix.L("GET /stations/{id}/poster", access.OrgRead, station, ""),
	matrix.L("GET /cases/calendar", matrix.LoggedIn, nil, ""),
	matrix.L("POST /cases/calendar", matrix.AdminOnly, nil, "date=2026-02-30&kind=holiday&name=x"),
	matrix.L("POST /cases/calendar/delete", matrix.AdminOnly, nil, "date=2026-02-30"),
	matrix.L("GET /cases/reveals", cases.RevealApprove, nil, ""),
	matrix.L("POST /cases/reveals/{rid}/decide", cases.RevealApprove, decidedReveal, "decision=approve&note="),
}

// station is {id}: the workstation of the side's village.
var station = &matrix.Object{Name: "workstation", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	st, err := app.Service[*cases.Service](f.App).SaveStation(context.Background(), testrig.Admin, cases.StationInput{OrgID: s.Village.ID,
		Name: s.Village.Name + "廉洁工作站", Address: "村委会一楼", Hours: "工作日 9:00–17:00", Phone: "0771-5551234"})
	if err != nil {
		t.Fatalf("station: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(st.ID)}
}}

// decidedReveal is {rid}: a request to reveal the reporter of a service
// case at the side's village, made by a case handler of the side's county
// and refused by a custodian there, so that deciding it again changes
// nothing.
var decidedReveal = &matrix.Object{Name: "decided reveal request", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ctx := context.Background()
	cs, accts := app.Service[*cases.Service](f.App), f.App.Core().Accounts
	side := "out"
	if s.Inside {
		side = "in"
	}
	actor := func(name string, role access.Role) access.Actor {
		const pw = "Matrix-password-2026"
		if _, err := accts.Create(ctx, testrig.Admin, account.NewUser{Username: name, DisplayName: name, Password: pw, HomeOrgID: s.County.ID, Role: role}); err != nil {
			t.Fatalf("account %s: %v", name, err)
		}
		_, a, err := accts.Login(ctx, name, pw, "matrix")
		if err != nil {
			t.Fatalf("login %s: %v", name, err)
		}
		return a
	}
	handler, custodian := actor("mx_rv_handler_"+side, access.CaseHandler), actor("mx_rv_custodian_"+side, access.Custodian)
	rc, err := cs.Submit(ctx, cases.Report{Kind: cases.KindService, RegionCode: s.Village.RegionCode, Name: "王五", Phone: "13800001111",
		Body: "村口路灯坏了一个多月，晚上出行不便，请尽快修理。"})
	if err != nil {
		t.Fatalf("case: %v", err)
	}
	rv, err := cs.RequestReveal(ctx, handler, rc.CaseID, "需要当面核实路灯的具体位置和损坏情况")
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	if err := cs.DecideReveal(ctx, custodian, rv.ID, false, ""); err != nil {
		t.Fatalf("refuse: %v", err)
	}
	return matrix.Values{"rid": fmt.Sprint(rv.ID)}
}}
