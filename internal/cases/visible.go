package cases

import (
	"context"
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
// exports, notices — goes through these two functions, the one in Go and
// the one in SQL, so that they cannot disagree.

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

// visibleSQL is the condition, on a query over caseFrom, that keeps the
// cases v sees, with its arguments; kinds narrows it to some kinds (all
// when empty). Subtree bounds go in as literals (access.InSubtree).
func (v viewer) visibleSQL(kinds ...string) (string, []any) {
	want := func(k string) bool {
		if len(kinds) == 0 {
			return true
		}
		for _, x := range kinds {
			if x == k {
				return true
			}
		}
		return false
	}
	var parts []string
	var args []any
	if v.System {
		return "1=1", nil
	}
	if want(KindMediation) || want(KindService) || want(KindOpinion) {
		var in []string
		for _, r := range v.Scopes(CasesRead) {
			in = append(in, access.InSubtree("o.path", r), access.InSubtree("ho.path", r))
		}
		if len(in) > 0 {
			parts = append(parts, "(c.kind <> 'integrity' AND ("+strings.Join(in, " OR ")+"))")
		}
	}
	if want(KindIntegrity) {
		var in []string
		for _, r := range v.Scopes(IntegrityRead) {
			// The organization concerned is not r nor above it: its path
			// is none of r's prefixes.
			in = append(in, "(("+access.InSubtree("o.path", r)+" OR "+access.InSubtree("ho.path", r)+") AND so.path NOT IN ("+prefixes(r)+"))")
		}
		if len(in) > 0 {
			cond := "(c.kind = 'integrity' AND (" + strings.Join(in, " OR ") + ")"
			if v.person != 0 {
				cond += " AND (c.subject_person_id IS NULL OR c.subject_person_id <> ?)"
				args = append(args, v.person)
			}
			parts = append(parts, cond+")")
		}
	}
	if len(parts) == 0 {
		return "1=0", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// prefixes lists the paths of path and its ancestors as SQL literals:
// "/1/17/" gives '/1/', '/1/17/'. Paths hold digits and '/' only.
func prefixes(path string) string {
	var out []string
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			p := path[:i+1]
			if strings.Trim(p, "/0123456789") != "" {
				return "''"
			}
			out = append(out, "'"+p+"'")
		}
	}
	if len(out) == 0 {
		return "''"
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
