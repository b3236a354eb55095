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
	if per <= 0 {
		per = 400
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	// The full-size statement is prepared once: parsing a 500-row INSERT on
	// every call costs more than executing it on SQLite.
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
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
				if full, err = t.Tx.PrepareContext(ctx, t.d.Rebind(head+strings.TrimSuffix(strings.Repeat(one+",", n), ","))); err != nil {
					return err
				}
			}
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		if _, err := t.Tx.ExecContext(ctx, t.d.Rebind(head+strings.TrimSuffix(strings.Repeat(one+",", n), ",")), args...); err != nil {
			return err
		}
	}
	return nil
}
