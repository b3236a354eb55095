package db

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// This file holds the statements that SQLite and PostgreSQL spell
// differently, each behind one named helper, so that the domain packages
// write their SQL once.

// RowLock is the strength of a PostgreSQL row lock taken by a SELECT.
type RowLock string

// The row-lock strengths the domain needs, from strongest to weakest.
const (
	// ForUpdate blocks every other lock and write of the row: taken on
	// rows about to be changed in ways others must wait for.
	ForUpdate RowLock = "FOR UPDATE"
	// ForNoKeyUpdate makes writers of the row take turns but lets rows
	// that refer to it (FOR KEY SHARE) be written meanwhile.
	ForNoKeyUpdate RowLock = "FOR NO KEY UPDATE"
	// ForKeyShare only keeps the row from being deleted or locked
	// FOR UPDATE while the transaction runs.
	ForKeyShare RowLock = "FOR KEY SHARE"
	// SkipLocked takes rows for update and passes over those another
	// transaction holds: workers sharing a queue each claim other rows.
	SkipLocked RowLock = "FOR UPDATE SKIP LOCKED"
)

// Lock returns the clause that locks the rows a SELECT reads, to be appended
// to it: " FOR UPDATE" and its kin on PostgreSQL, limited to the tables of
// the given aliases when there are any; nothing on SQLite, whose single
// writer holds the whole database for the transaction already.
func (t *Tx) Lock(strength RowLock, of ...string) string {
	if t.d.Dialect != Postgres {
		return ""
	}
	if len(of) > 0 {
		return " " + string(strength) + " OF " + strings.Join(of, ", ")
	}
	return " " + string(strength)
}

// LockRow locks the row of table with the given id for the rest of the
// transaction and returns sql.ErrNoRows when there is none. SQLite's single
// writer serialises transactions already, so there it does nothing and
// reports nothing: the caller's own read of the row finds a missing one.
func (t *Tx) LockRow(ctx context.Context, table string, id int64, strength RowLock) error {
	if t.d.Dialect != Postgres {
		return nil
	}
	if !tableName.MatchString(table) {
		return fmt.Errorf("lock row: bad table name %q", table)
	}
	var x int
	return t.QueryRow(ctx, "SELECT 1 FROM "+table+" WHERE id = ?"+t.Lock(strength), id).Scan(&x)
}

// LockTableExclusive keeps every other writer out of table until the
// transaction ends, while readers go on. SQLite's single writer does so
// already.
func (t *Tx) LockTableExclusive(ctx context.Context, table string) error {
	if t.d.Dialect != Postgres {
		return nil
	}
	if !tableName.MatchString(table) {
		return fmt.Errorf("lock table: bad table name %q", table)
	}
	_, err := t.tx.ExecContext(ctx, "LOCK TABLE "+table+" IN EXCLUSIVE MODE")
	return err
}

// ResetSequence moves the id sequence of table past its largest id, after
// rows were inserted with ids of their own. SQLite hands out the next id
// above the largest one by itself.
func (t *Tx) ResetSequence(ctx context.Context, table string) error {
	if t.d.Dialect != Postgres {
		return nil
	}
	if !tableName.MatchString(table) {
		return fmt.Errorf("reset sequence: bad table name %q", table)
	}
	// Never backwards: a concurrent transaction may hold ids drawn from the
	// sequence above the largest this one sees (NextIDs), which moving the
	// sequence back would hand out again.
	_, err := t.tx.ExecContext(ctx, "SELECT setval(s, GREATEST((SELECT MAX(id) FROM "+table+"), COALESCE(pg_sequence_last_value(s), 1))) FROM (SELECT pg_get_serial_sequence('"+table+"', 'id')::regclass AS s) q")
	return err
}

// NextIDs reserves n ids of table for rows about to be inserted with them:
// from the sequence on PostgreSQL, so that concurrent writers never collide;
// above the largest id on SQLite, whose single writer is this transaction.
func (t *Tx) NextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	if !tableName.MatchString(table) {
		return nil, fmt.Errorf("next ids: bad table name %q", table)
	}
	ids := make([]int64, 0, n)
	if t.d.Dialect == Postgres {
		rows, err := t.Query(ctx, "SELECT nextval(pg_get_serial_sequence('"+table+"', 'id')) FROM generate_series(1, ?)", n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	var last int64
	if err := t.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&last); err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// Analyze refreshes the planner statistics of tables after a bulk write, so
// that PostgreSQL does not plan queries on an empty picture of them; SQLite
// runs PRAGMA optimize, which analyzes what needs it. A failure only costs
// speed, so it is not reported.
func (d *DB) Analyze(ctx context.Context, tables ...string) {
	if q := d.analyzeSQL(tables); q != "" {
		_, _ = d.w.ExecContext(ctx, q)
	}
}

// Analyze is DB.Analyze inside the transaction that wrote the rows: the
// statistics count them and take effect when it commits. On PostgreSQL it
// runs under a savepoint, since a failed statement (a timeout, a cancel)
// would otherwise abort the transaction whose rows it was to count.
func (t *Tx) Analyze(ctx context.Context, tables ...string) {
	q := t.d.analyzeSQL(tables)
	if q == "" {
		return
	}
	if t.d.Dialect != Postgres {
		_, _ = t.tx.ExecContext(ctx, q)
		return
	}
	if _, err := t.tx.ExecContext(ctx, "SAVEPOINT jiceng_analyze"); err != nil {
		return
	}
	if _, err := t.tx.ExecContext(ctx, q); err != nil {
		_, _ = t.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT jiceng_analyze")
	}
	_, _ = t.tx.ExecContext(ctx, "RELEASE SAVEPOINT jiceng_analyze")
}

func (d *DB) analyzeSQL(tables []string) string {
	if d.Dialect != Postgres {
		return "PRAGMA optimize"
	}
	for _, t := range tables {
		if !tableName.MatchString(t) {
			return ""
		}
	}
	return "ANALYZE " + strings.Join(tables, ", ")
}

// InIDs returns the condition that col is one of the ids a subquery
// selects. PostgreSQL gets the ids as an array computed once: as a join or
// IN list its planner may hash a whole large table instead of reading its
// index (measured on the audit log with 600,000 entries: 12 ms against 700 ms
// for a county's count). SQLite plans IN (subquery) well.
func (d *DB) InIDs(col, subquery string) string {
	if d.Dialect == Postgres {
		return col + " = ANY(ARRAY(" + subquery + "))"
	}
	return col + " IN (" + subquery + ")"
}

// IsUniqueViolation reports whether err is a unique-constraint or
// primary-key failure, by the driver's error code.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
