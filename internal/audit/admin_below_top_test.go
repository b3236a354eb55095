package audit_test

import (
	"context"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// An administrator grant on one street (from before admin was kept to the
// top of the tree) reads that street's audit log only: the whole log is
// for system administrators, whose grant is on a top-level organization.
func TestStreetAdministratorReadsOnlyItsStreetsAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, res := xingning.Open(t)
	s := org.NewService(d, regions)
	streets, _, err := s.List(ctx, testrig.Admin, org.ListQuery{Under: res.RootID, ChildrenOnly: true, Limit: 2})
	if err != nil || len(streets) != 2 {
		t.Fatalf("two streets: %v %d", err, len(streets))
	}
	a, b := streets[0], streets[1]
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for i, p := range []string{a.Path, b.Path, b.Path} {
			if err := audit.Write(ctx, tx, access.Actor{Username: "probe"}, audit.Entry{Action: "org.update", TargetType: "org", TargetID: string(rune('0' + i)), OrgPath: p}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	streetAdmin := testPerms.Bind(access.Actor{UserID: 7, Username: "sa", Grants: []access.Grant{{Role: access.Admin, OrgID: a.ID, OrgPath: a.Path}}})
	if streetAdmin.Can(access.AuditRead, b.Path) {
		t.Fatalf("precondition: the street admin may not read audit.read on the other street")
	}
	n, err := audit.NewService(d).Count(ctx, streetAdmin, audit.Query{Actor: "probe"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("admin of street %s reads %d probe entries, want 1 (its own street's); the other street's entries leak", a.Name, n)
	}
}
