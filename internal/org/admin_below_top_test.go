package org_test

import (
	"context"
	"testing"

	"jiceng/internal/access"
)

// An administrator grant on 民生街道 alone (from before admin was kept to
// the top of the tree) cannot initialize a region, which builds and renames
// territorial organizations far outside the street.
func TestStreetAdministratorCannotInitRegion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newNanning(t)
	ms := byRegion(t, s, "450102001")
	actor := testPerms.Bind(access.Actor{UserID: 99, Username: "ms", Grants: []access.Grant{{Role: access.Admin, OrgID: ms.ID, OrgPath: ms.Path}}})
	if actor.Can(access.RegionInit, "/") || actor.Can(access.OrgCreate, "/1/") {
		t.Fatal("precondition: the street admin holds region.init and org.create only within the street")
	}
	res, err := s.InitRegion(ctx, actor, "45")
	if err == nil {
		t.Errorf("admin of 民生街道 initialised region 45 (%d organizations created); want forbidden outside its subtree", res.Created)
	}
}
