package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestDemoBanner: a demo looked exactly like a real installation, so a
// screenshot or a printed page of made-up data could pass for real. In demo
// mode every page, admin and public, carries the banner; otherwise none.
func TestDemoBanner(t *testing.T) {
	t.Parallel()
	const zh = `<p class="demo-banner" role="note">演示数据：本站数据均为虚构，仅供试用</p>`
	const en = `<p class="demo-banner" role="note">Demo data: everything here is made up, for trying the system out</p>`
	public := func(t *testing.T, f *fixture, path, lang string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || csp == "" {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		return string(b)
	}
	for _, demo := range []bool{true, false} {
		f := newFixtureWith(t, func(d *Deps) { d.Demo = demo })
		pages := map[string]string{
			"/ (admin)": f.browser(t, "admin").get(t, "/"),
			"/vote":     public(t, f, "/vote", "zh-CN"),
			"/login":    public(t, f, "/login", "zh-CN"),
		}
		for name, body := range pages {
			if got := strings.Count(body, zh); demo && got != 1 || !demo && strings.Contains(body, "demo-banner") {
				t.Errorf("demo %v: %s shows the banner %d times", demo, name, got)
			}
		}
		if body := public(t, f, "/vote", "en"); demo != strings.Contains(body, en) {
			t.Errorf("demo %v: the English banner on /vote: %v", demo, !demo)
		}
	}
}
