package people_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/people"
)

// importFile is a member file: the template's header and rows given by
// column.
func importFile(rows ...map[string]string) ([]string, [][]string) {
	header := people.MemberImportHeader()
	var out [][]string
	for _, r := range rows {
		line := make([]string, len(header))
		for i, h := range header {
			line[i] = r[h]
		}
		out = append(out, line)
	}
	return header, out
}

// member is a good row of the file.
func member(name, id, orgName string) map[string]string {
	return map[string]string{"姓名": name, "公民身份号码": id, "民族": "汉族", "学历": "大学本科", "人员类别": "正式党员", "入党日期": "2010-07-01", "所在党组织名称": orgName}
}

func with(m map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestMemberImport: a good file is checked, stored sealed and applied in
// one step; the members, their timelines and the counts are as if each had
// been registered on the form.
func TestMemberImport(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	uid := f.user(t, "street")
	zw, ln, wf := idNumber("450102", "19850312", 123), idNumber("450103", "19850620", 124), idNumber("450102", "20000101", 222)
	header, rows := importFile(
		with(member("张伟", zw, "兴宁社区党支部"), "联系电话", "13812345678", "转为正式党员日期", "2011-07-01"),
		with(member("李娜", ln, ""), "所在党组织编号", fmt.Sprint(f.c3.ID), "性别", "女", "出生日期", "1985-06-20"),
		with(member("王芳", wf, "民生街道党工委"), "人员类别", "预备党员", "入党日期", "2026-06-01", "民族", "08", "学历", "硕士研究生"),
	)
	sess, err := f.ppl.PrepareMemberImport(ctx, f.street, uid, "党员.xlsx", header, rows)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status != "ready" || sess.Total != 3 || len(sess.Problems) != 0 || sess.Orgs != 2 {
		t.Fatalf("checked: %+v", sess)
	}
	// The session holds the numbers sealed.
	var payload string
	if err := f.d.QueryRow(ctx, "SELECT payload FROM import_sessions WHERE id = ?", sess.ID).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{zw, ln, wf, "13812345678", "张伟"} {
		if strings.Contains(payload, clear) {
			t.Errorf("the stored session holds %s in clear", clear)
		}
	}
	if f.count(t, "persons") != 0 {
		t.Fatal("checking registered members")
	}
	n, err := f.ppl.ApplyMemberImport(ctx, f.street, uid, sess.ID)
	if err != nil || n != 3 {
		t.Fatalf("applied %d: %v", n, err)
	}
	list, total, _ := f.ppl.Members(ctx, f.street, people.MemberQuery{})
	var got []string
	for _, m := range list {
		got = append(got, fmt.Sprintf("%s %s %s %s %s %s", m.Name, m.OrgName, m.Membership.Kind, m.Ethnicity, m.Education, m.PhoneMask))
	}
	if total != 3 || strings.Join(got, ", ") != "李娜 兴宁社区党支部 full 01 21 , 王芳 民生街道党工委 probationary 08 14 , 张伟 兴宁社区党支部 full 01 21 138****5678" {
		t.Errorf("imported: %d %v", total, got)
	}
	if st, _ := f.ppl.Stats(ctx, f.admin, f.ms.ID); st.Total != 3 || st.Women != 2 || st.Probationary != 1 {
		t.Errorf("民生街道 after the import: %+v", st)
	}
	f.recount(t)
	// An import into an empty register refreshed the planner's picture of
	// it: PostgreSQL knows the three persons (-1 is "never analyzed").
	if f.d.Dialect == db.Postgres {
		var tuples float64
		if err := f.d.QueryRow(ctx, "SELECT reltuples FROM pg_class WHERE oid = 'persons'::regclass").Scan(&tuples); err != nil || tuples != 3 {
			t.Errorf("persons as the planner sees them after the import: %v (%v)", tuples, err)
		}
	}
	if tl := f.timeline(t, list[2].ID); tl != "2010-07-01 登记为兴宁社区党支部正式党员 (street)\n2011-07-01 转为正式党员 (street)" {
		t.Errorf("张伟's timeline: %s", tl)
	}
	var audited int
	_ = f.d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'member.import' AND summary LIKE '%导入党员 3 名%'").Scan(&audited)
	if audited != 1 {
		t.Errorf("%d audit entries of the import", audited)
	}
	if _, err := f.ppl.ApplyMemberImport(ctx, f.street, uid, sess.ID); errs.As(err).ZH != "该导入批次已经导入过了" {
		t.Errorf("applied twice: %v", err)
	}
}

// TestMemberImportRefusedWhole: a file with bad rows is stored invalid with
// every row's problems, and nobody is registered; a number registered in
// the street's scope is named, one outside it only said to be registered
// and written to the audit log.
func TestMemberImportRefusedWhole(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	uid := f.user(t, "street")
	mine := f.add(t, f.c3, "赵敏", idNumber("450102", "19800101", 311), "full", "2005-07-01")
	other := f.add(t, f.st, "钱进", idNumber("450102", "19800101", 313), "full", "2005-07-01")
	dead := f.branch(t, f.ms, "民生街道撤销党支部")
	if _, err := f.orgs.Dissolve(ctx, f.admin, dead.ID, "2026-11-01", "合并"); err != nil {
		t.Fatal(err)
	}
	good := idNumber("450102", "19850312", 123)
	wrongCheck := good[:17] + map[bool]string{true: "1", false: "2"}[good[17] != '1']
	before := f.count(t, "persons")
	header, rows := importFile(
		member("张伟", good, "兴宁社区党支部"),       // row 2: good
		member("李娜", wrongCheck, "兴宁社区党支部"), // row 3
		with(member("王芳", idNumber("450102", "19900101", 222), "兴宁社区党支部"), "出生日期", "1990-01-02", "性别", "男"),          // row 4
		member("刘洋", idNumber("450102", "19700101", 331), "三塘镇党委"),                                                   // row 5: outside the street
		member("陈静", idNumber("450102", "19700101", 442), "民生街道撤销党支部"),                                               // row 6: dissolved
		member("张伟", good, "兴宁社区党支部"),                                                                                // row 7: repeats row 2
		member("赵敏", idNumber("450102", "19800101", 311), "兴宁社区党支部"),                                                 // row 8: registered, readable
		member("钱进", idNumber("450102", "19800101", 313), "兴宁社区党支部"),                                                 // row 9: registered outside
		with(member("孙丽", idNumber("450102", "19920202", 442), "兴宁社区党支部"), "人员类别", "预备党员", "转为正式党员日期", "2011-07-01"), // row 10
		with(member("周强", idNumber("450102", "19920202", 551), ""), "所在党组织名称", ""),                                   // row 11
	)
	sess, err := f.ppl.PrepareMemberImport(ctx, f.street, uid, "党员.xlsx", header, rows)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"第3行：身份证号第 18 位校验码与前 17 位不符：可能有数字输错，请对照证件逐位核对，不要只改第 18 位",
		"第4行：性别与身份证号不符：身份证号第 17 位表示女；出生日期与身份证号不符：身份证号第 7–14 位为 1990-01-01",
		"第5行：在您的管理范围内没有名为“三塘镇党委”的党组织",
		"第6行：“民生街道撤销党支部”已撤销，不能接收党员",
		"第7行：公民身份号码与第2行重复",
		"第8行：该公民身份号码已登记：赵敏，现为兴宁社区党支部正式党员",
		"第9行：该公民身份号码已登记在您管理范围以外的党组织，请联系上级组织部门",
		"第10行：预备党员没有转正日期：转正时再填写",
		"第11行：请填写所在党组织编号或所在党组织名称",
	}
	var gotP []string
	for _, p := range sess.Problems {
		gotP = append(gotP, p.ZH)
	}
	if sess.Status != "invalid" || sess.Total != 10 || strings.Join(gotP, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems (%s, %d rows):\n%s\nwant\n%s", sess.Status, sess.Total, strings.Join(gotP, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range sess.Problems {
		if strings.Contains(p.ZH+p.EN, good[:14]) || strings.Contains(p.ZH+p.EN, "19800101") {
			t.Errorf("a problem shows an ID number: %s", p.ZH)
		}
	}
	if _, err := f.ppl.ApplyMemberImport(ctx, f.street, uid, sess.ID); errs.As(err).ZH != "文件有 9 行错误，请修改后重新上传，未导入任何数据" {
		t.Errorf("applying an invalid session: %v", err)
	}
	if f.count(t, "persons") != before {
		t.Error("a refused file registered members")
	}
	var dup int
	_ = f.d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.duplicate' AND target_id = ?", fmt.Sprint(other.ID)).Scan(&dup)
	if dup != 1 {
		t.Errorf("%d duplicate entries for 钱进, want 1", dup)
	}
	_ = mine
	// A file without the organization columns is refused before any row.
	if _, err := f.ppl.PrepareMemberImport(ctx, f.street, uid, "x.xlsx", []string{"姓名", "公民身份号码", "民族", "学历", "人员类别", "入党日期"}, [][]string{{"张伟"}}); errs.As(err).ZH != "缺少必填列：所在党组织编号 或 所在党组织名称" {
		t.Errorf("no organization column: %v", err)
	}
	// An auditor may not import.
	aud := testPerms.Bind(access.Actor{UserID: 9, Username: "aud", Grants: []access.Grant{{Role: access.Auditor, OrgPath: f.ms.Path}}})
	if _, err := f.ppl.PrepareMemberImport(ctx, aud, uid, "党员.xlsx", header, rows); errs.KindOf(err) != errs.Forbidden {
		t.Errorf("an auditor importing: %v", err)
	}
}

