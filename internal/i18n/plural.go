package i18n

import "strconv"

// Count returns n with the English noun that fits it: one when n is 1,
// many otherwise ("1 organization", "3 organizations"). Chinese needs no
// such choice, so only English messages use it.
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
