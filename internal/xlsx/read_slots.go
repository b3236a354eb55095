package xlsx

import (
	"context"
	"sync/atomic"

	"jiceng/internal/errs"
)

// Parsing a file up to the limits still takes tens of MB and a core for a
// while; the slots cap how many files the whole server parses at once, so
// that parallel uploads cannot multiply that without bound. A request is
// admitted before its body is read and takes a parse slot after: at most
// maxParses+maxParseWaiting bodies (MaxUpload bytes each) are held at once,
// and a slow upload holds no parse slot (the server's read timeout ends
// it). A request beyond that is told at once that the server is busy.
const (
	maxParses       = 2
	maxParseWaiting = 8
)

var parseSlots = newSlots(maxParses, maxParseWaiting)

// parseHook, when set by a test, runs in the slot before the file is parsed.
var parseHook func()

// slots is a counting semaphore with a bounded queue; admitted counts the
// requests between admit and leave, parsing and peak the holders of a
// slot and waiting those waiting for one, for tests.
type slots struct {
	ch                               chan struct{}
	maxAdmitted                      int64
	admitted, parsing, peak, waiting atomic.Int64
}

func newSlots(n, waiting int) *slots {
	return &slots{ch: make(chan struct{}, n), maxAdmitted: int64(n + waiting)}
}

func errBusy() error {
	return errs.New(errs.TooMany, "服务器正忙，请稍后再试", "the server is busy: try again shortly")
}

// admit lets the request in, or refuses it with errs.TooMany when as many
// requests as there are slots and places to wait are in already; the
// request calls the returned leave when it is done.
func (s *slots) admit() (func(), error) {
	if s.admitted.Add(1) > s.maxAdmitted {
		s.admitted.Add(-1)
		return nil, errBusy()
	}
	return func() { s.admitted.Add(-1) }, nil
}

// acquire waits for a free slot and returns its release; it gives up with
// errs.TooMany when ctx ends first.
func (s *slots) acquire(ctx context.Context) (func(), error) {
	s.waiting.Add(1)
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
