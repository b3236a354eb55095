package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// get asks serveStatic for path with the given request headers.
func get(t *testing.T, method, path string, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	serveStatic(w, req)
	return w.Result()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStaticHashedAndCompressed: the static files went out uncompressed
// (ECharts alone 1.1 MB) and without a cache lifetime, so every page view
// revalidated them. Pages now link hashed names, cached for a year as
// immutable, and text files go out gzipped to a client that accepts it.
func TestStaticHashedAndCompressed(t *testing.T) {
	want, err := fs.ReadFile(Static(), "app.css")
	if err != nil {
		t.Fatal(err)
	}
	url := Asset("app.css")
	if !regexp.MustCompile(`^/static/app\.[0-9a-f]{10}\.css$`).MatchString(url) {
		t.Fatalf(`Asset("app.css") = %q, want /static/app.<10 hex digits>.css`, url)
	}
	resp := get(t, "GET", url, "Accept-Encoding", "gzip, deflate, br")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" ||
		resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("GET %s: %d %v", url, resp.StatusCode, resp.Header)
	}
	if got := gunzip(t, body); !bytes.Equal(got, want) {
		t.Errorf("GET %s: the gzipped body is %d bytes unpacked, the file %d", url, len(got), len(want))
	}

	// Without Accept-Encoding, or with gzip refused, the file as it is.
	for _, ae := range []string{"", "identity", "gzip;q=0, identity", "br"} {
		resp := get(t, "GET", url, "Accept-Encoding", ae)
		body, _ := io.ReadAll(resp.Body)
		if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, %d bytes, want the %d bytes of the file", ae, resp.Header.Get("Content-Encoding"), len(body), len(want))
		}
	}

	// The plain name, and the hashed name of an earlier release, keep
	// working for pages rendered before: the same file, revalidated.
	for _, p := range []string{"/static/app.css", "/static/app.0123456789.css"} {
		resp := get(t, "GET", p)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" || !bytes.Equal(body, want) {
			t.Errorf("GET %s: %d, Cache-Control %q, %d bytes; want 200, no-cache, the file", p, resp.StatusCode, resp.Header.Get("Cache-Control"), len(body))
		}
		etag := resp.Header.Get("ETag")
		if resp := get(t, "GET", p, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %s: %d, want 304", p, etag, resp.StatusCode)
		}
	}

	// HEAD: the headers, no body.
	resp = get(t, "HEAD", url)
	body, _ = io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Length") != strconv.Itoa(len(want)) || len(body) != 0 {
		t.Errorf("HEAD %s: Content-Length %q and %d bytes, want %d and none", url, resp.Header.Get("Content-Length"), len(body), len(want))
	}

	// What is not a file is not found: no directory listing any more.
	for _, p := range []string{"/static/", "/static/vendor/", "/static/missing.css", "/static/app.zzzzzzzzzz.css"} {
		if resp := get(t, "GET", p); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// TestStaticSizes: every text file of 1 KB or more goes out gzipped, and
// the gzipped set is at most a third of the plain one (measured: 1.25 MB
// → 0.40 MB, ECharts 1.12 MB → 0.37 MB).
func TestStaticSizes(t *testing.T) {
	var plain, packed int
	for name, a := range assets().byName {
		gz := a.gzipped()
		if compressible[path.Ext(name)] && len(a.data) >= 1024 && gz == nil {
			t.Errorf("%s (%d bytes) is not gzipped", name, len(a.data))
		}
		if gz != nil {
			plain += len(a.data)
			packed += len(gz)
			t.Logf("%-22s %8d → %7d bytes (%.2f)", name, len(a.data), len(gz), float64(len(gz))/float64(len(a.data)))
		}
	}
	t.Logf("text files: %d → %d bytes, %d saved per cold page load with charts", plain, packed, plain-packed)
	if packed*3 > plain {
		t.Errorf("gzipped text files are %d bytes of %d, want at most a third", packed, plain)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=1.0": true, "gzip;q=0": false, "gzip; q=0.000": false,
		"*": true, "br, *;q=0": false, "identity": false, "x-gzip": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

// BenchmarkLoadAssets measures the one-time cost of reading, hashing and
// gzipping every static file (go test -run - -bench LoadAssets
// ./internal/web/).
func BenchmarkLoadAssets(b *testing.B) {
	start := time.Now()
	for b.Loop() {
		set, err := loadAssets(Static())
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range set.byName {
			a.gzipped()
		}
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/load")
}
