package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestPostsAndTermsPages: the street's department opens a community's
// posts page, finds a member by name with the picker and appoints her
// secretary; the vacancy goes; the term is recorded and a second, earlier
// one refused; the secretary leaves and is listed as a former holder;
// the lists of vacancies and elections due show the community, searched,
// sorted and exported.
func TestPostsAndTermsPages(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.Now = func() time.Time { return peopleNow } })
	ctx := context.Background()
	l, _, _ := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	c3 := l[0]
	county := f.token(t, "county_admin")
	for _, p := range []struct{ name, id string }{{"周敏", idNumber("19800101", 402)}, {"吴强", idNumber("19790303", 401)}} {
		if st, out := f.call(t, "POST", "/api/v1/people", county, memberJSON(map[string]any{"name": p.name, "id_number": p.id, "ethnicity": "汉族", "education": "大学本科",
			"org_id": c3.ID, "kind": "full", "joined_on": "2005-07-01"}, nil)); st != 201 {
			t.Fatalf("register %s: %d %v", p.name, st, out)
		}
	}
	b := f.browser(t, "street_admin")
	posts := fmt.Sprintf("/people/orgs/%d/posts", c3.ID)
	page := b.get(t, posts)
	for _, s := range []string{"书记空缺，请及时配备", "村（社区）“两委”成员空缺，请及时配备", "尚未记录换届选举", "暂无离任记录"} {
		if !strings.Contains(page, s) {
			t.Errorf("the posts page lacks %q", s)
		}
	}
	// The picker: a search by name offers the member with her masked number.
	page = b.get(t, posts+"?person_q="+url.QueryEscape("周"))
	m := regexp.MustCompile(`name="person_id" value="(\d+)"> 周敏 <span class="muted">450102\*{8}\d{3}[\dX] · 兴宁社区党支部`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the picker did not offer 周敏")
	}
	// Nobody chosen, then chosen.
	st, _, body := b.status(t, "POST", posts, url.Values{"person_q": {"周"}, "post": {"secretary"}, "started_on": {"2024-03-01"}})
	if st != 422 || !strings.Contains(body, "请先按姓名查找并选择任职的人员") || !strings.Contains(body, `value="`+m[1]+`"> 周敏`) {
		t.Errorf("nobody chosen: %d %s", st, flashOf(body))
	}
	st, at, body := b.status(t, "POST", posts, url.Values{"person_id": {m[1]}, "post": {"secretary"}, "started_on": {"2024-03-01"}})
	if st != 200 || at != posts || !strings.Contains(body, "已登记周敏任书记（自 2024-03-01）") || strings.Contains(body, "书记空缺") {
		t.Fatalf("appoint: %d at %s: %s", st, at, flashOf(body))
	}
	// The term, and an earlier election refused at its field.
	st, _, body = b.status(t, "POST", fmt.Sprintf("/people/orgs/%d/terms", c3.ID), url.Values{"elected_on": {"2021-12-20"}, "years": {"5"}})
	if st != 200 || !strings.Contains(body, "已记录换届：2021-12-20 选举产生，任期至 2026-12-20") || !strings.Contains(body, "本届任期将于 2026-12-20 届满（还有 17 天），请做好换届准备") {
		t.Errorf("record the term: %d %s", st, flashOf(body))
	}
	st, _, body = b.status(t, "POST", fmt.Sprintf("/people/orgs/%d/terms", c3.ID), url.Values{"elected_on": {"2021-01-01"}, "years": {"5"}})
	if st != 422 || !strings.Contains(body, "兴宁社区党支部上一届于 2021-12-20 选举产生，新一届的选举日期应在此之后") {
		t.Errorf("an earlier election: %d %s", st, flashOf(body))
	}
	// The lists of the street: elections due, vacancies; sorted, exported.
	page = b.get(t, "/people/terms?q="+url.QueryEscape("兴宁社区"))
	if !strings.Contains(page, ">兴宁社区党支部<") || !strings.Contains(page, "还有 17 天") {
		t.Errorf("the elections due lack the community")
	}
	_, rows := b.xlsx(t, "/people/terms/export.xlsx?q="+url.QueryEscape("兴宁社区"))
	var got []string
	for _, r := range rows {
		if len(r) >= 7 && r[1] == "兴宁社区党支部" {
			got = append(got, strings.Join(r[:7], "|"))
		}
	}
	if strings.Join(got, "\n") != "1|兴宁社区党支部|2021-12-20|5|2026-12-20|17|还有 17 天" {
		t.Errorf("elections due exported: %q", got)
	}
	page = b.get(t, "/people/vacancies?sort=name&q="+url.QueryEscape("兴宁社区"))
	if !strings.Contains(page, ">兴宁社区党支部<") || !strings.Contains(page, "<span class=\"tag warn\">村（社区）“两委”成员</span>") || strings.Contains(page, "<span class=\"tag warn\">书记</span>") {
		t.Errorf("the vacancies of the community: only the \"两委\" should be missing")
	}
	// The secretary leaves: a date before the start is refused, then the
	// post ends, and the page lists her as a former holder.
	id := regexp.MustCompile(`action="/people/posts/(\d+)/end"`).FindStringSubmatch(b.get(t, posts))
	if id == nil {
		t.Fatal("no leaving form")
	}
	st, at, body = b.status(t, "POST", "/people/posts/"+id[1]+"/end", url.Values{"org_id": {fmt.Sprint(c3.ID)}, "ended_on": {"2024-01-01"}})
	if at != posts || !strings.Contains(body, "离任日期不能早于任职日期 2024-03-01") {
		t.Errorf("leaving before starting: %d at %s: %s", st, at, flashOf(body))
	}
	st, at, body = b.status(t, "POST", "/people/posts/"+id[1]+"/end", url.Values{"org_id": {fmt.Sprint(c3.ID)}, "ended_on": {"2026-11-30"}})
	if at != posts || !strings.Contains(body, "已登记离任（2026-11-30）") || !strings.Contains(body, "书记空缺，请及时配备") || !regexp.MustCompile(`>周敏</a></td><td class="nowrap">2024-03-01</td><td class="nowrap">2026-11-30<`).MatchString(body) {
		t.Errorf("leaving: %d at %s: %s", st, at, flashOf(body))
	}
	// Her page lists the post.
	person := b.get(t, "/people/"+m[1])
	if !strings.Contains(person, `<a href="/people/orgs/`+fmt.Sprint(c3.ID)+`/posts">兴宁社区党支部</a></td><td class="nowrap">2024-03-01</td><td class="nowrap">2026-11-30</td>`) {
		t.Errorf("the person's page lacks the post")
	}
	// The auditor reads the page without the forms, and may not appoint.
	aud := f.browser(t, "auditor")
	if page := aud.get(t, posts); !strings.Contains(page, "周敏") || strings.Contains(page, `action="`+posts+`"`) || strings.Contains(page, "/end\"") {
		t.Errorf("the auditor: forms shown or posts missing")
	}
	if st, _, _ := aud.status(t, "POST", posts, url.Values{"person_id": {m[1]}, "post": {"staff"}, "started_on": {"2026-01-01"}}); st != 403 {
		t.Errorf("the auditor appointed: %d", st)
	}
}
