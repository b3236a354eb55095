package org

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/errs"
)

// Counts is the organization part of subtree statistics. Total counts the
// organization itself (when active) and its whole active subtree.
type Counts struct {
	Total   int            `json:"total"`
	ByKind  map[string]int `json:"by_kind"`
	ByLevel map[string]int `json:"by_level"`
	// Children is the number of active direct children.
	Children int `json:"children"`
}

// Stats reads the subtree statistics of an organization from its
// aggregates: a handful of rows whatever the size of the subtree.
func (s *Service) Stats(ctx context.Context, actor access.Actor, id int64) (Org, Counts, error) {
	o, err := s.Get(ctx, actor, id)
	if err != nil {
		return Org{}, Counts{}, err
	}
	c, err := s.counts(ctx, o)
	return o, c, err
}

func (s *Service) counts(ctx context.Context, o Org) (Counts, error) {
	c := Counts{ByKind: map[string]int{}, ByLevel: map[string]int{}}
	if o.Active() {
		c.Total = 1
		c.ByKind[o.Kind] = 1
		c.ByLevel[o.Level] = 1
	}
	rows, err := s.db.Query(ctx, "SELECT kind, level, n FROM org_agg WHERE org_id = ? AND n > 0", o.ID)
	if err != nil {
		return c, errs.Wrap(err, "stats")
	}
	defer rows.Close()
	for rows.Next() {
		var kind, level string
		var n int
		if err := rows.Scan(&kind, &level, &n); err != nil {
			return c, errs.Wrap(err, "stats scan")
		}
		c.Total += n
		c.ByKind[kind] += n
		c.ByLevel[level] += n
	}
	if err := rows.Err(); err != nil {
		return c, errs.Wrap(err, "stats rows")
	}
	err = s.db.QueryRow(ctx, "SELECT COUNT(*) FROM orgs WHERE parent_id = ? AND status = 'active'", o.ID).Scan(&c.Children)
	return c, errs.Wrap(err, "children count")
}

// RecountCTE counts the active subtree of id with a recursive query over
// parent links. It is the baseline the benchmarks and tests compare the
// aggregates with, never used to serve requests.
func (s *Service) RecountCTE(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `WITH RECURSIVE sub(id) AS (
			SELECT id FROM orgs WHERE id = ? AND status = 'active'
			UNION ALL
			SELECT o.id FROM orgs o JOIN sub ON o.parent_id = sub.id WHERE o.status = 'active')
		SELECT COUNT(*) FROM sub`, id).Scan(&n)
	return n, errs.Wrap(err, "recount")
}
