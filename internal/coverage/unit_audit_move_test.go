package coverage_test

import (
	"context"
	"strconv"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/coverage"
)

// TestUnitMoveAuditSeenFromBothSides: a unit given to another leading
// organization left no entry on the side it left — the street it moved away
// from never read the change that took it away. The entry of that change is
// now read by both streets' auditors.
func TestUnitMoveAuditSeenFromBothSides(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	u := f.unit(t, 1, f.ms, "450102001003", 10, 0)
	to := f.st.ID
	region := "450102101001"
	if _, err := f.cov.Update(ctx, f.admin, u.ID, coverage.Patch{AffiliationOrgID: &to, RegionCode: &region}); err != nil {
		t.Fatal(err)
	}
	for _, side := range []struct {
		name string
		path string
	}{{"the street it left", f.ms.Path}, {"the street it joined", f.st.Path}} {
		auditor := testPerms.Bind(access.Actor{UserID: 99, Username: "auditor", Grants: []access.Grant{{Role: access.Auditor, OrgPath: side.path}}})
		got, _, err := audit.NewService(f.d).List(ctx, auditor, audit.Query{Action: "unit.update", TargetType: "unit", TargetID: strconv.FormatInt(u.ID, 10)})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Errorf("%s reads %d entries of the move, want 1", side.name, len(got))
		}
	}
}
