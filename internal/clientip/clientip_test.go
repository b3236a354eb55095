package clientip

import (
	"net/http/httptest"
	"testing"
)

func TestAddr(t *testing.T) {
	trusted, err := Parse("127.0.0.1, 10.0.0.0/8,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		peer string
		xff  []string
		want string
	}{
		{"127.0.0.1:5000", nil, "127.0.0.1"},
		{"127.0.0.1:5000", []string{"203.0.113.7"}, "203.0.113.7"},
		// The client made up the left entries; the proxy appended the real one.
		{"127.0.0.1:5000", []string{"1.2.3.4, 203.0.113.7"}, "203.0.113.7"},
		// Two trusted proxies in a row.
		{"127.0.0.1:5000", []string{"203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
		{"127.0.0.1:5000", []string{"203.0.113.7", "10.1.2.3"}, "203.0.113.7"},
		{"[fd00::1]:443", []string{"2001:db8::5"}, "2001:db8::5"},
		// An untrusted peer's header is ignored.
		{"198.51.100.9:5000", []string{"203.0.113.7"}, "198.51.100.9"},
		// A malformed header from a trusted proxy: the proxy.
		{"127.0.0.1:5000", []string{"203.0.113.7, junk"}, "127.0.0.1"},
		{"127.0.0.1:5000", []string{"10.1.1.1"}, "127.0.0.1"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := Addr(r, trusted); got != c.want {
			t.Errorf("peer %s xff %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
		if got := Addr(r, nil); got != peerOf(r) {
			t.Errorf("no trusted proxies: %s", got)
		}
	}
}

func TestParse(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.1-10.0.0.9", "127.0.0.1,,x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	p, err := Parse("10.1.2.3/8, ::1")
	if err != nil || len(p) != 2 || p[0].String() != "10.0.0.0/8" || p[1].String() != "::1/128" {
		t.Errorf("%v %v", p, err)
	}
}
