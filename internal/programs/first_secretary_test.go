package programs_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// fsFx is 兴宁区 (fx) with the villages of the county the tests send first
// secretaries to, in division-code order: villages[0] is 虎邱村, whose
// secretary acts in fx.
type fsFx struct {
	*fx
	villages []org.Org
	serial   int
}

func newFsFx(t *testing.T) *fsFx {
	t.Helper()
	f := &fsFx{fx: newFx(t)}
	l, _, err := f.a.Core().Orgs.List(context.Background(), testrig.Admin, org.ListQuery{Under: f.county.ID, Level: "village", Category: "rural", Limit: 1000, Sort: "code"})
	if err != nil {
		t.Fatal(err)
	}
	f.villages = append(f.villages, f.village)
	for _, o := range l {
		if o.Category == "rural" && o.ID != f.village.ID {
			f.villages = append(f.villages, o)
		}
	}
	if len(f.villages) < 12 {
		t.Fatalf("%d villages in 兴宁区", len(f.villages))
	}
	return f
}

// member registers a full member of the county's committee, as an
// agency's cadre would be.
func (f *fsFx) member(t *testing.T, name string) people.Person {
	t.Helper()
	f.serial++
	first17 := fmt.Sprintf("45010219800101%03d", 300+2*f.serial)
	p, err := f.ppl.AddMember(context.Background(), testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: name, IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
		OrgID:       f.county.ID, Kind: "full", JoinedOn: "2005-07-01"})
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	return p
}

func (f *fsFx) dispatch(t *testing.T, p people.Person, v org.Org, from, to string) programs.FirstSec {
	t.Helper()
	fs, err := f.pg.Dispatch(context.Background(), f.countyA, programs.FirstSecInput{PersonID: p.ID, OrgID: v.ID, HomeAgency: "南宁市财政局",
		StartedOn: from, EndsOn: to, Duties: "建强村党组织，发展集体经济，为民办事服务"})
	if err != nil {
		t.Fatalf("dispatch %s to %s: %v", p.Name, v.Label(), err)
	}
	return fs
}

// fsState is what the ledger's tables, the register's posts and the audit
// log hold, to show that a refused step changed nothing.
func (f *fsFx) fsState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, table := range []string{"fsec_terms", "fsec_logs", "fsec_photos", "fsec_reviews", "posts"} {
		b.WriteString(testrig.DumpTable(t, ctx, f.d, table))
	}
	var n, c int
	if err := f.d.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM campaigns)").Scan(&n, &c); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d audit entries, %d campaigns", n, c)
	return b.String()
}

// unchanged checks that err is the refusal want, "field: message" for one
// at a field, and that nothing changed.
func (f *fsFx) unchanged(t *testing.T, before string, err error, want string) {
	t.Helper()
	fsRefused(t, err, want)
	if after := f.fsState(t); after != before {
		t.Fatalf("a refused step (%q) changed the tables:\n%s\n---\n%s", want, before, after)
	}
}

