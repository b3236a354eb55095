package db

import (
	"os"

	"jiceng/internal/errs"
)

// The database holds password hashes, sessions and ballots: its files are
// for the account that runs jiceng alone, whatever the umask says.
const privateMode = 0o600

// makePrivate creates the SQLite file at path with mode 0600 before SQLite
// opens it (SQLite would create it with 0644 less the umask, and gives its
// -wal and -shm files the mode of the database file), and narrows the mode
// of a file created by an earlier version.
func makePrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, privateMode)
	if err != nil {
		return errs.Newf(errs.Invalid, "无法打开 SQLite 数据库 %s：%v", "cannot open SQLite database %s: %v", path, err)
	}
	_ = f.Close() // opened only to create it; nothing was written
	// A file owned by someone else cannot be changed; SQLite reports
	// whether it can be used at all.
	_ = os.Chmod(path, privateMode)
	return nil
}

// privateSidecars narrows the WAL and shared-memory files that exist
// beside path, in case they were left by an earlier version.
func privateSidecars(path string) {
	for _, p := range []string{path + "-wal", path + "-shm", path + "-journal"} {
		_ = os.Chmod(p, privateMode)
	}
}

// createPrivate creates the new file out with mode 0600, refusing to
// overwrite an existing one, so that a backup is private from its first
// byte.
func createPrivate(out string) error {
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, privateMode)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(out, privateMode)
}

// CreateBackupFile creates the empty backup file out, mode 0600, for a
// tool such as pg_dump to fill; it fails when out exists.
func CreateBackupFile(out string) error { return createPrivate(out) }
