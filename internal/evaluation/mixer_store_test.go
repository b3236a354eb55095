package evaluation_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/testrig"
)

// columns lists a table's columns on either engine.
func (f *fx) columns(t *testing.T, table string) []string {
	t.Helper()
	q := "SELECT name FROM pragma_table_info(?) ORDER BY name"
	if f.d.Dialect == db.Postgres {
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY column_name"
	}
	rows, err := f.d.Query(context.Background(), q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestBallotsCannotBeJoinedToTokens checks the schema: ballots share with
// tokens only the campaign and the group, and keep no time. The province
// is the campaign owner's, the same on every ballot of a campaign.
func TestBallotsCannotBeJoinedToTokens(t *testing.T) {
	f := newFx(t)
	ballot := []string{"campaign_id", "group_key", "id", "payload", "province", "tracker"}
	for _, table := range []string{"ballots", "ballot_inbox"} {
		if got := f.columns(t, table); !slices.Equal(got, ballot) {
			t.Errorf("%s columns %v, want %v", table, got, ballot)
		}
	}
	if got, want := f.columns(t, "ballot_tokens"), []string{"batch", "campaign_id", "group_key", "issued_at", "mac", "status"}; !slices.Equal(got, want) {
		t.Errorf("ballot_tokens columns %v, want %v", got, want)
	}
	// The tallies hold counts per subject, group, indicator and points:
	// nothing of a single ballot, its time or its token.
	if got, want := f.columns(t, "ballot_tally"), []string{"campaign_id", "group_key", "indicator_key", "n", "points", "subject_key"}; !slices.Equal(got, want) {
		t.Errorf("ballot_tally columns %v, want %v", got, want)
	}
	if f.d.Dialect == db.SQLite {
		// No rowid: the ballots have no insertion sequence at all.
		for _, table := range []string{"ballots", "ballot_inbox", "ballot_tokens", "ballot_tally"} {
			if _, err := f.d.Query(context.Background(), "SELECT rowid FROM "+table); err == nil {
				t.Errorf("%s has a rowid", table)
			}
		}
	}
}

// TestMixingHidesCastingOrder casts 1,000 ballots in a known order, mixing
// whenever 100 wait, and checks that the order of the ballots in the table
// says nothing about the order of casting.
func TestMixingHidesCastingOrder(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	const n, batch = 1000, 100
	codes := f.issue(t, c, "masses", n)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	castAt := map[string]int{} // tracker → casting position
	batches := 0
	for i, code := range codes {
		tr, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, "")
		if err != nil {
			t.Fatal(err)
		}
		castAt[tr] = i
		moved, err := f.ev.Mix(ctx, c.ID, batch, false)
		if err != nil {
			t.Fatal(err)
		}
		if moved != 0 && moved != batch {
			t.Fatalf("batch of %d", moved)
		}
		if moved > 0 {
			batches++
		}
	}
	if len(castAt) != n || batches != n/batch {
		t.Fatalf("%d distinct trackers, %d batches", len(castAt), batches)
	}

	order := func(q string) ([]string, []string) {
		rows, err := f.d.Query(ctx, q, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var trs, tags []string
		for rows.Next() {
			var tr, tag string
			if err := rows.Scan(&tr, &tag); err != nil {
				t.Fatal(err)
			}
			trs, tags = append(trs, tr), append(tags, tag)
		}
		return trs, tags
	}
	rho := func(trs []string) float64 {
		a, b := make([]int, len(trs)), make([]int, len(trs))
		for i, tr := range trs {
			a[i], b[i] = castAt[tr], i
		}
		return spearman(a, b)
	}
	byID, _ := order("SELECT tracker, '' FROM ballots WHERE campaign_id = ? ORDER BY id")
	if len(byID) != n {
		t.Fatalf("%d ballots", len(byID))
	}
	if r := rho(byID); math.Abs(r) > maxCorrelation {
		t.Errorf("Spearman(casting, id order) = %.3f", r)
	}
	t.Logf("%s: Spearman(casting, id order) = %.3f", testrig.Engine(), rho(byID))

	if f.d.Dialect == db.SQLite {
		// Without a rowid the stored order is the key order: scan it as is.
		scan, _ := order("SELECT tracker, '' FROM ballots WHERE campaign_id = ?")
		if r := rho(scan); math.Abs(r) > maxCorrelation {
			t.Errorf("Spearman(casting, stored order) = %.3f", r)
		}
		return
	}

	// PostgreSQL keeps rows in the heap in insertion order, and each batch
	// is one transaction (xmin). Within each batch, the heap order must be
	// unrelated to the casting order; across batches it follows the batches,
	// which is the crowd the design promises.
	trs, xmins := order("SELECT tracker, xmin::text FROM ballots WHERE campaign_id = ? ORDER BY ctid")
	groups := map[string][]string{}
	var seq []string
	for i, tr := range trs {
		if _, ok := groups[xmins[i]]; !ok {
			seq = append(seq, xmins[i])
		}
		groups[xmins[i]] = append(groups[xmins[i]], tr)
	}
	if len(groups) != n/batch {
		t.Fatalf("%d mixing transactions, want %d", len(groups), n/batch)
	}
	var a, b []int
	for _, x := range seq {
		g := groups[x]
		if len(g) != batch {
			t.Fatalf("mixing transaction %s holds %d ballots", x, len(g))
		}
		byCast := slices.Clone(g)
		sort.Slice(byCast, func(i, j int) bool { return castAt[byCast[i]] < castAt[byCast[j]] })
		rank := map[string]int{}
		for i, tr := range byCast {
			rank[tr] = i
		}
		for i, tr := range g {
			a, b = append(a, rank[tr]), append(b, i)
		}
	}
	// Pooled over the ten batches, within-batch ranks are compared as one
	// sample of 1,000 (ρ's standard deviation is then about 0.03).
	if r := pearson(a, b); math.Abs(r) > maxCorrelation {
		t.Errorf("within-batch Spearman(casting, heap order) = %.3f", r)
	}
	t.Logf("within-batch Spearman(casting, heap order) = %.3f", pearson(a, b))

	// No ballot was written by a transaction that wrote a token.
	tokenX := map[string]bool{}
	rows, err := f.d.Query(ctx, "SELECT xmin::text FROM ballot_tokens WHERE campaign_id = ?", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			t.Fatal(err)
		}
		tokenX[x] = true
	}
	rows.Close()
	if len(tokenX) < n {
		t.Fatalf("only %d token transactions for %d used tokens", len(tokenX), n)
	}
	for x := range groups {
		if tokenX[x] {
			t.Fatalf("ballots share transaction %s with a token", x)
		}
	}
}

// pearson is the correlation of two samples (of ranks, here).
func pearson(a, b []int) float64 {
	n := float64(len(a))
	var sa, sb, saa, sbb, sab float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		sa, sb, saa, sbb, sab = sa+x, sb+y, saa+x*x, sbb+y*y, sab+x*y
	}
	return (sab - sa*sb/n) / math.Sqrt((saa-sa*sa/n)*(sbb-sb*sb/n))
}

