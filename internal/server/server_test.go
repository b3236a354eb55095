package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/app"
	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/demo"
	"jiceng/internal/evaluation"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/spec"
)

var regions = region.NewHolder()

type fixture struct {
	srv   *httptest.Server
	d     *db.DB
	orgs  *org.Service
	accts *account.Service
	cov   *coverage.Service
	eval  *evaluation.Service
	perms *access.Catalogue
	pw    map[string]string
	root  int64
}

// Deps are what a test changes before its server is built: the app's
// configuration and the server's options.
type Deps struct {
	app.Config
	Options
}

// nanning is the tree and accounts of the demo without its 20,000 units:
// these tests count what they create themselves.
var nanning = testrig.NewFixture("nanning", func(ctx context.Context, d *db.DB) (demo.Result, error) {
	return demo.Seed(ctx, &module.Core{DB: d, Orgs: org.NewService(d, regions), Accounts: account.NewService(d, testrig.FastParams, access.MustCatalogue())}, nil, "4501")
})

func TestMain(m *testing.M) { testrig.Main(m) }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, func(*Deps) {})
}

// newFixtureWith is newFixture with the server's dependencies changed by edit.
func newFixtureWith(t *testing.T, edit func(*Deps)) *fixture {
	t.Helper()
	d, res := nanning.Open(t)
	a, h := newApp(t, d, edit)
	orgs, accts := a.Core().Orgs, a.Core().Accounts
	cov, eval := app.Service[*coverage.Service](a), app.Service[*evaluation.Service](a)
	srv := httptest.NewServer(h)
	testrig.Cleanup(t, srv.Close)
	f := &fixture{srv: srv, d: d, orgs: orgs, accts: accts, cov: cov, eval: eval, perms: a.Core().Perms, pw: map[string]string{}, root: res.Init.RootID}
	for _, a := range res.Accounts {
		f.pw[a.Username] = a.Password
	}
	return f
}

// newApp builds the app on d and its server, with the test key, cheap
// password hashing, a silent logger and the changes of edit (which may be
// nil).
func newApp(t *testing.T, d *db.DB, edit func(*Deps)) (*app.App, http.Handler) {
	t.Helper()
	deps := Deps{Config: app.Config{DB: d, Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams, Regions: regions,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	if edit != nil {
		edit(&deps)
	}
	a, err := app.New(context.Background(), deps.Config)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewServer(a, deps.Options)
	if err != nil {
		t.Fatal(err)
	}
	return a, spec.Checked(t, h)
}

// routeTable is every route of the application, as a server built on a
// fresh database serves it.
func routeTable(t *testing.T) []Route {
	t.Helper()
	a, _ := newApp(t, testrig.NewTestDB(t), nil)
	return a.Routes()
}

// call sends a JSON request and decodes the JSON answer.
func (f *fixture) call(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out) // a body that is empty (204) or not JSON leaves out nil
	return resp.StatusCode, out
}

func (f *fixture) token(t *testing.T, user string) string {
	t.Helper()
	st, out := f.call(t, "POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"username":%q,"password":%q}`, user, f.pw[user]))
	if st != 200 {
		t.Fatalf("login %s: %d %v", user, st, out)
	}
	return out["token"].(string)
}

func errMsg(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rt := range routeTable(t) {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/") {
			continue
		}
		n++
		if _, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("%s %s is missing from openapi.json", rt.Method, rt.Pattern)
		}
	}
	if n < 17 {
		t.Errorf("only %d API routes found", n)
	}
}

func TestAPIStatsAndScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	st, stats := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", f.root), admin, "")
	orgs := stats["orgs"].(map[string]any)
	if st != 200 || orgs["total"].(float64) != 2007 {
		t.Fatalf("root stats %d %v", st, stats)
	}
	if lv := orgs["by_level"].(map[string]any); lv["village"].(float64) != 1856 || lv["township"].(float64) != 138 || lv["county"].(float64) != 12 {
		t.Errorf("by_level %v", lv)
	}
	st, list := f.call(t, "GET", "/api/v1/orgs?region_code=450102001", admin, "")
	items := list["items"].([]any)
	if st != 200 || len(items) != 1 || items[0].(map[string]any)["name"] != "中共民生街道工作委员会" {
		t.Fatalf("by region: %d %v", st, list)
	}
	ms := int64(items[0].(map[string]any)["id"].(float64))

	street := f.token(t, "street_admin")
	st, list = f.call(t, "GET", "/api/v1/orgs?limit=100", street, "")
	if st != 200 || list["total"].(float64) != 14 || len(list["items"].([]any)) != 14 {
		t.Fatalf("street_admin sees %v", list["total"])
	}
	st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d", f.root), street, "")
	if st != 404 || errMsg(out) != fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", f.root) {
		t.Fatalf("root for street_admin: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", ms), street, "")
	if st != 200 || out["orgs"].(map[string]any)["total"].(float64) != 14 {
		t.Fatalf("民生 stats %d %v", st, out)
	}
	// The page shows the same count as the API.
	c := f.browser(t, "street_admin")
	body := c.get(t, fmt.Sprintf("/orgs/%d", ms))
	if !regexp.MustCompile(`<div class="v">14</div><div class="l">党组织总数（含本级）`).MatchString(body) {
		t.Errorf("org page does not show 14 organizations")
	}
}

func TestAPIBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	path := fmt.Sprintf("/api/v1/orgs/%d", f.root)
	cases := []struct {
		body   string
		status int
		msg    string
	}{
		{`{"name":`, 400, "JSON 不完整：请检查括号和引号是否成对"},
		{`{"name" "x"}`, 400, "JSON 格式错误（第 9 字节附近）"},
		{`{"nmae":"x"}`, 400, "未知字段 nmae"},
		{`{"name":""}`, 400, "请填写党组织名称"},
		{`{"kind":"小组"}`, 400, "请选择组织类型（党委、党工委、党总支、党支部、联合党支部、临时党支部）"},
		{`{"name":"a"} {"name":"b"}`, 400, "请求体只能包含一个 JSON 对象"},
		{`{"note":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "请求体超过 1 MB 上限"},
		{`{"region_code":"450102"}`, 400, "该组织与行政区划关联，区划代码不能修改"},
	}
	for _, c := range cases {
		st, out := f.call(t, "PATCH", path, admin, c.body)
		if st != c.status || errMsg(out) != c.msg {
			t.Errorf("PATCH %.30s: %d %q, want %d %q", c.body, st, errMsg(out), c.status, c.msg)
		}
	}
	_, o := f.call(t, "GET", path, admin, "")
	if o["name"] != "中共南宁市委员会" {
		t.Errorf("name changed to %v", o["name"])
	}
	st, out := f.call(t, "GET", path, "", "")
	if st != 401 || errMsg(out) != "请先登录" {
		t.Errorf("no token: %d %v", st, out)
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := 0; i < 5; i++ {
		st, out := f.call(t, "POST", "/api/v1/auth/login", "", `{"username":"auditor","password":"wrong-password-1"}`)
		if st != 401 || errMsg(out) != "用户名或密码错误" {
			t.Fatalf("attempt %d: %d %v", i, st, out)
		}
	}
	f.call(t, "POST", "/api/v1/auth/login", "", `{"username":"auditor","password":"wrong-password-1"}`)
	st, out := f.call(t, "POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"username":"auditor","password":%q}`, f.pw["auditor"]))
	if st != 429 || !strings.HasPrefix(errMsg(out), "登录失败次数过多，请 ") {
		t.Fatalf("after 6 failures: %d %v", st, out)
	}
}

type browser struct {
	c    *http.Client
	base string
}

func (f *fixture) browser(t *testing.T, user string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	// The sign-in is checked by where it sends the user (the cockpit)
	// without rendering it: every test signs in, and the cockpit holds a
	// card of every module.
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {user}, "password": {f.pw[user]}})
	if err != nil {
		t.Fatalf("browser login %s: %v", user, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/" {
		t.Fatalf("browser login %s: %d to %q", user, resp.StatusCode, resp.Header.Get("Location"))
	}
	c.CheckRedirect = nil
	return &browser{c: c, base: f.srv.URL}
}

