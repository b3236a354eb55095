// Attack on the audit log's target names: an entry the reader may see (the
// move that took an organization out of its street) names its target by
// what the target is called NOW. Street B renames the organization after
// the move; street A's admin reads the new name through the audit log,
// although the organization is outside its scope (org.Get answers 404).
package audit_test

import (
	"context"
	"strconv"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

func TestAuditTargetNameStaysInScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, res := xingning.Open(t)
	s := org.NewService(d, regions)
	s.Audit().AddNamer("org", s.AuditNames) // as internal/app wires it
	streets, _, err := s.List(ctx, testrig.Admin, org.ListQuery{Under: res.RootID, ChildrenOnly: true, Limit: 2})
	if err != nil || len(streets) != 2 {
		t.Fatalf("two streets: %v %d", err, len(streets))
	}
	a, b := streets[0], streets[1]
	admin := func(o org.Org) access.Actor {
		return testPerms.Bind(access.Actor{UserID: 1000 + o.ID, Username: "admin_of_" + o.Name, Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Name}}})
	}
	adminA, adminB := admin(a), admin(b)
	o, err := s.Create(ctx, adminA, org.Input{ParentID: a.ID, Name: "迁出测试党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Move(ctx, testrig.Admin, o.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	secret := "迁入后改名的党支部"
	if _, err := s.Update(ctx, adminB, o.ID, org.Patch{Name: &secret}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, adminA, o.ID); err == nil {
		t.Fatal("street A can read the moved organization: the premise of the attack is wrong")
	}
	rows, _, err := s.Audit().List(ctx, adminA, audit.Query{TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("street A should still read the move")
	}
	for _, r := range rows { // List names the targets, as the pages and the API show them
		if r.TargetName != "" {
			t.Errorf("street A reads %s's current name %q through the audit entry %s, though the organization is outside its scope", r.TargetID, r.TargetName, r.Action)
		}
	}
	// Street B, where the organization now is, reads it by its name.
	rows, _, err = s.Audit().List(ctx, adminB, audit.Query{TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), Limit: 50})
	if err != nil || len(rows) == 0 || rows[0].TargetName != secret {
		t.Errorf("street B's names: %v %+v", err, rows)
	}
}
