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
