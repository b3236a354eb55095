package evaluation

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"jiceng/internal/codes"
	"jiceng/internal/errs"
)

// Ballot codes are printed on slips and typed back by raters, often on a
// phone with a Chinese input method; internal/codes says how they are read
// and checked.
//
// Slips printed before carry a mod-37 check drawn from 37 symbols. They stay
// valid until their campaign ends: 128 bits fill only three of the five bits
// of the first character, so current codes set its fourth bit (the first
// character is 8–F) and earlier ones never did (0–7), and each is checked by
// its own rule. The one mistake this lets through is a first character
// mistyped from 8–F into 0–7 whose code then happens to pass the old check
// (one time in 37); the server still finds no token for it.
const (
	// legacyCheckSymbols are the mod-37 check symbols of codes printed
	// before the check moved into the alphabet; ParseCode still reads them.
	legacyCheckSymbols = codes.Alphabet + "*~$=U"
	// codeDigits is the number of base32 characters of 128 bits (26 × 5 = 130).
	codeDigits = 26
	// formatMark is the bit of the first character that marks a code with
	// the GF(32) check.
	formatMark = 8
	// trackerDigits gives 50 random bits: enough that trackers do not
	// collide within a campaign, short enough to note down.
	trackerDigits = 10
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
	d := base32Digits(raw)
	d[0] |= formatMark
	return codes.Format(d[:])
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

// ParseCode reads a code as a rater types it: lower case, spaces, dashes in
// any place or none, full-width characters from a Chinese input method, and
// Crockford's look-alikes O for 0 and I or L for 1. Whatever is wrong, the
// error is InvalidCode.
func ParseCode(s string) ([16]byte, error) {
	var raw [16]byte
	norm, ok := codes.Normalize(s, 200)
	if !ok || len(norm) != codeDigits+1 {
		return raw, InvalidCode()
	}
	digits, ok := codes.Digits(norm[:codeDigits])
	if !ok {
		return raw, InvalidCode()
	}
	var d [codeDigits]byte
	copy(d[:], digits)
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
		if c := strings.IndexByte(codes.Alphabet, norm[codeDigits]); c < 0 || byte(c) != codes.Check(d[:]) {
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
	d := codes.Random(trackerDigits)
	for i, v := range d {
		d[i] = codes.Alphabet[v]
	}
	return codes.Group(d)
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

// TooManyCodes answers a client that has entered too many wrong codes, with
// how long it must wait.
func TooManyCodes(wait time.Duration) error {
	return errs.TooManyWait("测评码输错次数过多", "too many wrong ballot codes", wait)
}
