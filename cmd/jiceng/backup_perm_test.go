//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBackupFilesPrivate runs init and backup under the most permissive
// umask: the database and the backup are the owner's alone (0600), on
// SQLite and, when a test server is given, through pg_dump.
func TestBackupFilesPrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	urls := map[string]string{"sqlite": "sqlite:" + live}
	if pg := os.Getenv("JICENG_TEST_POSTGRES"); pg != "" {
		urls["postgres"] = pgSchemaURL(t, pg)
		migrated(t, urls["postgres"])
	}
	for engine, url := range urls {
		if engine == "sqlite" {
			if _, e := runCLI(t, "", "init", "--region", "450102", "--db", url); e != "" {
				t.Fatal(e)
			}
		}
		out := filepath.Join(dir, engine+"-copy.db")
		if o, e := runCLI(t, "", "backup", "--out", out, "--db", url); e != "" || !strings.HasPrefix(o, "已备份到 ") {
			t.Fatalf("%s backup: %q %q", engine, o, e)
		}
		files := []string{out}
		if engine == "sqlite" {
			files = append(files, live)
		}
		for _, p := range files {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if m := st.Mode().Perm(); m != 0o600 {
				t.Errorf("%s: %s has mode %o, want 600", engine, filepath.Base(p), m)
			}
		}
	}
}
