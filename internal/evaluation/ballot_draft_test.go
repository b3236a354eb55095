package evaluation

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestDraftSealed: a draft comes back as sealed, holds nothing readable,
// and is refused when changed, sealed under another key or expired.
func TestDraftSealed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := &Service{key: bytes.Repeat([]byte{7}, 32), now: clock}
	code := FormatCode([16]byte{1, 2, 3})
	d := Draft{Code: code, Answers: []string{"100", "", "85"}, Comment: "村务公开要更及时", Checked: true}
	sealed, err := s.SealDraft(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, code) || strings.Contains(sealed, strings.ReplaceAll(code, "-", "")) {
		t.Errorf("the sealed draft shows the code: %s", sealed)
	}
	got, ok := s.OpenDraft(sealed)
	if !ok || got.Code != code || strings.Join(got.Answers, ",") != "100,,85" || got.Comment != d.Comment || !got.Checked {
		t.Fatalf("OpenDraft = %+v, %v", got, ok)
	}
	flipped := []byte(sealed)
	flipped[len(flipped)/2] ^= 1
	if _, ok := s.OpenDraft(string(flipped)); ok {
		t.Error("a changed draft was accepted")
	}
	other := &Service{key: bytes.Repeat([]byte{8}, 32), now: clock}
	if _, ok := other.OpenDraft(sealed); ok {
		t.Error("a draft sealed under another key was accepted")
	}
	for _, bad := range []string{"", "!!", "AAAA"} {
		if _, ok := s.OpenDraft(bad); ok {
			t.Errorf("OpenDraft(%q) accepted", bad)
		}
	}
	now = now.Add(DraftLifetime - time.Second)
	if _, ok := s.OpenDraft(sealed); !ok {
		t.Error("the draft expired early")
	}
	now = now.Add(time.Second)
	if _, ok := s.OpenDraft(sealed); ok {
		t.Error("an expired draft was accepted")
	}
}

// TestDraftRoundTrip: every answer comes back exactly as posted — whole
// scores, decimals, levels' points, junk a rater typed — and so do a code
// typed in another form and a comment of characters JSON would escape.
func TestDraftRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s := &Service{key: bytes.Repeat([]byte{7}, 32), now: func() time.Time { return now }}
	answers := []string{"", "0", "100", "85", "87.5", "99.99", "0.01", "100.00", "87.50", "007", "-0", "-5", "101", "100.5",
		"1e2", "abc", "满意", "12345678901", "0.005", "+5", " 5"}
	for _, code := range []string{FormatCode([16]byte{1, 2, 3}), strings.ToLower(FormatCode([16]byte{9})), "not a code"} {
		d := Draft{Code: code, Answers: answers, Comment: "村务公开 &<>\"\\ \u2028 要更及时", Checked: true}
		sealed, err := s.SealDraft(d)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := s.OpenDraft(sealed)
		if !ok || got.Code != code || got.Comment != d.Comment || !got.Checked || strings.Join(got.Answers, "|") != strings.Join(answers, "|") {
			t.Errorf("round trip of %q: %v %+v", code, ok, got)
		}
	}
	sealed, err := s.SealDraft(Draft{Code: FormatCode([16]byte{4})})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := s.OpenDraft(sealed); !ok || len(got.Answers) != 0 || got.Checked || got.Comment != "" {
		t.Errorf("a draft of a code alone: %v %+v", ok, got)
	}
}
