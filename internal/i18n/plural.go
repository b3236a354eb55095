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

// Sentence starts an English message with a capital letter where it is
// shown on its own (an error page, a flash, the note under a field): the
// messages are written to be joined after "field: " in API answers, so
// they start in lower case. Chinese text is returned as it is.
func Sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
