package programs_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// The role × route matrix of the programmes (internal/testrig/matrix): the
// lines of each part in its own file, run here at once, since the matrix
// takes every route of the module.
func TestMatrix(t *testing.T) {
	t.Parallel()
	matrix.Run(t, "programs", slices.Concat(rectLines, venueMatrixLines, contactMatrixLines, fsecLines, siteMatrixLines))
}

// rectLines are the lines of the rectification's pages and JSON routes.
// Bodies pass the permission check and stop at validation or at the step
// the case is not at: a decision that is neither list nor dismiss, a plan
// or an acceptance of a case already accepted, a year out of range.
var rectLines = []matrix.Line{
	matrix.L("GET /rectification", programs.ProgramsRead, nil, ""),
	matrix.L("GET /rectification/export.xlsx", programs.ProgramsRead, nil, ""),
	matrix.L("POST /rectification/identify", programs.ProgramsManage, matrix.OrgBody, "identify_org={org}&identify_year=1999"),
	matrix.L("GET /rectification/new", programs.ProgramsManage, nil, ""),
	matrix.L("POST /rectification/new", programs.ProgramsManage, matrix.OrgBody, "org_id={org}&year=1999&reason=other&note="),
	matrix.L("GET /rectification/{id}", programs.ProgramsRead, rectCase, ""),
	matrix.L("POST /rectification/{id}/decide", programs.ProgramsManage, rectCase, "decision=maybe&on_date=2026-01-01"),
	matrix.L("POST /rectification/{id}/plan", programs.ProgramsManage, rectCase, "measures=&leader=&deadline="),
	matrix.L("POST /rectification/{id}/progress", programs.ProgramsReport, rectCase, "month=1999-01&text="),
	matrix.L("POST /rectification/{id}/accept", programs.ProgramsAccept, rectCase, "decision=maybe&conclusion=&on_date="),
	matrix.L("POST /rectification/{id}/close", programs.ProgramsAccept, rectCase, "on_date=1999-01-01"),
	matrix.L("GET /rectification/{id}/files/{fid}", programs.ProgramsRead, rectCase, ""),
	matrix.L("GET /rectification/{id}/poster", programs.ProgramsRead, rectCase, ""),
	matrix.L("GET /accountability/{id}", matrix.Public, nil, ""),
	matrix.L("GET /api/v1/rectification", programs.ProgramsRead, nil, ""),
	matrix.L("POST /api/v1/rectification", programs.ProgramsManage, matrix.OrgBody, `{"org_id":{org},"year":1999,"reason":"other","note":""}`),
	matrix.L("POST /api/v1/rectification/identify", programs.ProgramsManage, matrix.OrgBody, `{"org_id":{org},"year":1999}`),
	matrix.L("GET /api/v1/rectification/{id}", programs.ProgramsRead, rectCase, ""),
	matrix.L("POST /api/v1/rectification/{id}/decide", programs.ProgramsManage, rectCase, `{"decision":"maybe","on_date":"2026-01-01"}`),
	matrix.L("POST /api/v1/rectification/{id}/plan", programs.ProgramsManage, rectCase, `{"measures":"","leader":"","deadline":""}`),
	matrix.L("POST /api/v1/rectification/{id}/progress", programs.ProgramsReport, rectCase, `{"month":"1999-01","text":""}`),
	matrix.L("POST /api/v1/rectification/{id}/accept", programs.ProgramsAccept, rectCase, `{"decision":"maybe","conclusion":"","on_date":""}`),
	matrix.L("POST /api/v1/rectification/{id}/close", programs.ProgramsAccept, rectCase, `{"on_date":"1999-01-01"}`),
	matrix.L("GET /api/v1/rectification/{id}/files/{fid}", programs.ProgramsRead, rectCase, ""),
	matrix.L("GET /api/v1/public/accountability/{id}", matrix.Public, nil, ""),
}

// rectCase is {id} and {fid}: the side's village listed this year, its
// plan made and a month's progress reported with a photo, so that every
// step's form exists and the permission check comes before its state.
var rectCase = &matrix.Object{Name: "rectification case", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ctx := context.Background()
	pg := app.Service[*programs.Service](f.App)
	today := pg.Today()
	year := today.Year()
	r, err := pg.AddCandidate(ctx, testrig.Admin, programs.CandidateInput{OrgID: s.Village.ID, Year: year, Reason: "life_irregular", Note: "组织生活长期不正常"})
	if err != nil {
		t.Fatalf("candidate: %v", err)
	}
	if r, err = pg.Decide(ctx, testrig.Admin, r.ID, programs.DecideInput{Decision: "list", Reason: "life_irregular", OnDate: today.Format("2006-01-02")}); err != nil {
		t.Fatalf("list: %v", err)
	}
	if r, err = pg.Plan(ctx, testrig.Admin, r.ID, programs.PlanInput{Measures: "规范三会一课，调整充实班子", Leader: "矩阵领导（区委常委）",
		Deadline: fmt.Sprintf("%d-12-31", year+1)}); err != nil {
		t.Fatalf("plan: %v", err)
	}
	if r, err = pg.Progress(ctx, testrig.Admin, r.ID, programs.ProgressInput{Month: today.Format("2006-01"), Text: "召开支部党员大会，补选支部委员",
		Files: []cases.NamedFile{{Name: "会议.png", Data: venueImage(t)}}}); err != nil {
		t.Fatalf("progress: %v", err)
	}
	fid := r.Steps[len(r.Steps)-1].Files[0].ID
	return matrix.Values{"id": fmt.Sprint(r.ID), "fid": fmt.Sprint(fid)}
}}
