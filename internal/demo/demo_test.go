package demo_test

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/coverage"
	"jiceng/internal/demo"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

func TestSeedNanningCoverage(t *testing.T) {
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	regions := region.NewHolder()
	orgs := org.NewService(d, regions)
	cov := coverage.NewService(d, orgs, regions)
	start := time.Now()
	res, err := demo.Seed(ctx, orgs, account.NewService(d, testrig.FastParams), cov, "4501")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: seed %v", testrig.Engine(), time.Since(start))
	sys := access.SystemActor("test")

	// The registry: size, valid codes, and the root's rates equal to a count.
	rows, err := d.Query(ctx, "SELECT credit_code, category, coverage FROM units")
	if err != nil {
		t.Fatal(err)
	}
	var total coverage.Counts
	byGroup := map[bool]*coverage.Counts{false: {}, true: {}}
	for rows.Next() {
		var code, cat, c string
		if err := rows.Scan(&code, &cat, &c); err != nil {
			t.Fatal(err)
		}
		if _, err := ids.ParseCreditCode(code); err != nil {
			t.Errorf("credit code %s: %v", code, err)
		}
		one := coverage.Counts{Units: 1}
		switch c {
		case "own":
			one.Own = 1
		case "joint":
			one.Joint = 1
		case "instructor":
			one.Instructor = 1
		case "none":
			one.None = 1
		}
		for _, x := range []*coverage.Counts{&total, byGroup[cat != "private"]} {
			x.Units += one.Units
			x.Own += one.Own
			x.Joint += one.Joint
			x.Instructor += one.Instructor
			x.None += one.None
		}
	}
	rows.Close()
	if total.Units < 19000 || total.Units > 21000 {
		t.Fatalf("%d units, want about 20,000", total.Units)
	}
	ent, soc := byGroup[false], byGroup[true]
	t.Logf("units %d: enterprises %d org %.1f%% work %.1f%%; social %d org %.1f%% work %.1f%%; own %d joint %d instructor %d none %d",
		total.Units, ent.Units, ent.OrgRate(), ent.WorkRate(), soc.Units, soc.OrgRate(), soc.WorkRate(), total.Own, total.Joint, total.Instructor, total.None)
	if r := ent.OrgRate(); r < 71 || r > 75 {
		t.Errorf("enterprise org coverage %.1f%%, want 71–75%%", r)
	}
	if r := soc.OrgRate(); r < 59 || r > 64 {
		t.Errorf("social organization coverage %.1f%%, want 59–64%%", r)
	}
	rates, err := cov.Rates(ctx, sys, res.Init.RootID, true)
	if err != nil {
		t.Fatal(err)
	}
	if rates.Total != total {
		t.Fatalf("root rates %+v, count %+v", rates.Total, total)
	}
	// Every county's aggregate equals a count over its subtree.
	for _, c := range rates.Children {
		var n int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM units u JOIN orgs a ON a.id = u.affiliation_org_id WHERE a.path >= ? AND a.path < ?", c.Org.Path, access.PathUpper(c.Org.Path)).Scan(&n)
		if c.Counts.Units != n {
			t.Errorf("%s: rates %d units, count %d", c.Org.Name, c.Counts.Units, n)
		}
	}
	// The gap list has work to show for every rule.
	for _, rule := range []string{coverage.RuleFormOwn, coverage.RuleFormOwnJoint, coverage.RuleInstructor} {
		_, n, err := cov.List(ctx, sys, coverage.ListQuery{Rule: rule, Limit: 1})
		if err != nil || n == 0 {
			t.Errorf("rule %s: %d units, %v", rule, n, err)
		}
		t.Logf("rule %s: %d units", rule, n)
	}
	flags, err := cov.JointFlags(ctx, sys, res.Init.RootID)
	if err != nil || len(flags) == 0 {
		t.Errorf("joint flags: %d %v", len(flags), err)
	}
	// Twelve months of figures, rising towards today's.
	trend, err := cov.Trend(ctx, sys, res.Init.RootID, 12)
	if err != nil || len(trend) != 12 {
		t.Fatalf("trend: %d months %v", len(trend), err)
	}
	if trend[11].Month != time.Now().Format("2006-01") || trend[11].Units != total.Units || trend[0].OrgRate >= trend[11].OrgRate {
		t.Errorf("trend %+v", trend)
	}
	for i := 1; i < len(trend); i++ {
		if trend[i].OrgRate+0.5 < trend[i-1].OrgRate {
			t.Errorf("org coverage falls from %s to %s: %.1f → %.1f", trend[i-1].Month, trend[i].Month, trend[i-1].OrgRate, trend[i].OrgRate)
		}
	}
	t.Logf("trend %.1f%% (%s) → %.1f%% (%s)", trend[0].OrgRate, trend[0].Month, trend[11].OrgRate, trend[11].Month)
	// The goals: some counties are behind.
	sets, err := cov.GoalSets(ctx, sys)
	if err != nil || len(sets) != 1 {
		t.Fatalf("goal sets %d %v", len(sets), err)
	}
	_, progress, err := cov.GoalProgress(ctx, sys, sets[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	behind, met := 0, 0
	for _, p := range progress {
		if p.Org.ID == res.Init.RootID {
			continue
		}
		if len(p.Behind) > 0 {
			behind++
		} else {
			met++
		}
		t.Logf("%s %v behind %v", p.Org.Label(), p.Values, p.Behind)
	}
	if behind == 0 {
		t.Errorf("no county is behind on any goal")
	}
}
