package people_test

import (
	"jiceng/internal/people"
	"jiceng/internal/testrig/matrix"
)

// apiLines are the matrix lines of the register's JSON handlers. The
// bodies pass the permission check and stop before any change: an empty
// name, the status the member has, a full member's conversion, a field that
// cannot be revealed.
var apiLines = []matrix.Line{
	matrix.L("GET /api/v1/people", people.PeopleRead, nil, ""),
	matrix.L("POST /api/v1/people", people.PeopleManage, matrix.OrgBody, `{"org_id":{org},"name":""}`),
	matrix.L("POST /api/v1/people/import", people.PeopleManage, nil, "file:姓名\n张三\n"),
	matrix.L("GET /api/v1/people/{id}", people.PeopleRead, person, ""),
	matrix.L("GET /api/v1/people/{id}/timeline", people.PeopleRead, person, ""),
	matrix.L("POST /api/v1/people/{id}/status", people.PeopleManage, person, `{"status":"normal","on_date":"2020-01-01"}`),
	matrix.L("POST /api/v1/people/{id}/convert", people.PeopleManage, person, `{"full_on":"2020-01-01"}`),
	matrix.L("POST /api/v1/people/{id}/reveal", people.PeopleReveal, person, `{"field":"bogus"}`),
	matrix.L("POST /api/v1/people/{id}/transfer", people.PeopleManage, person, `{"to_org_id":1,"on_date":"2000-01-01"}`),
	matrix.L("GET /api/v1/transfers", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/transfers/{id}", people.PeopleRead, transfer, ""),
	matrix.L("POST /api/v1/transfers/{id}/accept", people.PeopleManage, transfer, `{"on_date":"2000-01-01"}`),
	matrix.L("POST /api/v1/transfers/{id}/reject", people.PeopleManage, transfer, `{"reason":"x"}`),
	matrix.L("POST /api/v1/transfers/{id}/cancel", people.PeopleManage, transfer, ""),
}
