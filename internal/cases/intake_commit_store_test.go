package cases_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
)

// TestGroupCommitManyReports files 120 reports at once through the group
// committer, as `jiceng serve` runs it (one writer on SQLite, several on
// PostgreSQL): every receipt finds its own report, each with its one
// submit event, its file and its sealed phone where it had them, and the
// community's handler has one notice of each; 20 reports whose clients
// have gone are stored nowhere.
func TestGroupCommitManyReports(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	cctx, stop := context.WithCancel(ctx)
	defer stop()
	f.s.StartCommitter(cctx)
	pdf := []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
		"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n" +
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	const n = 120
	receipts := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := cases.Report{Kind: []string{cases.KindService, cases.KindMediation}[i%2], RegionCode: "450102001003",
				Body: fmt.Sprintf("第 %03d 号：小区门口的排水沟堵了，下雨就积水。", i)}
			if i%3 == 0 {
				r.Phone = fmt.Sprintf("139%08d", i)
			}
			if i%12 == 0 {
				r.Files = []cases.NamedFile{{Name: fmt.Sprintf("照片%d.pdf", i), Data: pdf}}
			}
			rc, err := f.s.Submit(ctx, r)
			if err != nil {
				t.Errorf("report %d: %v", i, err)
				return
			}
			receipts[i] = rc.Code
		})
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	for i := range 20 {
		wg.Go(func() {
			_, err := f.s.Submit(gone, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Body: fmt.Sprintf("第 G%02d 号：客户端已经断开的反映。", i)})
			if err == nil {
				t.Errorf("a report whose client has gone was acknowledged")
			}
		})
	}
	wg.Wait()
	for i, code := range receipts {
		if code == "" {
			continue
		}
		pc, err := f.s.Follow(ctx, code)
		if err != nil {
			t.Fatalf("receipt of report %d: %v", i, err)
		}
		if want := fmt.Sprintf("第 %03d 号：", i); pc.Body[:len(want)] != want {
			t.Errorf("receipt of report %d finds %q", i, pc.Body)
		}
	}
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM cases": n,
		"SELECT COUNT(*) FROM cases WHERE body LIKE '%客户端已经断开%'":                0,
		"SELECT COUNT(DISTINCT case_id) FROM case_events WHERE type = 'submit'": n,
		"SELECT COUNT(*) FROM case_events":                                      n,
		"SELECT COUNT(*) FROM case_vault":                                       n / 3,
		// each file belongs to its case's submit event
		"SELECT COUNT(*) FROM case_files fl JOIN case_events e ON e.id = fl.event_id AND e.case_id = fl.case_id JOIN cases c ON c.id = fl.case_id " +
			"WHERE c.body LIKE '%号：%' AND fl.name = '照片' || CAST(CAST(SUBSTR(c.body, 3, 3) AS INTEGER) AS TEXT) || '.pdf'": n / 12,
		"SELECT COUNT(*) FROM case_files": n / 12,
	} {
		if got := f.count(t, q); got != want {
			t.Errorf("%s: got %d, want %d", q, got, want)
		}
	}
	if got := f.count(t, "SELECT COUNT(*) FROM outbox WHERE channel = 'inapp' AND user_id = ?", f.as("comm.handler").UserID); got != n {
		t.Errorf("the community's handler has %d notices, want %d", got, n)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM (SELECT case_id, user_id FROM outbox GROUP BY case_id, user_id HAVING COUNT(*) > 1) x"); got != 0 {
		t.Errorf("%d notices were queued twice", got)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM outbox WHERE user_id = ?", f.as("street.handler").UserID); got != 0 {
		t.Errorf("the street's handler, above the community, has %d notices of new reports, want 0", got)
	}
}

// TestDissolvedPlaceRefused: the organization of a place, found for one
// report and kept for the next, is dissolved in between: the next report
// is refused with what to do, and nothing of it is stored.
func TestDissolvedPlaceRefused(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003"})
	if _, err := f.d.Exec(ctx, "UPDATE orgs SET status = 'dissolved' WHERE id = ?", f.comm.ID); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.Submit(ctx, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Body: "第二份反映：小区门口的排水沟堵了。"})
	wantErr(t, err, errs.Invalid, "所选地点的党组织已撤销，请重新选择地点后再提交")
	if n := f.count(t, "SELECT COUNT(*) FROM cases"); n != 1 {
		t.Errorf("%d cases stored, want the first alone", n)
	}
}
