// Package demo fills a fresh database with a region's real organization tree
// and one account per role, so that anyone can try jiceng in a minute.
package demo

import (
	"context"
	"fmt"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
)

// Account is a demo login.
type Account struct {
	Username string
	Password string
	Role     access.Role
	OrgID    int64
	OrgName  string
}

// Result is what Seed built.
type Result struct {
	Init     org.InitResult
	Accounts []Account
	// Orgs and Units count what the demo holds in the end: the territorial
	// tree plus the organizations of the 两新 units, and those units.
	Orgs, Units int
	// Trial is the open campaign with an unused ballot code, when the
	// evaluation demo was seeded.
	Trial Trial
}

// Seed builds the territorial tree of region and creates one user per role
// with a random password. It refuses a database that already has
// organizations: demo data belongs in a fresh database. For Nanning (4501)
// it also registers the city's 两新 units with their coverage history,
// monthly figures and goals (see coverage.go), and, when ev is not nil,
// runs its evaluation campaigns: two published, one open (see evaluation.go).
// A nil cov or ev leaves that part out.
func Seed(ctx context.Context, d *db.DB, orgs *org.Service, accounts *account.Service, cov *coverage.Service, ev *evaluation.Service, region string) (Result, error) {
	var res Result
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
		return res, errs.Wrap(err, "count orgs")
	}
	if n > 0 {
		return res, errs.New(errs.Conflict, "数据库中已有党组织：演示数据需要一个新的数据库，请换一个 --db 路径",
			"the database already holds organizations: demo data needs a fresh database, use another --db path")
	}
	sys := access.SystemActor("demo")
	init, err := orgs.InitRegion(ctx, sys, region)
	if err != nil {
		return res, err
	}
	res.Init = init
	// Scopes along the first branch of the tree: the root, its first child
	// (a county), that county's first township and the township's first village.
	chain := []org.Org{}
	cur, err := orgs.Get(ctx, sys, init.RootID)
	if err != nil {
		return res, err
	}
	chain = append(chain, cur)
	for len(chain) < 4 {
		kids, _, err := orgs.List(ctx, sys, org.ListQuery{Under: cur.ID, ChildrenOnly: true, Limit: 1})
		if err != nil {
			return res, err
		}
		if len(kids) == 0 {
			break
		}
		cur = kids[0]
		chain = append(chain, cur)
	}
	at := func(i int) org.Org { return chain[min(i, len(chain)-1)] }
	plan := []struct {
		user string
		role access.Role
		org  org.Org
	}{
		{"admin", access.Admin, at(0)},
		{"county_admin", access.OrgAdmin, at(1)},
		{"street_admin", access.OrgAdmin, at(2)},
		{"secretary", access.Secretary, at(3)},
		{"evaluator", access.EvaluationManager, at(0)},
		{"handler", access.CaseHandler, at(2)},
		{"integrity", access.IntegrityOfficer, at(1)},
		{"custodian", access.Custodian, at(0)},
		{"auditor", access.Auditor, at(0)},
	}
	for _, p := range plan {
		pw := account.RandomPassword()
		zh := access.RoleLabel(p.role).ZH
		if _, err := accounts.Create(ctx, sys, account.NewUser{Username: p.user, DisplayName: zh, Password: pw, HomeOrgID: p.org.ID, Role: p.role}); err != nil {
			return res, fmt.Errorf("demo user %s: %w", p.user, err)
		}
		res.Accounts = append(res.Accounts, Account{Username: p.user, Password: pw, Role: p.role, OrgID: p.org.ID, OrgName: p.org.Label()})
	}
	if err := seedCoverage(ctx, d, orgs, cov, region, init.RootID); err != nil {
		return res, err
	}
	if ev != nil && region == "4501" {
		if res.Trial, err = seedEvaluation(ctx, d, orgs, ev, init.RootID); err != nil {
			return res, err
		}
	}
	err = d.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM orgs), (SELECT COUNT(*) FROM units)").Scan(&res.Orgs, &res.Units)
	return res, errs.Wrap(err, "count demo")
}
