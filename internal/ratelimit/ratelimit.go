// Package ratelimit bounds how often one client may make a kind of public
// request (reading the bulletin), so that a few clients cannot keep the
// server busy for everyone. A client is known by its address, which is
// kept in memory only and only as a salted hash, never logged or stored.
package ratelimit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"jiceng/internal/clientip"
	"jiceng/internal/errs"
)

// Limiter is a token bucket per client: a client may make Burst requests
// at once, and one more every Every after that.
type Limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	salt    [16]byte
	buckets map[uint64]*bucket
	burst   float64
	every   time.Duration
	max     int
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter of burst requests and one more per every, which
// keeps at most maxClients clients (0: 100,000) and reads the time from now
// (nil: time.Now).
func New(burst int, every time.Duration, maxClients int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	if maxClients <= 0 {
		maxClients = 100_000
	}
	l := &Limiter{now: now, buckets: map[uint64]*bucket{}, burst: float64(burst), every: every, max: maxClients}
	// crypto/rand.Read does not fail (it aborts the program instead).
	_, _ = rand.Read(l.salt[:])
	return l
}

// key is the client's address hashed under the limiter's salt: the map
// holds nothing from which an address can be read back or tested without
// the salt, which lives only in this process.
//
// An IPv6 client is known by its /64: one subscriber line commonly holds a
// whole /64, and would otherwise count as 2^64 clients.
func (l *Limiter) key(client string) uint64 {
	if a, err := netip.ParseAddr(client); err == nil && a.Is6() && !a.Is4In6() {
		if p, err := a.Prefix(64); err == nil {
			client = p.String()
		}
	}
	h := sha256.New()
	h.Write(l.salt[:])
	h.Write([]byte(client))
	return binary.BigEndian.Uint64(h.Sum(nil))
}

// Allow takes one request of client from its bucket. When the bucket is
// empty it returns false and how long until the next request is allowed.
func (l *Limiter) Allow(client string) (bool, time.Duration) {
	k := l.key(client)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[k]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[k] = b
	}
	b.refill(now, l.burst, l.every)
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(l.every))
	}
	b.tokens--
	return true, 0
}

func (b *bucket) refill(now time.Time, burst float64, every time.Duration) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(burst, b.tokens+float64(d)/float64(every))
		b.at = now
	}
}

// sweep forgets the clients whose bucket has filled up again, who are as
// if never seen; if that is not enough, under a flood of addresses, it
// forgets half of the others, chosen by the map's random order. l.mu is
// held.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.refill(now, l.burst, l.every); b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.max/2 {
			break
		}
		delete(l.buckets, k)
	}
}

// Len returns the number of clients held, to check the memory bound.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// Bulletin requests a client may make: 60 at once, then one a second. A
// room of raters behind one address reads the bulletin and looks up their
// trackers well within that; a flood from one client is turned away early.
const (
	BulletinBurst = 60
	BulletinEvery = time.Second
)

// NewBulletin returns the per-client limiter of bulletin requests that the
// pages and the API share, on the clock now (nil: time.Now).
func NewBulletin(now func() time.Time) *Limiter { return New(BulletinBurst, BulletinEvery, 0, now) }

// TooManyBulletin answers a client over its bulletin limit, with the wait.
func TooManyBulletin(wait time.Duration) error {
	return errs.TooManyWait("查看公示过于频繁", "too many bulletin requests", wait)
}

// Check takes one request of the client behind r (see clientip) from l;
// when the client is over the limit it sets Retry-After and returns
// TooManyBulletin.
func Check(w http.ResponseWriter, r *http.Request, l *Limiter) error {
	ok, wait := l.Allow(clientip.From(r))
	if ok {
		return nil
	}
	w.Header().Set("Retry-After", strconv.Itoa(errs.WaitSeconds(wait)))
	return TooManyBulletin(wait)
}
