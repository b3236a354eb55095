package evaluation_test

import (
	"context"
	"testing"

	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// TestSubjectsNameTheirLeaders: organization subjects carry the secretary
// the member register names for them, to the admin pages and to the
// ballot; those without one carry none.
func TestSubjectsNameTheirLeaders(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	f.orgs.ProvideLeaders(func(_ context.Context, ids []int64) (map[int64]org.Leader, error) {
		out := map[int64]org.Leader{}
		for _, id := range ids {
			if id == f.villages[0].ID {
				out[id] = org.Leader{Name: "张伟", Post: i18n.Text{ZH: "书记", EN: "Secretary"}}
			}
		}
		return out, nil
	})
	c, _ := f.villageCampaign(t, 2)
	subs, err := f.ev.Subjects(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 2 || subs[0].Leader == nil || *subs[0].Leader != (evaluation.SubjectLeader{Name: "张伟", Post: "书记", PostEN: "Secretary"}) || subs[1].Leader != nil {
		t.Errorf("subjects: %+v %+v", subs[0].Leader, subs[1].Leader)
	}
}
