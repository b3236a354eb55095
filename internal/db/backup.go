package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"jiceng/internal/errs"
)

// BackupSQLite writes a consistent snapshot of the database to out with
// VACUUM INTO. It runs on a connection of its own, so the server keeps
// writing: WAL gives the snapshot a fixed view without blocking the writer.
// out must not exist; it is created with mode 0600 before SQLite fills it.
func BackupSQLite(ctx context.Context, d *DB, out string) error {
	if d.Dialect != SQLite {
		return errs.New(errs.Invalid, "只有 SQLite 数据库可以这样备份", "only SQLite databases are backed up this way")
	}
	c, err := sql.Open("sqlite", "file:"+d.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return errs.Wrap(err, "open for backup")
	}
	defer c.Close()
	if err := createPrivate(out); err != nil {
		return fmt.Errorf("备份失败：%w", err)
	}
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		_ = os.Remove(out) // the failed VACUUM is the error to report
		return fmt.Errorf("备份失败：%w", err)
	}
	return os.Chmod(out, privateMode)
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict ("ok" when sound).
func IntegrityCheck(ctx context.Context, d *DB) (string, error) {
	var s string
	err := d.R.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&s)
	return s, err
}
