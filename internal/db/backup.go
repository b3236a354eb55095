package db

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"

	"jiceng/internal/errs"
)

// DumpError is a failure of a PostgreSQL backup: the backup file could not
// be created, or pg_dump failed.
type DumpError struct{ msg string }

func (e *DumpError) Error() string { return e.msg }

// Backup writes a backup of d to out, which must not exist: a SQLite file
// made with VACUUM INTO (see BackupSQLite), or a pg_dump archive in custom
// format. The archive holds password hashes and ballots, so the file is
// created 0600 first and pg_dump writes into it without changing its mode;
// pg_dump's messages go to stderr. Failures of the PostgreSQL path are
// *DumpError.
func Backup(ctx context.Context, d *DB, out string, stderr io.Writer) error {
	if d.Dialect != Postgres {
		return BackupSQLite(ctx, d, out)
	}
	if err := CreateBackupFile(out); err != nil {
		return &DumpError{fmt.Sprintf("无法创建 %s：%v", out, err)}
	}
	cmd := pgDumpCommand(ctx, d.URL, out)
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		_ = os.Remove(out) // the failed dump is the error to report
		return &DumpError{fmt.Sprintf("pg_dump 失败：%v", err)}
	}
	return nil
}

// pgDumpCommand runs pg_dump on the database at url into out. A password
// in url goes to pg_dump in its environment as PGPASSWORD, which only the
// same user can read, and the URL on its command line has none: any user
// of the machine can read a command line with ps.
func pgDumpCommand(ctx context.Context, url, out string) *exec.Cmd {
	pw, rest, ok := Password(url)
	cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--file="+out, rest)
	if ok {
		cmd.Env = append(os.Environ(), "PGPASSWORD="+pw)
	}
	return cmd
}

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
	err := d.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&s)
	return s, err
}
