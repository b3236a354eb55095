// Package programs is the programmes' module (M3, M4, M6, M7): the
// rectification of weak and lax organizations (软弱涣散), first
// secretaries, demonstration sites, leaders' contact points, pairings and
// venues — each a ledger with a life cycle, deadlines and evidence — and
// the figures of every module the city's cockpit shows.
//
// It reads the other modules' data through their services only: the
// published evaluation results and the residents' cases name candidates
// for rectification, the member register the persons it names.
package programs

import (
	"time"

	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// Service is the programmes' module.
type Service struct {
	db   *db.DB
	orgs *org.Service
	eval *evaluation.Service
	cs   *cases.Service
	ppl  *people.Service
	now  func() time.Time
}

// NewService returns the programmes on the database and the tree, reading
// evaluation results, cases and persons through those modules' services.
func NewService(d *db.DB, orgs *org.Service, eval *evaluation.Service, cs *cases.Service, ppl *people.Service) *Service {
	s := &Service{db: d, orgs: orgs, eval: eval, cs: cs, ppl: ppl, now: time.Now}
	if eval != nil { // the tests of a ledger that reads no evaluation
		eval.OnSubjectsGone(s.dropReview)
	}
	return s
}

// WithClock makes the service read the time from now, so that deadlines
// and terms are tested exactly. It returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// today is the date in Beijing, as a date at midnight UTC.
func (s *Service) today() time.Time {
	y, m, d := s.now().In(org.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is the programmes' date (in Beijing), which forms take as their
// default.
func (s *Service) Today() time.Time { return s.today() }

// dateLayout is how dates are stored and typed.
const dateLayout = time.DateOnly
