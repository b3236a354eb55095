package account_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/errs"
	"jiceng/internal/testrig"
)

// heapInUse returns the bytes of heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// hugeName returns a username of 9 MB, unique by i.
func hugeName(i int) string {
	return fmt.Sprintf("u%02d", i) + strings.Repeat("a", 9<<20)
}

// TestNineMegabyteNamesKeepNoMemory is the login limiter finding at the
// domain: 38 logins with unique 9 MB usernames from 7 clients took the
// server from 50 MB to 711 MB for the life of the process, each name kept
// as limiter keys. The names break the username rule and are refused
// before the limiter: no key is kept, no hash computed. And the limiter
// itself, fed keys made of such names, holds 32 bytes a key: memory grows
// by under 32 MB either way.
func TestNineMegabyteNamesKeepNoMemory(t *testing.T) {
	s := newLoginService(t, testrig.FastParams)
	ctx := context.Background()
	hashes, _ := account.HashStats(s)
	before := heapInUse()
	for i := 0; i < 38; i++ {
		_, _, err := s.Login(ctx, hugeName(i), "Some-guess-2026", fmt.Sprintf("127.0.0.%d", i%7+1))
		if e := errs.As(err); e.Kind != errs.Invalid || e.Field != "username" || e.ZH != "用户名须为 3–32 位小写字母、数字或 _ . -，并以字母开头" {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	grown := int64(heapInUse()) - int64(before)
	if after, _ := account.HashStats(s); after != hashes || account.LimiterOf(s).Len() != 0 || grown >= 32<<20 {
		t.Errorf("after 38 logins: %d hashes, %d limiter keys, heap grew by %d bytes", after-hashes, account.LimiterOf(s).Len(), grown)
	}

	// The limiter alone, with the keys Login makes of a name and a client.
	l := account.NewLimiter(nil)
	before = heapInUse()
	for i := 0; i < 38; i++ {
		name, client := hugeName(i), fmt.Sprintf("127.0.0.%d", i%7+1)
		l.Attempt(account.Key{Name: "p:" + name + "\x00" + client, Free: 5}, account.Key{Name: "c:" + client, Free: 20}, account.Key{Name: "u:" + name, Free: 100})
	}
	grown = int64(heapInUse()) - int64(before)
	if l.Len() != 38+7+38 || grown >= 32<<20 {
		t.Errorf("limiter: %d keys, heap grew by %d bytes", l.Len(), grown)
	}
	for _, k := range account.Keys(l) {
		if len(k) != 32 {
			t.Fatalf("a key of %d bytes", len(k))
		}
	}
	runtime.KeepAlive(l)
}

// TestLimiterBoundEvictsOldest: the map never holds more than MaxKeys,
// even when every key holds someone back (the sweep used to drop only keys
// holding no one back, so such keys grew without bound). The least
// recently failed go first; the newest keep their wait.
func TestLimiterBoundEvictsOldest(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	l := account.NewLimiter(func() time.Time { return now })
	l.MaxKeys = 100
	l.Free = 0 // every failure holds its key back
	peak := 0
	for i := 0; i < 1000; i++ {
		now = now.Add(time.Millisecond)
		l.Fail(fmt.Sprintf("c:198.51.100.%d", i))
		peak = max(peak, l.Len())
	}
	if peak > 100 {
		t.Errorf("the limiter held %d keys, bound 100", peak)
	}
	if !account.Holds(l, "c:198.51.100.999") || l.Wait("c:198.51.100.999") != 2*time.Second {
		t.Errorf("the newest key: held %v, wait %v", account.Holds(l, "c:198.51.100.999"), l.Wait("c:198.51.100.999"))
	}
	if account.Holds(l, "c:198.51.100.0") {
		t.Error("the oldest key is still held")
	}
	// Keys holding no one back go before any that do.
	l = account.NewLimiter(func() time.Time { return now })
	l.MaxKeys = 100
	for i := 0; i < 10; i++ {
		for j := 0; j < 6; j++ {
			l.Fail(fmt.Sprintf("c:203.0.113.%d", i)) // 6 failures: held back
		}
	}
	for i := 0; i < 1000; i++ {
		now = now.Add(time.Millisecond)
		l.Fail(fmt.Sprintf("c:198.51.100.%d", i)) // one failure: free
	}
	if l.Len() > 100 {
		t.Errorf("%d keys", l.Len())
	}
	for i := 0; i < 10; i++ {
		if l.Wait(fmt.Sprintf("c:203.0.113.%d", i)) == 0 {
			t.Errorf("held key %d was dropped before free ones", i)
		}
	}
}
