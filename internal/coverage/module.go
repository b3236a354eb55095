package coverage

import (
	"context"
	"fmt"
	"jiceng/internal/access"
	"jiceng/internal/audit"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// Module builds the coverage service on the platform's core and names its
// background work and its demo data.
func Module(c *module.Core) (*Service, module.Domain, error) {
	s := NewService(c.DB, c.Orgs, c.Regions).WithClock(c.Now)
	return s, module.Domain{
		Name:        "coverage",
		Permissions: Permissions(),
		AuditNames: map[string]audit.Namer{
			"unit": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT u.id, u.name, "+org.PathCol("a")+" FROM units u"+org.Join("a", "u.affiliation_org_id")+" WHERE u.id IN", ids)
			},
			"goal_set": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT g.id, g.name, "+org.PathCol("o")+" FROM goal_sets g"+org.Join("o", "g.owner_org_id")+" WHERE g.id IN", ids)
			},
		},
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
			if err := seedCoverage(ctx, c.DB, c.Orgs, s, in.Region, in.RootID); err != nil {
				return nil, err
			}
			var n demoUnits
			err := c.DB.QueryRow(ctx, "SELECT COUNT(*) FROM units").Scan(&n)
			return n, errs.Wrap(err, "count demo units")
		},
	}, nil
}

// demoUnits is the number of units the demo holds.
type demoUnits int

// Lines is the demo's line about the units, none when there are none.
func (n demoUnits) Lines(string) []string {
	if n == 0 {
		return nil
	}
	return []string{fmt.Sprintf("两新组织 %d 个，含近 12 个月的覆盖数据和本年度“4+1”目标", n)}
}