func (b *browser) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func TestWebRenameShowsInAudit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "street_admin")
	list, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	if len(list) != 1 {
		t.Fatal("兴宁社区 not found")
	}
	o := list[0]
	resp, err := b.c.PostForm(fmt.Sprintf("%s/orgs/%d/edit", f.srv.URL, o.ID), url.Values{"name": {""}, "kind": {"branch"}, "category": {"community"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(body), `<p class="error" id="err-name">请填写党组织名称</p>`) {
		t.Fatalf("empty name: %d", resp.StatusCode)
	}
	resp, err = b.c.PostForm(fmt.Sprintf("%s/orgs/%d/edit", f.srv.URL, o.ID), url.Values{"name": {"兴宁社区党支部（改）"}, "short_name": {o.ShortName}, "kind": {"branch"}, "category": {"community"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != fmt.Sprintf("/orgs/%d", o.ID) {
		t.Fatalf("after save at %s", resp.Request.URL.Path)
	}
	audit := b.get(t, "/audit")
	if !strings.Contains(audit, "修改党组织 兴宁社区党支部（改）：名称 兴宁社区党支部 → 兴宁社区党支部（改）；确认类型为党支部") {
		t.Fatalf("audit page lacks the rename")
	}
	if got := b.get(t, fmt.Sprintf("/orgs/%d", f.root)); !strings.Contains(got, "不存在或不在您的管理范围内") {
		t.Fatal("root visible to street_admin")
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	// A cross-site form post is refused before it reaches the handler.
	req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader("username=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("cross-site POST answered %d", resp.StatusCode)
	}
}

func (b *browser) upload(t *testing.T, path, name string, content []byte) (int, string) {
	t.Helper()
	var buf strings.Builder
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	if _, err := fw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := b.c.Post(b.base+path, mw.FormDataContentType(), strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestWebImport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "street_admin")
	st, body := b.upload(t, "/import", "notes.xlsx", []byte("this is not a spreadsheet at all \x00\x01\x02"))
	if st != 422 || !strings.Contains(body, "文件不是有效的 Excel（.xlsx）或 CSV 文件，请用 Excel 另存为 .xlsx 后再导入") {
		t.Errorf("garbage upload: %d", st)
	}
	st, body = b.upload(t, "/import", "big.csv", make([]byte, 11<<20))
	if st != 413 || !strings.Contains(body, "文件超过 10 MB 上限，请拆分后分批导入") {
		t.Errorf("oversized upload: %d", st)
	}
	csv := "名称,类型,上级区划代码,区划代码,单位类别\n民生街道某某物业党支部,党支部,450102001,450102001003,非公企业\n外区党支部,党支部,450102001,450103001,非公企业\n"
	st, body = b.upload(t, "/import", "orgs.csv", []byte(csv))
	if st != 200 || !strings.Contains(body, "第3行：区划代码 450103001 不在您的管理范围内（450102001）") || strings.Contains(body, "/apply") {
		t.Errorf("row outside scope: %d", st)
	}
	st, body = b.upload(t, "/import", "orgs.csv", []byte(csv[:strings.LastIndex(strings.TrimSuffix(csv, "\n"), "\n")+1]))
	m := regexp.MustCompile(`action="(/import/[0-9a-f]+/apply)"`).FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("valid file: %d", st)
	}
	resp, err := b.c.Post(f.srv.URL+m[1], "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	list, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{Q: "某某物业"})
	if len(list) != 1 {
		t.Fatalf("imported %d", len(list))
	}
	if a := b.get(t, "/audit"); !strings.Contains(a, "从 orgs.csv 导入党组织 1 个") && !strings.Contains(a, "新建党组织 民生街道某某物业党支部") {
		t.Errorf("import missing from audit")
	}
}

func TestExportChildren(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "street_admin")
	list, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001"})
	resp, err := b.c.Get(fmt.Sprintf("%s/orgs/%d/export.xlsx?q=社区", f.srv.URL, list[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "%E6%B0%91%E7%94%9F%E8%A1%97%E9%81%93%E5%85%9A%E5%B7%A5%E5%A7%94_") {
		t.Fatalf("headers %v", resp.Header)
	}
	x, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) != 4+12 || rows[1][0] != "筛选：q=社区" || rows[3][2] != "名称" || rows[4][2] != "兴宁社区党支部" || rows[4][4] != "党支部" {
		t.Fatalf("%d rows: %q %q %q", len(rows), rows[1], rows[3], rows[4])
	}
}

func TestAPIImport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	st, out := f.call(t, "POST", "/api/v1/orgs/import", tok, "名称,类型,上级区划代码\n,党支部,450102001\n")
	probs, _ := out["problems"].([]any)
	if st != 201 || out["status"] != "invalid" || len(probs) != 1 || probs[0].(map[string]any)["message"] != "第2行：请填写党组织名称" {
		t.Fatalf("invalid import: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/imports/%s/apply", out["id"]), tok, "")
	if st != 400 || errMsg(out) != "文件有 1 行错误，请修改后重新上传，未导入任何数据" {
		t.Fatalf("apply invalid: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/orgs/import", tok, "名称,类型,上级区划代码\n某某协会党支部,党支部,450102001\n")
	if st != 201 || out["status"] != "ready" {
		t.Fatalf("valid import: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/imports/%s/apply", out["id"]), tok, "")
	if st != 200 || out["created"].(float64) != 1 {
		t.Fatalf("apply: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/orgs/import", tok, "\x00\x01garbage")
	if st != 400 || errMsg(out) != "文件不是有效的 Excel（.xlsx）或 CSV 文件，请用 Excel 另存为 .xlsx 后再导入" {
		t.Fatalf("garbage: %d %v", st, out)
	}
}
