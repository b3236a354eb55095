package ids

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/errs"
)

// creditAlphabet lists the 31 characters a unified social credit code may
// use, in value order: the index of a character is its value in the check
// character computation of position 18. I, O, Z, S and V are left out because
// they are easily mistaken for 1, 0, 2, 5 and U.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the weights of positions 1–17 for the check character at
// position 18: 3^(i−1) mod 31 for position i.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights of the eight body characters of an
// organization code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// CreditCode is a parsed, valid unified social credit code.
type CreditCode struct {
	Code       string // the 18 characters, upper-case
	Registrar  byte   // position 1: the registration authority (1 机构编制, 5 民政, 9 工商, Y 其他 …)
	Kind       byte   // position 2: the type of unit under that authority (91 企业, 51 社会团体 …)
	RegionCode string // positions 3–8: administrative division code of the registering authority
	OrgCode    string // positions 9–17: the GB 11714 organization code, check character included
}

// The category keys returned by CategoryOf. They are stable English
// identifiers so that they can be stored and used in URLs.
const (
	CategoryPrivate            = "private"
	CategorySocialGroup        = "social_group"
	CategoryCivilNonEnterprise = "civil_nonenterprise"
	CategoryFoundation         = "foundation"
	CategoryOther              = "other"
)

// ParseCreditCode checks s as a unified social credit code and returns its
// parts. Surrounding spaces are trimmed and lower-case letters upper-cased.
// The checks stop at the first failure (length, characters, registration
// authority, unit type, division code, organization code check, check
// character), so the *errs.Error returned names a single thing to fix.
func ParseCreditCode(s string) (CreditCode, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n != 18 {
		return CreditCode{}, errs.Newf(errs.Invalid,
			"统一社会信用代码应为 18 位，现为 %d 位",
			"a unified social credit code has 18 characters, this one has %d", n)
	}
	// Positions are counted in characters, not bytes, so that a stray
	// full-width or Chinese character is reported where the user sees it.
	pos := 0
	var b strings.Builder
	b.Grow(18)
	for _, r := range s {
		pos++
		r = upperASCII(r)
		if r >= utf8.RuneSelf || strings.IndexByte(creditAlphabet, byte(r)) < 0 {
			return CreditCode{}, badCreditChar(pos, r)
		}
		b.WriteByte(byte(r))
	}
	code := b.String()

	if !validRegistrar(code[0]) {
		return CreditCode{}, errs.Newf(errs.Invalid,
			"统一社会信用代码第 1 位“%c”不是有效的登记管理部门代码（应为 1–9、A、N 或 Y）",
			"character 1 of the unified social credit code, \"%c\", is not a registration authority code (use 1–9, A, N or Y)",
			code[0])
	}
	if !validKind(code[1]) {
		return CreditCode{}, errs.Newf(errs.Invalid,
			"统一社会信用代码第 2 位“%c”不是有效的机构类别代码（应为 1–9 或 Y）",
			"character 2 of the unified social credit code, \"%c\", is not a unit type code (use 1–9 or Y)",
			code[1])
	}
	for i := 2; i < 8; i++ {
		if !isDigit(code[i]) {
			return CreditCode{}, errs.New(errs.Invalid,
				"统一社会信用代码第 3–8 位应为登记管理机关的行政区划代码（6 位数字）",
				"characters 3–8 of the unified social credit code must be the 6-digit administrative division code of the registering authority")
		}
	}
	org, _ := OrgCodeCheckChar(code[8:16]) // the alphabet is already checked
	if code[16] != org {
		// The message names the positions, never the character that would
		// pass: given it, users changed character 17 to match a mistyped
		// code instead of finding the mistyped character.
		return CreditCode{}, errs.New(errs.Invalid,
			"统一社会信用代码第 9–17 位（组织机构代码）校验不通过：第 17 位校验码与第 9–16 位不符，请对照证照逐位核对",
			"characters 9–17 of the unified social credit code (the organization code) fail their check: character 17 does not match characters 9–16; compare each character with the licence")
	}
	check, _ := CreditCodeCheckChar(code[:17])
	if code[17] != check {
		// As above: a mismatch means some character is mistyped, most often
		// not the last one, so the passing check character is not shown.
		return CreditCode{}, errs.New(errs.Invalid,
			"统一社会信用代码第 18 位校验码与前 17 位不符：可能有字符输错，请对照证照逐位核对，不要只改第 18 位",
			"check character 18 of the unified social credit code does not match characters 1–17: a character may be mistyped; compare each one with the licence rather than changing the last one")
	}
	return CreditCode{
		Code:       code,
		Registrar:  code[0],
		Kind:       code[1],
		RegionCode: code[2:8],
		OrgCode:    code[8:17],
	}, nil
}

