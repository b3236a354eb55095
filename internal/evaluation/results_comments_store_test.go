package evaluation_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// TestCommentsAfterCloseShuffledAboveK: comments wait for the close; the
// masses (8 ballots, 7 comments, k = 5) show all 7 and the members (3
// ballots) none; the order is never the order of casting for long.
func TestCommentsAfterCloseShuffledAboveK(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	c, subs := f.villageCampaign(t, 1)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	var cast []string
	for i, code := range f.issue(t, c, "masses", 8) {
		comment := ""
		if i < 7 {
			comment = fmt.Sprintf("群众意见 %d：村务公开要更及时", i+1)
			cast = append(cast, comment)
		}
		if _, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, comment); err != nil {
			t.Fatal(err)
		}
	}
	for i, code := range f.issue(t, c, "members", 3) {
		if _, err := f.ev.CastBallot(ctx, code, map[string]map[string]float64{subs[0].Key: villageAnswers(rng)}, fmt.Sprintf("党员意见 %d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.ev.Comments(ctx, f.admin, c.ID)
	wantErr(t, "comments while open", err, errs.Conflict, "测评结束前不显示意见建议")
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}

	orders := map[string]int{}
	for range 20 {
		got, err := f.ev.Comments(ctx, f.admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var masses, members evaluation.GroupComments
		for _, g := range got {
			switch g.Group {
			case "masses":
				masses = g
			case "members":
				members = g
			}
		}
		if !masses.Shown || masses.Ballots != 8 || len(masses.Comments) != 7 {
			t.Fatalf("masses: %+v, want 8 ballots and 7 comments shown", masses)
		}
		if members.Shown || members.Ballots != 0 || len(members.Comments) != 0 {
			t.Fatalf("members: %+v, want neither its 3 ballots nor a comment shown (k = 5)", members)
		}
		if !slices.Equal(slices.Sorted(slices.Values(masses.Comments)), slices.Sorted(slices.Values(cast))) {
			t.Fatalf("masses' comments %q, want %q in some order", masses.Comments, cast)
		}
		orders[strings.Join(masses.Comments, "|")]++
	}
	if orders[strings.Join(cast, "|")] > 1 || len(orders) < 10 {
		t.Errorf("20 readings gave %d orders, the order of casting %d times: the comments are not shuffled", len(orders), orders[strings.Join(cast, "|")])
	}
	// Someone outside the owner's scope reads no comment.
	other := testPerms.Bind(access.Actor{UserID: 9, Username: "other", Grants: []access.Grant{{Role: access.EvaluationManager, OrgID: f.other.ID, OrgPath: f.other.Path}}})
	if _, err := f.ev.Comments(ctx, other, c.ID); err == nil {
		t.Error("an actor outside the campaign's scope read its comments")
	}
}
