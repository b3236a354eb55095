package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

var (
	regions   = region.NewHolder()
	xingning  = testrig.Tree(regions, "450102")
	testPerms = access.MustCatalogue(people.Permissions())
	testKey   = []byte("test-key-for-people-sealing-0123")
	// today is the register's fixed date in these tests.
	today = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
)

func TestMain(m *testing.M) { testrig.Main(m) }

// idNumber builds a valid ID number of region, birth date (YYYYMMDD) and
// serial; an odd serial is a man.
func idNumber(region, birth string, serial int) string {
	first17 := fmt.Sprintf("%s%s%03d", region, birth, serial)
	return first17 + string(ids.IDCardCheckChar(first17))
}

type fx struct {
	d          *db.DB
	orgs       *org.Service
	ppl        *people.Service
	ms, st, c3 org.Org // 民生街道党工委, 三塘镇党委, 兴宁社区
	admin      access.Actor
	street     access.Actor // 民生街道's organization department
	secretary  access.Actor // of 兴宁社区
}

func newFx(t *testing.T) *fx {
	t.Helper()
	ctx := context.Background()
	d, _ := xingning.Open(t)
	orgs := org.NewService(d, regions)
	ppl, err := people.NewService(d, orgs, testKey)
	if err != nil {
		t.Fatal(err)
	}
	ppl.WithClock(func() time.Time { return today })
	get := func(code string) org.Org {
		l, _, _ := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		return l[0]
	}
	f := &fx{d: d, orgs: orgs, ppl: ppl, ms: get("450102001"), st: get("450102101"), c3: get("450102001003"), admin: testrig.Admin}
	f.street = testPerms.Bind(access.Actor{UserID: 2, Username: "street", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: f.ms.Path}}})
	f.secretary = testPerms.Bind(access.Actor{UserID: 3, Username: "sec", Grants: []access.Grant{{Role: access.Secretary, OrgPath: f.c3.Path}}})
	return f
}

func (f *fx) add(t *testing.T, o org.Org, name, id, kind, joined string) people.Person {
	t.Helper()
	p, err := f.ppl.AddMember(context.Background(), f.admin, people.MemberInput{PersonInput: people.PersonInput{Name: name, IDNumber: id, Ethnicity: "汉族", Education: "大学本科"},
		OrgID: o.ID, Kind: kind, JoinedOn: joined})
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return p
}

func (f *fx) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// recount compares people_agg with a count of the current memberships of
// each organization's subtree, dimension by dimension.
func (f *fx) recount(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	rows, err := f.d.Query(ctx, `SELECT a.org_id, a.dim, a.val, a.n FROM people_agg a WHERE a.n <> 0`)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]int{}
	for rows.Next() {
		var id int64
		var dim, val string
		var n int
		if err := rows.Scan(&id, &dim, &val, &n); err != nil {
			t.Fatal(err)
		}
		kept[fmt.Sprintf("%d %s %s", id, dim, val)] = n
	}
	rows.Close()
	rows, err = f.d.Query(ctx, `SELECT o.path, p.gender, p.birth_date, p.education, p.ethnicity, m.joined_on, m.status, m.kind
		FROM memberships m JOIN persons p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id WHERE m.active = ?`, true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for rows.Next() {
		var path, g, birth, edu, eth, joined, status, kind string
		if err := rows.Scan(&path, &g, &birth, &edu, &eth, &joined, &status, &kind); err != nil {
			t.Fatal(err)
		}
		band := edu[:1]
		if band == "8" || band == "9" {
			band = "7"
		}
		for _, id := range org.PathIDs(path) {
			for _, d := range [][2]string{{"all", ""}, {"gender", g}, {"birth_year", birth[:4]}, {"education", band}, {"ethnicity", eth}, {"join_year", joined[:4]}, {"status", status}, {"kind", kind}} {
				want[fmt.Sprintf("%d %s %s", id, d[0], d[1])]++
			}
		}
	}
	rows.Close()
	// Each membership carries its person's name key, gender, birth date
	// and education for the list.
	var stale int
	if err := f.d.QueryRow(ctx, `SELECT COUNT(*) FROM memberships m JOIN persons p ON p.id = m.person_id
		WHERE m.name_key <> p.name_key OR m.gender <> p.gender OR m.birth_date <> p.birth_date OR m.education <> p.education`).Scan(&stale); err != nil || stale != 0 {
		t.Errorf("%d memberships differ from their persons (%v)", stale, err)
	}
	if fmt.Sprint(kept) != fmt.Sprint(want) {
		t.Errorf("member counts differ from a recount:\nkept %v\nwant %v", kept, want)
	}
}

