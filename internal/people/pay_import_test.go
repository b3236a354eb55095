package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// user adds an account for import sessions to belong to and returns its id.
func (f *fx) user(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := f.d.WriteQueryRow(context.Background(), f.d.Rebind("INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES (?, 'x', ?, '', '') RETURNING id"), name, f.ms.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestReferenceOnlyForCounties: an income recorded for a township is
// refused at its field, and nothing is recorded; the county's is.
func TestReferenceOnlyForCounties(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	err := f.ppl.SetReference(ctx, f.admin, people.RefInput{OrgID: f.ms.ID, Year: 2025, Rural: 21000, Urban: 45000})
	if got := errs.FieldMessages(err, "")["org_id"]; got != "人均可支配收入按县（市、区）登记：民生街道党工委不是县级或市级党组织" {
		t.Errorf("a township's income: %v", err)
	}
	if n := f.count(t, "reference_incomes"); n != 0 {
		t.Errorf("%d incomes recorded after the refusal, want 0", n)
	}
	if err := f.ppl.SetReference(ctx, f.admin, people.RefInput{OrgID: *f.ms.ParentID, Year: 2025, Rural: 21000, Urban: 45000}); err != nil {
		t.Fatal(err)
	}
	rows, err := f.ppl.References(ctx, f.street, *f.ms.ParentID, 2025)
	if err == nil {
		t.Errorf("the street read the county's incomes: %+v", rows)
	}
	rows, err = f.ppl.References(ctx, f.admin, *f.ms.ParentID, 2025)
	if err != nil || len(rows) != 1 || !rows[0].Recorded || rows[0].Rural != 21000 || rows[0].Urban != 45000 || rows[0].RegionCode != "450102" {
		t.Errorf("the county's incomes: %+v %v", rows, err)
	}
}

// TestOverlappingPostChangesNothing: a spell in a post that would overlap
// the same person's last one is refused, and no post, timeline step or
// audit entry is written.
func TestOverlappingPostChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	zhang := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	sec, err := f.ppl.Appoint(ctx, f.admin, people.PostInput{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2020-01-15"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ppl.EndPost(ctx, f.admin, sec.ID, "2025-06-30"); err != nil {
		t.Fatal(err)
	}
	before := []int{f.count(t, "posts"), f.count(t, "membership_events"), f.count(t, "audit_log")}
	_, err = f.ppl.Appoint(ctx, f.admin, people.PostInput{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2025-01-01"})
	if got := errs.FieldMessages(err, "")["started_on"]; got != "张伟在兴宁社区党支部担任书记至 2025-06-30，新的任职日期应在此之后" {
		t.Errorf("overlap: %v", err)
	}
	if err := f.ppl.EndPost(ctx, f.admin, sec.ID, "2025-07-01"); errs.As(err).ZH != "张伟已于 2025-06-30 离任书记" {
		t.Errorf("leaving twice: %v", err)
	}
	_, err = f.ppl.Appoint(ctx, f.admin, people.PostInput{OrgID: f.c3.ID, Post: "secretary", StartedOn: "2025-01-01"})
	if got := errs.FieldMessages(err, "")["person_id"]; got != "请选择任职的人员" {
		t.Errorf("nobody chosen: %v", err)
	}
	after := []int{f.count(t, "posts"), f.count(t, "membership_events"), f.count(t, "audit_log")}
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("posts, steps, audit entries %v → %v after the refusals", before, after)
	}
	// The posts page's lists: the past spell, no present one, the secretary
	// vacant in the organization with a member.
	past, err := f.ppl.PastPosts(ctx, f.secretary, f.c3.ID)
	if err != nil || len(past) != 1 || past[0].EndedOn != "2025-06-30" || past[0].PersonName != "张伟" {
		t.Errorf("past posts: %+v %v", past, err)
	}
	missing, err := f.ppl.OrgVacancies(ctx, f.secretary, f.c3.ID)
	if err != nil || fmt.Sprint(missing) != "[secretary village_committee]" {
		t.Errorf("vacancies of the community: %v %v", missing, err)
	}
	mine, err := f.ppl.PersonPosts(ctx, f.secretary, zhang.ID)
	if err != nil || len(mine) != 1 || mine[0].OrgName != "兴宁社区党支部" || mine[0].StartedOn != "2020-01-15" {
		t.Errorf("the person's posts: %+v %v", mine, err)
	}
	vs, err := f.ppl.Vacancies(ctx, f.street, people.VacancyQuery{Q: "兴宁社区", Post: "secretary"})
	if err != nil || len(vs) != 1 || vs[0].OrgID != f.c3.ID || vs[0].Members != 1 || vs[0].Full != 1 || fmt.Sprint(vs[0].Missing) != "[secretary]" {
		t.Errorf("vacancies of the street: %+v %v", vs, err)
	}
	if _, err := f.ppl.Vacancies(ctx, f.street, people.VacancyQuery{Post: "chairman"}); errs.FieldMessages(err, "")["post"] != "职务只能是 secretary 或 village_committee" {
		t.Errorf("an unknown post: %v", err)
	}
}

// TestIncomeImport: a file with several bad rows lists every row's
// problems, cannot be applied and changes nothing; a good file records its
// rows once, with one audit entry.
func TestIncomeImport(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	u1, u2 := f.user(t, "county"), f.user(t, "street")
	header := []string{"年度", "区划代码", "农村居民人均可支配收入", "城镇居民人均可支配收入"}
	bad := [][]string{
		{"2025", "450102", "21,000", "45000"},
		{"2025", "450102001", "21000", "45000"},
		{"2025", "450102", "21000", "45000"},
		{"二〇二五", "450199", "abc", "45000"},
		{},
		{"2025", "450103", "500", "45000"},
	}
	s, err := f.ppl.PrepareRefImport(ctx, f.admin, u1, "incomes.xlsx", header, bad)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Problems {
		got = append(got, p.ZH)
	}
	want := []string{
		"第3行：人均可支配收入按县（市、区）登记：民生街道党工委不是县级或市级党组织",
		"第4行：兴宁区委 2025 年的收入与第2行重复",
		"第5行：“年度”应为整数，现为“二〇二五”；“农村居民人均可支配收入”应为整数，现为“abc”；区划代码 450199 没有对应的党组织",
		"第7行：农村居民人均可支配收入应在 1000–200000 元之间；区划代码 450103 没有对应的党组织",
	}
	if s.Status != "invalid" || s.Total != 5 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("session %s of %d rows, problems:\n%s\nwant:\n%s", s.Status, s.Total, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	audits := f.count(t, "audit_log")
	if _, err := f.ppl.ApplyRefImport(ctx, f.admin, u1, s.ID); errs.As(err).ZH != "文件有 4 行错误，请修改后重新上传，未导入任何数据" {
		t.Errorf("applying a bad file: %v", err)
	}
	if n := f.count(t, "reference_incomes"); n != 0 || f.count(t, "audit_log") != audits {
		t.Errorf("%d incomes recorded by a refused file", n)
	}
	// The street's department manages no county: every row is refused.
	s, err = f.ppl.PrepareRefImport(ctx, f.street, u2, "incomes.xlsx", header, bad[:1])
	if err != nil || len(s.Problems) != 1 || s.Problems[0].ZH != "第2行：区划代码 450102 的党组织不存在或不在您的管理范围内" {
		t.Errorf("the street's file: %+v %v", s, err)
	}
	good := [][]string{{"2025", "450102", "21,000", "45000"}, {"2024", "450102", "19900", "43300"}}
	s, err = f.ppl.PrepareRefImport(ctx, f.admin, u1, "incomes.xlsx", header, good)
	if err != nil || s.Status != "ready" {
		t.Fatalf("good file: %+v %v", s, err)
	}
	if n, err := f.ppl.ApplyRefImport(ctx, f.admin, u1, s.ID); err != nil || n != 2 {
		t.Fatalf("apply: %d %v", n, err)
	}
	if _, err := f.ppl.ApplyRefImport(ctx, f.admin, u1, s.ID); errs.As(err).ZH != "该导入批次已经导入过了" {
		t.Errorf("applied twice: %v", err)
	}
	rows, _ := f.ppl.References(ctx, f.admin, *f.ms.ParentID, 2024)
	if len(rows) != 1 || rows[0].Rural != 19900 || rows[0].Urban != 43300 || f.count(t, "audit_log") != audits+1 {
		t.Errorf("imported incomes of 2024: %+v, %d audit entries", rows, f.count(t, "audit_log")-audits)
	}
}

// TestPayImport: cadres found by ID number and name; a file with several
// bad rows lists every problem without quoting a number and changes
// nothing; a good one records every pay, checked against the floor.
func TestPayImport(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	village := func() org.Org {
		l, _, _ := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: "450102101201"})
		return l[0]
	}()
	zhangID, liID, chenID, wangID := idNumber("450102", "19850312", 123), idNumber("450103", "19950620", 124), idNumber("450102", "19700909", 441), idNumber("450102", "19900101", 551)
	zhang := f.add(t, f.c3, "张伟", zhangID, "full", "2010-07-01")
	li := f.add(t, f.c3, "李娜", liID, "full", "2018-06-30")
	chen := f.add(t, village, "陈刚", chenID, "full", "1995-10-01")
	f.add(t, f.c3, "王强", wangID, "full", "2012-07-01") // no post
	for _, in := range []people.PostInput{{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2023-01-15"},
		{PersonID: li.ID, OrgID: f.c3.ID, Post: "committee_member", StartedOn: "2024-01-15"},
		{PersonID: chen.ID, OrgID: village.ID, Post: "village_committee", StartedOn: "2021-05-01"}} {
		if _, err := f.ppl.Appoint(ctx, f.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	u1, u2 := f.user(t, "county"), f.user(t, "street")
	header := []string{"年度", "姓名", "身份证号", "年基本报酬", "村（社区）区划代码"}
	badCheck := zhangID[:17] + map[bool]string{true: "1", false: "2"}[zhangID[17] == '2']
	bad := [][]string{
		{"2026", "张伟", zhangID, "48000", ""},
		{"2026", "张卫", liID, "42000", ""},
		{"2026", "张伟", badCheck, "48000", ""},
		{"2026", "陈刚", chenID, "-2400", ""},
		{"2026", "王强", wangID, "30000", ""},
		{"2026", "张伟", zhangID, "49000", ""},
		{"2026", "李娜", liID, "42000", "450102001"},
		{"2026", "某人", idNumber("450102", "19600101", 999), "30000", ""},
	}
	s, err := f.ppl.PreparePayImport(ctx, f.street, u2, "pay.xlsx", header, bad)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Problems {
		got = append(got, p.ZH)
	}
	want := []string{
		"第3行：党员名册中您管理范围内没有这个身份证号和姓名的人员",
		"第4行：身份证号无效：" + badCheckMessage(t, badCheck),
		"第5行：年基本报酬应在 1000–1000000 元之间，请核对（单位：元/年）；党员名册中您管理范围内没有这个身份证号和姓名的人员",
		"第6行：王强 2026 年未在村（社区）担任干部职务：请先登记其任职",
		"第7行：张伟 2026 年的报酬与第2行重复",
		"第8行：基本报酬只登记村（社区）党组织的干部：民生街道党工委不是村或社区党组织",
		"第9行：党员名册中您管理范围内没有这个身份证号和姓名的人员",
	}
	if s.Status != "invalid" || s.Total != 8 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("session %s of %d rows, problems:\n%s\nwant:\n%s", s.Status, s.Total, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	all := strings.Join(got, "") + testrig.DumpTable(t, ctx, f.d, "import_sessions")
	for _, id := range []string{zhangID, liID, chenID, wangID, badCheck, zhangID[6:14]} {
		if strings.Contains(all, id) {
			t.Errorf("an ID number is in clear in the problems or the session: %s", id)
		}
	}
	if _, err := f.ppl.ApplyPayImport(ctx, f.street, u2, s.ID); errs.As(err).ZH != "文件有 7 行错误，请修改后重新上传，未导入任何数据" {
		t.Errorf("applying a bad file: %v", err)
	}
	if n := f.count(t, "cadre_pay"); n != 0 {
		t.Errorf("%d pays recorded by a refused file", n)
	}
	// Another user cannot apply the session.
	if _, err := f.ppl.ApplyPayImport(ctx, f.admin, u1, s.ID); errs.KindOf(err) != errs.NotFound {
		t.Errorf("another user's session: %v", err)
	}

	good := [][]string{{"2026", "张伟", strings.ToLower(zhangID), "48,000", ""}, {"2026", "李娜", liID, "42000", "450102001003"}, {"2026", "陈刚", chenID, "24000", ""}}
	s, err = f.ppl.PreparePayImport(ctx, f.admin, u1, "pay.xlsx", header, good)
	if err != nil || s.Status != "ready" || s.Total != 3 {
		t.Fatalf("good file: %+v %v", s, err)
	}
	if n, err := f.ppl.ApplyPayImport(ctx, f.admin, u1, s.ID); err != nil || n != 3 {
		t.Fatalf("apply: %d %v", n, err)
	}
	if err := f.ppl.SetReference(ctx, f.admin, people.RefInput{OrgID: *f.ms.ParentID, Year: 2025, Rural: 21000, Urban: 45000}); err != nil {
		t.Fatal(err)
	}
	sum, err := f.ppl.PaySummary(ctx, f.admin, *f.ms.ParentID, 2026)
	// 李娜 42,000 against 45,000: short by 3,000; the others above.
	if err != nil || fmt.Sprintf("%+v", sum) != "{Year:2026 Cadres:3 OK:2 Below:1 NoReference:0 Shortfall:3000}" {
		t.Errorf("summary: %+v %v", sum, err)
	}
	if audit := testrig.DumpTable(t, ctx, f.d, "audit_log"); strings.Contains(audit, zhangID) || strings.Contains(audit, liID) || !strings.Contains(audit, "从 pay.xlsx 导入村（社区）干部基本报酬 3 条") {
		t.Errorf("the import's audit entry")
	}
}

// badCheckMessage is the parser's message for a number with a wrong
// check character, which names no digit.
func badCheckMessage(t *testing.T, n string) string {
	t.Helper()
	_, err := ids.ParseIDCard(n, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	if err == nil {
		t.Fatalf("%s parsed", n)
	}
	return errs.As(err).ZH
}
