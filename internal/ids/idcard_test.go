package ids

import (
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

// testToday is a fixed "today" so that the tests do not age.
var testToday = time.Date(2026, 5, 20, 10, 0, 0, 0, cst)

func TestIDCardCheckChar(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
	}{
		// The example of GB 11643-1999 itself:
		// 1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7
		// + 2·9 + 3·10 + 1·5 + 0·8 + 0·4 + 2·2 = 167; 167 mod 11 = 2 → X
		{"11010519491231002", 'X'},
		{"44052418800101001", '4'},
		{"45010220000229123", '4'},
		{"45010220260520002", 'X'},
		{"4501022000022912", 0},
		{"4501022000022912A", 0},
	}
	for _, tt := range tests {
		if got := IDCardCheckChar(tt.first17); got != tt.want {
			t.Errorf("IDCardCheckChar(%q) = %q, want %q", tt.first17, got, tt.want)
		}
	}
}

func TestParseIDCardValid(t *testing.T) {
	// A synthetic number built with the check function: born on a leap day,
	// position 17 odd.
	leap := "45010220000229123" + string(IDCardCheckChar("45010220000229123"))
	tests := []struct {
		in     string
		number string
		region string
		birth  time.Time
		male   bool
	}{
		{"11010519491231002X", "11010519491231002X", "110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{" 11010519491231002x ", "11010519491231002X", "110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{leap, "450102200002291234", "450102", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), true},
		// Born today is allowed.
		{"45010220260520002X", "45010220260520002X", "450102", time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		c, err := ParseIDCard(tt.in, testToday)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if c.Number != tt.number || c.RegionCode != tt.region || !c.Birth.Equal(tt.birth) || c.Male != tt.male {
			t.Errorf("%q: got %+v", tt.in, c)
		}
	}
}

// A person born on the local today must be accepted even while it is still
// yesterday in UTC.
func TestParseIDCardTodayIsLocal(t *testing.T) {
	earlyMorning := time.Date(2026, 5, 20, 1, 0, 0, 0, cst) // 2026-05-19 17:00 UTC
	if _, err := ParseIDCard("45010220260520002X", earlyMorning); err != nil {
		t.Error(err)
	}
}

func TestParseIDCardErrors(t *testing.T) {
	tests := []struct {
		in, zh string
	}{
		{"", "身份证号应为 18 位，现为 0 位"},
		{"110105491231002", "身份证号应为 18 位，现为 15 位"},
		{"11010519491231002X1", "身份证号应为 18 位，现为 19 位"},
		{"1101051949123100AX", "身份证号第 17 位应为数字"},
		{"X10105194912310021", "身份证号第 1 位应为数字"},
		{"11０105194912310021", "身份证号第 3 位应为数字"},
		{"11010519491231002Y", "身份证号第 18 位应为数字或 X"},
		{"11010519491231002-", "身份证号第 18 位应为数字或 X"},
		{"450102202613401234", "身份证号第 7–14 位出生日期 20261340 无效"},
		{"450102199002301234", "身份证号第 7–14 位出生日期 19900230 无效"},
		{"450102190002291234", "身份证号第 7–14 位出生日期 19000229 无效"}, // 1900 was not a leap year
		{"450102199000101234", "身份证号第 7–14 位出生日期 19900010 无效"},
		{"450102199001001234", "身份证号第 7–14 位出生日期 19900100 无效"},
		{"440524188001010014", "身份证号第 7–14 位出生日期 18800101 无效：早于 1900 年"},
		{"450102189912311234", "身份证号第 7–14 位出生日期 18991231 无效：早于 1900 年"},
		{"450102202605211234", "身份证号第 7–14 位出生日期 20260521 无效：晚于今天"},
		{"450102203001011234", "身份证号第 7–14 位出生日期 20300101 无效：晚于今天"},
		{"110105194912310021", "身份证号第 18 位校验码与前 17 位不符：可能有数字输错，请对照证件逐位核对，不要只改第 18 位"},
		{"450102200002291235", "身份证号第 18 位校验码与前 17 位不符：可能有数字输错，请对照证件逐位核对，不要只改第 18 位"},
	}
	for _, tt := range tests {
		_, err := ParseIDCard(tt.in, testToday)
		wantInvalid(t, err, tt.zh)
	}
}
