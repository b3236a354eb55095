package evaluation_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"jiceng/internal/db"
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
func TestOneTokenManySubmissionsGroupCommit(t *testing.T) { oneTokenManySubmissions(t, true) }

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

// TestGroupCommitDuplicateCodes applies a batch that repeats codes: the
// first ballot of a code that passes the checks wins and the later ones get
// the used answer; a ballot refused by the rules does not spend its code,
// so a later ballot with the same code is cast. The batch goes through in
// one piece, without the ballot-by-ballot retry.
func TestGroupCommitDuplicateCodes(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", 3)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	good := func() map[string]map[string]float64 {
		return map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}
	}
	bad := good()
	delete(bad[subs[0].Key], "integrity")
	retries := f.ev.BatchRetries()
	ans := f.ev.CastBatch(ctx, []evaluation.BatchBallot{
		{Code: codes[0], Scores: good()}, // 0 wins codes[0]
		{Code: codes[1], Scores: bad},    // 1 refused by the rules
		{Code: codes[0], Scores: good()}, // 2 used
		{Code: codes[1], Scores: good()}, // 3 wins codes[1]
		{Code: codes[0], Scores: bad},    // 4 used, before the rules
		{Code: codes[2], Scores: good()}, // 5 wins codes[2]
		{Code: codes[1], Scores: good()}, // 6 used
	})
	for _, i := range []int{0, 3, 5} {
		if ans[i].Err != nil || len(ans[i].Tracker) == 0 {
			t.Fatalf("ballot %d: %q %v", i, ans[i].Tracker, ans[i].Err)
		}
	}
	wantErr(t, "ballot 1", ans[1].Err, errs.Invalid, "本测评票对“"+subs[0].Key+"”缺少指标“党风廉政”的评分")
	for _, i := range []int{2, 4, 6} {
		wantErr(t, fmt.Sprintf("ballot %d", i), ans[i].Err, errs.Conflict, usedMsg)
	}
	if got := f.ev.BatchRetries() - retries; got != 0 {
		t.Fatalf("%d batches retried ballot by ballot, want 0", got)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID); got != 3 {
		t.Fatalf("inbox holds %d ballots, want 3", got)
	}
	for _, i := range []int{0, 3, 5} {
		if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE tracker = ?", ans[i].Tracker); got != 1 {
			t.Fatalf("ballot %d: its tracker is in the inbox %d times", i, got)
		}
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE status = 'used'"); got != 3 {
		t.Fatalf("%d tokens used, want 3", got)
	}
}

// TestGroupCommitMixedCampaigns applies one batch over three campaigns —
// two open, one still a draft — with the rater groups and subjects of each:
// every ballot is checked against its own campaign, in one piece.
func TestGroupCommitMixedCampaigns(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c1, subs1 := f.villageCampaign(t, 1)
	c2, subs2 := f.villageCampaign(t, 2)
	c3, subs3 := f.villageCampaign(t, 1)
	codes1 := f.issue(t, c1, "masses", 2)
	codes2 := f.issue(t, c2, "masses", 2)
	codes3 := f.issue(t, c3, "masses", 1)
	for _, c := range []evaluation.Campaign{c1, c2} {
		if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	of := func(subs ...evaluation.Subject) map[string]map[string]float64 {
		m := map[string]map[string]float64{}
		for _, sb := range subs {
			m[sb.Key] = villageAnswers(rng)
		}
		return m
	}
	bad := of(subs2[0], subs2[1])
	delete(bad[subs2[1].Key], "integrity")
	retries := f.ev.BatchRetries()
	ans := f.ev.CastBatch(ctx, []evaluation.BatchBallot{
		{Code: codes1[0], Scores: of(subs1[0])},           // 0 good
		{Code: codes2[0], Scores: of(subs2[0], subs2[1])}, // 1 good
		{Code: codes3[0], Scores: of(subs3[0])},           // 2 campaign not open
		{Code: codes2[1], Scores: bad},                    // 3 refused by the rules
		{Code: codes1[1], Scores: of(subs1[0])},           // 4 good
		{Code: codes1[0], Scores: of(subs1[0])},           // 5 used
	})
	for _, i := range []int{0, 1, 4} {
		if ans[i].Err != nil || len(ans[i].Tracker) == 0 {
			t.Fatalf("ballot %d: %q %v", i, ans[i].Tracker, ans[i].Err)
		}
	}
	wantErr(t, "ballot 2", ans[2].Err, errs.Conflict, "测评未开始或已结束")
	wantErr(t, "ballot 3", ans[3].Err, errs.Invalid, "本测评票对“"+subs2[1].Key+"”缺少指标“党风廉政”的评分")
	wantErr(t, "ballot 5", ans[5].Err, errs.Conflict, usedMsg)
	if got := f.ev.BatchRetries() - retries; got != 0 {
		t.Fatalf("%d batches retried ballot by ballot, want 0", got)
	}
	for _, w := range []struct {
		c    evaluation.Campaign
		want int
	}{{c1, 2}, {c2, 1}, {c3, 0}} {
		if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", w.c.ID); got != w.want {
			t.Fatalf("campaign %d: %d ballots in the inbox, want %d", w.c.ID, got, w.want)
		}
		if got := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE campaign_id = ? AND status = 'used'", w.c.ID); got != w.want {
			t.Fatalf("campaign %d: %d tokens used, want %d", w.c.ID, got, w.want)
		}
	}
	for _, i := range []int{0, 1, 4} {
		if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE tracker = ?", ans[i].Tracker); got != 1 {
			t.Fatalf("ballot %d: its tracker is in the inbox %d times", i, got)
		}
	}
}

