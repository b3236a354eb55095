package account_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/errs"
	"jiceng/internal/testrig"
)

// newLoginService returns a service with params and one account "street".
func newLoginService(t *testing.T, p account.Params) *account.Service {
	t.Helper()
	ctx := context.Background()
	d, res := xingning.Open(t)
	s := account.NewService(d, p, access.MustCatalogue())
	if _, err := s.Create(ctx, testrig.Admin, account.NewUser{Username: "street", Password: "Jiedao-pass-2026", HomeOrgID: res.RootID, Role: access.OrgAdmin}); err != nil {
		t.Fatal(err)
	}
	return s
}

// kinds counts the error kinds of results.
func kinds(errsOut []error) map[errs.Kind]int {
	out := map[errs.Kind]int{}
	for _, e := range errsOut {
		out[errs.KindOf(e)]++
	}
	return out
}

// TestParallelWrongPasswordsHashOnlyFree is finding 5: 20 parallel wrong
// passwords for one account from one client were all tried. Now the attempt
// is counted before the hash: 5 are tried and answered "wrong", 15 are
// refused without hashing.
func TestParallelWrongPasswordsHashOnlyFree(t *testing.T) {
	t.Parallel()
	s := newLoginService(t, testrig.FastParams)
	before, _ := account.HashStats(s)
	results := make([]error, 20)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, results[i] = s.Login(context.Background(), "street", fmt.Sprintf("Wrong-guess-%04d", i), "203.0.113.9")
		}()
	}
	wg.Wait()
	after, _ := account.HashStats(s)
	if k := kinds(results); k[errs.Unauthorized] != 5 || k[errs.TooMany] != 15 || after-before != 5 {
		t.Errorf("answers %v, hashes %d; want 5 wrong, 15 refused, 5 hashes", k, after-before)
	}
}

// TestParallelLoginsCapHashes is finding 5: 60 parallel logins with unknown
// names took 1.1 GB, one argon2 hash of 19 MiB each. With 200 of them at the
// production memory cost, never more hashes run at once than there are
// cores, so memory stays within that many times 19 MiB.
func TestParallelLoginsCapHashes(t *testing.T) {
	s := newLoginService(t, account.Params{Time: 1, Memory: 19 * 1024, Threads: 1})
	before, _ := account.HashStats(s)
	results := make([]error, 200)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Distinct names and clients: no rate limit applies.
			_, _, results[i] = s.Login(context.Background(), fmt.Sprintf("nobody%03d", i), "Some-guess-2026", fmt.Sprintf("198.51.%d.%d", i/250, i%250))
		}()
	}
	wg.Wait()
	total, peak := account.HashStats(s)
	if k := kinds(results); k[errs.Unauthorized] != 200 {
		t.Errorf("answers %v", k)
	}
	if total-before != 200 || peak < 1 || peak > int64(runtime.NumCPU()) || account.HashSlots(s) != runtime.NumCPU() {
		t.Errorf("%d hashes, at most %d at once, %d slots; want 200, at most %d", total-before, peak, account.HashSlots(s), runtime.NumCPU())
	}
}

// TestLoginWaitingForHashLeavesOnCancel: a request that gives up while all
// hash slots are busy leaves without hashing.
func TestLoginWaitingForHashLeavesOnCancel(t *testing.T) {
	s := newLoginService(t, testrig.FastParams)
	release := account.FillHashSlots(s)
	defer release()
	before, _ := account.HashStats(s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, _, err := s.Login(ctx, "street", "Jiedao-pass-2026", "203.0.113.9")
		done <- err
	}()
	for account.HashWaiting(s) == 0 {
		runtime.Gosched()
	}
	cancel()
	err := <-done
	if after, _ := account.HashStats(s); errs.As(err).ZH != "服务器繁忙，请稍后再试" || after != before {
		t.Errorf("cancelled login: %v, %d hashes", err, after-before)
	}
}

// TestBadUsernameNeverAKey: a username that breaks the username rule (too
// long, upper case kept after folding, a space, a leading digit) is refused
// with the rule before it becomes a limiter key or costs a hash.
func TestBadUsernameNeverAKey(t *testing.T) {
	t.Parallel()
	s := newLoginService(t, testrig.FastParams)
	before, _ := account.HashStats(s)
	for _, name := range []string{strings.Repeat("a", 33), strings.Repeat("a", 65), "zhang san", "9lives", "张三", "ab", ""} {
		_, _, err := s.Login(context.Background(), name, "x", "203.0.113.9")
		if e := errs.As(err); e.ZH != "用户名须为 3–32 位小写字母、数字或 _ . -，并以字母开头" || e.Field != "username" || e.Kind != errs.Invalid {
			t.Errorf("%q: %v", name, err)
		}
	}
	after, _ := account.HashStats(s)
	if after != before || account.LimiterOf(s).Len() != 0 {
		t.Errorf("bad names: %d hashes, %d keys", after-before, account.LimiterOf(s).Len())
	}
	// Case and surrounding spaces are forgiven, as before.
	if _, _, err := s.Login(context.Background(), "  Street ", "Jiedao-pass-2026", "203.0.113.9"); err != nil {
		t.Errorf("name with case and spaces: %v", err)
	}
}