// TestAddMembersAndStatistics registers five members in 兴宁区 and checks the
// statistics of the street and the county against a count by hand.
func TestAddMembersAndStatistics(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")         // man, 41 at the end of 2026
	f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")         // woman, 31
	f.add(t, f.c3, "王芳", idNumber("450102", "20000101", 222), "probationary", "2026-01-10") // woman, 26
	f.add(t, f.ms, "刘洋", idNumber("452101", "19640808", 331), "full", "1990-05-04")         // man, 62
	f.add(t, f.st, "陈静", idNumber("450102", "19700909", 442), "probationary", "2025-10-01") // woman, 56; probation over since 2026-10-01

	st, err := f.ppl.Stats(ctx, f.admin, f.ms.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 4 || st.Women != 2 || st.Probationary != 1 || fmt.Sprint(st.ByAgeBand) != "map[35:2 45:1 61:1]" || fmt.Sprint(st.ByEducation) != "map[2:4]" ||
		fmt.Sprint(st.ByJoinYear) != "map[1990:1 2010:1 2018:1 2026:1]" || fmt.Sprint(st.ByStatus) != "map[normal:4]" {
		t.Errorf("民生街道: %+v", st)
	}
	county := *f.ms.ParentID
	st, err = f.ppl.Stats(ctx, f.admin, county)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 5 || st.Women != 3 || st.Probationary != 2 || fmt.Sprint(st.ByAgeBand) != "map[35:2 45:1 60:1 61:1]" || fmt.Sprint(st.ByKind) != "map[full:3 probationary:2]" {
		t.Errorf("兴宁区: %+v", st)
	}
	// The street sees its four in pinyin order (陈 is not in its subtree).
	list, total, err := f.ppl.Members(ctx, f.street, people.MemberQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range list {
		names = append(names, m.Name+" "+m.IDMask)
	}
	if total != 4 || strings.Join(names, ",") != "李娜 450103********"+idNumber("450103", "19950620", 124)[14:]+",刘洋 452101********"+idNumber("452101", "19640808", 331)[14:]+
		",王芳 450102********"+idNumber("450102", "20000101", 222)[14:]+",张伟 450102********"+idNumber("450102", "19850312", 123)[14:] {
		t.Errorf("the street's members: %d %v", total, names)
	}
	// Found by the whole ID number, not by part of it.
	if list, total, _ := f.ppl.Members(ctx, f.street, people.MemberQuery{Q: idNumber("450102", "19850312", 123)}); total != 1 || list[0].Name != "张伟" {
		t.Errorf("by ID number: %d %v", total, list)
	}
	if _, total, _ := f.ppl.Members(ctx, f.street, people.MemberQuery{Q: "19850312"}); total != 0 {
		t.Errorf("part of an ID number found %d", total)
	}
	// An account that may not read the register is refused, not shown an
	// empty list.
	handler := testPerms.Bind(access.Actor{UserID: 5, Username: "handler", Grants: []access.Grant{{Role: access.CaseHandler, OrgPath: f.ms.Path}}})
	if _, _, err := f.ppl.Members(ctx, handler, people.MemberQuery{}); errs.KindOf(err) != errs.Forbidden {
		t.Errorf("members for a case handler: %v, want forbidden", err)
	}
	// 陈静's probation ended on 2026-10-01: overdue, a warning.
	list, _, _ = f.ppl.Members(ctx, f.admin, people.MemberQuery{Kind: "probationary"})
	due := map[string]string{}
	for _, m := range list {
		due[m.Name] = fmt.Sprint(m.Membership.DueOn, " ", m.Membership.Overdue, " since ", m.Membership.StartedOn)
	}
	if fmt.Sprint(due) != "map[王芳:2027-01-10 false since 2026-01-10 陈静:2026-10-01 true since 2025-10-01]" {
		t.Errorf("probation: %v", due)
	}
	f.recount(t)
}

// TestBadMembersRefused: every bad input is refused with a message that
// says what to fix, and the register is unchanged.
func TestBadMembersRefused(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	good := idNumber("450102", "19850312", 123)
	f.add(t, f.c3, "张伟", good, "full", "2010-07-01")
	wrongCheck := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	dissolved, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "民生街道测试党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.orgs.Dissolve(ctx, f.admin, dissolved.ID, "2026-11-01", "测试"); err != nil {
		t.Fatal(err)
	}
	base := people.MemberInput{PersonInput: people.PersonInput{Name: "李四", IDNumber: idNumber("450102", "19900101", 135), Ethnicity: "08", Education: "21"},
		OrgID: f.c3.ID, Kind: "full", JoinedOn: "2015-07-01"}
	for _, c := range []struct {
		name  string
		actor access.Actor
		edit  func(*people.MemberInput)
		field string
		want  string
	}{
		{"wrong check digit", f.admin, func(in *people.MemberInput) { in.IDNumber = wrongCheck }, "id_number",
			"身份证号第 18 位校验码与前 17 位不符：可能有数字输错，请对照证件逐位核对，不要只改第 18 位"},
		{"birth date disagrees", f.admin, func(in *people.MemberInput) { in.BirthDate = "1990-01-02" }, "birth_date", "出生日期与身份证号不符：身份证号第 7–14 位为 1990-01-01"},
		{"gender disagrees", f.admin, func(in *people.MemberInput) { in.Gender = "女" }, "gender", "性别与身份证号不符：身份证号第 17 位表示男"},
		{"duplicate in scope", f.street, func(in *people.MemberInput) { in.IDNumber = good }, "id_number", "该身份证号已登记：张伟，现为兴宁社区党支部正式党员"},
		{"duplicate outside scope", testPerms.Bind(access.Actor{UserID: 4, Username: "town", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: f.st.Path}}}),
			func(in *people.MemberInput) { in.IDNumber = good; in.OrgID = f.st.ID }, "id_number", "该身份证号已登记在您管理范围以外的党组织，请联系上级组织部门"},
		{"no such organization", f.admin, func(in *people.MemberInput) { in.OrgID = 999999 }, "org_id", "党组织 999999 不存在或不在您的管理范围内"},
		{"dissolved organization", f.admin, func(in *people.MemberInput) { in.OrgID = dissolved.ID }, "org_id", "“民生街道测试党支部”已撤销，不能接收党员"},
		{"joined before 18", f.admin, func(in *people.MemberInput) { in.JoinedOn = "2007-12-31" }, "joined_on", "入党时应年满 18 周岁：请核对入党日期和身份证号"},
		{"full before a year", f.admin, func(in *people.MemberInput) { in.FullOn = "2016-06-30" }, "full_on", "转正日期应在入党满一年预备期之后"},
		{"probationary with a full date", f.admin, func(in *people.MemberInput) {
			in.Kind = "probationary"
			in.JoinedOn = "2026-06-01"
			in.FullOn = "2026-07-01"
		}, "full_on", "预备党员没有转正日期：转正时再填写"},
		{"unknown ethnicity", f.admin, func(in *people.MemberInput) { in.Ethnicity = "火星族" }, "ethnicity", "请选择民族（56 个民族之一，如“汉族”“壮族”）"},
		{"bad phone", f.admin, func(in *people.MemberInput) { in.Phone = "12345" }, "phone", "电话应为 11 位手机号（如 13812345678）或带区号的座机（如 0771-1234567）"},
		{"no province", f.admin, func(in *people.MemberInput) { in.IDNumber = idNumber("990102", "19900101", 135) }, "id_number", "身份证号前 2 位 99 不是省级行政区划代码，请核对"},
	} {
		in := base
		c.edit(&in)
		_, err := f.ppl.AddMember(ctx, c.actor, in)
		e := errs.As(err)
		if got := errs.FieldMessages(err, "")[c.field]; got != c.want {
			t.Errorf("%s: %v (field %q: %q), want %q at %s", c.name, err, e.Field, got, c.want, c.field)
		}
	}
	if n := f.count(t, "persons"); n != 1 {
		t.Errorf("%d persons after the refusals, want 1", n)
	}
	if n := f.count(t, "memberships"); n != 1 {
		t.Errorf("%d memberships after the refusals, want 1", n)
	}
	f.recount(t)
}

