package server

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// auditSummaries returns the Chinese and English summaries of the audit
// entries with action, newest first, as the audit API gives them.
func (f *fixture) auditSummaries(t *testing.T, action string) (zh, en []string) {
	t.Helper()
	st, out := f.call(t, "GET", "/api/v1/audit?action="+action, f.token(t, "admin"), "")
	if st != 200 {
		t.Fatalf("audit API: %d %v", st, out)
	}
	for _, it := range out["items"].([]any) {
		e := it.(map[string]any)
		zh = append(zh, fmt.Sprint(e["summary"]))
		en = append(en, fmt.Sprint(e["summary_en"]))
	}
	return zh, en
}

func containsAny(list []string, want string) bool {
	for _, s := range list {
		if strings.Contains(s, want) {
			return true
		}
	}
	return false
}

// The campaign page shows the built-in answer levels and the veto grade in
// English with English punctuation on English pages, and the Chinese page
// as it was.
func TestEnglishCampaignPageLevelsAndPunctuation(t *testing.T) {
	f := newFixture(t)
	admin := f.token(t, "admin")
	id, _, _ := f.newCampaign(t, admin, "village_secretary", 2, map[string]int{"masses": 5, "superior": 5})
	page := fmt.Sprintf("/evaluation/%d", id)

	zh := html.UnescapeString(f.browser(t, "admin").get(t, page))
	for _, want := range []string{"好 100 / 较好 85 / 一般 70 / 差 50", "好 ≥ 90；较好 ≥ 80；一般 ≥ 60；差 ≥ 0",
		"群众类评委组满意率低于 50% 时，等次定为“差”", "打印日期："} {
		if !strings.Contains(zh, want) {
			t.Errorf("Chinese campaign page lacks %q", want)
		}
	}
	b := f.browser(t, "admin")
	b.english(t)
	en := html.UnescapeString(b.get(t, page))
	for _, want := range []string{"Good 100 / Fairly good 85 / Average 70 / Poor 50", "Good ≥ 90; Fairly good ≥ 80; Average ≥ 60; Poor ≥ 0",
		"if the masses' satisfaction falls below 50%, the grade is \"Poor\"", "Printed: "} {
		if !strings.Contains(en, want) {
			t.Errorf("English campaign page lacks %q", want)
		}
	}
	for _, bad := range []string{"好 100", "“差”", "Printed：", "；"} {
		if strings.Contains(en, bad) {
			t.Errorf("English campaign page still shows %q", bad)
		}
	}
}

// The audit summaries of issuing and revoking codes name a built-in rater
// group in English, with "1 code" for one; the Chinese stay as they were.
func TestEnglishTokenAuditSummaries(t *testing.T) {
	f := newFixture(t)
	admin := f.token(t, "admin")
	id, _, codes := f.newCampaign(t, admin, "village_secretary", 2, map[string]int{"masses": 5})
	ctx := context.Background()
	if _, err := f.eval.IssueTokens(ctx, testrig.Admin, id, "masses", 1); err != nil {
		t.Fatal(err)
	}
	if err := f.eval.RevokeToken(ctx, testrig.Admin, id, codes["masses"][0]); err != nil {
		t.Fatal(err)
	}
	zh, en := f.auditSummaries(t, "evaluation.tokens")
	for _, want := range []string{"为评委组“群众代表”发放测评码 5 张（第 1 批）", "为评委组“群众代表”发放测评码 1 张（第 2 批）"} {
		if !containsAny(zh, want) {
			t.Errorf("Chinese issue summaries %q lack %q", zh, want)
		}
	}
	for _, want := range []string{": issued 5 codes to the rater group \"Public representatives\" (batch 1)", ": issued 1 code to the rater group \"Public representatives\" (batch 2)"} {
		if !containsAny(en, want) {
			t.Errorf("English issue summaries %q lack %q", en, want)
		}
	}
	zh, en = f.auditSummaries(t, "evaluation.revoke")
	if !containsAny(zh, "：作废评委组“群众代表”的测评码 1 张") {
		t.Errorf("Chinese revoke summaries: %q", zh)
	}
	if !containsAny(en, ": revoked one code of the rater group \"Public representatives\"") {
		t.Errorf("English revoke summaries: %q", en)
	}
}

// The campaign list exported from an English page gives type and status
// in English; from a Chinese page in Chinese.
func TestEnglishCampaignListExport(t *testing.T) {
	f := newFixture(t)
	admin := f.token(t, "admin")
	f.newCampaign(t, admin, "village_secretary", 2, map[string]int{"masses": 1})
	row := func(rows [][]string) []string {
		for _, r := range rows {
			if len(r) >= 6 && r[1] == "2026年度村（社区）党组织书记抓基层党建述职评议" {
				return r
			}
		}
		t.Fatalf("the campaign is not in the export: %q", rows)
		return nil
	}
	b := f.browser(t, "admin")
	_, rows := b.xlsx(t, "/evaluation/export.xlsx")
	if r := row(rows); r[2] != "述职评议考核" || r[5] != "进行中" {
		t.Errorf("Chinese export row: %q", r)
	}
	b.english(t)
	_, rows = b.xlsx(t, "/evaluation/export.xlsx")
	if r := row(rows); r[2] != "Report-and-review assessment" || r[5] != "Open" {
		t.Errorf("English export row: %q", r)
	}
}

// Importing one organization says so in the singular in English.
func TestEnglishImportSummarySingular(t *testing.T) {
	f := newFixture(t)
	b := f.browser(t, "street_admin")
	csv := "名称,类型,上级区划代码,区划代码,单位类别\n民生街道某某物业党支部,党支部,450102001,450102001003,非公企业\n"
	st, body := b.upload(t, "/import", "orgs.csv", []byte(csv))
	m := regexp.MustCompile(`action="(/import/[0-9a-f]+/apply)"`).FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("valid file: %d", st)
	}
	if _, _, body := b.status(t, "POST", m[1], url.Values{}); body == "" {
		t.Fatal("apply: empty page")
	}
	if list, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{Q: "某某物业"}); len(list) != 1 {
		t.Fatalf("imported %d", len(list))
	}
	zh, en := f.auditSummaries(t, "org.import")
	if !containsAny(zh, "从 orgs.csv 导入党组织 1 个") || !containsAny(en, "imported 1 organization from orgs.csv") || containsAny(en, "1 organizations") {
		t.Errorf("import summaries: %q / %q", zh, en)
	}
}

// Slips name the rater group after an English colon on English pages.
func TestEnglishSlipsPunctuation(t *testing.T) {
	f := newFixtureWith(t, func(d *Deps) { d.PublicURL = "http://dj.example.org" })
	c := f.slipCampaign(t)
	base := fmt.Sprintf("/evaluation/%d", c.ID)
	_, _, body := f.browser(t, "admin").status(t, "POST", base+"/tokens", url.Values{"group": {"enterprise"}, "n": {"1"}})
	if !strings.Contains(body, "评委组：企业 · №") {
		t.Errorf("Chinese slips:\n%s", text(body))
	}
	b := f.browser(t, "admin")
	b.english(t)
	_, _, body = b.status(t, "POST", base+"/tokens", url.Values{"group": {"enterprise"}, "n": {"1"}})
	if !strings.Contains(body, "Rater group: Enterprises · №") || strings.Contains(body, "Rater group：") {
		t.Errorf("English slips:\n%s", text(body))
	}
}
