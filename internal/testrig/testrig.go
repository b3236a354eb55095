// Package testrig gives tests a fresh, migrated database: a temporary SQLite
// file, or a database or private schema of their own on PostgreSQL when
// JICENG_TEST_POSTGRES holds a URL. CI sets the variable, so the same suites
// run on both engines. A Fixture seeds a database once per test binary and
// hands each test a copy.
package testrig

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/db"
)

// NewTestDB opens a migrated database that the test owns and removes at
// cleanup. In a package whose TestMain calls Main it is a copy of one
// migrated once for the test binary, which is faster than migrating again.
func NewTestDB(t testing.TB) *db.DB {
	t.Helper()
	if mainCalled {
		d, _ := migrated.Open(t)
		return d
	}
	ctx := context.Background()
	var d *db.DB
	var err error
	if pg := os.Getenv("JICENG_TEST_POSTGRES"); pg != "" {
		d, err = openPostgresSchema(t, pg)
	} else {
		d, err = db.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
		if err == nil {
			Cleanup(t, func() { d.Close() })
		}
	}
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	if err := migrate(ctx, d); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}

// Engine names the engine tests run on, for log lines.
func Engine() string {
	if os.Getenv("JICENG_TEST_POSTGRES") != "" {
		return "postgres"
	}
	return "sqlite"
}

// openPostgresSchema creates a schema of its own for the test and points
// every connection's search_path at it, so parallel tests never meet.
func openPostgresSchema(t testing.TB, base string) (*db.DB, error) {
	schema := "t_" + strings.ToLower(rand.Text())
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	d, err := db.Open(context.Background(), u.String())
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		d.Close()
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE") // best effort: schemas are per test
			a.Close()
		}
	})
	return d, nil
}

// FastParams are cheap argon2id parameters for tests; production never uses them.
var FastParams = account.Params{Time: 1, Memory: 64, Threads: 1}

// Admin is the system actor tests use to set up fixtures.
var Admin = access.SystemActor("test")

// DumpTable renders every row of a table as text, for tests that look for a
// secret in whatever a module stored.
func DumpTable(t testing.TB, ctx context.Context, d *db.DB, table string) string {
	t.Helper()
	rows, err := d.Query(ctx, "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprint(&b, v, "\t")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Cleanup runs release at the end of t and then forgets it. The testing
// package keeps every parallel test, with the cleanups it registered, until
// the whole package has run; a cleanup that holds a test server holds its
// application too (some 40 MB of parsed pages and caches), and three hundred
// of them held at once ran the race-detector build out of memory.
func Cleanup(t testing.TB, release func()) {
	t.Cleanup(func() {
		r := release
		release = nil
		r()
	})
}
