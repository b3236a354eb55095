package db

import (
	"context"
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
	var stmtFull string
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		n := end - start
		var q string
		if n == per && stmtFull != "" {
			q = stmtFull
		} else {
			q = t.d.Rebind(head + strings.TrimSuffix(strings.Repeat(one+",", n), ","))
			if n == per {
				stmtFull = q
			}
		}
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		if _, err := t.Tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}
