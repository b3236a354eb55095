package demo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/demo"
	"jiceng/internal/evaluation"
	"jiceng/internal/ids"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

func TestMain(m *testing.M) { testrig.Main(m) }

func TestSeedNanningCoverage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	a := newApp(t, d, time.Now)
	cov := app.Service[*coverage.Service](a)
	start := time.Now()
	res, err := demo.Seed(ctx, a.Core(), domain(t, a, "coverage"), "4501")
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
	if got, want := res.Lines("http://x"), []string{fmt.Sprintf("两新组织 %d 个，含近 12 个月的覆盖数据和本年度“4+1”目标", total.Units)}; !slices.Equal(got, want) {
		t.Errorf("demo lines %q, want %q", got, want)
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
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM units u JOIN orgs a ON a.id = u.affiliation_org_id WHERE a.path >= ? AND a.path < ?", c.Org.Path, access.PathUpper(c.Org.Path)).Scan(&n); err != nil {
			t.Fatal(err)
		}
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

// seedEval seeds the tree, the accounts and the evaluation campaigns,
// without the 两新 units.
// seedClock is the evaluation service's clock in the seeded demos: noon on
// 15 June 2026 in Shanghai.
var seedClock = time.Date(2026, 6, 15, 12, 0, 0, 0, org.Shanghai)

func seedEval(t *testing.T) (*evaluation.Service, demo.Result) {
	t.Helper()
	// A fixed clock: the open campaign's dates follow it exactly (see
	// TestSeedNanningEvaluation).
	a := newApp(t, testrig.NewTestDB(t), func() time.Time { return seedClock })
	ev := app.Service[*evaluation.Service](a)
	start := time.Now()
	res, err := demo.Seed(context.Background(), a.Core(), domain(t, a, "evaluation"), "4501")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: seed with evaluation %v", testrig.Engine(), time.Since(start))
	return ev, res
}

