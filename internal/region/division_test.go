package region

import "testing"

func TestLevelKey(t *testing.T) {
	tests := []struct {
		level Level
		want  string
	}{
		{Province, "province"},
		{City, "city"},
		{County, "county"},
		{Township, "township"},
		{Village, "village"},
		{0, ""},
		{6, ""},
	}
	for _, tt := range tests {
		if got := tt.level.Key(); got != tt.want {
			t.Errorf("Level(%d).Key() = %q, want %q", tt.level, got, tt.want)
		}
	}
}

func TestCheckCode(t *testing.T) {
	tests := []struct {
		code string
		want string // "" for no error
	}{
		{"all", ""},
		{"45", ""},
		{"4501", ""},
		{"450102", ""},
		{"450102001", ""},
		{"450102001003", ""},
		{"9999", ""}, // well formed, existence is not checked
		{"45010", "区划代码 45010 格式不正确：应为 2、4、6、9 或 12 位数字，或 all"},
		{"4", "区划代码 4 格式不正确：应为 2、4、6、9 或 12 位数字，或 all"},
		{"45a1", "区划代码 45a1 格式不正确：应为 2、4、6、9 或 12 位数字，或 all"},
		{"4501020010031", "区划代码 4501020010031 格式不正确：应为 2、4、6、9 或 12 位数字，或 all"},
		{"ALL", "区划代码 ALL 格式不正确：应为 2、4、6、9 或 12 位数字，或 all"},
		{"", "区划代码为空：应为 2、4、6、9 或 12 位数字，或 all"},
	}
	for _, tt := range tests {
		err := CheckCode(tt.code)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CheckCode(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}
