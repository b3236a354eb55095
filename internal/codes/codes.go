// Package codes writes and reads the codes the public types back from
// paper or a phone's screen — ballot codes and case receipts. They use
// Crockford's base32: no I, L, O or U, so that nothing is mistaken for 1 or
// 0 and no word is spelled by accident, and end in a check character that
// catches every single wrong character and every swap of two neighbours
// before the server is asked.
//
// The check character is one of the code's own 32 symbols: the digits
// weighted by successive powers of a generator of GF(32) and summed there.
// Every weight is non-zero, so a single wrong character changes the sum, and
// neighbours carry different weights, so a swap of two different characters
// changes it too. The weights repeat after 31 positions, so a code has at
// most 30 digits before its check.
package codes

import (
	"crypto/rand"
	"strings"
)

// Alphabet is Crockford's base32, in digit order.
const Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// MaxDigits is the most digits a code may have before its check character.
const MaxDigits = 30

const groupSize = 5

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

// Check is the check digit of the digits d (values 0–31): the sum in
// GF(32) of digit i times x^(i+1). The check character itself counts with
// weight 1 = x⁰, so up to MaxDigits digits and the check carry distinct
// non-zero weights.
func Check(d []byte) byte {
	var sum, w byte = 0, 1
	for _, v := range d {
		w = gfMul(w, 2)
		sum ^= gfMul(w, v)
	}
	return sum
}

// Format writes the digits d and their check character in groups of five,
// XXXXX-XXXXX-…
func Format(d []byte) string {
	s := make([]byte, 0, len(d)+1)
	for _, v := range d {
		s = append(s, Alphabet[v&31])
	}
	return Group(append(s, Alphabet[Check(d)]))
}

// Random returns n random digits (values 0–31): 5n bits.
func Random(n int) []byte {
	d := make([]byte, n)
	// crypto/rand.Read does not fail (it aborts the program instead).
	_, _ = rand.Read(d)
	for i := range d {
		d[i] &= 31 // 256 is a multiple of 32, so each digit is uniform
	}
	return d
}

// Normalize reads s as someone types a code: lower case, spaces, dashes in
// any place or none, full-width characters from a Chinese input method, and
// Crockford's look-alikes O for 0 and I or L for 1. It returns the code's
// characters in upper case, or false for anything longer than limit bytes
// or holding a character no code has.
func Normalize(s string, limit int) ([]byte, bool) {
	if len(s) > limit {
		return nil, false
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
			return nil, false
		}
		norm = append(norm, byte(r))
	}
	return norm, true
}

// Parse reads a code of n digits and its check character as someone types
// it (see Normalize) and returns its digits, or false when it is not such a
// code or its check character is wrong.
func Parse(s string, n int) ([]byte, bool) {
	norm, ok := Normalize(s, 200)
	if !ok || len(norm) != n+1 {
		return nil, false
	}
	d, ok := Digits(norm[:n])
	if !ok {
		return nil, false
	}
	if c := strings.IndexByte(Alphabet, norm[n]); c < 0 || byte(c) != Check(d) {
		return nil, false
	}
	return d, true
}

// Digits maps the characters of a normalized code to their values.
func Digits(chars []byte) ([]byte, bool) {
	d := make([]byte, len(chars))
	for i, c := range chars {
		v := strings.IndexByte(Alphabet, c)
		if v < 0 {
			return nil, false
		}
		d[i] = byte(v)
	}
	return d, true
}

// Group inserts a dash after every five characters.
func Group(s []byte) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%groupSize == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(c)
	}
	return b.String()
}
