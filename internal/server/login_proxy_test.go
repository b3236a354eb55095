package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// loginFrom posts to the login API with an X-Forwarded-For header.
func (f *fixture) loginFrom(t *testing.T, forwardedFor, user, pw string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/auth/login", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, pw)))
	req.Header.Set("Content-Type", "application/json")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// TestLoginBehindProxyCountsPerClient is finding 6: behind a trusted proxy,
// client A's wrong passwords for admin lock A out but do not stop admin
// logging in from client B.
func TestLoginBehindProxyCountsPerClient(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	const a, b = "203.0.113.7", "198.51.100.20"
	for i := 1; i <= 5; i++ {
		if st, out := f.loginFrom(t, "10.9.9.9, "+a, "admin", "Wrong-guess-2026"); st != 401 || errMsg(out) != "用户名或密码错误" {
			t.Fatalf("A's attempt %d: %d %v", i, st, out)
		}
	}
	if st, out := f.loginFrom(t, a, "admin", "Wrong-guess-2026"); st != 429 || !strings.HasPrefix(errMsg(out), "登录失败次数过多，请 ") {
		t.Fatalf("A's 6th attempt: %d %v", st, out)
	}
	if st, out := f.loginFrom(t, a, "admin", f.pw["admin"]); st != 429 {
		t.Fatalf("A with the right password while locked: %d %v", st, out)
	}
	if st, out := f.loginFrom(t, b, "admin", f.pw["admin"]); st != 200 || out["token"] == nil {
		t.Fatalf("admin from B: %d %v", st, out)
	}
}

// TestLoginIgnoresForwardedForFromUntrustedPeer: without trusted proxies an
// X-Forwarded-For header is the client's own word and changes nothing: the
// six failures and the right password all come from the same peer.
func TestLoginIgnoresForwardedForFromUntrustedPeer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := 1; i <= 5; i++ {
		if st, _ := f.loginFrom(t, fmt.Sprintf("203.0.113.%d", i), "admin", "Wrong-guess-2026"); st != 401 {
			t.Fatalf("attempt %d: %d", i, st)
		}
	}
	if st, out := f.loginFrom(t, "198.51.100.20", "admin", f.pw["admin"]); st != 429 || !strings.HasPrefix(errMsg(out), "登录失败次数过多，请 ") {
		t.Fatalf("a forged X-Forwarded-For escaped the limit: %d %v", st, out)
	}
}
