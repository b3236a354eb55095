package server

import (
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

// TestHugePageNumbers asks every paged list for a page number beyond any
// integer's range and for the largest int64: the page answers 200 with the
// empty page past the last one; the API refuses such a cursor with 400.
// Before, the offset overflowed to a negative number, which PostgreSQL
// refuses (500).
func TestHugePageNumbers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "admin")
	for _, path := range []string{"/orgs?q=党", "/users", "/audit", "/coverage/units", "/evaluation"} {
		for _, p := range []string{"99999999999999999999", "9223372036854775807", "-9223372036854775808"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			resp, err := b.c.Get(b.base + path + sep + "page=" + p)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body) // drained only to reuse the connection
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("%s page=%s: %d", path, p, resp.StatusCode)
			}
		}
	}

	tok := f.token(t, "admin")
	for _, path := range []string{"/api/v1/orgs", "/api/v1/users", "/api/v1/audit", "/api/v1/units", "/api/v1/campaigns"} {
		for _, n := range []string{"9223372036854775807", "99999999999999999999", "2000000000"} {
			cursor := base64.RawURLEncoding.EncodeToString([]byte("o:" + n))
			st, out := f.call(t, "GET", path+"?cursor="+cursor, tok, "")
			if st != 400 || errMsg(out) != "cursor 无效，请使用上一页返回的 next_cursor" {
				t.Errorf("%s cursor o:%s: %d %v", path, n, st, out)
			}
		}
	}
}
