// Package evaluation (internal) — goes to internal/evaluation/ballot_draft_size_test.go
//
// Attack / robustness (issue 11 item 3, draft cookie): the sealed draft is
// set as ONE cookie ("ballot"); browsers drop a cookie whose name+value is
// over 4096 bytes (checked with headless Chromium: a 4,090-byte value
// under the 6-byte name is kept, a 4,700-byte one is silently refused). Nothing bounds
// the draft: with the demo ballot (9 subjects × 7 leaves = 63 answers) a
// 500-character comment of "&<>" (json.Marshal writes each as \u00XX)
// seals to 4,703 bytes; a 35-subject ballot with a 500-character Chinese
// comment, or ~80 subjects with no comment, do too. The browser keeps no
// draft, GET /vote/review answers "no ballot is being filled in … enter
// the code again", and the rater's answers are gone.
package evaluation

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// cookieMax is what browsers keep of one cookie's name and value.
const cookieMax = 4096

func TestDraftFitsOneCookie(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s := &Service{key: bytes.Repeat([]byte{7}, 32), now: func() time.Time { return now }}
	code := FormatCode([16]byte{1, 2, 3})
	answers := func(n int, v string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	for _, c := range []struct {
		name string
		d    Draft
	}{
		{"demo ballot, 500 symbols", Draft{Code: code, Answers: answers(63, "100"), Comment: strings.Repeat("&<>", 166) + "&&", Checked: true}},
		{"35 subjects, 500 Chinese characters", Draft{Code: code, Answers: answers(35*7, "100"), Comment: strings.Repeat("评", MaxCommentRunes), Checked: true}},
		{"80 subjects, points, no comment", Draft{Code: code, Answers: answers(80*7, "87.5"), Checked: true}},
	} {
		sealed, err := s.SealDraft(c.d)
		if err != nil {
			t.Fatal(err)
		}
		if n := len("ballot") + len(sealed); n > cookieMax {
			t.Errorf("%s: the draft cookie is %d bytes, over the %d a browser keeps: the answers are lost at the redirect", c.name, n, cookieMax)
		}
	}
}
