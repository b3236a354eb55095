package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jiceng/internal/app"
	"jiceng/internal/db"
	_ "modernc.org/sqlite"
)

// runCLI runs the program with args and returns stdout and the one-line
// error main would print.
func runCLI(t *testing.T, stdin string, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb)
	if err != nil {
		return out.String(), oneLine(err)
	}
	return out.String(), ""
}

func countOrgs(t *testing.T, path string) int {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	if err := c.QueryRow("SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServeSettingsFromEnvironment: the environment variables are checked
// like the flags.
func TestServeSettingsFromEnvironment(t *testing.T) {
	for env, want := range map[string]string{
		"JICENG_TRUSTED_PROXIES": `jiceng serve: --trusted-proxies "10.0.0.1-10.0.0.9" 无效：应为以逗号分隔的 IP 地址或网段，例如 127.0.0.1/32,10.0.0.0/8`,
		"JICENG_SESSION_IDLE":    `jiceng serve: --session-idle "10.0.0.1-10.0.0.9" 无效：应为 1m 至 12h 之间的时长，例如 30m`,
	} {
		var out, errb bytes.Buffer
		getenv := func(k string) string {
			if k == env {
				return "10.0.0.1-10.0.0.9"
			}
			return ""
		}
		err := run(context.Background(), []string{"serve"}, getenv, strings.NewReader(""), &out, &errb)
		if err == nil || oneLine(err) != want {
			t.Errorf("%s: %v", env, err)
		}
	}
}

func TestInitAndBadInput(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "j.db")
	url := "sqlite:" + dbPath
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"init", "--region", "9999", "--db", url}, "区划代码 9999 不存在（2023 年统计用区划代码）"},
		{[]string{"init", "--region", "45010", "--db", url}, "区划代码 45010 格式不正确：应为 2、4、6、9 或 12 位数字，或 all"},
		{[]string{"init", "--region", "1101", "--db", url}, "1101 “市辖区”是占位区划，不对应党组织，请使用上级区划代码 11"},
		{[]string{"init", "--region", "45", "--db", "mysql://x"}, `不支持的数据库地址 "mysql://x"：请使用 sqlite:文件路径 或 postgres://用户@主机/库名`},
		{[]string{"init", "--db", url}, "jiceng init: 缺少 --region，例如 --region 4501（南宁市）或 --region all"},
		{[]string{"init", "--regoin", "45"}, "jiceng init: 未知参数 -regoin（运行 jiceng help 查看用法）"},
		{[]string{"serve", "--addr", "8080"}, `jiceng serve: --addr "8080" 无效，应为 主机:端口，例如 127.0.0.1:8080`},
		{[]string{"serve", "--public-url", "dj.example.gov.cn"}, `jiceng serve: --public-url "dj.example.gov.cn" 无效：应为用户访问本系统的地址，只含协议、域名和端口，例如 https://dj.example.gov.cn`},
		{[]string{"serve", "--public-url", "https://dj.example.gov.cn/jiceng"}, `jiceng serve: --public-url "https://dj.example.gov.cn/jiceng" 无效：应为用户访问本系统的地址，只含协议、域名和端口，例如 https://dj.example.gov.cn`},
		{[]string{"serve", "--trusted-proxies", "10.0.0.0/33"}, `jiceng serve: --trusted-proxies "10.0.0.0/33" 无效：应为以逗号分隔的 IP 地址或网段，例如 127.0.0.1/32,10.0.0.0/8`},
		{[]string{"serve", "--trusted-proxies", "127.0.0.1,proxy.local"}, `jiceng serve: --trusted-proxies "proxy.local" 无效：应为以逗号分隔的 IP 地址或网段，例如 127.0.0.1/32,10.0.0.0/8`},
		{[]string{"serve", "--session-idle", "30"}, `jiceng serve: --session-idle "30" 无效：应为 1m 至 12h 之间的时长，例如 30m`},
		{[]string{"serve", "--session-idle", "24h"}, `jiceng serve: --session-idle "24h" 无效：应为 1m 至 12h 之间的时长，例如 30m`},
		{[]string{"serve", "--db-read", "postgres://x@127.0.0.1/x", "--db-read-max-lag", "500ms"}, `jiceng serve: --db-read-max-lag "500ms" 无效：应为 1s 至 1h 之间的时长，例如 10s`},
		{[]string{"serve", "--db-read-max-lag", "10s"}, `jiceng serve: --db-read-max-lag 需要同时指定 --db-read（只读副本地址）`},
		{[]string{"frobnicate"}, `未知命令 "frobnicate"；可用命令: serve、init、user add、demo、migrate、partition、backup、version`},
		{[]string{"user", "add", "--username", "x", "--role", "boss", "--org", "4501", "--db", url}, `jiceng user add: 角色 "boss" 不存在；可用角色: admin、org_admin、secretary、evaluation_manager、case_handler、integrity_officer、custodian、auditor`},
	}
	for _, c := range cases {
		_, got := runCLI(t, "", c.args...)
		if got != c.want {
			t.Errorf("%v:\n got %q\nwant %q", c.args, got, c.want)
		}
	}
	if n := countOrgs(t, dbPath); n != 0 {
		t.Fatalf("bad input created %d organizations", n)
	}
	out, e := runCLI(t, "Strong-pass-2026\n", "init", "--region", "4501", "--db", url, "--admin", "admin", "--password-stdin")
	if e != "" || !strings.Contains(out, "已初始化 南宁市（4501）：区划 2007 个，新建党组织 2007 个，更名 0 个，挂接 0 个") || !strings.Contains(out, "已创建系统管理员 admin") {
		t.Fatalf("init: %q %q", out, e)
	}
	out, e = runCLI(t, "", "init", "--region", "4501", "--db", url, "--admin", "admin")
	if e != "" || !strings.Contains(out, "新建党组织 0 个") || !strings.Contains(out, "管理员 admin 已存在，未修改其密码") {
		t.Fatalf("re-run: %q %q", out, e)
	}
	if n := countOrgs(t, dbPath); n != 2007 {
		t.Fatalf("%d organizations, want 2007", n)
	}
	_, e = runCLI(t, "Another-pass-99\n", "user", "add", "--username", "admin", "--role", "auditor", "--org", "4501", "--db", url, "--password-stdin")
	if e != "用户名 admin 已被使用，请换一个" {
		t.Errorf("duplicate username: %q", e)
	}
	_, e = runCLI(t, "short1\n", "user", "add", "--username", "minsheng", "--role", "org_admin", "--org", "450102001", "--db", url, "--password-stdin")
	if e != "密码强度不够：密码至少 10 位，须同时包含字母和数字，且不能包含用户名" {
		t.Errorf("weak password: %q", e)
	}
	out, e = runCLI(t, "Street-admin-2026\n", "user", "add", "--username", "minsheng", "--role", "org_admin", "--org", "450102001", "--db", url, "--password-stdin")
	if e != "" || out != "已创建用户 minsheng（角色 org_admin，范围 民生街道党工委）\n" {
		t.Errorf("user add: %q %q", out, e)
	}
}

