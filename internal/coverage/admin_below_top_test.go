package coverage_test

import (
	"context"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/coverage"
)

// The coverage settings hold for the whole system, so an administrator
// grant on one street (from before admin was kept to the top of the tree)
// cannot change them: it would reclassify every unit of every county.
func TestStreetAdministratorCannotChangeSystemSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	streetAdmin := testPerms.Bind(access.Actor{UserID: 9, Username: "ms", Grants: []access.Grant{{Role: access.Admin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	if streetAdmin.Can(coverage.UnitManage, f.st.Path) {
		t.Fatal("precondition: the street admin may not manage 三塘镇's units")
	}
	if _, err := f.cov.SetSettings(ctx, streetAdmin, coverage.Settings{SizeEmployees: 20, JointMaxUnits: 10}); err == nil {
		t.Errorf("an administrator of 民生街道 alone changed the system-wide coverage settings; want forbidden")
	}
}
