package xlsx

import (
	"context"
	"sync/atomic"

	"jiceng/internal/errs"
)

// Parsing a file up to the limits still takes tens of MB and a core for a
// while; the slots cap how many files the whole server parses at once, so
// that parallel uploads cannot multiply that without bound. A request takes
// its slot after its body is read (MaxUpload bytes at most), so a slow
// upload does not hold one; at most maxParseWaiting requests wait, the
// others are told at once that the server is busy.
const (
	maxParses       = 2
	maxParseWaiting = 16
)

var parseSlots = newSlots(maxParses, maxParseWaiting)

// parseHook, when set by a test, runs in the slot before the file is parsed.
var parseHook func()

// slots is a counting semaphore with a bounded queue; parsing and peak
// count the holders, for tests.
type slots struct {
	ch                     chan struct{}
	maxWaiting             int64
	parsing, peak, waiting atomic.Int64
}

func newSlots(n, waiting int) *slots {
	return &slots{ch: make(chan struct{}, n), maxWaiting: int64(waiting)}
}

func errBusy() error {
	return errs.New(errs.TooMany, "服务器正忙，请稍后再试", "the server is busy: try again shortly")
}

// acquire waits for a free slot and returns its release; it gives up with
// errs.TooMany when ctx ends first or too many requests already wait.
func (s *slots) acquire(ctx context.Context) (func(), error) {
	if s.waiting.Add(1) > s.maxWaiting {
		s.waiting.Add(-1)
		return nil, errBusy()
	}
	select {
	case s.ch <- struct{}{}:
		s.waiting.Add(-1)
	case <-ctx.Done():
		s.waiting.Add(-1)
		return nil, errBusy()
	}
	n := s.parsing.Add(1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	return func() {
		s.parsing.Add(-1)
		<-s.ch
	}, nil
}
