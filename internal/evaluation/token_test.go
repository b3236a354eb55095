package evaluation

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/codes"
	"jiceng/internal/errs"
)

var codeFormat = regexp.MustCompile(`^[89A-F][0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{5}){4}-[0-9A-HJKMNP-TV-Z]{2}$`)

// wantInvalidCode fails unless err is exactly the generic code error.
func wantInvalidCode(t *testing.T, input string, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("ParseCode(%q): error %v, want the generic code error", input, err)
	}
	want := InvalidCode()
	if e.Kind != errs.Invalid || e.ZH != "测评码无效，请核对后重新输入" || e.EN != want.EN || e.Field != want.Field || e.Err != nil {
		t.Fatalf("ParseCode(%q): %+v, want %+v", input, e, want)
	}
}

func newToken(t *testing.T) [16]byte {
	t.Helper()
	raw, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// Known codes, computed independently: the 128-bit number in base 32 with
// Crockford's alphabet, 8 added to the first digit, then the check digit
// Σ digit_i · x^(i+1) in GF(32) modulo x⁵ + x² + 1.
//
//	0                 → 80000…0, check 8·x = x⁴ = 16 → "G"
//	1                 → 80000…01, check 16 + x^26 = 7 → "7"
//	36                → …14 (36 = 1·32 + 4), check 31 → "Z"
//	2^128 − 1         → FZZZZ…, check 18 → "J"
//	bytes 00 01 … 0f  → 80041…, check 18 → "J"
func TestFormatCodeKnown(t *testing.T) {
	t.Parallel()
	var zero, one, thirtySix, max, seq [16]byte
	one[15] = 1
	thirtySix[15] = 36
	for i := range max {
		max[i] = 0xFF
		seq[i] = byte(i)
	}
	for _, c := range []struct {
		raw  [16]byte
		code string
	}{
		{zero, "80000-00000-00000-00000-00000-0G"},
		{one, "80000-00000-00000-00000-00000-17"},
		{thirtySix, "80000-00000-00000-00000-00001-4Z"},
		{max, "FZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZJ"},
		{seq, "80041-06105-0R3GG-28A1C-60T3G-FJ"},
	} {
		if got := FormatCode(c.raw); got != c.code {
			t.Errorf("FormatCode(%x) = %s, want %s", c.raw, got, c.code)
		}
		if got, err := ParseCode(c.code); err != nil || got != c.raw {
			t.Errorf("ParseCode(%s) = %x, %v", c.code, got, err)
		}
	}
}

// TestPrintedCodesStillAccepted reads codes in the form printed before the
// check moved into the alphabet (first character 0–7, the number mod 37 as
// the check, with * ~ $ = U for 32–36): slips handed out for a running
// campaign must keep working. A wrong mod-37 check is still refused.
//
//	0                 → 0 mod 37 = 0 → "0"
//	36                → 36 mod 37 = 36 → "U"
//	2^128 − 1         → (2^128 − 1) mod 37 = 32 → "*"
//	bytes 00 01 … 0f  → mod 37 = 6 → "6"
func TestPrintedCodesStillAccepted(t *testing.T) {
	t.Parallel()
	var zero, thirtySix, max, seq [16]byte
	thirtySix[15] = 36
	for i := range max {
		max[i] = 0xFF
		seq[i] = byte(i)
	}
	for _, c := range []struct {
		raw  [16]byte
		code string
	}{
		{zero, "00000-00000-00000-00000-00000-00"},
		{thirtySix, "00000-00000-00000-00000-00001-4U"},
		{max, "7ZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-Z*"},
		{seq, "00041-06105-0R3GG-28A1C-60T3G-F6"},
		{seq, "00041 06105 0r3gg 28a1c 60t3g f6"},
	} {
		if got, err := ParseCode(c.code); err != nil || got != c.raw {
			t.Errorf("ParseCode(%s) = %x, %v; want %x", c.code, got, err, c.raw)
		}
	}
	for _, bad := range []string{
		"00041-06105-0R3GG-28A1C-60T3G-F7",
		"00041-06105-0R3GG-28A1C-60T3G-F*",
		"7ZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-Z~",
	} {
		_, err := ParseCode(bad)
		wantInvalidCode(t, bad, err)
	}
}

// TestCheckFromAlphabet: of many codes, none ends in a symbol outside the
// code's own alphabet, and every one of the 32 appears as a check.
func TestCheckFromAlphabet(t *testing.T) {
	t.Parallel()
	seen := map[byte]bool{}
	for range 3000 {
		code := FormatCode(newToken(t))
		last := code[len(code)-1]
		if !strings.ContainsRune(codes.Alphabet, rune(last)) {
			t.Fatalf("code %s ends in %q", code, last)
		}
		seen[last] = true
	}
	if len(seen) != 32 {
		t.Errorf("%d distinct check characters in 3,000 codes, want all 32", len(seen))
	}
}

func TestCodeRoundTrip(t *testing.T) {
	t.Parallel()
	seen := map[[16]byte]bool{}
	for range 2000 {
		raw := newToken(t)
		if seen[raw] {
			t.Fatal("NewToken repeated itself")
		}
		seen[raw] = true
		code := FormatCode(raw)
		if !codeFormat.MatchString(code) {
			t.Fatalf("code %q has the wrong shape", code)
		}
		got, err := ParseCode(code)
		if err != nil || got != raw {
			t.Fatalf("ParseCode(FormatCode(%x)) = %x, %v", raw, got, err)
		}
	}
}

// TestParseCodeForgiving covers what people type: lower case, no dashes,
// spaces, full-width characters and Crockford's look-alikes.
func TestParseCodeForgiving(t *testing.T) {
	t.Parallel()
	var raw [16]byte
	for i := range raw {
		raw[i] = byte(i)
	}
	code := FormatCode(raw) // 80041-06105-0R3GG-28A1C-60T3G-FJ
	plain := strings.ReplaceAll(code, "-", "")
	fullWidth := strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7F {
			return r + 0xFEE0
		}
		return r
	}, code)
	for _, in := range []string{
		strings.ToLower(code),
		plain,
		strings.ToLower(plain),
		" 80041 06105 0R3GG 28A1C 60T3G FJ ",
		"800-4106-1050-R3GG28-A1C60T3GFJ",
		strings.ReplaceAll(code, "0", "O"),
		strings.ReplaceAll(code, "0", "o"),
		strings.ReplaceAll(code, "1", "I"),
		strings.ReplaceAll(code, "1", "l"),
		strings.ReplaceAll(code, "1", "L"),
		fullWidth,
		"80041\u300006105—0R3GG－28A1C-60T3G-FJ",
	} {
		got, err := ParseCode(in)
		if err != nil || got != raw {
			t.Errorf("ParseCode(%q) = %x, %v; want %x", in, got, err, raw)
		}
	}
}

