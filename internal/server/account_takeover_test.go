package server

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/audit"
	"jiceng/internal/testrig"
)

// takeoverFixture adds to the demo an account "shuangzhi" homed in the
// street of street_admin that also holds admin on the city committee: the
// account of the audit's finding 1.
func takeoverFixture(t *testing.T) (*acctFixture, account.User) {
	t.Helper()
	f := newAcctFixture(t, nil)
	ctx := context.Background()
	accts := f.accounts
	streetID := f.homeOf(t, "street_admin")
	u, err := accts.Create(ctx, testrig.Admin, account.NewUser{Username: "shuangzhi", Password: "Dual-post-2026", HomeOrgID: streetID, Role: access.Secretary})
	if err != nil {
		t.Fatal(err)
	}
	if err := accts.Grant(ctx, testrig.Admin, u.ID, access.Admin, f.root); err != nil {
		t.Fatal(err)
	}
	f.pw["shuangzhi"] = "Dual-post-2026"
	return f, u
}

// acctFixture is the server fixture with its account service at hand.
type acctFixture struct {
	*fixture
	accounts *account.Service
}

// newAcctFixture is newFixtureWith that keeps the account service; edit may be nil.
func newAcctFixture(t *testing.T, edit func(*Deps)) *acctFixture {
	t.Helper()
	f := newFixtureWith(t, func(d *Deps) {
		if edit != nil {
			edit(d)
		}
	})
	return &acctFixture{fixture: f, accounts: f.accts}
}

