package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/db"
)

// TestPartitionCommand partitions a PostgreSQL database holding the 南宁市
// demo (20,000 units, 128,000 memberships, cases and counted ballots) and checks that every
// row is kept, in the partition of its province, that a second run says
// there was nothing to do, and that jiceng backup of the partitioned
// database restores partitioned, with the same rows, and migrates. On
// SQLite the command refuses.
func TestPartitionCommand(t *testing.T) {
	dir := t.TempDir()
	live, restore := backupDatabases(t, dir)
	if filepath.Ext(live) == ".db" {
		if _, e := runCLI(t, "", "init", "--region", "450102", "--db", live); e != "" {
			t.Fatal(e)
		}
		if _, e := runCLI(t, "", "partition", "--db", live); e != "分区只用于 PostgreSQL：SQLite 数据库是单个文件，无需分区" {
			t.Errorf("partition of SQLite: %q", e)
		}
		return
	}
	key := filepath.Join(dir, "jiceng.key")
	if _, e := runCLI(t, "", "demo", "--region", "4501", "--db", live, "--key-file", key); e != "" {
		t.Fatal(e)
	}
	ctx := context.Background()
	d, err := db.OpenExisting(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	count := func(d *db.DB) map[string]string {
		out := map[string]string{}
		for _, table := range db.PartitionedTables {
			var n int
			var provinces string
			if err := d.QueryRow(ctx, "SELECT COUNT(*), COALESCE(string_agg(DISTINCT province, ','), '') FROM "+table).Scan(&n, &provinces); err != nil {
				t.Fatal(err)
			}
			out[table] = fmt.Sprintf("%d in %s", n, provinces)
		}
		return out
	}
	before := count(d)
	for _, table := range []string{"units", "memberships", "cases", "ballots"} {
		if before[table] == "0 in " {
			t.Fatalf("the demo left %s empty: nothing to check", table)
		}
	}
	// A server (here the test's own connections) still using the database.
	if _, e := runCLI(t, "", "partition", "--db", live); !strings.HasPrefix(e, "还有 ") || !strings.HasSuffix(e, "个其他连接在使用此数据库（例如正在运行的 jiceng serve）：请先停止使用它的服务，再运行 jiceng partition") {
		t.Errorf("partition beside another connection: %q", e)
	}
	d.Close()
	alone(t, live)
	out, e := runCLI(t, "", "partition", "--db", live)
	if e != "" || out != "已将 units、memberships、cases、ballot_inbox、ballots 按省份分区：31 个省级分区及一个默认分区\n" {
		t.Fatalf("partition: %q %q", out, e)
	}
	if d, err = db.OpenExisting(ctx, live); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	after := count(d)
	for table, b := range before {
		if after[table] != b {
			t.Errorf("%s: %s before partitioning, %s after", table, b, after[table])
		}
		var wrong int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE tableoid::regclass::text <> '"+table+"_p' || province").Scan(&wrong); err != nil || wrong != 0 {
			t.Errorf("%s: %d rows outside their province's partition %v", table, wrong, err)
		}
	}
	d.Close()
	alone(t, live)
	if out, e := runCLI(t, "", "partition", "--db", live); e != "" || out != "units、memberships、cases、ballot_inbox、ballots 已按省份分区，未作改动\n" {
		t.Errorf("second partition: %q %q", out, e)
	}

	file := filepath.Join(dir, "partitioned.dump")
	if _, e := runCLI(t, "", "backup", "--out", file, "--db", live); e != "" {
		t.Fatal(e)
	}
	if b, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "-d", restore, file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, b)
	}
	if out, e := runCLI(t, "", "migrate", "--db", restore); e != "" || !strings.HasPrefix(out, "数据库结构已是最新") {
		t.Errorf("migrate of the restored copy: %q %q", out, e)
	}
	alone(t, restore)
	if out, e := runCLI(t, "", "partition", "--db", restore); e != "" || !strings.Contains(out, "未作改动") {
		t.Errorf("the restored copy is not partitioned: %q %q", out, e)
	}
	r, err := db.OpenExisting(ctx, restore)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := count(r); fmt.Sprint(got) != fmt.Sprint(after) {
		t.Errorf("restored copy holds %v, the partitioned database %v", got, after)
	}
}

// alone waits until the server has ended the backends of connections the
// test closed: their exit is not instant, and jiceng partition refuses to
// run beside any.
func alone(t *testing.T, dbURL string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", os.Getenv("JICENG_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	for range 100 {
		var n int
		if err := admin.QueryRow("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1", strings.TrimPrefix(u.Path, "/")).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("connections to %s still open 10 s after they were closed", u.Path)
}
