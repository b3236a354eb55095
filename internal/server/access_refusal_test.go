package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/testrig"
)

// TestAccountPagesRefuseWithoutPermission: an account without user.read is
// refused the user list and its export (not shown an empty one), and one
// without user.manage the new-user form and its submission, on the house's
// forbidden page that names the permission; the menu offers 用户管理 only to
// who may read users. Nothing is created.
func TestAccountPagesRefuseWithoutPermission(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	ctx := context.Background()
	count := func() int {
		t.Helper()
		_, n, err := f.accounts.List(ctx, testrig.Admin, "", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	const noRead = "您没有查看用户的权限（需要 user.read 权限）"
	const noManage = "您没有管理用户的权限（需要 user.manage 权限）"
	bad := url.Values{"username": {""}, "password": {"x"}, "home_org_id": {itoa(f.homeOf(t, "handler"))}, "role": {"bogus"}}

	handler := f.browser(t, "handler") // case handler: neither user.read nor user.manage
	for _, c := range []struct {
		method, path, want string
		form               url.Values
	}{
		{"GET", "/users", noRead, nil},
		{"GET", "/users/export.xlsx", noRead, nil},
		{"GET", "/users/new", noManage, nil},
		{"POST", "/users/new", noManage, bad},
	} {
		st, _, body := handler.status(t, c.method, c.path, c.form)
		if st != 403 || !strings.Contains(body, "<h1>403 · ") || !strings.Contains(body, c.want) || strings.Contains(body, "用户名须为") {
			t.Errorf("case handler %s %s: %d, page has %q: %v", c.method, c.path, st, c.want, strings.Contains(body, c.want))
		}
	}
	if home := handler.get(t, "/"); strings.Contains(home, `data-key="users"`) {
		t.Errorf("the menu offers 用户管理 to the case handler")
	}

	auditor := f.browser(t, "auditor") // user.read, no user.manage
	if home := auditor.get(t, "/"); !strings.Contains(home, `data-key="users"`) {
		t.Errorf("the menu hides 用户管理 from the auditor")
	}
	if st, _, body := auditor.status(t, "GET", "/users", nil); st != 200 || !strings.Contains(body, "street_admin") {
		t.Errorf("auditor /users: %d", st)
	}
	if st, _, body := auditor.status(t, "GET", "/users/new", nil); st != 403 || !strings.Contains(body, noManage) {
		t.Errorf("auditor /users/new: %d", st)
	}

	// An organization administrator of a street names the county as the
	// home: answered at that field, as outside its scope, whatever else
	// the form holds.
	street := f.browser(t, "street_admin")
	county := f.homeOf(t, "county_admin")
	st, _, body := street.status(t, "POST", "/users/new", url.Values{"username": {""}, "password": {"x"}, "home_org_id": {itoa(county)}})
	if want := fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", county); st != 422 || !strings.Contains(body, want) || strings.Contains(body, "用户名须为") {
		t.Errorf("street admin, home outside its scope: %d, page has %q: %v", st, want, strings.Contains(body, want))
	}

	// The API says the same.
	tok := f.token(t, "handler")
	if st, out := f.call(t, "GET", "/api/v1/users", tok, ""); st != 403 || errMsg(out) != noRead {
		t.Errorf("API list by case handler: %d %v", st, out)
	}
	if st, out := f.call(t, "POST", "/api/v1/users", tok, `{"username":"","home_org_id":0,"role":"bogus"}`); st != 403 || errMsg(out) != noManage {
		t.Errorf("API create by case handler: %d %v", st, out)
	}
	id, _ := f.accounts.FindByUsername(ctx, "secretary")
	if st, out := f.call(t, "POST", "/api/v1/users/"+itoa(id)+"/grants", f.token(t, "auditor"), `{"role":"bogus","org_id":0}`); st != 403 || errMsg(out) != "您没有管理该用户的权限（需要 user.manage 权限）" {
		t.Errorf("API grant by auditor: %d %v", st, out)
	}
	if n := count(); n != before {
		t.Errorf("%d users, want %d", n, before)
	}
}

// TestImportPagesRefuseWithoutPermission: the upload forms, templates and
// apply of the organization and unit imports answer 403 with the
// permission missing to an account without it, even for an import session
// that does not exist.
func TestImportPagesRefuseWithoutPermission(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const noOrgs = "您没有导入党组织的权限（需要 org.import 权限）"
	const noUnits = "您没有导入两新组织的权限（需要 unit.manage 权限）"
	auditor := f.browser(t, "auditor") // reads everything, imports nothing
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/import", noOrgs},
		{"GET", "/import/template.xlsx", noOrgs},
		{"POST", "/import/no-such-session/apply", noOrgs},
		{"GET", "/coverage/units/import", noUnits},
		{"GET", "/coverage/units/import/template.xlsx", noUnits},
		{"POST", "/coverage/units/import/no-such-session/apply", noUnits},
	} {
		st, at, body := auditor.status(t, c.method, c.path, url.Values{})
		if st != 403 || at != c.path || !strings.Contains(body, "<h1>403 · ") || !strings.Contains(body, c.want) {
			t.Errorf("auditor %s %s: %d at %s, page has %q: %v", c.method, c.path, st, at, c.want, strings.Contains(body, c.want))
		}
	}
	// With the permission, a missing session is still answered as such.
	street := f.browser(t, "street_admin")
	if st, _, body := street.status(t, "GET", "/import", nil); st != 200 || strings.Contains(body, noOrgs) {
		t.Errorf("street admin /import: %d", st)
	}
	if st, at, body := street.status(t, "POST", "/import/no-such-session/apply", url.Values{}); st != 200 || at != "/import" || flashOf(body) != "导入批次不存在或已过期" {
		t.Errorf("street admin applies a missing session: %d at %s, flash %q", st, at, flashOf(body))
	}
	// The API's apply finds the kind among the caller's own sessions.
	if st, out := f.call(t, "POST", "/api/v1/imports/no-such-session/apply", f.token(t, "auditor"), ""); st != 404 || errMsg(out) == "" {
		t.Errorf("API apply of a missing session: %d %v", st, out)
	}
}
