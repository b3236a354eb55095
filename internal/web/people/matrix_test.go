package people_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/ids"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// The role × route matrix of the member register (internal/testrig/matrix):
// one line per route of its pages here, of its JSON handlers in
// matrix_api_test.go. A route without its line fails the test.
var pageLines = []matrix.Line{
	matrix.L("GET /people", people.PeopleRead, nil, ""),
	matrix.L("GET /people/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/people/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /people/new", people.PeopleManage, nil, ""),
	matrix.L("POST /people/new", people.PeopleManage, matrix.OrgBody, "org_id={org}&name="),
	matrix.L("GET /people/{id}", people.PeopleRead, person, ""),
	// A well-formed change that the permission check meets first: the
	// member's status unchanged, a full member converted again.
	matrix.L("POST /people/{id}/status", people.PeopleManage, person, "status=normal&on_date=2020-01-01"),
	matrix.L("POST /people/{id}/convert", people.PeopleManage, person, "full_on=2020-01-01"),
	matrix.L("POST /people/{id}/reveal", people.PeopleReveal, person, "field=none"),
	// Posts and terms: a person not chosen, a term of four years, a date of
	// leaving before the post began.
	matrix.L("GET /people/orgs/{id}/posts", people.PeopleRead, matrix.Org, ""),
	matrix.L("POST /people/orgs/{id}/posts", people.PeopleManage, matrix.Org, "person_id=&post=staff&started_on=2020-01-01"),
	matrix.L("POST /people/orgs/{id}/terms", people.PeopleManage, matrix.Org, "elected_on=2020-01-01&years=4"),
	matrix.L("POST /people/posts/{id}/end", people.PeopleManage, post, "ended_on=1999-01-01&org_id=1"),
	matrix.L("GET /people/vacancies", people.PeopleRead, nil, ""),
	matrix.L("GET /people/vacancies/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /people/terms", people.PeopleRead, nil, ""),
	matrix.L("GET /people/terms/export.xlsx", people.PeopleRead, nil, ""),
	// The pay floor: a factor out of range, an income for a township, a
	// file without rows, a pay without its cadre.
	matrix.L("GET /people/pay", people.PeopleRead, nil, ""),
	matrix.L("GET /people/pay/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("POST /people/pay/factor", matrix.AdminOnly, nil, "factor=9"),
	matrix.L("GET /people/pay/incomes", people.PeopleRead, nil, ""),
	matrix.L("POST /people/pay/incomes", people.PeopleManage, matrix.OrgBody, "org_id={org}&ref_year=2025&rural=20000&urban=40000"),
	matrix.L("GET /people/pay/incomes/template.xlsx", people.PeopleManage, nil, ""),
	matrix.L("POST /people/pay/incomes/import", people.PeopleManage, nil, "file:年度,区划代码\n"),
	matrix.L("POST /people/pay/incomes/import/{id}/apply", people.PeopleManage, matrix.Session, ""),
	matrix.L("GET /people/pay/record", people.PeopleManage, nil, ""),
	matrix.L("POST /people/pay/record", people.PeopleManage, nil, "person_id=&org_id=&year=2026&basic_pay=1"),
	matrix.L("GET /people/pay/template.xlsx", people.PeopleManage, nil, ""),
	matrix.L("POST /people/pay/import", people.PeopleManage, nil, "file:年度,姓名\n"),
	matrix.L("POST /people/pay/import/{id}/apply", people.PeopleManage, matrix.Session, ""),
	matrix.L("GET /people/stats", people.PeopleRead, nil, ""),
	matrix.L("GET /people/checks", people.PeopleRead, nil, ""),
	matrix.L("GET /people/checks/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /people/import", people.PeopleManage, nil, ""),
	matrix.L("POST /people/import", people.PeopleManage, nil, "file:姓名\n张三\n"),
	matrix.L("GET /people/import/template.xlsx", people.PeopleManage, nil, ""),
	matrix.L("GET /api/v1/people/import/template.xlsx", people.PeopleManage, nil, ""),
	matrix.L("POST /people/import/{id}/apply", people.PeopleManage, matrix.Session, ""),
	// Transfers: a request dated before the membership began, an
	// acceptance dated before the letter, a reason too short; a withdrawal does withdraw
	// (the transfer is made anew for each request).
	matrix.L("POST /people/{id}/transfer", people.PeopleManage, person, "mode=in&to_org=1&transfer_on=2000-01-01"),
	matrix.L("GET /people/transfers", people.PeopleRead, nil, ""),
	matrix.L("GET /people/transfers/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/transfers/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("POST /people/transfers/{id}/accept", people.PeopleManage, transfer, "on_date=2000-01-01"),
	matrix.L("POST /people/transfers/{id}/reject", people.PeopleManage, transfer, "reason=x"),
	matrix.L("POST /people/transfers/{id}/cancel", people.PeopleManage, transfer, ""),
}

// serials numbers the members the matrix's transfers are made of.
var serials atomic.Int32

// transfer is {id}: a pending transfer from the side's village to its
// township, made anew for each request.
var transfer = &matrix.Object{Name: "transfer", Fresh: true, Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	first17 := fmt.Sprintf("%s19800101%03d", s.County.RegionCode[:6], 100+serials.Add(2))
	ppl := app.Service[*people.Service](f.App)
	p, err := ppl.AddMember(context.Background(), testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: "矩阵转接", IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
		OrgID:       s.Village.ID, Kind: "full", JoinedOn: "2005-07-01"})
	if err != nil {
		t.Fatalf("person: %v", err)
	}
	tr, err := ppl.RequestTransfer(context.Background(), testrig.Admin, p.ID, people.TransferInput{ToOrgID: s.Township.ID, OnDate: "2026-01-05"})
	if err != nil {
		t.Fatalf("transfer: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(tr.ID)}
}}

// post is {id}: a staff post of a member of the side's village.
var post = &matrix.Object{Name: "post", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	serial := 703
	if !s.Inside {
		serial = 704
	}
	first17 := fmt.Sprintf("%s19810101%03d", s.County.RegionCode[:6], serial)
	ppl := app.Service[*people.Service](f.App)
	p, err := ppl.AddMember(context.Background(), testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: map[int]string{703: "矩阵干部甲", 704: "矩阵干部乙"}[serial], IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
		OrgID:       s.Village.ID, Kind: "full", JoinedOn: "2005-07-01"})
	if err != nil {
		t.Fatalf("person: %v", err)
	}
	po, err := ppl.Appoint(context.Background(), testrig.Admin, people.PostInput{PersonID: p.ID, OrgID: s.Village.ID, Post: "staff", StartedOn: "2020-01-01"})
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(po.ID)}
}}

// person is {id}: a member of the side's village organization.
var person = &matrix.Object{Name: "person", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	serial := 701
	if !s.Inside {
		serial = 702
	}
	first17 := fmt.Sprintf("%s19800101%03d", s.County.RegionCode[:6], serial)
	p, err := app.Service[*people.Service](f.App).AddMember(context.Background(), testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: map[int]string{701: "矩阵党员甲", 702: "矩阵党员乙"}[serial], IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
		OrgID:       s.Village.ID, Kind: "full", JoinedOn: "2005-07-01"})
	if err != nil {
		t.Fatalf("person: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(p.ID)}
}}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	matrix.Run(t, "people", slices.Concat(pageLines, apiLines, careLines, careAPILines, trainingLines, trainingAPILines))
}
