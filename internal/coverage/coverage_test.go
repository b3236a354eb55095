package coverage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

// testPerms is the permission catalogue of the coverage module's part; the actors these
// tests build are bound to it, as the accounts service binds real ones.
var testPerms = access.MustCatalogue(coverage.Permissions())

var regions = region.NewHolder()

// xingning is the tree of 兴宁区, seeded once for the package's tests.
var xingning = testrig.Tree(regions, "450102")

func TestMain(m *testing.M) { testrig.Main(m) }

// code builds a valid credit code with registrar/kind prefix, region and serial.
func code(prefix, region string, serial int) string {
	oc := fmt.Sprintf("MA%06d", serial)
	c9, err := ids.OrgCodeCheckChar(oc)
	if err != nil {
		panic(err)
	}
	first17 := prefix + region + oc + string(c9)
	c18, err := ids.CreditCodeCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c18)
}

type fx struct {
	d     *db.DB
	orgs  *org.Service
	cov   *coverage.Service
	xn    org.Org // 兴宁区委
	ms    org.Org // 民生街道党工委
	st    org.Org // 三塘镇党委
	admin access.Actor
}

func newFx(t *testing.T) *fx {
	t.Helper()
	ctx := context.Background()
	d, _ := xingning.Open(t)
	orgs := org.NewService(d, regions)
	cov := coverage.NewService(d, orgs, regions)
	get := func(code string) org.Org {
		l, _, _ := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		return l[0]
	}
	return &fx{d: d, orgs: orgs, cov: cov, xn: get("450102"), ms: get("450102001"), st: get("450102101"), admin: testrig.Admin}
}

func (f *fx) unit(t *testing.T, n int, aff org.Org, region string, employees, members int) coverage.Unit {
	t.Helper()
	u, err := f.cov.Create(context.Background(), f.admin, coverage.Input{CreditCode: code("91", "450102", n), Name: fmt.Sprintf("南宁测试企业%02d有限公司", n),
		Industry: "C", Employees: employees, FullMembers: members, RegionCode: region, AffiliationOrgID: aff.ID})
	if err != nil {
		t.Fatalf("unit %d: %v", n, err)
	}
	return u
}

