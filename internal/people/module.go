package people

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// Module builds the member register on the core: its service, its
// permissions and how the audit log names the persons it audits.
func Module(c *module.Core) (*Service, module.Domain, error) {
	s, err := NewService(c.DB, c.Orgs, c.Key)
	if err != nil {
		return nil, module.Domain{}, err
	}
	s.WithClock(c.Now)
	return s, module.Domain{
		Name:        "people",
		Permissions: Permissions(),
		// The demo registers Nanning's members at the density of a real
		// register; other regions get none.
		Seed: func(ctx context.Context, in module.Seeding) (module.Seeded, error) {
			if in.Region != "4501" {
				return demoPeople{}, nil
			}
			return seedPeople(ctx, s, in.RootID, DemoPerOrg)
		},
		AuditNames: map[string]audit.Namer{
			// A person is named where the reader may read the log of the
			// organization of their membership now.
			"person": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT p.id, p.name, "+org.PathCol("o")+" FROM persons p JOIN memberships m ON m.person_id = p.id AND m.active = TRUE"+
					org.Join("o", "m.org_id")+" WHERE p.id IN", ids)
			},
		},
	}, nil
}
