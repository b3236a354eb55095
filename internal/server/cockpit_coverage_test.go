package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/coverage"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestCockpitCoverage: the coverage card of 兴宁区 as its organization
// department sees it, with six units counted by hand —
//
//	民生街道: u1 own, u2 joint, u3 instructor, u4 none
//	三塘镇:   u5 instructor, u6 none
//
// where last December's record had u1 own and u3 instructor only, and this
// year's goals ask for 30 % organizational and 80 % work coverage (and a
// share of eligible units with their own organization, which the card
// leaves to the goal set's page: it counts the units one by one). This
// year's card shows today's figures, last year's those of its December,
// the year before says it has no record; the drill-down, the workbook and
// the API agree, and an evaluation manager gets neither card nor key.
func TestCockpitCoverage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	county, ms, st := f.ckOrg(t, "450102"), f.ckOrg(t, "450102001"), f.ckOrg(t, "450102101")
	now := time.Now().In(org.Shanghai)
	this, today, month := now.Year(), now.Format("2006-01-02"), now.Format("2006-01")
	dec := fmt.Sprintf("%d-12", this-1)
	joint, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: ms.ID, Name: "民生街道商圈联合党支部", Kind: "joint_branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	own, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: ms.ID, Name: "南宁测试企业01有限公司党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	var units []coverage.Unit
	for i, p := range []struct {
		aff    org.Org
		region string
	}{{ms, "450102001003"}, {ms, "450102001003"}, {ms, "450102001004"}, {ms, "450102001004"}, {st, "450102101001"}, {st, "450102101001"}} {
		u, err := f.cov.Create(ctx, testrig.Admin, coverage.Input{CreditCode: unitCode(i + 1), Name: fmt.Sprintf("南宁测试企业%02d有限公司", i+1),
			Industry: "C", Employees: 20, RegionCode: p.region, AffiliationOrgID: p.aff.ID})
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, u)
	}
	set := func(i int, in coverage.CoverageInput) {
		t.Helper()
		if _, err := f.cov.SetCoverage(ctx, testrig.Admin, units[i].ID, in); err != nil {
			t.Fatal(err)
		}
	}
	set(0, coverage.CoverageInput{Coverage: "own", OrgID: own.ID})
	set(2, coverage.CoverageInput{Coverage: "instructor", Instructor: "李明"})
	if err := f.cov.Snapshot(ctx, dec); err != nil {
		t.Fatal(err)
	}
	set(1, coverage.CoverageInput{Coverage: "joint", OrgID: joint.ID})
	set(4, coverage.CoverageInput{Coverage: "instructor", Instructor: "王芳"})
	if err := f.cov.Snapshot(ctx, month); err != nil {
		t.Fatal(err)
	}
	goals := fmt.Sprintf("%d年“4+1”两新党建目标", this)
	g, err := f.cov.CreateGoalSet(ctx, testrig.Admin, coverage.GoalInput{Name: goals, Year: this, OwnerOrgID: county.ID,
		Targets: map[string]float64{"org_coverage": 30, "work_coverage": 80, "own_when_eligible": 50}})
	if err != nil {
		t.Fatal(err)
	}

	b := f.browser(t, "county_admin")
	page := b.get(t, "/")
	if got, want := ckPanel(page, "两新组织党建覆盖"), fmt.Sprintf("6 两新组织 截至 %s 33.3%% 组织覆盖率 2 / 6 66.7%% 工作覆盖率 4 / 6 2 组织和工作均未覆盖 截至 %s "+
		"1 / 2 目标达标项 %s；未达标：工作覆盖率 66.7%%（目标 80%%）；另 1 项需逐个单位统计，见目标详情", today, today, goals); got != want {
		t.Errorf("card %q, want %q", got, want)
	}
	for _, href := range []string{fmt.Sprintf(`<h2>两新组织党建覆盖 <a class="more" href="/coverage?org=%d">`, county.ID),
		fmt.Sprintf(`href="/coverage/units?coverage=none&amp;org=%d"`, county.ID), fmt.Sprintf(`href="/coverage/goals/%d"`, g.ID)} {
		if !strings.Contains(page, href) {
			t.Errorf("the card lacks %s", href)
		}
	}
	for id, want := range map[string][]string{
		"cov-child": {fmt.Sprintf("%s=0 → /?org=%d", st.Label(), st.ID), fmt.Sprintf("%s=50 → /?org=%d", ms.Label(), ms.ID)},
		"cov-trend": {dec + "=16.7 → ", month + "=33.3 → "},
		"cov-goals": {"组织覆盖率≥30%=33.3 → ", "工作覆盖率≥80%=66.7 → "},
	} {
		if got := ckBars(t, page, id); !slices.Equal(got, want) {
			t.Errorf("%s %q, want %q", id, got, want)
		}
	}

	// Last year: the figures of its December, the drill-down keeping the
	// year; the year before has no record.
	past := b.get(t, fmt.Sprintf("/?org=%d&year=%d", county.ID, this-1))
	if got, want := ckPanel(past, "两新组织党建覆盖"), fmt.Sprintf("6 两新组织 %s 月末数据 16.7%% 组织覆盖率 1 / 6 33.3%% 工作覆盖率 2 / 6 4 组织和工作均未覆盖 %s 月末数据", dec, dec); got != want {
		t.Errorf("card of %d %q, want %q", this-1, got, want)
	}
	for id, want := range map[string][]string{
		"cov-child": {fmt.Sprintf("%s=0 → /?org=%d&year=%d", st.Label(), st.ID, this-1), fmt.Sprintf("%s=25 → /?org=%d&year=%d", ms.Label(), ms.ID, this-1)},
		"cov-trend": {dec + "=16.7 → "},
		"cov-goals": nil,
	} {
		if got := ckBars(t, past, id); !slices.Equal(got, want) {
			t.Errorf("%d: %s %q, want %q", this-1, id, got, want)
		}
	}
	older := b.get(t, fmt.Sprintf("/?org=%d&year=%d", county.ID, this-2))
	if got, want := ckPanel(older, "两新组织党建覆盖"), fmt.Sprintf("— 两新组织 %d 年无月度记录 — 组织覆盖率 — 工作覆盖率 — 组织和工作均未覆盖 %d 年无月度记录", this-2, this-2); got != want {
		t.Errorf("card of %d %q, want %q", this-2, got, want)
	}

	// The workbook holds the card's figures and bars.
	var rows [][]string
	for _, s := range b.workbook(t, fmt.Sprintf("/cockpit.xlsx?org=%d", county.ID)) {
		if s.name == "两新组织党建覆盖" {
			rows = s.rows
		}
	}
	for _, want := range []string{"两新组织|6|||截至 " + today, "组织和工作均未覆盖|2|||截至 " + today, "【组织覆盖率 · 按下级组织】", "【组织覆盖率 · 近 12 个月】", "【目标完成情况】"} {
		if !slices.ContainsFunc(rows, func(r []string) bool { return strings.Join(r, "|") == want }) {
			t.Errorf("the workbook's sheet lacks %q: %q", want, rows)
		}
	}

	// The API: today's figures with the children, the trend and the goals.
	stc, out := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", county.ID), f.token(t, "county_admin"), "")
	cov, _ := out["coverage"].(map[string]any)
	if stc != 200 || cov == nil {
		t.Fatalf("stats: %d %v", stc, out)
	}
	for k, want := range map[string]float64{"year": float64(this), "units": 6, "own": 1, "joint": 1, "instructor": 2, "none": 2, "org_covered": 2, "work_covered": 4, "org_rate": 33.3, "work_rate": 66.7} {
		if cov[k] != want {
			t.Errorf("coverage.%s = %v, want %v", k, cov[k], want)
		}
	}
	kids, _ := cov["children"].([]any)
	if len(kids) < 2 || fmt.Sprint(kids[0]) != fmt.Sprintf("map[name:%s org_covered:0 org_id:%d org_rate:0 units:2 work_covered:1 work_rate:50]", st.Label(), st.ID) ||
		fmt.Sprint(kids[1]) != fmt.Sprintf("map[name:%s org_covered:2 org_id:%d org_rate:50 units:4 work_covered:3 work_rate:75]", ms.Label(), ms.ID) {
		t.Errorf("coverage.children %v", kids)
	}
	if got := fmt.Sprint(cov["trend"]); got != fmt.Sprintf("[map[month:%s org_covered:1 org_rate:16.7 units:6 work_covered:2 work_rate:33.3] map[month:%s org_covered:2 org_rate:33.3 units:6 work_covered:4 work_rate:66.7]]", dec, month) {
		t.Errorf("coverage.trend %s", got)
	}
	if got := fmt.Sprint(cov["goals"]); got != fmt.Sprintf("map[assessed:2 indicators:[map[behind:false key:org_coverage target:30 value:33.3] map[behind:true key:work_coverage target:80 value:66.7] map[behind:false key:own_when_eligible target:50 value:<nil>]] met:1 name:%s owner_name:%s set_id:%d]", goals, county.Label(), g.ID) {
		t.Errorf("coverage.goals %s", got)
	}

	// An evaluation manager reads no units: no card, no key.
	if body := f.browser(t, "evaluator").get(t, fmt.Sprintf("/?org=%d", county.ID)); ckPanel(body, "两新组织党建覆盖") != "" || strings.Contains(body, `id="cov-child"`) {
		t.Errorf("an evaluation manager sees the coverage card")
	}
	stc, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", county.ID), f.token(t, "evaluator"), "")
	if _, has := out["coverage"]; stc != 200 || has {
		t.Errorf("an evaluation manager's stats: %d %v", stc, out)
	}
}
