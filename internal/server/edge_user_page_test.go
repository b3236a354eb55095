package server

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// roleOptions returns the values of the grant form's role choices.
func roleOptions(page string) []string {
	sel := regexp.MustCompile(`(?s)<select id="grole" name="role">(.*?)</select>`).FindStringSubmatch(page)
	if sel == nil {
		return nil
	}
	var out []string
	for _, m := range regexp.MustCompile(`<option value="([a-z_]+)">`).FindAllStringSubmatch(sel[1], -1) {
		out = append(out, m[1])
	}
	return out
}

// TestUserPageOffersOnlyWhatTheActorMayDo: the grant form of the user page
// listed every role, 系统管理员 first and selected, to a county
// administrator who cannot grant it, and offered 撤销 on the reader's own
// last managing grant, both refused when submitted. It now lists the roles
// the reader may grant and offers 撤销 only where revoking is allowed.
func TestUserPageOffersOnlyWhatTheActorMayDo(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	county := f.browser(t, "county_admin")
	streetID, err := f.accounts.FindByUsername(t.Context(), "street_admin")
	if err != nil {
		t.Fatal(err)
	}
	countyID, err := f.accounts.FindByUsername(t.Context(), "county_admin")
	if err != nil {
		t.Fatal(err)
	}
	lesser := "org_admin secretary evaluation_manager case_handler integrity_officer custodian auditor"
	page := county.get(t, "/users/"+itoa(streetID))
	if got := strings.Join(roleOptions(page), " "); got != lesser {
		t.Errorf("county_admin on street_admin: roles %q, want %q", got, lesser)
	}
	if n := strings.Count(page, `value="revoke"`); n != 1 {
		t.Errorf("county_admin on street_admin: %d revoke forms, want 1", n)
	}

	// Its own page: the one managing grant cannot be revoked by itself.
	page = county.get(t, "/users/"+itoa(countyID))
	if strings.Contains(page, `value="revoke"`) || strings.Contains(page, ">撤销<") {
		t.Errorf("county_admin is offered to revoke its own last managing grant")
	}
	if got := strings.Join(roleOptions(page), " "); got != lesser {
		t.Errorf("county_admin on itself: roles %q, want %q", got, lesser)
	}

	// The administrator may grant every role and revoke the grant.
	admin := f.browser(t, "admin")
	page = admin.get(t, "/users/"+itoa(countyID))
	if got := strings.Join(roleOptions(page), " "); got != "admin "+lesser {
		t.Errorf("admin: roles %q", got)
	}
	if n := strings.Count(page, `value="revoke"`); n != 1 {
		t.Errorf("admin on county_admin: %d revoke forms, want 1", n)
	}
}

// TestUserPagePasswordConfirmed: the password form had no heading and one
// field, so a typo locked the account out. It now has a heading and a
// confirmation checked on the server: a mismatch is refused at the field,
// the page keeps neither password, and the old password still works.
func TestUserPagePasswordConfirmed(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	b := f.browser(t, "admin")
	id, err := f.accounts.FindByUsername(t.Context(), "secretary")
	if err != nil {
		t.Fatal(err)
	}
	page := b.get(t, "/users/"+itoa(id))
	for _, s := range []string{`<h3>修改密码</h3>`, `<label for="password_confirm">确认新密码</label>`, `<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required>`} {
		if !strings.Contains(page, s) {
			t.Errorf("the user page lacks %s", s)
		}
	}

	form := url.Values{"op": {"password"}, "password": {"Typed-once-2026"}, "password_confirm": {"Typed-twice-2026"}}
	st, _, got := b.status(t, "POST", "/users/"+itoa(id), form)
	if st != 422 || !strings.Contains(got, `<p class="error" id="err-password_confirm">两次输入的新密码不一致</p>`) {
		t.Errorf("mismatch: %d %.400s", st, got)
	}
	if strings.Contains(got, "Typed-once-2026") || strings.Contains(got, "Typed-twice-2026") {
		t.Errorf("the page keeps a password")
	}
	st, out := f.call(t, "POST", "/api/v1/auth/login", "", `{"username":"secretary","password":"`+f.pw["secretary"]+`"}`)
	if st != 200 {
		t.Errorf("the old password no longer works: %d %v", st, out)
	}

	// Matching fields change it.
	form.Set("password_confirm", "Typed-once-2026")
	b.status(t, "POST", "/users/"+itoa(id), form)
	if st, out := f.call(t, "POST", "/api/v1/auth/login", "", `{"username":"secretary","password":"Typed-once-2026"}`); st != 200 {
		t.Errorf("the new password does not work: %d %v", st, out)
	}
}
