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
	if err != nil || fmt.Sprint(one.Targets) != want || len(ps) != 1 || ps[0].Org.ID != f.ms.ID || !slices.Equal(one.Indicators, []string{"org_coverage"}) {
		t.Fatalf("street's goal set: %+v %+v %v", one, ps, err)
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
	if fm := errs.FieldMessages(err, ""); len(fm) != 4 || fm["owner_org_id"] != "请填写制定目标的党组织编号" {
		t.Fatalf("street without owner: %v", fm)
	}
}
