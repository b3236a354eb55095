package coverage_test

import (
	"context"
	"testing"

	"jiceng/internal/coverage"
	"jiceng/internal/org"
)

// TestVenueShareIndicator: the indicator "units with a venue" of a goal
// set counts, among the active units covered by an organization (their
// own or a joint branch), those whose organization has a venue recorded,
// by the condition the venue register provides. In 民生街道: 甲 (own, its
// branch has a venue), 乙 (own, none), 丙 and 丁 (the joint branch, which
// has one), 戊 (an instructor only) and 己 (not covered) → 3 of 4 = 75 %;
// 三塘镇's one unit is covered by its own branch without a venue → 0 %;
// 兴宁区 → 3 of 5 = 60 %. Without the register the indicator is 0.
func TestVenueShareIndicator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	branch := func(name, kind string, under org.Org) org.Org {
		o, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: under.ID, Name: name, Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	jia, yi, joint, geng := branch("甲公司党支部", "branch", f.ms), branch("乙公司党支部", "branch", f.ms), branch("民生联合党支部", "joint_branch", f.ms), branch("庚公司党支部", "branch", f.st)
	set := func(u coverage.Unit, in coverage.CoverageInput) {
		if _, err := f.cov.SetCoverage(ctx, f.admin, u.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	set(f.unit(t, 1, f.ms, "450102001003", 80, 3), coverage.CoverageInput{Coverage: "own", OrgID: jia.ID})
	set(f.unit(t, 2, f.ms, "450102001003", 60, 3), coverage.CoverageInput{Coverage: "own", OrgID: yi.ID})
	set(f.unit(t, 3, f.ms, "450102001003", 20, 1), coverage.CoverageInput{Coverage: "joint", OrgID: joint.ID})
	set(f.unit(t, 4, f.ms, "450102001003", 20, 1), coverage.CoverageInput{Coverage: "joint", OrgID: joint.ID})
	set(f.unit(t, 5, f.ms, "450102001003", 20, 0), coverage.CoverageInput{Coverage: "instructor", Instructor: "李明"})
	f.unit(t, 6, f.ms, "450102001003", 10, 0)
	set(f.unit(t, 7, f.st, "450102101001", 90, 4), coverage.CoverageInput{Coverage: "own", OrgID: geng.ID})
	for _, o := range []org.Org{jia, joint} {
		if _, err := f.d.Exec(ctx, `INSERT INTO venues (org_id, area, functions, opening_hours, address, created_at, updated_at, updated_by)
			VALUES (?, 60, 'party_room', '工作日 9:00–18:00', '南宁市', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'test')`, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	g, err := f.cov.CreateGoalSet(ctx, f.admin, coverage.GoalInput{Name: "2026年“4+1”两新党建目标", Year: 2026, OwnerOrgID: f.xn.ID,
		Targets: map[string]float64{"org_coverage": 60, "venue_share": 70}})
	if err != nil {
		t.Fatal(err)
	}
	values := func(check bool) map[int64]float64 {
		t.Helper()
		_, ps, err := f.cov.GoalProgress(ctx, f.admin, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]float64{}
		for _, p := range ps {
			out[p.Org.ID] = p.Values["venue_share"]
			if check && p.Org.ID == f.ms.ID && (p.Target["venue_share"] != 70 || len(p.Behind) != 0) {
				t.Errorf("民生街道: target %v, behind %v; want 70 and none (75 %% and 66.7 %% org coverage)", p.Target, p.Behind)
			}
			if check && p.Org.ID == f.st.ID && (len(p.Behind) != 1 || p.Behind[0] != "venue_share") {
				t.Errorf("三塘镇 behind on %v, want venue_share only", p.Behind)
			}
		}
		return out
	}
	if v := values(false); v[f.ms.ID] != 0 || v[f.xn.ID] != 0 {
		t.Fatalf("without the venue register: %v, want 0", v)
	}
	f.cov.ProvideVenues(func(col string) string { return "EXISTS (SELECT 1 FROM venues v WHERE v.org_id = " + col + ")" })
	v := values(true)
	if v[f.ms.ID] != 75 || v[f.st.ID] != 0 || v[f.xn.ID] != 60 {
		t.Fatalf("units with a venue: 民生街道 %v, 三塘镇 %v, 兴宁区 %v; want 75, 0, 60", v[f.ms.ID], v[f.st.ID], v[f.xn.ID])
	}
	if l := coverageLabel("venue_share"); l != "已建组织单位有活动场所比例" {
		t.Errorf("the menu names the indicator %q", l)
	}
}

func coverageLabel(k string) string { return org.LabelOf(coverage.Indicators, k, "") }