// TestEverySubstitutionRejected replaces each character of random codes by
// every other symbol in turn. Every position has a non-zero weight in
// GF(32), so a single wrong character always changes the check: none may
// pass. Neighbours have different weights, so a swap is caught too. The
// exception is a first character turned into 0–7, which makes the code one
// of the earlier form, checked mod 37: such a code may pass its check (one
// time in 37) and is then refused by the server, which knows no such token.
func TestEverySubstitutionRejected(t *testing.T) {
	t.Parallel()
	for range 30 {
		code := strings.ReplaceAll(FormatCode(newToken(t)), "-", "")
		for i := range len(code) {
			for _, c := range legacyCheckSymbols {
				if byte(c) == code[i] {
					continue
				}
				bad := code[:i] + string(c) + code[i+1:]
				if i == 0 && c >= '0' && c <= '7' {
					continue
				}
				_, err := ParseCode(bad)
				wantInvalidCode(t, bad, err)
			}
			if i+1 < len(code) && code[i] != code[i+1] && (i > 0 || code[1] > '7') {
				bad := code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]
				_, err := ParseCode(bad)
				wantInvalidCode(t, bad, err)
			}
		}
	}
}

// TestParseCodeGeneric checks that every kind of wrong input gets the same
// message, so that guessing learns nothing.
func TestParseCodeGeneric(t *testing.T) {
	t.Parallel()
	good := FormatCode(newToken(t))
	for _, in := range []string{
		"",
		"12345",
		good[:len(good)-1],                       // check character missing
		good + "0",                               // one too many
		"G" + good[1:],                           // more than 129 bits
		strings.Replace(good, good[2:3], "U", 1), // U is only a check symbol
		good[:len(good)-1] + "#",                 // not a symbol at all
		"测评码" + good,                             // Chinese text
		strings.Repeat("0", 1000),
	} {
		_, err := ParseCode(in)
		wantInvalidCode(t, in, err)
	}
}

func TestTokenMAC(t *testing.T) {
	t.Parallel()
	var raw [16]byte
	for i := range raw {
		raw[i] = byte(i)
	}
	// Computed independently: HMAC-SHA-256, key "jiceng-test-key", message the bytes 00 01 … 0f.
	const want = "9e9790d18117edfa0810f3d425a5f39de6de8758729a5eb114ce9f9dc4bffe37"
	if got := TokenMAC([]byte("jiceng-test-key"), raw); got != want {
		t.Errorf("TokenMAC = %s, want %s", got, want)
	}
	if TokenMAC([]byte("another key"), raw) == want {
		t.Error("the key does not change the MAC")
	}
	raw[15] ^= 1
	if TokenMAC([]byte("jiceng-test-key"), raw) == want {
		t.Error("the token does not change the MAC")
	}
}

func TestNewTracker(t *testing.T) {
	t.Parallel()
	shape := regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$`)
	seen := map[string]bool{}
	for range 2000 {
		tr := NewTracker()
		if !shape.MatchString(tr) {
			t.Fatalf("tracker %q has the wrong shape", tr)
		}
		if seen[tr] {
			t.Fatalf("tracker %q repeated within 2000 (50 bits)", tr)
		}
		seen[tr] = true
	}
}

// TestStoredBallot: the compact stored form gives the answers back, so do
// ballots stored before it, and a row that does not fit the rules is an error.
func TestStoredBallot(t *testing.T) {
	t.Parallel()
	r := TemplateQianQiYiKeZhang()
	keys := leafKeys(r)
	answers := map[string]float64{}
	for i, k := range keys {
		answers[k] = []float64{100, 85, 70, 50, 100}[i%5]
	}
	in := map[string]map[string]float64{"s1": answers, "s22": answers}
	body, err := EncodeBallot(in, "服务热情")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"s":{"s1":[`; !strings.HasPrefix(body, want) || !strings.HasSuffix(body, `,"c":"服务热情"}`) {
		t.Errorf("stored form %s", body)
	}
	got, err := decodeBallot(body, keys)
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Fatalf("round trip: %v %v, want %v", got, err, in)
	}
	old := `{"scores":{"s1":{"attitude":100}},"comment":"x"}`
	if got, err := decodeBallot(old, keys); err != nil || got["s1"]["attitude"] != 100 {
		t.Fatalf("a ballot of the named form: %v %v", got, err)
	}
	if _, err := decodeBallot(`{"s":{"s1":[100,85]}}`, keys); err == nil || !strings.Contains(err.Error(), "holds 2 answers for s1") {
		t.Fatalf("short row: %v", err)
	}
}