// TestGroupCommitTokenChangesUnderBatch changes tokens of a batch between
// its token SELECT and its UPDATE: one is revoked and one spent by another
// writer. The UPDATE then changes fewer rows than there are accepted
// ballots, and the batch is applied again ballot by ballot.
//
// On PostgreSQL the other writer is a real concurrent transaction on
// another connection, committed before the batch's UPDATE, and each ballot
// gets the answer it would have got had that change come first. SQLite has
// a single writer, so no other transaction can change a token in that gap;
// there the change is made inside the batch's own transaction, which checks
// the count just the same, but the retry rolls the change back with the
// batch's first attempt, so every ballot is then cast.
func TestGroupCommitTokenChangesUnderBatch(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", 4)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	good := func() map[string]map[string]float64 {
		return map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}
	}
	pg := f.d.Dialect == db.Postgres
	calls := 0
	f.ev.SetBeforeSpend(func(ctx context.Context, tx *db.Tx) {
		calls++
		for _, w := range []struct{ code, status string }{{codes[1], "revoked"}, {codes[2], "used"}} {
			var err error
			if pg {
				_, err = f.d.Exec(ctx, "UPDATE ballot_tokens SET status = $1 WHERE mac = $2", w.status, f.ev.MAC(w.code))
			} else {
				_, err = tx.Exec(ctx, "UPDATE ballot_tokens SET status = ? WHERE mac = ?", w.status, f.ev.MAC(w.code))
			}
			if err != nil {
				t.Errorf("change token: %v", err)
			}
		}
	})
	retries := f.ev.BatchRetries()
	ans := f.ev.CastBatch(ctx, []evaluation.BatchBallot{
		{Code: codes[0], Scores: good()},
		{Code: codes[1], Scores: good()},
		{Code: codes[2], Scores: good()},
		{Code: codes[3], Scores: good()},
	})
	if calls != 1 {
		t.Fatalf("the hook ran %d times, want 1", calls)
	}
	if got := f.ev.BatchRetries() - retries; got != 1 {
		t.Fatalf("%d batches retried ballot by ballot, want 1", got)
	}
	cast := []int{0, 1, 2, 3}
	status := []string{"used", "used", "used", "used"}
	if pg {
		cast = []int{0, 3}
		status[1] = "revoked"
		wantErr(t, "ballot 1", ans[1].Err, errs.Invalid, evaluation.InvalidCode().ZH)
		wantErr(t, "ballot 2", ans[2].Err, errs.Conflict, usedMsg)
	}
	for _, i := range cast {
		if ans[i].Err != nil || len(ans[i].Tracker) == 0 {
			t.Fatalf("ballot %d: %q %v", i, ans[i].Tracker, ans[i].Err)
		}
		if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE tracker = ?", ans[i].Tracker); got != 1 {
			t.Fatalf("ballot %d: its tracker is in the inbox %d times", i, got)
		}
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID); got != len(cast) {
		t.Fatalf("inbox holds %d ballots, want %d", got, len(cast))
	}
	for i, code := range codes {
		var st string
		if err := f.d.QueryRow(ctx, "SELECT status FROM ballot_tokens WHERE mac = ?", f.ev.MAC(code)).Scan(&st); err != nil || st != status[i] {
			t.Fatalf("token %d: %q %v, want %q", i, st, err, status[i])
		}
	}
}