// TestRatesEqualHandCount builds a fixed fixture of 10 units in 兴宁区 and
// checks every figure against a count by hand.
func TestRatesEqualHandCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	joint, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "民生街道商圈联合党支部", Kind: "joint_branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	own, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "南宁测试企业01有限公司党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	// 民生街道: 6 units; 三塘镇: 4 units.
	u := []coverage.Unit{
		f.unit(t, 1, f.ms, "450102001003", 120, 5), // own
		f.unit(t, 2, f.ms, "450102001003", 30, 1),  // joint
		f.unit(t, 3, f.ms, "450102001004", 20, 2),  // joint
		f.unit(t, 4, f.ms, "450102001004", 10, 0),  // instructor
		f.unit(t, 5, f.ms, "450102001006", 8, 0),   // none → send instructor
		f.unit(t, 6, f.ms, "450102001006", 60, 4),  // none → form own
		f.unit(t, 7, f.st, "450102101001", 15, 0),  // instructor
		f.unit(t, 8, f.st, "450102101001", 9, 0),   // none
		f.unit(t, 9, f.st, "450102101001", 70, 3),  // joint → form own
		f.unit(t, 10, f.st, "450102101001", 5, 1),  // none → form own or joint
	}
	set := func(i int, in coverage.CoverageInput) {
		if _, err := f.cov.SetCoverage(ctx, f.admin, u[i].ID, in); err != nil {
			t.Fatalf("coverage of unit %d: %v", i+1, err)
		}
	}
	set(0, coverage.CoverageInput{Coverage: "own", OrgID: own.ID})
	set(1, coverage.CoverageInput{Coverage: "joint", OrgID: joint.ID})
	set(2, coverage.CoverageInput{Coverage: "联合组建", OrgID: joint.ID})
	set(3, coverage.CoverageInput{Coverage: "instructor", Instructor: "李明"})
	set(6, coverage.CoverageInput{Coverage: "instructor", Instructor: "王芳"})
	set(8, coverage.CoverageInput{Coverage: "joint", OrgID: joint.ID})

	r, err := f.cov.Rates(ctx, f.admin, f.xn.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: 10 units; own 1, joint 3, instructor 2, none 4.
	if r.Total != (coverage.Counts{Units: 10, Own: 1, Joint: 3, Instructor: 2, None: 4}) {
		t.Fatalf("total %+v", r.Total)
	}
	sum := coverage.Summarize(r.Total)
	if sum.OrgRate != 40.0 || sum.WorkRate != 60.0 || sum.OrgCovered != 4 || sum.WorkCovered != 6 {
		t.Fatalf("rates %+v", sum)
	}
	// Size: ≥ 50 employees above: units 1, 6, 9 → 3 above (own 1, none 1, joint 1).
	if r.BySize["above"] != (coverage.Counts{Units: 3, Own: 1, Joint: 1, None: 1}) || r.BySize["below"].Units != 7 {
		t.Fatalf("by size %+v", r.BySize)
	}
	if r.ByCategory["private"].Units != 10 || r.ByIndustry["C"].Units != 10 {
		t.Fatalf("by category %+v industry %+v", r.ByCategory, r.ByIndustry)
	}
	var msC, stC coverage.Counts
	for _, c := range r.Children {
		switch c.Org.ID {
		case f.ms.ID:
			msC = c.Counts
		case f.st.ID:
			stC = c.Counts
		}
	}
	if msC != (coverage.Counts{Units: 6, Own: 1, Joint: 2, Instructor: 1, None: 2}) || stC != (coverage.Counts{Units: 4, Joint: 1, Instructor: 1, None: 2}) {
		t.Fatalf("民生 %+v 三塘 %+v", msC, stC)
	}
	// Gap list: the rules by hand.
	want := map[string][]int{"form_own": {6, 9}, "form_own_or_joint": {10}, "send_instructor": {5, 8}}
	for rule, nums := range want {
		list, total, err := f.cov.List(ctx, f.admin, coverage.ListQuery{Under: f.xn.ID, Rule: rule, Sort: "created"})
		if err != nil || total != len(nums) {
			t.Fatalf("%s: %d %v", rule, total, err)
		}
		for i, n := range nums {
			if list[i].ID != u[n-1].ID || list[i].Rule != rule {
				t.Errorf("%s #%d: unit %s rule %s", rule, i, list[i].Name, list[i].Rule)
			}
		}
	}
	if got := coverage.Advice(u[5]); got != "" {
		t.Logf("advice before reload %q", got)
	}
	g, _ := f.cov.Get(ctx, f.admin, u[8].ID)
	if coverage.Advice(g) != "现有正式党员 3 名，已具备单独组建条件，应从联合党支部中单独组建党支部" {
		t.Errorf("advice %q", coverage.Advice(g))
	}
	// The joint branch links units of two townships: flagged.
	flags, err := f.cov.JointFlags(ctx, f.admin, f.xn.ID)
	if err != nil || len(flags) != 1 || flags[0].Townships != 2 || flags[0].Units != 3 {
		t.Fatalf("joint flags %+v %v", flags, err)
	}
	// History of unit 2: registered, then joint.
	h, _ := f.cov.History(ctx, f.admin, u[1].ID)
	if len(h) != 2 || h[0].Coverage != "none" || h[1].Coverage != "joint" || h[1].OrgName != "民生街道商圈联合党支部" {
		t.Fatalf("history %+v", h)
	}
	// Monthly snapshot reads back.
	if err := f.cov.Snapshot(ctx, "2026-11"); err != nil {
		t.Fatal(err)
	}
	tr, _ := f.cov.Trend(ctx, f.admin, f.xn.ID, 12)
	if len(tr) != 1 || tr[0].Units != 10 || tr[0].OrgRate != 40 || tr[0].WorkRate != 60 {
		t.Fatalf("trend %+v", tr)
	}
	// Moving 三塘镇 under 民生街道 keeps every aggregate right.
	if _, err := f.orgs.Move(ctx, f.admin, f.st.ID, f.ms.ID); err != nil {
		t.Fatal(err)
	}
	r2, _ := f.cov.Rates(ctx, f.admin, f.ms.ID, false)
	if r2.Total.Units != 10 {
		t.Fatalf("after move 民生 has %d units", r2.Total.Units)
	}
	r3, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	if r3.Total != r.Total {
		t.Fatalf("after move 兴宁 %+v", r3.Total)
	}
	// An organization that units belong to cannot be dissolved.
	if _, err := f.orgs.Dissolve(ctx, f.admin, own.ID, "", ""); err == nil || errs.As(err).ZH != "“南宁测试企业01有限公司党支部”是 1 个单位的党组织，请先调整这些单位的覆盖方式" {
		t.Fatalf("dissolve covering org: %v", err)
	}
}

func TestUnitBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	good := code("91", "450102", 1)
	base := coverage.Input{CreditCode: good, Name: "某某科技有限公司", Employees: 10, FullMembers: 1, RegionCode: "450102001003", AffiliationOrgID: f.ms.ID}
	if _, err := f.cov.Create(ctx, f.admin, base); err != nil {
		t.Fatal(err)
	}
	bad := []byte(good)
	bad[17] = '0'
	if bad[17] == good[17] {
		bad[17] = '1'
	}
	// A code whose position 18 is right but whose organization code check (position 17) is not.
	oc := "MA000007"
	c9, _ := ids.OrgCodeCheckChar(oc)
	wrong9 := byte('0')
	if c9 == '0' {
		wrong9 = '1'
	}
	first17 := "91450102" + oc + string(wrong9)
	c18, _ := ids.CreditCodeCheckChar(first17)
	badOrg := first17 + string(c18)
	cases := []struct {
		mod  func(*coverage.Input)
		kind errs.Kind
		msg  string
	}{
		{func(in *coverage.Input) { in.CreditCode = good[:17] }, errs.Invalid, "统一社会信用代码应为 18 位，现为 17 位"},
		{func(in *coverage.Input) { in.CreditCode = string(bad) }, errs.Invalid, "统一社会信用代码第 18 位校验码与前 17 位不符：可能有字符输错，请对照证照逐位核对，不要只改第 18 位"},
		{func(in *coverage.Input) { in.CreditCode = badOrg }, errs.Invalid, "统一社会信用代码第 9–17 位（组织机构代码）校验不通过：第 17 位校验码与第 9–16 位不符，请对照证照逐位核对"},
		{func(in *coverage.Input) { in.CreditCode = "91450102MA0000O7" + "XX" }, errs.Invalid, "统一社会信用代码第 15 位“O”不是有效字符（不使用 I、O、Z、S、V）"},
		{func(in *coverage.Input) { in.CreditCode = good }, errs.Conflict, fmt.Sprintf("统一社会信用代码 %s 已登记：某某科技有限公司（编号 1）", good)},
		{func(in *coverage.Input) {
			in.CreditCode = code("91", "450102", 2)
			in.Employees = -1
			in.FullMembers = 0
		}, errs.Invalid, "从业人数不能为负数"},
		{func(in *coverage.Input) {
			in.CreditCode = code("91", "450102", 2)
			in.FullMembers = 8
			in.ProbationaryMembers = 3
		}, errs.Invalid, "党员人数（正式 8 + 预备 3）不能多于从业人数 10"},
		{func(in *coverage.Input) { in.CreditCode = code("91", "450102", 2); in.RegionCode = "450102001" }, errs.Invalid, "单位所在区划应为村（社区）级 12 位代码，450102001 只有 9 位"},
		{func(in *coverage.Input) { in.CreditCode = code("91", "450102", 2); in.RegionCode = "450102001999" }, errs.Invalid, "区划代码 450102001999 不存在（2023 年统计用区划代码）"},
	}
	for i, c := range cases {
		in := base
		c.mod(&in)
		_, err := f.cov.Create(ctx, f.admin, in)
		if err == nil || errs.KindOf(err) != c.kind || errs.As(err).ZH != c.msg {
			t.Errorf("case %d: %v, want %s %q", i, err, c.kind, c.msg)
		}
	}
	// Outside the actor's scope: affiliation under 三塘镇 for a 民生街道 admin.
	ms := testPerms.Bind(access.Actor{UserID: 7, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	in := base
	in.CreditCode, in.AffiliationOrgID = code("91", "450102", 3), f.st.ID
	if _, err := f.cov.Create(ctx, ms, in); err == nil || errs.As(err).ZH != fmt.Sprintf("隶属党组织 %d 不存在或不在您的管理范围内", f.st.ID) {
		t.Errorf("affiliation outside scope: %v", err)
	}
	// A unit outside the actor's scope is not found, for reading and for writing.
	other := f.unit(t, 30, f.st, "450102101001", 10, 0)
	if _, err := f.cov.Get(ctx, ms, other.ID); err == nil || errs.As(err).ZH != fmt.Sprintf("单位 %d 不存在或不在您的管理范围内", other.ID) {
		t.Errorf("unit outside scope: %v", err)
	}
	name := "改名"
	if _, err := f.cov.Update(ctx, ms, other.ID, coverage.Patch{Name: &name}); !errs.Is(err, errs.NotFound) {
		t.Errorf("update outside scope: %v", err)
	}
	if _, err := f.cov.SetCoverage(ctx, ms, other.ID, coverage.CoverageInput{Coverage: "instructor", Instructor: "李"}); !errs.Is(err, errs.NotFound) {
		t.Errorf("coverage outside scope: %v", err)
	}
	if _, total, _ := f.cov.List(ctx, ms, coverage.ListQuery{}); total != 1 {
		t.Errorf("street admin lists %d units, want 1", total)
	}
	// A duplicate seen by someone who may not see the existing unit does not name it.
	stAdmin := testPerms.Bind(access.Actor{UserID: 8, Username: "st", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.st.ID, OrgPath: f.st.Path}}})
	in = base
	in.AffiliationOrgID = f.st.ID
	if _, err := f.cov.Create(ctx, stAdmin, in); err == nil || errs.As(err).ZH != fmt.Sprintf("统一社会信用代码 %s 已由其他党组织登记，请联系上级组织部门核实隶属关系", good) {
		t.Errorf("hidden duplicate: %v", err)
	}
	// Nothing but the first unit exists.
	_, total, _ := f.cov.List(ctx, f.admin, coverage.ListQuery{Status: "all"})
	r, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	if total != 2 || r.Total.Units != 2 {
		t.Fatalf("bad input changed the registry: %d units, rates %d", total, r.Total.Units)
	}
	// A credit code registered in another region is a warning, not an error.
	in = base
	in.CreditCode = code("91", "110105", 4)
	u, err := f.cov.Create(ctx, f.admin, in)
	if err != nil || len(u.Warnings) != 1 || u.Warnings[0] != "统一社会信用代码中的登记机关区划 110105 与单位所在区划 450102001003 不一致，请核对" {
		t.Fatalf("region warning: %+v %v", u.Warnings, err)
	}
	// A city-level registering authority (450100) covers its districts: no warning.
	in.CreditCode = code("91", "450100", 5)
	if u, err := f.cov.Create(ctx, f.admin, in); err != nil || len(u.Warnings) != 0 {
		t.Fatalf("city registrar: %+v %v", u.Warnings, err)
	}
}

func TestGoalProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	own, _ := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "甲公司党支部", Kind: "branch"})
	a := f.unit(t, 1, f.ms, "450102001003", 80, 4)
	f.unit(t, 2, f.ms, "450102001003", 10, 0)
	b := f.unit(t, 3, f.st, "450102101001", 60, 3)
	f.unit(t, 4, f.st, "450102101001", 10, 0)
	if _, err := f.cov.SetCoverage(ctx, f.admin, a.ID, coverage.CoverageInput{Coverage: "own", OrgID: own.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cov.SetCoverage(ctx, f.admin, b.ID, coverage.CoverageInput{Coverage: "instructor", Instructor: "张三"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.cov.CreateGoalSet(ctx, f.admin, coverage.GoalInput{Name: "", Year: 1999, OwnerOrgID: f.xn.ID, Targets: map[string]float64{"org_coverage": 120}})
	if fm := errs.FieldMessages(err, ""); len(fm) != 3 || fm["year"] != "年度应为 2000–2100 之间的年份" || fm["targets"] != "组织覆盖率 的目标值应在 0–100% 之间" {
		t.Fatalf("bad goal: %v", fm)
	}
	g, err := f.cov.CreateGoalSet(ctx, f.admin, coverage.GoalInput{Name: "2026年“4+1”两新党建目标", Year: 2026, OwnerOrgID: f.xn.ID,
		Targets: map[string]float64{"org_coverage": 50, "work_coverage": 80, "own_when_eligible": 90}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cov.SetTarget(ctx, f.admin, g.ID, "org_coverage", f.st.ID, 0); err != nil {
		t.Fatal(err)
	}
	_, ps, err := f.cov.GoalProgress(ctx, f.admin, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]Progress{}
	for _, p := range ps {
		got[p.Org.ID] = p
	}
	// 兴宁: 4 units, 1 own, 1 instructor → org 25 %, work 50 %; eligible 2, own 1 → 50 %.
	x := got[f.xn.ID]
	if x.Values["org_coverage"] != 25 || x.Values["work_coverage"] != 50 || x.Values["own_when_eligible"] != 50 || len(x.Behind) != 3 {
		t.Fatalf("兴宁 %+v", x)
	}
	// 民生: 2 units, 1 own → 50 %, 50 %, eligible own 100 % → behind on work coverage only.
	m := got[f.ms.ID]
	if m.Values["org_coverage"] != 50 || m.Values["own_when_eligible"] != 100 || strings.Join(m.Behind, ",") != "work_coverage" {
		t.Fatalf("民生 %+v", m)
	}
	// 三塘: target 0 % for org coverage → met; work 50 % behind; eligible 0 % behind.
	s := got[f.st.ID]
	if s.Values["org_coverage"] != 0 || strings.Join(s.Behind, ",") != "work_coverage,own_when_eligible" {
		t.Fatalf("三塘 %+v", s)
	}
	if ps[0].Org.ID != f.xn.ID {
		t.Errorf("owner not first")
	}
	// A street administrator sees the district's goal set: its own row with
	// the district's targets for it, then each of its 14 organizations
	// (12 communities, 1 village, 甲公司党支部) held to the street's targets.
	street := testPerms.Bind(access.Actor{UserID: 9, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	sets, err := f.cov.GoalSets(ctx, street)
	if err != nil || len(sets) != 1 || sets[0].OwnerName != "兴宁区委" {
		t.Fatalf("street goal sets: %+v %v", sets, err)
	}
	_, ps, err = f.cov.GoalProgress(ctx, street, g.ID)
	if err != nil || len(ps) != 15 || ps[0].Org.ID != f.ms.ID || ps[0].Inherited || ps[0].InheritedFrom != nil {
		t.Fatalf("street progress: %d rows %v", len(ps), err)
	}
	if last := ps[14]; last.Org.ID != own.ID || !last.Inherited || *last.InheritedFrom != (coverage.TargetSource{SetID: g.ID, SetName: g.Name, OrgID: f.ms.ID, OrgName: "民生街道党工委"}) ||
		fmt.Sprint(last.Target) != "map[org_coverage:50 own_when_eligible:90 work_coverage:80]" || len(last.Behind) != 3 {
		t.Fatalf("甲公司党支部 row: %+v %+v", last, last.InheritedFrom)
	}
	if err := f.cov.SetTarget(ctx, street, g.ID, "org_coverage", f.ms.ID, 10); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("street changing the district's target: %v", err)
	}
}

type Progress = coverage.Progress

func TestSettingsReclassify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	f.unit(t, 1, f.ms, "450102001003", 30, 0)
	f.unit(t, 2, f.st, "450102101001", 60, 0)
	r, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	if r.BySize["above"].Units != 1 || r.BySize["below"].Units != 1 {
		t.Fatalf("before: %+v", r.BySize)
	}
	street := testPerms.Bind(access.Actor{UserID: 9, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	if _, err := f.cov.SetSettings(ctx, street, coverage.Settings{SizeEmployees: 20, JointMaxUnits: 10}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("org admin changed settings: %v", err)
	}
	if _, err := f.cov.SetSettings(ctx, f.admin, coverage.Settings{SizeEmployees: 0, JointMaxUnits: 1}); len(errs.FieldMessages(err, "")) != 2 {
		t.Fatalf("bad settings: %v", err)
	}
	if _, err := f.cov.SetSettings(ctx, f.admin, coverage.Settings{SizeEmployees: 20, JointMaxUnits: 10}); err != nil {
		t.Fatal(err)
	}
	r, _ = f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	m, _ := f.cov.Rates(ctx, f.admin, f.ms.ID, false)
	if r.BySize["above"].Units != 2 || r.BySize["below"].Units != 0 || m.BySize["above"].Units != 1 || r.Total.Units != 2 {
		t.Fatalf("after: %+v / %+v", r.BySize, m.BySize)
	}
}
