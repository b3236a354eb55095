package people_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// trainingLines are the matrix lines of the training pages. The bodies pass
// the permission check and stop at validation: a course without a title, an
// attendance without a member, a requirement of a third of an hour, an
// upload that is not a spreadsheet.
var trainingLines = []matrix.Line{
	matrix.L("GET /training", people.PeopleRead, nil, ""),
	matrix.L("GET /training/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /training/new", people.PeopleManage, nil, ""),
	matrix.L("POST /training/new", people.PeopleManage, matrix.OrgBody, "org_id={org}&title="),
	matrix.L("GET /training/{id}", people.PeopleRead, course, ""),
	matrix.L("GET /training/{id}/edit", people.PeopleManage, course, ""),
	matrix.L("POST /training/{id}/edit", people.PeopleManage, course, "title="),
	matrix.L("POST /training/{id}/attend", people.PeopleManage, course, "person_id=&hours="),
	matrix.L("GET /training/{id}/attendance.xlsx", people.PeopleRead, course, ""),
	matrix.L("GET /training/{id}/import", people.PeopleManage, course, ""),
	matrix.L("POST /training/{id}/import", people.PeopleManage, course, "file:"),
	matrix.L("GET /training/import/template.xlsx", people.PeopleManage, nil, ""),
	matrix.L("POST /training/import/{id}/apply", people.PeopleManage, matrix.Session, ""),
	matrix.L("GET /training/requirements", people.PeopleRead, nil, ""),
	matrix.L("POST /training/requirements", people.PeopleTrainingSet, matrix.OrgBody, "org_id={org}&post=member&hours=0.3"),
	matrix.L("GET /training/completion", people.PeopleRead, nil, ""),
	matrix.L("GET /training/completion/export.xlsx", people.PeopleRead, nil, ""),
	matrix.L("GET /pick/people", people.PeopleManage, nil, ""),
}

// trainingAPILines are the matrix lines of the training API.
var trainingAPILines = []matrix.Line{
	matrix.L("GET /api/v1/training/courses", people.PeopleRead, nil, ""),
	matrix.L("POST /api/v1/training/courses", people.PeopleManage, matrix.OrgBody, `{"org_id":{org},"title":""}`),
	matrix.L("GET /api/v1/training/courses/{id}", people.PeopleRead, course, ""),
	matrix.L("PUT /api/v1/training/courses/{id}", people.PeopleManage, course, `{"title":""}`),
	matrix.L("GET /api/v1/training/courses/{id}/attendance", people.PeopleRead, course, ""),
	matrix.L("POST /api/v1/training/courses/{id}/attendance", people.PeopleManage, course, `{"person_id":0}`),
	matrix.L("POST /api/v1/training/courses/{id}/import", people.PeopleManage, course, "file:"),
	matrix.L("GET /api/v1/training/requirements", people.PeopleRead, nil, ""),
	matrix.L("PUT /api/v1/training/requirements", people.PeopleTrainingSet, matrix.OrgBody, `{"org_id":{org},"post":"member","hours":0.3}`),
	matrix.L("GET /api/v1/training/completion", people.PeopleRead, nil, ""),
	matrix.L("GET /api/v1/people/{id}/training", people.PeopleRead, person, ""),
}

// course is {id}: a course held by the side's township.
var course = &matrix.Object{Name: "course", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	c, err := app.Service[*people.Service](f.App).CreateCourse(context.Background(), testrig.Admin, people.CourseInput{OrgID: s.Township.ID,
		Title: "矩阵培训", Kind: "lecture", StartsOn: "2026-01-05", EndsOn: "2026-01-05", Hours: 2})
	if err != nil {
		t.Fatalf("course: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(c.ID)}
}}
