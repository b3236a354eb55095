package programs

import (
	"context"

	"jiceng/internal/module"
)

// SeedSites runs the demo's sites alone, for the tests.
func (s *Service) SeedSites(ctx context.Context, in module.Seeding) (string, error) {
	return s.seedSites(ctx, in)
}
