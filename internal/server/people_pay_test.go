package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestPayFloorThroughTheAPIAndPages: four cadres of 兴宁区, two in a
// community of 民生街道 and two in a village of 三塘镇, registered, appointed
// and paid through the API; the county's incomes of 2025 are 21,000 yuan
// (rural) and 45,000 yuan (urban). The compliance list, the statistics and
// the pay page say what a computation by hand says:
//
//	cadre  where       2026 pay  floor ×1.0  short  floor ×1.1  short
//	赵一   community    46,000      45,000      —      49,500   3,500
//	钱二   community    40,000      45,000  5,000      49,500   9,500
//	孙三   village      20,500      21,000    500      23,100   2,600
//	李四   village      25,000      21,000      —      23,100      —
//
// Bad input — an income for a township, a negative pay, a factor set by a
// county — is refused with its message and changes nothing.
func TestPayFloorThroughTheAPIAndPages(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.Now = func() time.Time { return peopleNow } })
	ctx := context.Background()
	o := f.peopleOrgs(t)
	county, admin := f.token(t, "county_admin"), f.token(t, "admin")
	get := func(code string) org.Org {
		l, _, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("%s: %v", code, err)
		}
		return l[0]
	}
	community, village := get("450102001003"), get("450102101201")
	if community.Category != "community" || village.Category != "rural" {
		t.Fatalf("categories %s %s", community.Category, village.Category)
	}
	type cadre struct {
		name, id string
		at       org.Org
		post     string
		pay      int
	}
	cadres := []cadre{
		{"赵一", idNumber("19800101", 301), community, "secretary", 46000},
		{"钱二", idNumber("19810202", 302), community, "committee_member", 40000},
		{"孙三", idNumber("19820303", 303), village, "village_committee", 20500},
		{"李四", idNumber("19830404", 304), village, "secretary", 25000},
	}
	ids := map[string]int64{}
	for _, c := range cadres {
		st, out := f.call(t, "POST", "/api/v1/people", county, memberJSON(map[string]any{"name": c.name, "id_number": c.id, "ethnicity": "汉族", "education": "大学本科",
			"org_id": c.at.ID, "kind": "full", "joined_on": "2005-07-01"}, nil))
		if st != 201 {
			t.Fatalf("register %s: %d %v", c.name, st, out)
		}
		ids[c.name] = int64(out["id"].(float64))
		st, out = f.call(t, "POST", "/api/v1/posts", county, fmt.Sprintf(`{"person_id":%d,"org_id":%d,"post":%q,"started_on":"2022-03-01"}`, ids[c.name], c.at.ID, c.post))
		if st != 201 || out["post"] != c.post {
			t.Fatalf("appoint %s: %d %v", c.name, st, out)
		}
	}
	// The incomes: a township's is refused, the county's recorded.
	st, out := f.call(t, "POST", "/api/v1/pay/incomes", county, fmt.Sprintf(`{"org_id":%d,"year":2025,"rural":21000,"urban":45000}`, o.street.ID))
	if fld, msg := fieldErr(out); st != 400 || fld != "org_id" || msg != "人均可支配收入按县（市、区）登记：民生街道党工委不是县级或市级党组织" {
		t.Errorf("a township's income: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/pay/incomes?org_id=%d&year=2025", o.county.ID), county, "")
	if items := out["items"].([]any); st != 200 || len(items) != 1 || items[0].(map[string]any)["recorded"] != false {
		t.Fatalf("incomes before: %d %v", st, out)
	}
	if st, out := f.call(t, "POST", "/api/v1/pay/incomes", county, fmt.Sprintf(`{"org_id":%d,"year":2025,"rural":21000,"urban":45000}`, o.county.ID)); st != 200 {
		t.Fatalf("the county's income: %d %v", st, out)
	}
	for _, c := range cadres {
		if st, out := f.call(t, "POST", "/api/v1/pay", county, fmt.Sprintf(`{"person_id":%d,"org_id":%d,"year":2026,"basic_pay":%d}`, ids[c.name], c.at.ID, c.pay)); st != 200 {
			t.Fatalf("pay of %s: %d %v", c.name, st, out)
		}
	}
	// A negative pay is refused and the recorded one stays.
	st, out = f.call(t, "POST", "/api/v1/pay", county, fmt.Sprintf(`{"person_id":%d,"org_id":%d,"year":2026,"basic_pay":-46000}`, ids["赵一"], community.ID))
	if fld, msg := fieldErr(out); st != 400 || fld != "basic_pay" || msg != "年基本报酬应在 1000–1000000 元之间，请核对（单位：元/年）" {
		t.Errorf("a negative pay: %d %v", st, out)
	}

	compliance := func() string {
		t.Helper()
		st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/pay/compliance?org_id=%d&year=2026", o.county.ID), county, "")
		if st != 200 {
			t.Fatalf("compliance: %d %v", st, out)
		}
		var rows []string
		for _, r := range out["rows"].([]any) {
			m := r.(map[string]any)
			rows = append(rows, fmt.Sprintf("%s %v/%v %s %v", m["name"], m["basic_pay"], m["floor"], m["status"], m["shortfall"]))
		}
		return fmt.Sprintf("factor %v: %v ok %v below %v: %s", out["factor"], out["total"], out["ok"], out["below"], strings.Join(rows, ", "))
	}
	if got, want := compliance(), "factor 1: 4 ok 2 below 2: 钱二 40000/45000 below 5000, 孙三 20500/21000 below 500, 李四 25000/21000 ok 0, 赵一 46000/45000 ok 0"; got != want {
		t.Errorf("compliance at 1.0:\n got %s\nwant %s", got, want)
	}
	// The rows a page at a time, the counts of the whole county.
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/pay/compliance?org_id=%d&year=2026&limit=3", o.county.ID), county, "")
	if st != 200 || len(out["rows"].([]any)) != 3 || out["total"] != 4.0 || out["below"] != 2.0 || out["next_cursor"] == "" {
		t.Errorf("the first page of 3: %d %v", st, out)
	} else if st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/pay/compliance?org_id=%d&year=2026&limit=3&cursor=%s", o.county.ID, out["next_cursor"]), county, ""); st != 200 ||
		len(out["rows"].([]any)) != 1 || out["rows"].([]any)[0].(map[string]any)["name"] != "赵一" || out["next_cursor"] != "" {
		t.Errorf("the second page: %d %v", st, out)
	}
	// The county may not set the factor; the system administrator may.
	if st, _ := f.call(t, "PUT", "/api/v1/pay/factor", county, `{"factor":1.1}`); st != 403 {
		t.Errorf("the county set the factor: %d", st)
	}
	if st, out := f.call(t, "PUT", "/api/v1/pay/factor", admin, `{"factor":9}`); st != 400 || func() string { _, m := fieldErr(out); return m }() != "系数应在 0.5–3 之间，如 1.0 或 1.2" {
		t.Errorf("a factor of 9: %d %v", st, out)
	}
	if st, out := f.call(t, "PUT", "/api/v1/pay/factor", admin, `{"factor":1.1}`); st != 200 {
		t.Fatalf("factor: %d %v", st, out)
	}
	if got, want := compliance(), "factor 1.1: 4 ok 1 below 3: 钱二 40000/49500 below 9500, 赵一 46000/49500 below 3500, 孙三 20500/23100 below 2600, 李四 25000/23100 ok 0"; got != want {
		t.Errorf("compliance at 1.1:\n got %s\nwant %s", got, want)
	}
	// The statistics of the county and of the street.
	for _, c := range []struct {
		id   int64
		want string
	}{{o.county.ID, "map[below:3 cadres:4 no_reference:0 ok:1 shortfall:15600 year:2026]"}, {o.street.ID, "map[below:2 cadres:2 no_reference:0 ok:0 shortfall:13000 year:2026]"}} {
		st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", c.id), county, "")
		if ppl, _ := out["people"].(map[string]any); st != 200 || fmt.Sprint(ppl["pay"]) != c.want {
			t.Errorf("statistics of %d: %d %v, want %s", c.id, st, ppl["pay"], c.want)
		}
	}

	// The pay page shows the same numbers, masked ID numbers and the posts;
	// the export holds the rows as shown.
	b := f.browser(t, "county_admin")
	page := b.get(t, fmt.Sprintf("/people/pay?org=%d&year=2026&status=below", o.county.ID))
	mask := func(id string) string { return id[:6] + "********" + id[14:] }
	for _, s := range []string{"3 人，差额合计 15,600 元", ">钱二<", mask(cadres[1].id), ">委员<", ">49,500<", ">9,500<", ">2,600<", "现行系数 1.10"} {
		if !strings.Contains(page, s) {
			t.Errorf("the pay page lacks %q", s)
		}
	}
	if strings.Contains(page, ">李四<") || strings.Contains(page, cadres[1].id) {
		t.Errorf("the pay page lists 李四 among those below, or an ID number in full")
	}
	_, rows := b.xlsx(t, fmt.Sprintf("/people/pay/export.xlsx?org=%d&year=2026", o.county.ID))
	var got []string
	for _, r := range rows {
		if len(r) >= 9 && (r[1] == "赵一" || r[1] == "钱二" || r[1] == "孙三" || r[1] == "李四") {
			got = append(got, strings.Join(r[:9], "|"))
		}
	}
	want := []string{
		"1|钱二|" + mask(cadres[1].id) + "|委员|兴宁社区党支部|40000|49500|9500|低于标准",
		"2|赵一|" + mask(cadres[0].id) + "|书记|兴宁社区党支部|46000|49500|3500|低于标准",
		"3|孙三|" + mask(cadres[2].id) + "|村（社区）“两委”成员|" + village.Label() + "|20500|23100|2600|低于标准",
		"4|李四|" + mask(cadres[3].id) + "|书记|" + village.Label() + "|25000|23100|0|达标",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("export:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// An import through the page with several bad rows lists each and
	// changes nothing.
	csv := "年度,姓名,身份证号,年基本报酬\n2026,赵一," + cadres[0].id + ",52000\n2026,钱三," + cadres[1].id + ",52000\n2026,孙三," + cadres[2].id + ",-1\n"
	st, _, body := b.postFiles(t, "/people/pay/import", part{"pay.csv", []byte(csv)})
	for _, s := range []string{"第3行：党员名册中您管理范围内没有这个身份证号和姓名的人员", "第4行：年基本报酬应在 1000–1000000 元之间，请核对（单位：元/年）"} {
		if !strings.Contains(body, s) {
			t.Errorf("the import page (%d) lacks %q", st, s)
		}
	}
	if strings.Contains(body, cadres[1].id) || strings.Contains(body, "/apply") {
		t.Errorf("the refused import shows an ID number in full or can be applied")
	}
	if got := compliance(); !strings.HasPrefix(got, "factor 1.1: 4 ok 1 below 3: 钱二 40000/49500") {
		t.Errorf("after the refused import: %s", got)
	}
	// The form finds the village of the cadre's post when it is left out,
	// and says so when there is none.
	st, at, body := b.status(t, "POST", "/people/pay/record", url.Values{"person_id": {fmt.Sprint(ids["李四"])}, "year": {"2025"}, "basic_pay": {"24000"}})
	if st != 200 || !strings.HasPrefix(at, fmt.Sprintf("/people/pay?org=%d&year=2025", village.ID)) || !strings.Contains(body, "已登记 2025 年基本报酬 24,000 元") {
		t.Errorf("pay by the form: %d at %s: %s", st, at, flashOf(body))
	}
	st, _, body = b.status(t, "POST", "/people/pay/record", url.Values{"person_id": {fmt.Sprint(ids["李四"])}, "year": {"2021"}, "basic_pay": {"24000"}})
	if st != 422 || !strings.Contains(body, "李四 2021 年未在村（社区）担任干部职务：请先登记其任职") {
		t.Errorf("pay of a year without a post: %d %s", st, flashOf(body))
	}
}
