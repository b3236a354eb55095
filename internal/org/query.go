package org

import (
	"context"

	"jiceng/internal/db"
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
