package testrig

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/db"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// Fixture is a database seeded once per test binary and copied for every
// test that opens it, so that a suite of tests over the same tree pays for
// building the tree once. On SQLite the seeded file is copied; on PostgreSQL
// the seeded database is the template of a new database per test. The
// package's TestMain must call Main, which removes the seeded original after
// the run.
type Fixture[T any] struct {
	name string
	seed func(ctx context.Context, d *db.DB) (T, error)

	once sync.Once
	val  T
	err  error
	// src is the seeded file (SQLite) or database name (PostgreSQL).
	src string
}

// NewFixture returns a fixture named name (for messages) that seed fills in
// a freshly migrated database the first time a test opens it. What seed
// returns is handed to every test along with its copy, so it must not be
// changed by them. Declare fixtures at package level, next to the tests.
func NewFixture[T any](name string, seed func(ctx context.Context, d *db.DB) (T, error)) *Fixture[T] {
	return &Fixture[T]{name: name, seed: seed}
}

// Open returns a database of the test's own holding a copy of the seeded
// one, removed at cleanup, and the value seed returned.
func (f *Fixture[T]) Open(t testing.TB) (*db.DB, T) {
	t.Helper()
	if !mainCalled {
		t.Fatal("testrig: fixtures need TestMain to call testrig.Main, which removes the seeded original")
	}
	f.once.Do(f.build)
	if f.err != nil {
		t.Fatalf("seed fixture %s: %v", f.name, f.err)
	}
	var d *db.DB
	var err error
	if pg := os.Getenv("JICENG_TEST_POSTGRES"); pg != "" {
		d, err = copyPostgres(t, pg, f.src)
	} else {
		d, err = copySQLite(t, f.src)
	}
	if err != nil {
		t.Fatalf("copy fixture %s: %v", f.name, err)
	}
	return d, f.val
}

