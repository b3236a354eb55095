package main

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
)

func cmdUserAdd(ctx context.Context, env cmdEnv, args []string) error {
	fs := flags("user add")
	username := fs.String("username", "", "login name")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "", "role id")
	orgRef := fs.String("org", "", "organization id or division code")
	keyFile := keyFileFlag(fs)
	dbFlag := fs.String("db", "", "database URL")
	pwStdin := fs.Bool("password-stdin", false, "read the password from stdin")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" || *role == "" || *orgRef == "" {
		return fmt.Errorf("jiceng user add: 需要 --username、--role 和 --org")
	}
	if !access.ValidRole(access.Role(*role)) {
		return fmt.Errorf("jiceng user add: 角色 %q 不存在；可用角色: admin、org_admin、secretary、evaluation_manager、case_handler、integrity_officer、custodian、auditor", *role)
	}
	a, err := openApp(ctx, env, dbURL(*dbFlag, env.getenv), *keyFile, app.Config{})
	if err != nil {
		return err
	}
	defer a.Close()
	orgID, err := resolveOrg(ctx, a, *orgRef)
	if err != nil {
		return err
	}
	pw := account.RandomPassword()
	if *pwStdin {
		if pw, err = readPassword(env.stdin); err != nil {
			return err
		}
	}
	u, err := a.Core().Accounts.Create(ctx, access.SystemActor("cli"), account.NewUser{Username: *username, DisplayName: *name, Password: pw, HomeOrgID: orgID, Role: access.Role(*role)})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "已创建用户 %s（角色 %s，范围 %s）", u.Username, *role, u.HomeOrgName)
	if !*pwStdin {
		fmt.Fprintf(env.stdout, "，初始密码：%s", pw)
	}
	fmt.Fprintln(env.stdout)
	return nil
}

// resolveOrg finds an organization by division code (2, 4, 6, 9 or 12
// digits naming a territorial organization) or else by id.
func resolveOrg(ctx context.Context, a *app.App, ref string) (int64, error) {
	var id int64
	err := a.Core().DB.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = ? AND territorial = ?", ref, true).Scan(&id)
	if err == nil {
		return id, nil
	}
	if err != sql.ErrNoRows {
		return 0, err
	}
	n, perr := strconv.ParseInt(ref, 10, 64)
	if perr == nil {
		if err := a.Core().DB.QueryRow(ctx, "SELECT id FROM orgs WHERE id = ?", n).Scan(&id); err == nil {
			return id, nil
		}
	}
	return 0, fmt.Errorf("--org %s: 没有这个编号的党组织，也没有与该区划代码关联的党组织（先运行 jiceng init --region）", ref)
}
