package region

import (
	"errors"
	"fmt"
)

// Level of a division: 1 province, 2 city (地级), 3 county (县级), 4 township
// (乡级), 5 village (村级). The level follows from the length of the code, not
// from the position in the effective tree: a township directly under 东莞市 is
// still a township.
type Level int

// The five levels of the statistical division code.
const (
	Province Level = 1
	City     Level = 2
	County   Level = 3
	Township Level = 4
	Village  Level = 5
)

// Key returns a stable English identifier for the level, for use in data
// files and URLs where Chinese words would be awkward. It returns "" for an
// invalid level.
func (l Level) Key() string {
	switch l {
	case Province:
		return "province"
	case City:
		return "city"
	case County:
		return "county"
	case Township:
		return "township"
	case Village:
		return "village"
	}
	return ""
}

// codeLen is the code length of each level; index 0 is unused.
var codeLen = [6]int{0, 2, 4, 6, 9, 12}

// Division is one administrative division.
type Division struct {
	Code string // statistical division code: 2, 4, 6, 9 or 12 digits
	Name string // official name, e.g. 兴宁区, 民生街道, 兴宁社区居委会
	// Level is derived from the length of Code.
	Level Level
	// Parent is the code of the effective parent, "" for provinces.
	// Placeholder rows such as 市辖区 are skipped, so the parent of 东城区
	// (110101) is 11, not 1101, and the parent of a township in 东莞市 is
	// 4419.
	Parent string
}

// CheckCode reports whether code is well formed: 2, 4, 6, 9 or 12 digits, or
// the word "all" that Subtree accepts for the whole country. It does not
// check that the division exists.
func CheckCode(code string) error {
	if code == "all" {
		return nil
	}
	if _, ok := levelOf(code); !ok {
		return formatError(code)
	}
	return nil
}

// levelOf returns the level implied by a code's length, after checking that
// it consists of digits only.
func levelOf(code string) (Level, bool) {
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0, false
		}
	}
	for l := Province; l <= Village; l++ {
		if len(code) == codeLen[l] {
			return l, true
		}
	}
	return 0, false
}

// The errors below are plain values with one-line Chinese messages that tell
// the user what to fix; callers wrap them with their own context.

func formatError(code string) error {
	if code == "" {
		return errors.New("区划代码为空：应为 2、4、6、9 或 12 位数字，或 all")
	}
	return fmt.Errorf("区划代码 %s 格式不正确：应为 2、4、6、9 或 12 位数字，或 all", code)
}

func unknownError(code string) error {
	return fmt.Errorf("区划代码 %s 不存在（2023 年统计用区划代码）", code)
}

func placeholderError(code, name, use string) error {
	return fmt.Errorf("%s “%s”是占位区划，不对应党组织，请使用上级区划代码 %s", code, name, use)
}
