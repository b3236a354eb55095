package programs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

var (
	ctRegions = region.NewHolder()
	ctPerms   = access.MustCatalogue(people.Permissions(), programs.Permissions())
	// ctToday is the programmes' date in these tests: the 273rd day of
	// 2026, so that a rule of 4 visits expects 2 by now and one of 6
	// expects 4.
	ctToday = time.Date(2026, 9, 30, 2, 0, 0, 0, time.UTC)
)

// ctFx is the city of Nanning with the register and the programmes, the
// organizations the tests name and the accounts that act: the city's, 兴宁区's
// and 青秀区's organization departments, the secretary of 兴宁社区 and an
// auditor of 兴宁区.
type ctFx struct {
	d    *db.DB
	orgs *org.Service
	ppl  *people.Service
	pg   *programs.Service

	city, xingning, qingxiu         org.Org
	minsheng, santang, xinzhu       org.Org // 民生街道, 三塘镇 (兴宁区); 新竹街道 (青秀区)
	xnCommunity, beining, sitang    org.Org // 兴宁社区, 北宁社区 (民生街道); 四塘社区 (三塘镇)
	qxCommunity                     org.Org // a community of 新竹街道
	cityAdmin, countyAdmin, qxAdmin access.Actor
	secretary, auditor, townshipAdm access.Actor
	serial                          int
}

func newCtFx(t *testing.T) *ctFx {
	t.Helper()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	d.SetClock(func() time.Time { return ctToday })
	orgs := org.NewService(d, ctRegions).WithClock(func() time.Time { return ctToday })
	res, err := orgs.InitRegion(ctx, testrig.Admin, "4501")
	if err != nil {
		t.Fatal(err)
	}
	ppl, err := people.NewService(d, orgs, []byte("test-key-for-people-sealing-0123"))
	if err != nil {
		t.Fatal(err)
	}
	ppl.WithClock(func() time.Time { return ctToday })
	f := &ctFx{d: d, orgs: orgs, ppl: ppl, pg: programs.NewService(d, orgs, nil, nil, ppl).WithClock(func() time.Time { return ctToday })}
	get := func(code string) org.Org {
		t.Helper()
		l, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("organization of %s: %v %v", code, l, err)
		}
		return l[0]
	}
	if f.city, err = orgs.Get(ctx, testrig.Admin, res.RootID); err != nil {
		t.Fatal(err)
	}
	f.xingning, f.qingxiu = get("450102"), get("450103")
	f.minsheng, f.santang, f.xinzhu = get("450102001"), get("450102101"), get("450103001")
	f.xnCommunity, f.beining, f.sitang = get("450102001003"), get("450102001004"), get("450102101001")
	kids, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{Under: f.xinzhu.ID, ChildrenOnly: true, Limit: 1, Sort: "tree"})
	if err != nil || len(kids) != 1 {
		t.Fatalf("a community of 新竹街道: %v", err)
	}
	f.qxCommunity = kids[0]
	bind := func(id int64, name string, role access.Role, o org.Org) access.Actor {
		return ctPerms.Bind(access.Actor{UserID: id, Username: name, Grants: []access.Grant{{Role: role, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Label()}}})
	}
	f.cityAdmin = bind(1, "city", access.OrgAdmin, f.city)
	f.countyAdmin = bind(2, "xingning", access.OrgAdmin, f.xingning)
	f.qxAdmin = bind(3, "qingxiu", access.OrgAdmin, f.qingxiu)
	f.secretary = bind(4, "sec", access.Secretary, f.xnCommunity)
	f.auditor = bind(5, "auditor", access.Auditor, f.xingning)
	f.townshipAdm = bind(6, "minsheng", access.OrgAdmin, f.minsheng)
	return f
}

// member registers a full member of o.
func (f *ctFx) member(t *testing.T, o org.Org, name string) people.Person {
	t.Helper()
	f.serial++
	first17 := fmt.Sprintf("45010219750101%03d", 100+2*f.serial)
	p, err := f.ppl.AddMember(context.Background(), testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: name, IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
		OrgID:       o.ID, Kind: "full", JoinedOn: "2000-07-01"})
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	return p
}

