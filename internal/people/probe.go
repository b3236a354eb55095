package people

import (
	"context"

	"jiceng/internal/access"
)

// Looking a person up by a whole ID number tells whether the number is
// theirs. The mask keeps a number's region and last four characters and
// the register shows the age, which leaves a few dozen candidates: a reader
// who may not see numbers in full could try them all. So, for such a
// reader, every lookup that finds nobody (or a person under another name,
// which reads the same) spends one of the account's allowance of probes —
// the one refused registrations of a registered number spend — and an
// account that has spent it is held back from every lookup by number and
// every registration for a while. Readers who may reveal numbers are not
// counted: they can see them anyway.

// probeWait refuses a lookup by number to an account held back.
func (s *Service) probeWait(actor access.Actor) error {
	if actor.CanAnywhere(PeopleReveal) {
		return nil
	}
	if wait := s.dupBlocked(dupKey(actor)); wait > 0 {
		return tooManyDuplicates(wait)
	}
	return nil
}

// probeMiss spends one probe of the account for a lookup by number that
// found nobody it may see under that name, and refuses once it has spent
// them all.
func (s *Service) probeMiss(actor access.Actor) error {
	if actor.CanAnywhere(PeopleReveal) {
		return nil
	}
	key := dupKey(actor)
	if ok, wait := s.dupLimit.Allow(key); !ok {
		s.dupBlock(key, wait)
		return tooManyDuplicates(wait)
	}
	return nil
}

// readable reports whether the actor may read the person.
func (s *Service) readable(ctx context.Context, actor access.Actor, personID int64) bool {
	_, err := s.Person(ctx, actor, personID)
	return err == nil
}