// TestMemberImportRegisteredMeanwhile: a number registered between the
// check and the apply refuses the whole file.
func TestMemberImportRegisteredMeanwhile(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	uid := f.user(t, "street")
	a, b := idNumber("450102", "19850312", 123), idNumber("450103", "19850620", 124)
	header, rows := importFile(member("张伟", a, "兴宁社区党支部"), member("李娜", b, "兴宁社区党支部"))
	sess, err := f.ppl.PrepareMemberImport(ctx, f.street, uid, "党员.xlsx", header, rows)
	if err != nil || sess.Status != "ready" {
		t.Fatalf("%+v %v", sess, err)
	}
	f.add(t, f.st, "李娜", b, "full", "2008-06-30")
	if _, err := f.ppl.ApplyMemberImport(ctx, f.street, uid, sess.ID); errs.As(err).ZH != "第3行：该公民身份号码在检查文件后已被登记，请重新上传（未导入任何数据）" {
		t.Errorf("apply after a registration: %v", err)
	}
	if n := f.count(t, "persons"); n != 1 {
		t.Errorf("%d persons, want 1", n)
	}
	f.recount(t)
}

// TestNumberProbesHeldBack: a secretary may not see numbers in full, and
// the mask and the age leave a few dozen candidates for a member's number.
// Trying them one by one — by the member search, a training import or the
// pay import — spends the account's allowance of probes with every miss
// (a wrong name reads as no such number): after 21 misses even the right
// number is refused for a while. The department, which may reveal
// numbers, is not counted.
func TestNumberProbesHeldBack(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	target := f.add(t, f.c3, "闭兰月", idNumber("450102", "19900601", 90), "full", "2010-07-01")
	right := idNumber("450102", "19900601", 90)
	for day := 1; day <= 21; day++ {
		cand := idNumber("450102", fmt.Sprintf("199006%02d", day+1), 90)
		list, _, err := f.ppl.Members(ctx, f.secretary, people.MemberQuery{Q: cand})
		switch {
		case day <= 20 && (err != nil || len(list) != 0):
			t.Fatalf("candidate %d: %v %d", day, err, len(list))
		case day == 21 && errs.KindOf(err) != errs.TooMany:
			t.Fatalf("the 21st miss: %v", err)
		}
	}
	_, _, err := f.ppl.Members(ctx, f.secretary, people.MemberQuery{Q: right})
	if errs.KindOf(err) != errs.TooMany || !strings.HasPrefix(errs.As(err).ZH, "按身份证号登记或查找未果的次数过多") {
		t.Fatalf("the right number after 21 misses: %v", err)
	}
	// The department is not held back, and finds the member.
	if list, _, err := f.ppl.Members(ctx, f.street, people.MemberQuery{Q: right}); err != nil || len(list) != 1 || list[0].ID != target.ID {
		t.Errorf("the department's search: %v %v", list, err)
	}
}

