package people

// SetKeptLarge sets how many required members make a kept training count
// of s large, answering while the next count runs when stale.
func SetKeptLarge(s *Service, n int) {
	k := s.keep.training
	k.mu.Lock()
	k.large = n
	k.mu.Unlock()
}
