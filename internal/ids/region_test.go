package ids

import (
	"strings"
	"testing"
)

func TestCheckRegionCode(t *testing.T) {
	for _, ok := range []string{"45", "4501", "450102", "450102001", "450102001003", "100000"} {
		if err := CheckRegionCode(ok); err != nil {
			t.Errorf("CheckRegionCode(%q) = %v", ok, err)
		}
	}
	tests := []struct{ in, zh string }{
		{"", "区划代码为空：应为 2、4、6、9 或 12 位数字"},
		{"4", "区划代码 4 格式不正确：应为 2、4、6、9 或 12 位数字"},
		{"45010", "区划代码 45010 格式不正确：应为 2、4、6、9 或 12 位数字"},
		{"4501020010", "区划代码 4501020010 格式不正确：应为 2、4、6、9 或 12 位数字"},
		{"4501020010031", "区划代码 4501020010031 格式不正确：应为 2、4、6、9 或 12 位数字"},
		{"45a1", "区划代码 45a1 格式不正确：应为 2、4、6、9 或 12 位数字"},
		{" 4501", "区划代码  4501 格式不正确：应为 2、4、6、9 或 12 位数字"},
		{"４５", "区划代码 ４５ 格式不正确：应为 2、4、6、9 或 12 位数字"},
		{strings.Repeat("9", 30), "区划代码 " + strings.Repeat("9", 20) + "… 格式不正确：应为 2、4、6、9 或 12 位数字"},
	}
	for _, tt := range tests {
		wantInvalid(t, CheckRegionCode(tt.in), tt.zh)
	}
}
