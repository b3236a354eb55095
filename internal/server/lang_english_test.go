package server

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// english switches b to English pages, as the language link does.
func (b *browser) english(t *testing.T) {
	t.Helper()
	resp, err := b.c.Get(b.base + "/lang?to=en&back=/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// enPublicPage fetches a public page as a browser set to English would.
func (f *fixture) enPublicPage(t *testing.T, method, path string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, body)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.srv.URL)
	}
	// Cookies kept, as the ballot pages need between their steps.
	resp, err := phoneBrowser(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(b))
}

// The grades, answer levels and rater groups of the built-in templates show
// in English on English pages, ballots and bulletins, and as they always
// were on Chinese ones.
func TestEnglishPagesShowBuiltinNames(t *testing.T) {
	f := newFixture(t)
	admin := f.token(t, "admin")
	id, _, codes := f.newCampaign(t, admin, "village_secretary", 2, map[string]int{"masses": 5, "superior": 5})
	page := fmt.Sprintf("/evaluation/%d", id)

	zh := f.browser(t, "admin")
	body := html.UnescapeString(zh.get(t, page))
	for _, want := range []string{"好 ≥ 90；较好 ≥ 80；一般 ≥ 60；差 ≥ 0", "<td>上级党组织</td>", "<td>党员代表</td>", "<td>群众代表</td>", "<b>责任落实</b>", "└ </span>班子建设</td>", "<b>群众满意度</b>"} {
		if !strings.Contains(body, want) {
			t.Errorf("Chinese campaign page lacks %q", want)
		}
	}
	en := f.browser(t, "admin")
	en.english(t)
	body = html.UnescapeString(en.get(t, page))
	for _, want := range []string{"Good ≥ 90; Fairly good ≥ 80; Average ≥ 60; Poor ≥ 0", "<td>Higher Party organization</td>", "<td>Party member representatives</td>", "<td>Public representatives</td>",
		"<b>Carrying out duties</b>", "<b>Organization building</b>", "└ </span>Leadership team</td>", "└ </span>Organizational life</td>", "<b>Educating and managing members</b>",
		"<b>Serving the public</b>", "<b>Integrity and conduct</b>", "<b>Public satisfaction</b>"} {
		if !strings.Contains(body, want) {
			t.Errorf("English campaign page lacks %q", want)
		}
	}
	for _, zh := range []string{"<td>群众代表</td>", "责任落实", "班子建设", "群众满意度"} {
		if strings.Contains(body, zh) {
			t.Errorf("English campaign page still shows %s", zh)
		}
	}

	st, body := f.enPublicPage(t, "POST", "/vote", url.Values{"code": {codes["masses"][0]}})
	if st != 200 {
		t.Fatalf("English ballot: %d\n%s", st, body)
	}
	for _, want := range []string{"Rater group: Public representatives.", "<span>Good</span>", "<span>Fairly good</span>", "<span>Poor</span>", "<span>Fairly satisfied</span>", "<span>Dissatisfied</span>",
		"Carrying out duties", "Organization building · Leadership team", "Organization building · Organizational life", "Public satisfaction"} {
		if !strings.Contains(body, want) {
			t.Errorf("English ballot lacks %q", want)
		}
	}
	if strings.Contains(body, "责任落实") || strings.Contains(body, "班子建设") {
		t.Error("English ballot still shows the indicators' Chinese names")
	}
	st, _, body = f.publicPageWith(t, phoneBrowser(t), "POST", "/vote", url.Values{"code": {codes["masses"][0]}})
	if st != 200 || !strings.Contains(body, "评委组：群众代表。") || !strings.Contains(body, "<span>基本满意</span>") || !strings.Contains(html.UnescapeString(body), "组织建设 · 班子建设") {
		t.Errorf("Chinese ballot: %d lacks 评委组：群众代表。, 基本满意 or 组织建设 · 班子建设", st)
	}

	st, body = f.enPublicPage(t, "GET", fmt.Sprintf("/bulletin/%d", id), nil)
	if st != 200 || !strings.Contains(body, `<th scope="row">Public representatives</th>`) || !strings.Contains(body, `<th scope="row">Higher Party organization</th>`) {
		t.Errorf("English bulletin: %d\n%s", st, body)
	}
	st, _, body = f.publicPage(t, "GET", fmt.Sprintf("/bulletin/%d", id), nil)
	if st != 200 || !strings.Contains(body, `<th scope="row">群众代表</th>`) {
		t.Errorf("Chinese bulletin: %d lacks 群众代表", st)
	}
}

