package people

import "context"

// SeedForTest runs the demo's seeder on the subtree of rootID with about
// perOrg members per organization, and returns how many members and posts
// it made.
func (s *Service) SeedForTest(ctx context.Context, rootID int64, perOrg int) (int, int, error) {
	d, err := seedPeople(ctx, s, rootID, perOrg)
	return d.members, d.cadres, err
}

// SetWalkChunk sets the fewest memberships a walk of the member list reads at
// once, so that a test walks many chunks; it returns the old value.
func SetWalkChunk(n int) int {
	old := walkChunkMin
	walkChunkMin = n
	return old
}

// SetPageBatch sets how many rows of a page are read in one query, and
// returns the old value.
func SetPageBatch(n int) int {
	old := pageBatch
	pageBatch = n
	return old
}
