package i18n

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 units"}, {1, "1 unit"}, {2, "2 units"}, {12, "12 units"}} {
		if got := Count(c.n, "unit", "units"); got != c.want {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"the ballot code is not valid": "The ballot code is not valid",
		"Already capital":              "Already capital",
		"测评码无效":                        "测评码无效",
		"":                             "",
		"3 fields need fixing":         "3 fields need fixing",
	} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