// Audit entries written now carry an English summary: English pages and
// the API's summary_en show it, Chinese pages and summary the Chinese.
func TestAuditSummaryInEnglish(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t, "street_admin")
	list, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	if len(list) != 1 {
		t.Fatal("兴宁社区 not found")
	}
	o := list[0]
	resp, err := b.c.PostForm(fmt.Sprintf("%s/orgs/%d/edit", f.srv.URL, o.ID), url.Values{"name": {"兴宁社区党支部（改）"}, "short_name": {o.ShortName}, "kind": {"branch"}, "category": {"community"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	const zhSummary = "修改党组织 兴宁社区党支部（改）：名称 兴宁社区党支部 → 兴宁社区党支部（改）；确认类型为党支部"
	const enSummary = "edited the organization 兴宁社区党支部（改）: name 兴宁社区党支部 → 兴宁社区党支部（改）; kind confirmed as Party branch"
	if body := b.get(t, "/audit"); !strings.Contains(body, zhSummary) {
		t.Error("Chinese audit page lacks the Chinese summary")
	}
	b.english(t)
	if body := b.get(t, "/audit"); !strings.Contains(body, enSummary) || strings.Contains(body, zhSummary) {
		t.Error("English audit page lacks the English summary")
	}
	st, out := f.call(t, "GET", "/api/v1/audit?action=org.update", f.token(t, "admin"), "")
	if st != 200 {
		t.Fatalf("audit API: %d %v", st, out)
	}
	found := false
	for _, it := range out["items"].([]any) {
		e := it.(map[string]any)
		if e["summary"] == zhSummary && e["summary_en"] == enSummary {
			found = true
		}
	}
	if !found {
		t.Errorf("audit API lacks summary and summary_en: %v", out["items"])
	}
}

// An export from an English page has English headers, title, filter line
// and file name; from a Chinese page it is as it always was.
func TestEnglishExportHeaders(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t, "street_admin")
	list, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001"})
	path := fmt.Sprintf("/orgs/%d/export.xlsx?q=社区", list[0].ID)
	name, rows := b.xlsx(t, path)
	if len(rows) < 5 || rows[0][0] != "民生街道党工委 党组织名单" || rows[1][0] != "筛选：q=社区" || !strings.HasPrefix(rows[2][0], "导出人：street_admin　导出时间：") ||
		strings.Join(rows[3], ",") != "序号,编号,名称,简称,类型,层级,单位类别,区划代码,状态,成立日期,下辖组织数" || rows[4][4] != "党支部" || !strings.Contains(name, "党组织名单") {
		t.Errorf("Chinese export %s: %q", name, rows[:min(len(rows), 5)])
	}
	b.english(t)
	name, rows = b.xlsx(t, path)
	if len(rows) < 5 || rows[0][0] != "民生街道党工委 organizations" || rows[1][0] != "Filters: q=社区" || !strings.HasPrefix(rows[2][0], "Exported by street_admin at ") ||
		strings.Join(rows[3], ",") != "No.,ID,Name,Short name,Kind,Level,Category,Division code,Status,Founded on,Organizations below" || rows[4][4] != "Party branch" || !strings.Contains(name, "organizations") {
		t.Errorf("English export %s: %q", name, rows[:min(len(rows), 5)])
	}
}
