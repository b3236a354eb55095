package people_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/ids"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// careLines are the matrix lines of the organizers' and the care routes,
// pages and API. Bodies pass the permission check and stop at validation
// or at the step the case is not at: an empty batch, a recruit without a
// person, a placement without an organization, a decision that is neither
// approve nor reject, an approval before the review, a payment before it.
var careLines = []matrix.Line{
	matrix.L("GET /organizers", people.PeopleRead, nil, ""),
	matrix.L("GET /organizers/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /organizers/counties.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /organizers/list", people.PeopleRead, nil, ""),
	matrix.L("GET /organizers/list/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /organizers/batches/new", people.PeopleManage, nil, ""),
	matrix.L("POST /organizers/batches/new", people.PeopleManage, matrix.OrgBody, "org_id={org}&name=&year=2026&planned=0"),
	matrix.L("GET /organizers/batches/{id}", people.PeopleRead, batch, ""),
	matrix.L("POST /organizers/batches/{id}/recruit", people.PeopleManage, batch, "person_id=&recruited_on=2020-01-01"),
	matrix.L("GET /organizers/{id}", people.PeopleRead, organizer, ""),
	matrix.L("POST /organizers/{id}/place", people.PeopleManage, organizer, "org_id=&placed_on=&tenure_years=0"),
	matrix.L("POST /organizers/{id}/depart", people.PeopleManage, organizer, "left_on=&reason="),
	matrix.L("GET /care", people.CareRead, nil, ""),
	matrix.L("GET /care/export.xlsx", people.CareRead, nil, ""),
	matrix.L("GET /care/totals", people.CareRead, nil, ""),
	matrix.L("GET /care/totals.xlsx", people.CareRead, nil, ""),
	matrix.L("GET /care/new", people.PeopleManage, nil, ""),
	matrix.L("POST /care/new", people.PeopleManage, nil, "person_id=&category=&requested=0"),
	matrix.L("GET /care/{id}", people.CareRead, careCase, ""),
	matrix.L("POST /care/{id}/review", people.CareApprove, careCase, "decision=maybe&on_date=2026-01-01"),
	matrix.L("POST /care/{id}/approve", people.CareApprove, careCase, "decision=approve&on_date=2026-01-01"),
	matrix.L("POST /care/{id}/disburse", people.CareApprove, careCase, "paid_on=2026-01-01&amount=1"),
}

// matrixPerson registers a member with a bachelor's degree in the side's
// village; serial tells the objects' persons apart.
func matrixPerson(t testing.TB, f *matrix.Fixture, s matrix.Side, name string, serial int) people.Person {
	t.Helper()
	if !s.Inside {
		serial++
	}
	first17 := fmt.Sprintf("%s19900101%03d", s.County.RegionCode[:6], serial)
	p, err := app.Service[*people.Service](f.App).AddMember(context.Background(), testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: name, IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
		OrgID:       s.Village.ID, Kind: "full", JoinedOn: "2012-07-01"})
	if err != nil {
		t.Fatalf("person: %v", err)
	}
	return p
}

// batch is {id}: a recruitment batch of the side's county.
var batch = &matrix.Object{Name: "organizer batch", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	b, err := app.Service[*people.Service](f.App).CreateBatch(context.Background(), testrig.Admin, people.BatchInput{Name: "矩阵批次", Year: 2026, OrgID: s.County.ID, Planned: 5})
	if err != nil {
		t.Fatalf("batch: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(b.ID)}
}}

// organizer is {id}: a recruit of a batch of the side's county, not placed.
var organizer = &matrix.Object{Name: "organizer", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ppl := app.Service[*people.Service](f.App)
	b, err := ppl.CreateBatch(context.Background(), testrig.Admin, people.BatchInput{Name: "矩阵组织员批次", Year: 2026, OrgID: s.County.ID, Planned: 5})
	if err != nil {
		t.Fatalf("batch: %v", err)
	}
	p := matrixPerson(t, f, s, "矩阵组织员", 711)
	o, err := ppl.Recruit(context.Background(), testrig.Admin, b.ID, people.RecruitInput{PersonID: p.ID, RecruitedOn: "2026-07-01"})
	if err != nil {
		t.Fatalf("recruit: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(o.ID)}
}}

// careCase is {id}: a case applied for a member of the side's village,
// waiting for the township's review.
var careCase = &matrix.Object{Name: "care case", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	p := matrixPerson(t, f, s, "矩阵帮扶对象", 721)
	c, err := app.Service[*people.Service](f.App).Apply(context.Background(), testrig.Admin, people.CareInput{PersonID: p.ID, Category: "illness", Reason: "住院治疗费用高", Requested: 3000, AppliedOn: "2026-03-02"})
	if err != nil {
		t.Fatalf("care case: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(c.ID)}
}}

// careAPILines are the lines of the organizers' and the care JSON routes.
var careAPILines = []matrix.Line{
	matrix.L("GET /api/v1/organizer-batches", people.PeopleRead, nil, ""),
	matrix.L("POST /api/v1/organizer-batches", people.PeopleManage, matrix.OrgBody, `{"org_id":{org},"name":"","year":2026,"planned":0}`),
	matrix.L("GET /api/v1/organizer-batches/{id}", people.PeopleRead, batch, ""),
	matrix.L("POST /api/v1/organizer-batches/{id}/recruits", people.PeopleManage, batch, `{"person_id":0,"recruited_on":"2020-01-01"}`),
	matrix.L("GET /api/v1/organizers", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/organizers/by-county", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/organizers/{id}", people.PeopleRead, organizer, ""),
	matrix.L("POST /api/v1/organizers/{id}/placement", people.PeopleManage, organizer, `{"org_id":0,"placed_on":"","tenure_years":0}`),
	matrix.L("POST /api/v1/organizers/{id}/departure", people.PeopleManage, organizer, `{"left_on":"","reason":""}`),
	matrix.L("GET /api/v1/care-cases", people.CareRead, nil, ""),
	matrix.L("POST /api/v1/care-cases", people.PeopleManage, nil, `{"person_id":0,"category":"","reason":"","requested":0,"applied_on":""}`),
	matrix.L("GET /api/v1/care-cases/{id}", people.CareRead, careCase, ""),
	matrix.L("POST /api/v1/care-cases/{id}/review", people.CareApprove, careCase, `{"decision":"maybe","on_date":"2026-01-01"}`),
	matrix.L("POST /api/v1/care-cases/{id}/approve", people.CareApprove, careCase, `{"decision":"approve","on_date":"2026-01-01"}`),
	matrix.L("POST /api/v1/care-cases/{id}/disburse", people.CareApprove, careCase, `{"paid_on":"2026-01-01","amount":1}`),
	matrix.L("GET /api/v1/care-totals", people.CareRead, nil, ""),
}
