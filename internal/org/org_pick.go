package org

import (
	"context"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/region"
)

// PathSep separates the steps of an organization's path where it is shown
// as text: 南宁市委 › 兴宁区委 › 民生街道党工委.
const PathSep = " › "

// Paths returns, for each of ids the actor may read, the labels of its
// ancestors that the actor may read, root first, the organization itself
// excluded: the line a picker or a list shows under a name. Ancestors above
// the actor's scope are left out, so that no name outside the actor's
// subtrees is shown; ids the actor may not read are absent from the map.
// It reads the organizations and all their ancestors in two queries,
// whatever the number of ids.
func (s *Service) Paths(ctx context.Context, actor access.Actor, ids []int64) (map[int64][]string, error) {
	out := make(map[int64][]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	refs, err := LookupMany(ctx, s.db, ids)
	if err != nil {
		return nil, errs.Wrap(err, "paths")
	}
	var anc []int64
	seen := map[int64]bool{}
	for _, r := range refs {
		if !actor.Can(access.OrgRead, r.Path) {
			continue
		}
		for _, a := range ancestorsOf(r.Path) {
			if !seen[a] {
				seen[a] = true
				anc = append(anc, a)
			}
		}
	}
	above, err := LookupMany(ctx, s.db, anc)
	if err != nil {
		return nil, errs.Wrap(err, "path ancestors")
	}
	for _, id := range ids {
		r, ok := refs[id]
		if !ok || !actor.Can(access.OrgRead, r.Path) {
			continue
		}
		steps := []string{}
		for _, a := range ancestorsOf(r.Path) {
			if ar, ok := above[a]; ok && actor.Can(access.OrgRead, ar.Path) {
				steps = append(steps, ar.Label())
			}
		}
		out[id] = steps
	}
	return out, nil
}

// ScopeRegions returns the division codes the actor's subtrees cover for
// action: for each root of its scope the root's own code or that of its
// nearest ancestor with one. A system actor gets the codes of the tree's
// roots. A scope without any division (a tree built by hand) adds nothing.
func (s *Service) ScopeRegions(ctx context.Context, actor access.Actor, action access.Action) ([]string, error) {
	var paths []string
	if actor.Unrestricted() {
		roots, err := s.Roots(ctx, actor)
		if err != nil {
			return nil, err
		}
		for _, r := range roots {
			paths = append(paths, r.Path)
		}
	} else {
		paths = actor.Scopes(action)
	}
	var out []string
	for _, p := range paths {
		ids := PathIDs(p)
		for i := len(ids) - 1; i >= 0; i-- {
			var code string
			if err := s.db.QueryRow(ctx, "SELECT COALESCE(region_code, '') FROM orgs WHERE id = ?", ids[i]).Scan(&code); err != nil {
				return nil, errs.Wrap(err, "scope region")
			}
			if code != "" {
				out = append(out, code)
				break
			}
		}
	}
	return out, nil
}

// JoinPath joins path steps for display.
func JoinPath(steps []string) string { return strings.Join(steps, PathSep) }

// Divisions returns the divisions directly under parent, for a cascading
// region picker; parent must lie within the divisions of the actor's scope
// (ScopeRegions), or be above one of them on the way down to it, so that a
// picker never lists the places of another county.
func (s *Service) Divisions(ctx context.Context, actor access.Actor, parent string) ([]region.Division, error) {
	roots, err := s.ScopeRegions(ctx, actor, access.OrgRead)
	if err != nil {
		return nil, err
	}
	ok := false
	for _, r := range roots {
		if strings.HasPrefix(parent, r) {
			ok = true
		}
	}
	if !ok {
		return nil, errs.Newf(errs.NotFound, "区划 %s 不在您的管理范围内", "division %s is outside your scope", parent)
	}
	set, err := s.regions.Get()
	if err != nil {
		return nil, errs.Wrap(err, "regions")
	}
	return set.Children(parent), nil
}

// DivisionPath names a division code as its place, from the county down to
// the division itself: 兴宁区 › 民生街道 › 兴宁社区. It is nil for a code the
// national tree does not have.
func (s *Service) DivisionPath(code string) []string {
	set, err := s.regions.Get()
	if err != nil {
		return nil
	}
	d, ok := set.Lookup(code)
	if !ok {
		return nil
	}
	var names []string
	for _, a := range set.Ancestors(code) {
		if a.Level >= region.County {
			names = append(names, a.Name)
		}
	}
	return append(names, d.Name)
}

// Division returns the division of a code, if the national tree has it.
func (s *Service) Division(code string) (region.Division, bool) {
	set, err := s.regions.Get()
	if err != nil {
		return region.Division{}, false
	}
	return set.Lookup(code)
}