// TestFirstSecDispatch: the county sends a first secretary to 虎邱村; the
// register holds the post with the home agency, and the rectification's
// plan may name the first secretary. Every bad dispatch is refused with
// its message, nothing recorded in the ledger or the register.
func TestFirstSecDispatch(t *testing.T) {
	f := newFsFx(t)
	ctx := context.Background()
	zhang, li, wang := f.member(t, "张立新"), f.member(t, "李海燕"), f.member(t, "王志强")
	fs := f.dispatch(t, zhang, f.village, "2025-03-01", "2027-02-28")
	if fs.PersonName != "张立新" || fs.OrgName != f.village.Label() || fs.HomeAgency != "南宁市财政局" || fs.State != "in_post" || fs.DaysLeft != 355 || fs.PostID == 0 {
		t.Fatalf("dispatched %+v", fs)
	}
	posts, err := f.ppl.OrgPosts(ctx, f.countyA, f.village.ID)
	if err != nil {
		t.Fatal(err)
	}
	var inRegister []string
	for _, po := range posts {
		if po.Post == "first_secretary" {
			inRegister = append(inRegister, fmt.Sprintf("%d %s %s %s", po.ID, po.PersonName, po.HomeAgency, po.StartedOn))
		}
	}
	if got, want := strings.Join(inRegister, "; "), fmt.Sprintf("%d 张立新 南宁市财政局 2025-03-01", fs.PostID); got != want {
		t.Fatalf("the register's first secretaries: %q, want %q", got, want)
	}
	if named, err := f.pg.FirstSecretaries(ctx, f.countyA, f.village.ID); err != nil || len(named) != 1 || named[0].PersonID != zhang.ID {
		t.Fatalf("first secretaries a plan may name: %+v, %v", named, err)
	}

	other := f.villages[1]
	before := f.fsState(t)
	good := programs.FirstSecInput{PersonID: li.ID, OrgID: other.ID, HomeAgency: "兴宁区农业农村局", StartedOn: "2026-01-05", EndsOn: "2028-01-04", Duties: "发展集体经济"}
	for _, c := range []struct {
		name  string
		actor access.Actor
		edit  func(*programs.FirstSecInput)
		want  string
	}{
		{"no organization", f.countyA, func(in *programs.FirstSecInput) { in.OrgID = 0 }, "org_id: 请选择派驻的村（社区）党组织"},
		{"a street", f.countyA, func(in *programs.FirstSecInput) { in.OrgID = f.street.ID }, "org_id: “" + f.street.Label() + "”不是村（社区）党组织：第一书记派驻到村（社区）党组织"},
		{"outside the scope", f.streetA, func(in *programs.FirstSecInput) { in.OrgID = f.other.ID }, "不存在或不在您的管理范围内"},
		{"no agency", f.countyA, func(in *programs.FirstSecInput) { in.HomeAgency = " " }, "home_agency: 请填写派出单位"},
		{"starts tomorrow", f.countyA, func(in *programs.FirstSecInput) { in.StartedOn = "2026-03-11" }, "started_on: 任职日期不能晚于今天（2026-03-10）：第一书记到任后再登记选派"},
		{"not a date", f.countyA, func(in *programs.FirstSecInput) { in.StartedOn = "2026/01/05" }, "started_on: 请填写任职日期，格式如 2026-07-01"},
		{"ends first", f.countyA, func(in *programs.FirstSecInput) { in.EndsOn = "2026-01-05" }, "ends_on: 任期届满日期应晚于任职日期 2026-01-05"},
		{"six years", f.countyA, func(in *programs.FirstSecInput) { in.EndsOn = "2032-01-05" }, "ends_on: 任期最长 5 年：届满日期最晚为 2031-01-05"},
		{"no duties", f.countyA, func(in *programs.FirstSecInput) { in.Duties = "" }, "duties: 请填写驻村工作职责"},
		{"nobody", f.countyA, func(in *programs.FirstSecInput) { in.PersonID = 0 }, "person_id: 请选择选派的第一书记（在册党员）"},
		{"a secretary", f.secretary, func(*programs.FirstSecInput) {}, "您没有选派第一书记的权限"},
		// The issue's bad input: a term of the same person that overlaps.
		{"overlapping term", f.countyA, func(in *programs.FirstSecInput) { in.PersonID = zhang.ID },
			fmt.Sprintf("started_on: 张立新 2025-03-01 至 2027-02-28 在%s任第一书记（任期 %d），与本次任期（2026-01-05 至 2028-01-04）重叠：同一人同一时间只能在一个村（社区）任第一书记", f.village.Label(), fs.ID)},
		{"a second one at the village", f.countyA, func(in *programs.FirstSecInput) { in.OrgID = f.village.ID },
			fmt.Sprintf("org_id: %s现任第一书记为张立新（任期 2025-03-01 至 2027-02-28），尚未办理离任：请先在其任期页面办理期满离任或召回、轮换，再选派新的第一书记", f.village.Label())},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := good
			c.edit(&in)
			_, err := f.pg.Dispatch(ctx, c.actor, in)
			f.unchanged(t, before, err, c.want)
		})
	}
	// A first secretary the register holds without the ledger (appointed
	// among the organization's posts): the register's refusal is said at
	// the organization, and the ledger keeps nothing of the attempt.
	if _, err := f.ppl.Appoint(ctx, f.countyA, people.PostInput{PersonID: wang.ID, OrgID: other.ID, Post: "first_secretary", HomeAgency: "兴宁区民政局", StartedOn: "2025-06-01"}); err != nil {
		t.Fatal(err)
	}
	before = f.fsState(t)
	_, err = f.pg.Dispatch(ctx, f.countyA, good)
	f.unchanged(t, before, err, "org_id: "+other.Label()+"现任第一书记为王志强（自 2025-06-01）：请先办理其离任")
}

