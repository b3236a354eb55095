package main

import (
	"context"
	"fmt"

	"jiceng/internal/db"
)

func cmdMigrate(ctx context.Context, env cmdEnv, args []string) error {
	fs := flags("migrate")
	dbFlag := fs.String("db", "", "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := db.OpenExisting(ctx, dbURL(*dbFlag, env.getenv))
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(env.stdout, "数据库结构已是最新（版本 %d）\n", v)
	} else {
		fmt.Fprintf(env.stdout, "已应用 %d 个迁移，数据库结构版本 %d\n", n, v)
	}
	return nil
}
