package db

import (
	"context"
	"database/sql"
	"strings"
)

// BatchInsert inserts rows into table in multi-row INSERT statements of at
// most per rows each, inside tx. Bulk work (region init, imports) uses it so
// that a statement carries hundreds of rows instead of one.
func (t *Tx) BatchInsert(ctx context.Context, table string, cols []string, rows [][]any, per int) error {
	return t.BatchInsertOn(ctx, table, cols, rows, per, "")
}

// BatchInsertOn is BatchInsert with a clause after the VALUES of each
// statement, such as ON CONFLICT (…) DO UPDATE SET …, which SQLite and
// PostgreSQL spell alike. The rows of one call must not conflict with each
// other: PostgreSQL refuses to update a row twice in one statement.
func (t *Tx) BatchInsertOn(ctx context.Context, table string, cols []string, rows [][]any, per int, onConflict string) error {
	if per <= 0 {
		per = 400
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	tail := ""
	if onConflict != "" {
		tail = " " + onConflict
	}
	// The full-size statement is prepared once: parsing a 500-row INSERT on
	// every call costs more than executing it on SQLite.
	var full *sql.Stmt
	defer func() {
		if full != nil {
			_ = full.Close() // a statement of a finished transaction; its work is done
		}
	}()
	args := make([]any, 0, per*len(cols))
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		n := end - start
		args = args[:0]
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		if n == per {
			if full == nil {
				var err error
				if full, err = t.tx.PrepareContext(ctx, t.d.Rebind(head+strings.TrimSuffix(strings.Repeat(one+",", n), ",")+tail)); err != nil {
					return err
				}
			}
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		if _, err := t.tx.ExecContext(ctx, t.d.Rebind(head+strings.TrimSuffix(strings.Repeat(one+",", n), ",")+tail), args...); err != nil {
			return err
		}
	}
	return nil
}
