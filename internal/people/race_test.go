package people_test

import (
	"context"
	"sync"
	"testing"

	"jiceng/internal/people"
)

// TestAddMemberRacingAMove: members registered in a community while it is
// moved back and forth between two townships are counted under the
// ancestors it has when they are written, so the counts equal a recount.
func TestAddMemberRacingAMove(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	stop := make(chan struct{})
	var mover sync.WaitGroup
	mover.Add(1)
	go func() {
		defer mover.Done()
		parents := []int64{f.st.ID, f.ms.ID}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_, _ = f.orgs.Move(ctx, f.admin, f.c3.ID, parents[i%2]) // a refused move changes nothing
		}
	}()
	var adds sync.WaitGroup
	for w := range 4 {
		adds.Add(1)
		go func() {
			defer adds.Done()
			for i := range 15 {
				if _, err := f.ppl.AddMember(ctx, f.admin, people.MemberInput{PersonInput: people.PersonInput{Name: "某某", IDNumber: idNumber("450102", "19800101", 100+w*100+i*2+1),
					Ethnicity: "汉族", Education: "大学本科"}, OrgID: f.c3.ID, Kind: "full", JoinedOn: "2005-07-01"}); err != nil {
					t.Errorf("add: %v", err)
				}
			}
		}()
	}
	adds.Wait()
	close(stop)
	mover.Wait()
	if n := f.count(t, "memberships"); n != 60 {
		t.Errorf("%d members, want 60", n)
	}
	f.recount(t)
}