// TestBulletinHidesSmallGroups: a group below k shows a flag and no number,
// not even through the trackers.
func TestBulletinHidesSmallGroups(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 2)
	if _, err := f.ev.Bulletin(ctx, c.ID); err == nil || err.Error() != "测评 "+itoa(c.ID)+" 不存在或尚未开始" {
		t.Fatalf("bulletin of a draft: %v", err)
	}
	sup := f.issue(t, c, "superior", 4)
	mem := f.issue(t, c, "members", 5)
	mas := f.issue(t, c, "masses", 7)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 9))
	var shown []string
	vote := func(code string) string {
		tr, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng), subs[1].Key: villageAnswers(rng)}, "")
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	for _, code := range sup[:3] {
		vote(code)
	}
	for _, code := range mem {
		shown = append(shown, vote(code))
	}
	for _, code := range mas[:6] {
		shown = append(shown, vote(code))
	}
	// Before mixing nothing is counted: every group is below k.
	b, err := f.ev.Bulletin(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range b.Groups {
		if !g.FewerThanK || g.Issued != nil || g.Used != nil || g.Counted != nil {
			t.Fatalf("before mixing %+v", g)
		}
	}
	if len(b.Trackers) != 0 {
		t.Fatalf("%d trackers before mixing", len(b.Trackers))
	}
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	b, err = f.ev.Bulletin(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(b.Groups)
	want := `[{"group":"superior","name":"上级党组织","fewer_than_k":true},` +
		`{"group":"members","name":"党员代表","fewer_than_k":false,"issued":5,"used":5,"counted":5},` +
		`{"group":"masses","name":"群众代表","fewer_than_k":false,"issued":7,"used":6,"counted":6}]`
	if string(got) != want {
		t.Fatalf("bulletin groups\n%s\nwant\n%s", got, want)
	}
	slices.Sort(shown)
	if !slices.Equal(b.Trackers, shown) {
		t.Fatalf("%d trackers shown, want the 11 of the groups above k", len(b.Trackers))
	}
	// Managers still see every group's exact counts.
	counts, err := f.ev.TokenCounts(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := counts[0]; s.Issued != 4 || s.Used != 3 || s.Counted != 3 {
		t.Fatalf("superior counts %+v", s)
	}
	// The results hold nothing of the small group either.
	res, err := f.ev.Results(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sr := range res.Subjects {
		if _, ok := sr.N["superior"]; ok || sr.Shown["superior"] || !sr.Incomplete {
			t.Fatalf("results show the small group: %+v", sr)
		}
	}
}

// TestCloseWhileCasting closes a campaign while ballots pour in and the
// background mixer runs: every ballot accepted is counted, every other is
// refused as too late, and the bulletin's figures match.
func TestCloseWhileCasting(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	const n = 80
	codes := f.issue(t, c, "masses", n)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	mctx, stop := context.WithCancel(ctx)
	mixerDone := make(chan struct{})
	go func() { f.ev.RunMixer(mctx, time.Millisecond, 3); close(mixerDone) }()

	var wg sync.WaitGroup
	var mu sync.Mutex
	var accepted []string
	refused := 0
	for i, code := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scores := map[string]map[string]float64{subs[0].Key: villageAnswers(rand.New(rand.NewPCG(uint64(i), 1)))}
			tr, err := f.ev.CastBallot(ctx, code, scores, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				accepted = append(accepted, tr)
			case errs.As(err).ZH == "测评未开始或已结束":
				refused++
			default:
				t.Errorf("cast: %v", err)
			}
		}()
		if i == n/2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
					t.Errorf("close: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	stop()
	<-mixerDone
	if len(accepted)+refused != n {
		t.Fatalf("%d accepted + %d refused != %d", len(accepted), refused, n)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox"); got != 0 {
		t.Fatalf("%d ballots left in the inbox after close", got)
	}
	counts, err := f.ev.TokenCounts(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m := counts[2]; m.Used != len(accepted) || m.Counted != len(accepted) || m.Issued != n {
		t.Fatalf("masses %+v, %d accepted", m, len(accepted))
	}
	b, err := f.ev.Bulletin(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(accepted) >= 5 {
		slices.Sort(accepted)
		if !slices.Equal(b.Trackers, accepted) {
			t.Fatal("bulletin trackers differ from the accepted ballots'")
		}
	}
	t.Logf("%s: %d accepted before close, %d refused", testrig.Engine(), len(accepted), refused)
}

// TestRunMixerMovesFullBatches: the background mixer moves an inbox once it
// reaches the batch size and its group max(k, 10) ballots, and not before.
func TestRunMixerMovesFullBatches(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", 10)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, code := range codes[:9] {
		if _, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, ""); err != nil {
			t.Fatal(err)
		}
	}
	mctx, stop := context.WithCancel(ctx)
	defer stop()
	go f.ev.RunMixer(mctx, time.Millisecond, 5)
	time.Sleep(50 * time.Millisecond)
	if got := f.count(t, "SELECT COUNT(*) FROM ballots"); got != 0 {
		t.Fatalf("%d ballots moved below the group's floor of 10", got)
	}
	if _, err := f.ev.CastBallot(ctx, codes[9], map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, ""); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); f.count(t, "SELECT COUNT(*) FROM ballots") != 10; {
		if time.Now().After(deadline) {
			t.Fatal("the mixer did not move a full batch")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox"); got != 0 {
		t.Fatalf("%d left in the inbox", got)
	}
}

// maxCorrelation bounds the rank correlation between casting order and
// storage order. Over 1,000 ballots a correlation of independent orders has
// a standard deviation of about 1/√999 ≈ 0.032, so 0.15 (4.7σ) fails by
// chance about twice in a million runs, while an unmixed table scores near 1.
const maxCorrelation = 0.15
