package audit_test

import (
	"context"
	"strconv"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// Each reads every entry in scope, newest first, across windows of ids where
// the entries in scope are dense and where they are sparse, and stops when
// told to.
func TestEachReadsEveryEntryInScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, res := xingning.Open(t)
	s := org.NewService(d, regions)
	streets, _, err := s.List(ctx, testrig.Admin, org.ListQuery{Under: res.RootID, ChildrenOnly: true, Limit: 2})
	if err != nil || len(streets) != 2 {
		t.Fatalf("two streets: %v %d", err, len(streets))
	}
	a, b := streets[0], streets[1]
	// 3,000 entries of A among 12,000 of B, then 9,000 of A in a row.
	want := 0
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for i := range 21000 {
			path := b.Path
			if (i < 15000 && i%5 == 0) || i >= 15000 && i%3 != 0 {
				path, want = a.Path, want+1
			}
			if err := audit.Write(ctx, tx, access.Actor{Username: "bulk"}, audit.Entry{Action: "org.update", TargetType: "org", TargetID: strconv.Itoa(i), OrgPath: path}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	adminA := testPerms.Bind(access.Actor{UserID: 7, Username: "a", Grants: []access.Grant{{Role: access.Auditor, OrgID: a.ID, OrgPath: a.Path}}})
	var got []int64
	if err := audit.NewService(d).Each(ctx, adminA, audit.Query{Actor: "bulk"}, func(r audit.Record) bool { got = append(got, r.ID); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != want {
		t.Fatalf("Each read %d entries, want %d", len(got), want)
	}
	for i := 1; i < len(got); i++ {
		if got[i] >= got[i-1] {
			t.Fatalf("entry %d (id %d) after id %d", i, got[i], got[i-1])
		}
	}
	total, err := audit.NewService(d).Count(ctx, adminA, audit.Query{Actor: "bulk"})
	if err != nil || total != want {
		t.Fatalf("count %d (%v), want %d", total, err, want)
	}
	n := 0
	if err := audit.NewService(d).Each(ctx, adminA, audit.Query{}, func(audit.Record) bool { n++; return n < 10 }); err != nil {
		t.Fatal(err)
	}
	if n != 10 {
		t.Errorf("stopped after %d entries, want 10", n)
	}
}
