package codes

import (
	"strings"
	"testing"
)

// TestCheckCatchesEveryTypo: for a 16-digit code, every single wrong
// character and every swap of two different neighbours is refused.
func TestCheckCatchesEveryTypo(t *testing.T) {
	for range 50 {
		d := Random(16)
		code := Format(d)
		if got, ok := Parse(code, 16); !ok || string(got) != string(d) {
			t.Fatalf("Parse(%q) = %v %v", code, got, ok)
		}
		chars := []byte(strings.ReplaceAll(code, "-", ""))
		for i := range chars {
			for _, c := range []byte(Alphabet) {
				if c == chars[i] {
					continue
				}
				typo := append([]byte(nil), chars...)
				typo[i] = c
				if _, ok := Parse(string(typo), 16); ok {
					t.Fatalf("%s with %c at %d passed", code, c, i)
				}
			}
			if i+1 < len(chars) && chars[i] != chars[i+1] {
				swap := append([]byte(nil), chars...)
				swap[i], swap[i+1] = swap[i+1], swap[i]
				if _, ok := Parse(string(swap), 16); ok {
					t.Fatalf("%s with %d and %d swapped passed", code, i, i+1)
				}
			}
		}
	}
}

// TestParseReadsWhatPeopleType: lower case, spaces, full-width characters
// and look-alikes read as the code.
func TestParseReadsWhatPeopleType(t *testing.T) {
	d := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	code := Format(d)
	if code != "01234-56789-ABCDE-F"+string(Alphabet[Check(d)]) {
		t.Fatalf("Format = %q", code)
	}
	typed := strings.NewReplacer("0", "o", "1", "l", "A", "ａ", "-", " ").Replace(strings.ToLower(code))
	if got, ok := Parse(typed, 16); !ok || string(got) != string(d) {
		t.Fatalf("Parse(%q) = %v %v", typed, got, ok)
	}
	for _, bad := range []string{"", code + "0", code[:len(code)-1], strings.Replace(code, "0", "U", 1), strings.Repeat("0", 300)} {
		if _, ok := Parse(bad, 16); ok {
			t.Errorf("Parse(%q) passed", bad)
		}
	}
}
