package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// pgckStart is the day the cockpit is read in these tests: 2026-03-10 in
// Beijing, with 2025 the last full year.
var pgckStart = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)

// pgckFixture is the Nanning tree with 兴宁区's demonstration sites and
// first secretaries, recorded through the programmes' service on the days
// the clock is set to:
//
//   - 兴宁社区 (民生街道) nominated in 2025, designated for 2025 and leading
//     北宁社区 from 2025; 四塘社区 (三塘镇) designated for 2025 and revoked at
//     its 2026 re-check; 高峰社区 nominated in 2026 and under cultivation;
//     人民中社区 nominated in 2026 and revoked.
//   - 甲一 at 兴宁社区 from 2024-04-01 to 2026-03-30 (ending in 20 days), with
//     log entries on 2025-06-01, 2026-01-06 and 2026-02-01; 乙二 at 虎邱村
//     (朝阳街道) from 2025-01-01, rotated out on 2026-02-01 with nobody sent
//     since; 丙三 at 北宁社区 from 2025-01-01 to 2027-06-30.
type pgckFixture struct {
	*fixture
	clock                           *staffClock
	pg                              *programs.Service
	county, minsheng, santang, zhao org.Org
}

func newPgckFixture(t *testing.T) *pgckFixture {
	t.Helper()
	ctx := context.Background()
	clk := &staffClock{t: pgckStart}
	d, res := nanning.Open(t)
	a, h := newApp(t, d, func(dp *Deps) { dp.Now = clk.Now })
	srv := httptest.NewServer(h)
	testrig.Cleanup(t, srv.Close)
	f := &pgckFixture{fixture: &fixture{srv: srv, d: d, orgs: a.Core().Orgs, accts: a.Core().Accounts, perms: a.Core().Perms, pw: map[string]string{}, root: res.Init.RootID},
		clock: clk, pg: app.Service[*programs.Service](a)}
	for _, acc := range res.Accounts {
		f.pw[acc.Username] = acc.Password
	}
	get := func(code string) org.Org {
		t.Helper()
		l, _, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("org %s: %v %d", code, err, len(l))
		}
		return l[0]
	}
	f.county, f.minsheng, f.santang, f.zhao = get("450102"), get("450102001"), get("450102101"), get("450102002")
	xn, beining, gaofeng, renmin, sitang, huqiu := get("450102001003"), get("450102001004"), get("450102001006"), get("450102001007"), get("450102101001"), get("450102002201")
	at := func(date string) {
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			t.Fatal(err)
		}
		clk.Set(d.Add(4 * time.Hour))
	}
	ok := func(_ programs.Site, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const materials = "以“党建+网格”为抓手建成党群服务中心，计划一年内打造“15分钟服务圈”并形成可复制经验。"
	nominate := func(o org.Org, year int) programs.Site {
		t.Helper()
		x, err := f.pg.Nominate(ctx, testrig.Admin, programs.SiteInput{OrgID: o.ID, Year: year, Materials: materials})
		if err != nil {
			t.Fatalf("nominate %s: %v", o.Label(), err)
		}
		ok(f.pg.Cultivate(ctx, testrig.Admin, x.ID, programs.SiteNoteInput{OnDate: clk.Now().Format(time.DateOnly), Text: "召开创建推进会，明确任务清单。"}))
		return x
	}
	at("2025-03-01")
	designated := []programs.Site{nominate(xn, 2025), nominate(sitang, 2025)}
	at("2025-11-20")
	for _, x := range designated {
		ok(f.pg.AcceptSite(ctx, testrig.Admin, x.ID, programs.SiteAcceptInput{Decision: "pass", Conclusion: "阵地规范、制度落实，同意通过验收。", OnDate: "2025-11-20",
			Files: []cases.NamedFile{{Name: "验收报告.png", Data: pgckPNG(t)}}}))
		ok(f.pg.Designate(ctx, testrig.Admin, x.ID, programs.SiteDesignateInput{Year: 2025, OnDate: "2025-11-20"}))
	}
	ok(f.pg.AddLed(ctx, testrig.Admin, designated[0].ID, programs.SiteLedInput{OrgID: beining.ID, Year: 2025}))
	at("2026-03-10")
	ok(f.pg.Recheck(ctx, testrig.Admin, designated[1].ID, programs.SiteRecheckInput{Year: 2026, Result: "revoked", Reason: "带动作用明显减弱", OnDate: "2026-03-10"}))
	nominate(gaofeng, 2026)
	ok(f.pg.RevokeSite(ctx, testrig.Admin, nominate(renmin, 2026).ID, programs.SiteRevokeInput{Reason: "推荐材料不实，撤销推荐", OnDate: "2026-03-10"}))

	ppl := app.Service[*people.Service](a)
	dispatch := func(n int, name string, o org.Org, from, to string) programs.FirstSec {
		t.Helper()
		first17 := fmt.Sprintf("45010219800101%03d", 500+2*n)
		p, err := ppl.AddMember(ctx, testrig.Admin, people.MemberInput{PersonInput: people.PersonInput{Name: name, IDNumber: first17 + string(ids.IDCardCheckChar(first17)),
			Ethnicity: "汉族", Education: "大学本科"}, OrgID: f.county.ID, Kind: "full", JoinedOn: "2005-07-01"})
		if err != nil {
			t.Fatalf("member %s: %v", name, err)
		}
		fs, err := f.pg.Dispatch(ctx, testrig.Admin, programs.FirstSecInput{PersonID: p.ID, OrgID: o.ID, HomeAgency: "南宁市财政局", StartedOn: from, EndsOn: to,
			Duties: "建强村党组织，发展集体经济，为民办事服务"})
		if err != nil {
			t.Fatalf("dispatch %s: %v", name, err)
		}
		return fs
	}
	jia := dispatch(1, "甲一", xn, "2024-04-01", "2026-03-30")
	yi := dispatch(2, "乙二", huqiu, "2025-01-01", "2026-12-31")
	dispatch(3, "丙三", beining, "2025-01-01", "2027-06-30")
	for _, on := range []string{"2025-06-01", "2026-01-06", "2026-02-01"} {
		if _, err := f.pg.AddFirstSecLog(ctx, testrig.Admin, jia.ID, programs.FirstSecLogInput{LoggedOn: on, Text: "走访农户，了解产业发展需求（" + on + "）"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.pg.EndFirstSec(ctx, testrig.Admin, yi.ID, programs.FirstSecEndInput{Kind: "rotated", EndedOn: "2026-02-01", Reason: "派出单位工作需要"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// pgckPNG is a small PNG, the evidence of an acceptance.
func pgckPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pgckCard is the text of the figures of the card whose title starts with
// title, "" when the page has none.
func pgckCard(body, title string) string {
	m := regexp.MustCompile(`(?s)<section class="card panel"[^>]*><h2>` + regexp.QuoteMeta(title) + `.*?<div class="kpis">(.*?)</div>\s*(?:<div class="grid-2">|</section>)`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return text(m[1])
}

// pgckBars are a chart's bars, "name=value → href" each.
func pgckBars(t *testing.T, body, id string) []string {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="` + id + `">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var c struct {
		Items []struct {
			Name  string `json:"name"`
			Value int    `json:"value"`
			Href  string `json:"href"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(m[1]), &c); err != nil {
		t.Fatalf("chart %s: %v", id, err)
	}
	var out []string
	for _, it := range c.Items {
		out = append(out, fmt.Sprintf("%s=%d → %s", it.Name, it.Value, it.Href))
	}
	return out
}

// pgckNonZero keeps the bars whose value is not 0.
func pgckNonZero(bars []string) []string {
	return slices.DeleteFunc(slices.Clone(bars), func(b string) bool { return strings.Contains(b, "=0 → ") })
}

// TestCockpitSitesAndFirstSecretaries: 兴宁区's cockpit as its
// organization department reads it shows the demonstration sites' and the
// first secretaries' cards with the fixture's figures, this year and in
// 2025; their drill-downs give each street or town its subtree's figure and
// lead to its cockpit of the same year; the workbook holds each card's
// figures and bars; the statistics API carries them under "programs". The
// evaluation manager, who does not read the programmes, sees neither card
// nor the key.
func TestCockpitSitesAndFirstSecretaries(t *testing.T) {
	t.Parallel()
	f := newPgckFixture(t)
	b := f.browser(t, "county_admin")
	county := fmt.Sprint(f.county.ID)
	ms, st, zh := f.minsheng.ID, f.santang.ID, f.zhao.ID

	page := b.get(t, "/?org="+county)
	if got, want := pgckCard(page, "示范点建设（2026年度）"),
		"1 已命名示范点 其中 2026 年命名 0 个 1 培育中 已推荐、培育中、已验收待命名 2 2026 年推荐 2 2026 年撤销 累计撤销 2 个 1 带动组织 示范点带动的组织，每个计一次"; got != want {
		t.Errorf("sites' card\n got %q\nwant %q", got, want)
	}
	if got, want := pgckCard(page, "第一书记（2026年度）"),
		"2 在任第一书记 截至 2026-03-10 1 90 天内任期届满 截至今日 1 离任后未接替的村（社区） 截至今日 2 2026 年驻村日志（条） 按人累计 2 天 — 三述三评 尚无公布的评议结果"; got != want {
		t.Errorf("first secretaries' card\n got %q\nwant %q", got, want)
	}
	for _, href := range []string{`href="/sites?org=` + county + `"`, `href="/sites?org=` + county + `&amp;state=designated"`, `href="/sites?org=` + county + `&amp;year=2026"`,
		`href="/first-secretaries?org=` + county + `"`, `href="/first-secretaries?org=` + county + `&amp;state=in_post"`,
		`href="/first-secretaries?org=` + county + `&amp;view=expiring"`, `href="/first-secretaries?org=` + county + `&amp;view=vacant"`} {
		if !strings.Contains(page, href) {
			t.Errorf("the cockpit lacks %s", href)
		}
	}
	spread := "/sites/spread?org=" + county + "&from=2022&to=2026"
	if got, want := pgckBars(t, page, "site-years"), []string{
		"2022 年=0 → " + spread + "&year=2022#tree", "2023 年=0 → " + spread + "&year=2023#tree", "2024 年=0 → " + spread + "&year=2024#tree",
		"2025 年=2 → " + spread + "&year=2025#tree", "2026 年=1 → " + spread + "&year=2026#tree"}; !slices.Equal(got, want) {
		t.Errorf("sites by year\n got %q\nwant %q", got, want)
	}
	if got, want := pgckNonZero(pgckBars(t, page, "site-children")), []string{fmt.Sprintf("%s=1 → /?org=%d", f.minsheng.Label(), ms)}; !slices.Equal(got, want) {
		t.Errorf("sites by child %q, want %q", got, want)
	}
	if got, want := pgckNonZero(pgckBars(t, page, "fsec-children")), []string{fmt.Sprintf("%s=2 → /?org=%d", f.minsheng.Label(), ms)}; !slices.Equal(got, want) {
		t.Errorf("first secretaries by child %q, want %q", got, want)
	}
	kids, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{Under: f.county.ID, ChildrenOnly: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(pgckBars(t, page, "site-children")); n != min(len(kids), 20) {
		t.Errorf("%d bars of sites for %d children", n, len(kids))
	}

	// 2025: the sites of the year, those in post on its last day, its log.
	past := b.get(t, "/?org="+county+"&year=2025")
	if got, want := pgckCard(past, "示范点建设（2025年度）"),
		"2 已命名示范点 其中 2025 年命名 2 个 0 培育中 已推荐、培育中、已验收待命名 2 2025 年推荐 0 2025 年撤销 累计撤销 2 个 1 带动组织 示范点带动的组织，每个计一次"; got != want {
		t.Errorf("sites' card of 2025\n got %q\nwant %q", got, want)
	}
	if got, want := pgckCard(past, "第一书记（2025年度）"),
		"3 在任第一书记 截至 2025-12-31 1 90 天内任期届满 截至今日 1 离任后未接替的村（社区） 截至今日 1 2025 年驻村日志（条） 按人累计 1 天 — 三述三评 尚无公布的评议结果"; got != want {
		t.Errorf("first secretaries' card of 2025\n got %q\nwant %q", got, want)
	}
	if strings.Contains(past, `href="/first-secretaries?org=`+county+`&amp;state=in_post"`) {
		t.Errorf("2025's in post links to today's list")
	}
	if got, want := pgckNonZero(pgckBars(t, past, "site-children")), []string{fmt.Sprintf("%s=1 → /?org=%d&year=2025", f.minsheng.Label(), ms),
		fmt.Sprintf("%s=1 → /?org=%d&year=2025", f.santang.Label(), st)}; !slices.Equal(got, want) {
		t.Errorf("sites by child in 2025 %q, want %q", got, want)
	}
	fsBars := pgckNonZero(pgckBars(t, past, "fsec-children"))
	slices.Sort(fsBars)
	want := []string{fmt.Sprintf("%s=1 → /?org=%d&year=2025", f.zhao.Label(), zh), fmt.Sprintf("%s=2 → /?org=%d&year=2025", f.minsheng.Label(), ms)}
	slices.Sort(want)
	if !slices.Equal(fsBars, want) {
		t.Errorf("first secretaries by child in 2025 %q, want %q", fsBars, want)
	}

	// The workbook holds every figure and bar of the two cards.
	sheets := pgckWorkbook(t, b, "/cockpit.xlsx?org="+county)
	for sheet, rows := range map[string][]string{
		"示范点建设（2026年度）": {"已命名示范点|1|||其中 2026 年命名 0 个", "带动组织|1|||示范点带动的组织，每个计一次", "2025 年|2||个", f.minsheng.Label() + "|1||个"},
		"第一书记（2026年度）":  {"在任第一书记|2|||截至 2026-03-10", "离任后未接替的村（社区）|1|||截至今日", "2026 年驻村日志（条）|2|||按人累计 2 天", f.minsheng.Label() + "|2||人"},
	} {
		got, okSheet := sheets[sheet]
		if !okSheet {
			t.Errorf("the workbook has no sheet %s", sheet)
			continue
		}
		for _, r := range rows {
			if !slices.Contains(got, r) {
				t.Errorf("sheet %s lacks %q: %q", sheet, r, got)
			}
		}
	}

	// The statistics API: this year's figures and the children's.
	tok := f.token(t, "county_admin")
	code, out := f.call(t, "GET", "/api/v1/orgs/"+county+"/stats", tok, "")
	if code != 200 {
		t.Fatalf("stats: %d %v", code, out)
	}
	pg, _ := out["programs"].(map[string]any)
	sites, _ := pg["sites"].(map[string]any)
	fsec, _ := pg["first_secretaries"].(map[string]any)
	if got := fmt.Sprintln(sites["year"], sites["designated"], sites["designated_in_year"], sites["cultivating"], sites["nominated"], sites["revoked"], sites["revoked_all"], sites["led"]); got != "2026 1 0 1 2 2 2 1\n" {
		t.Errorf("API sites %q: %v", got, sites)
	}
	if got := fmt.Sprintln(fsec["year"], fsec["as_of"], fsec["in_post"], fsec["expiring"], fsec["expired"], fsec["vacant"], fsec["logs"], fsec["log_days"], fsec["review"]); got != "2026 2026-03-10 2 1 0 1 2 2 <nil>\n" {
		t.Errorf("API first secretaries %q: %v", got, fsec)
	}
	child := func(part map[string]any, id int64, key string) any {
		list, _ := part["children"].([]any)
		for _, c := range list {
			if m, _ := c.(map[string]any); m["org_id"] == float64(id) {
				return m[key]
			}
		}
		return nil
	}
	if got := fmt.Sprintln(child(sites, ms, "designated"), child(sites, ms, "led"), child(sites, st, "designated"), child(fsec, ms, "in_post"), child(fsec, zh, "vacant")); got != "1 1 0 2 1\n" {
		t.Errorf("API children %q", got)
	}

	// The evaluation manager reads the organizations, not the programmes.
	ev := f.browser(t, "evaluator")
	if other := ev.get(t, "/?org="+county); strings.Contains(other, "示范点建设（") || strings.Contains(other, "第一书记（") || strings.Contains(other, `id="site-children"`) {
		t.Errorf("the evaluation manager sees the programmes' cards")
	}
	code, out = f.call(t, "GET", "/api/v1/orgs/"+county+"/stats", f.token(t, "evaluator"), "")
	if _, has := out["programs"]; code != 200 || has {
		t.Errorf("the evaluation manager's stats: %d, programs key %v", code, has)
	}
}

// pgckWorkbook reads the cockpit's workbook: each sheet's rows, their
// cells joined by "|" with the empty cells at the end left out.
func pgckWorkbook(t *testing.T, b *browser, path string) map[string][]string {
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
		rows, err := x.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[name] = append(out[name], strings.Join(r, "|"))
		}
	}
	return out
}
