package server

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
)

// TestPagesLinkHashedAssets: pages linked /static/app.css and friends,
// which the browser revalidated at every page view, uncompressed. Every
// static link of the login page and of the cockpit (with its charts) now
// carries a content hash and answers through the whole middleware with a
// year of immutable caching, the text files gzipped.
func TestPagesLinkHashedAssets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	link := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	hashed := regexp.MustCompile(`^/static/[a-z/.]+\.[0-9a-f]{10}\.(css|js|svg)$`)
	var urls []string
	login := (&browser{c: http.DefaultClient, base: f.srv.URL}).get(t, "/login")
	for _, body := range []string{login, f.browser(t, "admin").get(t, "/")} {
		for _, m := range link.FindAllStringSubmatch(body, -1) {
			if !slices.Contains(urls, m[1]) {
				urls = append(urls, m[1])
			}
		}
	}
	// favicon, app.css, htmx, app.js, and ECharts on the cockpit.
	if len(urls) != 5 {
		t.Errorf("the login page and the cockpit link %d static files, want 5: %v", len(urls), urls)
	}
	for _, u := range urls {
		if !hashed.MatchString(u) {
			t.Errorf("%s is linked without a content hash", u)
			continue
		}
		req, _ := http.NewRequest("GET", f.srv.URL+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s: %d, Cache-Control %q, Content-Encoding %q; want 200, immutable, gzip",
				u, resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Encoding"))
		}
	}
}
