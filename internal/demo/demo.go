// Package demo fills a fresh database with a region's real organization tree
// and one account per role, then has every module add its own demo data, so
// that anyone can try jiceng in a minute.
package demo

import (
	"context"
	"fmt"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/errs"
	"jiceng/internal/module"
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
	// Orgs counts the organizations the demo holds in the end: the
	// territorial tree plus those the modules' demo data added.
	Orgs int
	// Seeded are the reports of the modules that had something to say,
	// in the order they were seeded.
	Seeded []module.Seeded
}

// Lines are the modules' lines after the accounts; site is the address the
// server answers at.
func (r Result) Lines(site string) []string {
	var ls []string
	for _, s := range r.Seeded {
		ls = append(ls, s.Lines(site)...)
	}
	return ls
}

// Seed builds the territorial tree of region and creates one user per role
// with a random password, then runs the demo seeder of every domain in
// their order (for Nanning, 4501: the 两新 units with their coverage history
// and goals, the evaluation campaigns). It refuses a database that already
// has organizations: demo data belongs in a fresh database. Without
// domains only the tree and the accounts are built.
func Seed(ctx context.Context, c *module.Core, domains []module.Domain, region string) (Result, error) {
	var res Result
	d, orgs, accounts := c.DB, c.Orgs, c.Accounts
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
	for _, dom := range domains {
		if dom.Seed == nil {
			continue
		}
		s, err := dom.Seed(ctx, module.Seeding{Region: region, RootID: init.RootID})
		if err != nil {
			return res, err
		}
		if s != nil {
			res.Seeded = append(res.Seeded, s)
		}
	}
	err = d.QueryRow(ctx, "SELECT COUNT(*) FROM orgs").Scan(&res.Orgs)
	return res, errs.Wrap(err, "count demo")
}