// TestStatusConvertAndEnd: a member goes away and comes back, a
// probationary member is converted once the year is over, a member's
// death ends the membership; the timeline lists every step and the counts
// follow each one.
func TestStatusConvertAndEnd(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	a := f.add(t, f.c3, "王芳", idNumber("450102", "20000101", 222), "probationary", "2025-10-01")
	b := f.add(t, f.c3, "刘洋", idNumber("452101", "19640808", 331), "full", "1990-05-04")

	if _, err := f.ppl.SetStatus(ctx, f.secretary, a.ID, people.StatusInput{Status: "floating", OnDate: "2026-03-01"}); errs.FieldMessages(err, "")["where"] != "请填写流动党员的流入地（最多 100 字），如“广东省深圳市宝安区”" {
		t.Errorf("floating without where: %v", err)
	}
	p, err := f.ppl.SetStatus(ctx, f.secretary, a.ID, people.StatusInput{Status: "floating", Where: "广东省深圳市宝安区", OnDate: "2026-03-01"})
	if err != nil || p.Membership.Status != "floating" || p.Membership.FloatingWhere != "广东省深圳市宝安区" {
		t.Fatalf("floating: %v %+v", err, p.Membership)
	}
	if _, err := f.ppl.Convert(ctx, f.secretary, a.ID, "2026-09-30"); errs.FieldMessages(err, "")["full_on"] != "预备期为一年：最早可于 2026-10-01 转正" {
		t.Errorf("converted early: %v", err)
	}
	if p, err = f.ppl.Convert(ctx, f.secretary, a.ID, "2026-10-08"); err != nil || p.Membership.Kind != "full" || p.Membership.FullOn != "2026-10-08" || p.Membership.Overdue {
		t.Fatalf("convert: %v %+v", err, p.Membership)
	}
	if _, err := f.ppl.Convert(ctx, f.secretary, a.ID, "2026-10-09"); err == nil || errs.As(err).ZH != "王芳已是正式党员" {
		t.Errorf("converted twice: %v", err)
	}
	if _, err := f.ppl.SetStatus(ctx, f.secretary, b.ID, people.StatusInput{Status: "deceased", OnDate: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.SetStatus(ctx, f.secretary, b.ID, people.StatusInput{Status: "normal", OnDate: "2026-11-21"}); err == nil || errs.As(err).ZH != "刘洋的党员身份已于 2026-11-20 结束（去世），不能再变更" {
		t.Errorf("changed after death: %v", err)
	}
	st, err := f.ppl.Stats(ctx, f.admin, f.ms.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 1 || st.Floating != 1 || st.Probationary != 0 || fmt.Sprint(st.ByKind) != "map[full:1]" {
		t.Errorf("after the changes: %+v", st)
	}
	if _, total, _ := f.ppl.Members(ctx, f.secretary, people.MemberQuery{}); total != 1 {
		t.Errorf("%d current members, want 1", total)
	}
	tl, err := f.ppl.Timeline(ctx, f.secretary, a.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, e := range tl {
		steps = append(steps, e.OnDate+" "+e.Summary)
	}
	if got := strings.Join(steps, " | "); got != "2025-10-01 登记为兴宁社区党支部预备党员 | 2026-03-01 状态变更为流动党员（流入地：广东省深圳市宝安区） | 2026-10-08 转为正式党员" {
		t.Errorf("timeline: %s", got)
	}
	// A secretary of another community sees neither.
	other := testPerms.Bind(access.Actor{UserID: 5, Username: "other", Grants: []access.Grant{{Role: access.Secretary, OrgPath: f.st.Path}}})
	if _, err := f.ppl.Person(ctx, other, a.ID); errs.KindOf(err) != errs.NotFound {
		t.Errorf("another secretary reads the person: %v", err)
	}
	if _, err := f.ppl.SetStatus(ctx, other, a.ID, people.StatusInput{Status: "lost", OnDate: "2026-11-01"}); errs.KindOf(err) != errs.NotFound {
		t.Errorf("another secretary changes the status: %v", err)
	}
	f.recount(t)
}

// TestMembersMoveAndBlockDissolution: moving an organization carries its
// members' counts to its new ancestors; an organization with members is
// not dissolved.
func TestMembersMoveAndBlockDissolution(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	if _, err := f.orgs.Move(ctx, f.admin, f.c3.ID, f.st.ID); err != nil {
		t.Fatal(err)
	}
	for o, want := range map[int64]int{f.ms.ID: 0, f.st.ID: 2, *f.ms.ParentID: 2} {
		if st, err := f.ppl.Stats(ctx, f.admin, o); err != nil || st.Total != want {
			t.Errorf("after the move, organization %d has %d members (%v), want %d", o, st.Total, err, want)
		}
	}
	f.recount(t)
	if _, err := f.orgs.Dissolve(ctx, f.admin, f.c3.ID, "2026-12-01", "合并"); err == nil || !strings.Contains(errs.As(err).ZH, "还有 2 名党员，请先办理组织关系转接") {
		t.Errorf("dissolving an organization with members: %v", err)
	}
}

// TestNamesAndNumbersAsTyped: an ID number typed with full-width digits or
// spaces between its groups is read; a name of invisible characters, with
// a line break or a right-to-left override is refused; a minority name
// with its middle dot is taken.
func TestNamesAndNumbersAsTyped(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	id := idNumber("450102", "19900101", 135)
	wide := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '０' + (r - '0')
		}
		return r
	}, id)
	p, err := f.ppl.AddMember(ctx, f.admin, people.MemberInput{PersonInput: people.PersonInput{Name: "阿依古丽·买买提", IDNumber: wide, Ethnicity: "05", Education: "21"},
		OrgID: f.c3.ID, Kind: "full", JoinedOn: "2015-07-01"})
	if err != nil || p.Name != "阿依古丽·买买提" {
		t.Fatalf("full-width digits and a middle dot: %v", err)
	}
	if _, total, _ := f.ppl.Members(ctx, f.admin, people.MemberQuery{Q: id[:6] + " " + id[6:14] + " " + id[14:]}); total != 1 {
		t.Errorf("the number searched with spaces between its groups: %d found", total)
	}
	for _, name := range []string{"\u200b\u200b", "张\n三", "王\u202e五", "李\u0000四"} {
		_, err := f.ppl.AddMember(ctx, f.admin, people.MemberInput{PersonInput: people.PersonInput{Name: name, IDNumber: idNumber("450102", "19900101", 137), Ethnicity: "01", Education: "21"},
			OrgID: f.c3.ID, Kind: "full", JoinedOn: "2015-07-01"})
		if got := errs.FieldMessages(err, "")["name"]; got != "姓名只能由文字、间隔号“·”和空格组成，不能含换行、控制或不可见字符" {
			t.Errorf("name %q: %v", name, err)
		}
	}
	if n := f.count(t, "persons"); n != 1 {
		t.Errorf("%d persons, want 1", n)
	}
}

// TestDuplicateProbesAuditedAndHeldBack: each registration refused because
// the number is registered is written to the audit log of the person's
// organization; after 20, the account is held back from every
// registration — a number not registered included, so the wait says
// nothing — and gets one more every three minutes.
func TestDuplicateProbesAuditedAndHeldBack(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	now := today
	f.ppl.WithClock(func() time.Time { return now })
	known := idNumber("450102", "19850312", 123)
	f.add(t, f.st, "张伟", known, "full", "2010-07-01")
	town := testPerms.Bind(access.Actor{UserID: 4, Username: "town", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: f.ms.Path}}})
	in := func(id string) people.MemberInput {
		return people.MemberInput{PersonInput: people.PersonInput{Name: "试探", IDNumber: id, Ethnicity: "01", Education: "21"}, OrgID: f.c3.ID, Kind: "full", JoinedOn: "2010-07-01"}
	}
	for i := range 20 {
		if _, err := f.ppl.AddMember(ctx, town, in(known)); errs.FieldMessages(err, "")["id_number"] != "该身份证号已登记在您管理范围以外的党组织，请联系上级组织部门" {
			t.Fatalf("probe %d: %v", i+1, err)
		}
	}
	var audited int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.duplicate' AND actor_name = 'town' AND org_path = ?", f.st.Path).Scan(&audited); err != nil || audited != 20 {
		t.Errorf("%d probes in the audit log of the person's organization (%v), want 20", audited, err)
	}
	for _, id := range []string{known, idNumber("450102", "19900101", 135)} {
		if _, err := f.ppl.AddMember(ctx, town, in(id)); errs.KindOf(err) != errs.TooMany {
			t.Errorf("after 20 probes, registering %s: %v, want too many", id[:6], err)
		}
	}
	if n := f.count(t, "persons"); n != 1 {
		t.Errorf("%d persons, want 1", n)
	}
	now = now.Add(4 * time.Minute)
	if _, err := f.ppl.AddMember(ctx, town, in(idNumber("450102", "19900101", 135))); err != nil {
		t.Errorf("after the wait: %v", err)
	}
}

