package ids

import (
	"errors"
	"strings"
	"testing"

	"jiceng/internal/errs"
)

// realCodes are codes published by their holders or in public registries.
// Each was checked with this package and recomputed independently; the
// sums are kept here so that a change in either algorithm shows up as a
// disagreement with arithmetic anyone can redo.
//
// Organization code (positions 9–16, weights 3 7 9 10 5 8 4 2, letters A=10 …
// Z=35): C = 11 − Σ mod 11, 10 → X, 11 → 0.
// Credit code (positions 1–17, weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24
// 10 30 28, values from 0123456789ABCDEFGHJKLMNPQRTUWXY): C = 31 − Σ mod 31,
// 31 → 0.
//
// Worked example, 91440300708461136T:
//
//	org:   7·3 + 0·7 + 8·9 + 4·10 + 6·5 + 1·8 + 1·4 + 3·2 = 181; 181 mod 11 = 5; 11 − 5 = 6 ✓
//	check: 9·1 + 1·3 + 4·9 + 4·27 + 0·19 + 3·26 + 0·16 + 0·17 + 7·20 + 0·29
//	       + 8·25 + 4·13 + 6·8 + 1·24 + 1·10 + 3·30 + 6·28 = 966;
//	       966 mod 31 = 5; 31 − 5 = 26 → T ✓
//
// Worked example with letters, 91310000MAERED2X1W (M=22 A=10 E=14 R=27 D=13 X=33
// in GB 11714; M=21 A=10 E=14 R=25 D=13 X=29 in the credit code alphabet):
//
//	org:   22·3 + 10·7 + 14·9 + 27·10 + 14·5 + 13·8 + 2·4 + 33·2 = 780;
//	       780 mod 11 = 10; 11 − 10 = 1 ✓
//	check: 9·1 + 1·3 + 3·9 + 1·27 + 0 + 0 + 0 + 0 + 21·20 + 10·29 + 14·25
//	       + 25·13 + 14·8 + 13·24 + 2·10 + 29·30 + 1·28 = 2793;
//	       2793 mod 31 = 3; 31 − 3 = 28 → W ✓
var realCodes = []struct {
	code, holder string
	org, check   string // "Σ mod → char" for the two check characters
	category     string
}{
	{"91440300708461136T", "深圳市腾讯计算机系统有限公司", "181 mod 11 = 5 → 6", "966 mod 31 = 5 → T", CategoryPrivate},
	{"9144030071526726XG", "腾讯科技（深圳）有限公司", "199 mod 11 = 1 → X", "1782 mod 31 = 15 → G", CategoryPrivate},
	{"91110108551385082Q", "小米科技有限责任公司", "185 mod 11 = 9 → 2", "999 mod 31 = 7 → Q", CategoryPrivate},
	{"91330100799655058B", "阿里巴巴（中国）有限公司", "300 mod 11 = 3 → 8", "1384 mod 31 = 20 → B", CategoryPrivate},
	{"91110000802100433B", "北京百度网讯科技有限公司", "74 mod 11 = 8 → 3", "485 mod 31 = 20 → B", CategoryPrivate},
	{"914403001922038216", "华为技术有限公司", "164 mod 11 = 10 → 1", "831 mod 31 = 25 → 6", CategoryPrivate},
	{"9131011877976576X6", "上海南特克实业有限公司", "331 mod 11 = 1 → X", "2133 mod 31 = 25 → 6", CategoryPrivate},
	// Organization codes issued since 2015 start with letters.
	{"91310000MAERED2X1W", "露意膳（上海）贸易有限公司", "780 mod 11 = 10 → 1", "2793 mod 31 = 3 → W", CategoryPrivate},
	// A Beijing (西城区) enterprise; the holder's name is not asserted. Its
	// sum is a multiple of 31, so it exercises the 31 → 0 rule.
	{"91110102MACQD9K640", "", "733 mod 11 = 7 → 4", "2232 mod 31 = 0 → 0", CategoryPrivate},
	// The example most often printed in descriptions of the standard; M and
	// Y have different values in the two tables (22/21 and 34/30), so a mix-up
	// fails it.
	{"91350100M000100Y43", "", "139 mod 11 = 7 → 4", "1640 mod 31 = 28 → 3", CategoryPrivate},
	{"12100000470095016Q", "浙江大学", "148 mod 11 = 5 → 6", "689 mod 31 = 7 → Q", CategoryOther},
	{"12100000425006117P", "复旦大学", "125 mod 11 = 4 → 7", "659 mod 31 = 8 → P", CategoryOther},
	{"51100000500002862F", "中国自动化学会", "75 mod 11 = 9 → 2", "481 mod 31 = 16 → F", CategorySocialGroup},
	{"51100000500012681T", "中国医疗保健国际交流促进会", "76 mod 11 = 10 → 1", "501 mod 31 = 5 → T", CategorySocialGroup},
	{"53100000500019795A", "中国社会福利基金会", "138 mod 11 = 6 → 5", "827 mod 31 = 21 → A", CategoryFoundation},
}

