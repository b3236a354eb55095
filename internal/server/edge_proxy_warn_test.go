package server

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"jiceng/internal/testrig"
)

const proxyWarning = `level=WARN msg="X-Forwarded-For received from an untrusted peer: set --trusted-proxies to the proxy's address, or per-client limits count the proxy"`

// TestForwardedForFromUntrustedPeerWarnsOnce: behind a proxy the operator
// did not declare with --trusted-proxies, every client shares the proxy's
// address for limits, silently. The first request carrying X-Forwarded-For
// from an untrusted peer now leaves one warning; three leave one line,
// requests without the header none, and a declared proxy none.
func TestForwardedForFromUntrustedPeerWarnsOnce(t *testing.T) {
	t.Parallel()
	get := func(f *fixture, xff string) {
		t.Helper()
		req, _ := http.NewRequest("GET", f.srv.URL+"/login", nil)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET /login: %d", resp.StatusCode)
		}
	}
	for _, c := range []struct {
		name    string
		trusted []netip.Prefix
		xff     string
		want    int
	}{
		{"untrusted peer with the header", nil, "203.0.113.7", 1},
		{"untrusted peer without the header", nil, "", 0},
		{"other proxy trusted", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "203.0.113.7", 1},
		{"peer trusted", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")}, "203.0.113.7", 0},
	} {
		var logs testrig.Buffer
		f := newFixtureWith(t, func(d *Deps) {
			d.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			d.TrustedProxies = c.trusted
		})
		for i := 0; i < 3; i++ {
			get(f, c.xff)
		}
		if n := strings.Count(logs.String(), proxyWarning); n != c.want {
			t.Errorf("%s: %d warnings, want %d:\n%s", c.name, n, c.want, logs.String())
		}
		if strings.Contains(logs.String(), "203.0.113.7") {
			t.Errorf("%s: the log names the forwarded address:\n%s", c.name, logs.String())
		}
	}
}
