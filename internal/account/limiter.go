package account

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// Limiter slows down password guessing: after Free failures for a key (a
// username or a client address) every further attempt must wait, and the
// wait doubles with each failure up to Max. A success clears the key.
type Limiter struct {
	mu        sync.Mutex
	now       func() time.Time
	seen      map[string]*attempts
	lastSweep time.Time
	Free      int
	Base      time.Duration
	Max       time.Duration
}

type attempts struct {
	fails int
	free  int
	until time.Time
	last  time.Time
}

// Bounds of the limiter's memory: keys longer than maxKeyLen are replaced
// by their hash, a key is forgotten a day after its last failure (checked
// once a minute), and past maxKeys entries those not holding anyone back
// are dropped at once.
const (
	maxKeyLen  = 96
	forgetIdle = 24 * time.Hour
	sweepEvery = time.Minute
	maxKeys    = 100000
)

// NewLimiter returns a limiter with 5 free attempts and a back-off from 2 s
// up to 15 minutes.
func NewLimiter(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, seen: map[string]*attempts{}, Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute}
}

// keyOf bounds the memory one key takes, whatever a client sends.
func keyOf(k string) string {
	if len(k) <= maxKeyLen {
		return k
	}
	h := sha256.Sum256([]byte(k))
	return "#" + hex.EncodeToString(h[:])
}

// Wait returns how long the key must still wait before trying again.
func (l *Limiter) Wait(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.wait(l.now(), keys...)
}

func (l *Limiter) wait(now time.Time, keys ...string) time.Duration {
	var w time.Duration
	for _, k := range keys {
		if a := l.seen[keyOf(k)]; a != nil && a.until.After(now) {
			w = max(w, a.until.Sub(now))
		}
	}
	return w
}

// Fail records a failed attempt for each key.
func (l *Limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.maybeSweep(now)
	for _, k := range keys {
		l.count(now, keyOf(k), l.Free, 1)
	}
}

// count adds one failure to key; with offset 1 the wait starts after free
// failures (Fail records a failure already made), with offset 0 after the
// free-th attempt (Attempt counts attempts before they are made).
func (l *Limiter) count(now time.Time, k string, free, offset int) {
	a := l.seen[k]
	if a == nil {
		a = &attempts{}
		l.seen[k] = a
	}
	a.fails++
	a.free = free
	a.last = now
	if over := a.fails - free - offset + 1; over > 0 {
		d := l.Base << min(over-1, 20)
		if d > l.Max || d <= 0 {
			d = l.Max
		}
		a.until = now.Add(d)
	}
}

// Key is a key of Attempt with its own number of free attempts.
type Key struct {
	Name string
	Free int
}

// Attempt counts an attempt against every key before the guarded work (a
// password hash) is done, so that parallel requests cannot all slip in
// before the first failure is recorded: of any burst, at most Free attempts
// per key go through. It returns how long to wait instead when a key is
// held back; a refused attempt counts nothing. Each attempt that goes
// through counts as a failure until Succeed or Refund takes it back.
func (l *Limiter) Attempt(keys ...Key) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.maybeSweep(now)
	for _, k := range keys {
		if a := l.seen[keyOf(k.Name)]; a != nil && a.until.After(now) {
			return l.waitKeys(now, keys)
		}
	}
	for _, k := range keys {
		free := k.Free
		if free <= 0 {
			free = l.Free
		}
		l.count(now, keyOf(k.Name), free, 0)
	}
	return 0
}

func (l *Limiter) waitKeys(now time.Time, keys []Key) time.Duration {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return l.wait(now, names...)
}

// Refund takes back one attempt that Attempt counted, for keys that a
// success should not clear (it would let anyone who can log in somewhere
// wipe them).
func (l *Limiter) Refund(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		a := l.seen[keyOf(k)]
		if a == nil {
			continue
		}
		if a.fails--; a.fails <= 0 {
			delete(l.seen, keyOf(k))
		} else if a.fails < a.free {
			a.until = time.Time{}
		}
	}
}

// Succeed clears the keys after a successful login.
func (l *Limiter) Succeed(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.seen, keyOf(k))
	}
}

// Len returns the number of keys held, to check the memory bound.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.seen)
}

// maybeSweep forgets idle keys once a minute, and under a flood of new keys
// also the ones that hold no one back, so that memory stays bounded by what
// arrives in a day and by maxKeys at any moment.
func (l *Limiter) maybeSweep(now time.Time) {
	if now.Sub(l.lastSweep) < sweepEvery && len(l.seen) < maxKeys {
		return
	}
	l.lastSweep = now
	for k, a := range l.seen {
		if now.Sub(a.last) > forgetIdle && !a.until.After(now) {
			delete(l.seen, k)
		}
	}
	if len(l.seen) >= maxKeys {
		for k, a := range l.seen {
			if !a.until.After(now) {
				delete(l.seen, k)
			}
		}
	}
}