func TestSchemaNewerThanBinary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	migrated(t, "sqlite:"+path)
	c, _ := sql.Open("sqlite", "file:"+path)
	if _, err := c.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	d, _ := db.Open(context.Background(), "sqlite:"+path)
	ms, _ := d.Migrations()
	d.Close()
	want := fmt.Sprintf("数据库结构版本 9999 比本程序支持的版本 %d 更新：请使用更新版本的 jiceng，不要用旧版本打开此数据库", ms[len(ms)-1].Version)
	for _, cmd := range [][]string{{"migrate"}, {"serve", "--addr", "127.0.0.1:0"}, {"init", "--region", "45"}} {
		if _, e := runCLI(t, "", append(cmd, "--db", "sqlite:"+path)...); e != want {
			t.Errorf("%v: %q", cmd, e)
		}
	}
}

// TestBackupUnderWrites takes a backup while another connection keeps
// writing, then checks that the copy opens, passes the integrity check and
// holds a consistent tree.
func TestBackupUnderWrites(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite:" + filepath.Join(dir, "live.db")
	if _, e := runCLI(t, "", "init", "--region", "450102", "--db", url); e != "" {
		t.Fatal(e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := openApp(ctx, cmdEnv{getenv: func(string) string { return "" }}, url, "", app.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	var writes atomic.Int64
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			_, err := a.Core().DB.Exec(ctx, "INSERT INTO audit_log (at, actor_name, action, target_type, target_id) VALUES (?, 'bench', 'test.write', 'x', ?)", db.Now(), fmt.Sprint(writes.Load()))
			if err == nil {
				writes.Add(1)
			}
		}
	}()
	// The backup starts once the writer is writing, however loaded the
	// machine is.
	for deadline := time.Now().Add(10 * time.Second); writes.Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the writer never wrote")
		}
	}
	out, e := runCLI(t, "", "backup", "--out", filepath.Join(dir, "copy.db"), "--db", url)
	cancel()
	wg.Wait()
	if e != "" || !strings.HasPrefix(out, "已备份到 ") {
		t.Fatalf("backup: %q %q", out, e)
	}
	c, err := db.Open(context.Background(), "sqlite:"+filepath.Join(dir, "copy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if s, err := db.IntegrityCheck(context.Background(), c); err != nil || s != "ok" {
		t.Fatalf("integrity %q %v", s, err)
	}
	var n int
	if err := c.QueryRow(context.Background(), "SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 87 {
		t.Errorf("backup holds %d organizations, want 87", n)
	}
	if _, e := runCLI(t, "", "backup", "--out", filepath.Join(dir, "copy.db"), "--db", url); !strings.Contains(e, "已存在") {
		t.Errorf("overwrite: %q", e)
	}
	if err := os.Remove(filepath.Join(dir, "copy.db")); err != nil {
		t.Fatal(err)
	}
}

// TestHelpNamesEveryFlag: jiceng help left out --public-url,
// --trusted-proxies and --session-idle, so an operator behind a proxy
// could not learn of them. Every flag any command defines (read from the
// sources, so that a new one cannot be forgotten) appears in the help.
func TestHelpNamesEveryFlag(t *testing.T) {
	out, errLine := runCLI(t, "", "help")
	if errLine != "" {
		t.Fatal(errLine)
	}
	want := map[string]bool{"--public-url": true, "--trusted-proxies": true, "--session-idle": true, "--key-file": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	def := regexp.MustCompile(`fs\.(?:String|Bool|Int|Duration)\("([a-z-]+)"`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range def.FindAllStringSubmatch(string(src), -1) {
			want["--"+m[1]] = true
		}
	}
	if len(want) < 10 {
		t.Fatalf("found only %d flags in the sources: %v", len(want), want)
	}
	for f := range want {
		if !regexp.MustCompile(regexp.QuoteMeta(f) + `\b`).MatchString(out) {
			t.Errorf("jiceng help does not name %s", f)
		}
	}
}
