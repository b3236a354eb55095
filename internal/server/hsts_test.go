package server

import (
	"net/http"
	"testing"
)

// TestHSTS: browsers are told to keep to https only when the public address
// is https; a plain-HTTP install sends no such header.
func TestHSTS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		publicURL, want string
	}{
		{"https://dj.example.gov.cn", "max-age=31536000"},
		{"http://10.0.0.5:8080", ""},
		{"", ""},
	} {
		f := newFixtureWith(t, func(d *Deps) { d.PublicURL = tc.publicURL })
		for _, path := range []string{"/login", "/vote", "/healthz"} {
			resp, err := http.Get(f.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("public URL %q, %s: Strict-Transport-Security %q, want %q", tc.publicURL, path, got, tc.want)
			}
		}
	}
}
