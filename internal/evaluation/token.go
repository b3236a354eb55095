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
// accident, and a mod-37 check character that catches every single wrong
// character and every swap of two neighbours before the server is asked.
const (
	crockford    = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	checkSymbols = crockford + "*~$=U"
	// codeDigits is the number of base32 characters of 128 bits (26 × 5 = 130).
	codeDigits = 26
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
// most significant first (the first is 0–7: 130 bits hold 128 with two to
// spare), then
// the check character, in groups of five: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XX.
func FormatCode(raw [16]byte) string {
	hi, lo := split(raw)
	var digits [codeDigits + 1]byte
	for i := codeDigits - 1; i >= 0; i-- {
		digits[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	digits[codeDigits] = checkSymbols[mod37(raw)]
	return group(digits[:])
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
	var hi, lo uint64
	for i := range codeDigits {
		d := strings.IndexByte(crockford, norm[i])
		// The first character carries only three bits; a larger one would not fit in 128.
		if d < 0 || (i == 0 && d > 7) {
			return raw, InvalidCode()
		}
		hi = hi<<5 | lo>>59
		lo = lo<<5 | uint64(d)
	}
	for i := range 8 {
		raw[i] = byte(hi >> (56 - 8*i))
		raw[8+i] = byte(lo >> (56 - 8*i))
	}
	c := strings.IndexByte(checkSymbols, norm[codeDigits])
	if c < 0 || c != mod37(raw) {
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

// mod37 is the 128-bit number raw modulo 37, Crockford's check value.
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
