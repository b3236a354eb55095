package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/db"
)

// TestUpgradeFromEveryVersion upgrades a populated database from every
// schema version jiceng has had to the current one, on SQLite and (with
// JICENG_TEST_POSTGRES) PostgreSQL. For each version it builds the binary
// of the last commit whose newest migration was that version, lets it
// create the demo of 兴宁区 with every module of its day, runs the current
// `jiceng migrate`, and checks that every table the old version had keeps
// its rows — the count and the first rows by key, column by column — and
// that the old binary then refuses the newer schema. The old binaries are
// kept in the user's cache directory by commit, so a machine builds each
// once.
func TestUpgradeFromEveryVersion(t *testing.T) {
	if os.Getenv("JICENG_E2E") != "1" {
		t.Skip("end-to-end test: set JICENG_E2E=1 to run it (it builds the binary of every schema version)")
	}
	root := moduleRoot(t)
	if out, _ := exec.Command("git", "-C", root, "rev-parse", "--is-shallow-repository").Output(); strings.TrimSpace(string(out)) != "false" {
		t.Skip("the upgrade test needs the whole git history (a shallow or missing clone has no old versions to build)")
	}
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	versions := schemaVersions(t, root)
	if len(versions) < 2 {
		t.Fatalf("found %d schema versions in the history", len(versions))
	}
	latest := versions[len(versions)-1].version
	for _, v := range versions[:len(versions)-1] {
		old := oldBinary(t, root, v.commit)
		t.Run(fmt.Sprintf("v%02d/sqlite", v.version), func(t *testing.T) {
			upgradeFrom(t, old, bin, "sqlite:"+filepath.Join(t.TempDir(), "old.db"), v.version, latest)
		})
		if pg := os.Getenv("JICENG_TEST_POSTGRES"); pg != "" {
			t.Run(fmt.Sprintf("v%02d/postgres", v.version), func(t *testing.T) {
				upgradeFrom(t, old, bin, pgSchema(t, pg), v.version, latest)
			})
		}
	}
}

type schemaVersion struct {
	version int
	commit  string // the last commit whose newest migration is version
}

// schemaVersions lists every schema version the history has had (along
// the first parents of HEAD), each with the last commit whose newest
// migration it was: the version in its final form. Versions are not in the
// order their files were added (work that waited was renumbered), so each
// commit's own tree is read.
func schemaVersions(t *testing.T, root string) []schemaVersion {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "rev-list", "--first-parent", "--reverse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-list: %v", err)
	}
	last := map[int]string{}
	for _, c := range strings.Fields(string(out)) {
		names, err := exec.Command("git", "-C", root, "ls-tree", "--name-only", c, "internal/db/migrations/sqlite/").Output()
		if err != nil {
			t.Fatalf("git ls-tree %s: %v", c, err)
		}
		top := 0
		for _, n := range strings.Fields(string(names)) {
			if v, err := strconv.Atoi(strings.SplitN(filepath.Base(n), "_", 2)[0]); err == nil && v > top {
				top = v
			}
		}
		if top > 0 {
			last[top] = c
		}
	}
	var vs []schemaVersion
	for v, c := range last {
		vs = append(vs, schemaVersion{version: v, commit: c})
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].version < vs[j].version })
	return vs
}

// oldBinary builds jiceng as of commit into the user's cache directory,
// once per machine.
func oldBinary(t *testing.T, root, commit string) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	bin := filepath.Join(cache, "jiceng-upgrade-test", commit, "jiceng")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	wt := filepath.Join(t.TempDir(), "src")
	if out, err := exec.Command("git", "-C", root, "worktree", "add", "--detach", wt, commit).CombinedOutput(); err != nil {
		t.Fatalf("git worktree add %s: %v\n%s", commit, err, out)
	}
	defer func() {
		_ = exec.Command("git", "-C", root, "worktree", "remove", "--force", wt).Run() // the directory goes with the test's
	}()
	cmd := exec.Command(goTool(), "build", "-o", bin+".tmp", "./cmd/jiceng")
	cmd.Dir = wt
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build at %s: %v\n%s", commit, err, out)
	}
	if err := os.Rename(bin+".tmp", bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

func upgradeFrom(t *testing.T, old, bin, dbURL string, from, latest int) {
	t.Setenv("JICENG_KEY_FILE", filepath.Join(t.TempDir(), "jiceng.key"))
	run := func(b string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, b, args...).CombinedOutput()
		return string(out), err
	}
	if out, err := run(old, "demo", "--region", "450102", "--db", dbURL); err != nil {
		t.Fatalf("the demo of schema version %d: %v\n%s", from, err, out)
	}
	before := snapshot(t, dbURL)
	if got := before.version; got != from {
		t.Fatalf("the old binary left schema version %d, want %d", got, from)
	}
	if out, err := run(bin, "migrate", "--db", dbURL); err != nil {
		t.Fatalf("jiceng migrate from version %d: %v\n%s", from, err, out)
	}
	after := snapshot(t, dbURL)
	if after.version != latest {
		t.Fatalf("after migrate the schema is version %d, want %d", after.version, latest)
	}
	rows := 0
	for name, tb := range before.tables {
		got, ok := after.tables[name]
		if !ok {
			t.Errorf("table %s (%d rows) is gone", name, tb.count)
			continue
		}
		rows += tb.count
		if got.count != tb.count {
			t.Errorf("table %s: %d rows before, %d after", name, tb.count, got.count)
		}
		for i, row := range tb.first {
			for col, v := range row {
				if i >= len(got.first) {
					break
				}
				if w, ok := got.first[i][col]; ok && w != v {
					t.Errorf("table %s, row %d, column %s: %q before, %q after", name, i+1, col, v, w)
				}
			}
		}
	}
	if rows == 0 {
		t.Fatalf("the demo of version %d left no rows", from)
	}
	t.Logf("version %d → %d: %d tables, %d rows kept", from, latest, len(before.tables), rows)
	out, err := run(old, "migrate", "--db", dbURL)
	want := fmt.Sprintf("数据库结构版本 %d 比本程序支持的版本 %d 更新", latest, from)
	if err == nil || !strings.Contains(out, want) {
		t.Fatalf("the old binary on the upgraded database: %v\n%s\nwant %q", err, out, want)
	}
}

type dbSnapshot struct {
	version int
	tables  map[string]tableSnapshot
}

type tableSnapshot struct {
	count int
	first []map[string]string // the first rows by the first column, as text
}

// snapshot reads every table's row count and first three rows.
func snapshot(t *testing.T, dbURL string) dbSnapshot {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s := dbSnapshot{tables: map[string]tableSnapshot{}}
	if err := d.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&s.version); err != nil {
		t.Fatal(err)
	}
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if d.Dialect == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := d.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != "schema_migrations" {
			names = append(names, n)
		}
	}
	rows.Close()
	sort.Strings(names)
	for _, n := range names {
		var tb tableSnapshot
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+n).Scan(&tb.count); err != nil {
			t.Fatalf("count %s: %v", n, err)
		}
		r, err := d.Query(ctx, "SELECT * FROM "+n+" ORDER BY 1 LIMIT 3")
		if err != nil {
			t.Fatalf("rows of %s: %v", n, err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]string{}
			for i, c := range cols {
				switch v := vals[i].(type) {
				case []byte:
					row[c] = string(v)
				default:
					row[c] = fmt.Sprint(v)
				}
			}
			tb.first = append(tb.first, row)
		}
		r.Close()
		s.tables[n] = tb
	}
	return s
}
