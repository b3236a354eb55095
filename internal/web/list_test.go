package web

import (
	"net/http/httptest"
	"testing"
)

func TestListPageCapped(t *testing.T) {
	for _, tt := range []struct {
		page   string
		want   int
		offset int
	}{
		{"", 1, 0},
		{"3", 3, 100},
		{"-5", 1, 0},
		{"abc", 1, 0},
		{"1000000", 1_000_000, 49_999_950},
		{"1000001", 1_000_000, 49_999_950},
		{"9223372036854775807", 1_000_000, 49_999_950},
		{"99999999999999999999", 1_000_000, 49_999_950},
		{"-99999999999999999999", 1, 0},
	} {
		l := ListFrom(httptest.NewRequest("GET", "/users?page="+tt.page, nil), "")
		if l.Page != tt.want || l.Offset() != tt.offset {
			t.Errorf("page=%s: page %d offset %d, want %d %d", tt.page, l.Page, l.Offset(), tt.want, tt.offset)
		}
	}
	// Past the end, the previous page is the last one.
	l := ListFrom(httptest.NewRequest("GET", "/users?page=99999999999999999999&per=10", nil), "")
	l.Total = 25
	if got := l.PrevHref(); got != "/users?page=3&per=10" {
		t.Errorf("prev = %q", got)
	}
	if got := l.NextHref(); got != "" {
		t.Errorf("next = %q", got)
	}
}
