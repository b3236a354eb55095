package org

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// bump adds delta to the (kind, level) count of every organization in ids.
// Every tree change calls it in the same transaction, so the aggregates never
// drift from the rows they summarise.
func bump(ctx context.Context, tx *db.Tx, ids []int64, kind, level string, delta int) error {
	for _, id := range ids {
		_, err := tx.Exec(ctx, `INSERT INTO org_agg (org_id, kind, level, n) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id, kind, level) DO UPDATE SET n = org_agg.n + excluded.n`, id, kind, level, delta)
		if err != nil {
			return errs.Wrap(err, "bump aggregate")
		}
	}
	return nil
}

// ancestorsOf returns the ids strictly above the organization with path.
func ancestorsOf(path string) []int64 {
	ids := PathIDs(path)
	if len(ids) == 0 {
		return nil
	}
	return ids[:len(ids)-1]
}

type combo struct{ kind, level string }

// subtreeCombos counts the active organizations of a subtree, itself
// included, by kind and level.
func subtreeCombos(ctx context.Context, tx *db.Tx, path string) (map[combo]int, error) {
	rows, err := tx.Query(ctx, `SELECT kind, level, COUNT(*) FROM orgs WHERE path >= ? AND path < ? AND status = 'active' GROUP BY kind, level`,
		path, access.PathUpper(path))
	if err != nil {
		return nil, errs.Wrap(err, "subtree combos")
	}
	defer rows.Close()
	out := map[combo]int{}
	for rows.Next() {
		var c combo
		var n int
		if err := rows.Scan(&c.kind, &c.level, &n); err != nil {
			return nil, errs.Wrap(err, "scan combos")
		}
		out[c] = n
	}
	return out, errs.Wrap(rows.Err(), "combos rows")
}

// rebuildAggregates recomputes the aggregates of the whole tree that holds
// rootID from the rows themselves. Bulk work (region init, imports) uses it
// instead of bumping each ancestor once per inserted row.
func rebuildAggregates(ctx context.Context, tx *db.Tx, rootID int64) error {
	rootPath := childPath("", rootID)
	upper := access.PathUpper(rootPath)
	rows, err := tx.Query(ctx, `SELECT path, kind, level FROM orgs WHERE path >= ? AND path < ? AND status = 'active'`, rootPath, upper)
	if err != nil {
		return errs.Wrap(err, "rebuild read")
	}
	type key struct {
		id          int64
		kind, level string
	}
	counts := map[key]int{}
	for rows.Next() {
		var path, kind, level string
		if err := rows.Scan(&path, &kind, &level); err != nil {
			rows.Close()
			return errs.Wrap(err, "rebuild scan")
		}
		for _, a := range ancestorsOf(path) {
			counts[key{a, kind, level}]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "rebuild rows")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM org_agg WHERE org_id IN (SELECT id FROM orgs WHERE path >= ? AND path < ?)`, rootPath, upper); err != nil {
		return errs.Wrap(err, "rebuild delete")
	}
	batch := make([][]any, 0, len(counts))
	for k, n := range counts {
		batch = append(batch, []any{k.id, k.kind, k.level, n})
	}
	return errs.Wrap(tx.BatchInsert(ctx, "org_agg", []string{"org_id", "kind", "level", "n"}, batch, 500), "rebuild insert")
}
