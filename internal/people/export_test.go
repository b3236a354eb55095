package people

import "context"

// SeedForTest runs the demo's seeder on the subtree of rootID with about
// members members, and returns how many members and posts it made.
func (s *Service) SeedForTest(ctx context.Context, rootID int64, members int) (int, int, error) {
	d, err := seedPeople(ctx, s, rootID, members)
	return d.members, d.cadres, err
}
