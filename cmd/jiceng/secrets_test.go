package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/testrig"
)

const canary = "Canary-pw-5e1d"

// TestPasswordNotInErrors: a --db password, in the user information or as
// ?password=, appears in no message, whether PostgreSQL cannot be reached
// or pg_dump is missing.
func TestPasswordNotInErrors(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "jiceng.key")
	for _, u := range []string{
		"postgres://jiceng:" + canary + "@127.0.0.1:1/jiceng?sslmode=disable",
		"postgres://jiceng@127.0.0.1:1/jiceng?password=" + canary + "&sslmode=disable",
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--key-file", keyFile, "--db", u},
			func(string) string { return "" }, strings.NewReader(""), &out, &errb)
		if err == nil {
			t.Fatal("serve started without a database")
		}
		if strings.Contains(oneLine(err), "\n") {
			t.Errorf("serve: the error spans lines: %q", oneLine(err))
		}
		for what, s := range map[string]string{"error": oneLine(err), "stdout": out.String(), "stderr": errb.String()} {
			if strings.Contains(s, canary) {
				t.Errorf("serve %s: the %s shows the password: %q", db.Redact(u), what, s)
			}
		}
	}

	// pg_dump missing: the advice names the address without its password.
	t.Setenv("PATH", t.TempDir())
	u := "postgres://jiceng:" + canary + "@127.0.0.1:1/jiceng?password=" + canary + "&sslmode=disable"
	out := filepath.Join(t.TempDir(), "b.dump")
	_, e := runCLI(t, "", "backup", "--out", out, "--db", u)
	want := "jiceng backup: PostgreSQL 备份需要 pg_dump：请安装 postgresql-client，或手动运行 PGPASSWORD=… pg_dump --format=custom --no-owner --file=" + out +
		" 'postgres://jiceng@127.0.0.1:1/jiceng?sslmode=disable'（密码放在环境变量 PGPASSWORD 或 ~/.pgpass 中，不要写在命令行上）"
	if e != want {
		t.Errorf("missing pg_dump:\n got %q\nwant %q", e, want)
	}
}

// TestPasswordReachesPgDumpByEnvironment: backup passed the whole --db URL,
// password included, on pg_dump's command line, where ps shows it to every
// user of the machine; serve printed it at start-up, into the journal. A
// fake pg_dump records its arguments and environment: the password is in
// neither the arguments nor any output, and in the environment only as
// PGPASSWORD.
func TestPasswordReachesPgDumpByEnvironment(t *testing.T) {
	pg := os.Getenv("JICENG_TEST_POSTGRES")
	if pg == "" {
		t.Skip("set JICENG_TEST_POSTGRES to run this on PostgreSQL")
	}
	ctx := context.Background()
	base := pgSchemaURL(t, pg)
	d, err := db.Open(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	d.Close()

	// The test server trusts local connections: any password is accepted,
	// and the canary travels as a real one would.
	inUser, _ := url.Parse(base)
	inUser.User = url.UserPassword(inUser.User.Username(), canary)
	inQuery, _ := url.Parse(base)
	q := inQuery.Query()
	q.Set("password", canary)
	inQuery.RawQuery = q.Encode()

	fake := t.TempDir()
	script := `#!/bin/sh
printf '%s\n' "$@" > "` + fake + `/argv"
env > "` + fake + `/env"
for a in "$@"; do case "$a" in --file=*) printf 'PGDMP' > "${a#--file=}";; esac; done
`
	if err := os.WriteFile(filepath.Join(fake, "pg_dump"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", fake+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("PGPASSWORD", "")

	for i, u := range []string{inUser.String(), inQuery.String()} {
		var out, errb bytes.Buffer
		file := filepath.Join(t.TempDir(), "b.dump")
		err := run(ctx, []string{"backup", "--out", file, "--db", u}, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
		if err != nil {
			t.Fatalf("backup %d: %v", i, oneLine(err))
		}
		argv, _ := os.ReadFile(filepath.Join(fake, "argv"))
		env, _ := os.ReadFile(filepath.Join(fake, "env"))
		for what, s := range map[string]string{"stdout": out.String(), "stderr": errb.String(), "arguments": string(argv)} {
			if strings.Contains(s, canary) {
				t.Errorf("backup %d: pg_dump's %s hold the password: %q", i, what, s)
			}
		}
		args := strings.Split(strings.TrimSpace(string(argv)), "\n")
		if last := args[len(args)-1]; last != db.Redact(u) {
			t.Errorf("backup %d: pg_dump got the address %q, want %q", i, last, db.Redact(u))
		}
		var holders []string
		for _, line := range strings.Split(string(env), "\n") {
			if strings.Contains(line, canary) {
				holders = append(holders, line)
			}
		}
		if len(holders) != 1 || holders[0] != "PGPASSWORD="+canary {
			t.Errorf("backup %d: the environment lines holding the password: %q, want only PGPASSWORD", i, holders)
		}
	}

	// serve, briefly.
	keyFile := filepath.Join(t.TempDir(), "jiceng.key")
	sctx, cancel := context.WithCancel(ctx)
	var out, errb testrig.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--addr", "127.0.0.1:0", "--key-file", keyFile, "--db", inUser.String()},
			func(string) string { return "" }, strings.NewReader(""), &out, &errb)
	}()
	for i := 0; i < 600 && !strings.Contains(out.String(), "jiceng 已启动"); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", oneLine(err))
	}
	if !strings.Contains(out.String(), "（数据库 "+db.Redact(inUser.String())+"）") {
		t.Errorf("serve did not name its database without the password: %q", out.String())
	}
	for what, s := range map[string]string{"stdout": out.String(), "stderr": errb.String()} {
		if strings.Contains(s, canary) {
			t.Errorf("serve's %s holds the password: %q", what, s)
		}
	}
}

// TestSSLPasswordNotShown: the passphrase of the client key, ?sslpassword=,
// appeared in migrate's error and went on pg_dump's command line. It is in
// no message now, and backup refuses such an address in one line that says
// what to do, without running pg_dump.
func TestSSLPasswordNotShown(t *testing.T) {
	u := "postgres://u:" + canary + "@127.0.0.1:1/x?sslmode=disable&sslpassword=" + canary
	out, e := runCLI(t, "", "migrate", "--db", u)
	if e == "" || strings.Contains(e, canary) || strings.Contains(out, canary) {
		t.Errorf("migrate: %q %q, want an error without the passphrase", out, e)
	}

	fake := t.TempDir()
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"" + fake + "/argv\"\n"
	if err := os.WriteFile(filepath.Join(fake, "pg_dump"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", fake+string(os.PathListSeparator)+os.Getenv("PATH"))
	file := filepath.Join(t.TempDir(), "b.dump")
	out, e = runCLI(t, "", "backup", "--out", file, "--db", u)
	want := "jiceng backup: 数据库地址带有 sslpassword，它会出现在 pg_dump 的命令行上，本机所有用户都能看到：请改用没有口令的客户端密钥，或自行运行 pg_dump 并把 sslpassword 写在 pg_service.conf 中"
	if e != want || strings.Contains(out, canary) {
		t.Errorf("backup:\n got %q %q\nwant %q", out, e, want)
	}
	if _, err := os.Stat(filepath.Join(fake, "argv")); err == nil {
		t.Error("backup ran pg_dump with the passphrase on its command line")
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("backup left a file behind")
	}
}
