package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// noFollow is a client that reports redirects instead of following them.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestLangBackStaysOnSite is finding 7: /lang?back=/%09/host/ sent Chromium
// to another host (it drops the tab and reads //host/).
func TestLangBackStaysOnSite(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for back, want := range map[string]string{
		"/%09/host/":        "/",
		"/%0a/host/":        "/",
		"//evil":            "/",
		"/%5Cevil":          "/",
		"https://evil":      "/",
		"/%2F%2Fevil":       "/",
		"/orgs?q=%E6%B0%91": "/orgs?q=%E6%B0%91",
	} {
		resp, err := noFollow.Get(f.srv.URL + "/lang?to=en&back=" + url.QueryEscape(back))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 || resp.Header.Get("Location") != want {
			t.Errorf("back=%s: %d Location %q, want %q", back, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	// The exact request of the audit, typed into the address bar.
	resp, err := noFollow.Get(f.srv.URL + "/lang?back=/%09/host/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
		t.Errorf("/lang?back=/%%09/host/: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The login form's next field is held to the same rule.
	resp, err = noFollow.PostForm(f.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {f.pw["admin"]}, "next": {"/\t/evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
		t.Errorf("login next: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The session cookie lasts as long as the browser session: no Expires, no Max-Age.
	var c string
	for _, sc := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "jiceng_session=") {
			c = sc
		}
	}
	if c == "" || strings.Contains(strings.ToLower(c), "expires=") || strings.Contains(strings.ToLower(c), "max-age") {
		t.Errorf("session cookie %q", c)
	}
}
