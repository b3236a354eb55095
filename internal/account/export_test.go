package account

// HashStats returns how many password hashes the service has computed and
// the most it computed at once.
func HashStats(s *Service) (total, peak int64) { return s.hashes.Load(), s.peak.Load() }

// HashSlots returns how many hashes may run at once.
func HashSlots(s *Service) int { return cap(s.hashSlots) }

// FillHashSlots takes every hash slot until release is called.
func FillHashSlots(s *Service) (release func()) {
	for i := 0; i < cap(s.hashSlots); i++ {
		s.hashSlots <- struct{}{}
	}
	return func() {
		for i := 0; i < cap(s.hashSlots); i++ {
			<-s.hashSlots
		}
	}
}

// LimiterOf returns the login limiter of the service.
func LimiterOf(s *Service) *Limiter { return s.limiter }

// Keys returns the keys the limiter holds, as it holds them.
func Keys(l *Limiter) [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out [][]byte
	for k := range l.seen {
		out = append(out, k[:])
	}
	return out
}

// Holds reports whether the limiter holds key.
func Holds(l *Limiter, key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[keyOf(key)] != nil
}

// HashWaiting returns how many requests wait for a hash slot.
func HashWaiting(s *Service) int64 { return s.waiting.Load() }
