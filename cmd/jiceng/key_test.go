package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// runCLIEnv is runCLI with environment variables.
func runCLIEnv(t *testing.T, env map[string]string, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	if err != nil {
		return out.String(), oneLine(err)
	}
	return out.String(), ""
}

// oldKey is a token key as an earlier version kept it, in settings.
var oldKey = bytes.Repeat([]byte{0x5a, 0xc3}, 16)

func storeOldKey(t *testing.T, d *db.DB, key []byte) {
	t.Helper()
	if _, err := d.Exec(context.Background(), d.Rebind("INSERT INTO settings (key, value) VALUES ('evaluation.token_key', ?)"), hex.EncodeToString(key)); err != nil {
		t.Fatal(err)
	}
}

func storedKeys(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.WriteQueryRow(context.Background(), "SELECT COUNT(*) FROM settings WHERE key = 'evaluation.token_key'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// printSlips builds, under key, what an earlier version did: the tree of
// 兴宁区, an open campaign rating one community and two printed codes.
func printSlips(t *testing.T, d *db.DB, key []byte) (int64, string, []string) {
	t.Helper()
	ctx := context.Background()
	sys := access.SystemActor("test")
	orgs := org.NewService(d, region.NewHolder())
	if _, err := orgs.InitRegion(ctx, sys, "450102"); err != nil {
		t.Fatal(err)
	}
	town, _, err := orgs.List(ctx, sys, org.ListQuery{RegionCode: "450102101"})
	if err != nil || len(town) != 1 {
		t.Fatalf("town: %v", err)
	}
	kids, _, err := orgs.List(ctx, sys, org.ListQuery{Under: town[0].ID, ChildrenOnly: true, Limit: 1})
	if err != nil || len(kids) != 1 {
		t.Fatalf("village: %v", err)
	}
	ev := evaluation.NewService(d, orgs, key)
	now := time.Now()
	c, err := ev.CreateCampaign(ctx, sys, evaluation.CampaignInput{OwnerOrgID: town[0].ID, Name: "2026年度村（社区）党组织书记抓基层党建述职评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := ev.AddSubjects(ctx, sys, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectOrg, OrgID: kids[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	codes, err := ev.IssueTokens(ctx, sys, c.ID, "masses", 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Open(ctx, sys, c.ID); err != nil {
		t.Fatal(err)
	}
	return c.ID, subs[0].Key, codes
}

func villageBallot(subject string) map[string]map[string]float64 {
	return map[string]map[string]float64{subject: {"duty": 85, "team": 85, "life": 85, "education": 85, "service": 85, "integrity": 85, "satisfaction": 100}}
}

// TestKeyFileBesideSQLite: a new SQLite database gets its token key in a
// file beside it, readable by its owner only, and none in the database.
func TestKeyFileBesideSQLite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.db")
	if _, e := runCLI(t, "", "init", "--region", "450102", "--db", "sqlite:"+path); e != "" {
		t.Fatal(e)
	}
	st, err := os.Stat(path + ".key")
	if err != nil {
		t.Fatalf("no key file beside the database: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path + ".key")
	key, ok := parseKey(string(b))
	if !ok || len(key) != 32 || len(b) != 65 {
		t.Fatalf("key file holds %q", b)
	}
	d, err := db.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if n := storedKeys(t, d); n != 0 {
		t.Errorf("the database keeps the key too")
	}
	d.Close()
	// The same key on every start.
	if _, e := runCLI(t, "", "init", "--region", "450102", "--db", "sqlite:"+path); e != "" {
		t.Fatal(e)
	}
	if b2, _ := os.ReadFile(path + ".key"); !bytes.Equal(b, b2) {
		t.Fatal("the key file changed on the second start")
	}
	// An explicit --key-file is used instead, and created there.
	other := filepath.Join(dir, "keys", "jiceng.key")
	if err := os.Mkdir(filepath.Dir(other), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, e := runCLI(t, "", "init", "--region", "450102", "--db", "sqlite:"+filepath.Join(dir, "k.db"), "--key-file", other); e != "" {
		t.Fatal(e)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("--key-file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "k.db.key")); err == nil {
		t.Fatal("a key file was created beside the database although --key-file names another")
	}
}

// TestStoredKeyMovesToFile: a key that an earlier version kept in the
// settings table moves to the key file and leaves the database; codes
// printed under it still work. A crash after writing the file leaves both,
// equal, and the next start finishes the move; a different key in the
// database is refused.
func TestStoredKeyMovesToFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "old.db")
	url := "sqlite:" + path
	migrated(t, url)
	d, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	storeOldKey(t, d, oldKey)
	campaign, subject, codes := printSlips(t, d, oldKey)
	d.Close()

	env := cmdEnv{getenv: func(string) string { return "" }}
	a, err := openApp(ctx, env, url, "", app.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path + ".key")
	if string(b) != hex.EncodeToString(oldKey)+"\n" {
		t.Fatalf("key file %q, want the stored key", b)
	}
	if n := storedKeys(t, a.Core().DB); n != 0 {
		t.Fatal("the key is still in the database")
	}
	if _, err := app.Service[*evaluation.Service](a).CastBallot(ctx, codes[0], villageBallot(subject), ""); err != nil {
		t.Fatalf("a slip printed before the move: %v", err)
	}
	// Neither the database file nor its WAL holds the key any more.
	a.Close()
	for _, f := range []string{path, path + "-wal"} {
		raw, _ := os.ReadFile(f)
		if bytes.Contains(raw, []byte(hex.EncodeToString(oldKey))) {
			t.Errorf("%s still holds the key", filepath.Base(f))
		}
	}

	// A crash between writing the file and deleting the row.
	d, _ = db.Open(ctx, url)
	storeOldKey(t, d, oldKey)
	d.Close()
	a, err = openApp(ctx, env, url, "", app.Config{})
	if err != nil {
		t.Fatalf("restart after a crash during the move: %v", err)
	}
	if n := storedKeys(t, a.Core().DB); n != 0 {
		t.Fatal("the row survived the second start")
	}
	if _, err := app.Service[*evaluation.Service](a).CastBallot(ctx, codes[1], villageBallot(subject), ""); err != nil {
		t.Fatalf("second slip: %v", err)
	}
	a.Close()

	// A different key in the database: refused, nothing changed.
	d, _ = db.Open(ctx, url)
	other := bytes.Repeat([]byte{7}, 32)
	storeOldKey(t, d, other)
	d.Close()
	_, e := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--db", url)
	want := "数据库中保存的旧测评码密钥与 " + path + ".key 中的密钥不同：已印发的测评码只能用旧密钥验证。请确认应使用哪个密钥；若用旧密钥，删除或改名 " + path + ".key 后重新启动，程序会把旧密钥移入密钥文件"
	if e != want {
		t.Fatalf("differing keys:\n got %q\nwant %q", e, want)
	}
	d, _ = db.Open(ctx, url)
	defer d.Close()
	if n := storedKeys(t, d); n != 1 {
		t.Fatal("the differing key was removed")
	}
	if b2, _ := os.ReadFile(path + ".key"); !bytes.Equal(b, b2) {
		t.Fatal("the key file changed")
	}
	_ = campaign
}

// TestKeyErrors: a bad key, two sources or PostgreSQL without a key stop
// the program with one line saying what to do, before anything is created.
func TestKeyErrors(t *testing.T) {
	dir := t.TempDir()
	url := "sqlite:" + filepath.Join(dir, "j.db")
	garbage := filepath.Join(dir, "garbage.key")
	if err := os.WriteFile(garbage, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badEnv := "环境变量 JICENG_KEY 无效：应为十六进制的密钥，至少 32 个十六进制字符（16 字节）"
	noPG := "使用 PostgreSQL 时必须指定测评码密钥：请用 --key-file 指定密钥文件（不存在时自动创建），或设置环境变量 JICENG_KEY"
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"JICENG_KEY": "zz"}, []string{"serve", "--db", url}, badEnv},
		{map[string]string{"JICENG_KEY": "abcdef0123456789"}, []string{"serve", "--db", url}, badEnv},
		{map[string]string{"JICENG_KEY": strings.Repeat("ab", 16), "JICENG_KEY_FILE": garbage}, []string{"init", "--region", "45", "--db", url},
			"测评码密钥只能有一个来源：请去掉环境变量 JICENG_KEY，或去掉 --key-file / JICENG_KEY_FILE"},
		{nil, []string{"demo", "--db", url, "--key-file", garbage}, "测评码密钥文件 " + garbage + " 无效：应为一行十六进制的密钥，至少 32 个十六进制字符（16 字节）"},
		{nil, []string{"serve", "--db", "postgres://jiceng@127.0.0.1:1/jiceng"}, noPG},
		{nil, []string{"user", "add", "--username", "x", "--role", "auditor", "--org", "45", "--db", "postgresql://jiceng@127.0.0.1:1/jiceng"}, noPG},
	}
	for _, c := range cases {
		if _, got := runCLIEnv(t, c.env, c.args...); got != c.want {
			t.Errorf("%v %v:\n got %q\nwant %q", c.env, c.args, got, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "j.db.key")); err == nil {
		t.Error("a refused start created a key file")
	}
	// A good JICENG_KEY is used as is: no file is written.
	if _, e := runCLIEnv(t, map[string]string{"JICENG_KEY": strings.Repeat("ab", 16)}, "init", "--region", "450102", "--db", url); e != "" {
		t.Fatal(e)
	}
	if _, err := os.Stat(filepath.Join(dir, "j.db.key")); err == nil {
		t.Error("JICENG_KEY was given, yet a key file was created")
	}
}

// TestDumpHoldsNoKey: after the key moves out, a dump of the database —
// pg_dump on PostgreSQL — holds neither the key nor its settings row, so
// that a dump alone cannot test a printed code.
func TestDumpHoldsNoKey(t *testing.T) {
	pg := os.Getenv("JICENG_TEST_POSTGRES")
	if pg == "" {
		t.Skip("set JICENG_TEST_POSTGRES to run this on PostgreSQL (TestStoredKeyMovesToFile checks the SQLite files)")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("cmd_%d", rand.Uint32())
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") }) // best effort
	u, _ := url.Parse(pg)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	dbURL := u.String()

	migrated(t, dbURL)
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	storeOldKey(t, d, oldKey)
	_, subject, codes := printSlips(t, d, oldKey)
	d.Close()

	keyFile := filepath.Join(t.TempDir(), "jiceng.key")
	a, err := openApp(ctx, cmdEnv{getenv: func(string) string { return "" }}, dbURL, keyFile, app.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := app.Service[*evaluation.Service](a).CastBallot(ctx, codes[0], villageBallot(subject), ""); err != nil {
		t.Fatalf("a slip printed before the move: %v", err)
	}
	if b, _ := os.ReadFile(keyFile); string(b) != hex.EncodeToString(oldKey)+"\n" {
		t.Fatalf("key file %q", b)
	}
	var dump []byte
	if _, err := exec.LookPath("pg_dump"); err == nil {
		cmd := exec.Command("pg_dump", "--schema="+schema, pg)
		if dump, err = cmd.Output(); err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
		if !bytes.Contains(dump, []byte("ballot_tokens")) {
			t.Fatalf("pg_dump did not dump the schema:\n%s", dump)
		}
	} else {
		rows, err := a.Core().DB.Query(ctx, "SELECT key || '=' || value FROM settings")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			dump = append(dump, s+"\n"...)
		}
		rows.Close()
	}
	for _, s := range []string{hex.EncodeToString(oldKey), "evaluation.token_key"} {
		if bytes.Contains(dump, []byte(s)) {
			t.Errorf("the dump holds %s", s)
		}
	}
}

// TestWrongKeyRefused: a server started with a key other than the one its
// database was used with — another key file, a mistyped path that would get
// a fresh key, another JICENG_KEY — refuses to start instead of answering
// every printed code "invalid", and creates no file. A key file others may
// read is refused too.
func TestWrongKeyRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.db")
	url := "sqlite:" + path
	if _, e := runCLI(t, "", "init", "--region", "450102", "--db", url); e != "" {
		t.Fatal(e)
	}
	other := filepath.Join(dir, "other.key")
	if err := os.WriteFile(other, []byte(strings.Repeat("cd", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	typo := filepath.Join(dir, "j.db.kye")
	loose := filepath.Join(dir, "loose.key")
	if err := os.WriteFile(loose, []byte(strings.Repeat("ef", 32)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	notOurs := func(where string) string {
		return where + " 中的测评码密钥不是本数据库使用的密钥：用它启动，已印发的测评码将全部无效。请指定原来的密钥文件或 JICENG_KEY"
	}
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"init", "--region", "450102", "--db", url, "--key-file", other}, notOurs(other)},
		{map[string]string{"JICENG_KEY_FILE": other}, []string{"user", "add", "--username", "x", "--role", "auditor", "--org", "450102", "--db", url}, notOurs(other)},
		{map[string]string{"JICENG_KEY": strings.Repeat("ab", 16)}, []string{"init", "--region", "450102", "--db", url}, notOurs("JICENG_KEY")},
		{nil, []string{"init", "--region", "450102", "--db", url, "--key-file", typo},
			"测评码密钥文件 " + typo + " 不存在，而本数据库已有密钥：请用 --key-file 或 JICENG_KEY_FILE 指定原来的密钥文件（新建密钥会使已印发的测评码全部失效）"},
		{nil, []string{"init", "--region", "450102", "--db", url, "--key-file", loose},
			"测评码密钥文件 " + loose + " 的权限为 0644，其他用户可读：请执行 chmod 600 " + loose + " 后重新启动"},
	}
	for _, c := range cases {
		if _, got := runCLIEnv(t, c.env, c.args...); got != c.want {
			t.Errorf("%v %v:\n got %q\nwant %q", c.env, c.args, got, c.want)
		}
	}
	if _, err := os.Stat(typo); err == nil {
		t.Error("a mistyped --key-file was created")
	}
	// The right key still starts.
	if _, e := runCLI(t, "", "init", "--region", "450102", "--db", url); e != "" {
		t.Fatal(e)
	}
}
