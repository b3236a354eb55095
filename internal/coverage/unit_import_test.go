package coverage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

var importHeader = coverage.ImportHeader()

// row builds a data row of the template layout from column values.
func row(cells map[string]string) []string {
	out := make([]string, len(importHeader))
	for i, h := range importHeader {
		out[i] = cells[h]
	}
	return out
}

// good is a valid row for unit n of 兴宁区, led by 民生街道 through its division code.
func good(n int) map[string]string {
	return map[string]string{"名称": fmt.Sprintf("南宁导入企业%03d有限公司", n), "统一社会信用代码": code("91", "450102", 500+n), "所在区划代码": "450102001003",
		"隶属党组织区划代码": "450102001", "行业": "F", "从业人数": "20", "正式党员": "1", "法定代表人是否党员": "否"}
}

func with(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func unitCount(t *testing.T, f *fx) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM units").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// user adds a user row for the sessions to belong to.
func user(t *testing.T, f *fx, name string) int64 {
	t.Helper()
	d := f.d
	var id int64
	if err := d.WriteQueryRow(context.Background(), d.Rebind("INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES (?, 'x', ?, '', '') RETURNING id"), name, f.xn.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestImportBadRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	uid, other := user(t, f, "a"), user(t, f, "b")
	existing := f.unit(t, 1, f.ms, "450102001003", 10, 1)
	g := good(1)
	badCheck := []byte(g["统一社会信用代码"])
	badCheck[17] = map[bool]byte{true: '1', false: '0'}[badCheck[17] == '0']
	cases := []struct {
		name  string
		cells map[string]string
		want  string // "" = valid
	}{
		{"valid", g, ""},
		{"code too short", with(good(2), "统一社会信用代码", code("91", "450102", 502)[:17]), "统一社会信用代码应为 18 位，现为 17 位"},
		{"check character", with(good(3), "统一社会信用代码", string(badCheck)), "统一社会信用代码第 18 位校验码与前 17 位不符：可能有字符输错，请对照证照逐位核对，不要只改第 18 位"},
		{"no name", with(good(4), "名称", ""), "请填写单位名称"},
		{"category", with(good(5), "类别", "国有企业"), "单位类别不正确：可选 非公有制企业、社会团体、民办非企业单位（社会服务机构）、基金会、其他"},
		{"industry", with(good(6), "行业", "Z"), "行业应为国民经济行业分类门类（A–T）或其名称，如“C”或“制造业”"},
		{"employees not a number", with(good(7), "从业人数", "很多"), "从业人数“很多”应为整数；党员人数（正式 1 + 预备 0）不能多于从业人数 0"},
		{"negative members", with(good(8), "正式党员", "-2"), "正式党员人数不能为负数"},
		{"members above employees", with(good(9), "正式党员", "15", "预备党员", "6"), "党员人数（正式 15 + 预备 6）不能多于从业人数 20"},
		{"township code", with(good(10), "所在区划代码", "450102001"), "单位所在区划应为村（社区）级 12 位代码，450102001 只有 9 位"},
		{"unknown village", with(good(11), "所在区划代码", "450102001999"), "区划代码 450102001999 不存在（2023 年统计用区划代码）"},
		{"yes or no", with(good(12), "法定代表人是否党员", "可能"), "法定代表人是否党员应填“是”或“否”，现为“可能”"},
		{"no affiliation", with(good(13), "隶属党组织区划代码", ""), "请填写隶属党组织编号或隶属党组织区划代码"},
		{"affiliation number", with(good(14), "隶属党组织编号", "民生街道"), "隶属党组织编号“民生街道”应为数字"},
		{"unknown organization", with(good(15), "隶属党组织区划代码", "", "隶属党组织编号", "999999"), "隶属党组织 999999 不存在或不在您的管理范围内"},
		{"division without organization", with(good(16), "隶属党组织区划代码", "450103001"), "没有与隶属党组织区划代码 450103001 关联的党组织，或该党组织不在您的管理范围内"},
		{"number and division disagree", with(good(17), "隶属党组织编号", fmt.Sprint(f.st.ID)), fmt.Sprintf("隶属党组织编号 %d 与隶属党组织区划代码 450102001 不是同一个党组织，请只填一项", f.st.ID)},
		{"registered already", with(good(18), "统一社会信用代码", existing.CreditCode), fmt.Sprintf("统一社会信用代码 %s 已登记：南宁测试企业01有限公司（编号 %d）", existing.CreditCode, existing.ID)},
		{"repeats a row", with(good(19), "统一社会信用代码", strings.ToLower(g["统一社会信用代码"])), fmt.Sprintf("统一社会信用代码 %s 与第2行重复", g["统一社会信用代码"])},
		{"several problems", with(good(20), "名称", "", "从业人数", "-1", "正式党员", "0"), "请填写单位名称；从业人数不能为负数"},
		{"decimal and grouped counts", with(good(21), "从业人数", "1,200", "正式党员", "35.0", "类别", "非公企业"), ""},
	}
	var rows [][]string
	for _, c := range cases {
		rows = append(rows, row(c.cells))
	}
	rows = append(rows[:3], append([][]string{make([]string, len(importHeader))}, rows[3:]...)...) // a blank row is skipped, not counted
	sess, err := f.cov.PrepareImport(ctx, f.admin, uid, "units.xlsx", importHeader, rows)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, p := range sess.Problems {
		got[p.Row] = p.ZH
	}
	bad := 0
	for i, c := range cases {
		line := i + 2
		if i >= 3 {
			line++ // after the blank row
		}
		want := ""
		if c.want != "" {
			want = fmt.Sprintf("第%d行：%s", line, c.want)
			bad++
		}
		if got[line] != want {
			t.Errorf("%s: row %d = %q, want %q", c.name, line, got[line], want)
		}
	}
	if sess.Status != "invalid" || sess.Total != len(cases) || len(sess.Problems) != bad {
		t.Fatalf("session %s total %d problems %d, want invalid %d %d", sess.Status, sess.Total, len(sess.Problems), len(cases), bad)
	}
	if p := sess.Problems[0]; p.EN != "row 3: a unified social credit code has 18 characters, this one has 17" {
		t.Errorf("english %q", p.EN)
	}
	// An invalid session cannot be applied and changes nothing.
	before, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	n, err := f.cov.ApplyImport(ctx, f.admin, uid, sess.ID)
	if n != 0 || errs.KindOf(err) != errs.Invalid || errs.As(err).ZH != fmt.Sprintf("文件有 %d 行错误，请修改后重新上传，未导入任何数据", bad) {
		t.Fatalf("apply invalid: %d %v", n, err)
	}
	after, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	if unitCount(t, f) != 1 || after.Total != before.Total {
		t.Fatalf("invalid apply changed the registry: %d units, %+v", unitCount(t, f), after.Total)
	}
	// Reloaded, the session says the same.
	re, err := f.cov.LoadImport(ctx, uid, sess.ID)
	if err != nil || re.Status != "invalid" || len(re.Problems) != bad || re.Problems[0] != sess.Problems[0] {
		t.Fatalf("reload %+v %v", re, err)
	}
	if _, err := f.cov.LoadImport(ctx, other, sess.ID); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("another user's session: %v", err)
	}
}

func TestImportHeaderAndScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	uid := user(t, f, "ms")
	cases := []struct {
		header []string
		want   string
	}{
		{[]string{"名称", "统一社会信用代码", "隶属党组织编号"}, "缺少必填列：所在区划代码"},
		{[]string{"名称*", "统一社会信用代码*", "所在区划代码*", "行业"}, "缺少必填列：隶属党组织编号 或 隶属党组织区划代码"},
	}
	for _, c := range cases {
		_, err := f.cov.PrepareImport(ctx, f.admin, uid, "a.xlsx", c.header, [][]string{{"x", "y", "z", "w"}})
		if err == nil || errs.As(err).ZH != c.want {
			t.Errorf("header %v: %v, want %q", c.header, err, c.want)
		}
	}
	if _, err := f.cov.PrepareImport(ctx, f.admin, uid, "a.xlsx", importHeader, [][]string{make([]string, len(importHeader))}); err == nil || errs.As(err).ZH != "文件中没有数据行" {
		t.Errorf("no rows: %v", err)
	}
	// The template's example row is valid, and the notes describe every column.
	if len(coverage.ImportExample) != len(importHeader) || len(coverage.ImportNotes) != len(importHeader) {
		t.Fatalf("template: %d example cells, %d notes, %d columns", len(coverage.ImportExample), len(coverage.ImportNotes), len(importHeader))
	}
	if s, err := f.cov.PrepareImport(ctx, f.admin, uid, "example.xlsx", importHeader, [][]string{coverage.ImportExample}); err != nil || s.Status != "ready" {
		t.Errorf("example row: %+v %v", s.Problems, err)
	}
	auditor := testPerms.Bind(access.Actor{UserID: 9, Username: "au", Grants: []access.Grant{{Role: access.Auditor, OrgID: f.xn.ID, OrgPath: f.xn.Path}}})
	if _, err := f.cov.PrepareImport(ctx, auditor, uid, "a.xlsx", importHeader, [][]string{row(good(1))}); errs.KindOf(err) != errs.Forbidden {
		t.Errorf("auditor: %v", err)
	}
	// A 民生街道 administrator cannot place units under 三塘镇, by number or by division.
	existing := f.unit(t, 1, f.st, "450102101001", 10, 0)
	ms := testPerms.Bind(access.Actor{UserID: 7, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.ms.ID, OrgPath: f.ms.Path}}})
	rows := [][]string{
		row(good(1)),
		row(with(good(2), "隶属党组织区划代码", "", "隶属党组织编号", fmt.Sprint(f.st.ID))),
		row(with(good(3), "隶属党组织区划代码", "450102101")),
		row(with(good(4), "统一社会信用代码", existing.CreditCode)),
	}
	sess, err := f.cov.PrepareImport(ctx, ms, uid, "scope.xlsx", importHeader, rows)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("第3行：隶属党组织 %d 不存在或不在您的管理范围内", f.st.ID),
		"第4行：没有与隶属党组织区划代码 450102101 关联的党组织，或该党组织不在您的管理范围内",
		fmt.Sprintf("第5行：统一社会信用代码 %s 已由其他党组织登记，请联系上级组织部门核实隶属关系", existing.CreditCode),
	}
	if len(sess.Problems) != len(want) {
		t.Fatalf("problems %+v", sess.Problems)
	}
	for i, w := range want {
		if sess.Problems[i].ZH != w {
			t.Errorf("problem %d = %q, want %q", i, sess.Problems[i].ZH, w)
		}
	}
}

func TestImportApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	uid := user(t, f, "a")
	f.unit(t, 1, f.ms, "450102001003", 10, 1)
	before, err := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	// 12 rows: 8 under 民生街道 by division code, 4 under 三塘镇 by number;
	// 3 of them 规模以上, 2 social organizations.
	var rows [][]string
	for i := 1; i <= 12; i++ {
		c := good(i)
		if i > 8 {
			c = with(c, "隶属党组织区划代码", "", "隶属党组织编号", fmt.Sprint(f.st.ID), "所在区划代码", "450102101001")
		}
		if i%4 == 0 {
			c = with(c, "从业人数", "80", "正式党员", "4", "法定代表人是否党员", "是")
		}
		if i == 5 || i == 10 {
			c = with(c, "名称", fmt.Sprintf("南宁市兴宁区第%d餐饮行业协会", i), "统一社会信用代码", code("51", "450102", 500+i), "类别", "", "行业", "S")
		}
		rows = append(rows, row(c))
	}
	sess, err := f.cov.PrepareImport(ctx, f.admin, uid, "units.xlsx", importHeader, rows)
	if err != nil || sess.Status != "ready" || sess.Total != 12 || len(sess.Problems) != 0 {
		t.Fatalf("prepare: %+v %v", sess, err)
	}
	n, err := f.cov.ApplyImport(ctx, f.admin, uid, sess.ID)
	if err != nil || n != 12 {
		t.Fatalf("apply: %d %v", n, err)
	}
	if got := unitCount(t, f); got != 13 {
		t.Fatalf("registry has %d units, want 13", got)
	}
	after, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	want := before.Total
	want.Units += 12
	want.None += 12
	if after.Total != want {
		t.Fatalf("rates total %+v, want %+v", after.Total, want)
	}
	if d := after.ByCategory["social_group"].Units - before.ByCategory["social_group"].Units; d != 2 {
		t.Errorf("social groups +%d, want +2", d)
	}
	if d := after.BySize["above"].Units - before.BySize["above"].Units; d != 3 {
		t.Errorf("above size +%d, want +3", d)
	}
	for _, c := range after.Children {
		wantN := map[int64]int{f.ms.ID: 9, f.st.ID: 4}[c.Org.ID]
		if c.Counts.Units != wantN {
			t.Errorf("%s has %d units, want %d", c.Org.Name, c.Counts.Units, wantN)
		}
	}
	// The aggregates equal a count over the rows, at every level.
	for _, o := range []org.Org{f.xn, f.ms, f.st} {
		var cnt int
		if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM units u JOIN orgs a ON a.id = u.affiliation_org_id WHERE a.path >= ? AND a.path < ?", o.Path, access.PathUpper(o.Path)).Scan(&cnt); err != nil {
			t.Fatal(err)
		}
		r, _ := f.cov.Rates(ctx, f.admin, o.ID, false)
		if r.Total.Units != cnt {
			t.Errorf("%s: rates %d, count %d", o.Name, r.Total.Units, cnt)
		}
	}
	list, _, _ := f.cov.List(ctx, f.admin, coverage.ListQuery{Q: "第10餐饮行业协会"})
	if len(list) != 1 || list[0].Category != "social_group" || list[0].AffiliationOrgID != f.st.ID || list[0].Coverage != "none" {
		t.Fatalf("imported social group %+v", list)
	}
	h, _ := f.cov.History(ctx, f.admin, list[0].ID)
	if len(h) != 1 || h[0].Coverage != "none" || h[0].Note != "导入" {
		t.Fatalf("history %+v", h)
	}
	var action, summary, auditPath string
	if err := f.d.QueryRow(ctx, "SELECT action, summary, org_path FROM audit_log WHERE action = 'unit.import'").Scan(&action, &summary, &auditPath); err != nil {
		t.Fatal(err)
	}
	if summary != "从 units.xlsx 导入两新组织 12 个" || auditPath != f.xn.Path {
		t.Errorf("audit %q %q %q", action, summary, auditPath)
	}
	// A second apply is refused with 409 and changes nothing.
	_, err = f.cov.ApplyImport(ctx, f.admin, uid, sess.ID)
	if errs.KindOf(err) != errs.Conflict || errs.HTTPStatus(errs.KindOf(err)) != 409 || errs.As(err).ZH != "该导入批次已经导入过了" {
		t.Fatalf("second apply: %v", err)
	}
	if got := unitCount(t, f); got != 13 {
		t.Fatalf("second apply: %d units", got)
	}
}

