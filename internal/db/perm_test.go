//go:build unix

package db

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestSQLiteFilesPrivate opens a database under the most permissive umask:
// the database, its WAL and shared-memory files and a backup are still
// readable by their owner only, since they hold ballots, accounts and
// password hashes.
func TestSQLiteFilesPrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "p.db")
	d, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.w.ExecContext(ctx, "CREATE TABLE x (a TEXT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.w.ExecContext(ctx, "INSERT INTO x VALUES ('secret')"); err != nil {
		t.Fatal(err)
	}
	// A reader opens the shared-memory file too.
	var n int
	if err := d.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM x").Scan(&n); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	backup := filepath.Join(dir, "copy.db")
	if err := BackupSQLite(ctx, d, backup); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", backup} {
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if m := st.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(p), m)
		}
	}
	// The backup is a whole database.
	c, err := Open(ctx, "sqlite:"+backup)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM x").Scan(&n); err != nil || n != 1 {
		t.Errorf("backup holds %d rows (%v)", n, err)
	}
}

// TestSQLiteExistingFileTightened: a database created by an earlier
// version with the umask's 0644 is made private when opened.
func TestSQLiteExistingFileTightened(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 600", st.Mode().Perm(), err)
	}
}
