package evaluation_test

import (
	"context"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// TestBallotFormSpendsNothing: looking a code up shows the group's subjects
// and leaves the code usable; bad, revoked and used codes answer like CastBallot.
func TestBallotFormSpendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 2)
	codes := f.issue(t, c, "masses", 3)
	_, err := f.ev.BallotForm(ctx, codes[0])
	wantErr(t, "draft", err, errs.Conflict, "测评未开始或已结束")
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	form, err := f.ev.BallotForm(ctx, codes[0])
	if err != nil {
		t.Fatal(err)
	}
	if form.Group != "masses" || form.Campaign.ID != c.ID || form.Campaign.OwnerName == "" || len(form.Subjects) != 2 || form.Subjects[0].Key != subs[0].Key {
		t.Fatalf("form %+v", form)
	}
	if got := form.Campaign.Rules.GroupName("masses"); got != "群众代表" {
		t.Errorf("group name %q", got)
	}
	if got := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE status = 'issued' AND campaign_id = ?", c.ID); got != 3 {
		t.Fatalf("%d codes still issued after the lookup", got)
	}
	scores := map[string]map[string]float64{subs[0].Key: {"duty": 100, "team": 100, "life": 100, "education": 100, "service": 100, "integrity": 100, "satisfaction": 100}}
	if _, err := f.ev.CastBallot(ctx, codes[0], scores, ""); err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.BallotForm(ctx, codes[0])
	wantErr(t, "used", err, errs.Conflict, usedMsg)
	_, err = f.ev.BallotForm(ctx, "not a code")
	wantErr(t, "malformed", err, errs.Invalid, evaluation.InvalidCode().ZH)
	wantErr(t, "unknown", func() error { _, err := f.ev.BallotForm(ctx, flip(codes[1])); return err }(), errs.Invalid, evaluation.InvalidCode().ZH)
	_, err = f.ev.BallotForm(ctx, codes[2])
	if err != nil {
		t.Fatal(err)
	}
}

// flip changes the first character of a code to another valid one, which
// makes an unknown (or, through the check character, malformed) code.
func flip(code string) string {
	// The second character, not the first: a first character of 0-7 marks a
	// code of the earlier format, read by its own check, which one time in
	// 37 passes a code whose first character was changed.
	b := []byte(code)
	if b[1] == '2' {
		b[1] = '3'
	} else {
		b[1] = '2'
	}
	return string(b)
}
