package evaluation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/evaluation"
)

// openWithBallots opens a village campaign of one subject and puts n
// counted ballots of the masses straight into the ballots table, with
// their codes spent, as the mixer leaves them; it returns the sorted
// trackers.
func (f *fx) openWithBallots(t *testing.T, n int) (evaluation.Campaign, []string) {
	t.Helper()
	ctx := context.Background()
	c, _ := f.villageCampaign(t, 1)
	f.issue(t, c, "masses", n+2)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	trackers := make([]string, n)
	rows := make([][]any, n)
	for i := range n {
		trackers[i] = evaluation.NewTracker()
		rows[i] = []any{fmt.Sprintf("b%06d-%d", i, c.ID), c.ID, "45", "masses", `{"scores":{}}`, trackers[i]}
	}
	err := f.d.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.BatchInsert(ctx, "ballots", []string{"id", "campaign_id", "province", "group_key", "payload", "tracker"}, rows, 200); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE ballot_token_counts SET issued = issued - ?, used = used + ? WHERE campaign_id = ? AND group_key = 'masses'", n, n, c.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(trackers)
	return c, trackers
}

// TestBulletinKeptAfterClose: once a campaign has closed its bulletin is
// computed once; later requests, however many at once, take the kept one,
// which reads exactly as a fresh computation does.
func TestBulletinKeptAfterClose(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	c, trackers := f.openWithBallots(t, 1200)
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	before := f.ev.BulletinComputations()
	var wg sync.WaitGroup
	errc := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			b, err := f.ev.BulletinPage(ctx, c.ID, 0, 100)
			if err == nil && (b.TrackerTotal != 1200 || len(b.Trackers) != 100) {
				err = fmt.Errorf("page of %d of %d trackers, want 100 of 1200", len(b.Trackers), b.TrackerTotal)
			}
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.ev.BulletinComputations() - before; n != 1 {
		t.Fatalf("20 concurrent requests after the close computed the bulletin %d times, want once", n)
	}
	kept, err := f.ev.Bulletin(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.ev.BulletinComputations() - before; n != 1 {
		t.Fatalf("a second request after the close computed the bulletin again (%d computations)", n)
	}
	fresh, err := f.ev.FreshBulletin(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(kept)
	b, _ := json.Marshal(fresh)
	if string(a) != string(b) {
		t.Fatalf("kept bulletin differs from a fresh one:\n%s\n%s", a, b)
	}
	if !slices.Equal(kept.Trackers, trackers) || kept.Status != evaluation.StatusClosed {
		t.Fatalf("kept bulletin: %s with %d trackers, want closed with the 1200 cast", kept.Status, len(kept.Trackers))
	}
	// Publishing changes the status shown, not the figures.
	if _, err := f.d.Exec(ctx, f.d.Rebind("UPDATE campaigns SET status = 'published' WHERE id = ?"), c.ID); err != nil {
		t.Fatal(err)
	}
	pub, err := f.ev.BulletinPage(ctx, c.ID, 0, 0)
	if err != nil || pub.Status != evaluation.StatusPublished || pub.TrackerTotal != 1200 {
		t.Fatalf("after publishing: %v %s %d", err, pub.Status, pub.TrackerTotal)
	}
	if n := f.ev.BulletinComputations() - before; n != 1 {
		t.Fatalf("publishing had the bulletin computed again (%d computations)", n)
	}
}

// TestBulletinOpenKeptBriefly: an open campaign's bulletin is kept for ten
// seconds, then computed again with the ballots counted meanwhile.
func TestBulletinOpenKeptBriefly(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f.ev.WithClock(func() time.Time { return now })
	c, _ := f.openWithBallots(t, 30)
	before := f.ev.BulletinComputations()
	for range 3 {
		if b, err := f.ev.BulletinPage(ctx, c.ID, 0, 10); err != nil || b.TrackerTotal != 30 {
			t.Fatalf("open bulletin: %v %d", err, b.TrackerTotal)
		}
	}
	if n := f.ev.BulletinComputations() - before; n != 1 {
		t.Fatalf("three requests within ten seconds computed %d bulletins, want 1", n)
	}
	now = now.Add(11 * time.Second)
	if _, err := f.ev.BulletinPage(ctx, c.ID, 0, 10); err != nil {
		t.Fatal(err)
	}
	if n := f.ev.BulletinComputations() - before; n != 2 {
		t.Fatalf("eleven seconds later: %d computations, want 2", n)
	}
}

// TestBulletinPagesAndLookup: pages hold exactly the trackers asked for, in
// order, and a lookup finds one tracker among 1,200 and its place, and says
// when one is not there.
func TestBulletinPagesAndLookup(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	c, trackers := f.openWithBallots(t, 1200)
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ offset, limit, want int }{{0, 100, 100}, {1100, 100, 100}, {1150, 100, 50}, {1200, 100, 0}, {5000, 100, 0}} {
		b, err := f.ev.BulletinPage(ctx, c.ID, p.offset, p.limit)
		if err != nil {
			t.Fatal(err)
		}
		from := min(p.offset, 1200)
		if len(b.Trackers) != p.want || b.TrackerTotal != 1200 || b.TrackerOffset != from || !slices.Equal(b.Trackers, trackers[from:from+p.want]) {
			t.Errorf("page from %d: %d trackers from %d of %d, want %d", p.offset, len(b.Trackers), b.TrackerOffset, b.TrackerTotal, p.want)
		}
	}
	want := trackers[737]
	b, ok, at, err := f.ev.FindTracker(ctx, c.ID, want)
	if err != nil || !ok || at != 737 || len(b.Trackers) != 0 || b.TrackerTotal != 1200 {
		t.Fatalf("lookup of %s: %v found %v at %d (%d trackers returned), want found at 737", want, err, ok, at, len(b.Trackers))
	}
	if _, ok, _, err := f.ev.FindTracker(ctx, c.ID, "ZZZZZ-ZZZZZ"); err != nil || ok {
		t.Fatalf("lookup of a tracker not cast: %v found %v", err, ok)
	}
	if _, _, _, err := f.ev.FindTracker(ctx, 999999, want); err == nil || err.Error() != "测评 999999 不存在或尚未开始" {
		t.Fatalf("lookup on a missing campaign: %v", err)
	}
}
