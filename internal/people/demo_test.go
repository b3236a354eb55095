package people_test

import (
	"context"
	"testing"

	"jiceng/internal/people"
)

// TestDemoSeed seeds 兴宁区 with about 60 members per organization as the demo seeds
// Nanning: the counts equal a recount, every organization with three full
// members has one secretary who is a full member of it, every member can
// be found by their ID number, the statistics look like a register's, and
// some members are on their way to other organizations.
func TestDemoSeed(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	county := *f.ms.ParentID
	var orgs int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM orgs").Scan(&orgs); err != nil {
		t.Fatal(err)
	}
	n, posts, err := f.ppl.SeedForTest(ctx, county, 60)
	if err != nil {
		t.Fatal(err)
	}
	if n < orgs*60*9/10 || n > orgs*60*11/10 || posts < 80 {
		t.Errorf("seeded %d members and %d posts in %d organizations, want about 60 each and a secretary per organization", n, posts, orgs)
	}
	f.recount(t)
	var bad int
	if err := f.d.QueryRow(ctx, `SELECT COUNT(*) FROM posts po LEFT JOIN memberships m ON m.person_id = po.person_id AND m.active = ? AND m.org_id = po.org_id AND m.kind = 'full'
		WHERE po.post = 'secretary' AND po.ended_on IS NULL AND m.id IS NULL`, true).Scan(&bad); err != nil || bad != 0 {
		t.Errorf("%d secretaries are not full members of their organization (%v)", bad, err)
	}
	var twice int
	if err := f.d.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT org_id FROM posts WHERE post = 'secretary' AND ended_on IS NULL GROUP BY org_id HAVING COUNT(*) > 1) x`).Scan(&twice); err != nil || twice != 0 {
		t.Errorf("%d organizations have two secretaries (%v)", twice, err)
	}
	st, err := f.ppl.Stats(ctx, f.admin, county)
	if err != nil {
		t.Fatal(err)
	}
	// Some members left for organizations outside the system.
	var out int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM memberships WHERE status = 'transferred_out'").Scan(&out); err != nil || out == 0 {
		t.Errorf("%d members transferred out of the system (%v)", out, err)
	}
	women := float64(st.Women) / float64(st.Total)
	if st.Total != n-out || women < 0.26 || women > 0.34 || st.ByAgeBand["35"] == 0 || st.ByAgeBand["61"] == 0 || st.Floating == 0 || st.Probationary == 0 || st.ByEthnicity["08"] == 0 {
		t.Errorf("the county's statistics: %+v", st)
	}
	// A member drawn from the list is found by their ID number, as the
	// register finds any: through the keyed index.
	list, _, err := f.ppl.Members(ctx, f.admin, people.MemberQuery{Under: county, Limit: 1, Offset: 777})
	if err != nil || len(list) != 1 {
		t.Fatalf("a member: %v", err)
	}
	full, err := f.ppl.Reveal(ctx, f.admin, list[0].ID, "id_number")
	if err != nil {
		t.Fatal(err)
	}
	if found, total, err := f.ppl.Members(ctx, f.admin, people.MemberQuery{Q: full}); err != nil || total != 1 || found[0].ID != list[0].ID {
		t.Errorf("the member by ID number: %v %d", err, total)
	}
	for _, state := range []string{"pending", "accepted", "rejected", "out"} {
		if _, total, err := f.ppl.Transfers(ctx, f.admin, people.TransferQuery{State: state}); err != nil || total == 0 {
			t.Errorf("no demo transfers %s (%v)", state, err)
		}
	}
	rep, err := f.ppl.PayCompliance(ctx, f.admin, county, 2026)
	if err != nil || rep.Total == 0 || rep.OK == 0 || rep.Below == 0 || rep.NoReference != 0 {
		t.Errorf("pay compliance of the demo: %d rows, %d ok, %d below, %d without reference (%v)", rep.Total, rep.OK, rep.Below, rep.NoReference, err)
	}
}