// TestFirstSecEnd: a term is recalled early with its reason, the register's
// post ends the same day, the village is on the vacant list until a
// successor takes over; every wrong end is refused with nothing changed.
func TestFirstSecEnd(t *testing.T) {
	f := newFsFx(t)
	ctx := context.Background()
	zhang, li := f.member(t, "张立新"), f.member(t, "李海燕")
	fs := f.dispatch(t, zhang, f.village, "2025-03-01", "2027-02-28")
	if _, err := f.pg.AddFirstSecLog(ctx, f.secretary, fs.ID, programs.FirstSecLogInput{LoggedOn: "2026-02-20", Text: "走访农户 6 户"}); err != nil {
		t.Fatal(err)
	}
	before := f.fsState(t)
	for _, c := range []struct {
		name  string
		actor access.Actor
		in    programs.FirstSecEndInput
		want  string
	}{
		{"no kind", f.countyA, programs.FirstSecEndInput{EndedOn: "2026-03-01"}, "kind: 请选择离任方式：期满离任、召回或轮换"},
		{"completed early", f.countyA, programs.FirstSecEndInput{Kind: "completed", EndedOn: "2026-03-01"}, "kind: 任期至 2027-02-28 届满，尚未期满：提前结束任期请选择“召回”或“轮换”并填写原因"},
		{"recalled without a reason", f.countyA, programs.FirstSecEndInput{Kind: "recalled", EndedOn: "2026-03-01"}, "reason: 提前结束任期（召回）请填写原因"},
		{"tomorrow", f.countyA, programs.FirstSecEndInput{Kind: "rotated", EndedOn: "2026-03-11", Reason: "工作需要轮换"}, "ended_on: 离任日期不能晚于今天（2026-03-10）"},
		{"before the start", f.countyA, programs.FirstSecEndInput{Kind: "rotated", EndedOn: "2025-02-01", Reason: "工作需要轮换"}, "ended_on: 离任日期应晚于任职日期 2025-03-01"},
		{"before the last log", f.countyA, programs.FirstSecEndInput{Kind: "rotated", EndedOn: "2026-02-01", Reason: "工作需要轮换"}, "ended_on: 驻村日志已记到 2026-02-20，离任日期不能早于该日"},
		{"by the village", f.secretary, programs.FirstSecEndInput{Kind: "recalled", EndedOn: "2026-03-01", Reason: "因病召回"}, "您没有办理第一书记离任的权限：由组织部门办理"},
		{"outside the scope", f.a.Core().Perms.Bind(access.Actor{UserID: 20, Username: "other street", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: f.get(t, "450102001").Path}}}),
			programs.FirstSecEndInput{Kind: "recalled", EndedOn: "2026-03-01", Reason: "因病召回"}, fmt.Sprintf("第一书记任期 %d 不存在或不在您的管理范围内", fs.ID)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.pg.EndFirstSec(ctx, c.actor, fs.ID, c.in)
			f.unchanged(t, before, err, c.want)
		})
	}
	ended, err := f.pg.EndFirstSec(ctx, f.countyA, fs.ID, programs.FirstSecEndInput{Kind: "recalled", EndedOn: "2026-03-01", Reason: "因病不能继续驻村工作"})
	if err != nil {
		t.Fatal(err)
	}
	if ended.State != "ended" || ended.EndedOn != "2026-03-01" || ended.EndKind != "recalled" || ended.EndReason != "因病不能继续驻村工作" || !ended.Vacant() {
		t.Fatalf("ended %+v", ended)
	}
	past, err := f.ppl.PastPosts(ctx, f.countyA, f.village.ID)
	if err != nil || len(past) != 1 || past[0].ID != fs.PostID || past[0].EndedOn != "2026-03-01" {
		t.Fatalf("the register's past posts: %+v, %v", past, err)
	}
	if named, _ := f.pg.FirstSecretaries(ctx, f.countyA, f.village.ID); len(named) != 0 {
		t.Fatalf("still in post in the register: %+v", named)
	}
	before = f.fsState(t)
	_, err = f.pg.EndFirstSec(ctx, f.countyA, fs.ID, programs.FirstSecEndInput{Kind: "recalled", EndedOn: "2026-03-02", Reason: "因病召回"})
	f.unchanged(t, before, err, "张立新已于 2026-03-01 离任"+f.village.Label()+"第一书记，任期已结束")
	l, err := f.pg.FirstSecTerms(ctx, f.countyA, programs.FirstSecQuery{View: "vacant"})
	if err != nil || l.Total != 1 || l.Items[0].ID != fs.ID || l.Vacant != 1 {
		t.Fatalf("vacant list: %+v, %v", l, err)
	}
	// A back-dated term at the village that overlaps the recalled one.
	huang := f.member(t, "黄春梅")
	before = f.fsState(t)
	_, err = f.pg.Dispatch(ctx, f.countyA, programs.FirstSecInput{PersonID: huang.ID, OrgID: f.village.ID, HomeAgency: "兴宁区财政局", StartedOn: "2024-03-01", EndsOn: "2025-06-30", Duties: "发展集体经济"})
	f.unchanged(t, before, err, fmt.Sprintf("started_on: %s 2025-03-01 至 2026-03-01 的第一书记为张立新（任期 %d），与本次任期（2024-03-01 至 2025-06-30）重叠：一个村（社区）同一时间只有一名第一书记", f.village.Label(), fs.ID))
	// The successor takes over from the recalled term, and the village
	// leaves the vacant list.
	next := f.dispatch(t, li, f.village, "2026-03-02", "2028-03-01")
	if next.PredecessorID != fs.ID || next.PredecessorName != "张立新" {
		t.Fatalf("successor %+v", next)
	}
	if prev, _ := f.pg.FirstSecTerm(ctx, f.countyA, fs.ID); prev.SuccessorID != next.ID || prev.SuccessorName != "李海燕" || prev.Vacant() {
		t.Fatalf("predecessor %+v", prev)
	}
	if l, _ := f.pg.FirstSecTerms(ctx, f.countyA, programs.FirstSecQuery{View: "vacant"}); l.Total != 0 || l.Vacant != 0 {
		t.Fatalf("vacant list after the successor: %+v", l)
	}
}