func TestSeedNanningEvaluation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ev, res := seedEval(t)
	sys := access.SystemActor("test")
	cs, n, err := ev.List(ctx, sys, evaluation.CampaignQuery{})
	if err != nil || n != 3 {
		t.Fatalf("%d campaigns, %v; want 3", n, err)
	}
	published := map[string]evaluation.Campaign{}
	for _, c := range cs {
		if c.Status == evaluation.StatusPublished {
			published[c.Type] = c
		}
	}
	if len(published) != 2 || published[evaluation.TypeReview].ID == 0 || published[evaluation.TypeQianQi].ID == 0 {
		t.Fatalf("published campaigns %+v, want a review and a qianqi", published)
	}
	for _, c := range published {
		if c.Year != 2025 || c.ResultsSHA256 == "" || !c.ClosesAt.Before(time.Now()) {
			t.Errorf("%s: year %d, sha %q, closes %v", c.Name, c.Year, c.ResultsSHA256, c.ClosesAt)
		}
		r, err := ev.Results(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Flags) == 0 || len(r.Flags) > 2 {
			t.Errorf("%s: flags %v, want one or two", c.Name, r.Flags)
		}
		flags, err := ev.Flags(ctx, sys, c.ID)
		if err != nil || len(flags) != len(r.Flags) {
			t.Errorf("%s: Flags %d %v", c.Name, len(flags), err)
		}
		grades := map[string]int{}
		for _, s := range r.Subjects {
			grades[s.Grade]++
		}
		t.Logf("%s: %d subjects, grades %v, flags %v", c.Name, len(r.Subjects), grades, r.Flags)
		if grades["好"]+grades["较好"] < len(r.Subjects)/2 {
			t.Errorf("%s: grades %v, want most 好 or 较好", c.Name, grades)
		}
		// The bulletin adds up: every token used was counted.
		b, err := ev.Bulletin(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range b.Groups {
			if g.FewerThanK || *g.Used != *g.Counted || *g.Used >= *g.Issued {
				t.Errorf("%s: bulletin group %s: %+v", c.Name, g.Name, g)
			}
		}
	}
	review := published[evaluation.TypeReview]
	if subs, _ := ev.Subjects(ctx, sys, review.ID); len(subs) < 20 || len(subs) > 30 || subs[0].ReportText == "" {
		t.Errorf("review: %d subjects, first report %q", len(subs), subs[0].ReportText)
	}
	// The k-rule: in 千企议科长 one agency heard from too few project owners.
	r, _ := ev.Results(ctx, sys, published[evaluation.TypeQianQi].ID)
	hidden := 0
	for _, s := range r.Subjects {
		if !s.Shown["owner"] {
			hidden++
			if _, ok := s.N["owner"]; ok || s.Total == nil {
				t.Errorf("%s: owner figures shown below k or no total: %+v", s.Subject, s)
			}
		}
	}
	if hidden != 1 {
		t.Errorf("千企议科长: %d subjects with the project owners below k, want 1", hidden)
	}

	// The open campaign takes the printed code.
	if trial(t, res).Code == "" || trial(t, res).CampaignID == 0 {
		t.Fatalf("trial %+v", trial(t, res))
	}
	bf, err := ev.BallotForm(ctx, trial(t, res).Code)
	if err != nil {
		t.Fatalf("ballot form of the printed code: %v", err)
	}
	if bf.Campaign.ID != trial(t, res).CampaignID || bf.Campaign.Status != evaluation.StatusOpen || len(bf.Subjects) == 0 {
		t.Fatalf("ballot form %+v", bf)
	}
	// Opened at 08:00 three days before the clock's day, for 30 days and 10 hours.
	if want := time.Date(2026, 6, 12, 8, 0, 0, 0, org.Shanghai); !bf.Campaign.OpensAt.Equal(want) || !bf.Campaign.ClosesAt.Equal(want.AddDate(0, 0, 30).Add(10*time.Hour)) || bf.Campaign.Year != 2026 {
		t.Errorf("open campaign: year %d, %v to %v; want 2026, from %v", bf.Campaign.Year, bf.Campaign.OpensAt, bf.Campaign.ClosesAt, want)
	}
	scores := map[string]map[string]float64{}
	for _, s := range bf.Subjects {
		m := map[string]float64{}
		var walk func([]evaluation.Indicator)
		walk = func(inds []evaluation.Indicator) {
			for _, in := range inds {
				if len(in.Children) > 0 {
					walk(in.Children)
				} else {
					m[in.Key] = in.Scale.Levels[0].Points
				}
			}
		}
		walk(bf.Campaign.Rules.Indicators)
		scores[s.Key] = m
	}
	tracker, err := ev.CastBallot(ctx, trial(t, res).Code, scores, "")
	if err != nil {
		t.Fatalf("cast with the printed code: %v", err)
	}
	if _, err := ev.Close(ctx, sys, trial(t, res).CampaignID); err != nil {
		t.Fatal(err)
	}
	b, err := ev.Bulletin(ctx, trial(t, res).CampaignID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(b.Trackers, tracker) {
		t.Errorf("tracker %s not on the bulletin of the closed campaign", tracker)
	}
}

// TestSeedEvaluationDeterministic seeds twice: the published results are
// the same, checksum and all.
func TestSeedEvaluationDeterministic(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("seeds twice")
	}
	ctx := context.Background()
	sys := access.SystemActor("test")
	sums := [2][]string{}
	for i := range 2 {
		ev, _ := seedEval(t)
		cs, _, err := ev.List(ctx, sys, evaluation.CampaignQuery{Status: evaluation.StatusPublished})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			sums[i] = append(sums[i], c.Name+" "+c.ResultsSHA256+" "+c.ClosesAt.String())
		}
	}
	if !slices.Equal(sums[0], sums[1]) || len(sums[0]) != 2 {
		t.Errorf("two seeds differ:\n%v\n%v", sums[0], sums[1])
	}
}

// newApp builds the app on d with the clock now and cheap password hashing.
func newApp(t *testing.T, d *db.DB, now func() time.Time) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), app.Config{DB: d, Key: []byte("demo-test-key-for-ballot-tokens!"), Now: now, Params: testrig.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// domain is the module called name alone, whose demo data a test seeds
// without the others'.
func domain(t *testing.T, a *app.App, name string) []module.Domain {
	t.Helper()
	d, ok := a.Domain(name)
	if !ok {
		t.Fatalf("no module %s", name)
	}
	return []module.Domain{d}
}

// trial is the open campaign the evaluation demo reported.
func trial(t *testing.T, res demo.Result) evaluation.DemoTrial {
	t.Helper()
	for _, s := range res.Seeded {
		if tr, ok := s.(evaluation.DemoTrial); ok {
			return tr
		}
	}
	t.Fatal("the evaluation demo reported no trial ballot")
	return evaluation.DemoTrial{}
}
