package coverage_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// TestStanding builds six units in 兴宁区 and three month-end records and
// checks the cockpit's figures by hand, on 15 July 2026:
//
//	民生街道: u1 own, u2 joint, u3 instructor, u4 none
//	三塘镇:   u5 instructor, u6 none
//	2025-11: nothing covered; 2025-12: u1 own, u3 instructor;
//	2026-06: u1, u2, u3 and u5 as today.
//
// Goals: the district's 2026 set (组织覆盖率 30 %, 工作覆盖率 80 %), 民生街道's
// own 2026 set (组织覆盖率 60 %) and the district's 2025 set (20 %, 30 % and
// an instructor share of 50 %, which no month-end record can tell).
func TestStanding(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	f.cov.WithClock(func() time.Time { return time.Date(2026, 7, 15, 10, 0, 0, 0, org.Shanghai) })
	joint, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "民生街道商圈联合党支部", Kind: "joint_branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	own, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "南宁测试企业01有限公司党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	u := []coverage.Unit{
		f.unit(t, 1, f.ms, "450102001003", 120, 5),
		f.unit(t, 2, f.ms, "450102001003", 30, 1),
		f.unit(t, 3, f.ms, "450102001004", 20, 2),
		f.unit(t, 4, f.ms, "450102001004", 10, 0),
		f.unit(t, 5, f.st, "450102101001", 15, 0),
		f.unit(t, 6, f.st, "450102101001", 9, 0),
	}
	set := func(i int, in coverage.CoverageInput) {
		t.Helper()
		if _, err := f.cov.SetCoverage(ctx, f.admin, u[i].ID, in); err != nil {
			t.Fatalf("coverage of unit %d: %v", i+1, err)
		}
	}
	snap := func(month string) {
		t.Helper()
		if err := f.cov.Snapshot(ctx, month); err != nil {
			t.Fatal(err)
		}
	}
	snap("2025-11")
	set(0, coverage.CoverageInput{Coverage: "own", OrgID: own.ID})
	set(2, coverage.CoverageInput{Coverage: "instructor", Instructor: "李明"})
	snap("2025-12")
	set(1, coverage.CoverageInput{Coverage: "joint", OrgID: joint.ID})
	set(4, coverage.CoverageInput{Coverage: "instructor", Instructor: "王芳"})
	snap("2026-06")
	for _, g := range []coverage.GoalInput{
		{Name: "2026年“4+1”两新党建目标", Year: 2026, OwnerOrgID: f.xn.ID, Targets: map[string]float64{"org_coverage": 30, "work_coverage": 80,
			"above_size_org_coverage": 50, "own_when_eligible": 50, "instructor_share": 60}},
		{Name: "民生街道2026年目标", Year: 2026, OwnerOrgID: f.ms.ID, Targets: map[string]float64{"org_coverage": 60}},
		{Name: "2025年“4+1”两新党建目标", Year: 2025, OwnerOrgID: f.xn.ID, Targets: map[string]float64{"org_coverage": 20, "work_coverage": 30, "instructor_share": 50}},
	} {
		if _, err := f.cov.CreateGoalSet(ctx, f.admin, g); err != nil {
			t.Fatal(err)
		}
	}
	p := func(f float64) *float64 { return &f }

	// This year: today's figures.
	st, err := f.cov.Standing(ctx, f.admin, f.xn.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if want := (coverage.Counts{Units: 6, Own: 1, Joint: 1, Instructor: 2, None: 2}); st.Counts != want || st.OrgCovered != 2 || st.WorkCovered != 4 ||
		st.OrgRate != 33.3 || st.WorkRate != 66.7 || st.Month != "" || st.NoRecord {
		t.Errorf("2026: %+v", st)
	}
	kids, _, err := f.orgs.List(ctx, f.admin, org.ListQuery{Under: f.xn.ID, ChildrenOnly: true, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Children) != len(kids) {
		t.Fatalf("%d children, want every active child (%d)", len(st.Children), len(kids))
	}
	wantKids := []coverage.ChildRate{
		{OrgID: f.st.ID, Name: f.st.Label(), Units: 2, OrgCovered: 0, WorkCovered: 1, OrgRate: 0, WorkRate: 50},
		{OrgID: f.ms.ID, Name: f.ms.Label(), Units: 4, OrgCovered: 2, WorkCovered: 3, OrgRate: 50, WorkRate: 75},
	}
	if !reflect.DeepEqual(st.Children[:2], wantKids) {
		t.Errorf("children %+v, want %+v", st.Children[:2], wantKids)
	}
	for _, c := range st.Children[2:] {
		if c.Units != 0 {
			t.Errorf("child %+v has units", c)
		}
	}
	if got := fmt.Sprint(st.Trend); got != "[{2025-11 6 0 0 0 0} {2025-12 6 1 2 16.7 33.3} {2026-06 6 2 4 33.3 66.7}]" {
		t.Errorf("2026 trend %s", got)
	}
	// The units above the size threshold (u1, 120 employees) are all
	// covered; two of the four units without an organization have an
	// instructor. The eligible units' own organizations count the units
	// one by one: not read here.
	want := &coverage.GoalStanding{Name: "2026年“4+1”两新党建目标", OwnerName: f.xn.Label(), Assessed: 4, Met: 2, Indicators: []coverage.GoalIndicator{
		{Key: "org_coverage", Value: p(33.3), Target: 30}, {Key: "work_coverage", Value: p(66.7), Target: 80, Behind: true},
		{Key: "above_size_org_coverage", Value: p(100), Target: 50}, {Key: "own_when_eligible", Target: 50},
		{Key: "instructor_share", Value: p(50), Target: 60, Behind: true}}}
	if st.Goals == nil {
		t.Fatal("no goals for 2026")
	}
	want.SetID = st.Goals.SetID
	if !reflect.DeepEqual(st.Goals, want) {
		t.Errorf("2026 goals %+v, want %+v", *st.Goals, *want)
	}
	// The values are those of the goal set's own page.
	_, prog, err := f.cov.GoalProgress(ctx, f.admin, st.Goals.SetID)
	if err != nil {
		t.Fatal(err)
	}
	for _, gi := range st.Goals.Indicators {
		if gi.Value != nil && (len(prog) == 0 || prog[0].Org.ID != f.xn.ID || prog[0].Values[gi.Key] != *gi.Value) {
			t.Errorf("%s: %v on the cockpit, %v on the goal page", gi.Key, *gi.Value, prog[0].Values[gi.Key])
		}
	}

	// 民生街道 is held to its own, nearer set.
	st, err = f.cov.Standing(ctx, f.admin, f.ms.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if g := st.Goals; g == nil || g.Name != "民生街道2026年目标" || g.Met != 0 || g.Assessed != 1 || !g.Indicators[0].Behind || *g.Indicators[0].Value != 50 {
		t.Errorf("民生 2026 goals %+v", g)
	}

	// A past year: the record of its last month.
	st, err = f.cov.Standing(ctx, f.admin, f.xn.ID, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if st.Month != "2025-12" || st.Units != 6 || st.OrgCovered != 1 || st.WorkCovered != 2 || st.None != 4 || st.OrgRate != 16.7 || st.WorkRate != 33.3 {
		t.Errorf("2025: %+v", st)
	}
	wantKids = []coverage.ChildRate{
		{OrgID: f.st.ID, Name: f.st.Label(), Units: 2, OrgCovered: 0, WorkCovered: 0, OrgRate: 0, WorkRate: 0},
		{OrgID: f.ms.ID, Name: f.ms.Label(), Units: 4, OrgCovered: 1, WorkCovered: 2, OrgRate: 25, WorkRate: 50},
	}
	if !reflect.DeepEqual(st.Children[:2], wantKids) {
		t.Errorf("2025 children %+v, want %+v", st.Children[:2], wantKids)
	}
	if got := fmt.Sprint(st.Trend); got != "[{2025-11 6 0 0 0 0} {2025-12 6 1 2 16.7 33.3}]" {
		t.Errorf("2025 trend %s", got)
	}
	want = &coverage.GoalStanding{SetID: st.Goals.SetID, Name: "2025年“4+1”两新党建目标", OwnerName: f.xn.Label(), Assessed: 2, Met: 1, Indicators: []coverage.GoalIndicator{
		{Key: "org_coverage", Value: p(16.7), Target: 20, Behind: true}, {Key: "work_coverage", Value: p(33.3), Target: 30}, {Key: "instructor_share", Target: 50}}}
	if !reflect.DeepEqual(st.Goals, want) {
		t.Errorf("2025 goals %+v, want %+v", *st.Goals, *want)
	}

	// A year without records.
	st, err = f.cov.Standing(ctx, f.admin, f.xn.ID, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if !st.NoRecord || st.Month != "" || st.Units != 0 || len(st.Trend) != 0 || st.Goals != nil || len(st.Children) != len(kids) {
		t.Errorf("2024: %+v", st)
	}

	// Readers: 民生's secretary reads its street, not the district; a
	// reader of nothing here is refused.
	as := func(role access.Role, o org.Org) access.Actor {
		return testPerms.Bind(access.Actor{UserID: 9, Username: string(role), Grants: []access.Grant{{Role: role, OrgID: o.ID, OrgPath: o.Path}}})
	}
	sec := as(access.Secretary, f.ms)
	if st, err := f.cov.Standing(ctx, sec, f.ms.ID, 2025); err != nil || st.Units != 4 || st.Goals == nil || st.Goals.Indicators[0].Target != 20 {
		t.Errorf("民生's secretary: %+v %v", st, err)
	}
	if _, err := f.cov.Standing(ctx, sec, f.xn.ID, 2026); err == nil {
		t.Errorf("民生's secretary reads the district")
	}
	if _, err := f.cov.Standing(ctx, as(access.EvaluationManager, f.xn), f.xn.ID, 2026); !errs.Is(err, errs.Forbidden) {
		t.Errorf("an evaluation manager: %v, want forbidden", err)
	}
}