// TestFirstSecLog: the village writes its first secretary's log with a
// photo stripped of the place the phone wrote into it; days are counted by
// month; bad entries are refused with nothing stored.
func TestFirstSecLog(t *testing.T) {
	f := newFsFx(t)
	ctx := context.Background()
	fs := f.dispatch(t, f.member(t, "张立新"), f.village, "2025-12-15", "2027-12-14")
	gps := photoWithPlace(t)
	for _, e := range []struct {
		on    string
		files []cases.NamedFile
	}{
		{"2026-01-06", nil},
		{"2026-01-06", []cases.NamedFile{{Name: "走访.png", Data: gps}}},
		{"2026-01-20", nil},
		{"2026-03-02", nil},
	} {
		text := "走访农户，了解产业发展需求"
		if e.files != nil {
			text += "，附走访照片"
		}
		if _, err := f.pg.AddFirstSecLog(ctx, f.secretary, fs.ID, programs.FirstSecLogInput{LoggedOn: e.on, Text: text, Files: e.files}); err != nil {
			t.Fatalf("entry of %s: %v", e.on, err)
		}
	}
	l, err := f.pg.FirstSecLogs(ctx, f.auditr, fs.ID, programs.FirstSecLogQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var months []string
	for _, m := range l.Months {
		months = append(months, fmt.Sprintf("%s:%d/%d", m.Month, m.Days, m.Entries))
	}
	if got := strings.Join(months, " "); got != "2026-03:1/1 2026-02:0/0 2026-01:2/3 2025-12:0/0" {
		t.Fatalf("months %s", got)
	}
	if l.Total != 4 || l.Items[0].LoggedOn != "2026-03-02" || len(l.Items[2].Photos) != 1 || l.Items[2].Actor != "secretary" {
		t.Fatalf("entries %+v", l.Items)
	}
	ph, err := f.pg.FirstSecPhotoFile(ctx, f.auditr, fs.ID, l.Items[2].Photos[0].ID)
	if err != nil || ph.MIME != "image/png" || bytes.Contains(ph.Data, []byte("GPS")) || len(ph.Data) >= len(gps) {
		t.Fatalf("photo %s %d bytes (sent %d), place kept: %v, %v", ph.MIME, len(ph.Data), len(gps), bytes.Contains(ph.Data, []byte("GPS")), err)
	}
	if jan, _ := f.pg.FirstSecLogs(ctx, f.secretary, fs.ID, programs.FirstSecLogQuery{Month: "2026-01", Limit: 2}); jan.Total != 3 || len(jan.Items) != 2 {
		t.Fatalf("January, page of 2: %+v", jan)
	}
	if got, _ := f.pg.FirstSecTerm(ctx, f.countyA, fs.ID); got.LogDays != 3 || got.LastLogOn != "2026-03-02" {
		t.Fatalf("log days %d, last %s", got.LogDays, got.LastLogOn)
	}

	before := f.fsState(t)
	six := make([]cases.NamedFile, 6)
	for i := range six {
		six[i] = cases.NamedFile{Name: fmt.Sprintf("%d.png", i), Data: photo(t)}
	}
	for _, c := range []struct {
		name  string
		actor access.Actor
		in    programs.FirstSecLogInput
		want  string
	}{
		{"before the term", f.secretary, programs.FirstSecLogInput{LoggedOn: "2025-12-14", Text: "走访农户"}, "logged_on: 日志日期应在任期内（2025-12-15 至 2026-03-10）且不晚于今天"},
		{"tomorrow", f.secretary, programs.FirstSecLogInput{LoggedOn: "2026-03-11", Text: "走访农户"}, "logged_on: 日志日期应在任期内（2025-12-15 至 2026-03-10）且不晚于今天"},
		{"no text", f.secretary, programs.FirstSecLogInput{LoggedOn: "2026-03-05", Text: " "}, "text: 请填写日志内容：当天做了什么、走访了哪些群众、解决了什么问题"},
		{"a PDF", f.secretary, programs.FirstSecLogInput{LoggedOn: "2026-03-05", Text: "走访农户", Files: []cases.NamedFile{{Name: "a.pdf", Data: []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")}}},
			"attachments: 文件 a.pdf 不是照片：驻村日志只接受 JPG 或 PNG 图片"},
		{"six photos", f.secretary, programs.FirstSecLogInput{LoggedOn: "2026-03-05", Text: "走访农户", Files: six}, "attachments: 附件最多 5 个，现有 6 个，请删去 1 个后再提交"},
		{"sent twice", f.secretary, programs.FirstSecLogInput{LoggedOn: "2026-03-02", Text: " 走访农户，了解产业发展需求 "}, "text: 张立新 2026-03-02 已有内容相同的驻村日志，请勿重复提交"},
		{"an auditor", f.auditr, programs.FirstSecLogInput{LoggedOn: "2026-03-05", Text: "走访农户"}, "您没有记录张立新驻村日志的权限：由" + f.village.Label() + "或组织部门记录"},
		{"another village", f.a.Core().Perms.Bind(access.Actor{UserID: 21, Username: "other", Grants: []access.Grant{{Role: access.Secretary, OrgPath: f.villages[1].Path}}}),
			programs.FirstSecLogInput{LoggedOn: "2026-03-05", Text: "走访农户"}, fmt.Sprintf("第一书记任期 %d 不存在或不在您的管理范围内", fs.ID)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.pg.AddFirstSecLog(ctx, c.actor, fs.ID, c.in)
			f.unchanged(t, before, err, c.want)
		})
	}
}

// TestFirstSecLists: the ledger's lists by state, the expiry list within
// 90 days (and within 30), the search, the sorts and the scope.
func TestFirstSecLists(t *testing.T) {
	f := newFsFx(t)
	ctx := context.Background()
	// Ends in 20 days, in 60, in 200; one is over and not recorded; one
	// ended and nobody took over.
	f.dispatch(t, f.member(t, "甲一"), f.villages[0], "2024-04-01", "2026-03-30")
	f.dispatch(t, f.member(t, "乙二"), f.villages[1], "2024-05-01", "2026-05-09")
	f.dispatch(t, f.member(t, "丙三"), f.villages[2], "2025-01-01", "2026-09-26")
	f.dispatch(t, f.member(t, "丁四"), f.villages[3], "2024-03-01", "2026-03-01")
	gone := f.dispatch(t, f.member(t, "戊五"), f.villages[4], "2025-01-01", "2026-12-31")
	if _, err := f.pg.EndFirstSec(ctx, f.countyA, gone.ID, programs.FirstSecEndInput{Kind: "rotated", EndedOn: "2026-02-01", Reason: "派出单位工作需要"}); err != nil {
		t.Fatal(err)
	}
	names := func(l programs.FirstSecList) string {
		var out []string
		for _, x := range l.Items {
			out = append(out, fmt.Sprintf("%s %s %d", x.PersonName, x.State, x.DaysLeft))
		}
		return strings.Join(out, ", ")
	}
	for _, c := range []struct {
		name  string
		actor access.Actor
		q     programs.FirstSecQuery
		want  string
		total int
	}{
		{"expiring", f.countyA, programs.FirstSecQuery{View: "expiring"}, "丁四 expired -9, 甲一 in_post 20, 乙二 in_post 60", 3},
		{"within 30 days", f.countyA, programs.FirstSecQuery{View: "expiring", Days: 30}, "丁四 expired -9, 甲一 in_post 20", 2},
		{"vacant", f.countyA, programs.FirstSecQuery{View: "vacant"}, "戊五 ended 0", 1},
		{"in post", f.countyA, programs.FirstSecQuery{State: "in_post", Sort: "-ends"}, "丙三 in_post 200, 乙二 in_post 60, 甲一 in_post 20", 3},
		{"search", f.countyA, programs.FirstSecQuery{Q: "乙"}, "乙二 in_post 60", 1},
		{"a page", f.countyA, programs.FirstSecQuery{Sort: "start", Limit: 2, Offset: 1}, "甲一 in_post 20, 乙二 in_post 60", 5},
		{"the village's own", f.secretary, programs.FirstSecQuery{}, "甲一 in_post 20", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, err := f.pg.FirstSecTerms(ctx, c.actor, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(l); got != c.want || l.Total != c.total {
				t.Fatalf("%s (%d), want %s (%d)", got, l.Total, c.want, c.total)
			}
		})
	}
	l, _ := f.pg.FirstSecTerms(ctx, f.countyA, programs.FirstSecQuery{})
	if fmt.Sprint(l.Counts) != "map[ended:1 expired:1 in_post:3]" || l.Expiring != 3 || l.Vacant != 1 {
		t.Fatalf("figures %v, expiring %d, vacant %d", l.Counts, l.Expiring, l.Vacant)
	}
	for _, c := range []struct {
		q    programs.FirstSecQuery
		want string
	}{
		{programs.FirstSecQuery{View: "soon"}, "view: 列表只能是全部、expiring（任期将满）或 vacant（离任后未接替）"},
		{programs.FirstSecQuery{View: "expiring", Days: 800}, "days: 天数应为 1–730"},
		{programs.FirstSecQuery{State: "gone"}, "state: 状态只能是 in_post、expired 或 ended"},
		{programs.FirstSecQuery{Sort: "age"}, "sort: 排序只能是 org、name、agency、start、ends、ended 或 logs"},
	} {
		_, err := f.pg.FirstSecTerms(ctx, f.countyA, c.q)
		fsRefused(t, err, c.want)
	}
}

// TestFirstSecReview: the county opens the 2025 review of its eleven first
// secretaries from the template; it runs on the engine to publication, and
// of the three whose totals earn 优秀 the cap (10 % of 11 is 1) keeps one;
// each term's page shows its grade. Bad requests are refused with nothing
// changed.
func TestFirstSecReview(t *testing.T) {
	f := newFsFx(t)
	ctx := context.Background()
	var terms []programs.FirstSec
	for i := range 11 {
		terms = append(terms, f.dispatch(t, f.member(t, fsNames[i]), f.villages[i], "2025-01-10", "2027-01-09"))
	}
	// One sent this year is not reviewed for 2025.
	f.dispatch(t, f.member(t, "新任书记"), f.villages[11], "2026-02-01", "2028-01-31")
	before := f.fsState(t)
	good := programs.FirstSecReviewInput{OrgID: f.county.ID, Year: 2025, OpensOn: "2026-03-10", ClosesOn: "2026-03-20"}
	for _, c := range []struct {
		name  string
		actor access.Actor
		edit  func(*programs.FirstSecReviewInput)
		want  string
	}{
		{"next year", f.countyA, func(in *programs.FirstSecReviewInput) { in.Year = 2027 }, "year: 评议年度应为 2000–2026 年"},
		{"closes first", f.countyA, func(in *programs.FirstSecReviewInput) { in.ClosesOn = "2026-03-09" }, "closes_on: 测评结束日期不能早于开始日期 2026-03-10"},
		{"opened yesterday", f.countyA, func(in *programs.FirstSecReviewInput) { in.OpensOn = "2026-03-09" }, "opens_on: 测评开始日期不能早于今天（2026-03-10）"},
		{"nobody in post", f.countyA, func(in *programs.FirstSecReviewInput) { in.Year = 2023 }, "year: " + f.county.Label() + " 2023 年没有在任的第一书记，无需评议"},
		{"a secretary", f.secretary, func(*programs.FirstSecReviewInput) {}, "您没有发起第一书记年度评议的权限"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := good
			c.edit(&in)
			_, _, err := f.pg.OpenFirstSecReview(ctx, c.actor, in)
			f.unchanged(t, before, err, c.want)
		})
	}
	c, n, err := f.pg.OpenFirstSecReview(ctx, f.countyA, good)
	if err != nil {
		t.Fatal(err)
	}
	if n != 11 || c.Type != evaluation.TypeFirstSecretary || c.Status != evaluation.StatusDraft || c.Name != "2025年度第一书记“三述三评”述职评议（"+f.county.Label()+"）" || c.Rules.TopCap != 0.1 {
		t.Fatalf("campaign %+v with %d subjects", c, n)
	}
	before = f.fsState(t)
	_, _, err = f.pg.OpenFirstSecReview(ctx, f.countyA, good)
	f.unchanged(t, before, err, fmt.Sprintf("year: %s 2025 年的第一书记已全部列入年度评议（测评 %d），不能重复发起", f.county.Label(), c.ID))

	// The engine runs it: five raters of each group rate everyone; the
	// first three all 满意 but for as many villagers' 基本满意 on 提升治理水平
	// as their place, the others 基本满意 throughout.
	ev := app.Service[*evaluation.Service](f.a)
	subs, err := ev.Subjects(ctx, f.countyA, c.ID)
	if err != nil || len(subs) != 11 {
		t.Fatalf("subjects %d, %v", len(subs), err)
	}
	if subs[0].Name != fsNames[0] || subs[0].Post != "第一书记" || subs[0].Unit != f.villages[0].Label() || subs[0].Section != "南宁市财政局" {
		t.Fatalf("subject %+v", subs[0])
	}
	codes := map[string][]string{}
	for _, g := range []string{"villagers", "township", "agency"} {
		if codes[g], err = ev.IssueTokens(ctx, f.countyA, c.ID, g, 5); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ev.Open(ctx, f.countyA, c.ID); err != nil {
		t.Fatal(err)
	}
	for g, cs := range codes {
		for n, code := range cs {
			scores := map[string]map[string]float64{}
			for i, sb := range subs {
				a := map[string]float64{"build": 60, "develop": 60, "serve": 60, "govern": 60, "stay": 100}
				if i < 3 {
					a = map[string]float64{"build": 100, "develop": 100, "serve": 100, "govern": 100, "stay": 100}
					if g == "villagers" && n < i {
						a["govern"] = 60
					}
				}
				scores[sb.Key] = a
			}
			if _, err := ev.CastBallot(ctx, code, scores, ""); err != nil {
				t.Fatalf("ballot: %v", err)
			}
		}
	}
	if _, err := ev.Close(ctx, f.countyA, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Publish(ctx, f.countyA, c.ID); err != nil {
		t.Fatal(err)
	}
	var grades []string
	excellent := 0
	for _, tm := range terms {
		got, err := f.pg.FirstSecTerm(ctx, f.auditr, tm.ID)
		if err != nil || len(got.Reviews) != 1 {
			t.Fatalf("%s: reviews %+v, %v", tm.PersonName, got.Reviews, err)
		}
		r := got.Reviews[0]
		grades = append(grades, fmt.Sprintf("%s %v %v", r.Grade, *r.Total, r.Capped))
		if r.Grade == "优秀" {
			excellent++
		}
	}
	if got := strings.Join(grades[:4], ", "); got != "优秀 100 false, 合格 99.52 true, 合格 99.04 true, 基本合格 66 false" || excellent != 1 {
		t.Fatalf("grades %s (%d 优秀)", strings.Join(grades, ", "), excellent)
	}
	// The village's secretary does not read the county's campaign: its
	// term's page shows no review.
	if got, _ := f.pg.FirstSecTerm(ctx, f.secretary, terms[0].ID); len(got.Reviews) != 0 {
		t.Fatalf("the secretary sees %+v", got.Reviews)
	}
}

// photoWithPlace is a small PNG that carries a place in a text chunk, as
// some phones write one.
func photoWithPlace(t *testing.T) []byte {
	t.Helper()
	raw := photo(t)
	text := []byte("Location\x00GPS 22.8170N 108.3665E")
	var c bytes.Buffer
	_ = binary.Write(&c, binary.BigEndian, uint32(len(text)))
	c.WriteString("tEXt")
	c.Write(text)
	_ = binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("tEXt"), text...)))
	out := append(append([]byte{}, raw[:33]...), c.Bytes()...)
	return append(out, raw[33:]...)
}

// fsRefused checks that err is the refusal want: "field: message" for a
// refusal at one field, the messages of every field for several.
func fsRefused(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	got := errText(err)
	if e := errs.As(err); e.Field != "" && len(e.Details) == 0 {
		got = e.Field + ": " + e.ZH
	}
	if !strings.Contains(got, want) {
		t.Fatalf("error %q, want %q", got, want)
	}
}

// fsNames are the first secretaries of the review.
var fsNames = []string{"韦建国", "覃春花", "黄志明", "梁海涛", "陆秀英", "蒙德辉", "卢永胜", "农丽娟", "黎文斌", "廖振宇", "潘桂芳"}
