package cases_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// pendingExtension is {id}: a request for more time on an accepted case of
// the side's village, waiting for the township; made for every request,
// which decides it.
var pendingExtension = &matrix.Object{Name: "extension request", Fresh: true, Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	return matrix.Values{"id": fmt.Sprint(pending(t, f, s, "INSERT INTO case_extensions (case_id, days, reason, requested_by, requested_at, state) VALUES (?, 3, '协调施工', (SELECT MIN(id) FROM users), '2026-01-01T00:00:00.000Z', 'pending') RETURNING id"))}
}}

// pendingReveal is {id}: a request to reveal the reporter of a case of the
// side's village, waiting for a custodian; made for every request.
var pendingReveal = &matrix.Object{Name: "reveal request", Fresh: true, Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	return matrix.Values{"id": fmt.Sprint(pending(t, f, s, "INSERT INTO case_reveals (case_id, requested_by, reason, requested_at, state) VALUES (?, (SELECT MIN(id) FROM users), '需要联系反映人确认现场', '2026-01-01T00:00:00.000Z', 'pending') RETURNING id"))}
}}

// pending accepts a new service case of the side and inserts a request on
// it with insert, returning the request's id.
func pending(t testing.TB, f *matrix.Fixture, s matrix.Side, insert string) int64 {
	ctx := context.Background()
	cs := app.Service[*cases.Service](f.App)
	rc, err := cs.Submit(ctx, cases.Report{Kind: cases.KindService, RegionCode: s.Village.RegionCode, Body: "路灯不亮已有一周，请尽快修理。", Phone: "13907710000"})
	if err != nil {
		t.Fatalf("case: %v", err)
	}
	if _, err := cs.Take(ctx, testrig.Admin, rc.CaseID, cases.StepInput{Step: cases.StepAccept}); err != nil {
		t.Fatalf("accept: %v", err)
	}
	var id int64
	if err := f.DB.WriteQueryRow(ctx, f.DB.Rebind(insert), rc.CaseID).Scan(&id); err != nil {
		t.Fatalf("request: %v", err)
	}
	return id
}

// apiLines are the lines of the JSON routes. Bodies pass the permission
// check and stop at validation or at the state: a wrong receipt, a step
// with a stale version, an extension of a case whose deadline has not
// started, a reveal of a reporter who left no identity.
var apiLines = []matrix.Line{
	matrix.L("POST /api/v1/public/cases", matrix.Public, nil, `{"kind":"service","region_code":"0","body":""}`),
	matrix.L("POST /api/v1/public/cases/follow", matrix.Public, nil, `{"receipt":"00000-00000-00000-00"}`),
	matrix.L("POST /api/v1/public/cases/messages", matrix.Public, nil, `{"receipt":"00000-00000-00000-00","text":"补充"}`),
	matrix.L("POST /api/v1/public/cases/rating", matrix.Public, nil, `{"receipt":"00000-00000-00000-00","rating":"satisfied"}`),
	matrix.L("GET /api/v1/cases", cases.CasesRead, nil, ""),
	matrix.L("GET /api/v1/integrity-reports", cases.IntegrityRead, nil, ""),
	matrix.L("GET /api/v1/cases/{id}", cases.CasesRead, serviceCase, ""),
	matrix.L("POST /api/v1/cases/{id}/accept", cases.CasesHandle, serviceCase, `{"version":999}`),
	matrix.L("POST /api/v1/cases/{id}/refuse", cases.CasesHandle, serviceCase, `{"text":""}`),
	matrix.L("POST /api/v1/cases/{id}/dispatch", cases.CasesHandle, serviceCase, `{"version":999}`),
	matrix.L("POST /api/v1/cases/{id}/return", cases.CasesHandle, serviceCase, `{"text":"退回"}`),
	matrix.L("POST /api/v1/cases/{id}/start", cases.CasesHandle, serviceCase, `{"version":999}`),
	matrix.L("POST /api/v1/cases/{id}/answer", cases.CasesHandle, serviceCase, `{"text":""}`),
	matrix.L("POST /api/v1/cases/{id}/visit", cases.CasesHandle, serviceCase, `{"text":""}`),
	matrix.L("POST /api/v1/cases/{id}/close", cases.CasesHandle, serviceCase, `{"outcome":"resolved"}`),
	matrix.L("POST /api/v1/cases/{id}/duplicate", cases.CasesHandle, serviceCase, `{"duplicate_of":0}`),
	matrix.L("POST /api/v1/cases/{id}/extensions", cases.CasesHandle, serviceCase, `{"days":3,"reason":"需要协调施工单位"}`),
	matrix.L("POST /api/v1/case-extensions/{id}/decision", cases.CasesHandle, pendingExtension, `{"approve":false,"note":"x"}`),
	matrix.L("POST /api/v1/cases/{id}/reveals", cases.CasesHandle, serviceCase, `{"reason":"需要联系反映人了解现场情况"}`),
	matrix.L("POST /api/v1/case-reveals/{id}/decision", cases.RevealApprove, pendingReveal, `{"approve":false,"note":"x"}`),
}