func (f *ctFx) contact(t *testing.T, actor access.Actor, p people.Person, leader, point org.Org, year int, post string) programs.Contact {
	t.Helper()
	c, err := f.pg.CreateContact(context.Background(), actor, programs.ContactInput{PersonID: p.ID, LeaderOrgID: leader.ID, OrgID: point.ID, Year: year, Post: post})
	if err != nil {
		t.Fatalf("contact point %s ↔ %s: %v", p.Name, point.Label(), err)
	}
	return c
}

func (f *ctFx) visit(t *testing.T, actor access.Actor, c programs.Contact, on string, solved int) programs.Contact {
	t.Helper()
	in := programs.VisitInput{VisitedOn: on, Topics: "调研基层党建和集体经济发展", Solved: solved}
	if solved > 0 {
		in.SolvedText = "协调解决道路硬化和路灯安装问题"
	}
	c, err := f.pg.LogVisit(context.Background(), actor, c.ID, in)
	if err != nil {
		t.Fatalf("visit %s on %s: %v", c.OrgName, on, err)
	}
	return c
}

func (f *ctFx) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// contactState is what the tables hold of contact points: the points with
// their counts and versions, the visits, the rules and the audit entries.
func (f *ctFx) contactState(t *testing.T) string {
	t.Helper()
	rows, err := f.d.Query(context.Background(), "SELECT id, person_id, org_id, year, visits, COALESCE(last_visit_on, ''), version FROM contact_points ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, p, o, y, v, ver int
		var last string
		if err := rows.Scan(&id, &p, &o, &y, &v, &last, &ver); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d:%d@%d/%d %d %s v%d; ", id, p, o, y, v, last, ver)
	}
	rules, err := f.d.Query(context.Background(), "SELECT org_id, min_visits, version FROM contact_rules ORDER BY org_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rules.Close()
	for rules.Next() {
		var o, n, v int
		if err := rules.Scan(&o, &n, &v); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "rule %d=%d v%d; ", o, n, v)
	}
	return fmt.Sprint(b.String(), f.count(t, "contact_visits"), " visits ", f.count(t, "audit_log"), " entries")
}

