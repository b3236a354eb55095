// Package people is the member register (M3, M4, M7): persons, their Party
// membership with its history, and the subtree counts that statistics and
// the organization kind warnings read.
package people

import (
	"context"
	"encoding/hex"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/ratelimit"
)

// Service is the member register.
type Service struct {
	db   *db.DB
	orgs *org.Service
	seal *sealer
	now  func() time.Time
	// dupLimit allows an account 20 registrations of numbers already
	// registered at once, then one every three minutes; dupUntil holds back
	// an account that ran out, from every registration, until then.
	dupLimit *ratelimit.Limiter
	dupMu    sync.Mutex
	dupUntil map[string]time.Time
	// trained keeps each subtree's training completion for the statistics
	// a short while: counting it reads every member of the subtree.
	trained *trainedCache
	// keep holds the cockpit's counts of training and pay by organization.
	keep *keepers
}

// NewService returns the register, sealing personal data under a key derived
// from key (the installation key), and registers its subtree counts and its
// dissolve check with the organization tree.
func NewService(d *db.DB, orgs *org.Service, key []byte) (*Service, error) {
	seal, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	s := &Service{db: d, orgs: orgs, seal: seal, now: time.Now, dupUntil: map[string]time.Time{}, trained: newTrainedCache(), keep: newKeepers()}
	s.dupLimit = ratelimit.New(20, 3*time.Minute, 0, func() time.Time { return s.now() })
	orgs.Attach(&org.InclusiveAggregate{Table: "people_agg", Keys: []string{"dim", "val"}}, s.checkDissolve)
	orgs.ProvideLeaders(s.leaders)
	orgs.ProvideCadres(s.cadres)
	orgs.ProvidePersons(personSource{s})
	orgs.ProvideMemberCounts(memberCountSQL)
	return s, nil
}

// WithClock makes the service read the time from now, so that dates such as
// a probation's end are tested exactly. It returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// today is the current date in Beijing, where the register's dates are.
func (s *Service) today() time.Time {
	y, m, d := s.now().In(org.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkDissolve refuses to dissolve an organization that still has members:
// they must be transferred first.
func (s *Service) checkDissolve(ctx context.Context, tx *db.Tx, o org.Org) error {
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM memberships WHERE org_id = ? AND active = ?", o.ID, true).Scan(&n); err != nil {
		return errs.Wrap(err, "members of the organization")
	}
	if n > 0 {
		return errs.Newf(errs.Conflict, "“%s”还有 %d 名党员，请先办理组织关系转接", "%s still has %d members: transfer them first", o.Label(), n)
	}
	return nil
}

// nameKey is the pinyin collation key of a name, in hex, so that lists sort
// by it in the database in the order Chinese readers expect.
func nameKey(name string) string { return newNameKeys().of(name) }

// nameKeys computes collation keys with one collator, for bulk work; it is
// not safe for concurrent use.
type nameKeys struct {
	c   *collate.Collator
	buf collate.Buffer
}

func newNameKeys() *nameKeys { return &nameKeys{c: collate.New(language.SimplifiedChinese)} }

func (k *nameKeys) of(name string) string {
	key := hex.EncodeToString(k.c.KeyFromString(&k.buf, name))
	k.buf.Reset()
	return key
}
