package server

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// TestAPILogoutWithCookie is the finding that the API logout, when the
// request was authenticated by the session cookie rather than a bearer
// token, answered 204 and left the session alive. It now ends the session
// it was authenticated by and clears the cookie; a bearer token ends its
// own session and leaves a cookie's alone.
func TestAPILogoutWithCookie(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	b := f.browser(t, "secretary")
	base, _ := url.Parse(f.srv.URL)
	session := ""
	for _, c := range b.c.Jar.Cookies(base) {
		if c.Name == "jiceng_session" {
			session = c.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie after the login form")
	}
	// A request carrying the session cookie as the browser sends it, or,
	// with bearer set, a bearer token as well.
	do := func(method, path, bearer string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, f.srv.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: "jiceng_session", Value: session})
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		if method == "POST" {
			// What a same-origin page's fetch sends, so that the
			// cross-origin protection lets it through.
			req.Header.Set("Origin", f.srv.URL)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := do("GET", "/api/v1/orgs", ""); resp.StatusCode != 200 {
		t.Fatalf("the cookie before logout: %d", resp.StatusCode)
	}
	selfID, _ := f.accounts.FindByUsername(context.Background(), "secretary")
	logouts := f.auditCount(t, "auth.logout", selfID)

	// A bearer token sent beside the cookie authenticates the request: its
	// session ends, the cookie's stays and is not cleared.
	tok := f.token(t, "secretary")
	resp := do("POST", "/api/v1/auth/logout", tok)
	if resp.StatusCode != 204 || len(resp.Cookies()) != 0 {
		t.Errorf("bearer logout: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	if st, out := f.call(t, "GET", "/api/v1/orgs", tok, ""); st != 401 || errMsg(out) != "请先登录" {
		t.Errorf("the bearer token after its logout: %d %v", st, out)
	}
	if resp := do("GET", "/api/v1/orgs", ""); resp.StatusCode != 200 {
		t.Errorf("the cookie after the bearer's logout: %d", resp.StatusCode)
	}

	// The cookie alone.
	resp = do("POST", "/api/v1/auth/logout", "")
	if resp.StatusCode != 204 {
		t.Fatalf("cookie logout: %d", resp.StatusCode)
	}
	cleared := false
	for _, c := range resp.Cookies() {
		cleared = cleared || (c.Name == "jiceng_session" && c.Value == "" && c.MaxAge < 0 && c.Path == "/")
	}
	if !cleared {
		t.Errorf("cookie logout does not clear the cookie: %v", resp.Header["Set-Cookie"])
	}
	// The old cookie, kept by whoever kept it, no longer works: 401 from
	// the API, the login page from the pages.
	if resp := do("GET", "/api/v1/orgs", ""); resp.StatusCode != 401 {
		t.Errorf("the cookie after logout, API: %d, want 401", resp.StatusCode)
	}
	if resp := do("GET", "/orgs", ""); resp.StatusCode != 303 || resp.Header.Get("Location") != "/login?next=%2Forgs" {
		t.Errorf("the cookie after logout, page: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := f.auditCount(t, "auth.logout", selfID); n != logouts+2 {
		t.Errorf("%d logouts logged, want %d", n-logouts, 2)
	}
}
