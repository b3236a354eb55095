package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// addEdu registers a member with an education code.
func (f *fx) addEdu(t *testing.T, o org.Org, name, id, edu string) people.Person {
	t.Helper()
	p, err := f.ppl.AddMember(context.Background(), f.admin, people.MemberInput{PersonInput: people.PersonInput{Name: name, IDNumber: id, Ethnicity: "汉族", Education: edu},
		OrgID: o.ID, Kind: "full", JoinedOn: "2020-07-01"})
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return p
}

// msg is the message a refusal shows: its field's, or its own.
func msg(err error) string {
	for _, m := range errs.FieldMessages(err, "") {
		return m
	}
	if err == nil {
		return "<nil>"
	}
	return errs.As(err).ZH
}

// organizerState is what the tables hold of organizers: rows, posts of
// organizers, their timeline steps and the audit entries.
func (f *fx) organizerState(t *testing.T) string {
	t.Helper()
	var n [4]int
	for i, q := range []string{"SELECT COUNT(*) FROM organizers", "SELECT COUNT(*) FROM posts WHERE post = 'organizer'",
		"SELECT COUNT(*) FROM organizers WHERE placed_on IS NOT NULL OR left_on IS NOT NULL", "SELECT COUNT(*) FROM audit_log"} {
		if err := f.d.QueryRow(context.Background(), q).Scan(&n[i]); err != nil {
			t.Fatal(err)
		}
	}
	return fmt.Sprint(n)
}

