package cases_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/testrig/matrix"
)

// TestMatrix runs every route of the channel for every role, inside and
// outside its scope. The public pages and API answer everyone; the staff's
// need the permission of the case's kind at its organization.
func TestMatrix(t *testing.T) {
	matrix.Run(t, "cases", slices.Concat(publicLines, staffLines, stationLines, apiLines, statsLines, opinionLines))
}

// serviceCase is {id}: a service request at the side's village, waiting
// for acceptance there.
var serviceCase = &matrix.Object{Name: "service case", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	rc, err := app.Service[*cases.Service](f.App).Submit(context.Background(), cases.Report{Kind: cases.KindService, RegionCode: s.Village.RegionCode,
		Body: "村口道路有坑洼，雨天积水，请尽快修补。"})
	if err != nil {
		t.Fatalf("case: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(rc.CaseID)}
}}

// integrityCase is {id}: an integrity report about the side's village,
// routed to its township.
var integrityCase = &matrix.Object{Name: "integrity report", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
	rc, err := app.Service[*cases.Service](f.App).Submit(context.Background(), cases.Report{Kind: cases.KindIntegrity, RegionCode: s.Village.RegionCode,
		SubjectText: "村委会主任", Body: "村委会主任在项目发包中收受好处费。"})
	if err != nil {
		t.Fatalf("case: %v", err)
	}
	return matrix.Values{"id": fmt.Sprint(rc.CaseID)}
}}