// TestRegisteredFullMemberTimeline: a full member registered with the date
// of their full membership has that step in their timeline.
func TestRegisteredFullMemberTimeline(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	p, err := f.ppl.AddMember(ctx, f.admin, people.MemberInput{PersonInput: people.PersonInput{Name: "张伟", IDNumber: idNumber("450102", "19850312", 123), Ethnicity: "汉族", Education: "大学本科"},
		OrgID: f.c3.ID, Kind: "full", JoinedOn: "2010-07-01", FullOn: "2011-07-05"})
	if err != nil {
		t.Fatal(err)
	}
	tl, err := f.ppl.Timeline(ctx, f.admin, p.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, e := range tl {
		steps = append(steps, e.OnDate+" "+e.Summary)
	}
	if got := strings.Join(steps, " | "); got != "2010-07-01 registered as a full member of 兴宁社区党支部 | 2011-07-05 became a full member" {
		t.Errorf("timeline: %s", got)
	}
}

// TestMemberListFiltersAndOrders: the list narrows by gender, age band and
// education band as the statistics count, and sorts by age and joining.
func TestMemberListFiltersAndOrders(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")         // man, 41 at the end of 2026
	f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")         // woman, 31
	f.add(t, f.c3, "王芳", idNumber("450102", "20000101", 222), "probationary", "2026-01-10") // woman, 26
	f.add(t, f.ms, "刘洋", idNumber("452101", "19640808", 331), "full", "1990-05-04")         // man, 62
	names := func(q people.MemberQuery) string {
		t.Helper()
		list, total, err := f.ppl.Members(ctx, f.street, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		var out []string
		for _, m := range list {
			out = append(out, m.Name)
		}
		return fmt.Sprint(total, out)
	}
	for _, c := range []struct {
		q    people.MemberQuery
		want string
	}{
		{people.MemberQuery{AgeBand: "35"}, "2 [李娜 王芳]"},
		{people.MemberQuery{AgeBand: "45"}, "1 [张伟]"},
		{people.MemberQuery{AgeBand: "61"}, "1 [刘洋]"},
		{people.MemberQuery{AgeBand: "55"}, "0 []"},
		{people.MemberQuery{Gender: "male"}, "2 [刘洋 张伟]"},
		{people.MemberQuery{Gender: "female", Kind: "full"}, "1 [李娜]"},
		{people.MemberQuery{Education: "2"}, "4 [李娜 刘洋 王芳 张伟]"},
		{people.MemberQuery{Education: "7"}, "0 []"},
		{people.MemberQuery{Sort: "age"}, "4 [王芳 李娜 张伟 刘洋]"},
		{people.MemberQuery{Sort: "-joined"}, "4 [王芳 李娜 张伟 刘洋]"},
		{people.MemberQuery{Sort: "-name"}, "4 [张伟 王芳 刘洋 李娜]"},
	} {
		if got := names(c.q); got != c.want {
			t.Errorf("%+v: %s, want %s", c.q, got, c.want)
		}
	}
	for _, c := range []struct {
		q     people.MemberQuery
		field string
	}{{people.MemberQuery{AgeBand: "40"}, "age_band"}, {people.MemberQuery{Gender: "x"}, "gender"}, {people.MemberQuery{Education: "5"}, "education"}, {people.MemberQuery{Sort: "id"}, "sort"}} {
		if _, _, err := f.ppl.Members(ctx, f.street, c.q); errs.As(err).Field != c.field {
			t.Errorf("%+v: %v, want a problem with %s", c.q, err, c.field)
		}
	}
}

// TestMemberListWalksNamesInOrder: a list that is most of the register is
// found by walking the names a chunk at a time; every page equals the
// same page of the whole list sorted, across chunk boundaries.
func TestMemberListWalksNamesInOrder(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	surnames := []string{"张", "李", "王", "赵", "钱", "孙", "周", "吴", "郑", "冯"}
	for i := range 60 {
		f.add(t, f.c3, surnames[i%10]+surnames[(i*7)%10]+"明", idNumber("450102", "19800101", 101+2*i), "full", "2005-07-01")
	}
	f.add(t, f.st, "艾青", idNumber("450102", "19800101", 901), "full", "2005-07-01")
	all, total, err := f.ppl.Members(ctx, f.admin, people.MemberQuery{Under: f.c3.ID, Limit: 100})
	if err != nil || total != 60 || len(all) != 60 {
		t.Fatalf("the whole list: %d %d %v", total, len(all), err)
	}
	defer people.SetWalkChunk(people.SetWalkChunk(4))
	defer people.SetPageBatch(people.SetPageBatch(2))
	for _, page := range []struct{ offset, limit int }{{0, 3}, {3, 2}, {1, 4}, {57, 5}, {60, 3}} {
		got, n, err := f.ppl.Members(ctx, f.street, people.MemberQuery{Under: f.c3.ID, Offset: page.offset, Limit: page.limit})
		if err != nil || n != 60 {
			t.Fatalf("page %+v: %d %v", page, n, err)
		}
		want := all[min(page.offset, 60):min(page.offset+page.limit, 60)]
		var g, w []string
		for _, m := range got {
			g = append(g, m.Name+fmt.Sprint(m.ID))
		}
		for _, m := range want {
			w = append(w, m.Name+fmt.Sprint(m.ID))
		}
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("page %+v walked: %v, want %v", page, g, w)
		}
	}
	// Paging by position, forwards to the end and back, walked (the
	// subtree) and collected (a search): every page equals the same page
	// of the whole list.
	names := func(ms []people.Member) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Name+fmt.Sprint(m.ID))
		}
		return fmt.Sprint(out)
	}
	for _, base := range []people.MemberQuery{{Under: f.c3.ID, Limit: 7}, {Under: f.c3.ID, Q: "明", Limit: 7}} {
		q, seen := base, 0
		var pages [][]people.Member
		for seen < 60 {
			got, n, err := f.ppl.Members(ctx, f.street, q)
			if err != nil || n != 60 || len(got) == 0 || names(got) != names(all[seen:min(seen+7, 60)]) {
				t.Fatalf("%+v after row %d: %d %v %s", base, seen, n, err, names(got))
			}
			pages, seen = append(pages, got), seen+len(got)
			q.After, q.Offset = got[len(got)-1].Position(), seen
		}
		if got, _, err := f.ppl.Members(ctx, f.street, q); err != nil || len(got) != 0 {
			t.Errorf("%+v after the last row: %d rows %v", base, len(got), err)
		}
		q.After = ""
		for i := len(pages) - 1; i > 0; i-- {
			q.Before, q.Offset = pages[i][0].Position(), (i-1)*7
			if got, _, err := f.ppl.Members(ctx, f.street, q); err != nil || names(got) != names(pages[i-1]) {
				t.Errorf("%+v before page %d: %s %v, want %s", base, i+1, names(got), err, names(pages[i-1]))
			}
		}
	}
	for _, c := range []struct {
		q     people.MemberQuery
		field string
	}{
		{people.MemberQuery{After: "zz.1"}, "after"}, {people.MemberQuery{Before: "ab.0"}, "before"}, {people.MemberQuery{After: "ab"}, "after"},
		{people.MemberQuery{After: "ab.1", Before: "ab.2"}, "before"}, {people.MemberQuery{After: "ab.1", Sort: "age"}, "after"},
	} {
		if _, _, err := f.ppl.Members(ctx, f.street, c.q); errs.As(err).Field != c.field {
			t.Errorf("%+v: %v, want a problem with %s", c.q, err, c.field)
		}
	}
	// The walk reads every membership of the register in name order: what
	// it keeps stays inside the reader's scope. 艾青 (first in name order)
	// is in another street.
	for _, q := range []people.MemberQuery{{Limit: 3}, {Limit: 3, Gender: "male"}, {Under: f.st.ID}} {
		got, n, err := f.ppl.Members(ctx, f.street, q)
		switch {
		case q.Under != 0 && errs.KindOf(err) != errs.NotFound:
			t.Errorf("the other street's list: %d %v", n, err)
		case q.Under == 0 && (err != nil || n != 60 || len(got) != 3 || got[0].Name == "艾青"):
			t.Errorf("the street's walk %+v: %d %v %v", q, n, len(got), err)
		}
	}
}