func TestParseCreditCodeReal(t *testing.T) {
	for _, tt := range realCodes {
		c, err := ParseCreditCode(tt.code)
		if err != nil {
			t.Errorf("%s (%s): %v", tt.code, tt.holder, err)
			continue
		}
		if c.Code != tt.code || c.Registrar != tt.code[0] || c.Kind != tt.code[1] ||
			c.RegionCode != tt.code[2:8] || c.OrgCode != tt.code[8:17] {
			t.Errorf("%s: parsed as %+v", tt.code, c)
		}
		if key, _ := CategoryOf(c); key != tt.category {
			t.Errorf("%s: category %q, want %q", tt.code, key, tt.category)
		}
		// The check functions must rebuild the code from its body.
		org, err := OrgCodeCheckChar(tt.code[8:16])
		if err != nil || org != tt.code[16] {
			t.Errorf("%s: OrgCodeCheckChar = %q, %v; want %q", tt.code, org, err, tt.code[16])
		}
		check, err := CreditCodeCheckChar(tt.code[:17])
		if err != nil || check != tt.code[17] {
			t.Errorf("%s: CreditCodeCheckChar = %q, %v; want %q", tt.code, check, err, tt.code[17])
		}
	}
}

// buildCredit makes a valid code from the first eight characters and the
// first eight characters of the organization code.
func buildCredit(t *testing.T, head, org8 string) string {
	t.Helper()
	o, err := OrgCodeCheckChar(org8)
	if err != nil {
		t.Fatal(err)
	}
	first17 := head + org8 + string(o)
	c, err := CreditCodeCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

func TestParseCreditCodeSynthetic(t *testing.T) {
	tests := []struct {
		head, org8 string
		want       string // the code the check functions must build
		key, zh    string
	}{
		{"52450102", "MJ123456", "52450102MJ1234561Y", CategoryCivilNonEnterprise, "民办非企业单位"},
		{"12450102", "45600012", "124501024560001212", CategoryOther, "其他"},
		{"Y1450102", "MA5N1234", "Y1450102MA5N1234XF", CategoryOther, "其他"}, // organization check X
		{"N2450102", "00000000", "N2450102000000000L", CategoryOther, "其他"}, // organization check 11 → 0
		{"A1100000", "12345678", "A1100000123456788G", CategoryOther, "其他"},
		{"92450102", "MA5K0001", "92450102MA5K00012C", CategoryPrivate, "非公有制企业"}, // 个体工商户
		{"93450102", "MA5K0002", "93450102MA5K000204", CategoryPrivate, "非公有制企业"}, // 农民专业合作社
		{"59450102", "50000123", "59450102500001237L", CategoryOther, "其他"},
	}
	for _, tt := range tests {
		code := buildCredit(t, tt.head, tt.org8)
		if code != tt.want {
			t.Errorf("built %s, want %s", code, tt.want)
		}
		c, err := ParseCreditCode(code)
		if err != nil {
			t.Errorf("%s: %v", code, err)
			continue
		}
		if key, zh := CategoryOf(c); key != tt.key || zh != tt.zh {
			t.Errorf("%s: category %q %q, want %q %q", code, key, zh, tt.key, tt.zh)
		}
	}
}

func TestParseCreditCodeNormalizes(t *testing.T) {
	for _, in := range []string{
		"9144030071526726xg",
		"  9144030071526726XG\t",
		"\u30009144030071526726xG\n", // full-width space from a Chinese input method
		"91310000maered2x1w",
	} {
		c, err := ParseCreditCode(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if want := strings.ToUpper(strings.TrimSpace(in)); c.Code != want {
			t.Errorf("%q: Code = %q, want %q", in, c.Code, want)
		}
	}
}

func TestParseCreditCodeErrors(t *testing.T) {
	tests := []struct {
		in, zh string
	}{
		{"", "统一社会信用代码应为 18 位，现为 0 位"},
		{"91440300708461136", "统一社会信用代码应为 18 位，现为 17 位"},
		{"91440300708461136TT", "统一社会信用代码应为 18 位，现为 19 位"},
		// Length is reported before a bad character.
		{"9144030070846113I", "统一社会信用代码应为 18 位，现为 17 位"},
		// A Chinese character counts as one position.
		{"914403007084611３6T", "统一社会信用代码第 16 位“３”不是有效字符（不使用 I、O、Z、S、V）"},
		{"91440300708461I36T", "统一社会信用代码第 15 位“I”不是有效字符（不使用 I、O、Z、S、V）"},
		{"91440300708461i36T", "统一社会信用代码第 15 位“I”不是有效字符（不使用 I、O、Z、S、V）"},
		{"9144030070846113OT", "统一社会信用代码第 17 位“O”不是有效字符（不使用 I、O、Z、S、V）"},
		{"91440300708461136Z", "统一社会信用代码第 18 位“Z”不是有效字符（不使用 I、O、Z、S、V）"},
		{"S1440300708461136T", "统一社会信用代码第 1 位“S”不是有效字符（不使用 I、O、Z、S、V）"},
		{"9V440300708461136T", "统一社会信用代码第 2 位“V”不是有效字符（不使用 I、O、Z、S、V）"},
		{"91440300-08461136T", "统一社会信用代码第 9 位“-”不是有效字符（不使用 I、O、Z、S、V）"},
		{"91440300\x0008461136T", "统一社会信用代码第 9 位“U+0000”不是有效字符（不使用 I、O、Z、S、V）"},
		{"91440300 08461136T", "统一社会信用代码第 9 位“U+0020”不是有效字符（不使用 I、O、Z、S、V）"},
		{"0144030070846113", "统一社会信用代码应为 18 位，现为 16 位"},
		{"01440300708461136T", "统一社会信用代码第 1 位“0”不是有效的登记管理部门代码（应为 1–9、A、N 或 Y）"},
		{"B1440300708461136T", "统一社会信用代码第 1 位“B”不是有效的登记管理部门代码（应为 1–9、A、N 或 Y）"},
		{"90440300708461136T", "统一社会信用代码第 2 位“0”不是有效的机构类别代码（应为 1–9 或 Y）"},
		{"9A440300708461136T", "统一社会信用代码第 2 位“A”不是有效的机构类别代码（应为 1–9 或 Y）"},
		{"91A40300708461136T", "统一社会信用代码第 3–8 位应为登记管理机关的行政区划代码（6 位数字）"},
		{"9144030A708461136T", "统一社会信用代码第 3–8 位应为登记管理机关的行政区划代码（6 位数字）"},
		{"91440300708461137T", "统一社会信用代码第 9–17 位（组织机构代码）校验不通过：第 17 位校验码与第 9–16 位不符，请对照证照逐位核对"},
		{"91440300708461135T", "统一社会信用代码第 9–17 位（组织机构代码）校验不通过：第 17 位校验码与第 9–16 位不符，请对照证照逐位核对"},
		{"914403007152672601", "统一社会信用代码第 9–17 位（组织机构代码）校验不通过：第 17 位校验码与第 9–16 位不符，请对照证照逐位核对"},
		{"91440300708461136U", "统一社会信用代码第 18 位校验码与前 17 位不符：可能有字符输错，请对照证照逐位核对，不要只改第 18 位"},
		{"91440300708461136t1", "统一社会信用代码应为 18 位，现为 19 位"},
		{"914403007084611361", "统一社会信用代码第 18 位校验码与前 17 位不符：可能有字符输错，请对照证照逐位核对，不要只改第 18 位"},
		{"9144030071526726XH", "统一社会信用代码第 18 位校验码与前 17 位不符：可能有字符输错，请对照证照逐位核对，不要只改第 18 位"},
		{"91110102MACQD9K641", "统一社会信用代码第 18 位校验码与前 17 位不符：可能有字符输错，请对照证照逐位核对，不要只改第 18 位"},
	}
	for _, tt := range tests {
		_, err := ParseCreditCode(tt.in)
		wantInvalid(t, err, tt.zh)
	}
}

func TestParseCreditCodeEnglish(t *testing.T) {
	tests := []struct{ in, en string }{
		{"9144030071526726", "a unified social credit code has 18 characters, this one has 16"},
		{"91440300708461136U", "check character 18 of the unified social credit code does not match characters 1–17: a character may be mistyped; compare each one with the licence rather than changing the last one"},
		{"91440300708461I36T", `character 15 of the unified social credit code, "I", is not allowed (I, O, Z, S and V are not used)`},
	}
	for _, tt := range tests {
		_, err := ParseCreditCode(tt.in)
		var e *errs.Error
		if !errors.As(err, &e) || e.EN != tt.en {
			t.Errorf("%q: English message %v, want %q", tt.in, err, tt.en)
		}
	}
}

func TestCheckCharErrors(t *testing.T) {
	_, err := CreditCodeCheckChar("9144030070846113")
	wantInvalid(t, err, "计算统一社会信用代码校验码需要前 17 位，现为 16 位")
	_, err = CreditCodeCheckChar("91440300708461O36")
	wantInvalid(t, err, "统一社会信用代码第 15 位“O”不是有效字符（不使用 I、O、Z、S、V）")
	_, err = OrgCodeCheckChar("7084611")
	wantInvalid(t, err, "计算组织机构代码校验码需要前 8 位，现为 7 位")
	_, err = OrgCodeCheckChar("70-46113")
	wantInvalid(t, err, "组织机构代码第 3 位“-”不是有效字符（应为数字或大写字母）")

	// Lower case is accepted by both.
	if c, err := OrgCodeCheckChar("maered2x"); err != nil || c != '1' {
		t.Errorf("OrgCodeCheckChar(lower) = %q, %v", c, err)
	}
	if c, err := CreditCodeCheckChar("91310000maered2x1"); err != nil || c != 'W' {
		t.Errorf("CreditCodeCheckChar(lower) = %q, %v", c, err)
	}
}

func TestCategoryOf(t *testing.T) {
	tests := []struct {
		code    string
		key, zh string
	}{
		{"91440300708461136T", CategoryPrivate, "非公有制企业"},
		{"51100000500002862F", CategorySocialGroup, "社会团体"},
		{"52450102MJ1234561Y", CategoryCivilNonEnterprise, "民办非企业单位"},
		{"53100000500019795A", CategoryFoundation, "基金会"},
		{"12100000470095016Q", CategoryOther, "其他"}, // 事业单位
		{"11100000000013127D", CategoryOther, "其他"}, // 机关
		{"59450102500001237L", CategoryOther, "其他"}, // 民政 其他
	}
	for _, tt := range tests {
		c, err := ParseCreditCode(tt.code)
		if err != nil {
			t.Errorf("%s: %v", tt.code, err)
			continue
		}
		if key, zh := CategoryOf(c); key != tt.key || zh != tt.zh {
			t.Errorf("CategoryOf(%s) = %q %q, want %q %q", tt.code, key, zh, tt.key, tt.zh)
		}
	}
	if key, zh := CategoryOf(CreditCode{}); key != CategoryOther || zh != "其他" {
		t.Errorf("CategoryOf(zero) = %q %q", key, zh)
	}
}

func FuzzParseCreditCode(f *testing.F) {
	for _, r := range realCodes {
		f.Add(r.code)
		f.Add(strings.ToLower(r.code))
		f.Add(r.code[:17])
		f.Add(" " + r.code + "\u3000")
	}
	for _, s := range []string{"", "Y1450102MA5N1234XF", "91440300708461I36T", "914403007084611３6T", "\xff\xfe", strings.Repeat("9", 18)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCreditCode(s)
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid || e.ZH == "" || e.EN == "" {
				t.Fatalf("%q: rejected with %#v", s, err)
			}
			return
		}
		if len(c.Code) != 18 || c.Code != strings.ToUpper(c.Code) {
			t.Fatalf("%q: accepted as %q", s, c.Code)
		}
		for _, again := range []string{strings.ToUpper(s), c.Code, strings.ToLower(c.Code)} {
			c2, err := ParseCreditCode(again)
			if err != nil {
				t.Fatalf("%q accepted but %q rejected: %v", s, again, err)
			}
			if c2 != c {
				t.Fatalf("%q parsed as %+v, %q as %+v", s, c, again, c2)
			}
		}
		if key, zh := CategoryOf(c); key == "" || zh == "" {
			t.Fatalf("%q: empty category", s)
		}
	})
}

