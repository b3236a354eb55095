package people

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"jiceng/internal/access"
	"jiceng/internal/org"
)

// The cockpit's training and pay figures are counted by organization and
// kept, so that the cockpit of a city (128,000 members and 14,000 cadres
// at Nanning's scale, ten times as many at Guangxi's) sums a few thousand
// kept rows instead of judging every member or pay each time: counting the
// training of Nanning reads every member with their hours and posts, 0.4 s
// in the sqlite3 shell and over a second in the server under load. A count
// stays while its mark (what it depends on besides the year) is unchanged
// and for trainedTTL at most; a subtree's figures are read from any kept
// count of the year that covers it. A stale count of a subtree larger than
// the keeper's large answers while the next one runs in the background; a
// smaller one is counted again at once.

// orgTally is what a count found at one organization (its own members or
// pay, not its subtree's).
type orgTally[T any] struct {
	path string
	v    T
}

// keptCount is a subtree's count by organization in a year.
type keptCount[T any] struct {
	rootPath string
	year     int
	orgs     []orgTally[T] // in path order
	size     int           // the members or cadres counted, against large
	at       time.Time
	mark     string
	// refreshing is set while a background count runs for it.
	refreshing bool
}

// keeper keeps the counts of one kind.
type keeper[T any] struct {
	mu      sync.Mutex
	kept    []*keptCount[T]
	flights singleflight.Group
	// large is the size above which a stale count answers while the next
	// runs.
	large int
	// count counts the subtree at path in a year by organization, and its
	// size.
	count func(s *Service, ctx context.Context, path string, year int) ([]orgTally[T], int, error)
}

// keptMax is how many subtrees and years a keeper keeps at most; a count
// of a subtree replaces those of the subtrees it covers.
const keptMax = 32

// keepers are a service's keepers.
type keepers struct {
	training *keeper[trainingTally]
	pay      *keeper[payTally]
}

// newKeepers are a new service's keepers, empty.
func newKeepers() *keepers {
	return &keepers{
		training: &keeper[trainingTally]{large: TrainingCountLimit, count: (*Service).countTrainingByOrg},
		pay:      &keeper[payTally]{large: payCountLarge, count: (*Service).countPayByOrg},
	}
}

// get returns a count of the year covering the subtree at path, fresh for
// mark, or a stale one of a large subtree, counting the subtree when there
// is neither.
func (k *keeper[T]) get(ctx context.Context, s *Service, path string, year int, mark string) (*keptCount[T], error) {
	now := s.now()
	k.mu.Lock()
	var stale *keptCount[T]
	for _, c := range k.kept {
		if c.year != year || !strings.HasPrefix(path, c.rootPath) {
			continue
		}
		if c.mark == mark && now.Sub(c.at) < trainedTTL && !now.Before(c.at) {
			k.mu.Unlock()
			return c, nil
		}
		if stale == nil || len(c.rootPath) < len(stale.rootPath) {
			stale = c
		}
	}
	if stale != nil && stale.size > k.large {
		if !stale.refreshing {
			stale.refreshing = true
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				defer cancel()
				if _, err := k.recount(ctx, s, now, stale.rootPath, year, mark); err != nil {
					k.mu.Lock()
					stale.refreshing = false
					k.mu.Unlock()
				}
			}()
		}
		k.mu.Unlock()
		return stale, nil
	}
	k.mu.Unlock()
	return k.recount(ctx, s, now, path, year, mark)
}

// recount counts the subtree at path in a year and keeps the count, once
// at a time for the same subtree and year.
func (k *keeper[T]) recount(ctx context.Context, s *Service, now time.Time, path string, year int, mark string) (*keptCount[T], error) {
	v, err, _ := k.flights.Do(path+" "+strconv.Itoa(year), func() (any, error) {
		orgs, size, err := k.count(s, ctx, path, year)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(orgs, func(a, b orgTally[T]) int { return strings.Compare(a.path, b.path) })
		c := &keptCount[T]{rootPath: path, year: year, orgs: orgs, size: size, at: now, mark: mark}
		k.mu.Lock()
		defer k.mu.Unlock()
		k.kept = slices.DeleteFunc(k.kept, func(o *keptCount[T]) bool { return o.year == year && strings.HasPrefix(o.rootPath, path) })
		k.kept = append(k.kept, c)
		if len(k.kept) > keptMax {
			slices.SortFunc(k.kept, func(a, b *keptCount[T]) int { return b.at.Compare(a.at) })
			k.kept = k.kept[:keptMax]
		}
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*keptCount[T]), nil
}

// each calls fn with every organization of the subtree at path that the
// count found, and the index among kids of the child whose subtree holds
// it (-1 for the organization itself or a child not among kids).
func (c *keptCount[T]) each(path string, kids []org.Org, fn func(child int, v T)) {
	child := make(map[int64]int, len(kids))
	for i, k := range kids {
		child[k.ID] = i
	}
	cmp := func(t orgTally[T], p string) int { return strings.Compare(t.path, p) }
	lo, _ := slices.BinarySearchFunc(c.orgs, path, cmp)
	hi, _ := slices.BinarySearchFunc(c.orgs, access.PathUpper(path), cmp)
	for _, t := range c.orgs[lo:hi] {
		i := -1
		rest := strings.TrimPrefix(t.path, path)
		if j := strings.IndexByte(rest, '/'); j > 0 {
			if id, err := strconv.ParseInt(rest[:j], 10, 64); err == nil {
				if k, ok := child[id]; ok {
					i = k
				}
			}
		}
		fn(i, t.v)
	}
}
