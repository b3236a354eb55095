package org_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// TestExportNeedsOrgExport: the export checks org.export itself, so a role
// that may read the tree but not export it (the case handler) gets nothing,
// whichever page or client calls it; outside the scope the organization does
// not exist.
func TestExportNeedsOrgExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newNanning(t)
	ms, xn, qx := byRegion(t, s, "450102001"), byRegion(t, s, "450102"), byRegion(t, s, "450103")
	handler := testPerms.Bind(access.Actor{UserID: 7, Username: "handler", Grants: []access.Grant{{Role: access.CaseHandler, OrgID: ms.ID, OrgPath: ms.Path}}})
	street := testPerms.Bind(access.Actor{UserID: 8, Username: "street", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: ms.ID, OrgPath: ms.Path}}})
	for _, c := range []struct {
		name  string
		actor access.Actor
		under int64
		kind  errs.Kind
		msg   string
		rows  int
	}{
		{"handler, whole scope", handler, 0, errs.Forbidden, "您没有导出党组织名单的权限", 0},
		{"handler, its street", handler, ms.ID, errs.Forbidden, "您没有导出该党组织名单的权限", 0},
		{"street admin, the county above", street, xn.ID, errs.NotFound, fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", xn.ID), 0},
		{"street admin, another district", street, qx.ID, errs.NotFound, fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", qx.ID), 0},
		{"street admin, whole scope", street, 0, "", "", 14},
		{"street admin, its street", street, ms.ID, "", "", 14},
	} {
		_, rows, err := s.Export(ctx, c.actor, org.ListQuery{Under: c.under, Limit: 1000})
		if c.kind == "" {
			if err != nil || len(rows) != c.rows {
				t.Errorf("%s: %v, %d rows, want %d", c.name, err, len(rows), c.rows)
			}
			continue
		}
		if errs.KindOf(err) != c.kind || errs.As(err).ZH != c.msg || rows != nil {
			t.Errorf("%s: %v (%d rows), want %s %q", c.name, err, len(rows), c.kind, c.msg)
		}
	}
}
