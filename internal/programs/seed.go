package programs

import (
	"context"
	"fmt"

	"jiceng/internal/module"
)

// demoLines is what the programmes' demo data reports after the accounts.
type demoLines []string

func (d demoLines) Lines(string) []string { return d }

// seed adds the programmes' demo data for Nanning: each ledger seeds its
// part in turn (its seeder in its own file). Other regions get none: the
// demo's other modules give them no results to build on.
func (s *Service) seed(ctx context.Context, in module.Seeding) (module.Seeded, error) {
	if in.Region != "4501" {
		return demoLines(nil), nil
	}
	var lines demoLines
	for _, part := range []func(context.Context, module.Seeding) (string, error){
		s.seedFirstSecretaries,
		s.seedRect,
		s.seedVenues,
		s.seedContacts,
		s.seedPairings,
		s.seedSites,
	} {
		line, err := part(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("programmes demo: %w", err)
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines, nil
}
