package evaluation

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/errs"
)

var codeFormat = regexp.MustCompile(`^[0-7][0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{5}){4}-[0-9A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z*~$=U]$`)

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
// Crockford's alphabet, then the number mod 37 as the check symbol.
//
//	0                 → all zeros, 0 mod 37 = 0 → "0"
//	1                 → …01, 1 mod 37 = 1 → "1"
//	36                → …14 (36 = 1·32 + 4), 36 mod 37 = 36 → "U"
//	2^128 − 1         → 7ZZZZ…, (2^128 − 1) mod 37 = 32 → "*"
//	bytes 00 01 … 0f  → 0x000102…0f mod 37 = 6 → "6"
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
		{zero, "00000-00000-00000-00000-00000-00"},
		{one, "00000-00000-00000-00000-00000-11"},
		{thirtySix, "00000-00000-00000-00000-00001-4U"},
		{max, "7ZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-Z*"},
		{seq, "00041-06105-0R3GG-28A1C-60T3G-F6"},
	} {
		if got := FormatCode(c.raw); got != c.code {
			t.Errorf("FormatCode(%x) = %s, want %s", c.raw, got, c.code)
		}
		if got, err := ParseCode(c.code); err != nil || got != c.raw {
			t.Errorf("ParseCode(%s) = %x, %v", c.code, got, err)
		}
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
	code := FormatCode(raw) // 00041-06105-0R3GG-28A1C-60T3G-F6
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
		" 00041 06105 0R3GG 28A1C 60T3G F6 ",
		"000-4106-1050-R3GG28-A1C60T3GF6",
		strings.ReplaceAll(code, "0", "O"),
		strings.ReplaceAll(code, "0", "o"),
		strings.ReplaceAll(code, "1", "I"),
		strings.ReplaceAll(code, "1", "l"),
		strings.ReplaceAll(code, "1", "L"),
		fullWidth,
		"00041\u300006105—0R3GG－28A1C-60T3G-F6",
	} {
		got, err := ParseCode(in)
		if err != nil || got != raw {
			t.Errorf("ParseCode(%q) = %x, %v; want %x", in, got, err, raw)
		}
	}
}

// TestEverySubstitutionRejected replaces each character of random codes by
// every other symbol in turn. Mod 37 is prime and larger than the alphabet,
// so a single wrong character always changes the check value: none may pass.
// Swapping two neighbours is caught for the same reason.
func TestEverySubstitutionRejected(t *testing.T) {
	t.Parallel()
	for range 30 {
		code := strings.ReplaceAll(FormatCode(newToken(t)), "-", "")
		for i := range len(code) {
			for _, c := range checkSymbols {
				if byte(c) == code[i] {
					continue
				}
				bad := code[:i] + string(c) + code[i+1:]
				_, err := ParseCode(bad)
				wantInvalidCode(t, bad, err)
			}
			if i+1 < len(code) && code[i] != code[i+1] {
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
		"8" + good[1:],                           // more than 128 bits
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
