package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
	"jiceng/internal/web"
)

// withCookie sends a fixed Cookie header: the session cookie of a server
// with an https public address is Secure, which a cookie jar would keep
// from this test's plain-HTTP server.
type withCookie struct{ cookie string }

func (w withCookie) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Cookie", w.cookie)
	return http.DefaultTransport.RoundTrip(r)
}

// TestPublicURL: behind a TLS proxy the server marks its cookies Secure and
// prints the public address, not the request's host, on ballot slips.
func TestPublicURL(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.PublicURL = "https://dj.example.gov.cn" })
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(f.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {f.pw["admin"]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == web.SessionCookie {
			session = c
		}
	}
	if session == nil || !session.Secure || !session.HttpOnly {
		t.Fatalf("session cookie %+v, want Secure and HttpOnly (Set-Cookie %q)", session, resp.Header.Values("Set-Cookie"))
	}

	ctx := context.Background()
	now := time.Now()
	c, err := f.eval.CreateCampaign(ctx, testrig.Admin, evaluation.CampaignInput{OwnerOrgID: f.root, Name: "2026年千企议科长", Type: evaluation.TypeQianQi,
		Year: 2026, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), Rules: evaluation.TemplateQianQiYiKeZhang()})
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{c: &http.Client{Transport: withCookie{session.Name + "=" + session.Value}}, base: f.srv.URL}
	st, _, body := b.status(t, "POST", fmt.Sprintf("/evaluation/%d/tokens", c.ID), url.Values{"group": {"enterprise"}, "n": {"2"}})
	if st != 200 || !strings.Contains(body, "https://dj.example.gov.cn/vote") || strings.Contains(body, f.srv.URL) || strings.Contains(body, "?c=") {
		t.Fatalf("slips: %d, want the public address and not %s:\n%s", st, f.srv.URL, text(body))
	}
}
