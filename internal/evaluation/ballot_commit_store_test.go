package evaluation_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// startCommitter runs the group committer of f's service until the test ends.
func (f *fx) startCommitter(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	f.ev.StartCommitter(ctx)
}

// TestOneTokenManySubmissionsGroupCommit is TestOneTokenManySubmissions
// with the committer running, as `jiceng serve` runs it: the 200
// submissions land in shared transactions, and still exactly one wins.
func TestOneTokenManySubmissionsGroupCommit(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	f.startCommitter(t)
	c, subs := f.villageCampaign(t, 1)
	code := f.issue(t, c, "masses", 1)[0]
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	scores := map[string]map[string]float64{subs[0].Key: villageAnswers(rand.New(rand.NewPCG(1, 2)))}
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	var trackers []string
	other := map[string]int{}
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tr, err := f.ev.CastBallot(ctx, code, scores, "")
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				trackers = append(trackers, tr)
				return
			}
			e := errs.As(err)
			if e.Kind == errs.Conflict && e.ZH == usedMsg && errs.HTTPStatus(e.Kind) == 409 {
				other["used"]++
			} else {
				other[err.Error()]++
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(trackers) != 1 || other["used"] != n-1 || len(other) != 1 {
		t.Fatalf("%d successes, other answers %v", len(trackers), other)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ? AND tracker = ?", c.ID, trackers[0]); got != 1 {
		t.Fatalf("inbox holds %d ballots with the tracker", got)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox"); got != 1 {
		t.Fatalf("inbox holds %d ballots", got)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE status = 'used'"); got != 1 {
		t.Fatalf("%d tokens used", got)
	}
}

// TestGroupCommitManyTokens casts 300 codes at once through the committer,
// each from 2 goroutines: every code is spent once, every tracker is in
// the inbox, and closing the campaign counts them all.
func TestGroupCommitManyTokens(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	f.startCommitter(t)
	c, subs := f.villageCampaign(t, 2)
	codes := f.issue(t, c, "masses", 300)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	trackers := map[string]bool{}
	used, failed := 0, 0
	for i, code := range codes {
		for k := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(i), uint64(k)))
				tr, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(r), subs[1].Key: villageAnswers(r)}, "")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					trackers[tr] = true
				case errs.As(err).ZH == usedMsg:
					used++
				default:
					failed++
					t.Errorf("cast: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	if len(trackers) != len(codes) || used != len(codes) || failed != 0 {
		t.Fatalf("%d trackers, %d used answers, %d failures; want %d, %d, 0", len(trackers), used, failed, len(codes), len(codes))
	}
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	b, err := f.ev.Bulletin(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Trackers) != len(codes) {
		t.Fatalf("bulletin lists %d trackers, want %d", len(b.Trackers), len(codes))
	}
	for _, tr := range b.Trackers {
		if !trackers[tr] {
			t.Fatalf("bulletin tracker %s was never acknowledged", tr)
		}
	}
	for _, g := range b.Groups {
		if g.Group == "masses" && (g.Used == nil || *g.Used != len(codes) || *g.Counted != len(codes)) {
			t.Fatalf("masses on the bulletin: %+v", g)
		}
	}
}

// TestGroupCommitBadBallotInBatch applies one batch in which ballots fail
// in every way — in Go before any write, on a spent code, and inside the
// database after the code was spent — between good ones. Each failure gets
// its own answer and leaves no trace; the good ballots are all cast.
func TestGroupCommitBadBallotInBatch(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", 6)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	good := func() map[string]map[string]float64 {
		return map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}
	}
	bad := good()
	delete(bad[subs[0].Key], "integrity")
	raw, _ := evaluation.NewToken()
	ans := f.ev.CastBatch(ctx, []evaluation.BatchBallot{
		{Code: codes[0], Scores: good(), ID: "dup-id"},     // 0 good
		{Code: codes[1], Scores: bad},                      // 1 refused by the rules
		{Code: codes[0], Scores: good()},                   // 2 spent earlier in the same batch
		{Code: codes[2], Scores: good()},                   // 3 good
		{Code: codes[3], Scores: good(), ID: "dup-id"},     // 4 fails in the database after spending the code
		{Code: evaluation.FormatCode(raw), Scores: good()}, // 5 unknown code
		{Code: codes[4], Scores: good()},                   // 6 good
	})
	for _, i := range []int{0, 3, 6} {
		if ans[i].Err != nil || len(ans[i].Tracker) == 0 {
			t.Fatalf("ballot %d: %q %v", i, ans[i].Tracker, ans[i].Err)
		}
	}
	wantErr(t, "ballot 1", ans[1].Err, errs.Invalid, "本测评票对“"+subs[0].Key+"”缺少指标“党风廉政”的评分")
	wantErr(t, "ballot 2", ans[2].Err, errs.Conflict, usedMsg)
	if ans[4].Err == nil || !errs.Is(ans[4].Err, errs.Internal) {
		t.Fatalf("ballot 4: %v, want an internal error", ans[4].Err)
	}
	wantErr(t, "ballot 5", ans[5].Err, errs.Invalid, evaluation.InvalidCode().ZH)
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID); got != 3 {
		t.Fatalf("inbox holds %d ballots, want 3", got)
	}
	for _, i := range []int{0, 3, 6} {
		if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE tracker = ?", ans[i].Tracker); got != 1 {
			t.Fatalf("ballot %d: its tracker is in the inbox %d times", i, got)
		}
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE status = 'used'"); got != 3 {
		t.Fatalf("%d tokens used, want 3", got)
	}
	// The codes whose ballots failed are still good.
	for _, code := range []string{codes[1], codes[3]} {
		if _, err := f.ev.CastBallot(ctx, code, good(), ""); err != nil {
			t.Fatalf("code of a failed ballot: %v", err)
		}
	}
}
