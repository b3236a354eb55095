package region

import "sync"

// Holder loads the division data on first use and keeps it, so that a
// server that never needs it pays nothing and one that does pays once.
type Holder struct {
	once sync.Once
	set  *Set
	err  error
}

// NewHolder returns an empty holder.
func NewHolder() *Holder { return &Holder{} }

// Get returns the loaded set.
func (h *Holder) Get() (*Set, error) {
	h.once.Do(func() { h.set, h.err = Load() })
	return h.set, h.err
}