// TestContactCompliance: five contact points of a county leader (韦立新 of
// 兴宁区委) and a city leader (李明 of 南宁市委), with their visits, against
// the rules — 兴宁区 asks for 6 visits a year, the rest of the city for the
// default 4 — on 30 September 2026, day 273 of 365, by hand:
//
//	point  leader  organization (county)  year  visits  required  expected by today  state
//	1      韦立新  兴宁社区 (兴宁区)        2026  4       6         6×273/365 → 4      on track
//	2      韦立新  四塘社区 (兴宁区)        2026  1       6         4                  behind
//	3      李明    a community (青秀区)     2026  4       4         4×273/365 → 2      met
//	4      李明    北宁社区 (兴宁区)        2026  2       6         4                  behind
//	5      韦立新  兴宁社区 (兴宁区)        2025  4       6         6 (the year is over) behind
func TestContactCompliance(t *testing.T) {
	t.Parallel()
	f := newCtFx(t)
	ctx := context.Background()
	// Set, changed, and set back: the row counts its versions.
	for _, n := range []int{6, 5, 6} {
		if _, err := f.pg.SetContactRule(ctx, f.countyAdmin, programs.ContactRuleInput{OrgID: f.xingning.ID, MinVisits: n}); err != nil {
			t.Fatal(err)
		}
	}
	wei := f.member(t, f.xingning, "韦立新")
	li := f.member(t, f.city, "李明")
	c1 := f.contact(t, f.countyAdmin, wei, f.xingning, f.xnCommunity, 2026, "区委书记")
	c2 := f.contact(t, f.countyAdmin, wei, f.xingning, f.sitang, 2026, "区委书记")
	c3 := f.contact(t, f.cityAdmin, li, f.city, f.qxCommunity, 2026, "市委常委、组织部部长")
	c4 := f.contact(t, f.cityAdmin, li, f.city, f.beining, 2026, "市委常委、组织部部长")
	c5 := f.contact(t, f.countyAdmin, wei, f.xingning, f.xnCommunity, 2025, "区委书记")
	for _, on := range []string{"2026-01-15", "2026-03-20", "2026-06-05"} {
		f.visit(t, f.countyAdmin, c1, on, 1)
	}
	// The community's own secretary logs the fourth visit.
	c1 = f.visit(t, f.secretary, c1, "2026-09-01", 0)
	f.visit(t, f.countyAdmin, c2, "2026-02-10", 0)
	for _, on := range []string{"2026-02-01", "2026-04-01", "2026-06-01", "2026-08-01"} {
		f.visit(t, f.qxAdmin, c3, on, 2)
	}
	f.visit(t, f.cityAdmin, c4, "2026-05-05", 0)
	f.visit(t, f.countyAdmin, c4, "2026-07-07", 0)
	for _, on := range []string{"2025-03-01", "2025-05-01", "2025-08-01", "2025-11-01"} {
		f.visit(t, f.countyAdmin, c5, on, 0)
	}
	if c1.VisitCount != 4 || c1.Required != 6 || c1.Expected != 4 || c1.State != "on_track" || c1.LastVisitOn != "2026-09-01" || len(c1.Visits) != 4 || c1.Visits[0].Actor != "sec" {
		t.Errorf("point 1: %+v", c1)
	}

	show := func(l programs.ContactList) string {
		var parts []string
		for _, c := range l.Items {
			parts = append(parts, fmt.Sprintf("%s→%s %d/%d(%d) %s", c.LeaderName, c.OrgName, c.VisitCount, c.Required, c.Expected, c.State))
		}
		return fmt.Sprintf("%d [%s] behind %d on_track %d met %d", l.Total, strings.Join(parts, "; "), l.Counts["behind"], l.Counts["on_track"], l.Counts["met"])
	}
	qx := f.qxCommunity.Label()
	for _, tc := range []struct {
		name  string
		actor access.Actor
		q     programs.ContactQuery
		want  string
	}{
		{"the city, behind first", f.cityAdmin, programs.ContactQuery{},
			"4 [韦立新→四塘社区党支部 1/6(4) behind; 李明→北宁社区党支部 2/6(4) behind; 韦立新→兴宁社区党支部 4/6(4) on_track; 李明→" + qx + " 4/4(2) met] behind 2 on_track 1 met 1"},
		{"兴宁区: its own and the city leader's points in it", f.countyAdmin, programs.ContactQuery{},
			"3 [韦立新→四塘社区党支部 1/6(4) behind; 李明→北宁社区党支部 2/6(4) behind; 韦立新→兴宁社区党支部 4/6(4) on_track] behind 2 on_track 1 met 0"},
		{"青秀区", f.qxAdmin, programs.ContactQuery{}, "1 [李明→" + qx + " 4/4(2) met] behind 0 on_track 0 met 1"},
		{"the community's secretary", f.secretary, programs.ContactQuery{}, "1 [韦立新→兴宁社区党支部 4/6(4) on_track] behind 0 on_track 1 met 0"},
		{"the city, behind only", f.cityAdmin, programs.ContactQuery{State: "behind"},
			"2 [韦立新→四塘社区党支部 1/6(4) behind; 李明→北宁社区党支部 2/6(4) behind] behind 2 on_track 1 met 1"},
		{"the city, a leader's name", f.cityAdmin, programs.ContactQuery{Q: "李明", Sort: "-visits"},
			"2 [李明→" + qx + " 4/4(2) met; 李明→北宁社区党支部 2/6(4) behind] behind 1 on_track 0 met 1"},
		{"the city, under 民生街道", f.cityAdmin, programs.ContactQuery{Under: f.minsheng.ID, Sort: "visits"},
			"2 [李明→北宁社区党支部 2/6(4) behind; 韦立新→兴宁社区党支部 4/6(4) on_track] behind 1 on_track 1 met 0"},
		{"2025: the year is over", f.auditor, programs.ContactQuery{Year: 2025}, "1 [韦立新→兴宁社区党支部 4/6(6) behind] behind 1 on_track 0 met 0"},
	} {
		l, err := f.pg.Contacts(ctx, tc.actor, tc.q)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := show(l); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	// One page of two, and the rest.
	l, err := f.pg.Contacts(ctx, f.cityAdmin, programs.ContactQuery{Limit: 3, Offset: 3})
	if err != nil || l.Total != 4 || len(l.Items) != 1 || l.Items[0].ID != c3.ID {
		t.Errorf("second page: %+v %v", l, err)
	}

	totals := func(actor access.Actor, under int64) string {
		rows, sum, err := f.pg.ContactTotals(ctx, actor, under, 2026)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, r := range rows {
			if r.Points > 0 {
				parts = append(parts, fmt.Sprintf("%s %d met %d on %d behind %d visits %d", r.OrgName, r.Points, r.Met, r.OnTrack, r.Behind, r.Visits))
			}
		}
		return fmt.Sprintf("%s | %s %d met %d on %d behind %d visits %d", strings.Join(parts, "; "), sum.OrgName, sum.Points, sum.Met, sum.OnTrack, sum.Behind, sum.Visits)
	}
	want := fmt.Sprintf("%s 3 met 0 on 1 behind 2 visits 7; %s 1 met 1 on 0 behind 0 visits 4 | %s 4 met 1 on 1 behind 2 visits 11", f.xingning.Label(), f.qingxiu.Label(), f.city.Label())
	if got := totals(f.cityAdmin, 0); got != want {
		t.Errorf("city totals:\n got %s\nwant %s", got, want)
	}
	want = fmt.Sprintf("%s 2 met 0 on 1 behind 1 visits 6; %s 1 met 0 on 0 behind 1 visits 1 | %s 3 met 0 on 1 behind 2 visits 7", f.minsheng.Label(), f.santang.Label(), f.xingning.Label())
	if got := totals(f.countyAdmin, 0); got != want {
		t.Errorf("兴宁区 totals:\n got %s\nwant %s", got, want)
	}

	// The rules as 兴宁区 and the city see them.
	rules, inForce, err := f.pg.ContactRules(ctx, f.countyAdmin, f.minsheng.ID)
	if err != nil || inForce != 6 || len(rules) != 1 || rules[0].OrgID != f.xingning.ID || rules[0].MinVisits != 6 || rules[0].Version != 3 || rules[0].Actor != "xingning" {
		t.Errorf("rules at 民生街道: %+v %d %v", rules, inForce, err)
	}
	// Removing 兴宁区's rule brings back the default: point 1 has met it.
	if _, err := f.pg.SetContactRule(ctx, f.countyAdmin, programs.ContactRuleInput{OrgID: f.xingning.ID}); err != nil {
		t.Fatal(err)
	}
	if c, err := f.pg.Contact(ctx, f.secretary, c1.ID); err != nil || c.Required != 4 || c.State != "met" {
		t.Errorf("point 1 under the default rule: %+v %v", c, err)
	}
	if n := f.count(t, "contact_rules"); n != 0 {
		t.Errorf("%d rules left", n)
	}
}

// TestContactBadInput: each refused contact point, visit and rule says
// what to fix, and nothing changes.
func TestContactBadInput(t *testing.T) {
	t.Parallel()
	f := newCtFx(t)
	ctx := context.Background()
	wei := f.member(t, f.xingning, "韦立新")
	li := f.member(t, f.city, "李明")
	c1 := f.contact(t, f.countyAdmin, wei, f.xingning, f.xnCommunity, 2026, "区委书记")
	f.visit(t, f.countyAdmin, c1, "2026-03-05", 0)
	// A point whose village moves to another county afterwards: its
	// leader no longer leads it.
	moved := f.contact(t, f.cityAdmin, li, f.city, f.sitang, 2026, "")
	gone := f.contact(t, f.countyAdmin, wei, f.xingning, f.sitang, 2026, "区委书记")
	if _, err := f.orgs.Move(ctx, testrig.Admin, f.sitang.ID, f.xinzhu.ID); err != nil {
		t.Fatal(err)
	}
	sitang, err := f.orgs.Get(ctx, testrig.Admin, f.sitang.ID)
	if err != nil {
		t.Fatal(err)
	}
	xn, qx := f.xingning.Label(), f.qxCommunity.Label()
	create := func(actor access.Actor, in programs.ContactInput) func() error {
		return func() error { _, err := f.pg.CreateContact(ctx, actor, in); return err }
	}
	visit := func(actor access.Actor, id int64, in programs.VisitInput) func() error {
		return func() error { _, err := f.pg.LogVisit(ctx, actor, id, in); return err }
	}
	rule := func(actor access.Actor, id int64, n int) func() error {
		return func() error {
			_, err := f.pg.SetContactRule(ctx, actor, programs.ContactRuleInput{OrgID: id, MinVisits: n})
			return err
		}
	}
	ok := programs.VisitInput{VisitedOn: "2026-09-29", Topics: "调研党建工作"}
	with := func(mod func(*programs.VisitInput)) programs.VisitInput { v := ok; mod(&v); return v }
	cases := []struct {
		name  string
		do    func() error
		kind  errs.Kind
		field string
		want  string
	}{
		{"a contact point outside the leader's scope", create(f.cityAdmin, programs.ContactInput{PersonID: wei.ID, LeaderOrgID: f.xingning.ID, OrgID: f.qxCommunity.ID, Year: 2026}),
			errs.Invalid, "org_id", "“" + qx + "”不在“" + xn + "”的管辖范围内：联系点应为领导干部所在党组织的下级党组织"},
		{"the leader's own organization", create(f.countyAdmin, programs.ContactInput{PersonID: wei.ID, LeaderOrgID: f.xingning.ID, OrgID: f.xingning.ID, Year: 2026}),
			errs.Invalid, "org_id", "联系点应为“" + xn + "”的下级党组织，不能是它本身"},
		{"a contact point outside the actor's scope", create(f.countyAdmin, programs.ContactInput{PersonID: wei.ID, LeaderOrgID: f.xingning.ID, OrgID: f.qxCommunity.ID, Year: 2026}),
			errs.Invalid, "org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", f.qxCommunity.ID)},
		{"a leader of a township", create(f.cityAdmin, programs.ContactInput{PersonID: wei.ID, LeaderOrgID: f.minsheng.ID, OrgID: f.xnCommunity.ID, Year: 2026}),
			errs.Invalid, "leader_org_id", "“" + f.minsheng.Label() + "”不是县级以上党委或机关、事业单位、国有企业党组织，不能作为领导干部所在单位"},
		{"the same point twice in a year", create(f.countyAdmin, programs.ContactInput{PersonID: wei.ID, LeaderOrgID: f.xingning.ID, OrgID: f.xnCommunity.ID, Year: 2026}),
			errs.Conflict, "", fmt.Sprintf("韦立新 2026 年已将“兴宁社区党支部”设为联系点（联系点 %d），不能重复设置", c1.ID)},
		{"a year too far", create(f.countyAdmin, programs.ContactInput{PersonID: wei.ID, LeaderOrgID: f.xingning.ID, OrgID: f.beining.ID, Year: 2028}),
			errs.Invalid, "year", "年度应为 2000–2027 年"},
		{"no leader", create(f.countyAdmin, programs.ContactInput{LeaderOrgID: f.xingning.ID, OrgID: f.beining.ID, Year: 2026}),
			errs.Invalid, "person_id", "请选择联系点的领导干部"},
		{"a leader outside the actor's reading", create(f.countyAdmin, programs.ContactInput{PersonID: li.ID, LeaderOrgID: f.xingning.ID, OrgID: f.beining.ID, Year: 2026}),
			errs.Invalid, "person_id", fmt.Sprintf("人员 %d 不存在或不在您的管理范围内", li.ID)},
		{"a secretary sets a point", create(f.secretary, programs.ContactInput{PersonID: wei.ID, LeaderOrgID: f.xingning.ID, OrgID: f.xnCommunity.ID, Year: 2027}),
			errs.Forbidden, "", "您没有设置领导干部联系点的权限"},
		{"a visit to a point moved out of the leader's scope", visit(f.cityAdmin, gone.ID, ok),
			errs.Conflict, "", "“四塘社区党支部”已不在韦立新所在的“" + xn + "”管辖范围内（组织隶属关系已调整），不能为该联系点登记走访；请重新设置联系点"},
		{"the same, by the new county", visit(f.qxAdmin, gone.ID, ok),
			errs.Conflict, "", "“四塘社区党支部”已不在韦立新所在的“" + xn + "”管辖范围内（组织隶属关系已调整），不能为该联系点登记走访；请重新设置联系点"},
		{"a visit in the future", visit(f.countyAdmin, c1.ID, with(func(v *programs.VisitInput) { v.VisitedOn = "2026-10-01" })),
			errs.Invalid, "visited_on", "走访日期不能晚于今天（2026-09-30）"},
		{"a visit of another year", visit(f.countyAdmin, c1.ID, with(func(v *programs.VisitInput) { v.VisitedOn = "2025-12-31" })),
			errs.Invalid, "visited_on", "走访日期应在联系点的年度（2026 年）内"},
		{"a second visit the same day", visit(f.countyAdmin, c1.ID, with(func(v *programs.VisitInput) { v.VisitedOn = "2026-03-05" })),
			errs.Invalid, "visited_on", "2026-03-05 已登记过该联系点的走访，同一天只登记一次"},
		{"no date", visit(f.countyAdmin, c1.ID, with(func(v *programs.VisitInput) { v.VisitedOn = "" })),
			errs.Invalid, "visited_on", "请填写走访日期，格式如 2026-07-01"},
		{"no topics", visit(f.countyAdmin, c1.ID, with(func(v *programs.VisitInput) { v.Topics = " " })),
			errs.Invalid, "topics", "请填写走访内容（调研、座谈的主题）"},
		{"a negative number of problems", visit(f.countyAdmin, c1.ID, with(func(v *programs.VisitInput) { v.Solved = -1 })),
			errs.Invalid, "solved", "解决问题数应为 0–999 的整数"},
		{"problems solved without saying which", visit(f.countyAdmin, c1.ID, with(func(v *programs.VisitInput) { v.Solved = 2 })),
			errs.Invalid, "solved_text", "解决了 2 个问题，请写明是哪些问题、如何解决"},
		{"an auditor logs a visit", visit(f.auditor, c1.ID, ok),
			errs.Forbidden, "", "您没有为联系点“兴宁社区党支部”登记走访的权限：由组织部门或该党组织登记"},
		{"another county logs a visit", visit(f.qxAdmin, c1.ID, ok),
			errs.NotFound, "", fmt.Sprintf("联系点 %d 不存在或不在您的管理范围内", c1.ID)},
		{"a rule for a township", rule(f.countyAdmin, f.minsheng.ID, 5),
			errs.Invalid, "org_id", "“" + f.minsheng.Label() + "”不是县（市、区）级或市级党委：走访要求由县级以上党委为其下级统一设置"},
		{"a rule of 53 visits", rule(f.countyAdmin, f.xingning.ID, 53),
			errs.Invalid, "min_visits", "每个联系点每年走访次数应为 1–52 次（留空则沿用上级要求）"},
		{"a negative rule", rule(f.countyAdmin, f.xingning.ID, -1),
			errs.Invalid, "min_visits", "每个联系点每年走访次数应为 1–52 次（留空则沿用上级要求）"},
		{"a rule for the city by a county", rule(f.countyAdmin, f.city.ID, 5),
			errs.Invalid, "org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", f.city.ID)},
		{"a rule by a secretary", rule(f.secretary, f.xingning.ID, 5),
			errs.Forbidden, "", "您没有设置联系点走访要求的权限"},
	}
	for _, tc := range cases {
		before := f.contactState(t)
		err := tc.do()
		e := errs.As(err)
		switch {
		case err == nil:
			t.Errorf("%s: accepted", tc.name)
		case e.Kind != tc.kind:
			t.Errorf("%s: %s %v, want %s", tc.name, e.Kind, err, tc.kind)
		case tc.field != "" && errs.FieldMessages(err, i18n.ZH)[tc.field] != tc.want:
			t.Errorf("%s: %q, want at %s %q", tc.name, errs.FieldMessages(err, i18n.ZH), tc.field, tc.want)
		case tc.field == "" && e.ZH != tc.want:
			t.Errorf("%s: %q, want %q", tc.name, e.ZH, tc.want)
		}
		if e != nil && (e.EN == "" || strings.ContainsAny(e.EN, "，：（")) {
			t.Errorf("%s: English %q", tc.name, e.EN)
		}
		if after := f.contactState(t); after != before {
			t.Errorf("%s changed the ledger:\n%s\n%s", tc.name, before, after)
		}
	}
	// The moved point is still read, and shown as outside the leader's
	// scope; the city leader's, still in the city, takes the visit.
	g, err := f.pg.Contact(ctx, f.cityAdmin, gone.ID)
	if err != nil || g.InScope || g.OrgID != sitang.ID {
		t.Errorf("moved point: %+v %v", g, err)
	}
	if _, err := f.pg.LogVisit(ctx, f.qxAdmin, moved.ID, ok); err != nil {
		t.Errorf("the city leader's point, moved within the city: %v", err)
	}
}