// TestOtherClientKeepsLoggingIn is finding 6: one client's wrong passwords
// lock that client out of the account, not the holder at another address.
func TestOtherClientKeepsLoggingIn(t *testing.T) {
	t.Parallel()
	s := newLoginService(t, testrig.FastParams)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, _, err := s.Login(ctx, "street", "Wrong-guess-2026", "203.0.113.9"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, _, err := s.Login(ctx, "street", "Jiedao-pass-2026", "203.0.113.9"); !errs.Is(err, errs.TooMany) {
		t.Errorf("guessing client with the right password: %v", err)
	}
	if _, _, err := s.Login(ctx, "street", "Jiedao-pass-2026", "198.51.100.20"); err != nil {
		t.Errorf("holder elsewhere: %v", err)
	}
}

// TestLoginAccountWideLimit: from many addresses, the account is held back
// only after 100 failures, and a success does not wipe that count.
func TestLoginAccountWideLimit(t *testing.T) {
	t.Parallel()
	s := newLoginService(t, testrig.FastParams)
	ctx := context.Background()
	for i := 0; i < 99; i++ {
		if _, _, err := s.Login(ctx, "street", "Wrong-guess-2026", fmt.Sprintf("203.0.113.%d", i)); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, _, err := s.Login(ctx, "street", "Jiedao-pass-2026", "198.51.100.20"); err != nil {
		t.Fatalf("holder after 99: %v", err)
	}
	if _, _, err := s.Login(ctx, "street", "Wrong-guess-2026", "203.0.113.200"); !errs.Is(err, errs.Unauthorized) {
		t.Fatalf("100th: %v", err)
	}
	if _, _, err := s.Login(ctx, "street", "Jiedao-pass-2026", "198.51.100.20"); !errs.Is(err, errs.TooMany) {
		t.Errorf("after 100 failures: %v", err)
	}
}

func TestLimiterAttempt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	l := account.NewLimiter(func() time.Time { return now })
	k := account.Key{Name: "p:a", Free: 3}
	for i := 0; i < 3; i++ {
		if w := l.Attempt(k); w != 0 {
			t.Fatalf("attempt %d waits %v", i, w)
		}
	}
	if w := l.Attempt(k); w != 2*time.Second {
		t.Fatalf("4th attempt: %v", w)
	}
	l.Refund("p:a")
	if w := l.Attempt(k); w != 0 {
		t.Fatalf("after a refund: %v", w)
	}
	now = now.Add(3 * time.Second)
	l.Attempt(k)
	if w := l.Wait("p:a"); w != 4*time.Second {
		t.Fatalf("after 4: %v", w)
	}
}

// TestLimiterMemoryBound: every key is held as a 32-byte hash whatever is
// sent, and idle keys are swept by age, not only past the key bound.
func TestLimiterMemoryBound(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	l := account.NewLimiter(func() time.Time { return now })
	l.Fail("c:" + strings.Repeat("x", 100000))
	l.Fail("c:" + strings.Repeat("x", 100001))
	l.Fail("c:a")
	for _, k := range account.Keys(l) {
		if len(k) != 32 {
			t.Errorf("key of %d bytes", len(k))
		}
	}
	if l.Len() != 3 {
		t.Fatalf("%d keys", l.Len())
	}
	now = now.Add(25 * time.Hour)
	l.Fail("c:new")
	if l.Len() != 1 {
		t.Errorf("after a day: %d keys", l.Len())
	}
}

// TestSessionIdleTimeout: a session unused for 31 minutes is refused; one
// used every 20 minutes lasts past 30, until the absolute limit; use is
// written at most once a minute.
func TestSessionIdleTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newLoginService(t, testrig.FastParams)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s.WithClock(func() time.Time { return now })
	idle, _, err := s.Login(ctx, "street", "Jiedao-pass-2026", "c1")
	if err != nil {
		t.Fatal(err)
	}
	busy, _, err := s.Login(ctx, "street", "Jiedao-pass-2026", "c1")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []int{20, 40, 60, 80} {
		now = time.Date(2026, 11, 26, 9, m, 0, 0, time.UTC)
		if _, err := s.Authenticate(ctx, busy.Token); err != nil {
			t.Fatalf("busy session at +%d min: %v", m, err)
		}
	}
	// idle was last used at 9:00: 80 minutes ago.
	if _, err := s.Authenticate(ctx, idle.Token); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("idle session: %v", err)
	}
	// Exactly: 30 minutes idle passes, 31 does not.
	fresh, _, _ := s.Login(ctx, "street", "Jiedao-pass-2026", "c1")
	now = now.Add(30 * time.Minute)
	if _, err := s.Authenticate(ctx, fresh.Token); err != nil {
		t.Errorf("30 min idle: %v", err)
	}
	now = now.Add(31 * time.Minute)
	if _, err := s.Authenticate(ctx, fresh.Token); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("31 min idle: %v", err)
	}
	// The absolute limit still holds for a busy session.
	for i := 0; i < 12*3; i++ {
		now = now.Add(20 * time.Minute)
		_, _ = s.Authenticate(ctx, busy.Token) // refused once past the absolute limit, checked below
	}
	if _, err := s.Authenticate(ctx, busy.Token); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("busy session after 12 h: %v", err)
	}
}
