package programs

import (
	"jiceng/internal/coverage"
	"jiceng/internal/module"
)

// VenueExistsSQL is the condition the coverage module counts the units
// with a venue by: the organization whose id is the column orgCol has a
// venue recorded.
func VenueExistsSQL(orgCol string) string {
	return "EXISTS (SELECT 1 FROM venues vn WHERE vn.org_id = " + orgCol + ")"
}

// provideVenues hands the coverage module, which the module list builds
// before the programmes, the condition of its indicator "units with a
// venue" (venue_share), so that coverage reads the venues without
// importing this module.
func provideVenues(c *module.Core) error {
	cov, err := module.ServiceOf[*coverage.Service](c)
	if err != nil {
		return err
	}
	cov.ProvideVenues(VenueExistsSQL)
	return nil
}
