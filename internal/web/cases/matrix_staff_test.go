package cases_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// staffLines are the matrix lines of the staff pages. The residents' cases
// need CasesRead and CasesHandle, the integrity reports IntegrityRead and
// IntegrityHandle: an integrity report about the side's village goes to
// its township, which the actors' county covers, so the county's
// integrity officer sees it and nobody else does. Bodies pass the
// permission check and stop at the state: a visit of a case waiting for
// acceptance, an extension of a case whose deadline has not started, a
// decision on an extension decided already, a reveal of a reporter who
// left no identity, an identity nobody approved (said on the case page).
var staffLines = []matrix.Line{
	matrix.L("GET /cases", cases.CasesRead, nil, ""),
	matrix.L("GET /cases/export.xlsx", cases.CasesRead, nil, ""),
	matrix.L("GET /api/v1/cases/export.xlsx", cases.CasesRead, nil, ""),
	matrix.L("GET /cases/{id}", cases.CasesRead, serviceCase, ""),
	matrix.L("GET /cases/{id}/files/{fid}", cases.IntegrityRead, integrityFile, ""),
	matrix.L("POST /cases/{id}/step", cases.CasesHandle, serviceCase, "step=visit&text=电话回访，反映人表示满意"),
	matrix.L("POST /cases/{id}/extension", cases.CasesHandle, serviceCase, "days=3&reason=需要协调施工单位"),
	matrix.L("POST /cases/extensions/{xid}/decide", cases.CasesHandle, decidedExtension, "decision=approve&note="),
	matrix.L("POST /cases/{id}/reveal", cases.IntegrityHandle, integrityCase, "reason=需要联系反映人核实具体时间和地点"),
	matrix.L("POST /cases/{id}/identity", cases.IntegrityRead, integrityCase, ""),
	matrix.L("GET /notices", matrix.LoggedIn, nil, ""),
	matrix.L("POST /notices/read", matrix.LoggedIn, nil, "up_to=1"),
}

// photo is a small PNG image, an attachment the intake accepts.
func photo(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// integrityFile is {id} and {fid}: an integrity report about the side's
// village with a photo, and the photo.
var integrityFile = &matrix.Object{Name: "attachment of an integrity report", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ctx := context.Background()
	rc, err := app.Service[*cases.Service](f.App).Submit(ctx, cases.Report{Kind: cases.KindIntegrity, RegionCode: s.Village.RegionCode,
		SubjectText: "村会计", Body: "村会计挪用集体资金，附现场照片。", Files: []cases.NamedFile{{Name: "现场.png", Data: photo(t)}}})
	if err != nil {
		t.Fatalf("case: %v", err)
	}
	var fid int64
	if err := f.DB.QueryRow(ctx, "SELECT id FROM case_files WHERE case_id = ?", rc.CaseID).Scan(&fid); err != nil {
		t.Fatalf("file: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(rc.CaseID), "fid": fmt.Sprint(fid)}
}}

// decidedExtension is {xid}: a request for more time on an accepted
// service case of the side's village, refused already, so that deciding
// it again changes nothing.
var decidedExtension = &matrix.Object{Name: "decided extension request", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	ctx := context.Background()
	cs := app.Service[*cases.Service](f.App)
	rc, err := cs.Submit(ctx, cases.Report{Kind: cases.KindService, RegionCode: s.Village.RegionCode, Body: "村道路灯不亮已有一周，请尽快修理。"})
	if err != nil {
		t.Fatalf("case: %v", err)
	}
	if _, err := cs.Take(ctx, testrig.Admin, rc.CaseID, cases.StepInput{Step: cases.StepAccept}); err != nil {
		t.Fatalf("accept: %v", err)
	}
	var id int64
	if err := f.DB.WriteQueryRow(ctx, f.DB.Rebind(`INSERT INTO case_extensions (case_id, days, reason, requested_by, requested_at, state, decided_by, decided_at, note)
		VALUES (?, 3, '协调施工', (SELECT MIN(id) FROM users), '2026-01-01T00:00:00.000Z', 'refused', (SELECT MIN(id) FROM users), '2026-01-02T00:00:00.000Z', '') RETURNING id`), rc.CaseID).Scan(&id); err != nil {
		t.Fatalf("extension: %v", err)
	}
	return matrix.Values{"xid": fmt.Sprint(id)}
}}
