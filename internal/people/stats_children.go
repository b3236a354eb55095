package people

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// ChildCount is one child organization's members, counted over its subtree.
type ChildCount struct {
	OrgID        int64  `json:"org_id"`
	Name         string `json:"name"`
	Total        int    `json:"total"`
	Probationary int    `json:"probationary"`
	Women        int    `json:"women"`
}

// ChildCounts returns the members of each child of an organization the
// actor may read, from the counts kept with the tree, largest first.
func (s *Service) ChildCounts(ctx context.Context, actor access.Actor, orgID int64) ([]ChildCount, error) {
	if _, err := s.orgs.Check(ctx, actor, orgID, PeopleRead); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, `+org.LabelCol("o")+`, a.dim, a.val, a.n FROM orgs o JOIN people_agg a ON a.org_id = o.id
		WHERE o.parent_id = ? AND o.status = ? AND a.n <> 0 AND (a.dim = 'all' OR (a.dim = 'kind' AND a.val = 'probationary') OR (a.dim = 'gender' AND a.val = 'female'))`,
		orgID, org.StatusActive)
	if err != nil {
		return nil, errs.Wrap(err, "members of the children")
	}
	defer rows.Close()
	by := map[int64]*ChildCount{}
	var out []*ChildCount
	for rows.Next() {
		var id int64
		var name, dim, val string
		var n int
		if err := rows.Scan(&id, &name, &dim, &val, &n); err != nil {
			return nil, errs.Wrap(err, "scan members of the children")
		}
		c := by[id]
		if c == nil {
			c = &ChildCount{OrgID: id, Name: name}
			by[id] = c
			out = append(out, c)
		}
		switch dim {
		case "all":
			c.Total = n
		case "kind":
			c.Probationary = n
		case "gender":
			c.Women = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "members of the children")
	}
	res := make([]ChildCount, len(out))
	for i, c := range out {
		res[i] = *c
	}
	// Largest first; equal ones in the order of their names.
	slices.SortFunc(res, func(a, b ChildCount) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), strings.Compare(a.Name, b.Name))
	})
	return res, nil
}
