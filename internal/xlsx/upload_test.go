package xlsx

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("长", 100) + ".csv"
	for in, want := range map[string]string{
		"名单.xlsx":               "名单.xlsx",
		"a\xff.csv":             "a.csv",
		"b\x00.csv":             "b.csv",
		"c\r\n\t\x1b\u0085.csv": "c.csv",
		`C:\Users\张三\名单.csv`:    "名单.csv",
		"../../etc/passwd":      "passwd",
		"\xff\xfe":              "upload",
		"  ":                    "upload",
		"":                      "upload",
		long:                    strings.Repeat("长", 66),
	} {
		got := cleanFileName(in)
		if got != want || !utf8.ValidString(got) || len(got) > maxFileName {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
