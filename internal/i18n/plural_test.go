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
