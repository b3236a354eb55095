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
			// A care case by its member's name, where the reader may read
			// the log of the case's organization.
			"care_case": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT c.id, p.name, "+org.PathCol("o")+" FROM care_cases c JOIN persons p ON p.id = c.person_id"+
					org.Join("o", "c.org_id")+" WHERE c.id IN", ids)
			},
			"organizer_batch": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT b.id, b.name, "+org.PathCol("o")+" FROM organizer_batches b"+
					org.Join("o", "b.org_id")+" WHERE b.id IN", ids)
			},
		},
	}, nil
}
