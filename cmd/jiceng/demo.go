package main

import (
	"context"
	"fmt"

	"jiceng/internal/access"
	"jiceng/internal/demo"
)

func cmdDemo(ctx context.Context, env cmdEnv, args []string) error {
	fs := flags("demo")
	regionCode := fs.String("region", "4501", "division code")
	dbFlag := fs.String("db", "", "database URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	url := dbURL(*dbFlag, env.getenv)
	a, err := openApp(ctx, url)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := demo.Seed(ctx, a.orgs, a.accounts, a.coverage, *regionCode)
	if err != nil {
		return err
	}
	printDemo(env, res, url)
	return nil
}

// printDemo prints the demo accounts: one line per account, password last.
func printDemo(env cmdEnv, res demo.Result, url string) {
	fmt.Fprintf(env.stdout, "演示数据：%s（%s），行政区划党组织 %d 个，党组织共 %d 个，两新组织 %d 个，数据库 %s\n",
		res.Init.Name, res.Init.Region, res.Init.Created, res.Orgs, res.Units, url)
	fmt.Fprintln(env.stdout, "演示账号（用户名 / 角色 / 授权范围 / 密码）：")
	for _, a := range res.Accounts {
		zh, _ := access.RoleLabel(a.Role)
		fmt.Fprintf(env.stdout, "  %-13s %-10s %-16s %s\n", a.Username, zh, a.OrgName, a.Password)
	}
}
