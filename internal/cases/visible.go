package cases

import (
	"context"
	"slices"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
)

// Who sees a case. A mediation, service or opinion case is seen by those
// who may read cases at its organization or at the organization it was
// dispatched to. An integrity report is seen by those who may read
// integrity reports there, except:
//   - anyone whose grant lies at or inside the organization concerned —
//     only a grant strictly above it counts (the report is routed above it,
//     so a reader's grant at the routed organization always is; the check
//     stays for a tree that moved since);
//   - the account linked to the cadre concerned.
//
// Everything the module shows — a case, lists, counts, statistics,
// exports, notices — goes through sees (in Go) or parts (in SQL), which
// TestVisibleAgrees keeps in agreement.

// viewer is an actor with the person their account is linked to.
type viewer struct {
	access.Actor
	person int64
}

func (s *Service) viewer(ctx context.Context, actor access.Actor) (viewer, error) {
	v := viewer{Actor: actor}
	if actor.UserID == 0 || s.accounts == nil {
		return v, nil
	}
	p, err := s.accounts.PersonOf(ctx, actor.UserID)
	v.person = p
	return v, err
}

// grantAbove reports whether one of the actor's grants holding action
// covers path and lies strictly above subject (or subject is "").
func grantAbove(a access.Actor, action access.Action, path, subject string) bool {
	if a.System {
		return true
	}
	for _, r := range a.Scopes(action) {
		if access.Within(path, r) && (subject == "" || !access.Within(r, subject)) {
			return true
		}
	}
	return false
}

// sees reports whether v may see c.
func (v viewer) sees(c Case) bool {
	if c.Kind != KindIntegrity {
		return v.Can(CasesRead, c.orgPath) || (c.handlerPath != "" && v.Can(CasesRead, c.handlerPath))
	}
	if v.person != 0 && v.person == c.SubjectPersonID {
		return false
	}
	return grantAbove(v.Actor, IntegrityRead, c.orgPath, c.subjectPath) ||
		(c.handlerPath != "" && grantAbove(v.Actor, IntegrityRead, c.handlerPath, c.subjectPath))
}

// handles reports whether v may take a step on c at the organization whose
// path is at: the handling permission there, for integrity reports from a
// grant strictly above the organization concerned.
func (v viewer) handles(c Case, at string) bool {
	if c.Kind != KindIntegrity {
		return v.Can(CasesHandle, at)
	}
	if v.person != 0 && v.person == c.SubjectPersonID {
		return false
	}
	return grantAbove(v.Actor, IntegrityHandle, at, c.subjectPath)
}

// part is one disjoint part of the cases a reader sees: a condition on
// the cases' own columns, with its arguments.
type part struct {
	cond string
	args []any
}

// scope is a subtree a reader sees cases in: at, narrowed to an
// organization the list asks for, within grant, the root of the grant.
type scope struct{ at, grant string }

// narrow turns the reader's grant roots into the subtrees of a list about
// the organization whose path is under ("" for none).
func narrow(roots []string, under string) []scope {
	var out []scope
	for _, r := range roots {
		switch {
		case under == "" || access.Within(r, under):
			out = append(out, scope{at: r, grant: r})
		case access.Within(under, r):
			out = append(out, scope{at: under, grant: r})
		}
	}
	return out
}

// parts returns the disjoint parts of the cases of kinds that v sees
// within the subtree at under (all of them when under is ""): for each
// group of kinds read under one permission, the cases whose responsible
// organization lies in the reader's subtrees, and those dispatched into
// them from outside. Each part reads the cases' own columns only —
// organizations by id, through subqueries with the subtree bounds as
// literals (access.InSubtree) — so that each engine finds a subtree's cases
// through the index on (org_id, kind, state, deadline …) or the one on the
// organization dispatched to, and counts can be read from the index alone.
func (v viewer) parts(kinds []string, under string) []part {
	return v.partsBy(kinds, under, orgsByID)
}

// orgsIn writes the condition that a case's organization — the one
// dispatched to when handler is set — lies in one of the subtrees at paths.
type orgsIn func(handler bool, paths []string) string

// orgsByID reads the organizations by id (see parts).
func orgsByID(handler bool, paths []string) string {
	if handler {
		return inScopes("c.handler_org_id", paths)
	}
	return inScopes("c.org_id", paths)
}

