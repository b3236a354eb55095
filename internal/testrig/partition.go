package testrig

import (
	"context"
	"fmt"
	"os"
	"sync"

	"jiceng/internal/db"
	"jiceng/internal/region"
)

// Partitioned reports whether the PostgreSQL suites run with the large
// tables partitioned by province: JICENG_TEST_PARTITIONED=1 beside
// JICENG_TEST_POSTGRES. .ci/run runs the whole PostgreSQL suite both ways.
func Partitioned() bool {
	return os.Getenv("JICENG_TEST_PARTITIONED") == "1" && os.Getenv("JICENG_TEST_POSTGRES") != ""
}

var provinces = sync.OnceValues(func() ([]string, error) {
	set, err := region.Load()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range set.Children("all") {
		out = append(out, p.Code[:2])
	}
	return out, nil
})

// afterMigrate partitions a freshly migrated test database when the run
// asks for it, as an operator would with jiceng partition.
func afterMigrate(ctx context.Context, d *db.DB) error {
	if !Partitioned() || d.Dialect != db.Postgres {
		return nil
	}
	ps, err := provinces()
	if err != nil {
		return fmt.Errorf("provinces: %w", err)
	}
	changed, err := d.PartitionByProvince(ctx, ps)
	if err == nil && !changed {
		err = fmt.Errorf("a freshly migrated database was found partitioned already")
	}
	return err
}
