package coverage

import (
	"context"
	"fmt"
	"time"

	"jiceng/internal/module"
	"jiceng/internal/org"
)

// Module builds the coverage service on the platform's core and names its
// background work and its demo data.
func Module(c *module.Core) (*Service, module.Domain, error) {
	s := NewService(c.DB, c.Orgs, c.Regions).WithClock(c.Now)
	return s, module.Domain{
		Name: "coverage",
		Jobs: []module.Job{
			// The coverage of every organization is recorded every hour as the
			// current month's figures, so that the last record of a month is its
			// month-end value and trends are read, never replayed. The month is
			// the one current in Asia/Shanghai, where the month-end is the users'.
			{Name: "coverage snapshot", Every: time.Hour, Run: func(ctx context.Context) error {
				month := s.Now().In(org.Shanghai).Format("2006-01")
				if err := s.Snapshot(ctx, month); err != nil {
					return fmt.Errorf("month %s: %w", month, err)
				}
				return nil
			}},
		},
		Seed: func(ctx context.Context, in module.Seeding) (module.Seeded, error) {
			return nil, seedCoverage(ctx, c.DB, c.Orgs, s, in.Region, in.RootID)
		},
	}, nil
}
