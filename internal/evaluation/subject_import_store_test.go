package evaluation_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/xlsx"
)

// user adds a user row for import sessions to belong to.
func (f *fx) user(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := f.d.WriteQueryRow(context.Background(), f.d.Rebind("INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES (?, 'x', ?, '', '') RETURNING id"),
		name, f.district.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// qianqiCampaign creates a draft 千企议科长 owned by 兴宁区委.
func (f *fx) qianqiCampaign(t *testing.T) evaluation.Campaign {
	t.Helper()
	opens, closes := window()
	c, err := f.ev.CreateCampaign(context.Background(), f.admin, evaluation.CampaignInput{OwnerOrgID: f.district.ID, Name: "2026年度兴宁区“千企议科长”评议",
		Type: evaluation.TypeQianQi, Year: 2026, OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateQianQiYiKeZhang()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// workbook writes rows (the header first) as an .xlsx file, as a user's
// Excel would, and reads it back the way an upload is read.
func workbook(t *testing.T, rows [][]string) ([]string, [][]string) {
	t.Helper()
	x := excelize.NewFile()
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := x.SetCellStr("Sheet1", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	header, data, err := xlsx.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return header, data
}

// agencies are three agencies of 兴宁区, each with two sections.
var agencies = []struct{ unit, sections string }{
	{"兴宁区行政审批局", "企业登记科、投资项目审批科"},
	{"兴宁区市场监督管理局", "登记注册科、食品安全科"},
	{"兴宁区住房和城乡建设局", "建筑管理科、房地产市场科"},
}

// staffList is a 千企议科长 list: every section of every agency with its
// 科长, 副科长 and one 科员, in that order.
func staffList() [][]string {
	rows := [][]string{evaluation.SubjectImportHeader}
	posts := []string{"科长", "副科长", "科员"}
	n := 0
	for _, a := range agencies {
		for _, sec := range strings.Split(a.sections, "、") {
			for _, post := range posts {
				n++
				groups := ""
				if post == "科员" {
					groups = "企业、服务对象"
				}
				rows = append(rows, []string{"个人", fmt.Sprintf("干部%02d", n), post, a.unit, sec, "", groups, ""})
			}
		}
	}
	return rows
}

func TestSubjectImportQianQi(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	uid := f.user(t, "importer")
	c := f.qianqiCampaign(t)
	header, rows := workbook(t, staffList())
	sess, err := f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "科长名单.xlsx", header, rows)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status != "ready" || sess.Total != 18 || len(sess.Problems) != 0 || len(sess.Rows) != 18 || sess.Lines[17] != 19 {
		t.Fatalf("prepared %s with %d rows, %d ready, problems %v", sess.Status, sess.Total, len(sess.Rows), sess.Problems)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", c.ID); n != 0 {
		t.Fatalf("%d subjects before the import is applied", n)
	}
	applied, err := f.ev.ApplySubjectImport(ctx, f.admin, uid, sess.ID)
	if err != nil || applied.CampaignID != c.ID || len(applied.Rows) != 18 {
		t.Fatalf("apply: %v %d", err, len(applied.Rows))
	}
	subs, err := f.ev.Subjects(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 18 {
		t.Fatalf("%d subjects, want 18", len(subs))
	}
	i := 0
	for _, a := range agencies {
		for _, sec := range strings.Split(a.sections, "、") {
			for _, post := range []string{"科长", "副科长", "科员"} {
				sb := subs[i]
				i++
				want := fmt.Sprintf("干部%02d", i)
				if sb.Kind != evaluation.SubjectPerson || sb.Name != want || sb.Post != post || sb.Unit != a.unit || sb.Section != sec || sb.OrgID != nil {
					t.Fatalf("subject %d: %+v, want %s %s %s %s", i, sb, want, post, a.unit, sec)
				}
				wantGroups := "[]"
				if post == "科员" {
					wantGroups = "[enterprise served]"
				}
				if fmt.Sprint(sb.Groups) != wantGroups {
					t.Fatalf("subject %d groups %v, want %s", i, sb.Groups, wantGroups)
				}
			}
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.subjects_import' AND target_id = ? AND summary = ?",
		itoa(c.ID), "从 科长名单.xlsx 为测评 "+c.Name+" 导入测评对象 18 个"); n != 1 {
		t.Fatalf("%d audit entries for the import", n)
	}
	_, err = f.ev.ApplySubjectImport(ctx, f.admin, uid, sess.ID)
	wantErr(t, "apply twice", err, errs.Conflict, "该导入批次已经导入过了")
	// The same file again: every person is already a subject.
	sess, err = f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "科长名单.xlsx", header, rows)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status != "invalid" || len(sess.Problems) != 18 || sess.Problems[0].ZH != "第 2 行“姓名或名称”：“干部01”（兴宁区行政审批局 · 企业登记科）已是本次测评的对象" {
		t.Fatalf("re-import: %s %d %v", sess.Status, len(sess.Problems), sess.Problems[0])
	}
	if n := f.count(t, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", c.ID); n != 18 {
		t.Fatalf("%d subjects after the refused re-import", n)
	}
}

func TestSubjectImportBadRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	uid := f.user(t, "importer")
	// A 述职评议 of 三塘镇: its communities by number or by division code, and people.
	c, _ := f.villageCampaign(t, 1)
	if _, err := f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "黄强", Post: "副书记", Unit: f.town.Name}}); err != nil {
		t.Fatal(err)
	}
	before := f.count(t, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", c.ID)
	v1, v2 := f.villages[1], f.villages[2]
	header := []string{"类型", "姓名或名称", "职务*", "单位(部门)", "科室", "党组织代码或id", "评委组", "述职报告"}
	rows := [][]string{
		{"个人", "张伟", "组织委员", f.town.Name, "党政办", "", "党员代表、群众代表", ""}, // 2: good
		{"党组织", "", "", "", "", fmt.Sprint(v1.ID), "", "抓基层党建工作述职"},   // 3: good, by number
		{"党组织", "", "", "", "", v2.RegionCode, "", ""},                // 4: good, by division code
		{"个人", "李娜", "", f.town.Name, "", "", "", ""},                 // 5: no post
		{"单位", "王强", "主任", f.town.Name, "", "", "", ""},               // 6: unknown kind
		{"党组织", "", "", "", "", "999999", "", ""},                     // 7: unknown organization
		{"党组织", "", "", "", "", f.other.RegionCode, "", ""},           // 8: outside 三塘镇
		{"个人", "张伟", "宣传委员", f.town.Name, "党政办", "", "", ""},          // 9: repeats row 2
		{"个人", "黄强", "副书记", f.town.Name, "", "", "", ""},              // 10: already a subject
		{"党组织", "", "", "", "", fmt.Sprint(f.villages[0].ID), "", ""}, // 11: already a subject
		{"党组织", "", "", "", "", fmt.Sprint(v1.ID), "", ""},            // 12: repeats row 3
		{"个人", "陈芳", "委员", f.town.Name, "", "", "村民代表", ""},           // 13: unknown group
		{"个人", "刘洋", "委员", f.town.Name, "", "450102101", "", ""},      // 14: a person with an organization
		{"党组织", "", "", "", "", "三塘镇", "", ""},                        // 15: not a number
		{"个人", strings.Repeat("名", 51), "", "", "", "", "", ""},       // 16: long name, no post, no unit
		{"", "", "", "", "", "", "", ""},                              // 17: blank, skipped
		{"", "赵敏", "委员", f.town.Name, "", "", "", ""},                 // 18: good, kind defaults to 个人
	}
	sess, err := f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "名单.csv", header, rows)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		5:  "第 5 行“职务”：请填写职务",
		6:  "第 6 行“类型”：类型应填“个人”或“党组织”，现为“单位”",
		7:  "第 7 行“党组织代码或ID”：党组织 999999 不存在或不在您的管理范围内",
		8:  fmt.Sprintf("第 8 行“党组织代码或ID”：“%s”不在“%s”的管辖范围内，不能作为本次测评的对象", f.other.Name, f.town.Name),
		9:  fmt.Sprintf("第 9 行“姓名或名称”：“张伟”（%s · 党政办）与第 2 行重复，请只保留一个", f.town.Name),
		10: fmt.Sprintf("第 10 行“姓名或名称”：“黄强”（%s）已是本次测评的对象", f.town.Name),
		11: fmt.Sprintf("第 11 行“党组织代码或ID”：“%s”已是本次测评的对象", f.villages[0].Name),
		12: fmt.Sprintf("第 12 行“党组织代码或ID”：“%s”与第 3 行重复，请只保留一个", v1.Name),
		13: "第 13 行“评委组”：评委组“村民代表”不在本次测评中，可填：上级党组织、党员代表、群众代表",
		14: "第 14 行“党组织代码或ID”：个人不填党组织代码或ID；如要测评党组织，请把“类型”改为“党组织”",
		15: "第 15 行“党组织代码或ID”：“三塘镇”应为党组织编号（数字）或区划代码",
		16: "第 16 行“姓名或名称”：姓名最多 50 字，现为 51 字；“职务”：请填写职务；“单位（部门）”：请填写所在单位或部门",
	}
	if sess.Status != "invalid" || sess.Total != 16 || len(sess.Problems) != len(want) {
		for _, p := range sess.Problems {
			t.Log(p.ZH)
		}
		t.Fatalf("status %s, %d rows, %d problems", sess.Status, sess.Total, len(sess.Problems))
	}
	for _, p := range sess.Problems {
		if want[p.Row] != p.ZH {
			t.Errorf("row %d:\n got %s\nwant %s", p.Row, p.ZH, want[p.Row])
		}
	}
	if p := sess.Problems[0]; p.EN != "row 5, 职务: enter the post" {
		t.Errorf("English: %s", p.EN)
	}
	_, err = f.ev.ApplySubjectImport(ctx, f.admin, uid, sess.ID)
	wantErr(t, "apply an invalid file", err, errs.Invalid, fmt.Sprintf("文件有 %d 行错误，请修改后重新上传，未导入任何数据", len(want)))
	if n := f.count(t, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", c.ID); n != before {
		t.Fatalf("%d subjects after a refused import, want %d", n, before)
	}

	// The good rows alone import: numbers, division codes, group names.
	good := [][]string{rows[0], rows[1], rows[2], rows[16]}
	sess, err = f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "名单.csv", header, good)
	if err != nil || sess.Status != "ready" {
		t.Fatalf("good rows: %v %v", err, sess.Problems)
	}
	if _, err := f.ev.ApplySubjectImport(ctx, f.admin, uid, sess.ID); err != nil {
		t.Fatal(err)
	}
	subs, _ := f.ev.Subjects(ctx, f.admin, c.ID)
	got := subs[len(subs)-4:]
	if got[0].Name != "张伟" || fmt.Sprint(got[0].Groups) != "[members masses]" || *got[1].OrgID != v1.ID || got[1].Name != v1.Name ||
		got[1].ReportText != "抓基层党建工作述职" || *got[2].OrgID != v2.ID || got[3].Name != "赵敏" || got[3].Kind != evaluation.SubjectPerson {
		t.Fatalf("imported %+v", got)
	}

	// Files that cannot be read as a list of subjects.
	_, err = f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "x.csv", []string{"名称", "统一社会信用代码"}, [][]string{{"某公司", "91450102MA5KQ2N83Y"}})
	wantErr(t, "persons without post and unit columns", err, errs.Invalid, "缺少必填列：职务、单位（部门）（个人测评对象必须填写）")
	_, err = f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "x.csv", []string{"编号", "备注"}, [][]string{{"1", "x"}})
	wantErr(t, "no name column", err, errs.Invalid, "缺少必填列：姓名或名称")
}

func TestSubjectImportFrozen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	uid := f.user(t, "importer")
	c := f.qianqiCampaign(t)
	header, rows := workbook(t, staffList())
	sess, err := f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "科长名单.xlsx", header, rows[:3])
	if err != nil || sess.Status != "ready" {
		t.Fatalf("prepare: %v %v", err, sess.Problems)
	}
	if _, err := f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "李四", Post: "科长", Unit: "兴宁区教育局"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	const frozen = "测评已开始，指标、评委组、权重和阈值不能再修改"
	_, err = f.ev.ApplySubjectImport(ctx, f.admin, uid, sess.ID)
	wantErr(t, "apply after opening", err, errs.Conflict, frozen)
	_, err = f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "科长名单.xlsx", header, rows)
	wantErr(t, "import into an open campaign", err, errs.Conflict, frozen)
	if n := f.count(t, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", c.ID); n != 1 {
		t.Fatalf("%d subjects, want 1", n)
	}
	// Another user cannot apply the session.
	other := f.user(t, "other")
	_, err = f.ev.ApplySubjectImport(ctx, f.admin, other, sess.ID)
	wantErr(t, "another user's session", err, errs.NotFound, "导入批次不存在或已过期")
}
