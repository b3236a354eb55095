package people_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// trainingFx is the training of 兴宁区 in 2026: seven members of a street's
// community and a township's village, four courses, and what each attended.
type trainingFx struct {
	*fx
	county, village                         org.Org
	zhang, li, wang, chen, zhao, liu, huang people.Person
	a, b, c, old                            people.Course
}

func newTrainingFx(t *testing.T) *trainingFx {
	t.Helper()
	ctx := context.Background()
	f := &trainingFx{fx: newFx(t)}
	get := func(code string) org.Org {
		l, _, _ := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		return l[0]
	}
	f.county, f.village = get("450102"), get("450102101201")
	f.zhang = f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	f.li = f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	f.wang = f.add(t, f.c3, "王芳", idNumber("450102", "19900101", 222), "full", "2015-01-10")
	f.chen = f.add(t, f.village, "陈刚", idNumber("450102", "19700909", 441), "full", "1995-10-01")
	f.zhao = f.add(t, f.village, "赵敏", idNumber("450102", "19880808", 442), "full", "2012-05-04")
	f.liu = f.add(t, f.village, "刘洋", idNumber("450102", "19770303", 443), "full", "2001-07-01")
	f.huang = f.add(t, f.village, "黄磊", idNumber("450102", "19820202", 445), "full", "2006-07-01")
	for _, in := range []people.PostInput{{PersonID: f.zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2023-01-15"},
		{PersonID: f.li.ID, OrgID: f.c3.ID, Post: "committee_member", StartedOn: "2024-01-15"},
		{PersonID: f.huang.ID, OrgID: f.village.ID, Post: "village_committee", StartedOn: "2021-05-01"}} {
		if _, err := f.ppl.Appoint(ctx, f.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	for id, st := range map[int64]people.StatusInput{f.zhao.ID: {Status: "floating", Where: "广东省深圳市", OnDate: "2026-02-01"}, f.liu.ID: {Status: "lost", OnDate: "2026-04-01"}} {
		if _, err := f.ppl.SetStatus(ctx, f.admin, id, st); err != nil {
			t.Fatal(err)
		}
	}
	course := func(o org.Org, title, kind, start, end string, hours float64, posts ...string) people.Course {
		c, err := f.ppl.CreateCourse(ctx, f.admin, people.CourseInput{OrgID: o.ID, Title: title, Kind: kind, StartsOn: start, EndsOn: end, Hours: hours, Posts: posts})
		if err != nil {
			t.Fatalf("course %s: %v", title, err)
		}
		return c
	}
	f.a = course(f.county, "2026年党员集中轮训", "centralized", "2026-03-01", "2026-03-05", 32)
	f.b = course(f.ms, "基层党组织书记培训班", "party_school", "2026-05-10", "2026-05-12", 24, "secretary", "committee_member")
	f.c = course(f.st, "党的二十届四中全会精神网络专题", "online", "2026-06-01", "2026-06-30", 8.5)
	f.old = course(f.county, "2025年党员集中轮训", "centralized", "2025-03-01", "2025-03-05", 40)
	for _, at := range []struct {
		c     people.Course
		p     people.Person
		hours float64
	}{{f.a, f.zhang, 0}, {f.b, f.zhang, 0}, {f.a, f.li, 30}, {f.b, f.li, 20}, {f.a, f.wang, 0}, {f.old, f.wang, 0},
		{f.a, f.chen, 24}, {f.c, f.chen, 8.5}, {f.c, f.zhao, 0}, {f.a, f.huang, 0}} {
		if _, err := f.ppl.Attend(ctx, f.admin, at.c.ID, people.AttendInput{PersonID: at.p.ID, Hours: at.hours}); err != nil {
			t.Fatalf("%s attends %s: %v", at.p.Name, at.c.Title, err)
		}
	}
	// The county asks 40 学时 of the villages' "两委" members.
	if _, err := f.ppl.SetRequirement(ctx, f.admin, people.RequirementInput{OrgID: f.county.ID, Post: "village_committee", Hours: 40}); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTrainingCompletionByHand: the completion of 兴宁区 in 2026 against a
// computation by hand.
//
//	张伟  书记 (56)        A 32 + B 24      = 56    done
//	李娜  委员 (56)        A 30 + B 20      = 50    behind 6
//	王芳  member (32)      A 32 (2025's 40 not counted) done
//	陈刚  member (32)      A 24 + C 8.5     = 32.5  done
//	赵敏  floating (32)    C 8.5                    behind 23.5
//	刘洋  lost: not required
//	黄磊  两委 (county: 40) A 32                    behind 8
//
// Required 6, completed 3: 50 %. 民生街道 (张伟, 李娜, 王芳) 2 of 3: 66.7 %;
// 三塘镇 (陈刚, 赵敏, 黄磊) 1 of 3: 33.3 %.
func TestTrainingCompletionByHand(t *testing.T) {
	t.Parallel()
	f := newTrainingFx(t)
	ctx := context.Background()
	c, err := f.ppl.TrainingCompletion(ctx, f.admin, people.CompletionQuery{Under: f.county.ID, Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%d/%d %.1f%% behind %d", c.Completed, c.Required, c.Percent, c.Behind); got != "3/6 50.0% behind 3" {
		t.Errorf("county: %s", got)
	}
	var kids []string
	for _, k := range c.Children {
		if k.Required > 0 {
			kids = append(kids, fmt.Sprintf("%s %d/%d %.1f", k.OrgName, k.Completed, k.Required, k.Percent))
		}
	}
	if got := strings.Join(kids, "; "); got != f.ms.Label()+" 2/3 66.7; "+f.st.Label()+" 1/3 33.3" {
		t.Errorf("by child: %s", got)
	}
	var rows []string
	for _, b := range c.Rows {
		rows = append(rows, fmt.Sprintf("%s %s %s %g/%g -%g", b.Name, b.Post, b.OrgName, b.Hours, b.Required, b.Shortfall))
	}
	want := "赵敏 member " + f.village.Label() + " 8.5/32 -23.5, 黄磊 village_committee " + f.village.Label() + " 32/40 -8, 李娜 committee_member " + f.c3.Label() + " 50/56 -6"
	if got := strings.Join(rows, ", "); got != want {
		t.Errorf("behind:\n got %s\nwant %s", got, want)
	}
	if !strings.HasPrefix(c.Rows[0].IDMask, "450102********") {
		t.Errorf("the list shows %q, want the mask", c.Rows[0].IDMask)
	}
	// Sorted by name (pinyin: huang, li, zhao), searched by a whole ID number.
	c, _ = f.ppl.TrainingCompletion(ctx, f.admin, people.CompletionQuery{Under: f.county.ID, Year: 2026, Sort: "name"})
	if got := c.Rows[0].Name + c.Rows[1].Name + c.Rows[2].Name; got != "黄磊李娜赵敏" {
		t.Errorf("by name: %s", got)
	}
	c, _ = f.ppl.TrainingCompletion(ctx, f.admin, people.CompletionQuery{Under: f.county.ID, Year: 2026, Q: idNumber("450103", "19950620", 124)})
	if c.Matched != 1 || c.Rows[0].Name != "李娜" {
		t.Errorf("by ID number: %d %+v", c.Matched, c.Rows)
	}
	// The statistics carry this year's completion; the secretary of 兴宁社区
	// sees their community's: 张伟 done, 李娜 behind, 王芳 done.
	st, err := f.ppl.SubtreeStats(ctx, f.admin, f.county.ID)
	if err != nil || fmt.Sprintf("%+v", st.Training) != "{Year:2026 TrainingCount:{Required:6 Completed:3 Percent:50}}" {
		t.Errorf("stats: %+v %v", st.Training, err)
	}
	if st, err := f.ppl.SubtreeStats(ctx, f.secretary, f.c3.ID); err != nil || st.Training.Required != 3 || st.Training.Completed != 2 {
		t.Errorf("the community's stats: %+v %v", st.Training, err)
	}
	// The statistics follow at once: 赵敏 out of contact is no longer
	// required (3 of 5); 黄磊 credited 8 more reaches 40 (4 of 5).
	if _, err := f.ppl.SetStatus(ctx, f.admin, f.zhao.ID, people.StatusInput{Status: "lost", OnDate: "2026-11-01"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.ppl.SubtreeStats(ctx, f.admin, f.county.ID); st.Training.Required != 5 || st.Training.Completed != 3 {
		t.Errorf("after 赵敏 was lost: %+v", st.Training)
	}
	extra, err := f.ppl.CreateCourse(ctx, f.admin, people.CourseInput{OrgID: f.st.ID, Title: "村“两委”成员专题", Kind: "lecture", StartsOn: "2026-11-10", EndsOn: "2026-11-10", Hours: 8})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.Attend(ctx, f.admin, extra.ID, people.AttendInput{PersonID: f.huang.ID}); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.ppl.SubtreeStats(ctx, f.admin, f.county.ID); st.Training.Required != 5 || st.Training.Completed != 4 || st.Training.Percent != 80 {
		t.Errorf("after 黄磊's lecture: %+v", st.Training)
	}
	// A person's year: 李娜, 50 of 56 as a committee member, two courses.
	pt, err := f.ppl.PersonTraining(ctx, f.secretary, f.li.ID, 2026)
	if err != nil || fmt.Sprintf("%g/%g %s %v %d", pt.Hours, pt.Required, pt.Post, pt.Done, len(pt.Courses)) != "50/56 committee_member false 2" {
		t.Errorf("李娜's year: %+v %v", pt, err)
	}
	// 2025: 王芳 alone attended, 40 ≥ 32; the other four now required had
	// none (赵敏 is out of contact now: required by her present status).
	c, _ = f.ppl.TrainingCompletion(ctx, f.admin, people.CompletionQuery{Under: f.county.ID, Year: 2025})
	if c.Required != 5 || c.Completed != 1 || c.Percent != 20 {
		t.Errorf("2025: %d/%d %.1f", c.Completed, c.Required, c.Percent)
	}
}

// TestTrainingRequirements: the rule's defaults, a county's own figure and
// its removal, audited; only the organization department may set one.
func TestTrainingRequirements(t *testing.T) {
	t.Parallel()
	f := newTrainingFx(t)
	ctx := context.Background()
	show := func(o org.Org) string {
		rs, err := f.ppl.Requirements(ctx, f.admin, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs[:5] {
			out = append(out, fmt.Sprintf("%s %g %s", r.Post, r.Hours, r.Source))
		}
		for _, r := range rs {
			if r.Post == "village_committee" {
				out = append(out, fmt.Sprintf("%s %g %s %s", r.Post, r.Hours, r.Source, r.SetByName))
			}
		}
		return strings.Join(out, ", ")
	}
	if got := show(f.village); got != "member 32 default, secretary 56 default, deputy_secretary 56 default, committee_member 56 default, first_secretary 0 default, village_committee 40 above "+f.county.Label() {
		t.Errorf("the village: %s", got)
	}
	if _, err := f.ppl.SetRequirement(ctx, f.secretary, people.RequirementInput{OrgID: f.c3.ID, Post: "member", Hours: 40}); errs.KindOf(err) != errs.Forbidden {
		t.Errorf("a secretary set a requirement: %v", err)
	}
	audits := f.count(t, "audit_log")
	_, err := f.ppl.SetRequirement(ctx, f.admin, people.RequirementInput{OrgID: f.county.ID, Post: "member", Hours: 32.3})
	if msg := errs.FieldMessages(err, "")["hours"]; msg != "学时只能是整数或半学时，如 2 或 1.5" {
		t.Errorf("32.3 hours: %q", msg)
	}
	if f.count(t, "audit_log") != audits || f.count(t, "training_requirements") != 1 {
		t.Errorf("a refused requirement changed something")
	}
	if _, err := f.ppl.SetRequirement(ctx, f.admin, people.RequirementInput{OrgID: f.county.ID, Post: "village_committee", Clear: true}); err != nil {
		t.Fatal(err)
	}
	var before string
	var after sql.NullString
	if err := f.d.QueryRow(ctx, "SELECT before_json, after_json FROM audit_log WHERE action = 'training.requirement' ORDER BY id DESC LIMIT 1").Scan(&before, &after); err != nil {
		t.Fatal(err)
	}
	if before != `{"hours":"40","post":"village_committee"}` || after.Valid {
		t.Errorf("audit of the removal: %s → %v", before, after)
	}
	// Back to the member's 32: 黄磊 (32 hours) is done now.
	c, _ := f.ppl.TrainingCompletion(ctx, f.admin, people.CompletionQuery{Under: f.county.ID, Year: 2026})
	if c.Completed != 4 || c.Behind != 2 {
		t.Errorf("after the removal: %d done, %d behind", c.Completed, c.Behind)
	}
}

// TestTrainingBadInput: every refusal says why, at its field, and changes
// nothing.
func TestTrainingBadInput(t *testing.T) {
	t.Parallel()
	f := newTrainingFx(t)
	ctx := context.Background()
	auditor := testPerms.Bind(access.Actor{UserID: 4, Username: "aud", Grants: []access.Grant{{Role: access.Auditor, OrgPath: f.county.Path}}})
	tables := []string{"training_courses", "training_attendance", "training_requirements", "audit_log"}
	snapshot := func() string {
		var b strings.Builder
		for _, tb := range tables {
			fmt.Fprintf(&b, "%s=%d ", tb, f.count(t, tb))
		}
		return b.String()
	}
	good := people.CourseInput{OrgID: f.c3.ID, Title: "支部书记讲党课", Kind: "lecture", StartsOn: "2026-07-01", EndsOn: "2026-07-01", Hours: 2}
	with := func(change func(*people.CourseInput)) people.CourseInput { in := good; change(&in); return in }
	future, err := f.ppl.CreateCourse(ctx, f.admin, with(func(in *people.CourseInput) { in.StartsOn, in.EndsOn = "2027-01-10", "2027-01-11" }))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		do    func() error
		field string
		want  string
	}{
		{"hours above the course's", func() error {
			_, err := f.ppl.Attend(ctx, f.admin, f.c.ID, people.AttendInput{PersonID: f.liu.ID, Hours: 9})
			return err
		}, "hours", "认定学时不能超过本期培训的 8.5 学时"},
		{"negative hours", func() error {
			_, err := f.ppl.Attend(ctx, f.admin, f.c.ID, people.AttendInput{PersonID: f.liu.ID, Hours: -2})
			return err
		}, "hours", "学时应大于 0"},
		{"zero hours of a course", func() error {
			_, err := f.ppl.CreateCourse(ctx, f.admin, with(func(in *people.CourseInput) { in.Hours = 0 }))
			return err
		},
			"hours", "学时应大于 0"},
		{"a third of an hour", func() error {
			_, err := f.ppl.CreateCourse(ctx, f.admin, with(func(in *people.CourseInput) { in.Hours = 2.3 }))
			return err
		}, "hours", "学时只能是整数或半学时，如 2 或 1.5"},
		{"end before start", func() error {
			_, err := f.ppl.CreateCourse(ctx, f.admin, with(func(in *people.CourseInput) { in.EndsOn = "2026-06-30" }))
			return err
		}, "ends_on", "结束日期不能早于开始日期 2026-07-01"},
		{"no kind", func() error {
			_, err := f.ppl.CreateCourse(ctx, f.admin, with(func(in *people.CourseInput) { in.Kind = "picnic" }))
			return err
		},
			"kind", "请选择培训形式，如“集中培训”“网络培训”“专题讲座”"},
		{"duplicate attendance", func() error {
			_, err := f.ppl.Attend(ctx, f.secretary, f.a.ID, people.AttendInput{PersonID: f.zhang.ID})
			return err
		}, "", "张伟已登记参加本期培训（" + recordedToday() + " 登记），不能重复登记"},
		{"a course outside the scope", func() error {
			// 三塘镇's course is neither in 兴宁社区's subtree nor above it.
			_, err := f.ppl.Attend(ctx, f.secretary, f.c.ID, people.AttendInput{PersonID: f.wang.ID})
			return err
		}, "", fmt.Sprintf("培训 %d 不存在或不在您的管理范围内", f.c.ID)},
		{"organizing outside the scope", func() error {
			_, err := f.ppl.CreateCourse(ctx, f.secretary, with(func(in *people.CourseInput) { in.OrgID = f.st.ID }))
			return err
		}, "org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", f.st.ID)},
		{"a member outside the scope", func() error {
			// The county's course is above the community: its secretary sees
			// it, but records only their own members.
			_, err := f.ppl.Attend(ctx, f.secretary, f.a.ID, people.AttendInput{PersonID: f.liu.ID})
			return err
		}, "person_id", fmt.Sprintf("人员 %d 不存在或不在您的管理范围内", f.liu.ID)},
		{"an auditor records", func() error {
			_, err := f.ppl.Attend(ctx, auditor, f.a.ID, people.AttendInput{PersonID: f.liu.ID})
			return err
		}, "", "您没有登记培训的权限"},
		{"a course not begun", func() error {
			_, err := f.ppl.Attend(ctx, f.admin, future.ID, people.AttendInput{PersonID: f.liu.ID})
			return err
		}, "", "培训“支部书记讲党课”于 2027-01-10 开始，尚未开始，不能登记参训"},
		{"hours below those credited", func() error {
			_, err := f.ppl.UpdateCourse(ctx, f.admin, f.a.ID, people.CourseInput{OrgID: f.county.ID, Title: f.a.Title, Kind: f.a.Kind, StartsOn: f.a.StartsOn, EndsOn: f.a.EndsOn, Hours: 16})
			return err
		}, "hours", "已有学员登记了 32 学时，课程学时不能少于此数：请先更正其参训记录"},
	} {
		before := snapshot()
		err := tc.do()
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		got := errs.As(err).ZH
		if tc.field != "" {
			got = errs.FieldMessages(err, "")[tc.field]
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if after := snapshot(); after != before {
			t.Errorf("%s changed something: %s → %s", tc.name, before, after)
		}
	}
	// An auditor reads the county's completion all the same.
	if _, err := f.ppl.TrainingCompletion(ctx, auditor, people.CompletionQuery{Under: f.county.ID, Year: 2026}); err != nil {
		t.Errorf("the auditor: %v", err)
	}
}

// xlsxRows is an upload's rows as the reader returns them.
func importRows(rows ...string) (header []string, out [][]string) {
	for _, r := range rows {
		out = append(out, strings.Split(r, ","))
	}
	return []string{"姓名*", "身份证号*", "认定学时"}, out
}

// TestAttendImportRefusedWhole: a file with several bad rows is refused
// whole, every row's problems listed with its row number and field; then
// the good rows alone are imported, checked again and audited.
func TestAttendImportRefusedWhole(t *testing.T) {
	t.Parallel()
	f := newTrainingFx(t)
	ctx := context.Background()
	course, err := f.ppl.CreateCourse(ctx, f.admin, people.CourseInput{OrgID: f.county.ID, Title: "乡村振兴专题培训", Kind: "centralized", StartsOn: "2026-09-01", EndsOn: "2026-09-02", Hours: 12})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.Attend(ctx, f.admin, course.ID, people.AttendInput{PersonID: f.chen.ID}); err != nil {
		t.Fatal(err)
	}
	unknown := idNumber("450102", "19660606", 901)
	badCheck := idNumber("450102", "19850312", 123)
	badCheck = badCheck[:17] + map[bool]string{true: "1", false: "2"}[badCheck[17] != '1']
	header, rows := importRows(
		"张伟,"+idNumber("450102", "19850312", 123)+",12", // row 2: good
		"李四,"+unknown+",",                               // row 3: unknown number
		"李丽,"+idNumber("450103", "19950620", 124)+",",   // row 4: the number is 李娜's
		"张伟,"+idNumber("450102", "19850312", 123)+",6",  // row 5: the same as row 2
		"陈刚,"+idNumber("450102", "19700909", 441)+",",   // row 6: already recorded
		"王芳,"+idNumber("450102", "19900101", 222)+",13", // row 7: above 12
		",,",                 // blank: skipped
		"黄磊,"+badCheck+",-1", // row 9: check digit, hours
		"赵敏,"+idNumber("450102", "19880808", 442)+",1.5", // row 10: good
	)
	var uid, sid int64
	for _, u := range []struct {
		name string
		id   *int64
	}{{"dept", &uid}, {"sec", &sid}} {
		if err := f.d.WriteQueryRow(ctx, "INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES (?, 'x', ?, '', '') RETURNING id", u.name, f.county.ID).Scan(u.id); err != nil {
			t.Fatal(err)
		}
	}
	before := f.count(t, "training_attendance")
	audits := f.count(t, "audit_log")
	sess, err := f.ppl.PrepareAttendImport(ctx, f.admin, uid, course.ID, "参训名单.xlsx", header, rows)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range sess.Problems {
		got = append(got, p.ZH)
	}
	want := []string{
		"第3行：身份证号：在您管理范围内的党员中未找到这个身份证号和姓名",
		"第4行：身份证号：在您管理范围内的党员中未找到这个身份证号和姓名",
		"第5行：身份证号：与第2行是同一人（张伟），同一期培训只登记一次",
		"第6行：身份证号：陈刚已登记参加本期培训（" + recordedToday() + " 登记）",
		"第7行：认定学时：13 超过本期培训的 12 学时",
		"第9行：认定学时：学时应大于 0；身份证号：身份证号第 18 位校验码与前 17 位不符：可能有数字输错，请对照证件逐位核对，不要只改第 18 位",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if sess.Status != "invalid" || sess.Total != 8 || sess.Ready != 0 {
		t.Errorf("session %s, %d rows, %d ready", sess.Status, sess.Total, sess.Ready)
	}
	_, _, err = f.ppl.ApplyAttendImport(ctx, f.admin, uid, sess.ID)
	if errs.As(err).ZH != "文件有 6 行错误，请修改后重新上传，未导入任何数据" {
		t.Errorf("apply of a refused file: %v", err)
	}
	if f.count(t, "training_attendance") != before || f.count(t, "audit_log") != audits {
		t.Errorf("a refused file changed something")
	}
	// The good rows alone: the secretary of 兴宁社区 cannot import 赵敏 of
	// 三塘镇; the department can.
	header, rows = importRows("张伟,"+idNumber("450102", "19850312", 123)+",12", "赵敏,"+idNumber("450102", "19880808", 442)+",1.5")
	sess, _ = f.ppl.PrepareAttendImport(ctx, f.secretary, sid, course.ID, "参训名单.xlsx", header, rows)
	if len(sess.Problems) != 1 || sess.Problems[0].ZH != "第3行：身份证号：在您管理范围内的党员中未找到这个身份证号和姓名" {
		t.Errorf("the secretary's import: %+v", sess.Problems)
	}
	sess, err = f.ppl.PrepareAttendImport(ctx, f.admin, uid, course.ID, "参训名单.xlsx", header, rows)
	if err != nil || sess.Status != "ready" || sess.Ready != 2 {
		t.Fatalf("good rows: %+v %v", sess, err)
	}
	cid, n, err := f.ppl.ApplyAttendImport(ctx, f.admin, uid, sess.ID)
	if err != nil || n != 2 || cid != course.ID {
		t.Fatalf("apply: %d %v", n, err)
	}
	if f.count(t, "training_attendance") != before+2 || f.count(t, "audit_log") != audits+1 {
		t.Errorf("after the import: %d attendances, %d audit entries", f.count(t, "training_attendance")-before, f.count(t, "audit_log")-audits)
	}
	list, _ := f.ppl.CourseAttendance(ctx, f.admin, course.ID)
	var names []string
	for _, a := range list {
		names = append(names, fmt.Sprintf("%s %g", a.Name, a.Hours))
	}
	if got := strings.Join(names, ", "); got != "陈刚 12, 张伟 12, 赵敏 1.5" {
		t.Errorf("attendance: %s", got)
	}
	// Applied once only.
	if _, _, err := f.ppl.ApplyAttendImport(ctx, f.admin, uid, sess.ID); errs.KindOf(err) != errs.Conflict {
		t.Errorf("second apply: %v", err)
	}
}

// recordedToday is the date an attendance recorded during the test carries:
// the day of its stored time, which the messages show.
func recordedToday() string { return db.FormatTime(time.Now())[:10] }
