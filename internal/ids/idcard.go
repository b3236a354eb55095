package ids

import (
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/errs"
)

// idWeights are the GB 11643 weights of positions 1–17 (2^(18−i) mod 11).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// IDCard is a parsed, valid 18-character resident identity card number.
type IDCard struct {
	Number     string    // the 18 characters, a final x upper-cased
	RegionCode string    // positions 1–6: division code of the place of first registration
	Birth      time.Time // positions 7–14, midnight UTC
	Male       bool      // position 17 odd
}

// ParseIDCard checks s as an 18-character resident identity card number and
// returns its parts; today bounds the birth date, and is passed in so that
// results do not depend on the clock. The checks stop at the first failure.
// The 15-character numbers issued before 1999 are rejected: they have long
// expired and carry no check digit.
func ParseIDCard(s string, today time.Time) (IDCard, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n != 18 {
		return IDCard{}, errs.Newf(errs.Invalid,
			"身份证号应为 18 位，现为 %d 位",
			"an ID card number has 18 characters, this one has %d", n)
	}
	pos := 0
	var b strings.Builder
	b.Grow(18)
	for _, r := range s {
		pos++
		if pos == 18 {
			if r == 'x' {
				r = 'X'
			}
			if !(r >= '0' && r <= '9') && r != 'X' {
				return IDCard{}, errs.New(errs.Invalid,
					"身份证号第 18 位应为数字或 X",
					"character 18 of the ID card number must be a digit or X")
			}
		} else if r < '0' || r > '9' {
			return IDCard{}, errs.Newf(errs.Invalid,
				"身份证号第 %d 位应为数字",
				"character %d of the ID card number must be a digit", pos)
		}
		b.WriteRune(r)
	}
	num := b.String()

	birth, err := idBirth(num[6:14], today)
	if err != nil {
		return IDCard{}, err
	}
	check := IDCardCheckChar(num[:17])
	if num[17] != check {
		// The passing check character is not shown: given it, users change
		// the last character of a number mistyped elsewhere.
		return IDCard{}, errs.New(errs.Invalid,
			"身份证号第 18 位校验码与前 17 位不符：可能有数字输错，请对照证件逐位核对，不要只改第 18 位",
			"check character 18 of the ID card number does not match characters 1–17: a digit may be mistyped; compare each one with the card rather than changing the last one")
	}
	return IDCard{
		Number:     num,
		RegionCode: num[:6],
		Birth:      birth,
		Male:       (num[16]-'0')%2 == 1,
	}, nil
}

// idBirth parses the eight digits of a birth date and bounds it by 1900 and
// today. The date is compared as a calendar day in today's location, so a
// person born today is accepted whatever the server's time zone.
func idBirth(d string, today time.Time) (time.Time, error) {
	// d is known to be eight digits.
	y, m, day := digits(d[:4]), digits(d[4:6]), digits(d[6:])
	t := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	// time.Date normalizes 0230 to 0302; a date that does not survive the
	// round trip does not exist.
	if t.Year() != y || int(t.Month()) != m || t.Day() != day {
		return time.Time{}, errs.Newf(errs.Invalid,
			"身份证号第 7–14 位出生日期 %s 无效",
			"the birth date in characters 7–14 of the ID card number, %s, is not a valid date", d)
	}
	if y < 1900 {
		return time.Time{}, errs.Newf(errs.Invalid,
			"身份证号第 7–14 位出生日期 %s 无效：早于 1900 年",
			"the birth date in characters 7–14 of the ID card number, %s, is before 1900", d)
	}
	ty, tm, td := today.Date()
	if t.After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, errs.Newf(errs.Invalid,
			"身份证号第 7–14 位出生日期 %s 无效：晚于今天",
			"the birth date in characters 7–14 of the ID card number, %s, is after today", d)
	}
	return t, nil
}

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// IDCardCheckChar returns the check character (position 18) of an identity
// card number whose first 17 characters are first17, for tests and demo
// data. It returns 0 when first17 is not 17 digits.
func IDCardCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}
