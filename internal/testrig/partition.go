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
	return set.ProvinceCodes(), nil
})

// migrate migrates a new test database. When the run asks for partitioned
// tables it stops at db.ProvinceSchema, partitions them as an operator
// would with jiceng partition, and applies the later migrations to the
// partitioned tables: a migration that cannot run on them fails here.
func migrate(ctx context.Context, d *db.DB) error {
	if !Partitioned() || d.Dialect != db.Postgres {
		_, err := d.Migrate(ctx)
		return err
	}
	if _, err := d.MigrateTo(ctx, db.ProvinceSchema); err != nil {
		return err
	}
	ps, err := provinces()
	if err != nil {
		return fmt.Errorf("provinces: %w", err)
	}
	changed, err := d.PartitionByProvince(ctx, ps)
	if err == nil && !changed {
		err = fmt.Errorf("a new database was found partitioned already")
	}
	if err != nil {
		return fmt.Errorf("partition: %w", err)
	}
	_, err = d.Migrate(ctx)
	return err
}
