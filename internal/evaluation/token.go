package evaluation

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"jiceng/internal/errs"
)

// Ballot codes are printed on slips and typed back by raters, often on a
// phone with a Chinese input method. They use Crockford's base32: no I, L, O
// or U, so that nothing is mistaken for 1 or 0 and no word is spelled by
// accident, and a check character that catches every single wrong character
// and every swap of two neighbours before the server is asked.
//
// The check character is one of the code's own 32 symbols: the digits
// weighted by successive powers of a generator of GF(32) and summed there.
// Every weight is non-zero, so a single wrong character changes the sum, and
// neighbours carry different weights, so a swap of two different characters
// changes it too. Raters no longer meet a code ending in * ~ $ = or U, which
// phones' keyboards hide and readers took for punctuation.
//
// Slips printed before carry a mod-37 check drawn from 37 symbols. They stay
// valid until their campaign ends: 128 bits fill only three of the five bits
// of the first character, so current codes set its fourth bit (the first
// character is 8–F) and earlier ones never did (0–7), and each is checked by
// its own rule. The one mistake this lets through is a first character
// mistyped from 8–F into 0–7 whose code then happens to pass the old check
// (one time in 37); the server still finds no token for it.
const (
	crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	// legacyCheckSymbols are the mod-37 check symbols of codes printed
	// before the check moved into the alphabet; ParseCode still reads them.
	legacyCheckSymbols = crockford + "*~$=U"
	// codeDigits is the number of base32 characters of 128 bits (26 × 5 = 130).
	codeDigits = 26
	// formatMark is the bit of the first character that marks a code with
	// the GF(32) check.
	formatMark = 8
	// trackerDigits gives 50 random bits: enough that trackers do not
	// collide within a campaign, short enough to note down.
	trackerDigits = 10
	groupSize     = 5
)

// InvalidCode is the one answer to every bad ballot code — mistyped, wrong
// check character or unknown — so that someone guessing codes learns nothing
// about which part was wrong. The database layer returns it for well-formed
// codes it does not know.
func InvalidCode() *errs.Error {
	return errs.Field("code", "测评码无效，请核对后重新输入", "the ballot code is not valid, please check it and enter it again")
}

// NewToken returns 128 random bits for a ballot token: far beyond guessing,
// even by someone who can try millions of codes.
func NewToken() (raw [16]byte, err error) {
	if _, err := rand.Read(raw[:]); err != nil {
		return raw, errs.Wrap(err, "ballot token")
	}
	return raw, nil
}

// FormatCode writes raw as the code printed on a slip: 26 base32 characters,
// most significant first (the first is 8–F: 130 bits hold 128 with two to
// spare, and the lower spare bit marks the check rule), then the check
// character, in groups of five: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XX.
func FormatCode(raw [16]byte) string {
	var digits [codeDigits + 1]byte
	d := base32Digits(raw)
	d[0] |= formatMark
	for i, v := range d {
		digits[i] = crockford[v]
	}
	digits[codeDigits] = crockford[gfCheck(d)]
	return group(digits[:])
}

