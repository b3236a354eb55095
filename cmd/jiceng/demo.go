package main

import (
	"context"
	"fmt"

	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/demo"
)

func cmdDemo(ctx context.Context, env cmdEnv, args []string) error {
	fs := flags("demo")
	regionCode := fs.String("region", "4501", "division code")
	keyFile := keyFileFlag(fs)
	dbFlag := fs.String("db", "", "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	url := dbURL(*dbFlag, env.getenv)
	a, err := createApp(ctx, env, url, *keyFile, app.Config{})
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Seed(ctx, *regionCode)
	if err != nil {
		return err
	}
	printDemo(env, res, url, "http://127.0.0.1:8080")
	return nil
}

// printDemo prints the demo accounts: one line per account, password last;
// site is the address the server answers at, for the trial ballot.
func printDemo(env cmdEnv, res demo.Result, url, site string) {
	fmt.Fprintf(env.stdout, "演示数据：%s（%s），行政区划党组织 %d 个，党组织共 %d 个，数据库 %s\n",
		res.Init.Name, res.Init.Region, res.Init.Created, res.Orgs, db.Redact(url))
	fmt.Fprintln(env.stdout, "演示账号（用户名 / 角色 / 授权范围 / 密码）：")
	for _, a := range res.Accounts {
		zh := access.RoleLabel(a.Role).ZH
		fmt.Fprintf(env.stdout, "  %-13s %-10s %-16s %s\n", a.Username, zh, a.OrgName, a.Password)
	}
	for _, l := range res.Lines(site) {
		fmt.Fprintln(env.stdout, l)
	}
}
