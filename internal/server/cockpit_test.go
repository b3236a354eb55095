package server

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/audit"
	"jiceng/internal/org"
	"jiceng/internal/testrig"

	"github.com/xuri/excelize/v2"
)

// TestCockpitYearAndWorkbook: the cockpit shows a year picked from the last
// five, each card's drill-down leads to the child's cockpit of the same
// year, and the year's workbook holds a sheet of organizations and one
// sheet per card the reader sees, in the page's order, with the figures the
// card shows (counts as numbers, rates as percentages) and every chart's
// bars; the download is audited.
func TestCockpitYearAndWorkbook(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	county, street := f.orgByName(t, "兴宁区委"), f.orgByName(t, f.msName)
	this := time.Now().In(org.Shanghai).Year()

	page := f.b.get(t, "/")
	if !strings.Contains(text(page), fmt.Sprintf("党建驾驶舱 · 兴宁区委 · %d年", this)) {
		t.Errorf("the cockpit does not name this year: %.300s", text(page))
	}
	var years []string
	for _, m := range regexp.MustCompile(`<option value="(\d+)"( selected)?>`).FindAllStringSubmatch(page, -1) {
		years = append(years, m[1]+m[2])
	}
	if want := []string{fmt.Sprint(this, " selected"), fmt.Sprint(this - 1), fmt.Sprint(this - 2), fmt.Sprint(this - 3), fmt.Sprint(this - 4)}; !slices.Equal(years, want) {
		t.Errorf("year picker %q, want %q", years, want)
	}
	// The members' drill-down: every member of the fixture is under the
	// street, the county's only child with members.
	if bars := chartItems(t, page, "ppl-children"); len(bars) == 0 || bars[0] != fmt.Sprintf("%s=3 → /?org=%d", f.msName, street.ID) {
		t.Errorf("members by child %q", bars)
	}
	// A past year: in the title, the picker, the export link and the
	// drill-down; the register says its counts are today's.
	past := f.b.get(t, fmt.Sprintf("/?org=%d&year=%d", county.ID, this-2))
	for _, want := range []string{fmt.Sprintf("兴宁区委 · %d年", this-2), "党员队伍（截至今日）"} {
		if !strings.Contains(text(past), want) {
			t.Errorf("the cockpit of %d lacks %q", this-2, want)
		}
	}
	if !strings.Contains(past, fmt.Sprintf(`<option value="%d" selected>`, this-2)) || !strings.Contains(past, fmt.Sprintf(`href="/cockpit.xlsx?org=%d&amp;year=%d"`, county.ID, this-2)) {
		t.Errorf("the picker or the export link does not keep the year %d", this-2)
	}
	if bars := chartItems(t, past, "ppl-children"); len(bars) == 0 || bars[0] != fmt.Sprintf("%s=3 → /?org=%d&year=%d", f.msName, street.ID, this-2) {
		t.Errorf("members by child in %d: %q", this-2, bars)
	}
	// An older year is offered too, selected.
	if old := f.b.get(t, fmt.Sprintf("/?org=%d&year=%d", county.ID, this-9)); !strings.Contains(old, fmt.Sprintf(`<option value="%d" selected>`, this-9)) {
		t.Errorf("the cockpit of %d does not select its year in the picker", this-9)
	}
	// A year that is none of those is this year.
	for _, y := range []string{"1999", fmt.Sprint(this + 1), "abc"} {
		if !strings.Contains(text(f.b.get(t, "/?year="+y)), fmt.Sprintf("兴宁区委 · %d年", this)) {
			t.Errorf("?year=%s is not read as this year", y)
		}
	}

	// An organization of another scope, or no number at all, is refused
	// with its reason, not replaced by the reader's own.
	other := f.orgByName(t, "青秀区委")
	for path, want := range map[string]string{
		fmt.Sprintf("/?org=%d", other.ID):             "不存在或不在您的管理范围内",
		fmt.Sprintf("/cockpit.xlsx?org=%d", other.ID): "不存在或不在您的管理范围内",
		"/?org=abc":            "组织编号应为正整数",
		"/cockpit.xlsx?org=-1": "组织编号应为正整数",
	} {
		if st, _, body := f.b.status(t, "GET", path, nil); st < 400 || !strings.Contains(text(body), want) {
			t.Errorf("%s: %d %.300s, want refused with %q", path, st, text(body), want)
		}
	}
	// The statistics API leaves out the cases for a reader of none.
	if st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", county.ID), f.token(t, "evaluator"), ""); st != 200 || out["cases"] != nil || out["evaluation"] == nil {
		t.Errorf("the evaluator's statistics: %d, keys %v", st, slices.Sorted(maps.Keys(out)))
	}

	// The workbook: its sheets are the organizations' and the cards'.
	var titles []string
	for _, m := range regexp.MustCompile(`<section class="card panel"[^>]*><h2>([^<]+?)\s*(?:<a|</h2>)`).FindAllStringSubmatch(page, -1) {
		titles = append(titles, m[1])
	}
	// Above the cards, each card's title leads to it.
	var jump []string
	for i, title := range titles {
		jump = append(jump, fmt.Sprintf(`<a href="#card-%d">%s</a>`, i, title))
	}
	if want := `<span>各模块</span>` + strings.Join(jump, ""); len(titles) < 5 || !strings.Contains(page, want) || !strings.Contains(page, fmt.Sprintf(`<section class="card panel" id="card-%d">`, len(titles)-1)) {
		t.Errorf("the cards are not listed above them: want %s", want)
	}
	sheets := f.b.workbook(t, fmt.Sprintf("/cockpit.xlsx?org=%d", county.ID))
	var names []string
	for _, s := range sheets {
		names = append(names, s.name)
	}
	if want := append([]string{"组织体系"}, titles...); !slices.Equal(names, want) || !slices.Contains(names, "党员队伍") {
		t.Fatalf("sheets %q, want %q", names, want)
	}
	orgs := sheets[0].rows
	if got := strings.Join(orgs[0], "|"); got != "兴宁区委 组织体系" {
		t.Errorf("title row %q", got)
	}
	if got := strings.Join(orgs[1], "|"); got != fmt.Sprintf("统计年度：%d年", this) {
		t.Errorf("filter row %q", got)
	}
	if got := strings.Join(orgs[3], "|"); got != "项目|数量|比率|单位|说明" {
		t.Errorf("header %q", got)
	}
	_, c, err := f.orgs.Stats(context.Background(), testrig.Admin, county.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(orgs[4], "|"), fmt.Sprintf("党组织总数（含本级）|%d||个", c.Total); got != want {
		t.Errorf("first figure %q, want %q", got, want)
	}
	members := sheets[slices.Index(names, "党员队伍")].rows
	for _, want := range []string{"党员总数|3|||正式 2 · 预备 1", "女党员|2|||占 66.7%", "【各下级党组织党员数】", f.msName + "|3||人"} {
		if !slices.ContainsFunc(members, func(r []string) bool { return strings.Join(r, "|") == want }) {
			t.Errorf("the members' sheet lacks the row %q: %q", want, members)
		}
	}
	// Each card's sheet holds every figure of the card, a row each.
	for i, name := range titles {
		rows := sheets[i+1].rows
		if len(rows) < 5 || strings.Join(rows[3], "|") != "项目|数量|比率|单位|说明" {
			t.Errorf("sheet %s: %q", name, rows)
		}
	}
	got, _, err := f.orgs.Audit().List(context.Background(), testrig.Admin, audit.Query{Action: "export"})
	if err != nil || len(got) != 1 {
		t.Fatalf("export entries: %v %d", err, len(got))
	}
	var rec struct {
		List, Scope, Filters string
	}
	if err := json.Unmarshal(got[0].After, &rec); err != nil || rec.List != fmt.Sprintf("党建统计（%d年）", this) || rec.Scope != "兴宁区委" || rec.Filters != fmt.Sprintf("统计年度：%d年", this) {
		t.Errorf("export record %s (%v)", got[0].After, err)
	}
}

// chartItems are the bars of the chart whose data has the id on the page,
// as "name=value → href".
func chartItems(t *testing.T, page, id string) []string {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="` + id + `">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		return nil
	}
	var c struct {
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
		out = append(out, fmt.Sprintf("%s=%g → %s", it.Name, it.Value, it.Href))
	}
	return out
}

// sheetRows is one sheet of a workbook and its rows as shown.
type sheetRows struct {
	name string
	rows [][]string
}

// workbook downloads an Excel file and reads every sheet of it.
func (b *browser) workbook(t *testing.T, path string) []sheetRows {
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
	var out []sheetRows
	for _, name := range x.GetSheetList() {
		rows, _ := x.GetRows(name)
		out = append(out, sheetRows{name: name, rows: rows})
	}
	return out
}
