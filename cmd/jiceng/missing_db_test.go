package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/db"
)

func missingMsg(path string) string {
	return "SQLite 数据库 " + path + " 不存在：请检查 --db 或环境变量 JICENG_DB（相对路径从当前目录算起）；新建数据库请运行 jiceng init --region 区划代码"
}

func uninitMsg(name string) string {
	return "数据库 " + name + " 尚未初始化（没有 jiceng 的数据表）：请检查 --db 或环境变量 JICENG_DB；新建数据库请运行 jiceng init --region 区划代码"
}

// runBounded is runCLI with a context that ends after a while, so that a
// serve that starts instead of refusing fails the test instead of hanging.
func runBounded(t *testing.T, stdin string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	if err := run(ctx, args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb); err != nil {
		return out.String(), oneLine(err)
	}
	return out.String(), ""
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestMistypedDatabaseRefused: backup, serve, migrate and user add at a
// mistyped path created an empty database there (and backup an empty
// copy of it) and exited 0. Every command but init and demo now refuses a
// missing database, naming its full path, and creates no file.
func TestMistypedDatabaseRefused(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.db")
	commands := func(url string) [][]string {
		return [][]string{
			{"backup", "--out", filepath.Join(dir, "b.db"), "--db", url},
			{"serve", "--addr", "127.0.0.1:0", "--db", url},
			{"migrate", "--db", url},
			{"user", "add", "--username", "zhangsan", "--role", "auditor", "--org", "45", "--db", url},
		}
	}
	for _, args := range commands("sqlite:" + typo) {
		if _, e := runBounded(t, "Strong-pass-2026\n", args...); e != missingMsg(typo) {
			t.Errorf("%v:\n got %q\nwant %q", args[0], e, missingMsg(typo))
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Fatalf("%v created %v", args[0], names)
		}
	}

	// The default sqlite:jiceng.db is relative to the working directory:
	// the message shows where that was.
	t.Chdir(dir)
	if _, e := runCLI(t, "", "backup", "--out", "b.db"); e != missingMsg(filepath.Join(dir, "jiceng.db")) {
		t.Errorf("default path: %q", e)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("backup with the default path created %v", names)
	}

	// An empty file (left by an earlier version) and a SQLite database of
	// another program are not jiceng's: refused, left as they were.
	if err := os.WriteFile(typo, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	c, err := sql.Open("sqlite", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec("CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, p := range []string{typo, other} {
		for _, args := range commands("sqlite:" + p) {
			if _, e := runBounded(t, "Strong-pass-2026\n", args...); e != uninitMsg(p) {
				t.Errorf("%v %s:\n got %q\nwant %q", args[0], filepath.Base(p), e, uninitMsg(p))
			}
		}
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"other.db", "typo.db"}) {
		t.Errorf("files after the refusals: %v", names)
	}
	if st, _ := os.Stat(typo); st.Size() != 0 {
		t.Errorf("the empty file now has %d bytes", st.Size())
	}

	// init creates the database; then the others accept it.
	url := "sqlite:" + filepath.Join(dir, "j.db")
	if _, e := runCLI(t, "", "init", "--region", "450102", "--db", url); e != "" {
		t.Fatal(e)
	}
	if out, e := runCLI(t, "", "migrate", "--db", url); e != "" || !strings.HasPrefix(out, "数据库结构已是最新") {
		t.Errorf("migrate after init: %q %q", out, e)
	}
	if out, e := runCLI(t, "", "backup", "--out", filepath.Join(dir, "b.db"), "--db", url); e != "" || !strings.HasPrefix(out, "已备份到 ") {
		t.Errorf("backup after init: %q %q", out, e)
	}
}

// TestMigrateOlderSchema: migrate still brings a database of an older
// schema up to date.
func TestMigrateOlderSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	d, err := db.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := d.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(context.Background(), ms[0].SQL); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SchemaVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(context.Background(), "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", ms[0].Version, ms[0].Name, db.Now()); err != nil {
		t.Fatal(err)
	}
	d.Close()
	out, e := runCLI(t, "", "migrate", "--db", "sqlite:"+path)
	want := fmt.Sprintf("已应用 %d 个迁移，数据库结构版本 %d\n", len(ms)-1, ms[len(ms)-1].Version)
	if e != "" || out != want {
		t.Errorf("migrate: %q %q, want %q", out, e, want)
	}
}

// TestUninitialisedPostgresRefused: a PostgreSQL database (here a schema)
// without jiceng's tables is refused, named without its password.
func TestUninitialisedPostgresRefused(t *testing.T) {
	pg := os.Getenv("JICENG_TEST_POSTGRES")
	if pg == "" {
		t.Skip("set JICENG_TEST_POSTGRES to run this on PostgreSQL")
	}
	dbURL := pgSchemaURL(t, pg)
	keyFile := filepath.Join(t.TempDir(), "jiceng.key")
	u, _ := url.Parse(dbURL)
	shown := db.Redact(dbURL)
	for _, args := range [][]string{
		{"migrate", "--db", dbURL},
		{"backup", "--out", filepath.Join(t.TempDir(), "b.dump"), "--db", dbURL},
		{"serve", "--addr", "127.0.0.1:0", "--key-file", keyFile, "--db", dbURL},
		{"user", "add", "--username", "zhangsan", "--role", "auditor", "--org", "45", "--key-file", keyFile, "--db", dbURL},
	} {
		if _, e := runBounded(t, "", args...); e != uninitMsg(shown) {
			t.Errorf("%v:\n got %q\nwant %q", args[0], e, uninitMsg(shown))
		}
	}
	if _, err := os.Stat(keyFile); err == nil {
		t.Error("a refused start created a key file")
	}
	var n int
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.QueryRow("SELECT COUNT(*) FROM pg_tables WHERE schemaname = $1", strings.TrimPrefix(u.Query().Get("options"), "-csearch_path=")).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("the refusals created %d tables", n)
	}
}

// pgSchemaURL creates a schema of its own on the PostgreSQL server pg and
// returns pg with its search_path set to it, through the options parameter
// that both pgx and pg_dump (libpq) understand.
func pgSchemaURL(t *testing.T, pg string) string {
	t.Helper()
	schema := fmt.Sprintf("cmd_%d", rand.Uint32())
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", pg)
		if err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE") // best effort: schemas are per test
			a.Close()
		}
	})
	u, _ := url.Parse(pg)
	q := u.Query()
	q.Set("options", "-csearch_path="+schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// migrated creates the database at url with jiceng's schema and nothing in
// it, as a test's starting point (the commands refuse to create one).
func migrated(t *testing.T, url string) {
	t.Helper()
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}
