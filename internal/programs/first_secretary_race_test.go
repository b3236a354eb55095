package programs_test

import (
	"context"
	"sync"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// TestFirstSecReviewOpenedTwiceAtOnce: two reviews of the same year
// opened at the same moment both find the terms free; one of them takes
// them, the other is refused as a conflict and leaves no draft behind. A
// review whose draft is deleted gives its terms back to the next one.
func TestFirstSecReviewOpenedTwiceAtOnce(t *testing.T) {
	f, ev, in := fsThreeToReview(t)
	ctx := context.Background()
	// The first secretaries' reviews of 2025, by id.
	drafts := func() []int64 {
		t.Helper()
		l, _, err := ev.List(ctx, testrig.Admin, evaluation.CampaignQuery{Under: f.county.ID, Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, c := range l {
			if c.Type == evaluation.TypeFirstSecretary {
				out = append(out, c.ID)
			}
		}
		return out
	}
	for round := range 5 {
		var wg sync.WaitGroup
		res := make([]error, 2)
		ids := make([]int64, 2)
		for i := range 2 {
			wg.Go(func() {
				c, _, err := f.pg.OpenFirstSecReview(ctx, f.countyA, in)
				res[i], ids[i] = err, c.ID
			})
		}
		wg.Wait()
		won := -1
		for i, err := range res {
			switch {
			case err == nil && won < 0:
				won = i
			case err == nil:
				t.Fatalf("round %d: both reviews opened (%d and %d)", round, ids[0], ids[1])
			case errs.KindOf(err) != errs.Conflict:
				t.Fatalf("round %d: the second review: %v, want a conflict", round, err)
			}
		}
		if won < 0 {
			t.Fatalf("round %d: neither review opened: %v", round, res)
		}
		if l := drafts(); len(l) != 1 || l[0] != ids[won] {
			t.Fatalf("round %d: reviews of 2025 %v, want the one review %d", round, l, ids[won])
		}
		// Its draft deleted, the terms are free for the next round.
		if _, err := ev.DeleteDraft(ctx, f.countyA, ids[won], nil); err != nil {
			t.Fatal(err)
		}
	}
	c, n, err := f.pg.OpenFirstSecReview(ctx, f.countyA, in)
	if err != nil || n != 3 {
		t.Fatalf("after the deleted drafts: %d subjects, %v", n, err)
	}
	if subs, err := ev.Subjects(ctx, f.countyA, c.ID); err != nil || len(subs) != 3 {
		t.Fatalf("subjects %d, %v", len(subs), err)
	}
}

// fsThreeToReview is the fixture with three first secretaries in post in
// 2025, the evaluation, and the county's review of that year to open.
func fsThreeToReview(t *testing.T) (*fsFx, *evaluation.Service, programs.FirstSecReviewInput) {
	t.Helper()
	f := newFsFx(t)
	for i := range 3 {
		f.dispatch(t, f.member(t, fsNames[i]), f.villages[i], "2025-01-10", "2027-01-09")
	}
	return f, app.Service[*evaluation.Service](f.a), programs.FirstSecReviewInput{OrgID: f.county.ID, Year: 2025, OpensOn: "2026-03-10", ClosesOn: "2026-03-20"}
}
