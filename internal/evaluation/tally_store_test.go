package evaluation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
)

// TestTalliesFollowMixing casts ballots of three groups, mixes part of them
// and closes the campaign, then checks that the results read from the
// tallies are those of the ballots themselves, that the migration's
// backfill of existing ballots rebuilds the same tallies, and that a
// damaged tally stops publication.
func TestTalliesFollowMixing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 3)
	codes := map[string][]string{"superior": f.issue(t, c, "superior", 6), "members": f.issue(t, c, "members", 9), "masses": f.issue(t, c, "masses", 25)}
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(21, 22))
	rated := map[string]int{} // group/subject → ballots
	cast := 0
	for _, g := range []string{"masses", "superior", "members"} {
		for _, code := range codes[g] {
			scores := map[string]map[string]float64{}
			for _, s := range subs {
				if rng.IntN(4) > 0 {
					scores[s.Key] = villageAnswers(rng)
					rated[g+"/"+s.Key]++
				}
			}
			if len(scores) == 0 {
				scores[subs[0].Key] = villageAnswers(rng)
				rated[g+"/"+subs[0].Key]++
			}
			if _, err := f.ev.CastBallot(ctx, code, scores, ""); err != nil {
				t.Fatal(err)
			}
			cast++
			if cast == 17 {
				if n, err := f.ev.Mix(ctx, c.ID, 10, false); err != nil || n != 17 {
					t.Fatalf("mix: %d, %v", n, err)
				}
			}
		}
	}
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}

	// Each group's tallies of a leaf count the ballots that rated the subject.
	for key, want := range rated {
		g, s, _ := strings.Cut(key, "/")
		if got := f.count(t, "SELECT COALESCE(SUM(n), 0) FROM ballot_tally WHERE campaign_id = ? AND group_key = ? AND subject_key = ? AND indicator_key = 'duty'", c.ID, g, s); got != want {
			t.Errorf("%s rated by %s: tallies count %d ballots, want %d", s, g, got, want)
		}
	}

	// The live results, from the tallies, equal Compute over the ballots.
	fromBallots := computeFromBallots(t, f, c, subs)
	live, err := f.ev.Results(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := marshal(t, fromBallots), marshal(t, live); !bytes.Equal(a, b) {
		t.Fatalf("results from the tallies\n%s\ndiffer from the ballots'\n%s", b, a)
	}
	if len(live.Subjects) != 3 || live.Subjects[0].Total == nil {
		t.Fatalf("results: %s", marshal(t, live))
	}

	// The backfill of migration 0004 rebuilds the same tallies from ballots
	// stored, as they were then, with named answers.
	before := tallyRows(t, f, c.ID)
	toNamedForm(t, f, c)
	if _, err := f.d.Exec(ctx, "DELETE FROM ballot_tally"); err != nil {
		t.Fatal(err)
	}
	ms, err := f.d.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var backfill string
	for _, m := range ms {
		if m.Version == 4 {
			backfill = m.SQL[strings.Index(m.SQL, "INSERT INTO ballot_tally"):]
			backfill = backfill[:strings.Index(backfill, ";")+1]
		}
	}
	if _, err := f.d.Exec(ctx, backfill); err != nil {
		t.Fatalf("backfill: %v", err)
	}
	if after := tallyRows(t, f, c.ID); after != before {
		t.Fatalf("backfilled tallies\n%s\ndiffer from the mixer's\n%s", after, before)
	}

	// A tally that no longer matches the ballots stops publication.
	if _, err := f.d.Exec(ctx, f.d.Rebind("UPDATE ballot_tally SET n = n + 1 WHERE campaign_id = ? AND indicator_key = 'satisfaction' AND points = 100 AND group_key = 'masses'"), c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ev.Publish(ctx, f.admin, c.ID); err == nil {
		t.Fatal("published over damaged tallies")
	}
	if got, err := f.ev.Get(ctx, f.admin, c.ID); err != nil || got.Status != evaluation.StatusClosed {
		t.Fatalf("after the refused publication: %s, %v", got.Status, err)
	}
}

func computeFromBallots(t *testing.T, f *fx, c evaluation.Campaign, subs []evaluation.Subject) evaluation.Results {
	t.Helper()
	rows, err := f.d.Query(context.Background(), "SELECT group_key, payload FROM ballots WHERE campaign_id = ?", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var bs []evaluation.Ballot
	for rows.Next() {
		var b evaluation.Ballot
		var body string
		if err := rows.Scan(&b.Group, &body); err != nil {
			t.Fatal(err)
		}
		if b.Scores, err = evaluation.DecodeStored(body, c.Rules); err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	res, err := evaluation.Compute(c.Rules, keys(subs), nil, bs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// toNamedForm rewrites a campaign's stored ballots in the form used before
// migration 0004: {"scores": {subject: {indicator: points}}}.
func toNamedForm(t *testing.T, f *fx, c evaluation.Campaign) {
	t.Helper()
	ctx := context.Background()
	rows, err := f.d.Query(ctx, "SELECT id, payload FROM ballots WHERE campaign_id = ?", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]string{}
	for rows.Next() {
		var id, body string
		if err := rows.Scan(&id, &body); err != nil {
			t.Fatal(err)
		}
		scores, err := evaluation.DecodeStored(body, c.Rules)
		if err != nil {
			t.Fatal(err)
		}
		named[id] = string(marshal(t, map[string]any{"scores": scores}))
	}
	rows.Close()
	for id, body := range named {
		if _, err := f.d.Exec(ctx, f.d.Rebind("UPDATE ballots SET payload = ? WHERE id = ?"), body, id); err != nil {
			t.Fatal(err)
		}
	}
}

// tallyRows lists a campaign's tallies, one line each, in key order.
func tallyRows(t *testing.T, f *fx, id int64) string {
	t.Helper()
	rows, err := f.d.Query(context.Background(), `SELECT subject_key, group_key, indicator_key, points, n FROM ballot_tally
		WHERE campaign_id = ? ORDER BY subject_key, group_key, indicator_key, points`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sb strings.Builder
	for rows.Next() {
		var tl evaluation.Tally
		if err := rows.Scan(&tl.Subject, &tl.Group, &tl.Indicator, &tl.Points, &tl.N); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(tl)
		sb.Write(append(b, '\n'))
	}
	if sb.Len() == 0 {
		t.Fatal("no tallies")
	}
	return sb.String()
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMixInBoundedBatches: a large inbox is moved in transactions of at
// most the batch bound, and what stays behind is less than the minimum.
func TestMixInBoundedBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	f.ev.SetMixBatch(10)
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", 25)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, code := range codes {
		if _, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := f.ev.Mix(ctx, c.ID, 6, false); err != nil || n != 20 {
		t.Fatalf("mix with a minimum of 6: moved %d (%v), want 20 in two batches of 10", n, err)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID); got != 5 {
		t.Fatalf("inbox holds %d, want 5", got)
	}
	if n, err := f.ev.Mix(ctx, c.ID, 6, true); err != nil || n != 5 {
		t.Fatalf("forced mix: moved %d (%v), want 5", n, err)
	}
	if got := f.count(t, "SELECT COALESCE(SUM(n), 0) FROM ballot_tally WHERE campaign_id = ? AND indicator_key = 'duty'", c.ID); got != 25 {
		t.Fatalf("tallies count %d ballots, want 25", got)
	}
}

// TestTokenCountsFollowTokens issues, spends (one by one and in a batch)
// and revokes tokens, and checks the kept counts against ballot_tokens;
// the migration's backfill must rebuild the same counts.
func TestTokenCountsFollowTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	masses := f.issue(t, c, "masses", 12)
	members := f.issue(t, c, "members", 7)
	f.issue(t, c, "superior", 3)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	vote := map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}
	for _, code := range masses[:4] {
		if _, err := f.ev.CastBallot(ctx, code, vote, ""); err != nil {
			t.Fatal(err)
		}
	}
	var batch []evaluation.BatchBallot
	for _, code := range append(masses[4:9], members[:2]...) {
		batch = append(batch, evaluation.BatchBallot{Code: code, Scores: vote})
	}
	batch = append(batch, evaluation.BatchBallot{Code: masses[4], Scores: vote}) // used twice in one batch
	for i, a := range f.ev.CastBatch(ctx, batch) {
		if (a.Err == nil) != (i < 7) {
			t.Fatalf("batch ballot %d: %v", i, a.Err)
		}
	}
	for _, code := range []string{masses[11], members[6]} {
		if err := f.ev.RevokeToken(ctx, f.admin, c.ID, code); err != nil {
			t.Fatal(err)
		}
	}
	want := []evaluation.TokenCount{
		{Group: "superior", Issued: 3},
		{Group: "members", Issued: 6, Used: 2, Revoked: 1},
		{Group: "masses", Issued: 11, Used: 9, Revoked: 1},
	}
	check := func(when string) {
		t.Helper()
		got, err := f.ev.TokenCounts(ctx, f.admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			var g evaluation.TokenCount
			for _, x := range got {
				if x.Group == w.Group {
					g = x
				}
			}
			if g.Issued != w.Issued || g.Used != w.Used || g.Revoked != w.Revoked {
				t.Errorf("%s: %s issued/used/revoked %d/%d/%d, want %d/%d/%d", when, w.Group, g.Issued, g.Used, g.Revoked, w.Issued, w.Used, w.Revoked)
			}
			for status, n := range map[string]int{"issued": w.Issued - w.Used, "used": w.Used, "revoked": w.Revoked} {
				if got := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE campaign_id = ? AND group_key = ? AND status = ?", c.ID, w.Group, status); got != n {
					t.Errorf("%s: ballot_tokens holds %d %s tokens of %s, want %d", when, got, status, w.Group, n)
				}
			}
		}
	}
	check("kept")
	ms, err := f.d.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version == 4 {
			stmt := m.SQL[strings.Index(m.SQL, "INSERT INTO ballot_token_counts"):]
			stmt = stmt[:strings.Index(stmt, ";")+1]
			if _, err := f.d.Exec(ctx, "DELETE FROM ballot_token_counts"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.d.Exec(ctx, stmt); err != nil {
				t.Fatalf("backfill: %v", err)
			}
		}
	}
	check("backfilled")
}
