package testrig

import "bytes"

// InClear reports whether s is in b as itself. The short secrets — four
// digits of the phone — also turn up by chance inside random ids, hashes
// and encodings (a 24-digit hex id holds a given four digits about once in
// 3,000): an occurrence inside a run of 16 or more letters and digits that
// has a letter in it is such a run, not the secret. A leak of the whole
// number is caught by its own, longer, secret.
func InClear(b []byte, s string) bool {
	word := func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '+' || c == '/' || c == '=' || c == '_' || c == '-'
	}
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(s))
		if i < 0 {
			return false
		}
		i += off
		if len(s) >= 10 {
			return true
		}
		l, r := i, i+len(s)
		for l > 0 && word(b[l-1]) {
			l--
		}
		for r < len(b) && word(b[r]) {
			r++
		}
		run := b[l:r]
		if len(run) < 16 || !bytes.ContainsFunc(run, func(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }) {
			return true
		}
		off = i + 1
	}
}
