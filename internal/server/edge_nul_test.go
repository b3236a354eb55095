package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"jiceng/internal/testrig"
)

const nulRefused = "请求内容含有不允许的控制字符（NUL）：请删除后重试"

// TestNULRefused: a NUL byte in a form value, a query string or a JSON
// string (the escape \u0000) reached PostgreSQL, which answered 500
// (invalid byte sequence for encoding "UTF8": 0x00). Each request is now
// refused with 400 and a message that says what to remove, on both
// engines, and creates nothing.
func TestNULRefused(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	admin := f.token(t, "admin")
	users := func() int {
		t.Helper()
		_, n, err := f.accounts.List(context.Background(), testrig.Admin, "", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := users()

	api := []struct{ method, path, token, body string }{
		{"POST", "/api/v1/auth/login", "", `{"username":"ad\u0000min","password":"x"}`},
		{"GET", "/api/v1/orgs?q=a%00b", admin, ""},
		{"GET", "/api/v1/orgs?q%00=ab", admin, ""},
		{"POST", "/api/v1/users", admin, fmt.Sprintf(`{"username":"nul_user","display_name":"a\u0000b","password":"Nul-user-2026","home_org_id":%d,"role":"auditor"}`, f.root)},
		{"POST", "/api/v1/users", admin, fmt.Sprintf(`{"username":"nul_user","display_name":"a\\\u0000b","password":"Nul-user-2026","home_org_id":%d,"role":"auditor"}`, f.root)},
	}
	for _, c := range api {
		st, out := f.call(t, c.method, c.path, c.token, c.body)
		if st != 400 || errMsg(out) != nulRefused {
			t.Errorf("%s %s %s: %d %v", c.method, c.path, c.body, st, out)
		}
	}

	post := func(c *http.Client, path, form string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := post(http.DefaultClient, "/login", "username=ad%00min&password=x"); st != 400 || !strings.Contains(body, nulRefused) {
		t.Errorf("login form: %d %.300s", st, body)
	}
	b := f.browser(t, "admin")
	if st, body := post(b.c, "/users/new", fmt.Sprintf("username=nul_user&display_name=a%%00b&password=Nul-user-2026&home_org_id=%d&role=auditor", f.root)); st != 400 || !strings.Contains(body, nulRefused) {
		t.Errorf("new user form: %d %.300s", st, body)
	}
	resp, err := b.c.Get(f.srv.URL + "/orgs?q=a%00b")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), nulRefused) {
		t.Errorf("org search page: %d %.300s", resp.StatusCode, body)
	}
	if n := users(); n != before {
		t.Errorf("%d accounts, want %d", n, before)
	}

	// An escaped backslash before u0000 is the text \u0000, not a NUL:
	// it is kept as typed.
	st, out := f.call(t, "POST", "/api/v1/users", admin, fmt.Sprintf(`{"username":"slash_user","display_name":"a\\u0000b","password":"Slash-user-2026","home_org_id":%d,"role":"auditor"}`, f.root))
	if st != 201 || out["display_name"] != `a\u0000b` {
		t.Errorf("escaped backslash: %d %v", st, out)
	}
}
