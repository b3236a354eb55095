package cases

import (
	"context"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// OrgSignal is what the residents' cases of a year say of one
// organization, for the identification of weak organizations: how many
// integrity reports about it were closed as resolved (查实 and dealt with),
// and how many reporters of the cases it answered for were dissatisfied.
type OrgSignal struct {
	OrgID       int64
	Integrity   int
	Unsatisfied int
}

// RectSignals counts, for each organization of the subtree at path, the
// integrity reports about it closed as resolved in year that the actor may
// know of (visible.go: from a grant holding integrity.read strictly above
// the organization, never those about the cadre the actor's account is
// linked to), and the ratings 不满意 its cases received that year (of any
// round); it returns the organizations with at least minIntegrity of the
// one or minUnsatisfied of the other. Counts only: no case, reporter or
// cadre is named.
func (s *Service) RectSignals(ctx context.Context, actor access.Actor, path string, year, minIntegrity, minUnsatisfied int) ([]OrgSignal, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	from := db.FormatTime(time.Date(year, 1, 1, 0, 0, 0, 0, org.Shanghai))
	to := db.FormatTime(time.Date(year+1, 1, 1, 0, 0, 0, 0, org.Shanghai))
	byOrg := map[int64]*OrgSignal{}
	var order []int64
	add := func(q string, args []any, set func(*OrgSignal, int)) error {
		rows, err := s.db.Query(ctx, q, args...)
		if err != nil {
			return errs.Wrap(err, "case signals")
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return errs.Wrap(err, "scan case signal")
			}
			sg := byOrg[id]
			if sg == nil {
				sg = &OrgSignal{OrgID: id}
				byOrg[id] = sg
				order = append(order, id)
			}
			set(sg, n)
		}
		return errs.Wrap(rows.Err(), "case signals")
	}
	// Each grant holding integrity.read counts the organizations strictly
	// below it; an organization two grants reach is counted once.
	var roots []string
	if actor.System {
		roots = []string{""}
	}
	for _, r := range actor.Scopes(IntegrityRead) {
		if actor.System {
			break
		}
		roots = append(roots, r)
	}
	seen := map[int64]bool{}
	for _, root := range roots {
		cond := access.InSubtree("o.path", path)
		if root != "" {
			cond += " AND " + access.InSubtree("o.path", root) + " AND o.path <> '" + root + "'"
		}
		q := "SELECT c.subject_org_id, COUNT(*) FROM cases c" + org.Join("o", "c.subject_org_id") +
			" WHERE c.kind = ? AND c.state = ? AND c.outcome = ? AND c.closed_at >= ? AND c.closed_at < ? AND " + cond
		args := []any{KindIntegrity, Closed, Resolved, from, to}
		if v.person != 0 {
			q += " AND (c.subject_person_id IS NULL OR c.subject_person_id <> ?)"
			args = append(args, v.person)
		}
		if err := add(q+" GROUP BY c.subject_org_id HAVING COUNT(*) >= ? ORDER BY c.subject_org_id", append(args, minIntegrity), func(sg *OrgSignal, n int) {
			if !seen[sg.OrgID] {
				sg.Integrity, seen[sg.OrgID] = n, true
			}
		}); err != nil {
			return nil, err
		}
	}
	// A rating of 不满意 reopens the case and clears its rating (rateTx):
	// the rate events keep every one, as the statistics count them.
	if err := add("SELECT c.org_id, COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id"+org.Join("o", "c.org_id")+
		" WHERE e.type = 'rate' AND "+ratingSQL("e.body", Unsatisfied)+" AND c.kind <> ? AND e.at >= ? AND e.at < ? AND "+access.InSubtree("o.path", path)+
		" GROUP BY c.org_id HAVING COUNT(*) >= ? ORDER BY c.org_id",
		[]any{KindIntegrity, from, to, minUnsatisfied}, func(sg *OrgSignal, n int) { sg.Unsatisfied = n }); err != nil {
		return nil, err
	}
	out := make([]OrgSignal, len(order))
	for i, id := range order {
		out[i] = *byOrg[id]
	}
	return out, nil
}

// KnowsIntegrity reports whether the actor may know of integrity reports
// about the organization at path: from a grant holding integrity.read
// strictly above it (visible.go). Other modules that show what such
// reports say of an organization ask it first.
func KnowsIntegrity(actor access.Actor, path string) bool {
	return grantAbove(actor, IntegrityRead, path, path)
}
