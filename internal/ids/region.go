package ids

import (
	"unicode/utf8"

	"jiceng/internal/errs"
)

// CheckRegionCode checks that s has the form of a statistical division code:
// 2 (province), 4 (city), 6 (county), 9 (township) or 12 (village) digits.
// Whether the code exists is checked against the division data elsewhere;
// this check only catches typing mistakes early and cheaply.
func CheckRegionCode(s string) error {
	if s == "" {
		return errs.New(errs.Invalid,
			"区划代码为空：应为 2、4、6、9 或 12 位数字",
			"the division code is empty: it must have 2, 4, 6, 9 or 12 digits")
	}
	ok := len(s) == 2 || len(s) == 4 || len(s) == 6 || len(s) == 9 || len(s) == 12
	for i := 0; ok && i < len(s); i++ {
		ok = isDigit(s[i])
	}
	if ok {
		return nil
	}
	shown := s
	// A pasted paragraph should not flood the message.
	if utf8.RuneCountInString(shown) > 20 {
		shown = string([]rune(shown)[:20]) + "…"
	}
	return errs.Newf(errs.Invalid,
		"区划代码 %s 格式不正确：应为 2、4、6、9 或 12 位数字",
		"division code %s is malformed: it must have 2, 4, 6, 9 or 12 digits", shown)
}
