package coverage

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// VenueSQL is an SQL condition, written by the venue register of the
// programmes (阵地), that holds when the organization whose id is the
// column orgCol has a venue recorded.
type VenueSQL func(orgCol string) string

// ProvideVenues registers the venue register's condition, so that the
// indicator "units with a venue" (venue_share) is computed from the venue
// records in this module's own queries, without reading the programmes'
// tables by name. The programmes call it from their constructor; without
// it the indicator is 0.
func (s *Service) ProvideVenues(f VenueSQL) { s.venues = f }

// venueShare is the share of the active units of o's subtree covered by
// an organization (their own or a joint branch) whose organization has a
// venue recorded, in percent with one decimal.
func (s *Service) venueShare(ctx context.Context, o org.Org) (float64, error) {
	if s.venues == nil {
		return 0, nil
	}
	var units, with int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+s.venues("u.coverage_org_id")+` THEN 1 ELSE 0 END), 0) FROM units u`+org.Join("a", "u.affiliation_org_id")+`
		WHERE `+access.InSubtree(org.PathCol("a"), o.Path)+` AND u.status = 'active' AND u.coverage IN ('own', 'joint') AND u.coverage_org_id IS NOT NULL`).Scan(&units, &with)
	if err != nil {
		return 0, errs.Wrap(err, "units with a venue")
	}
	return Summarize(Counts{Units: units, Own: with}).OrgRate, nil
}
