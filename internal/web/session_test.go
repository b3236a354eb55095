package web

import "testing"

// TestSafeNext is finding 7: a redirect target must be a path on this site.
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/%09/host/":                 "/",
		"/\t/host/":                  "/",
		"/\t/evil":                   "/",
		"/%0a/host/":                 "/",
		"/%0d%0a/host":               "/",
		"//evil":                     "/",
		"///evil":                    "/",
		"/\\evil":                    "/",
		"/%5Cevil":                   "/",
		"/a\\b":                      "/",
		"https://evil":               "/",
		"javascript:alert(1)":        "/",
		"evil.example/":              "/",
		"":                           "/",
		"/%2F%2Fevil":                "/",
		"/%2f/evil":                  "/",
		"/%ZZ":                       "/",
		"/orgs?q=%0a":                "/",
		"/\xff":                      "/",
		"/":                          "/",
		"/orgs":                      "/orgs",
		"/orgs/12?tab=units":         "/orgs/12?tab=units",
		"/orgs?q=%E6%B0%91%E7%94%9F": "/orgs?q=%E6%B0%91%E7%94%9F",
		"/orgs?q=民生":                 "/orgs?q=民生",
		"/users/3#grants":            "/users/3#grants",
		"/a/%2F":                     "/a/%2F",
	} {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
