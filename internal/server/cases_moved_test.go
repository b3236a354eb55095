package server

import (
	"context"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/testrig"
)

// TestIntegrityReportAfterMoves: an integrity report goes strictly above
// the organization it concerns, but the tree may move afterwards. Once the
// organization it was routed to lies inside the organization concerned,
// the integrity officer there neither opens it, nor lists it, nor counts
// it: the lists and statistics check the grant against the organization
// concerned, as opening does, not only the routing.
func TestIntegrityReportAfterMoves(t *testing.T) {
	f := newStaffFixture(t)
	ctx := context.Background()
	id := f.submit(t, cases.Report{Kind: cases.KindIntegrity, RegionCode: f.village.RegionCode, SubjectOrgID: f.village.ID, Body: "社区书记在低保评定中优亲厚友，收受好处费。"})
	c, _, err := f.cs.Get(ctx, testrig.Admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.OrgID != f.street.ID {
		t.Fatalf("the report about the community went to %d, not to its street %d", c.OrgID, f.street.ID)
	}
	// The village leaves the street for the other township, then the
	// routed organization is moved below the village.
	if _, err := f.orgs.Move(ctx, testrig.Admin, f.village.ID, f.town.ID); err != nil {
		t.Fatalf("move village: %v", err)
	}
	if _, err := f.orgs.Move(ctx, testrig.Admin, c.OrgID, f.village.ID); err != nil {
		t.Fatalf("move the street under the community: %v", err)
	}
	f.user(t, "village_integrity", access.IntegrityOfficer, f.village)
	a := f.actor(t, "village_integrity")
	_, _, gerr := f.cs.Get(ctx, a, id)
	st, err := f.cs.SubtreeStats(ctx, a, f.village.ID)
	l, n, lerr := f.cs.List(ctx, a, cases.ListQuery{Integrity: true, OrgID: f.village.ID, Limit: 50})
	if gerr == nil || err != nil || lerr != nil || st.Total != 0 || n != 0 || len(l) != 0 {
		t.Errorf("the community's integrity officer opens report %d about the community (%v), counts %d (%v) and lists %d (%v); want none", id, gerr, st.Total, err, n, lerr)
	}
}
