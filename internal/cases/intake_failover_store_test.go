package cases_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/cases"
	"jiceng/internal/testrig"
)

// TestReportAcrossLostConnection loses the connection under the intake's
// group committer as a failover does, on PostgreSQL: once with the COMMIT
// made durable but its answer lost, once before the case was written. Each
// time the resident gets a receipt that finds the one case stored for it:
// the batch that landed is read back by its receipts instead of being
// stored again one report at a time, the one that did not is stored again.
func TestReportAcrossLostConnection(t *testing.T) {
	if testrig.Engine() != "postgres" {
		t.Skip("losing a connection needs PostgreSQL (set JICENG_TEST_POSTGRES)")
	}
	ctx := context.Background()
	f := newFx(t)
	p := testrig.NewLossyProxy(t, f.d.URL)
	d := p.Open(t)
	s, err := cases.NewService(d, f.orgs, f.accounts, regions, testKey)
	if err != nil {
		t.Fatal(err)
	}
	s.WithClock(f.clock.Now)
	cctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	s.StartCommitter(cctx)

	for i, lose := range []func(){
		func() { p.LoseAnswerTo("commit") },
		func() { p.CutAt("insert into cases") },
	} {
		lose()
		body := fmt.Sprintf("第 %d 号：小区门口的排水沟堵了，下雨就积水。", i+1)
		rc, err := s.Submit(ctx, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Body: body, Phone: "13900000001"})
		if err != nil || rc.Code == "" {
			t.Fatalf("case %d: report across a lost connection: %+v, %v", i, rc, err)
		}
		if p.Lost() != i+1 {
			t.Fatalf("case %d: %d connections lost, want %d", i, p.Lost(), i+1)
		}
		pc, err := f.s.Follow(ctx, rc.Code)
		if err != nil || pc.Body != body {
			t.Fatalf("case %d: the receipt finds %+v, %v", i, pc, err)
		}
		var n, events int
		if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM cases WHERE body = ?", body).Scan(&n); err != nil || n != 1 {
			t.Fatalf("case %d: %d cases stored, want 1 (%v)", i, n, err)
		}
		if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.body = ?", body).Scan(&events); err != nil || events != 1 {
			t.Fatalf("case %d: %d submit events, want 1 (%v)", i, events, err)
		}
	}
	found, rewritten := d.LostCounts()
	if found != 1 || rewritten != 1 {
		t.Fatalf("lost writes: %d found on the server, %d written again; want 1 and 1", found, rewritten)
	}
}
