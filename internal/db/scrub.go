package db

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"jiceng/internal/errs"
)

// tableName is what Scrub accepts as a table: it is written into the
// statement, since neither VACUUM nor a pragma takes parameters.
var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Scrub removes what deleted and updated rows of the tables leave behind
// in the engine's files, once their transaction has committed: the old row
// versions of PostgreSQL, which keep the id (xmin) of the transaction that
// wrote them, and the SQLite write-ahead log, which keeps whole pages as
// each transaction left them. Rows removed or rewritten on purpose — ballots
// leaving the inbox, tokens rewritten at close — then survive neither as
// dead tuples nor as WAL frames (SQLite's secure_delete zeroes them in the
// main file).
//
// On PostgreSQL it runs VACUUM on the tables, which cannot run inside a
// transaction: it takes a connection of the pool, outside any. VACUUM can
// remove only versions that no open transaction may still see; a version
// kept by a long reader goes at the next Scrub or autovacuum. On SQLite it
// checkpoints the WAL into the database and truncates it to zero bytes, on
// the writer connection (the tables do not matter: the WAL is shared). It
// fails when readers kept the checkpoint from finishing.
func (d *DB) Scrub(ctx context.Context, tables ...string) error {
	switch d.Dialect {
	case Postgres:
		if len(tables) == 0 {
			return nil
		}
		for _, t := range tables {
			if !tableName.MatchString(t) {
				return fmt.Errorf("scrub: bad table name %q", t)
			}
		}
		_, err := d.w.ExecContext(ctx, "VACUUM "+strings.Join(tables, ", "))
		return errs.Wrap(err, "vacuum "+strings.Join(tables, ", "))
	default:
		var busy, logFrames, done int
		if err := d.w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
			return errs.Wrap(err, "wal checkpoint")
		}
		if busy != 0 {
			return fmt.Errorf("wal checkpoint: readers kept the log from being truncated (%d of %d frames copied)", done, logFrames)
		}
		return nil
	}
}
