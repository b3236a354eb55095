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
}

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
	matrix.Run(t, "people", append(append(append([]matrix.Line{}, pageLines...), apiLines...), append(trainingLines, trainingAPILines...)...))
}