// TestCheckMessagesHideTheAnswer: the messages of a failed check named the
// character that would pass, and users changed the last character of a
// mistyped code to it. Every wrong check character now gets the same
// message, in both languages, so the message tells nothing of the answer.
func TestCheckMessagesHideTheAnswer(t *testing.T) {
	type msg struct{ zh, en string }
	seen := func(err error) msg {
		var e *errs.Error
		if !errors.As(err, &e) {
			t.Fatalf("not an *errs.Error: %v", err)
		}
		return msg{e.ZH, e.EN}
	}
	const good = "91440300708461136T"
	credit := map[msg]int{}
	for _, c := range creditAlphabet {
		if byte(c) == good[17] {
			continue
		}
		_, err := ParseCreditCode(good[:17] + string(c))
		credit[seen(err)]++
	}
	if len(credit) != 1 {
		t.Errorf("the 30 wrong check characters of %s got %d different messages: %v", good, len(credit), credit)
	}
	org := map[msg]int{}
	for _, c := range "0123456789X" {
		if byte(c) == good[16] {
			continue
		}
		_, err := ParseCreditCode(good[:16] + string(c) + good[17:])
		org[seen(err)]++
	}
	if len(org) != 1 {
		t.Errorf("the 10 wrong organization-code check characters got %d different messages: %v", len(org), org)
	}
	const id = "110105194912310029"
	card := map[msg]int{}
	for _, c := range "0123456789X" {
		if byte(c) == IDCardCheckChar(id[:17]) {
			continue
		}
		_, err := ParseIDCard(id[:17]+string(c), testToday)
		card[seen(err)]++
	}
	if len(card) != 1 {
		t.Errorf("the 10 wrong ID card check characters got %d different messages: %v", len(card), card)
	}
}