// build seeds the original. It runs once; a failure is kept and reported to
// every test that opens the fixture.
func (f *Fixture[T]) build() {
	ctx := context.Background()
	var d *db.DB
	if pg := os.Getenv("JICENG_TEST_POSTGRES"); pg != "" {
		f.src, d, f.err = createPostgresTemplate(ctx, pg)
	} else {
		f.src, d, f.err = createSQLiteTemplate(ctx)
	}
	if f.err != nil {
		return
	}
	if err := migrate(ctx, d); err != nil {
		d.Close()
		f.err = fmt.Errorf("migrate: %w", err)
		return
	}
	f.val, f.err = f.seed(ctx, d)
	if f.err == nil && d.Dialect == db.SQLite {
		// Move every page out of the WAL into the file, so that the
		// file alone is the whole database and can be copied.
		_, f.err = d.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	// PostgreSQL copies a template only while no one is connected to it.
	if err := d.Close(); f.err == nil {
		f.err = err
	}
}

// The originals seeded in this test binary, removed by Main.
var (
	mainCalled  bool
	drops       sync.WaitGroup // the copies being dropped
	originalsMu sync.Mutex
	tempDir     string   // holds the SQLite originals
	templates   []string // PostgreSQL template databases
)

// Main runs the tests of a package that uses fixtures and then removes the
// seeded originals; call it from TestMain:
//
//	func TestMain(m *testing.M) { testrig.Main(m) }
func Main(m *testing.M) {
	mainCalled = true
	code := m.Run()
	drops.Wait()
	if err := removeOriginals(); err != nil {
		fmt.Fprintln(os.Stderr, "testrig:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func removeOriginals() error {
	originalsMu.Lock()
	defer originalsMu.Unlock()
	var errList []error
	if tempDir != "" {
		errList = append(errList, os.RemoveAll(tempDir))
	}
	if len(templates) > 0 {
		admin, err := sql.Open("pgx", os.Getenv("JICENG_TEST_POSTGRES"))
		if err != nil {
			return err
		}
		defer admin.Close()
		for _, name := range templates {
			_, err := admin.Exec("DROP DATABASE " + quote(name) + " WITH (FORCE)")
			errList = append(errList, err)
		}
	}
	return errors.Join(errList...)
}

func createSQLiteTemplate(ctx context.Context) (string, *db.DB, error) {
	originalsMu.Lock()
	if tempDir == "" {
		dir, err := os.MkdirTemp("", "jiceng-fixture-")
		if err != nil {
			originalsMu.Unlock()
			return "", nil, err
		}
		tempDir = dir
	}
	dir := tempDir
	originalsMu.Unlock()
	f, err := os.CreateTemp(dir, "fixture-*.db")
	if err != nil {
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		return "", nil, err
	}
	d, err := db.Open(ctx, "sqlite:"+f.Name())
	return f.Name(), d, err
}

// copySQLite copies the seeded file into the test's temporary directory.
// The original was checkpointed and closed, so it has no WAL beside it.
func copySQLite(t testing.TB, src string) (*db.DB, error) {
	if fi, err := os.Stat(src + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("%s still has a write-ahead log", src)
	}
	dst := filepath.Join(t.TempDir(), "test.db")
	if err := copyFile(dst, src); err != nil {
		return nil, err
	}
	d, err := db.Open(context.Background(), "sqlite:"+dst)
	if err != nil {
		return nil, err
	}
	Cleanup(t, func() { d.Close() })
	return d, nil
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }() // only read
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close() // the copy failed already; that is the error
		return err
	}
	return out.Close()
}

// createPostgresTemplate creates the template database beside the one base
// names, and opens it for seeding.
func createPostgresTemplate(ctx context.Context, base string) (string, *db.DB, error) {
	name, u, err := newDatabase(base, "", "tpl")
	if err != nil {
		return "", nil, err
	}
	originalsMu.Lock()
	templates = append(templates, name)
	originalsMu.Unlock()
	d, err := db.Open(ctx, u)
	return name, d, err
}

// copyPostgres creates a database of the test's own from the template, and
// drops it at cleanup. A new database rather than a schema: PostgreSQL copies
// a whole database file by file, faster than seeding it again.
func copyPostgres(t testing.TB, base, template string) (*db.DB, error) {
	name, u, err := newDatabase(base, template, "t")
	if err != nil {
		return nil, err
	}
	d, err := db.Open(context.Background(), u)
	t.Cleanup(func() {
		if d != nil {
			d.Close()
		}
		// Dropping a database waits for the server to remove its files;
		// the test need not wait with it. Main does, before it drops the
		// template.
		drops.Go(func() {
			if a, err := sql.Open("pgx", base); err == nil {
				// A copy left behind costs disk, not correctness; Main
				// drops what it can and the next run's names differ.
				_, _ = a.Exec("DROP DATABASE " + quote(name) + " WITH (FORCE)")
				a.Close()
			}
		})
	})
	return d, err
}

func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

// newDatabase creates an empty database, or a copy of template, named after
// the database of base with kind and a random suffix, and returns its name
// and URL.
func newDatabase(base, template, kind string) (string, string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", "", err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		name = "jiceng"
	}
	name = fmt.Sprintf("%s_%s_%s", name, kind, hex.EncodeToString(b))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", "", err
	}
	defer admin.Close()
	q := "CREATE DATABASE " + quote(name)
	if template != "" {
		q += " TEMPLATE " + quote(template)
	}
	if _, err := admin.Exec(q); err != nil {
		return "", "", err
	}
	u.Path = "/" + name
	return name, u.String(), nil
}

// migrated is the empty database NewTestDB copies.
var migrated = NewFixture("migrated", func(context.Context, *db.DB) (struct{}, error) { return struct{}{}, nil })

// Tree returns a fixture holding the territorial tree of the region code,
// as InitRegion builds it for the system actor, and nothing else; Open
// hands over InitRegion's result. Each test binary seeds it once.
func Tree(regions *region.Holder, code string) *Fixture[org.InitResult] {
	return NewFixture("tree "+code, func(ctx context.Context, d *db.DB) (org.InitResult, error) {
		return org.NewService(d, regions).InitRegion(ctx, Admin, code)
	})
}
