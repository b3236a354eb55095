package account

import (
	"sync"
	"time"
)

// Limiter slows down password guessing: after Free failures for a key (a
// username or a client address) every further attempt must wait, and the
// wait doubles with each failure up to Max. A success clears the key.
type Limiter struct {
	mu   sync.Mutex
	now  func() time.Time
	seen map[string]*attempts
	Free int
	Base time.Duration
	Max  time.Duration
}

type attempts struct {
	fails int
	until time.Time
	last  time.Time
}

// NewLimiter returns a limiter with 5 free attempts and a back-off from 2 s
// up to 15 minutes.
func NewLimiter(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, seen: map[string]*attempts{}, Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute}
}

// Wait returns how long the key must still wait before trying again.
func (l *Limiter) Wait(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var w time.Duration
	now := l.now()
	for _, k := range keys {
		if a := l.seen[k]; a != nil && a.until.After(now) {
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
	if len(l.seen) > 100000 {
		l.sweep(now)
	}
	for _, k := range keys {
		a := l.seen[k]
		if a == nil {
			a = &attempts{}
			l.seen[k] = a
		}
		a.fails++
		a.last = now
		if over := a.fails - l.Free; over > 0 {
			d := l.Base << min(over-1, 20)
			if d > l.Max || d <= 0 {
				d = l.Max
			}
			a.until = now.Add(d)
		}
	}
}

// Succeed clears the keys after a successful login.
func (l *Limiter) Succeed(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.seen, k)
	}
}

// sweep forgets keys idle for a day, bounding memory under a flood.
func (l *Limiter) sweep(now time.Time) {
	for k, a := range l.seen {
		if now.Sub(a.last) > 24*time.Hour {
			delete(l.seen, k)
		}
	}
}