// orgsByPath reads the responsible organization through its path, for a
// source that joins it as o to every case it reads (see wholeTable): the
// engine then reads the cases one by one instead of each organization's
// cases through the index. The organization dispatched to is still found
// by id: few cases have one.
func orgsByPath(handler bool, paths []string) string {
	if handler {
		return inScopes("c.handler_org_id", paths)
	}
	conds := make([]string, len(paths))
	for i, p := range paths {
		conds[i] = access.InSubtree("o.path", p)
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// partsBy is parts with the organizations' conditions written by in. The
// two ways select the same cases: every case has a responsible
// organization, whose path is never NULL.
func (v viewer) partsBy(kinds []string, under string, in orgsIn) []part {
	want := func(k string) bool { return len(kinds) == 0 || slices.Contains(kinds, k) }
	var others []string
	for _, k := range []string{KindMediation, KindService, KindOpinion} {
		if want(k) {
			others = append(others, k)
		}
	}
	if v.System {
		if under == "" {
			return []part{{cond: kindsSQL(kinds)}}
		}
		return []part{{cond: kindsSQL(kinds) + " AND (" + in(false, []string{under}) + " OR " + in(true, []string{under}) + ")"}}
	}
	var out []part
	group := func(ks []string, action access.Action, integrity bool) {
		scopes := narrow(v.Scopes(action), under)
		if len(ks) == 0 || len(scopes) == 0 {
			return
		}
		var ats []string
		for _, sc := range scopes {
			ats = append(ats, sc.at)
		}
		var person []any
		personCond := ""
		if integrity && v.person != 0 {
			personCond = " AND (c.subject_person_id IS NULL OR c.subject_person_id <> ?)"
			person = []any{v.person}
		}
		// The responsible organization in the subtrees. For an integrity
		// report the routing puts it strictly above the organization
		// concerned, so the reader's grant, at or above it, is not inside
		// that organization — unless the tree moved since: then, as in
		// sees, not where the organization concerned is the grant's
		// organization or above it.
		cond := kindsSQL(ks) + " AND " + in(false, ats)
		if integrity {
			var moved []string
			for _, sc := range scopes {
				moved = append(moved, "("+in(false, []string{sc.at})+" AND COALESCE(c.subject_org_id, 0) IN ("+pathIDs(sc.grant)+"))")
			}
			cond += " AND NOT (" + strings.Join(moved, " OR ") + ")"
		}
		out = append(out, part{cond: cond + personCond, args: person})
		// Dispatched into a subtree from outside all of them: for an
		// integrity report, only where the organization concerned is
		// neither the grant's organization nor above it.
		for _, sc := range scopes {
			cond := kindsSQL(ks) + " AND " + in(true, []string{sc.at}) + " AND NOT " + in(false, ats)
			if integrity {
				cond += " AND COALESCE(c.subject_org_id, 0) NOT IN (" + pathIDs(sc.grant) + ")"
			}
			out = append(out, part{cond: cond + personCond, args: person})
		}
	}
	group(others, CasesRead, false)
	if want(KindIntegrity) {
		group([]string{KindIntegrity}, IntegrityRead, true)
	}
	return out
}

// union is the source of the cases of parts that also meet filter: each
// part selects cols from the cases (alias c) under its own condition and
// the filter, followed by suffix (a GROUP BY), and the parts are joined
// with UNION ALL — they are disjoint. With no part it selects nothing.
func union(parts []part, cols, filter string, filterArgs []any, suffix string) (string, []any) {
	if len(parts) == 0 {
		return "(SELECT " + cols + " FROM cases c WHERE 1=0)", nil
	}
	var qs []string
	var args []any
	for _, p := range parts {
		q := "SELECT " + cols + " FROM cases c WHERE " + p.cond
		if filter != "" {
			q += " AND " + filter
		}
		qs = append(qs, q+suffix)
		args = append(args, p.args...)
		args = append(args, filterArgs...)
	}
	return "(" + strings.Join(qs, " UNION ALL ") + ")", args
}

// kindsSQL is the condition that a case is of one of kinds (any when none).
func kindsSQL(kinds []string) string {
	if len(kinds) == 0 {
		return "1=1"
	}
	q := make([]string, len(kinds))
	for i, k := range kinds {
		q[i] = "'" + k + "'" // the module's own constants
	}
	return "c.kind IN (" + strings.Join(q, ", ") + ")"
}

// inScopes is the condition that the organization in col lies in one of
// the subtrees at paths.
func inScopes(col string, paths []string) string {
	conds := make([]string, len(paths))
	for i, p := range paths {
		conds[i] = access.InSubtree("path", p)
	}
	return col + " IN (SELECT id FROM orgs WHERE " + strings.Join(conds, " OR ") + ")"
}

// pathIDs lists the ids of a path — the organization and those above it —
// as SQL literals: "/1/17/" gives 1, 17. Paths hold digits and '/' only.
func pathIDs(path string) string {
	var out []string
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return "0"
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return "0"
	}
	return strings.Join(out, ", ")
}

// get loads a case for v through q, or notFound when v may not see it.
func (s *Service) get(ctx context.Context, q db.Querier, v viewer, id int64) (Case, error) {
	c, err := s.load(ctx, q, id)
	if err != nil {
		return c, err
	}
	if !v.sees(c) {
		return Case{}, notFound()
	}
	return c, nil
}