// homeOf returns the home organization of a demo account.
func (f *acctFixture) homeOf(t *testing.T, username string) int64 {
	t.Helper()
	id, err := f.accounts.FindByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.accounts.Get(context.Background(), testrig.Admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return u.HomeOrgID
}

// auditCount counts the entries of action on user id.
func (f *acctFixture) auditCount(t *testing.T, action string, id int64) int {
	t.Helper()
	recs, _, err := f.orgs.Audit().List(context.Background(), testrig.Admin, audit.Query{Action: action, TargetType: "user", TargetID: itoa(id), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// TestStreetAdminCannotTakeOverCityAdmin is finding 1: a street
// administrator resets the password of, disables, grants to and revokes from
// an account homed in its street that also holds admin on the city
// committee, through the page and through the API. Every attempt is refused,
// the password still works, and nothing is in the audit log.
func TestStreetAdminCannotTakeOverCityAdmin(t *testing.T) {
	t.Parallel()
	f, victim := takeoverFixture(t)
	id := itoa(victim.ID)
	// The refusal is the generic one: the hidden grant on the city committee
	// is not to be revealed by naming roles the actor could not grant.
	const refused = "您不能管理该用户"
	const newPW = "Taken-over-2026"
	actions := []string{"user.password", "user.status", "grant.create", "grant.revoke"}
	before := map[string]int{}
	for _, a := range actions {
		before[a] = f.auditCount(t, a, victim.ID)
	}

	// The page: the forms are not offered, and posting them anyway is refused.
	b := f.browser(t, "street_admin")
	page := b.get(t, "/users/"+id)
	if strings.Contains(page, `name="op" value="password"`) || strings.Contains(page, `value="disable"`) || strings.Contains(page, `value="revoke"`) {
		t.Errorf("the user page offers management forms to street_admin")
	}
	if strings.Contains(page, "中共南宁市委员会") || strings.Contains(page, "系统管理员") {
		t.Errorf("the user page shows the grant on the city committee to street_admin")
	}
	if list := b.get(t, "/users?q=shuangzhi"); !strings.Contains(list, "shuangzhi") || strings.Contains(list, "南宁市委") {
		t.Errorf("the user list hides the account or shows its grant on the city committee")
	}
	for _, form := range []url.Values{
		{"op": {"password"}, "password": {newPW}},
		{"op": {"disable"}},
		{"op": {"grant"}, "role": {"auditor"}, "org_id": {itoa(f.homeOf(t, "street_admin"))}},
	} {
		st, at, body := b.status(t, "POST", "/users/"+id, form)
		if st != 200 || at != "/users/"+id || !strings.Contains(body, refused) {
			t.Errorf("page %s: %d at %s, flash %q", form.Get("op"), st, at, flashOf(body))
		}
	}

	// The API.
	street := f.token(t, "street_admin")
	st, out := f.call(t, "POST", "/api/v1/users/"+id+"/password", street, fmt.Sprintf(`{"password":%q}`, newPW))
	if st != 403 || errMsg(out) != refused {
		t.Errorf("API password: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/users/"+id, street, "")
	if st != 200 || len(out["grants"].([]any)) != 1 || out["grants"].([]any)[0].(map[string]any)["role"] != "secretary" {
		t.Errorf("API user for street_admin: %d %v", st, out["grants"])
	}
	st, out = f.call(t, "GET", "/api/v1/users?q=shuangzhi", street, "")
	if items := out["items"].([]any); st != 200 || len(items) != 1 || len(items[0].(map[string]any)["grants"].([]any)) != 1 {
		t.Errorf("API list for street_admin: %d %v", st, out)
	}
	secretaryGrant := victim.Grants[0].ID
	st, out = f.call(t, "DELETE", fmt.Sprintf("/api/v1/grants/%d", secretaryGrant), street, "")
	if st != 403 || errMsg(out) != refused {
		t.Errorf("API revoke: %d %v", st, out)
	}

	// Nothing changed: the password works, the account is active with both
	// grants, and the log holds no change to it.
	u, err := f.accounts.Get(context.Background(), testrig.Admin, victim.ID)
	if err != nil || u.Status != "active" || len(u.Grants) != 2 {
		t.Errorf("victim now %+v %v", u, err)
	}
	if tok := f.token(t, "shuangzhi"); tok == "" {
		t.Error("victim cannot log in")
	}
	for _, a := range actions {
		if n := f.auditCount(t, a, victim.ID); n != before[a] {
			t.Errorf("%d %s entries on the victim, %d before", n, a, before[a])
		}
	}
	// The city administrator still manages it.
	admin := f.token(t, "admin")
	if st, out := f.call(t, "GET", "/api/v1/users/"+id, admin, ""); st != 200 || len(out["grants"].([]any)) != 2 {
		t.Errorf("admin sees %d %v", st, out["grants"])
	}
}

// TestRevokeFormChecksTheUser: the revoke form of one user's page cannot
// remove another user's grant, and nobody can remove their own last
// administrative grant.
func TestRevokeFormChecksTheUser(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	ctx := context.Background()
	streetID := f.homeOf(t, "street_admin")
	a, err := f.accounts.Create(ctx, testrig.Admin, account.NewUser{Username: "zhangsan", Password: "Zhang-san-2026", HomeOrgID: streetID, Role: access.Secretary})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.accounts.Create(ctx, testrig.Admin, account.NewUser{Username: "lisi", Password: "Li-si-pass-2026", HomeOrgID: streetID, Role: access.Secretary})
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(t, "street_admin")
	gid := itoa(other.Grants[0].ID)
	st, at, body := b.status(t, "POST", "/users/"+itoa(a.ID), url.Values{"op": {"revoke"}, "grant_id": {gid}})
	if st != 200 || at != "/users/"+itoa(a.ID) || flashOf(body) != "授权 "+gid+" 不存在" {
		t.Errorf("revoke another user's grant: %d %s %q", st, at, flashOf(body))
	}
	if u, _ := f.accounts.Get(ctx, testrig.Admin, other.ID); len(u.Grants) != 1 {
		t.Errorf("lisi has %d grants", len(u.Grants))
	}
	if n := f.auditCount(t, "grant.revoke", other.ID); n != 0 {
		t.Errorf("%d revocations logged", n)
	}
	// The own, last administrative grant.
	selfID, _ := f.accounts.FindByUsername(ctx, "street_admin")
	self, _ := f.accounts.Get(ctx, testrig.Admin, selfID)
	st, _, body = b.status(t, "POST", "/users/"+itoa(selfID), url.Values{"op": {"revoke"}, "grant_id": {itoa(self.Grants[0].ID)}})
	if st != 200 || flashOf(body) != "不能撤销自己最后一个管理角色" {
		t.Errorf("revoke own last grant: %d %q", st, flashOf(body))
	}
	if u, _ := f.accounts.Get(ctx, testrig.Admin, selfID); len(u.Grants) != 1 {
		t.Errorf("street_admin has %d grants", len(u.Grants))
	}
	// The right grant on the right page goes.
	gid = itoa(a.Grants[0].ID)
	if _, _, body = b.status(t, "POST", "/users/"+itoa(a.ID), url.Values{"op": {"revoke"}, "grant_id": {gid}}); flashOf(body) != "已撤销授权" {
		t.Errorf("revoke: %q", flashOf(body))
	}
}

// TestOwnPasswordNeedsTheCurrentOne: a stolen session cannot change the
// password without the current one, on the page or through the API.
func TestOwnPasswordNeedsTheCurrentOne(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	selfID, _ := f.accounts.FindByUsername(context.Background(), "secretary")
	id := itoa(selfID)
	b := f.browser(t, "secretary")
	for _, c := range []struct {
		current, flash string
	}{
		{"", "请输入当前密码"},
		{"Not-the-pass-2026", "当前密码不正确"},
	} {
		_, _, body := b.status(t, "POST", "/users/"+id, url.Values{"op": {"password"}, "password": {"Brand-new-2026"}, "password_confirm": {"Brand-new-2026"}, "current_password": {c.current}})
		if flashOf(body) != c.flash {
			t.Errorf("page, current %q: %q", c.current, flashOf(body))
		}
	}
	tok := f.token(t, "secretary")
	st, out := f.call(t, "POST", "/api/v1/users/"+id+"/password", tok, `{"password":"Brand-new-2026"}`)
	if st != 400 || errMsg(out) != "请输入当前密码" || out["error"].(map[string]any)["field"] != "current_password" {
		t.Errorf("API without current: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/users/"+id+"/password", tok, `{"password":"Brand-new-2026","current_password":"Not-the-pass-2026"}`)
	if st != 400 || errMsg(out) != "当前密码不正确" {
		t.Errorf("API wrong current: %d %v", st, out)
	}
	if n := f.auditCount(t, "user.password", selfID); n != 0 {
		t.Errorf("%d password changes logged", n)
	}
	// With the current password it changes, and the old one stops working.
	st, out = f.call(t, "POST", "/api/v1/users/"+id+"/password", tok, fmt.Sprintf(`{"password":"Brand-new-2026","current_password":%q}`, f.pw["secretary"]))
	if st != 204 {
		t.Fatalf("API change: %d %v", st, out)
	}
	if st, _ := f.call(t, "POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"username":"secretary","password":%q}`, f.pw["secretary"])); st != 401 {
		t.Errorf("old password: %d", st)
	}
	f.pw["secretary"] = "Brand-new-2026"
	f.token(t, "secretary")
	// An administrator who may manage the account needs no current password.
	admin := f.token(t, "admin")
	if st, out := f.call(t, "POST", "/api/v1/users/"+id+"/password", admin, `{"password":"Reset-by-admin-2026"}`); st != 204 {
		t.Errorf("admin reset: %d %v", st, out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// flashOf returns the text of the flash message of a page.
func flashOf(body string) string {
	i := strings.Index(body, `class="flash`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	rest = rest[strings.Index(rest, ">")+1:]
	if j := strings.Index(rest, "<"); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest)
}