// CreditCodeCheckChar returns the check character (position 18) of a unified
// social credit code whose first 17 characters are first17; lower-case
// letters are accepted. Only the length and the alphabet are checked, so that
// demo data and tests can build codes before the other parts are final.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != 17 {
		return 0, errs.Newf(errs.Invalid,
			"计算统一社会信用代码校验码需要前 17 位，现为 %d 位",
			"the check character needs the first 17 characters of the code, got %d", n)
	}
	sum, pos := 0, 0
	for _, r := range first17 {
		r = upperASCII(r)
		v := -1
		if r < utf8.RuneSelf {
			v = strings.IndexByte(creditAlphabet, byte(r))
		}
		if v < 0 {
			return 0, badCreditChar(pos+1, r)
		}
		sum += v * creditWeights[pos]
		pos++
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditAlphabet[c], nil
}

// OrgCodeCheckChar returns the GB 11714 check character of an organization
// code whose first eight characters are first8 (digits or letters; lower-case
// is accepted). Letters count A=10 … Z=35, as in the organization code
// standard, not by their place in the credit code alphabet: codes issued
// since 2015 such as "MA5N…" depend on it.
func OrgCodeCheckChar(first8 string) (byte, error) {
	if n := utf8.RuneCountInString(first8); n != 8 {
		return 0, errs.Newf(errs.Invalid,
			"计算组织机构代码校验码需要前 8 位，现为 %d 位",
			"the organization code check character needs the first 8 characters, got %d", n)
	}
	sum, pos := 0, 0
	for _, r := range first8 {
		r = upperASCII(r)
		var v int
		switch {
		case r >= '0' && r <= '9':
			v = int(r - '0')
		case r >= 'A' && r <= 'Z':
			v = int(r-'A') + 10
		default:
			return 0, errs.Newf(errs.Invalid,
				"组织机构代码第 %d 位“%s”不是有效字符（应为数字或大写字母）",
				"character %d of the organization code, \"%s\", is not a digit or letter",
				pos+1, show(r))
		}
		sum += v * orgWeights[pos]
		pos++
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', nil
	case 11:
		return '0', nil
	default:
		return byte('0' + c), nil
	}
}

// CategoryOf returns the kind of unit that positions 1–2 of c imply, as a
// key (one of the Category constants) and its Chinese label. Enterprises,
// individual businesses and farmers' cooperatives registered with market
// regulation (91, 92, 93) all count as non-public units, because the code
// carries no ownership: a state-owned enterprise also starts with 91, and the
// caller must let the user correct the category in that case.
func CategoryOf(c CreditCode) (key, zh string) {
	switch {
	case c.Registrar == '9' && (c.Kind == '1' || c.Kind == '2' || c.Kind == '3'):
		return CategoryPrivate, "非公有制企业"
	case c.Registrar == '5' && c.Kind == '1':
		return CategorySocialGroup, "社会团体"
	case c.Registrar == '5' && c.Kind == '2':
		return CategoryCivilNonEnterprise, "民办非企业单位"
	case c.Registrar == '5' && c.Kind == '3':
		return CategoryFoundation, "基金会"
	}
	return CategoryOther, "其他"
}

// validRegistrar accepts the registration authority codes of GB 32100-2015
// (1–9, A for the military, N for agriculture, Y for others). The list is
// kept broad on purpose: rejecting a genuine code would block a real unit,
// while a wrong one still has to pass both check characters.
func validRegistrar(c byte) bool {
	return (c >= '1' && c <= '9') || c == 'A' || c == 'N' || c == 'Y'
}

// validKind accepts the unit type codes used under the registration
// authorities; it is not refined per authority for the same reason as
// validRegistrar.
func validKind(c byte) bool {
	return (c >= '1' && c <= '9') || c == 'Y'
}

func badCreditChar(pos int, r rune) error {
	return errs.Newf(errs.Invalid,
		"统一社会信用代码第 %d 位“%s”不是有效字符（不使用 I、O、Z、S、V）",
		"character %d of the unified social credit code, \"%s\", is not allowed (I, O, Z, S and V are not used)",
		pos, show(r))
}

// show renders r for a message; characters that cannot be seen (controls,
// invisible spaces, broken encoding) are written as U+XXXX so the user can
// still tell which one to delete.
func show(r rune) string {
	if r == utf8.RuneError || !unicode.IsGraphic(r) || unicode.IsSpace(r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

func upperASCII(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
