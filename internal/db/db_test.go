package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "secure_delete": "1"} {
		var got string
		if err := d.w.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != want {
			t.Errorf("writer %s = %q (%v), want %q", pragma, got, err, want)
		}
	}
	var qo string
	if err := d.r.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo); err != nil || qo != "1" {
		t.Errorf("reader query_only = %q (%v)", qo, err)
	}
	if _, err := d.r.ExecContext(ctx, "CREATE TABLE x (a)"); err == nil {
		t.Error("the read pool accepted a write")
	}
}

func TestRebind(t *testing.T) {
	pg := &DB{Dialect: Postgres}
	if got := pg.Rebind("SELECT ? , '?' , ?"); got != "SELECT $1 , '?' , $2" {
		t.Errorf("postgres rebind %q", got)
	}
	lite := &DB{Dialect: SQLite}
	if got := lite.Rebind("SELECT ?"); got != "SELECT ?" {
		t.Errorf("sqlite rebind %q", got)
	}
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	_, err := Open(context.Background(), "mysql://root:secret@localhost/x")
	// The password in the URL is not repeated in the message.
	if err == nil || err.Error() != `不支持的数据库地址 "mysql://root@localhost/x"：请使用 sqlite:文件路径 或 postgres://用户@主机/库名` {
		t.Errorf("error %v", err)
	}
}

// TestIsUniqueViolation checks the drivers' error codes on SQLite, and on
// PostgreSQL when JICENG_TEST_POSTGRES names a database (in a temporary
// table, one transaction per statement since a failed statement ends a
// PostgreSQL transaction).
func TestIsUniqueViolation(t *testing.T) {
	ctx := context.Background()
	d := openEngine(t)
	exec := func(q string) error {
		return d.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(ctx, "CREATE TEMP TABLE x (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER NOT NULL)"); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO x (id, name, n) VALUES (1, 'a', 1)"); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
			return errors.New("rolled back")
		})
	}
	dupName := exec("INSERT INTO x (id, name, n) VALUES (2, 'a', 1)")
	dupID := exec("INSERT INTO x (id, name, n) VALUES (1, 'b', 1)")
	null := exec("INSERT INTO x (id, name, n) VALUES (3, 'c', NULL)")
	if !IsUniqueViolation(dupName) || !IsUniqueViolation(dupID) {
		t.Errorf("duplicates not recognised: %v / %v", dupName, dupID)
	}
	if null == nil || null.Error() == "rolled back" || IsUniqueViolation(null) || IsUniqueViolation(nil) {
		t.Errorf("a NOT NULL failure (%v) or no error counted as a duplicate", null)
	}
}

// TestAnalyzeFailureKeepsTransaction: an ANALYZE that fails inside a
// transaction (here of a table that does not exist) leaves the transaction
// usable, on PostgreSQL too, where a failed statement aborts it.
func TestAnalyzeFailureKeepsTransaction(t *testing.T) {
	ctx := context.Background()
	d := openEngine(t)
	var n int
	err := d.InTx(ctx, func(tx *Tx) error {
		tx.Analyze(ctx, "no_such_table")
		return tx.QueryRow(ctx, "SELECT 1 + 1").Scan(&n)
	})
	if err != nil || n != 2 {
		t.Errorf("after a failed ANALYZE: %d, %v", n, err)
	}
}

// openEngine opens the PostgreSQL database JICENG_TEST_POSTGRES names, or
// else a new SQLite file; it is closed when the test ends.
func openEngine(t *testing.T) *DB {
	t.Helper()
	url := "sqlite:" + filepath.Join(t.TempDir(), "t.db")
	if pg := os.Getenv("JICENG_TEST_POSTGRES"); pg != "" {
		url = pg
	}
	d, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}
