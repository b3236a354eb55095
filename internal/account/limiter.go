package account

import (
	"crypto/sha256"
	"sort"
	"sync"
	"time"
)

// Limiter slows down password guessing: after Free failures for a key (a
// username or a client address) every further attempt must wait, and the
// wait doubles with each failure up to Max. A success clears the key.
type Limiter struct {
	mu        sync.Mutex
	now       func() time.Time
	seen      map[keyHash]*attempts
	lastSweep time.Time
	Free      int
	Base      time.Duration
	Max       time.Duration
	// MaxKeys bounds the keys held; past it the least recently failed are
	// forgotten first.
	MaxKeys int
}

// keyHash is what the limiter keeps of a key: its SHA-256, so that every
// entry has the same small size whatever a client sends (a username of 9 MB
// once became a key of 9 MB, held for the life of the process).
type keyHash [sha256.Size]byte

type attempts struct {
	fails int
	free  int
	until time.Time
	last  time.Time
}

// Bounds of the limiter's memory besides the fixed key size: a key is
// forgotten a day after its last failure (checked once a minute), and at
// DefaultMaxKeys entries those holding no one back are dropped, then the
// least recently failed, down to nine tenths of the bound, so that a flood
// of new keys pays for one such sweep per tenth of the bound, not one per
// request.
const (
	forgetIdle     = 24 * time.Hour
	sweepEvery     = time.Minute
	DefaultMaxKeys = 100000
)

// NewLimiter returns a limiter with 5 free attempts and a back-off from 2 s
// up to 15 minutes.
func NewLimiter(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, seen: map[keyHash]*attempts{}, Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute, MaxKeys: DefaultMaxKeys}
}

// keyOf is the fixed-size form of a key.
func keyOf(k string) keyHash { return sha256.Sum256([]byte(k)) }

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
func (l *Limiter) count(now time.Time, k keyHash, free, offset int) {
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

// maybeSweep forgets idle keys once a minute, and when the map reaches
// MaxKeys also the ones that hold no one back and then the least recently
// failed, so that memory stays bounded by what arrives in a day and by
// MaxKeys at any moment. Dropping a key that holds someone back lets that
// client try again sooner; it happens only under a flood of new keys, and
// the oldest go first.
func (l *Limiter) maybeSweep(now time.Time) {
	limit := l.MaxKeys
	if limit <= 0 {
		limit = DefaultMaxKeys
	}
	if now.Sub(l.lastSweep) < sweepEvery && len(l.seen) < limit {
		return
	}
	l.lastSweep = now
	for k, a := range l.seen {
		if now.Sub(a.last) > forgetIdle && !a.until.After(now) {
			delete(l.seen, k)
		}
	}
	if len(l.seen) < limit {
		return
	}
	keep := limit - limit/10
	for k, a := range l.seen {
		if !a.until.After(now) {
			delete(l.seen, k)
		}
	}
	if len(l.seen) <= keep {
		return
	}
	type aged struct {
		k    keyHash
		last time.Time
	}
	all := make([]aged, 0, len(l.seen))
	for k, a := range l.seen {
		all = append(all, aged{k, a.last})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].last.Before(all[j].last) })
	for _, e := range all[:len(all)-keep] {
		delete(l.seen, e.k)
	}
}
