package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/app"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// cppFixture is 兴宁区 on 3 December 2026 with five members, their posts,
// training and pay, recorded through the register's services:
//
//	兴宁社区 (民生街道)  张伟  书记 since 2023      2026: 32 + 24 = 56 of 56, done; pay 48,000 ≥ 45,000
//	                    李娜  委员 since 2024      2026: 30 + 20 = 50 of 56, behind; pay 42,000, 3,000 short
//	                    王芳  两委 since March 2026 2026: 32 of 32, done; no pay recorded
//	a village (三塘镇)   陈刚  两委 since 2021      2026: 24 of 32, behind; pay 24,000 ≥ 21,000
//	                    黄磊  两委 2021 to June 2025 2026: 32 of 32, done
//
// 2025: 王芳 and 陈刚 attended 40 (done), the others none; 张伟, 李娜 and
// 陈刚 were paid, with no income of 2024 to judge by, and 黄磊 was not.
type cppFixture struct {
	*fixture
	ppl                         *people.Service
	county, ms, c3, st, village org.Org
}

func newCppFixture(t *testing.T) *cppFixture {
	t.Helper()
	ctx := context.Background()
	d, res := nanning.Open(t)
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	a, h := newApp(t, d, func(dp *Deps) { dp.Now = func() time.Time { return now } })
	srv := httptest.NewServer(h)
	testrig.Cleanup(t, srv.Close)
	f := &cppFixture{fixture: &fixture{srv: srv, d: d, orgs: a.Core().Orgs, accts: a.Core().Accounts, perms: a.Core().Perms, pw: map[string]string{}, root: res.Init.RootID},
		ppl: app.Service[*people.Service](a)}
	for _, acc := range res.Accounts {
		f.pw[acc.Username] = acc.Password
	}
	f.county, f.ms, f.c3, f.st, f.village = f.cppOrg(t, "450102"), f.cppOrg(t, "450102001"), f.cppOrg(t, "450102001003"), f.cppOrg(t, "450102101"), f.cppOrg(t, "450102101201")
	adm := testrig.Admin
	add := func(o org.Org, name, id string) people.Person {
		p, err := f.ppl.AddMember(ctx, adm, people.MemberInput{PersonInput: people.PersonInput{Name: name, IDNumber: id, Ethnicity: "汉族", Education: "大学本科"},
			OrgID: o.ID, Kind: "full", JoinedOn: "2020-07-01"})
		if err != nil {
			t.Fatalf("add %s: %v", name, err)
		}
		return p
	}
	zhang, li, wang := add(f.c3, "张伟", personID("450102", "19850312", 123)), add(f.c3, "李娜", personID("450103", "19950620", 124)), add(f.c3, "王芳", personID("450102", "19900101", 222))
	chen, huang := add(f.village, "陈刚", personID("450102", "19700909", 441)), add(f.village, "黄磊", personID("450102", "19820202", 445))
	for _, in := range []people.PostInput{{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2023-01-15"},
		{PersonID: li.ID, OrgID: f.c3.ID, Post: "committee_member", StartedOn: "2024-01-15"},
		{PersonID: wang.ID, OrgID: f.c3.ID, Post: "village_committee", StartedOn: "2026-03-01"},
		{PersonID: chen.ID, OrgID: f.village.ID, Post: "village_committee", StartedOn: "2021-05-01"}} {
		if _, err := f.ppl.Appoint(ctx, adm, in); err != nil {
			t.Fatal(err)
		}
	}
	left, err := f.ppl.Appoint(ctx, adm, people.PostInput{PersonID: huang.ID, OrgID: f.village.ID, Post: "village_committee", StartedOn: "2021-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ppl.EndPost(ctx, adm, left.ID, "2025-06-30"); err != nil {
		t.Fatal(err)
	}
	course := func(o org.Org, title, start, end string, hours float64, posts ...string) people.Course {
		c, err := f.ppl.CreateCourse(ctx, adm, people.CourseInput{OrgID: o.ID, Title: title, Kind: "centralized", StartsOn: start, EndsOn: end, Hours: hours, Posts: posts})
		if err != nil {
			t.Fatalf("course %s: %v", title, err)
		}
		return c
	}
	a26 := course(f.county, "2026年党员集中轮训", "2026-03-01", "2026-03-05", 32)
	b26 := course(f.ms, "基层党组织书记培训班", "2026-05-10", "2026-05-12", 24, "secretary", "committee_member")
	a25 := course(f.county, "2025年党员集中轮训", "2025-03-01", "2025-03-05", 40)
	for _, at := range []struct {
		c     people.Course
		p     people.Person
		hours float64
	}{{a26, zhang, 0}, {b26, zhang, 0}, {a26, li, 30}, {b26, li, 20}, {a26, wang, 0}, {a26, chen, 24}, {a26, huang, 0}, {a25, wang, 0}, {a25, chen, 0}} {
		if _, err := f.ppl.Attend(ctx, adm, at.c.ID, people.AttendInput{PersonID: at.p.ID, Hours: at.hours}); err != nil {
			t.Fatalf("%s attends %s: %v", at.p.Name, at.c.Title, err)
		}
	}
	if err := f.ppl.SetReference(ctx, adm, people.RefInput{OrgID: f.county.ID, Year: 2025, Rural: 21000, Urban: 45000}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []people.PayInput{
		{PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2025, BasicPay: 44000}, {PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: 48000},
		{PersonID: li.ID, OrgID: f.c3.ID, Year: 2025, BasicPay: 40000}, {PersonID: li.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: 42000},
		{PersonID: chen.ID, OrgID: f.village.ID, Year: 2025, BasicPay: 20000}, {PersonID: chen.ID, OrgID: f.village.ID, Year: 2026, BasicPay: 24000},
	} {
		if err := f.ppl.RecordPay(ctx, adm, in); err != nil {
			t.Fatalf("pay %+v: %v", in, err)
		}
	}
	return f
}

// cppOrg is the organization of the division code.
func (f *cppFixture) cppOrg(t *testing.T, code string) org.Org {
	t.Helper()
	l, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
	if err != nil || len(l) != 1 {
		t.Fatalf("org %s: %v %d", code, err, len(l))
	}
	return l[0]
}

// cppCard is the text of the cockpit's card whose title starts with
// title: its heading and key figures; "" when the page has none.
func cppCard(body, title string) string {
	m := regexp.MustCompile(`(?s)<section class="card panel"[^>]*><h2>(` + regexp.QuoteMeta(title) + `.*?)</h2>\s*<div class="kpis">(.*?)</div>\s*(?:<div class="grid-2">|</section>)`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return text(m[1]) + " | " + text(m[2])
}

// cppBars are the bars of the chart whose data has the id on the page, as
// "name=value → href".
func cppBars(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="` + id + `">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		return "(none)"
	}
	var c struct {
		Unit  string `json:"unit"`
		Items []struct {
			Name  string  `json:"name"`
			Value float64 `json:"value"`
			Href  string  `json:"href"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(m[1]), &c); err != nil {
		t.Fatalf("chart %s: %v", id, err)
	}
	var out []string
	for _, it := range c.Items {
		out = append(out, fmt.Sprintf("%s=%g%s → %s", it.Name, it.Value, c.Unit, it.Href))
	}
	return strings.Join(out, "; ")
}

// TestCockpitPeopleTrainingAndPay: the training and pay cards of 兴宁区 as
// the county's organization department sees them, this year and in 2025,
// with their bars by township, in the workbook and in the statistics API;
// the community's secretary sees the community's; an evaluator, who does
// not read the register, sees neither card nor the register's statistics.
func TestCockpitPeopleTrainingAndPay(t *testing.T) {
	t.Parallel()
	f := newCppFixture(t)
	b := f.browser(t, "county_admin")
	county := fmt.Sprint(f.county.ID)
	body := b.get(t, "/?org="+county)
	for title, want := range map[string]string{
		"党员教育培训": "党员教育培训（2026年度） 查看详情 › | 60.0% 学时达标率 达标 3 / 应训 5 人 5 应参训党员 正常和流动党员，按现在的组织关系 3 已达标 未达标 2 人 " +
			"50.0% 书记和班子成员达标率 达标 1 / 2 人",
		"村（社区）干部报酬": "村（社区）干部报酬（2026年度） 查看详情 › | 50.0% 报酬达标率 达标 2 / 统计 4 人 4 统计干部 已登记报酬 3 人 2 达到标准 " +
			"1 低于标准 差额合计 3,000 元 1 未登记报酬 当年任职而未登记基本报酬",
	} {
		if got := cppCard(body, title); got != want {
			t.Errorf("the card %s:\n got %s\nwant %s", title, got, want)
		}
	}
	ms, st := fmt.Sprint(f.ms.ID), fmt.Sprint(f.st.ID)
	for _, href := range []string{`href="/training/completion?org=` + county + `&amp;year=2026"`, `href="/people/pay?org=` + county + `&amp;year=2026"`,
		`href="/people/pay?org=` + county + `&amp;year=2026&amp;status=below"`} {
		if !strings.Contains(body, href) {
			t.Errorf("the cockpit lacks %s", href)
		}
	}
	if got, want := cppBars(t, body, "trn-children"), "民生街道党工委=66.7% → /?org="+ms+"; 三塘镇党委=50% → /?org="+st; got != want {
		t.Errorf("training by township:\n got %s\nwant %s", got, want)
	}
	if got, want := cppBars(t, body, "pay-children"), "民生街道党工委=33.3% → /?org="+ms+"; 三塘镇党委=100% → /?org="+st; got != want {
		t.Errorf("pay by township:\n got %s\nwant %s", got, want)
	}

	// 2025: the members required now, two of them done; no income of 2024
	// to judge the pay by, 黄磊 unpaid; the bars keep the year.
	past := b.get(t, "/?org="+county+"&year=2025")
	for title, want := range map[string]string{
		"党员教育培训": "党员教育培训（2025年度） 查看详情 › | 40.0% 学时达标率 达标 2 / 应训 5 人 5 应参训党员 正常和流动党员，按现在的组织关系 2 已达标 未达标 3 人 " +
			"0.0% 书记和班子成员达标率 达标 0 / 2 人",
		"村（社区）干部报酬": "村（社区）干部报酬（2025年度） 查看详情 › | 0.0% 报酬达标率 达标 0 / 统计 4 人 4 统计干部 已登记报酬 3 人 0 达到标准 " +
			"0 低于标准 差额合计 0 元 1 未登记报酬 当年任职而未登记基本报酬 3 缺少收入基准 所在县（市）未登记上年人均可支配收入",
	} {
		if got := cppCard(past, title); got != want {
			t.Errorf("the card %s of 2025:\n got %s\nwant %s", title, got, want)
		}
	}
	if got, want := cppBars(t, past, "trn-children"), "民生街道党工委=33.3% → /?org="+ms+"&year=2025; 三塘镇党委=50% → /?org="+st+"&year=2025"; got != want {
		t.Errorf("training by township in 2025:\n got %s\nwant %s", got, want)
	}
	if got, want := cppBars(t, past, "pay-children"), "民生街道党工委=0% → /?org="+ms+"&year=2025; 三塘镇党委=0% → /?org="+st+"&year=2025"; got != want {
		t.Errorf("pay by township in 2025:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(past, `href="/training/completion?org=`+county+`&amp;year=2025"`) || !strings.Contains(past, `href="/people/pay?org=`+county+`&amp;year=2025"`) {
		t.Errorf("the titles of 2025 do not lead to 2025's pages")
	}

	// The workbook holds every figure and bar of both cards.
	sheets := cppWorkbook(t, b, "/cockpit.xlsx?org="+county)
	for name, want := range map[string][]string{
		"党员教育培训（2026年度）":    {"学时达标率||60.0%|%|达标 3 / 应训 5 人", "应参训党员|5||", "书记和班子成员达标率||50.0%|%|达标 1 / 2 人", "民生街道党工委||66.7%|%", "三塘镇党委||50.0%|%"},
		"村（社区）干部报酬（2026年度）": {"报酬达标率||50.0%|%|达标 2 / 统计 4 人", "低于标准|1||", "未登记报酬|1||", "民生街道党工委||33.3%|%", "三塘镇党委||100.0%|%"},
	} {
		rows, ok := sheets[name]
		if !ok {
			t.Errorf("the workbook has no sheet %s", name)
			continue
		}
		for _, w := range want {
			if !cppHasRow(rows, w) {
				t.Errorf("sheet %s lacks %q: %q", name, w, rows)
			}
		}
	}

	// The statistics API: this year's figures with the children's.
	code, out := f.call(t, "GET", "/api/v1/orgs/"+county+"/stats", f.token(t, "county_admin"), "")
	if code != 200 {
		t.Fatalf("stats: %d %v", code, out)
	}
	ppl, _ := out["people"].(map[string]any)
	trn, _ := ppl["training_completion"].(map[string]any)
	pay, _ := ppl["pay_compliance"].(map[string]any)
	if got := fmt.Sprint(trn["year"], " ", trn["required"], " ", trn["completed"], " ", trn["percent"], " ", trn["cadres"]); got != "2026 5 3 60 map[completed:1 percent:50 required:2]" {
		t.Errorf("API training: %s", got)
	}
	if got := fmt.Sprint(pay["year"], " ", pay["counted"], " ", pay["cadres"], " ", pay["ok"], " ", pay["below"], " ", pay["shortfall"], " ", pay["no_record"], " ", pay["no_reference"], " ", pay["percent"]); got != "2026 4 3 2 1 3000 1 0 50" {
		t.Errorf("API pay: %s", got)
	}
	kids := func(v any, keys ...string) string {
		var out []string
		for _, c := range v.([]any) {
			c := c.(map[string]any)
			if c[keys[0]].(float64) == 0 {
				continue
			}
			s := fmt.Sprint(c["org_id"], " ", c["name"])
			for _, k := range keys {
				s += fmt.Sprint(" ", c[k])
			}
			out = append(out, s)
		}
		return strings.Join(out, "; ")
	}
	if got, want := kids(trn["children"], "required", "completed", "percent"), ms+" 民生街道党工委 3 2 66.7; "+st+" 三塘镇党委 2 1 50"; got != want {
		t.Errorf("API training by child:\n got %s\nwant %s", got, want)
	}
	if got, want := kids(pay["children"], "counted", "ok", "below", "no_record", "percent"), ms+" 民生街道党工委 3 1 1 1 33.3; "+st+" 三塘镇党委 1 1 0 0 100"; got != want {
		t.Errorf("API pay by child:\n got %s\nwant %s", got, want)
	}
	if tr, _ := ppl["training"].(map[string]any); fmt.Sprint(tr["required"], tr["completed"]) != "5 3" {
		t.Errorf("API training as before: %v", tr)
	}

	// The community's secretary: the community's figures, no drill-down.
	sec := f.browser(t, "secretary").get(t, "/")
	if got, want := cppCard(sec, "党员教育培训"), "党员教育培训（2026年度） 查看详情 › | 66.7% 学时达标率 达标 2 / 应训 3 人 3 应参训党员 正常和流动党员，按现在的组织关系 2 已达标 未达标 1 人 50.0% 书记和班子成员达标率 达标 1 / 2 人"; got != want {
		t.Errorf("the community's training:\n got %s\nwant %s", got, want)
	}
	if got := cppCard(sec, "村（社区）干部报酬"); !strings.Contains(got, "33.3% 报酬达标率 达标 1 / 统计 3 人") {
		t.Errorf("the community's pay: %s", got)
	}
	if strings.Contains(sec, `id="trn-children"`) || strings.Contains(sec, `id="pay-children"`) {
		t.Errorf("a community without children draws bars")
	}

	// An evaluator reads the organizations but not the register.
	ev := f.browser(t, "evaluator").get(t, "/?org="+county)
	if cppCard(ev, "党员教育培训") != "" || cppCard(ev, "村（社区）干部报酬") != "" || !strings.Contains(ev, "cockpit") {
		t.Errorf("an evaluator sees the register's cards")
	}
	code, out = f.call(t, "GET", "/api/v1/orgs/"+county+"/stats", f.token(t, "evaluator"), "")
	if _, ok := out["people"]; code != 200 || ok {
		t.Errorf("an evaluator's statistics: %d, people %v", code, ok)
	}
}

// cppWorkbook downloads an Excel file and reads each sheet's rows, their
// cells joined by "|".
func cppWorkbook(t *testing.T, b *browser, path string) map[string][]string {
	t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", path, resp.StatusCode)
	}
	x, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, name := range x.GetSheetList() {
		rows, _ := x.GetRows(name)
		for _, r := range rows {
			out[name] = append(out[name], strings.Join(r, "|"))
		}
	}
	return out
}

// cppHasRow reports whether a row starts with prefix.
func cppHasRow(rows []string, prefix string) bool {
	for _, r := range rows {
		if strings.HasPrefix(r, prefix) {
			return true
		}
	}
	return false
}