// TestImportApplyRechecks registers one of the file's codes between
// preparation and application: nothing of the file is registered.
func TestImportApplyRechecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	uid := user(t, f, "a")
	rows := [][]string{row(good(1)), row(good(2)), row(good(3))}
	sess, err := f.cov.PrepareImport(ctx, f.admin, uid, "late.xlsx", importHeader, rows)
	if err != nil || sess.Status != "ready" {
		t.Fatalf("prepare %+v %v", sess, err)
	}
	u, err := f.cov.Create(ctx, f.admin, coverage.Input{CreditCode: good(2)["统一社会信用代码"], Name: "抢先登记有限公司", Employees: 5, RegionCode: "450102001003", AffiliationOrgID: f.ms.ID})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	_, err = f.cov.ApplyImport(ctx, f.admin, uid, sess.ID)
	want := fmt.Sprintf("第3行：统一社会信用代码 %s 已登记：抢先登记有限公司（编号 %d）（未导入任何数据）", u.CreditCode, u.ID)
	if errs.KindOf(err) != errs.Conflict || errs.As(err).ZH != want {
		t.Fatalf("apply: %v, want %q", err, want)
	}
	after, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	if unitCount(t, f) != 1 || after.Total != before.Total {
		t.Fatalf("failed apply changed the registry")
	}
	if re, _ := f.cov.LoadImport(ctx, uid, sess.ID); re.Status != "ready" {
		t.Fatalf("session %s after a failed apply", re.Status)
	}
}

func TestBulkCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	joint, _ := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "民生街道商圈联合党支部", Kind: "joint_branch"})
	own, _ := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "甲公司党支部", Kind: "branch"})
	own2, _ := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.st.ID, Name: "乙公司党支部", Kind: "branch"})
	in := func(n int, aff org.Org, village string, emp, members int) coverage.Input {
		return coverage.Input{CreditCode: code("91", "450102", 700+n), Name: fmt.Sprintf("批量企业%d有限公司", n), Industry: "C", Employees: emp, FullMembers: members, RegionCode: village, AffiliationOrgID: aff.ID}
	}
	units := []coverage.BulkUnit{
		{Input: in(1, f.ms, "450102001003", 90, 5), Coverage: "own", CoverageOrgID: own.ID, CreatedAt: "2025-03-01T02:00:00.000Z",
			History: []coverage.BulkChange{{Coverage: "none", At: "2025-03-01T02:00:00.000Z", Note: "登记"}, {Coverage: "instructor", Instructor: "李明", At: "2025-06-01T02:00:00.000Z"},
				{Coverage: "own", OrgID: own.ID, At: "2025-09-01T02:00:00.000Z", Note: "单独组建"}}},
		{Input: in(2, f.ms, "450102001003", 20, 1), Coverage: "joint", CoverageOrgID: joint.ID},
		{Input: in(3, f.ms, "450102001004", 12, 0), Coverage: "joint", CoverageOrgID: joint.ID},
		{Input: in(4, f.st, "450102101001", 60, 3), Coverage: "own", CoverageOrgID: own2.ID},
		{Input: in(5, f.st, "450102101001", 8, 0), Coverage: "instructor", Instructor: "王芳"},
		{Input: in(6, f.st, "450102101001", 5, 1)},
	}
	n, err := f.cov.BulkCreate(ctx, f.admin, units)
	if err != nil || n != 6 {
		t.Fatalf("bulk: %d %v", n, err)
	}
	r, _ := f.cov.Rates(ctx, f.admin, f.xn.ID, false)
	if r.Total != (coverage.Counts{Units: 6, Own: 2, Joint: 2, Instructor: 1, None: 1}) || r.BySize["above"].Units != 2 {
		t.Fatalf("rates %+v %+v", r.Total, r.BySize)
	}
	list, _, _ := f.cov.List(ctx, f.admin, coverage.ListQuery{Q: "批量企业1有限公司"})
	h, _ := f.cov.History(ctx, f.admin, list[0].ID)
	if len(h) != 3 || h[1].Instructor != "李明" || h[2].OrgName != "甲公司党支部" || list[0].UpdatedAt != "2025-09-01T02:00:00.000Z" || list[0].CreatedAt != "2025-03-01T02:00:00.000Z" {
		t.Fatalf("history %+v unit %+v", h, list[0])
	}
	// Every rule of SetCoverage and Create holds, and a refused batch writes nothing.
	bad := []struct {
		units []coverage.BulkUnit
		want  string
	}{
		{[]coverage.BulkUnit{{Input: in(10, f.ms, "450102001003", 5, 0)}, {Input: in(10, f.ms, "450102001003", 5, 0)}}, fmt.Sprintf("第2个单位：统一社会信用代码 %s 与第1个单位重复", code("91", "450102", 710))},
		{[]coverage.BulkUnit{{Input: in(11, f.ms, "450102001003", 5, 0), Coverage: "joint", CoverageOrgID: own.ID}}, "第1个单位：联合组建须关联一个联合党支部；请先在组织体系中建立联合党支部"},
		{[]coverage.BulkUnit{{Input: in(12, f.ms, "450102001003", 50, 4), Coverage: "own", CoverageOrgID: own.ID}}, "第1个单位：该党组织已是“批量企业1有限公司”单独组建的党组织"},
		{[]coverage.BulkUnit{{Input: in(13, f.ms, "450102001003", 5, 0)}, {Input: in(1, f.ms, "450102001003", 5, 0)}}, fmt.Sprintf("第2个单位：统一社会信用代码 %s 已登记：批量企业1有限公司（编号 %d）", code("91", "450102", 701), list[0].ID)},
		{[]coverage.BulkUnit{{Input: in(14, f.ms, "450102001003", 5, 9)}}, "第1个单位：党员人数（正式 9 + 预备 0）不能多于从业人数 5"},
		{[]coverage.BulkUnit{{Input: in(15, f.ms, "450102001003", 5, 0), Coverage: "instructor"}}, "第1个单位：请填写选派的党建指导员姓名"},
	}
	for i, c := range bad {
		_, err := f.cov.BulkCreate(ctx, f.admin, c.units)
		if err == nil || errs.As(err).ZH != c.want {
			t.Errorf("case %d: %v, want %q", i, err, c.want)
		}
	}
	if got := unitCount(t, f); got != 6 {
		t.Fatalf("refused batches wrote units: %d", got)
	}
}
