package people_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/people"
)

// TestDemoOrganizersAndCare seeds 兴宁区 as the demo seeds each county: a
// batch a year for four years whose recruits all hold a bachelor's degree
// or more, placed in communities and 两新 organizations with the post, some
// gone; care cases in every state whose totals add up and whose reasons
// open for a reader of the case.
func TestDemoOrganizersAndCare(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	county := *f.ms.ParentID
	if _, _, err := f.ppl.SeedForTest(ctx, county, 19); err != nil {
		t.Fatal(err)
	}
	bs, total, err := f.ppl.Batches(ctx, f.admin, people.BatchQuery{})
	if err != nil || total != 4 || bs[0].Year != 2026 || bs[3].Year != 2023 {
		t.Fatalf("batches: %d %v", total, err)
	}
	os, n, err := f.ppl.Organizers(ctx, f.admin, people.OrganizerQuery{})
	if err != nil || n < 20 {
		t.Fatalf("organizers: %d %v", n, err)
	}
	states := map[string]int{}
	for _, o := range os {
		states[o.State]++
		if !people.Bachelor(o.Education) {
			t.Errorf("%s is an organizer with education %s", o.Name, o.Education)
		}
		if o.State == "departed" && (o.LeaveReason == "" || o.LeftOn < o.PlacedOn) {
			t.Errorf("departure of %s: %+v", o.Name, o)
		}
	}
	var posts, bad int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM posts WHERE post = 'organizer' AND ended_on IS NULL").Scan(&posts); err != nil || posts != states["in_post"] {
		t.Errorf("%d open organizer posts, %d organizers in post (%v)", posts, states["in_post"], err)
	}
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM organizers x JOIN orgs o ON o.id = x.placed_org_id WHERE o.category NOT IN ('community', 'private', 'social')").Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d organizers placed outside communities and 两新 organizations (%v)", bad, err)
	}
	if states["in_post"] == 0 || states["departed"] == 0 || states["recruited"] == 0 {
		t.Errorf("organizers by state: %v", states)
	}
	list, all, counts, err := f.ppl.CareCases(ctx, f.admin, people.CareQuery{})
	if err != nil || all < 30 {
		t.Fatalf("care cases: %d %v", all, err)
	}
	for _, st := range people.CareStates {
		if counts[st.Key] == 0 {
			t.Errorf("no demo case is %s: %v", st.Key, counts)
		}
	}
	var sum int
	for _, y := range []int{2025, 2026} {
		_, s, err := f.ppl.CareTotals(ctx, f.admin, county, y)
		if err != nil {
			t.Fatal(err)
		}
		sum += s.Cases
		if s.PaidAmount > s.ApprovedAmount || s.Cases != s.Approved+s.Refused+s.Pending {
			t.Errorf("totals of %d: %+v", y, s)
		}
	}
	if sum != all {
		t.Errorf("the yearly totals hold %d cases of %d", sum, all)
	}
	c, err := f.ppl.CareCase(ctx, f.admin, list[0].ID, "")
	if err != nil || c.Reason == "" || len(c.Steps) == 0 {
		t.Errorf("a demo case: %+v %v", c, err)
	}
	for _, c := range list {
		full, err := f.ppl.CareCase(ctx, f.admin, c.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"applied": 1, "reviewed": 2, "approved": 3, "paid": 4}[c.State]
		if c.State == "rejected" && (len(full.Steps) < 2 || full.Steps[len(full.Steps)-1].Decision != "rejected" || full.Steps[len(full.Steps)-1].Note == "") ||
			c.State != "rejected" && len(full.Steps) != want {
			t.Errorf("case %d (%s): steps %s", c.ID, c.State, fmt.Sprint(full.Steps))
			break
		}
	}
}
