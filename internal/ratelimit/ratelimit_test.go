package ratelimit

import (
	"fmt"
	"testing"
	"time"

	"jiceng/internal/errs"
)

func TestBurstThenRefill(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	l := New(3, time.Second, 0, func() time.Time { return now })
	for i := 1; i <= 3; i++ {
		if ok, _ := l.Allow("203.0.113.7"); !ok {
			t.Fatalf("request %d refused", i)
		}
	}
	ok, wait := l.Allow("203.0.113.7")
	if ok || wait != time.Second {
		t.Fatalf("fourth request: %v wait %v, want refused for 1s", ok, wait)
	}
	if ok, _ := l.Allow("198.51.100.9"); !ok {
		t.Fatal("another client refused")
	}
	now = now.Add(time.Second)
	if ok, _ := l.Allow("203.0.113.7"); !ok {
		t.Fatal("refused a second later")
	}
	if ok, _ := l.Allow("203.0.113.7"); ok {
		t.Fatal("two requests allowed a second after the burst")
	}
}

// TestBounded: a flood of addresses never holds more than the bound.
func TestBounded(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	l := New(3, time.Second, 1000, func() time.Time { return now })
	for i := range 10_000 {
		l.Allow(fmt.Sprintf("2001:db8:%x::1", i))
		l.Allow(fmt.Sprintf("2001:db8:%x::1", i))
	}
	if n := l.Len(); n > 1000 || n < 400 {
		t.Fatalf("%d clients held, want between 400 and 1000", n)
	}
}

// TestIPv6ByPrefix: the addresses of one /64 share a bucket.
func TestIPv6ByPrefix(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	l := New(2, time.Second, 0, func() time.Time { return now })
	l.Allow("2001:db8:1:2::1")
	l.Allow("2001:db8:1:2::2")
	if ok, _ := l.Allow("2001:db8:1:2:ffff::3"); ok {
		t.Fatal("a third address of the same /64 got past a burst of 2")
	}
	if ok, _ := l.Allow("2001:db8:1:3::1"); !ok {
		t.Fatal("another /64 refused")
	}
}

// TestTooManyBulletinWording: the wait is given in whole seconds, rounded
// up, and one second is "1 second" in English.
func TestTooManyBulletinWording(t *testing.T) {
	for _, c := range []struct {
		wait   time.Duration
		zh, en string
	}{
		{300 * time.Millisecond, "查看公示过于频繁，请 1 秒后再试", "too many bulletin requests: try again in 1 second"},
		{time.Second, "查看公示过于频繁，请 1 秒后再试", "too many bulletin requests: try again in 1 second"},
		{2500 * time.Millisecond, "查看公示过于频繁，请 3 秒后再试", "too many bulletin requests: try again in 3 seconds"},
	} {
		e := errs.As(TooManyBulletin(c.wait))
		if e.Kind != errs.TooMany || e.ZH != c.zh || e.EN != c.en {
			t.Errorf("wait %v: %v %q %q, want %q %q", c.wait, e.Kind, e.ZH, e.EN, c.zh, c.en)
		}
	}
}
