package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestUnknownAddressesAnswerInWords: an address no route serves, or a method
// its address does not take, gets the error page in a browser and the error
// envelope under /api/, never net/http's bare "404 page not found".
func TestUnknownAddressesAnswerInWords(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, err := url.Parse(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cookie := f.browser(t, "admin").c.Jar.Cookies(u)
	cases := []struct {
		method, path string
		login        bool
		status       int
		allow        string
		want         []string // in the body
	}{
		{"GET", "/nowhere", false, 404, "", []string{"<title>未找到", "页面不存在，请检查地址"}},
		{"GET", "/nowhere/deeper", true, 404, "", []string{"<title>未找到", "页面不存在，请检查地址", `class="sidebar`}},
		{"POST", "/healthz", false, 405, "GET, HEAD", []string{"<title>不支持的请求方式", "此地址不接受 POST 请求"}},
		{"GET", "/api/v1/nowhere", false, 404, "", []string{`{"error":{"code":"not_found","message":"页面不存在，请检查地址"}}`}},
		{"DELETE", "/api/v1/orgs/1", true, 405, "GET, HEAD, PATCH", []string{`{"error":{"code":"method_not_allowed","message":"此地址不接受 DELETE 请求"}}`}},
	}
	for _, c := range cases {
		req, err := http.NewRequest(c.method, f.srv.URL+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.login {
			for _, k := range cookie {
				req.AddCookie(k)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(b)
		if strings.HasPrefix(c.path, "/api/") {
			var v any
			compact, _ := json.Marshal(json.RawMessage(strings.TrimSpace(body)))
			if json.Unmarshal(b, &v) != nil {
				t.Errorf("%s %s: not JSON: %q", c.method, c.path, body)
			}
			body = string(compact)
		}
		if resp.StatusCode != c.status || resp.Header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want %d Allow %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Allow"), c.status, c.allow)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %s: body lacks %q:\n%.600s", c.method, c.path, w, body)
			}
		}
	}
}
