package coverage_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// TestReadersNeedUnitRead: the totals of the statistics endpoint, the
// joint-branch flags and the settings are coverage data; a role that may see
// the tree but not the units (the evaluation manager) gets none of them.
func TestReadersNeedUnitRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	joint, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "跨镇联合党支部", Kind: "joint_branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []struct {
		aff    org.Org
		region string
	}{{f.ms, "450102001003"}, {f.st, "450102101001"}} {
		u := f.unit(t, i+1, p.aff, p.region, 10, 0)
		if _, err := f.cov.SetCoverage(ctx, f.admin, u.ID, coverage.CoverageInput{Coverage: "joint", OrgID: joint.ID}); err != nil {
			t.Fatal(err)
		}
	}
	eval := testPerms.Bind(access.Actor{UserID: 5, Username: "eval", Grants: []access.Grant{{Role: access.EvaluationManager, OrgID: f.xn.ID, OrgPath: f.xn.Path}}})
	sec := testPerms.Bind(access.Actor{UserID: 6, Username: "sec", Grants: []access.Grant{{Role: access.Secretary, OrgID: f.xn.ID, OrgPath: f.xn.Path}}})
	const noCoverage = "您没有查看两新组织覆盖情况的权限"

	if _, err := f.cov.Totals(ctx, eval, f.xn.ID); !errs.Is(err, errs.Forbidden) || errs.As(err).ZH != noCoverage {
		t.Errorf("totals for the evaluation manager: %v", err)
	}
	if c, err := f.cov.Totals(ctx, sec, f.xn.ID); err != nil || c.Units != 2 || c.Joint != 2 {
		t.Errorf("totals for the secretary: %+v %v", c, err)
	}
	ms := testPerms.Bind(access.Actor{UserID: 7, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	if _, err := f.cov.Totals(ctx, ms, f.xn.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("totals of the district for a street: %v", err)
	}

	if fl, err := f.cov.JointFlags(ctx, eval, f.xn.ID); !errs.Is(err, errs.Forbidden) || errs.As(err).ZH != noCoverage || fl != nil {
		t.Errorf("joint flags for the evaluation manager: %v %v", fl, err)
	}
	if fl, err := f.cov.JointFlags(ctx, sec, f.xn.ID); err != nil || len(fl) != 1 || fl[0].Org.ID != joint.ID || fl[0].Townships != 2 {
		t.Errorf("joint flags for the secretary: %+v %v", fl, err)
	}

	if _, err := f.cov.ReadSettings(ctx, eval); !errs.Is(err, errs.Forbidden) || errs.As(err).ZH != "您没有查看两新覆盖统计口径的权限" {
		t.Errorf("settings for the evaluation manager: %v", err)
	}
	if st, err := f.cov.ReadSettings(ctx, sec); err != nil || st != coverage.DefaultSettings {
		t.Errorf("settings for the secretary: %+v %v", st, err)
	}
}

// TestGoalSetShowsOnlyTargetsInScope: the district sets targets for itself
// and each street or township; a street administrator sees the set with its
// own target, never its neighbours'.
func TestGoalSetShowsOnlyTargetsInScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	g, err := f.cov.CreateGoalSet(ctx, f.admin, coverage.GoalInput{Name: "2026年目标", Year: 2026, OwnerOrgID: f.xn.ID, Targets: map[string]float64{"org_coverage": 90}})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Targets) < 3 {
		t.Fatalf("the administrator sees %d scopes", len(g.Targets))
	}
	if err := f.cov.SetTarget(ctx, f.admin, g.ID, "org_coverage", f.ms.ID, 70); err != nil {
		t.Fatal(err)
	}
	if err := f.cov.SetTarget(ctx, f.admin, g.ID, "org_coverage", f.st.ID, 55); err != nil {
		t.Fatal(err)
	}
	street := testPerms.Bind(access.Actor{UserID: 9, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	want := fmt.Sprint(map[int64]map[string]float64{f.ms.ID: {"org_coverage": 70}})
	sets, err := f.cov.GoalSets(ctx, street)
	if err != nil || len(sets) != 1 || fmt.Sprint(sets[0].Targets) != want || sets[0].Head() != f.ms.ID {
		t.Fatalf("street's goal sets: %+v %v", sets, err)
	}
	one, ps, err := f.cov.GoalProgress(ctx, street, g.ID)
	if err != nil || fmt.Sprint(one.Targets) != want || len(ps) != 14 || ps[0].Org.ID != f.ms.ID || !slices.Equal(one.Indicators, []string{"org_coverage"}) {
		t.Fatalf("street's goal set: %+v %d rows %v", one, len(ps), err)
	}
	// Its communities are held to its 70 %, never to 三塘's 55 % or the district's 90 %.
	for _, p := range ps[1:] {
		if p.Target["org_coverage"] != 70 || !p.Inherited || p.InheritedFrom.OrgID != f.ms.ID {
			t.Errorf("%s: target %v from %+v", p.Org.Name, p.Target, p.InheritedFrom)
		}
	}
	// The administrator still sees the district first.
	all, err := f.cov.GoalSet(ctx, f.admin, g.ID)
	if err != nil || all.Head() != f.xn.ID || all.Targets[f.st.ID]["org_coverage"] != 55 {
		t.Fatalf("admin's goal set: %+v %v", all, err)
	}
}

// TestCreateGoalSetChecksPermissionFirst: a reader without goal.manage is
// refused before its fields are looked at.
func TestCreateGoalSetChecksPermissionFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	sec := testPerms.Bind(access.Actor{UserID: 6, Username: "sec", Grants: []access.Grant{{Role: access.Secretary, OrgID: f.xn.ID, OrgPath: f.xn.Path}}})
	_, err := f.cov.CreateGoalSet(ctx, sec, coverage.GoalInput{Name: "", Year: 1, OwnerOrgID: f.xn.ID})
	if !errs.Is(err, errs.Forbidden) || errs.As(err).ZH != "您没有为党组织制定目标的权限" {
		t.Fatalf("secretary: %v", err)
	}
	ms := testPerms.Bind(access.Actor{UserID: 7, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	_, err = f.cov.CreateGoalSet(ctx, ms, coverage.GoalInput{Name: "", Year: 1, OwnerOrgID: f.xn.ID})
	if !errs.Is(err, errs.NotFound) {
		t.Fatalf("street for the district: %v", err)
	}
	_, err = f.cov.CreateGoalSet(ctx, ms, coverage.GoalInput{Name: "", Year: 1})
	if fm := errs.FieldMessages(err, ""); len(fm) != 4 || fm["owner_org_id"] != "请选择制定目标的党组织" {
		t.Fatalf("street without owner: %v", fm)
	}
}

// TestGoalTargetsCascade: the district's set seen by a street shows the
// street and each of its organizations; those the district named no target
// for are held to the street's, unless the street's own set of the same
// year names one, and each row says where its targets come from.
func TestGoalTargetsCascade(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	kids, _, err := f.orgs.List(ctx, f.admin, org.ListQuery{Under: f.ms.ID, ChildrenOnly: true})
	if err != nil || len(kids) != 13 {
		t.Fatalf("民生's organizations: %d %v", len(kids), err)
	}
	c0 := kids[0]
	branch, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: c0.ID, Name: "南宁测试企业01有限公司党支部", Kind: "branch"})
	if err != nil {
		t.Fatal(err)
	}
	// 兴宁社区: 4 units, 1 own, 1 instructor → org 25 %, work 50 %.
	u1 := f.unit(t, 1, c0, c0.RegionCode, 80, 4)
	u2 := f.unit(t, 2, c0, c0.RegionCode, 20, 1)
	f.unit(t, 3, c0, c0.RegionCode, 10, 0)
	f.unit(t, 4, c0, c0.RegionCode, 10, 0)
	if _, err := f.cov.SetCoverage(ctx, f.admin, u1.ID, coverage.CoverageInput{Coverage: "own", OrgID: branch.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cov.SetCoverage(ctx, f.admin, u2.ID, coverage.CoverageInput{Coverage: "instructor", Instructor: "李明"}); err != nil {
		t.Fatal(err)
	}
	district, err := f.cov.CreateGoalSet(ctx, f.admin, coverage.GoalInput{Name: "2026年兴宁区目标", Year: 2026, OwnerOrgID: f.xn.ID,
		Targets: map[string]float64{"org_coverage": 60, "work_coverage": 80}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cov.SetTarget(ctx, f.admin, district.ID, "work_coverage", f.ms.ID, 75); err != nil {
		t.Fatal(err)
	}
	// The street's own set of the same year overrides organizational
	// coverage for its communities; one of another year does not.
	streetSet, err := f.cov.CreateGoalSet(ctx, f.admin, coverage.GoalInput{Name: "2026年民生街道目标", Year: 2026, OwnerOrgID: f.ms.ID, Targets: map[string]float64{"org_coverage": 40}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cov.CreateGoalSet(ctx, f.admin, coverage.GoalInput{Name: "2025年民生街道目标", Year: 2025, OwnerOrgID: f.ms.ID, Targets: map[string]float64{"org_coverage": 10, "work_coverage": 10}}); err != nil {
		t.Fatal(err)
	}
	street := testPerms.Bind(access.Actor{UserID: 9, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	g, ps, err := f.cov.GoalProgress(ctx, street, district.ID)
	if err != nil || len(ps) != 14 || g.OwnerName != "兴宁区委" {
		t.Fatalf("street's progress: %d rows, owner %q, %v", len(ps), g.OwnerName, err)
	}
	row := func(p coverage.Progress) string {
		s := fmt.Sprintf("%s org %v/%v work %v/%v behind %v", p.Org.Label(), p.Values["org_coverage"], p.Target["org_coverage"], p.Values["work_coverage"], p.Target["work_coverage"], p.Behind)
		if p.InheritedFrom != nil {
			s += fmt.Sprintf(" from %s《%s》", p.InheritedFrom.OrgName, p.InheritedFrom.SetName)
		}
		return s
	}
	for i, want := range []string{
		"民生街道党工委 org 25/60 work 50/75 behind [org_coverage work_coverage]",
		"兴宁社区党支部 org 25/40 work 50/75 behind [org_coverage work_coverage] from 民生街道党工委《2026年民生街道目标》",
		"北宁社区党支部 org 0/40 work 0/75 behind [org_coverage work_coverage] from 民生街道党工委《2026年民生街道目标》",
	} {
		if got := row(ps[i]); got != want {
			t.Errorf("row %d:\n got %s\nwant %s", i+1, got, want)
		}
	}
	// Work coverage still cascades from the district's set through the street.
	if ps[1].InheritedFrom.SetID != streetSet.ID || !ps[1].Inherited {
		t.Errorf("兴宁社区 source %+v", ps[1].InheritedFrom)
	}
	// The district's administrator sees the district and its streets and
	// towns, each with a target of its own.
	towns, _, _ := f.orgs.List(ctx, f.admin, org.ListQuery{Under: f.xn.ID, ChildrenOnly: true})
	_, ps, err = f.cov.GoalProgress(ctx, f.admin, district.ID)
	if err != nil || len(towns) != 6 || len(ps) != 7 || ps[0].Org.ID != f.xn.ID {
		t.Fatalf("district progress: %d rows %v", len(ps), err)
	}
	for _, p := range ps {
		if p.Inherited {
			t.Errorf("%s inherits in the district's own view", p.Org.Label())
		}
	}
}
