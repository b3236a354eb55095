package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/people"
)

// TestPostsAndTerms: a community elects its committee, appoints a
// secretary, a committee member and a first secretary; one secretary at a
// time, committee posts for full members only, no overlapping spells; the
// terms due for election are listed six months ahead.
func TestPostsAndTerms(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	zhang := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	li := f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	wang := f.add(t, f.c3, "王芳", idNumber("450102", "20000101", 222), "probationary", "2026-01-10")

	sec, err := f.ppl.Appoint(ctx, f.street, people.PostInput{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2024-01-15"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		in   people.PostInput
		want string
	}{
		{"a second secretary", people.PostInput{PersonID: li.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2025-01-01"}, "兴宁社区党支部现任书记为张伟（自 2024-01-15）：请先办理其离任"},
		{"a probationary member on the committee", people.PostInput{PersonID: wang.ID, OrgID: f.c3.ID, Post: "committee_member", StartedOn: "2026-02-01"}, "王芳不是正式党员，不能担任委员"},
		{"the same post twice", people.PostInput{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2025-01-01"}, "张伟已是兴宁社区党支部书记"},
		{"a first secretary without agency", people.PostInput{PersonID: li.ID, OrgID: f.c3.ID, Post: "first_secretary", StartedOn: "2025-01-01"}, "请填写派出单位或所联系的单位（最多 100 字）"},
		{"an unknown post", people.PostInput{PersonID: li.ID, OrgID: f.c3.ID, Post: "chairman", StartedOn: "2025-01-01"}, "请选择职务，如“书记”“委员”“第一书记”"},
	} {
		_, err := f.ppl.Appoint(ctx, f.street, c.in)
		got := errs.As(err).ZH
		for _, m := range errs.FieldMessages(err, "") {
			got = m
		}
		if got != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := f.ppl.Appoint(ctx, f.street, people.PostInput{PersonID: li.ID, OrgID: f.c3.ID, Post: "committee_member", StartedOn: "2024-01-15"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.Appoint(ctx, f.street, people.PostInput{PersonID: wang.ID, OrgID: f.c3.ID, Post: "first_secretary", HomeAgency: "南宁市财政局", StartedOn: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	// The secretary leaves; a date before the start is refused; the
	// committee member follows, and may not start again before leaving.
	if err := f.ppl.EndPost(ctx, f.street, sec.ID, "2023-12-31"); errs.FieldMessages(err, "")["ended_on"] != "离任日期不能早于任职日期 2024-01-15" {
		t.Errorf("leaving before starting: %v", err)
	}
	if err := f.ppl.EndPost(ctx, f.street, sec.ID, "2026-06-30"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.Appoint(ctx, f.street, people.PostInput{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2026-06-01"}); errs.FieldMessages(err, "")["started_on"] != "张伟在兴宁社区党支部担任书记至 2026-06-30，新的任职日期应在此之后" {
		t.Errorf("overlapping spells: %v", err)
	}
	if _, err := f.ppl.Appoint(ctx, f.street, people.PostInput{PersonID: li.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2026-07-01"}); err != nil {
		t.Fatal(err)
	}
	posts, err := f.ppl.OrgPosts(ctx, f.secretary, f.c3.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range posts {
		got = append(got, fmt.Sprintf("%s %s %s %s", p.Post, p.PersonName, p.StartedOn, p.HomeAgency))
	}
	if strings.Join(got, " | ") != "secretary 李娜 2026-07-01  | committee_member 李娜 2024-01-15  | first_secretary 王芳 2026-03-01 南宁市财政局" {
		t.Errorf("posts: %q", got)
	}
	// The secretary of the community may read but not appoint.
	if _, err := f.ppl.Appoint(ctx, f.secretary, people.PostInput{PersonID: zhang.ID, OrgID: f.ms.ID, Post: "staff", StartedOn: "2026-01-01"}); errs.KindOf(err) == "" {
		t.Errorf("a community secretary appointed in the street")
	}
	tl, _ := f.ppl.Timeline(ctx, f.admin, zhang.ID, "")
	var steps []string
	for _, e := range tl {
		steps = append(steps, e.OnDate+" "+e.Summary)
	}
	if s := strings.Join(steps, " | "); s != "2010-07-01 登记为兴宁社区党支部正式党员 | 2024-01-15 任兴宁社区党支部书记 | 2026-06-30 离任兴宁社区党支部书记" {
		t.Errorf("timeline: %s", s)
	}

	// Terms: the street elected in 2021 for 5 years (due 2026-06-01, late);
	// the community in 2024 for 3 (due 2027-03-20, within six months of
	// 2026-12-03); the town in 2025 for 5 (not due).
	for _, in := range []people.TermInput{{OrgID: f.ms.ID, ElectedOn: "2021-06-01", Years: 5}, {OrgID: f.c3.ID, ElectedOn: "2024-03-20", Years: 3}, {OrgID: f.st.ID, ElectedOn: "2025-04-01", Years: 5}} {
		if _, err := f.ppl.RecordTerm(ctx, f.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.ppl.RecordTerm(ctx, f.admin, people.TermInput{OrgID: f.c3.ID, ElectedOn: "2024-03-20", Years: 4}); len(errs.FieldMessages(err, "")) != 1 || errs.FieldMessages(err, "")["years"] != "每届任期应为 3 年或 5 年" {
		t.Errorf("a four-year term: %v", err)
	}
	if _, err := f.ppl.RecordTerm(ctx, f.admin, people.TermInput{OrgID: f.c3.ID, ElectedOn: "2023-01-01", Years: 3}); errs.FieldMessages(err, "")["elected_on"] != "兴宁社区党支部上一届于 2024-03-20 选举产生，新一届的选举日期应在此之后" {
		t.Errorf("an election before the last: %v", err)
	}
	due, err := f.ppl.TermsDue(ctx, f.admin, *f.ms.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	var dues []string
	for _, d := range due {
		dues = append(dues, fmt.Sprintf("%s %s %d", d.OrgName, d.DueOn, d.DaysLeft))
	}
	if strings.Join(dues, " | ") != "民生街道党工委 2026-06-01 -185 | 兴宁社区党支部 2027-03-20 107" {
		t.Errorf("terms due: %q", dues)
	}
	if term, err := f.ppl.CurrentTerm(ctx, f.secretary, f.c3.ID); err != nil || term == nil || term.DueOn != "2027-03-20" {
		t.Errorf("the community's term: %+v %v", term, err)
	}
}

// TestLeadersOfOrganizations: the tree names an organization's secretary,
// or its first secretary where it has no secretary, from the posts held now.
func TestLeadersOfOrganizations(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	a := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	b := f.add(t, f.st, "李娜", idNumber("450103", "19850620", 124), "full", "2008-06-30")
	c := f.add(t, f.st, "王强", idNumber("450102", "19800101", 311), "full", "2005-07-01")
	for _, in := range []people.PostInput{
		{PersonID: a.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2024-01-01"},
		{PersonID: b.ID, OrgID: f.c3.ID, Post: "first_secretary", HomeAgency: "南宁市委组织部", StartedOn: "2024-03-01"},
		{PersonID: c.ID, OrgID: f.st.ID, Post: "first_secretary", HomeAgency: "兴宁区委组织部", StartedOn: "2024-03-01"},
	} {
		if _, err := f.ppl.Appoint(ctx, f.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.orgs.Leaders(ctx, []int64{f.c3.ID, f.st.ID, f.ms.ID})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprintf("map[%d:{张伟 {书记 Secretary}} %d:{王强 {第一书记 First secretary}}]", f.c3.ID, f.st.ID) &&
		fmt.Sprint(got) != fmt.Sprintf("map[%d:{王强 {第一书记 First secretary}} %d:{张伟 {书记 Secretary}}]", f.st.ID, f.c3.ID) {
		t.Errorf("leaders: %v", got)
	}
}

// TestPostsEndWithTheMembership: a secretary who dies leaves every post
// they held, here and as first secretary elsewhere, on the date of death;
// the tree names no leader for either organization.
func TestPostsEndWithTheMembership(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	a := f.add(t, f.c3, "农华", idNumber("450102", "19600101", 123), "full", "1985-07-01")
	for _, in := range []people.PostInput{
		{PersonID: a.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2020-01-01"},
		{PersonID: a.ID, OrgID: f.st.ID, Post: "first_secretary", HomeAgency: "兴宁区委组织部", StartedOn: "2021-01-01"},
	} {
		if _, err := f.ppl.Appoint(ctx, f.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.ppl.SetStatus(ctx, f.admin, a.ID, people.StatusInput{Status: "deceased", OnDate: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []int64{f.c3.ID, f.st.ID} {
		if posts, _ := f.ppl.OrgPosts(ctx, f.admin, o); len(posts) != 0 {
			t.Errorf("posts left at %d: %+v", o, posts)
		}
	}
	if got, _ := f.orgs.Leaders(ctx, []int64{f.c3.ID, f.st.ID}); len(got) != 0 {
		t.Errorf("leaders named after the death: %v", got)
	}
	var ended int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM posts WHERE person_id = ? AND ended_on = '2026-11-20'", a.ID).Scan(&ended); err != nil || ended != 2 {
		t.Errorf("%d posts ended on the date of death (%v)", ended, err)
	}
}
