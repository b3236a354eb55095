package ids

import "strings"

// MaskIDCard hides the middle of an identity card number for lists and
// exports, keeping the first 6 and last 4 characters ("450102********1234"):
// enough to tell people apart and to recognize the place, not enough to
// reconstruct the number. A value of 10 characters or fewer is not a
// number that can be partly shown, so it is masked entirely.
func MaskIDCard(s string) string {
	return mask(strings.ToUpper(strings.TrimSpace(s)), 6, 4)
}

// MaskPhone hides the middle of a telephone number: an 11-digit mobile
// number keeps the first 3 and last 4 digits ("138****5678"), the usual form
// in China; any other value keeps the first 3 and last 2 characters, and one
// of 5 characters or fewer is masked entirely.
func MaskPhone(s string) string {
	s = strings.TrimSpace(s)
	if isMobile(s) {
		return s[:3] + "****" + s[7:]
	}
	return mask(s, 3, 2)
}

func isMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// mask keeps head and tail characters of s and replaces every other one by
// an asterisk, so the length stays visible.
func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
