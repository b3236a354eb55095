package main

import (
	"context"
	"fmt"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
)

func cmdInit(ctx context.Context, env cmdEnv, args []string) error {
	fs := flags("init")
	regionCode := fs.String("region", "", "division code: 2, 4, 6 or 9 digits, or all")
	keyFile := keyFileFlag(fs)
	dbFlag := fs.String("db", "", "database URL")
	admin := fs.String("admin", "", "create this administrator")
	pwStdin := fs.Bool("password-stdin", false, "read the administrator's password from stdin")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *regionCode == "" {
		return fmt.Errorf("jiceng init: 缺少 --region，例如 --region 4501（南宁市）或 --region all")
	}
	if *pwStdin && *admin == "" {
		return fmt.Errorf("jiceng init: --password-stdin 需要与 --admin 一起使用")
	}
	a, err := createApp(ctx, env, dbURL(*dbFlag, env.getenv), *keyFile, app.Config{})
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	res, err := a.Core().Orgs.InitRegion(ctx, access.SystemActor("init"), *regionCode)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "已初始化 %s（%s）：区划 %d 个，新建党组织 %d 个，更名 %d 个，挂接 %d 个，用时 %.1f 秒\n",
		res.Name, res.Region, res.Divisions, res.Created, res.Renamed, res.Relinked, time.Since(start).Seconds())
	if *admin == "" {
		return nil
	}
	if _, err := a.Core().Accounts.FindByUsername(ctx, *admin); err == nil {
		fmt.Fprintf(env.stdout, "管理员 %s 已存在，未修改其密码\n", *admin)
		return nil
	}
	pw := ""
	if *pwStdin {
		if pw, err = readPassword(env.stdin); err != nil {
			return err
		}
	} else {
		pw = account.RandomPassword()
	}
	if _, err := a.Core().Accounts.Create(ctx, access.SystemActor("init"), account.NewUser{Username: *admin, DisplayName: "系统管理员", Password: pw, HomeOrgID: res.RootID, Role: access.Admin}); err != nil {
		return err
	}
	if *pwStdin {
		fmt.Fprintf(env.stdout, "已创建系统管理员 %s\n", *admin)
	} else {
		fmt.Fprintf(env.stdout, "已创建系统管理员 %s，初始密码：%s（请登录后修改）\n", *admin, pw)
	}
	return nil
}
