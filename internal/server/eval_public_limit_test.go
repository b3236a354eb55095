package server

import (
	"html"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
)

// from sends a request to the server as the client at addr, as the server
// sees it behind no proxy.
func (f *fixture) from(t *testing.T, addr, method, path, contentType, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = addr
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	f.srv.Config.Handler.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, html.UnescapeString(string(b))
}

const formType = "application/x-www-form-urlencoded"

// TestBallotCodeLimitSparesValidCodes is the reviewer's attack on the
// shared limit: six wrong codes from one client locked every rater behind
// the same address out. Afterwards a valid code passes from that client and
// from any other, and it does not reset the count: the next wrong code from
// the first client is still refused as one too many.
func TestBallotCodeLimitSparesValidCodes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	_, subs, codes := f.newCampaign(t, admin, "village_secretary", 1, map[string]int{"masses": 4})
	x, y := "203.0.113.7:40000", "198.51.100.9:40001"
	wrong := otherCode(codes["masses"][0])
	invalid := evaluation.InvalidCode().ZH

	for i := 1; i <= 6; i++ {
		st, body := f.from(t, x, "POST", "/vote", formType, url.Values{"code": {wrong}}.Encode())
		switch {
		case i <= 5 && (st != 422 || !strings.Contains(body, invalid)):
			t.Fatalf("wrong code %d: %d, want 422 %s", i, st, invalid)
		case i == 6 && (st != 429 || !strings.Contains(body, "测评码输错次数过多，请 2 秒后再试")):
			t.Fatalf("wrong code 6: %d, want 429 测评码输错次数过多，请 2 秒后再试\n%s", st, text(body))
		}
	}
	// Valid codes open the ballot (a redirect to it), from X itself and from Y.
	for i, addr := range []string{x, y} {
		st, body := f.from(t, addr, "POST", "/vote", formType, url.Values{"code": {codes["masses"][i]}}.Encode())
		if st != 303 || strings.Contains(body, "次数过多") {
			t.Errorf("valid code from %s after six wrong ones from %s: %d\n%s", addr, x, st, text(body))
		}
	}
	// A ballot cast through the API from X is accepted too.
	st, body := f.from(t, x, "POST", "/api/v1/public/ballots", "application/json",
		ballotJSON(codes["masses"][2], map[string]map[string]float64{subs[0]: village(85, 100)}, ""))
	if st != 201 || !strings.Contains(body, `"tracker"`) {
		t.Errorf("ballot from %s: %d %s", x, st, body)
	}
	// The valid lookups did not reset X's count: the seventh wrong code is
	// one too many, on the page and in the API alike.
	st, body = f.from(t, x, "POST", "/vote", formType, url.Values{"code": {wrong}}.Encode())
	if st != 429 || !strings.Contains(body, "测评码输错次数过多，请 ") {
		t.Errorf("seventh wrong code from %s: %d, want 429\n%s", x, st, text(body))
	}
	st, body = f.from(t, x, "POST", "/api/v1/public/ballots", "application/json",
		ballotJSON(wrong, map[string]map[string]float64{subs[0]: village(85, 100)}, ""))
	if st != 429 || !strings.Contains(body, "测评码输错次数过多，请 ") {
		t.Errorf("eighth wrong code from %s through the API: %d %s", x, st, body)
	}
	// Y has entered no wrong code: its first is told it is wrong.
	st, body = f.from(t, y, "POST", "/vote", formType, url.Values{"code": {wrong}}.Encode())
	if st != 422 || !strings.Contains(body, invalid) {
		t.Errorf("first wrong code from %s: %d\n%s", y, st, text(body))
	}
}
