package evaluation_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"jiceng/internal/errs"
)

// TestBallotWindowFollowsTheClock: on the service's clock a ballot is taken
// up to the last instant before the campaign closes and refused from the
// closing time on, as it is before the opening time.
func TestBallotWindowFollowsTheClock(t *testing.T) {
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	codes := f.issue(t, c, "masses", 3)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	var now time.Time
	f.ev.WithClock(func() time.Time { return now })
	rng := rand.New(rand.NewPCG(3, 4))
	cast := func(at time.Time, code string) error {
		now = at
		_, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, "")
		return err
	}
	closed := func(what string, err error) {
		t.Helper()
		if e := errs.As(err); e == nil || e.Kind != errs.Conflict || e.ZH != "测评未开始或已结束" {
			t.Errorf("%s: %v, want the campaign not open", what, err)
		}
	}
	closed("a millisecond before the opening", cast(c.OpensAt.Add(-time.Millisecond), codes[0]))
	if err := cast(c.ClosesAt.Add(-time.Millisecond), codes[0]); err != nil {
		t.Errorf("a millisecond before the closing: %v", err)
	}
	closed("at the closing time", cast(c.ClosesAt, codes[1]))
	closed("after the closing time", cast(c.ClosesAt.Add(time.Hour), codes[2]))
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE campaign_id = ? AND status = 'used'", c.ID); n != 1 {
		t.Errorf("%d tokens used, want 1", n)
	}
}
