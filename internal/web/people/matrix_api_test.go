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
	matrix.L("GET /api/v1/people/{id}/posts", people.PeopleRead, person, ""),
	matrix.L("GET /api/v1/orgs/{id}/posts", people.PeopleRead, matrix.Org, ""),
	matrix.L("POST /api/v1/posts", people.PeopleManage, matrix.OrgBody, `{"org_id":{org},"person_id":0,"post":"staff","started_on":"2020-01-01"}`),
	matrix.L("POST /api/v1/posts/{id}/end", people.PeopleManage, post, `{"ended_on":"1999-01-01"}`),
	matrix.L("GET /api/v1/vacancies", people.PeopleRead, nil, ""),
	matrix.L("POST /api/v1/terms", people.PeopleManage, matrix.OrgBody, `{"org_id":{org},"elected_on":"2099-01-01","years":5}`),
	matrix.L("GET /api/v1/terms/due", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/pay/compliance", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/pay/growth", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/pay/incomes", people.PeopleRead, nil, ""),
	matrix.L("POST /api/v1/pay/incomes", people.PeopleManage, matrix.OrgBody, `{"org_id":{org},"year":2025,"rural":20000,"urban":40000}`),
	matrix.L("POST /api/v1/pay/incomes/import", people.PeopleManage, nil, "file:年度,区划代码\n"),
	matrix.L("POST /api/v1/pay", people.PeopleManage, matrix.OrgBody, `{"org_id":{org},"person_id":0,"year":2025,"basic_pay":30000}`),
	matrix.L("POST /api/v1/pay/import", people.PeopleManage, nil, "file:年度,姓名\n"),
	matrix.L("GET /api/v1/pay/factor", people.PeopleRead, nil, ""),
	matrix.L("PUT /api/v1/pay/factor", matrix.AdminOnly, nil, `{"factor":9}`),
}
