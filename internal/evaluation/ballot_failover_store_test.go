package evaluation_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

// TestBallotAcrossLostConnection loses the connection under the ballot
// committer as a failover does, on PostgreSQL: once with the COMMIT made
// durable by the server but its answer lost, once before the ballot was
// written. Either way the rater gets a tracker, the ballot is in the inbox
// exactly once under it, and the code is spent: the commit that landed is
// read back rather than cast twice, the one that did not is cast again.
func TestBallotAcrossLostConnection(t *testing.T) {
	if testrig.Engine() != "postgres" {
		t.Skip("losing a connection needs PostgreSQL (set JICENG_TEST_POSTGRES)")
	}
	ctx := context.Background()
	f := newFx(t)
	c, subs, codes := openVillage(t, f, 2)
	p := testrig.NewLossyProxy(t, f.d.URL)
	d := p.Open(t)
	ev := startCommitter(t, f, d)
	rng := rand.New(rand.NewPCG(3, 4))

	for i, lose := range []func(){
		func() { p.LoseAnswerTo("commit") },
		func() { p.CutAt("ballot_inbox") },
	} {
		lose()
		tracker, err := ev.CastBallot(ctx, codes[i], map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, "")
		if err != nil || tracker == "" {
			t.Fatalf("case %d: cast across a lost connection: %q, %v", i, tracker, err)
		}
		if p.Lost() != i+1 {
			t.Fatalf("case %d: %d connections lost, want %d", i, p.Lost(), i+1)
		}
		var n int
		if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM ballot_inbox WHERE tracker = ?", tracker).Scan(&n); err != nil || n != 1 {
			t.Fatalf("case %d: %d inbox rows under the tracker, want 1 (%v)", i, n, err)
		}
		_, err = ev.CastBallot(ctx, codes[i], map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, "")
		if errs.As(err).ZH != usedMsg {
			t.Fatalf("case %d: the code again: %v, want %q", i, err, usedMsg)
		}
	}
	found, rewritten := d.LostCounts()
	if found != 1 || rewritten != 1 {
		t.Fatalf("lost writes: %d found on the server, %d written again; want 1 and 1", found, rewritten)
	}
	var inbox int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID).Scan(&inbox); err != nil || inbox != 2 {
		t.Fatalf("%d ballots in the inbox, want 2 (%v)", inbox, err)
	}
}

// TestBallotAcrossStalledPrimary: the primary stops answering without
// closing the connection (a host that died, a network cut) — first after
// it committed a batch, then while the batch's insert was in flight. Each
// try of the group commit has a bound (shortened here to 2 s); past it the
// ballot is read back from the server and acknowledged when it is there,
// cast again when not, instead of its rater waiting for minutes.
func TestBallotAcrossStalledPrimary(t *testing.T) {
	if testrig.Engine() != "postgres" {
		t.Skip("stalling a connection needs PostgreSQL (set JICENG_TEST_POSTGRES)")
	}
	ctx := context.Background()
	f := newFx(t)
	_, subs, codes := openVillage(t, f, 2)
	p := testrig.NewLossyProxy(t, f.d.URL)
	d := p.Open(t)
	d.SetCommitAttempt(2 * time.Second)
	ev := startCommitter(t, f, d)
	rng := rand.New(rand.NewPCG(5, 6))

	for i, stall := range []string{"commit", "ballot_inbox"} {
		p.StallAnswerTo(stall)
		tracker, err := ev.CastBallot(ctx, codes[i], map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, "")
		if err != nil || tracker == "" {
			t.Fatalf("stall at %s: cast: %q, %v", stall, tracker, err)
		}
		if p.Lost() != i+1 {
			t.Fatalf("stall at %s: %d connections stalled, want %d", stall, p.Lost(), i+1)
		}
		var n int
		if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM ballot_inbox WHERE tracker = ?", tracker).Scan(&n); err != nil || n != 1 {
			t.Fatalf("stall at %s: %d inbox rows under the tracker, want 1 (%v)", stall, n, err)
		}
	}
	found, rewritten := d.LostCounts()
	if found != 1 || rewritten != 1 {
		t.Fatalf("stalled writes: %d found on the server, %d written again; want 1 and 1", found, rewritten)
	}
}

// TestBallotWhoseCommitLandsLate: the server is still busy with a COMMIT
// when the try's bound runs out (a slow disk, a synchronous standby that
// answers late), and the COMMIT lands after the read-back found nothing —
// emulated by a deferred trigger that sleeps at commit time and ignores the
// cancel. The second try then finds the code spent by the first; the
// rater is given the ballot's tracker (read back once more), not told the
// code was used, and the ballot is stored once.
func TestBallotWhoseCommitLandsLate(t *testing.T) {
	if testrig.Engine() != "postgres" {
		t.Skip("a commit that lands late needs PostgreSQL (set JICENG_TEST_POSTGRES)")
	}
	ctx := context.Background()
	f := newFx(t)
	c, subs, codes := openVillage(t, f, 1)
	for _, q := range []string{
		"CREATE SEQUENCE slow_once",
		`CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN
		     IF nextval('slow_once') = 1 THEN
		         BEGIN PERFORM pg_sleep(3); EXCEPTION WHEN query_canceled THEN PERFORM pg_sleep(1); END;
		     END IF;
		     RETURN NULL;
		 END $$`,
		`CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON ballot_inbox DEFERRABLE INITIALLY DEFERRED
		 FOR EACH ROW EXECUTE FUNCTION slow_commit()`,
	} {
		if _, err := f.d.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	f.d.SetCommitAttempt(2 * time.Second)
	ev := startCommitter(t, f, f.d)
	tracker, err := ev.CastBallot(ctx, codes[0], map[string]map[string]float64{subs[0].Key: villageAnswers(rand.New(rand.NewPCG(7, 8)))}, "")
	if err != nil || tracker == "" {
		t.Fatalf("cast: %q, %v; want the ballot's tracker", tracker, err)
	}
	var n, used int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM ballot_inbox WHERE tracker = ?", tracker).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d inbox rows under the tracker, want 1 (%v)", n, err)
	}
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM ballot_tokens WHERE campaign_id = ? AND status = 'used'", c.ID).Scan(&used); err != nil || used != 1 {
		t.Fatalf("%d codes spent, want 1 (%v)", used, err)
	}
}

// openVillage opens a village campaign with n codes of the masses' group.
func openVillage(t *testing.T, f *fx, n int) (evaluation.Campaign, []evaluation.Subject, []string) {
	t.Helper()
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", n)
	if _, err := f.ev.Open(context.Background(), f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	return c, subs, codes
}

// startCommitter is the evaluation service on d with its ballot committer
// running until the test ends.
func startCommitter(t *testing.T, f *fx, d *db.DB) *evaluation.Service {
	t.Helper()
	ev := evaluation.NewService(d, f.orgs, f.key)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ev.StartCommitter(ctx)
	return ev
}
