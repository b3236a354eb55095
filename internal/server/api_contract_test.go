package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/testrig/spec"
)

// getRaw sends a GET with token (none when empty) and returns the status,
// the content type and the body.
func (f *fixture) getRaw(t *testing.T, path, token string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// TestAPIExcelExports checks that the Excel exports answer API clients
// with their token: a workbook with the list's header, and errors as the
// API's JSON envelope (the spec check validates every answer too).
func TestAPIExcelExports(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	town, _ := f.evalTown(t, admin, 1)
	st, c := f.call(t, "POST", "/api/v1/campaigns", admin, campaignBody(town, "导出测试评议", `,"template":"village_secretary"`))
	if st != 201 {
		t.Fatalf("campaign: %d %v", st, c)
	}
	camp := int64(c["id"].(float64))
	for _, tc := range []struct{ path, firstHeader string }{
		{"/api/v1/orgs/export.xlsx?kind=committee", "序号"},
		{fmt.Sprintf("/api/v1/orgs/%d/export.xlsx?scope=subtree", town), "序号"},
		{"/api/v1/orgs/import/template.xlsx", "名称*"},
		{"/api/v1/users/export.xlsx", "序号"},
		{"/api/v1/audit/export.xlsx?action=auth.login", "序号"},
		{"/api/v1/coverage/export.xlsx", "序号"},
		{"/api/v1/units/export.xlsx?coverage=none&sort=-members", "序号"},
		{"/api/v1/units/import/template.xlsx", "名称*"},
		{"/api/v1/campaigns/export.xlsx", "序号"},
		{fmt.Sprintf("/api/v1/campaigns/%d/subjects/import/template.xlsx", camp), "类型"},
	} {
		st, ct, body := f.getRaw(t, tc.path, admin)
		if st != 200 || ct != spec.XLSXType {
			t.Errorf("%s: %d %s %.200s", tc.path, st, ct, body)
			continue
		}
		wb, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		rows, err := wb.GetRows(wb.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			if len(r) > 0 && r[0] == tc.firstHeader {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: no row starts with %q: %v", tc.path, tc.firstHeader, rows[:min(len(rows), 4)])
		}
	}

	street := f.token(t, "street_admin")
	for _, tc := range []struct {
		path, token string
		status      int
		code, msg   string
	}{
		{"/api/v1/units/export.xlsx", "", 401, "unauthorized", "请先登录"},
		{"/api/v1/units/export.xlsx?sort=bogus", admin, 400, "invalid", "排序方式不正确"},
		{fmt.Sprintf("/api/v1/orgs/%d/export.xlsx", f.root), street, 404, "not_found", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", f.root)},
		{fmt.Sprintf("/api/v1/campaigns/%d/results.xlsx", camp), admin, 409, "conflict", ""},
	} {
		st, ct, body := f.getRaw(t, tc.path, tc.token)
		var e struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(body, &e); err != nil || st != tc.status || !strings.HasPrefix(ct, "application/json") || e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.msg) {
			t.Errorf("%s: %d %s %s", tc.path, st, ct, body)
		}
	}
}

// TestUnitImportMissingColumnAPI: a file whose header lacks a required
// column is refused as a whole with 400, as the document says, and no
// session is made.
func TestUnitImportMissingColumnAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	st, out := f.call(t, "POST", "/api/v1/units/import", tok, "名称,统一社会信用代码,所在区划代码\n南宁导入甲公司,"+creditCode("450102", 41)+",450102001003\n")
	e, _ := out["error"].(map[string]any)
	if st != 400 || e["code"] != "invalid" || e["message"] != "缺少必填列：隶属党组织编号 或 隶属党组织区划代码" {
		t.Fatalf("%d %v", st, out)
	}
	var n int
	if err := f.d.QueryRow(t.Context(), "SELECT COUNT(*) FROM import_sessions").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d import sessions were made", n)
	}
}

// TestUserTimesAPI: a user carries when it was created and when it last
// logged in, empty before its first login.
func TestUserTimesAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	st, u := f.call(t, "POST", "/api/v1/users", admin, fmt.Sprintf(`{"username":"times_user","display_name":"时间","password":"Xk9#mQ2$vL7pR4wZ","home_org_id":%d}`, f.root))
	if st != 201 || u["created_at"] == "" || u["last_login_at"] != "" {
		t.Fatalf("new user: %d %v", st, u)
	}
	st, out := f.call(t, "GET", "/api/v1/users?q=admin&limit=1", admin, "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 {
		t.Fatalf("users: %d %v", st, out)
	}
	me := items[0].(map[string]any)
	if me["username"] != "admin" || me["last_login_at"] == "" || me["created_at"] == "" {
		t.Errorf("admin after login: %v", me)
	}
}

// TestRulesRoundTripAPI: rules read from a campaign are written back
// unchanged and accepted; parents carry no scale.
func TestRulesRoundTripAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	town, _ := f.evalTown(t, admin, 1)
	st, c := f.call(t, "POST", "/api/v1/campaigns", admin, campaignBody(town, "规则往返测试", `,"template":"village_secretary"`))
	if st != 201 {
		t.Fatalf("campaign: %d %v", st, c)
	}
	id := int64(c["id"].(float64))
	st, c = f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d", id), admin, "")
	if st != 200 {
		t.Fatalf("get: %d %v", st, c)
	}
	rules := c["rules"].(map[string]any)
	parents := 0
	for _, in := range rules["indicators"].([]any) {
		m := in.(map[string]any)
		if _, ok := m["children"]; ok {
			parents++
			if _, ok := m["scale"]; ok {
				t.Errorf("parent %v has a scale", m["key"])
			}
		}
	}
	if parents != 1 {
		t.Errorf("%d parents", parents)
	}
	rules["version"] = c["version"]
	body, err := json.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	st, out := f.call(t, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/rules", id), admin, string(body))
	if st != 200 || out["version"].(float64) != c["version"].(float64)+1 {
		t.Fatalf("write back: %d %v", st, out)
	}
}
