package server

import (
	"fmt"
	"html"
	"io"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fromLang is fixture.from with an Accept-Language header; it returns the
// status, the Retry-After header and the page.
func (f *fixture) fromLang(t *testing.T, addr, lang, method, path, body string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = addr
	req.Header.Set("Accept-Language", lang)
	if method == "POST" {
		req.Header.Set("Content-Type", formType)
	}
	rec := httptest.NewRecorder()
	f.srv.Config.Handler.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, rec.Header().Get("Retry-After"), string(b)
}

var (
	publicDivRE = regexp.MustCompile(`(?s)<div class="public">.*?<footer>`)
	titleRE     = regexp.MustCompile(`<title>([^<]*)</title>`)
)

// publicText is the title and the text of a public page above its footer.
func publicText(body string) string {
	title := ""
	if m := titleRE.FindStringSubmatch(body); m != nil {
		title = html.UnescapeString(m[1])
	}
	return title + " | " + text(publicDivRE.FindString(body))
}

// TestBulletinLimitPage: a client over its limit of bulletin requests is
// shown the bulletin's own page, not the ballot's code entry, with the
// wait, a link back to the bulletin and, on a lookup, the tracker it typed;
// in Chinese and in English, where one second is "1 second".
func TestBulletinLimitPage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f := newFixtureWith(t, func(d *Deps) { d.Now = func() time.Time { return now } })
	admin := f.token(t, "admin")
	id, _, _ := f.newCampaign(t, admin, "village_secretary", 1, map[string]int{"masses": 5})
	board := fmt.Sprintf("/bulletin/%d", id)
	x := "203.0.113.7:40000"
	for i := 1; i <= 60; i++ {
		if st, _, body := f.fromLang(t, x, "zh-CN", "GET", board, ""); st != 200 {
			t.Fatalf("request %d: %d\n%s", i, st, text(body))
		}
	}
	back := fmt.Sprintf(`<a class="btn" href="/bulletin/%d">`, id)
	cases := []struct {
		lang, method, body, want string
		tracker                  bool
	}{
		{"zh-CN", "GET", "", "测评公示 · 基层党建 | 测评公示 查看公示过于频繁，请 1 秒后再试 返回测评公示", false},
		{"en", "GET", "", "Bulletin · 基层党建 | Bulletin Too many bulletin requests: try again in 1 second Back to the bulletin", false},
		{"zh-CN", "POST", url.Values{"t": {"abcde-12345"}}.Encode(), "测评公示 · 基层党建 | 测评公示 查看公示过于频繁，请 1 秒后再试 查询跟踪码 跟踪码 查询 返回测评公示", true},
		{"en", "POST", url.Values{"t": {"abcde-12345"}}.Encode(), "Bulletin · 基层党建 | Bulletin Too many bulletin requests: try again in 1 second Find your tracker Tracker Search Back to the bulletin", true},
	}
	for _, c := range cases {
		st, retry, body := f.fromLang(t, x, c.lang, c.method, board, c.body)
		if got := publicText(body); st != 429 || retry != "1" || got != c.want {
			t.Errorf("%s %s over the limit: %d Retry-After %q\n%s\nwant 429 Retry-After 1\n%s", c.lang, c.method, st, retry, got, c.want)
		}
		if !strings.Contains(body, back) {
			t.Errorf("%s %s over the limit: no link back to %s", c.lang, c.method, board)
		}
		if kept := strings.Contains(body, `value="abcde-12345"`); kept != c.tracker {
			t.Errorf("%s %s over the limit: tracker kept in the search field %v, want %v", c.lang, c.method, kept, c.tracker)
		}
	}
}