// TestOrganizers: a county's batch, its recruits (本科 or more), their
// placement in a community or a 两新 organization of the county with the
// organizer's post, a departure, the lists and the counts by county; and
// every bad input refused with its message and nothing changed.
func TestOrganizers(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	county := *f.ms.ParentID
	countyAdmin := testPerms.Bind(access.Actor{UserID: 10, Username: "county", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: "/" + fmt.Sprint(county) + "/"}}})
	co, err := f.orgs.Get(ctx, f.admin, county)
	if err != nil {
		t.Fatal(err)
	}

	// A batch is a county's.
	if _, err := f.ppl.CreateBatch(ctx, f.admin, people.BatchInput{Name: "2025年党建组织员", Year: 2025, OrgID: f.ms.ID, Planned: 2}); msg(err) != "党建组织员由县（市、区）党委招录：“民生街道党工委”不是县级党组织" {
		t.Errorf("a street's batch: %v", err)
	}
	if _, err := f.ppl.CreateBatch(ctx, countyAdmin, people.BatchInput{Name: "", Year: 2025, OrgID: county, Planned: 0}); len(errs.FieldMessages(err, "")) != 2 {
		t.Errorf("an empty batch: %v", err)
	}
	if n := f.count(t, "organizer_batches"); n != 0 {
		t.Fatalf("%d batches after refusals", n)
	}
	b, err := f.ppl.CreateBatch(ctx, countyAdmin, people.BatchInput{Name: "2025年社区和两新党建组织员", Year: 2025, OrgID: county, Planned: 2})
	if err != nil {
		t.Fatal(err)
	}

	zhang := f.addEdu(t, f.c3, "张伟", idNumber("450102", "19980312", 123), "21")
	li := f.addEdu(t, f.c3, "李娜", idNumber("450102", "19960620", 124), "14")
	wang := f.addEdu(t, f.c3, "王芳", idNumber("450102", "19950101", 222), "31")
	zhao := f.addEdu(t, f.ms, "赵强", idNumber("450102", "19970101", 331), "21")
	before := f.organizerState(t)
	// Below 本科: refused, naming the person's education.
	if _, err := f.ppl.Recruit(ctx, countyAdmin, b.ID, people.RecruitInput{PersonID: wang.ID, RecruitedOn: "2025-07-01"}); msg(err) != "王芳的学历为大学专科：党建组织员须为大学本科及以上学历" {
		t.Errorf("a college diploma: %v", err)
	}
	if _, err := f.ppl.Recruit(ctx, countyAdmin, b.ID, people.RecruitInput{PersonID: zhang.ID, RecruitedOn: "2024-07-01"}); msg(err) != "录用日期应在批次年度 2025 年内" {
		t.Errorf("a date outside the batch's year: %v", err)
	}
	if got := f.organizerState(t); got != before {
		t.Errorf("refused recruits changed %s to %s", before, got)
	}
	oz, err := f.ppl.Recruit(ctx, countyAdmin, b.ID, people.RecruitInput{PersonID: zhang.ID, RecruitedOn: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.Recruit(ctx, countyAdmin, b.ID, people.RecruitInput{PersonID: zhang.ID, RecruitedOn: "2025-07-02"}); msg(err) != "张伟已是党建组织员（2025年社区和两新党建组织员），请先办理离岗" {
		t.Errorf("recruited twice: %v", err)
	}
	ol, err := f.ppl.Recruit(ctx, countyAdmin, b.ID, people.RecruitInput{PersonID: li.ID, RecruitedOn: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	before = f.organizerState(t)
	if _, err := f.ppl.Recruit(ctx, countyAdmin, b.ID, people.RecruitInput{PersonID: zhao.ID, RecruitedOn: "2025-07-01"}); msg(err) != "“2025年社区和两新党建组织员”计划招录 2 名，已招录 2 名，不能再录用" {
		t.Errorf("over the plan: %v", err)
	}
	if got := f.organizerState(t); got != before {
		t.Errorf("a recruit over the plan changed %s to %s", before, got)
	}

	// Placement: a 两新 organization of the county, a community.
	firm, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "南宁市兴宁区某科技有限公司党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: "南宁市兴宁区某商贸有限公司党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.orgs.Dissolve(ctx, f.admin, gone.ID, "2026-01-05", "企业注销"); err != nil {
		t.Fatal(err)
	}
	village := f.get(t, "450102101201")
	if _, err := f.orgs.InitRegion(ctx, testrig.Admin, "450103"); err != nil {
		t.Fatal(err)
	}
	outside := f.get(t, "450103001005")
	before = f.organizerState(t)
	for _, c := range []struct {
		name  string
		actor access.Actor
		id    int64
		in    people.PlaceInput
		want  string
	}{
		{"a village", countyAdmin, oz.ID, people.PlaceInput{OrgID: village.ID, PlacedOn: "2025-08-01", TenureYears: 3}, "党建组织员派驻社区或两新组织：“" + village.Label() + "”是农村党组织"},
		{"a dissolved organization", countyAdmin, oz.ID, people.PlaceInput{OrgID: gone.ID, PlacedOn: "2025-08-01", TenureYears: 3}, "“南宁市兴宁区某商贸有限公司党支部”已撤销，不能派驻"},
		{"outside the actor's scope", countyAdmin, oz.ID, people.PlaceInput{OrgID: outside.ID, PlacedOn: "2025-08-01", TenureYears: 3}, fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", outside.ID)},
		{"outside the recruiting county", f.admin, oz.ID, people.PlaceInput{OrgID: outside.ID, PlacedOn: "2025-08-01", TenureYears: 3}, "“" + outside.Label() + "”不在招录单位" + co.Label() + "的范围内"},
		{"before the recruitment", countyAdmin, oz.ID, people.PlaceInput{OrgID: firm.ID, PlacedOn: "2025-06-30", TenureYears: 3}, "派驻日期不能早于录用日期 2025-07-01"},
		{"no tenure", countyAdmin, oz.ID, people.PlaceInput{OrgID: firm.ID, PlacedOn: "2025-08-01", TenureYears: 0}, "服务期限应为 1–10 年"},
		{"by a street", f.street, oz.ID, people.PlaceInput{OrgID: firm.ID, PlacedOn: "2025-08-01", TenureYears: 3}, fmt.Sprintf("党建组织员 %d 不存在或不在您的管理范围内", oz.ID)},
	} {
		if _, err := f.ppl.Place(ctx, c.actor, c.id, c.in); msg(err) != c.want {
			t.Errorf("%s: %q, want %q", c.name, msg(err), c.want)
		}
	}
	if got := f.organizerState(t); got != before {
		t.Errorf("refused placements changed %s to %s", before, got)
	}
	if oz, err = f.ppl.Place(ctx, countyAdmin, oz.ID, people.PlaceInput{OrgID: firm.ID, PlacedOn: "2025-08-01", TenureYears: 3}); err != nil {
		t.Fatal(err)
	}
	if ol, err = f.ppl.Place(ctx, countyAdmin, ol.ID, people.PlaceInput{OrgID: f.c3.ID, PlacedOn: "2025-08-01", TenureYears: 1}); err != nil {
		t.Fatal(err)
	}
	if oz.State != "in_post" || oz.EndsOn != "2028-08-01" || oz.EndingSoon || ol.EndsOn != "2026-08-01" || !ol.EndingSoon || ol.DaysLeft != -124 {
		t.Errorf("placed: %+v / %+v", oz, ol)
	}
	if _, err := f.ppl.Place(ctx, countyAdmin, oz.ID, people.PlaceInput{OrgID: f.c3.ID, PlacedOn: "2025-09-01", TenureYears: 3}); msg(err) != "张伟已于 2025-08-01 派驻南宁市兴宁区某科技有限公司党支部" {
		t.Errorf("placed twice: %v", err)
	}
	// The placement holds the organizer's post, which the organization's
	// page lists, and is a step of the member's timeline.
	posts, err := f.ppl.OrgPosts(ctx, f.admin, f.c3.ID)
	if err != nil || len(posts) != 1 || posts[0].PersonName != "李娜" || posts[0].Post != "organizer" || posts[0].StartedOn != "2025-08-01" {
		t.Errorf("posts of the community: %+v %v", posts, err)
	}
	tl, _ := f.ppl.Timeline(ctx, f.admin, li.ID, "")
	if last := tl[len(tl)-1]; last.Summary != "任"+f.c3.Label()+"党建组织员（服务期 1 年，至 2026-08-01）" || last.OnDate != "2025-08-01" {
		t.Errorf("timeline: %+v", last)
	}

	// A departure: not before the placement, a reason of the list.
	before = f.organizerState(t)
	for _, c := range []struct {
		in   people.DepartInput
		want string
	}{
		{people.DepartInput{LeftOn: "2025-07-15", Reason: "civil_service"}, "离岗日期不能早于派驻日期 2025-08-01"},
		{people.DepartInput{LeftOn: "2026-12-04", Reason: "civil_service"}, "离岗日期不能晚于今天"},
		{people.DepartInput{LeftOn: "2026-05-10", Reason: "bored"}, "请选择离岗原因：考录公务员、考入事业单位、辞职、期满、解聘或其他"},
	} {
		if _, err := f.ppl.Depart(ctx, countyAdmin, ol.ID, c.in); msg(err) != c.want {
			t.Errorf("departure %+v: %q, want %q", c.in, msg(err), c.want)
		}
	}
	if got := f.organizerState(t); got != before {
		t.Errorf("refused departures changed %s to %s", before, got)
	}
	if ol, err = f.ppl.Depart(ctx, countyAdmin, ol.ID, people.DepartInput{LeftOn: "2026-05-10", Reason: "考录公务员"}); err != nil {
		t.Fatal(err)
	}
	if ol.State != "departed" || ol.LeaveReason != "civil_service" {
		t.Errorf("departed: %+v", ol)
	}
	if _, err := f.ppl.Depart(ctx, countyAdmin, ol.ID, people.DepartInput{LeftOn: "2026-05-11", Reason: "resigned"}); msg(err) != "李娜已于 2026-05-10 离岗（考录公务员）" {
		t.Errorf("departed twice: %v", err)
	}
	if posts, _ := f.ppl.OrgPosts(ctx, f.admin, f.c3.ID); len(posts) != 0 {
		t.Errorf("the departed organizer still holds the post: %+v", posts)
	}

	// A second batch of 2026: one recruit, not placed.
	b2, err := f.ppl.CreateBatch(ctx, countyAdmin, people.BatchInput{Name: "2026年党建组织员", Year: 2026, OrgID: county, Planned: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.Recruit(ctx, countyAdmin, b2.ID, people.RecruitInput{PersonID: zhao.ID, RecruitedOn: "2026-07-01"}); err != nil {
		t.Fatal(err)
	}
	// The batches: recruited / planned, in post, departed, retention.
	bs, total, err := f.ppl.Batches(ctx, f.street, people.BatchQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range bs {
		got = append(got, fmt.Sprintf("%s %d/%d in %d gone %d %.1f%%", x.Name, x.Recruited, x.Planned, x.InPost, x.Departed, x.Retention))
	}
	// A street reads no county's batch: its scope is below the county.
	if total != 0 {
		t.Errorf("the street reads batches: %v", got)
	}
	bs, total, _ = f.ppl.Batches(ctx, countyAdmin, people.BatchQuery{})
	got = nil
	for _, x := range bs {
		got = append(got, fmt.Sprintf("%s %d/%d in %d gone %d %.1f%%", x.Name, x.Recruited, x.Planned, x.InPost, x.Departed, x.Retention))
	}
	if total != 2 || strings.Join(got, " | ") != "2026年党建组织员 1/5 in 0 gone 0 100.0% | 2025年社区和两新党建组织员 2/2 in 1 gone 1 50.0%" {
		t.Errorf("batches: %v", got)
	}
	// The organizers by state; those placed in the street's subtree are read by it.
	list := func(actor access.Actor, q people.OrganizerQuery) string {
		t.Helper()
		os, n, err := f.ppl.Organizers(ctx, actor, q)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, o := range os {
			s = append(s, o.Name+" "+o.State)
		}
		return fmt.Sprint(n, " ", strings.Join(s, ","))
	}
	for _, c := range []struct {
		actor access.Actor
		q     people.OrganizerQuery
		want  string
	}{
		{countyAdmin, people.OrganizerQuery{}, "3 李娜 departed,张伟 in_post,赵强 recruited"},
		{countyAdmin, people.OrganizerQuery{State: "in_post"}, "1 张伟 in_post"},
		{countyAdmin, people.OrganizerQuery{Sort: "-batch"}, "3 赵强 recruited,李娜 departed,张伟 in_post"},
		{countyAdmin, people.OrganizerQuery{Q: "娜"}, "1 李娜 departed"},
		{f.street, people.OrganizerQuery{}, "2 李娜 departed,张伟 in_post"},
	} {
		if got := list(c.actor, c.q); got != c.want {
			t.Errorf("organizers %+v: %s, want %s", c.q, got, c.want)
		}
	}
	// 张伟's tenure ends on 2028-08-01: not within six months of today.
	if got := list(countyAdmin, people.OrganizerQuery{State: "ending"}); got != "0 " {
		t.Errorf("ending: %s", got)
	}
	byCounty, err := f.ppl.OrganizersByCounty(ctx, countyAdmin, county, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := byCounty[len(byCounty)-1]
	if last.OrgID != county || last.Planned != 7 || last.Recruited != 3 || last.InPost != 1 || last.Departed != 1 || last.Retention != 66.7 {
		t.Errorf("the county's counts: %+v", last)
	}
	// A placed organizer who dies leaves the placement with its post; one
	// awaiting placement whose membership ends leaves the organizers.
	if _, err := f.ppl.SetStatus(ctx, f.admin, zhang.ID, people.StatusInput{Status: "deceased", OnDate: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	// Expelled on a date before his recruitment (2026-07-01): the
	// organizers' record is not dated before it.
	if _, err := f.ppl.SetStatus(ctx, f.admin, zhao.ID, people.StatusInput{Status: "expelled", OnDate: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	oz, err = f.ppl.Organizer(ctx, countyAdmin, oz.ID)
	if err != nil || oz.State != "departed" || oz.LeftOn != "2026-11-20" || oz.LeaveReason != "other" {
		t.Errorf("a deceased organizer: %+v %v", oz, err)
	}
	if got := list(countyAdmin, people.OrganizerQuery{}); got != "3 李娜 departed,张伟 departed,赵强 departed" {
		t.Errorf("after the memberships ended: %s", got)
	}
	var zhaoLeft string
	var departs int
	_ = f.d.QueryRow(ctx, "SELECT left_on FROM organizers WHERE person_id = ?", zhao.ID).Scan(&zhaoLeft)
	_ = f.d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'organizer.depart' AND summary LIKE '%组织关系转出或党籍终止%'").Scan(&departs)
	if zhaoLeft != "2026-07-01" || departs != 2 {
		t.Errorf("赵强 left on %s; %d audited departures by the end of a membership", zhaoLeft, departs)
	}
	if posts, err := f.ppl.OrgPosts(ctx, f.admin, firm.ID); err != nil || len(posts) != 0 {
		t.Errorf("posts of the firm after its organizer died: %+v %v", posts, err)
	}
}

func (f *fx) get(t *testing.T, code string) org.Org {
	t.Helper()
	l, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
	if err != nil || len(l) != 1 {
		t.Fatalf("organization %s: %v", code, err)
	}
	return l[0]
}
