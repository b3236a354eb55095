package cases_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"jiceng/internal/cases"
	"jiceng/internal/db"
)

// TestNewestFirstLongList pages a list long enough (2,400 cases over 90
// days, 800 of them accepted) that List first looks among the last month's cases: the first
// pages, which that month holds, and the later ones, which it does not,
// are the same as the whole list sorted newest first, and so are the
// pages of one state.
func TestNewestFirstLongList(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	// Copies of the first report, received every 54 minutes back from the
	// fixture's clock; every third accepted.
	err := f.d.InTx(ctx, func(tx *db.Tx) error {
		var rows [][]any
		for i := range 2400 {
			at := db.FormatTime(start.Add(-time.Duration(i) * 54 * time.Minute))
			state := cases.Submitted
			if i%3 == 0 {
				state = cases.Accepted
			}
			rows = append(rows, []any{"service", state, "450102001003", "45", "", f.comm.ID, "", "", fmt.Sprintf("复本 %04d", i), fmt.Sprintf("复本 %04d 的内容", i),
				fmt.Appendf(nil, "receipt-%04d", i), at, at, at, at})
		}
		return tx.BatchInsert(ctx, "cases", []string{"kind", "state", "region_code", "province", "place", "org_id", "subject_text", "topic", "title", "body",
			"receipt", "received_at", "accept_due", "deadline", "updated_at"}, rows, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, state := range []string{"", cases.Accepted} {
		var want []int64
		q := "SELECT id FROM cases WHERE org_id = ? ORDER BY received_at DESC, id DESC"
		args := []any{f.comm.ID}
		if state != "" {
			q = "SELECT id FROM cases WHERE org_id = ? AND state = ? ORDER BY received_at DESC, id DESC"
			args = append(args, state)
		}
		rows, err := f.d.Query(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			want = append(want, id)
		}
		rows.Close()
		// 31 days hold 827 cases of the whole list and 276 accepted: the
		// pages from 800 on lie partly or wholly before them.
		for _, off := range []int{0, 50, 240, 800, 1000, len(want) - 30} {
			if off >= len(want) {
				continue
			}
			got, total, err := f.s.List(ctx, f.as("comm.handler"), cases.ListQuery{State: state, Offset: off, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if total != len(want) {
				t.Fatalf("state %q: total %d, want %d", state, total, len(want))
			}
			end := min(off+50, len(want))
			if len(got) != end-off {
				t.Fatalf("state %q offset %d: %d cases, want %d", state, off, len(got), end-off)
			}
			for i, c := range got {
				if c.ID != want[off+i] {
					t.Fatalf("state %q offset %d: case %d is #%d, want #%d", state, off, i, c.ID, want[off+i])
				}
			}
		}
	}
}
