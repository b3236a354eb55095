package programs

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/cases"
	"jiceng/internal/evaluation"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// Module builds the programmes on the core and on the services of the
// modules whose data they read, which the module list builds before them.
func Module(c *module.Core) (*Service, module.Domain, error) {
	eval, err := module.ServiceOf[*evaluation.Service](c)
	if err != nil {
		return nil, module.Domain{}, err
	}
	cs, err := module.ServiceOf[*cases.Service](c)
	if err != nil {
		return nil, module.Domain{}, err
	}
	ppl, err := module.ServiceOf[*people.Service](c)
	if err != nil {
		return nil, module.Domain{}, err
	}
	s := NewService(c.DB, c.Orgs, eval, cs, ppl).WithClock(c.Now)
	if err := provideVenues(c); err != nil {
		return nil, module.Domain{}, err
	}
	return s, module.Domain{
		Name:        "programs",
		Permissions: Permissions(),
		Seed: func(ctx context.Context, in module.Seeding) (module.Seeded, error) {
			return s.seed(ctx, in)
		},
		AuditNames: map[string]audit.Namer{
			// A case by its organization and year, a contact point by its
			// leader and organization, a pairing by its two sides, where
			// the reader may read the log of the organization concerned.
			"rect": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT r.id, "+org.LabelCol("o")+" || ' ' || CAST(r.year AS TEXT), o.path FROM rect_cases r"+org.Join("o", "r.org_id")+" WHERE r.id IN", ids)
			},
			"contact_point": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT p.id, p.leader_name || ' · ' || "+org.LabelCol("o")+", o.path FROM contact_points p"+org.Join("o", "p.org_id")+" WHERE p.id IN", ids)
			},
			"site": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT s.id, "+org.LabelCol("o")+" || ' · ' || CAST(s.year AS TEXT), o.path FROM sites s"+org.Join("o", "s.org_id")+" WHERE s.id IN", ids)
			},
			"first_secretary": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT t.id, t.person_name || ' · ' || "+org.LabelCol("o")+", o.path FROM fsec_terms t"+org.Join("o", "t.org_id")+" WHERE t.id IN", ids)
			},
			"pairing": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT p.id, "+org.LabelCol("a")+" || ' — ' || "+org.LabelCol("o")+", o.path FROM pairings p"+org.Join("a", "p.agency_org_id")+org.Join("o", "p.grassroots_org_id")+" WHERE p.id IN", ids)
			},
		},
	}, nil
}
