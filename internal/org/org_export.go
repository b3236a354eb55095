package org

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/errs"
)

// Export returns the organizations of a list export and, when q.Under is
// set, the organization it is taken under. Exporting needs org.export: on
// that organization, or anywhere for the list of the whole scope. The check
// lives here, not in the page, so that every caller meets it.
func (s *Service) Export(ctx context.Context, actor access.Actor, q ListQuery) (Org, []Org, error) {
	var under Org
	if q.Under != 0 {
		var err error
		if under, err = s.Get(ctx, actor, q.Under); err != nil {
			return Org{}, nil, err
		}
		if !actor.Can(access.OrgExport, under.Path) {
			return Org{}, nil, errs.New(errs.Forbidden, "您没有导出该党组织名单的权限", "you may not export this list")
		}
	} else if !actor.CanAnywhere(access.OrgExport) {
		return Org{}, nil, errs.New(errs.Forbidden, "您没有导出党组织名单的权限", "you may not export organization lists")
	}
	rows, _, err := s.List(ctx, actor, q)
	if err != nil {
		return Org{}, nil, err
	}
	return under, rows, nil
}
