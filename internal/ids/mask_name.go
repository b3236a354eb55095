package ids

import "strings"

// MaskName hides a person's name where a page refers to the person without
// being about them: a two-character name keeps its first character ("张*"),
// a longer one its first and last ("张*伟", "欧**锋"), and one of a single
// character is masked entirely.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 2 {
		return string(r[0]) + "*"
	}
	return mask(string(r), 1, 1)
}