// TestImportIsNoFasterProbe: a secretary, who may not reveal numbers,
// uploads every candidate for a member's number that the mask (region and
// last four) and the age leave. The candidates spend the same allowance as
// searches, so the check is refused before it names the member, and the
// account is held back; the department, who may reveal numbers, gets the
// check with the member named.
func TestImportIsNoFasterProbe(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	right := idNumber("450102", "19900601", 90)
	f.add(t, f.c3, "闭兰月", right, "full", "2010-07-01")
	var cands []map[string]string
	for d := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 1990; d = d.AddDate(0, 0, 1) {
		if n := idNumber("450102", d.Format("20060102"), 90); n[14:] == right[14:] {
			cands = append(cands, with(member("候选", n, "兴宁社区党支部"), "入党日期", ""))
		}
	}
	if len(cands) < 25 {
		t.Fatalf("only %d candidates", len(cands))
	}
	header, rows := importFile(cands...)
	sess, err := f.ppl.PrepareMemberImport(ctx, f.secretary, f.user(t, "sec"), "党员.xlsx", header, rows)
	if errs.KindOf(err) != errs.TooMany || len(sess.Problems) != 0 {
		t.Fatalf("%d candidates checked by the secretary: %v, %d problems", len(cands), err, len(sess.Problems))
	}
	if _, _, err := f.ppl.Members(ctx, f.secretary, people.MemberQuery{Q: right}); errs.KindOf(err) != errs.TooMany {
		t.Errorf("the secretary's search after the file: %v", err)
	}
	// A member who has died still shows their masked number in the list of
	// those who left: the candidates for it cost as much.
	gone := idNumber("450102", "19420228", 659)
	dead := f.add(t, f.c3, "闭林强", gone, "full", "1970-07-01")
	if _, err := f.ppl.SetStatus(ctx, f.admin, dead.ID, people.StatusInput{Status: "deceased", OnDate: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	var past []map[string]string
	for d := time.Date(1942, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == 1942; d = d.AddDate(0, 0, 1) {
		if n := idNumber("450102", d.Format("20060102"), 659); n[14:] == gone[14:] {
			past = append(past, with(member("候选", n, "兴宁社区党支部"), "入党日期", ""))
		}
	}
	h2, r2 := importFile(past...)
	sec2 := testPerms.Bind(access.Actor{UserID: 33, Username: "sec2", Grants: []access.Grant{{Role: access.Secretary, OrgPath: f.c3.Path}}})
	if _, err := f.ppl.PrepareMemberImport(ctx, sec2, f.user(t, "sec2"), "党员.xlsx", h2, r2); errs.KindOf(err) != errs.TooMany {
		t.Errorf("%d candidates for a member who died: %v", len(past), err)
	}
	sess, err = f.ppl.PrepareMemberImport(ctx, f.street, f.user(t, "street"), "党员.xlsx", header, rows)
	named := 0
	for _, p := range sess.Problems {
		if strings.Contains(p.ZH, "该公民身份号码已登记：闭兰月") {
			named++
		}
	}
	if err != nil || named != 1 {
		t.Errorf("the department's check: %v, %d rows name the member", err, named)
	}
}

// TestImportTakesCommonSpellings: the spellings files are written in — 汉
// for 汉族, 本科 for 大学本科, 预备 for 预备党员, dates with slashes, dots or
// 年月日 — are read as the codes they stand for.
func TestImportTakesCommonSpellings(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	uid := f.user(t, "street")
	header, rows := importFile(
		with(member("张伟", idNumber("450102", "19850312", 123), "兴宁社区党支部"), "民族", "汉", "学历", "本科", "入党日期", "2010/7/1", "转为正式党员日期", "2011.7.1"),
		with(member("李娜", idNumber("450103", "19850620", 124), "兴宁社区党支部"), "民族", "壮", "学历", "大专", "人员类别", "预备", "入党日期", "2026年6月1日"),
	)
	sess, err := f.ppl.PrepareMemberImport(ctx, f.street, uid, "党员.csv", header, rows)
	if err != nil || sess.Status != "ready" {
		t.Fatalf("%+v %v", sess.Problems, err)
	}
	if _, err := f.ppl.ApplyMemberImport(ctx, f.street, uid, sess.ID); err != nil {
		t.Fatal(err)
	}
	list, _, _ := f.ppl.Members(ctx, f.street, people.MemberQuery{})
	var got []string
	for _, m := range list {
		got = append(got, fmt.Sprintf("%s %s %s %s %s %s", m.Name, m.Ethnicity, m.Education, m.Membership.Kind, m.Membership.JoinedOn, m.Membership.FullOn))
	}
	if strings.Join(got, ", ") != "李娜 08 31 probationary 2026-06-01 , 张伟 01 21 full 2010-07-01 2011-07-01" {
		t.Errorf("imported: %v", got)
	}
}

// TestConcurrentMemberImports: two departments apply imports at the same
// moment, again and again. Each gets its members registered; before, one
// import's ids were reserved from the sequence and the other moved the
// sequence back to the largest id it could see, so the next import drew
// ids already taken and failed with an internal error.
func TestConcurrentMemberImports(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	uid := f.user(t, "street")
	const rounds, per = 6, 5
	var sessions [2][]string
	for c := range 2 {
		for r := range rounds {
			var ms []map[string]string
			for i := range per {
				ms = append(ms, member("张伟", idNumber("450102", "19700101", c*500+r*per+i), "兴宁社区党支部"))
			}
			header, rows := importFile(ms...)
			sess, err := f.ppl.PrepareMemberImport(ctx, f.street, uid, "党员.xlsx", header, rows)
			if err != nil || sess.Status != "ready" {
				t.Fatalf("prepare: %+v %v", sess, err)
			}
			sessions[c] = append(sessions[c], sess.ID)
		}
	}
	var wg sync.WaitGroup
	var failed [2]error
	for c := range 2 {
		wg.Go(func() {
			for _, id := range sessions[c] {
				if n, err := f.ppl.ApplyMemberImport(ctx, f.street, uid, id); err != nil || n != per {
					failed[c] = fmt.Errorf("apply %s: %d members, %v", id, n, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range failed {
		if err != nil {
			t.Error(err)
		}
	}
	if n := f.count(t, "persons"); n != 2*rounds*per {
		t.Errorf("%d persons registered, want %d", n, 2*rounds*per)
	}
}
