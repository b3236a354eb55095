package main

import (
	"context"
	"fmt"
	"strings"

	"jiceng/internal/db"
	"jiceng/internal/region"
)

// cmdPartition partitions the large tables of a PostgreSQL database by
// province (docs/OPERATIONS.md, “Partitioning”): one partition for each
// province of the division data and a default one.
func cmdPartition(ctx context.Context, env cmdEnv, args []string) error {
	fs := flags("partition")
	dbFlag := fs.String("db", "", "database URL (PostgreSQL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := db.OpenExisting(ctx, dbURL(*dbFlag, env.getenv))
	if err != nil {
		return err
	}
	defer d.Close()
	if d.Dialect != db.Postgres {
		return fmt.Errorf("分区只用于 PostgreSQL：SQLite 数据库是单个文件，无需分区")
	}
	// The tables must carry the province (migration 0026) and the schema be
	// the one this binary partitions.
	ms, err := d.Migrations()
	if err != nil {
		return err
	}
	if v, err := d.SchemaVersion(ctx); err != nil {
		return err
	} else if v != len(ms) {
		return fmt.Errorf("数据库结构版本为 %d，本程序为 %d：请先运行 jiceng migrate", v, len(ms))
	}
	// The conversion renames, copies and drops the tables in one
	// transaction: a server writing meanwhile deadlocks with it and its
	// users get errors. Only this command's own connection may be there.
	var others int
	if err := d.WriteQueryRow(ctx, `SELECT COUNT(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&others); err != nil {
		return err
	}
	if others > 0 {
		return fmt.Errorf("还有 %d 个其他连接在使用此数据库（例如正在运行的 jiceng serve）：请先停止使用它的服务，再运行 jiceng partition", others)
	}
	set, err := region.Load()
	if err != nil {
		return err
	}
	ps := set.ProvinceCodes()
	changed, err := d.PartitionByProvince(ctx, ps)
	if err != nil {
		return err
	}
	tables := strings.Join(db.PartitionedTables, "、")
	if !changed {
		fmt.Fprintf(env.stdout, "%s 已按省份分区，未作改动\n", tables)
		return nil
	}
	fmt.Fprintf(env.stdout, "已将 %s 按省份分区：%d 个省级分区及一个默认分区\n", tables, len(ps))
	return nil
}