// base32Digits gives the 26 base-32 digits of raw, most significant first.
func base32Digits(raw [16]byte) [codeDigits]byte {
	hi, lo := split(raw)
	var d [codeDigits]byte
	for i := codeDigits - 1; i >= 0; i-- {
		d[i] = byte(lo & 31)
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return d
}

// gfMul multiplies in GF(32) built on x⁵ + x² + 1, a primitive polynomial,
// so that x generates all 31 non-zero elements.
func gfMul(a, b byte) byte {
	var p byte
	for b > 0 {
		if b&1 != 0 {
			p ^= a
		}
		b >>= 1
		a <<= 1
		if a&32 != 0 {
			a ^= 0x25
		}
	}
	return p
}

// gfCheck is the check digit of d: the sum in GF(32) of digit i times
// x^(i+1). The check character itself counts with weight 1 = x⁰, so all 27
// positions carry distinct non-zero weights (x has order 31).
func gfCheck(d [codeDigits]byte) byte {
	var sum, w byte = 0, 1
	for _, v := range d {
		w = gfMul(w, 2)
		sum ^= gfMul(w, v)
	}
	return sum
}

// ParseCode reads a code as a rater types it: lower case, spaces, dashes in
// any place or none, full-width characters from a Chinese input method, and
// Crockford's look-alikes O for 0 and I or L for 1. Whatever is wrong, the
// error is InvalidCode.
func ParseCode(s string) ([16]byte, error) {
	var raw [16]byte
	if len(s) > 200 {
		return raw, InvalidCode()
	}
	var norm []byte
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		switch r {
		case ' ', '-', '\t', '\r', '\n', '\u3000', '\u2013', '\u2014', '\u2010', '\u2212':
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		switch r {
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r >= 0x80 {
			return raw, InvalidCode()
		}
		norm = append(norm, byte(r))
	}
	if len(norm) != codeDigits+1 {
		return raw, InvalidCode()
	}
	var d [codeDigits]byte
	for i := range codeDigits {
		v := strings.IndexByte(crockford, norm[i])
		if v < 0 {
			return raw, InvalidCode()
		}
		d[i] = byte(v)
	}
	// The first character carries three bits of the token and the format
	// mark; a larger one would not fit in 128 bits.
	current := d[0]&formatMark != 0
	if d[0] >= 2*formatMark {
		return raw, InvalidCode()
	}
	if current {
		d[0] &^= formatMark
	}
	var hi, lo uint64
	for _, v := range d {
		hi = hi<<5 | lo>>59
		lo = lo<<5 | uint64(v)
	}
	for i := range 8 {
		raw[i] = byte(hi >> (56 - 8*i))
		raw[8+i] = byte(lo >> (56 - 8*i))
	}
	if current {
		d[0] |= formatMark
		if c := strings.IndexByte(crockford, norm[codeDigits]); c < 0 || byte(c) != gfCheck(d) {
			return [16]byte{}, InvalidCode()
		}
		return raw, nil
	}
	if c := strings.IndexByte(legacyCheckSymbols, norm[codeDigits]); c < 0 || c != mod37(raw) {
		return [16]byte{}, InvalidCode()
	}
	return raw, nil
}

// TokenMAC is what the database stores for a token: HMAC-SHA-256 under a
// server key, in hex. A stolen table then holds nothing that can be turned
// back into a code or checked against one without the key.
func TokenMAC(key []byte, raw [16]byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(raw[:])
	return hex.EncodeToString(m.Sum(nil))
}

// NewTracker returns a random code shown to a rater after voting, such as
// 7K2QD-M9XAB: it lets them find their ballot in the published list without
// linking it to their token, which is already spent.
func NewTracker() string {
	var b [trackerDigits]byte
	// crypto/rand.Read does not fail (it aborts the program instead).
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = crockford[b[i]&31] // 256 is a multiple of 32, so each character is uniform
	}
	return group(b[:])
}

func split(raw [16]byte) (hi, lo uint64) {
	for i := range 8 {
		hi = hi<<8 | uint64(raw[i])
		lo = lo<<8 | uint64(raw[8+i])
	}
	return hi, lo
}

// mod37 is the 128-bit number raw modulo 37, Crockford's check value and
// the check of codes printed before the GF(32) check.
func mod37(raw [16]byte) int {
	r := 0
	for _, b := range raw {
		r = (r*256 + int(b)) % 37
	}
	return r
}

// group inserts a dash after every five characters.
func group(s []byte) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%groupSize == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// TooManyCodes answers a client that has entered too many wrong codes, with
// how long it must wait.
func TooManyCodes(wait time.Duration) error {
	return errs.TooManyWait("测评码输错次数过多", "too many wrong ballot codes", wait)
}
