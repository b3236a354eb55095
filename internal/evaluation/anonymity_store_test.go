package evaluation_test

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/evaluation"
)

// batchOf returns, per counted ballot's tracker, the ballots moved with it
// in the same mixing transaction, by group: on PostgreSQL the transaction
// is the row's xmin, the history the reviewer read. On SQLite, which keeps
// no such id, it returns nil.
func (f *fx) batchOf(t *testing.T, c evaluation.Campaign) map[string]map[string]int {
	t.Helper()
	if f.d.Dialect != db.Postgres {
		return nil
	}
	rows, err := f.d.Query(context.Background(), "SELECT tracker, group_key, xmin::text FROM ballots WHERE campaign_id = ?", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byX := map[string]map[string]int{}
	xOf := map[string]string{}
	for rows.Next() {
		var tr, g, x string
		if err := rows.Scan(&tr, &g, &x); err != nil {
			t.Fatal(err)
		}
		if byX[x] == nil {
			byX[x] = map[string]int{}
		}
		byX[x][g]++
		xOf[tr] = x
	}
	out := map[string]map[string]int{}
	for tr, x := range xOf {
		out[tr] = byX[x]
	}
	return out
}

// waitCounted waits until the background mixer has counted n ballots of
// the campaign.
func (f *fx) waitCounted(t *testing.T, c evaluation.Campaign, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); f.count(t, "SELECT COUNT(*) FROM ballots WHERE campaign_id = ?", c.ID) != n; {
		if time.Now().After(deadline) {
			t.Fatalf("the mixer counted %d ballots, want %d", f.count(t, "SELECT COUNT(*) FROM ballots WHERE campaign_id = ?", c.ID), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSmallGroupWaitsForItsCrowd is the reviewer's attack: in a campaign
// where the masses cast thirty ballots, one party member casts a single
// ballot among them. Ordering the spent tokens' transactions against the
// mixer's would find that member's ballot as the only one of its group in
// its batch. The mixer, run as serve runs it, must leave it in the inbox
// until its group has max(k, 10) ballots waiting, while the masses are
// mixed; every batch before close holds at least ten ballots of each group
// it carries; close moves what remains and leaves every token of the
// campaign with one transaction id.
func TestSmallGroupWaitsForItsCrowd(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	if k := c.Rules.K; k != 5 {
		t.Fatalf("k = %d, the floor below is max(k, 10) = 10", k)
	}
	masses := f.issue(t, c, "masses", 45)
	members := f.issue(t, c, "members", 12)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(30, 1))
	cast := func(code string) string {
		t.Helper()
		tr, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, "")
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	for _, code := range masses[:15] {
		cast(code)
	}
	lone := cast(members[0])
	for _, code := range masses[15:30] {
		cast(code)
	}

	// The mixer as serve runs it: batches of at least 20, never forced.
	mctx, stop := context.WithCancel(ctx)
	defer stop()
	mixerDone := make(chan struct{})
	go func() { f.ev.RunMixer(mctx, time.Millisecond, 20); close(mixerDone) }()
	f.waitCounted(t, c, 30)
	if n := f.count(t, "SELECT COUNT(*) FROM ballots WHERE campaign_id = ? AND group_key = 'members'", c.ID); n != 0 {
		t.Fatalf("the lone member's ballot was mixed with %d of its group", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ? AND group_key = 'members' AND tracker = ?", c.ID, lone); n != 1 {
		t.Fatal("the lone member's ballot left the inbox")
	}

	// Nine more members and ten more of the masses: now both groups have
	// ten waiting, and the member's ballot goes with nine others.
	for _, code := range members[1:10] {
		cast(code)
	}
	for _, code := range masses[30:40] {
		cast(code)
	}
	f.waitCounted(t, c, 50)
	late := cast(members[10]) // waits for close: its group has one waiting
	cast(masses[40])
	time.Sleep(20 * time.Millisecond) // rounds of the mixer run meanwhile
	stop()
	<-mixerDone
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID); n != 2 {
		t.Fatalf("%d ballots waiting, want the last two", n)
	}
	if b := f.batchOf(t, c); b != nil {
		if got := b[lone]["members"]; got != 10 {
			t.Errorf("the lone member's ballot hides among %d of its group, want 10", got)
		}
		for tr, groups := range b {
			for g, n := range groups {
				if n < 10 {
					t.Errorf("ballot %s was moved with %d of its group %s", tr, n, g)
				}
			}
		}
	}

	// Before close, every spent token keeps its casting transaction (the
	// window THREAT-MODEL.md names); close rewrites them all at once.
	if f.d.Dialect == db.Postgres {
		if n := f.count(t, "SELECT COUNT(DISTINCT xmin::text) FROM ballot_tokens WHERE campaign_id = ?", c.ID); n < 50 {
			t.Fatalf("%d token transactions before close", n)
		}
	}
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballots WHERE campaign_id = ?", c.ID); n != 52 {
		t.Fatalf("%d ballots counted after close, want 52", n)
	}
	if b := f.batchOf(t, c); b != nil {
		// The last batch is the whole inbox at close.
		if got := b[late]; got["members"] != 1 || got["masses"] != 1 {
			t.Errorf("the close batch holds %v, want the two ballots left", got)
		}
		if n := f.count(t, "SELECT COUNT(DISTINCT xmin::text) FROM ballot_tokens WHERE campaign_id = ?", c.ID); n != 1 {
			t.Errorf("the campaign's tokens carry %d transaction ids after close, want 1", n)
		}
		if n := f.count(t, "SELECT COUNT(DISTINCT xmin::text) FROM ballot_token_counts WHERE campaign_id = ?", c.ID); n != 1 {
			t.Errorf("the campaign's token counts carry %d transaction ids after close, want 1", n)
		}
	}
}

// TestMixerWaitsForEveryGroup: a group below the floor never goes into a
// batch, whatever the others hold, and the floor follows a k above ten.
func TestMixerWaitsForEveryGroup(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	r := c.Rules
	r.K, r.MinBallots = 12, 12
	if _, err := f.ev.UpdateRules(ctx, f.admin, c.ID, r); err != nil {
		t.Fatal(err)
	}
	masses := f.issue(t, c, "masses", 32)
	superior := f.issue(t, c, "superior", 12)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(31, 2))
	cast := func(codes ...string) {
		t.Helper()
		for _, code := range codes {
			if _, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	cast(masses[:11]...)
	cast(superior[:11]...)
	// 22 waiting, but neither group has k = 12.
	if n, err := f.ev.Mix(ctx, c.ID, 20, false); err != nil || n != 0 {
		t.Fatalf("mixed %d (%v) with both groups below k", n, err)
	}
	cast(masses[11])
	// The masses have 12 but fewer than the 20 of a batch: still nothing.
	if n, err := f.ev.Mix(ctx, c.ID, 20, false); err != nil || n != 0 {
		t.Fatalf("mixed %d (%v) below the batch size", n, err)
	}
	cast(masses[12:20]...)
	if n, err := f.ev.Mix(ctx, c.ID, 20, false); err != nil || n != 20 {
		t.Fatalf("mixed %d (%v), want the masses' 20", n, err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballots WHERE campaign_id = ? AND group_key = 'superior'", c.ID); n != 0 {
		t.Fatalf("%d superiors' ballots mixed below k", n)
	}
	cast(superior[11])
	cast(masses[20:28]...)
	// The superiors reach 12 and the masses have 8: only the superiors
	// may go, and 12 < 20, so they wait for the masses.
	if n, err := f.ev.Mix(ctx, c.ID, 20, false); err != nil || n != 0 {
		t.Fatalf("mixed %d (%v), want none", n, err)
	}
	cast(masses[28:30]...)
	// Ten of the masses are still below k = 12.
	if n, err := f.ev.Mix(ctx, c.ID, 20, false); err != nil || n != 0 {
		t.Fatalf("mixed %d (%v), want none", n, err)
	}
	cast(masses[30:32]...)
	if n, err := f.ev.Mix(ctx, c.ID, 20, false); err != nil || n != 24 {
		t.Fatalf("mixed %d (%v), want 12 superiors and 12 masses", n, err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID); n != 0 {
		t.Fatalf("%d left in the inbox", n)
	}
}

// TestMixTruncatesTheWAL: on SQLite the write-ahead log, which holds the
// pages as each cast left them (a spent token beside its inbox row), is
// checkpointed and truncated after a mix and at close.
func TestMixTruncatesTheWAL(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	if f.d.Dialect != db.SQLite {
		t.Skip("PostgreSQL: see TestSmallGroupWaitsForItsCrowd")
	}
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", 25)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(32, 3))
	for _, code := range codes {
		if _, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, ""); err != nil {
			t.Fatal(err)
		}
	}
	wal := func() int64 {
		st, err := os.Stat(f.d.Path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	if wal() == 0 {
		t.Fatal("casting wrote nothing to the WAL")
	}
	if n, err := f.ev.Mix(ctx, c.ID, 20, false); err != nil || n != 25 {
		t.Fatalf("mix: %d %v", n, err)
	}
	if n := wal(); n != 0 {
		t.Fatalf("the WAL holds %d bytes after mixing", n)
	}
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	if n := wal(); n != 0 {
		t.Fatalf("the WAL holds %d bytes after close", n)
	}
	var sd int
	if err := f.d.WriteQueryRow(context.Background(), "PRAGMA secure_delete").Scan(&sd); err != nil || sd != 1 {
		t.Fatalf("secure_delete = %d (%v)", sd, err)
	}
}
