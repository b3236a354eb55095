package org

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// This file is what other modules read of the organization tree without
// the actor checks of Get and List: the facts they need inside their own
// transactions, and the pieces of SQL with which their queries join the
// tree where a join is needed for speed. The SQL about organizations stays
// here, so that a change to the table changes this package only.

// Ref is what another module needs to know of an organization by id.
type Ref struct {
	ID        int64
	Path      string
	Name      string
	ShortName string
	Kind      string
	Status    string
}

// Label is the short name when there is one, else the full name.
func (r Ref) Label() string {
	if r.ShortName != "" {
		return r.ShortName
	}
	return r.Name
}

// Active reports whether the organization has not been dissolved.
func (r Ref) Active() bool { return r.Status == StatusActive }

// Lookup reads the organization id through q, which may be the caller's
// transaction, so that what it reads is consistent with the caller's locks.
// It does not check the reader's grants: callers check the path they get.
// A missing organization is sql.ErrNoRows.
func Lookup(ctx context.Context, q db.Querier, id int64) (Ref, error) {
	var r Ref
	err := q.QueryRow(ctx, "SELECT id, path, name, short_name, kind, status FROM orgs WHERE id = ?", id).
		Scan(&r.ID, &r.Path, &r.Name, &r.ShortName, &r.Kind, &r.Status)
	return r, err
}

// Join returns the clause joining the organizations table as alias on
// alias.id = col, for example Join("a", "u.affiliation_org_id").
func Join(alias, col string) string {
	return " JOIN orgs " + alias + " ON " + alias + ".id = " + col
}

// LeftJoin is Join for a column that may be NULL.
func LeftJoin(alias, col string) string {
	return " LEFT JOIN orgs " + alias + " ON " + alias + ".id = " + col
}

// PathCol is the materialized path of the organization joined as alias.
func PathCol(alias string) string { return alias + ".path" }

// NameCol is the full name of the organization joined as alias.
func NameCol(alias string) string { return alias + ".name" }

// StatusCol is the status ('active' or 'dissolved') of the organization
// joined as alias.
func StatusCol(alias string) string { return alias + ".status" }

// LabelCol is Ref.Label of the organization joined as alias, computed by
// the query.
func LabelCol(alias string) string {
	return "CASE WHEN " + alias + ".short_name <> '' THEN " + alias + ".short_name ELSE " + alias + ".name END"
}

// Territorial reads, through q, the territorial organization that stands
// for the division code, as Lookup does; none is sql.ErrNoRows.
func Territorial(ctx context.Context, q db.Querier, code string) (Ref, error) {
	var r Ref
	err := q.QueryRow(ctx, "SELECT id, path, name, short_name, kind, status FROM orgs WHERE region_code = ? AND territorial = ?", code, true).
		Scan(&r.ID, &r.Path, &r.Name, &r.ShortName, &r.Kind, &r.Status)
	return r, err
}

// Place is a territorial organization with the division it stands for.
type Place struct {
	Ref
	Level      string // the division's level: province, city, county, township, village
	Code       string // the division code
	RegionName string // the division's name
}

// TerritorialUnder reads, through q, the active territorial organizations
// of the subtree at path, in division-code order (so each parent comes
// before its children), for demo data and other whole-region work.
func TerritorialUnder(ctx context.Context, q db.Querier, path string) ([]Place, error) {
	rows, err := q.Query(ctx, `SELECT id, path, name, short_name, kind, status, level, region_code, region_name FROM orgs
		WHERE territorial = ? AND status = 'active' AND path >= ? AND path < ? ORDER BY region_code`, true, path, strings.TrimSuffix(path, "/")+"0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		var p Place
		if err := rows.Scan(&p.ID, &p.Path, &p.Name, &p.ShortName, &p.Kind, &p.Status, &p.Level, &p.Code, &p.RegionName); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// lookupChunk is the number of ids LookupMany reads per query.
const lookupChunk = 500

// LookupMany reads the organizations ids through q, as Lookup does, a few
// hundred per query; the missing ones are absent from the map.
func LookupMany(ctx context.Context, q db.Querier, ids []int64) (map[int64]Ref, error) {
	out := make(map[int64]Ref, len(ids))
	for start := 0; start < len(ids); start += lookupChunk {
		part := ids[start:min(start+lookupChunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := q.Query(ctx, "SELECT id, path, name, short_name, kind, status FROM orgs WHERE id IN ("+
			strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r Ref
			if err := rows.Scan(&r.ID, &r.Path, &r.Name, &r.ShortName, &r.Kind, &r.Status); err != nil {
				rows.Close()
				return nil, err
			}
			out[r.ID] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AuditNames names the organizations of audit entries by their ids, for
// the audit log (see audit.Namer).
func (s *Service) AuditNames(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
	return audit.NamesByID(ctx, s.db, actor, "SELECT id, "+LabelCol("orgs")+", path FROM orgs WHERE id IN", ids)
}

// CommonPath returns the longest materialized path that every one of paths
// lies under, "" for none: the organization an audit entry of a change to
// many organizations is filed at.
func CommonPath(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	p := paths[0]
	for _, q := range paths[1:] {
		for !strings.HasPrefix(q, p) {
			p = p[:strings.LastIndex(strings.TrimSuffix(p, "/"), "/")+1]
		}
	}
	return p
}

// NoProvince is the province code of rows that belong to no province: those
// of organizations above every province (a national committee).
const NoProvince = "00"

// ProvinceOf is the province code of a division code: its first two digits,
// the key the large tables carry so that they can be partitioned
// (docs/OPERATIONS.md, “Partitioning”).
func ProvinceOf(code string) string {
	if len(code) < 2 {
		return NoProvince
	}
	return code[:2]
}

// Province reads, through q, the province an organization's rows are kept
// under: that of its own region, else of its nearest ancestor with one
// (a Party branch of an enterprise has no region of its own), else
// NoProvince. It is fixed when a row is written: an organization moved to
// another province later leaves its older rows where they are, which only
// costs locality, never correctness, as no query filters by it.
func Province(ctx context.Context, q db.Querier, orgID int64) (string, error) {
	var code sql.NullString
	err := q.QueryRow(ctx, `WITH RECURSIVE up(id, parent_id, region_code, depth) AS (
			SELECT id, parent_id, region_code, depth FROM orgs WHERE id = ?
			UNION ALL
			SELECT o.id, o.parent_id, o.region_code, o.depth FROM orgs o JOIN up ON o.id = up.parent_id WHERE up.region_code IS NULL)
		SELECT region_code FROM up WHERE region_code IS NOT NULL`, orgID).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return NoProvince, nil
	}
	if err != nil {
		return "", errs.Wrap(err, "province")
	}
	return ProvinceOf(code.String), nil
}
