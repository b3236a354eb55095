package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/audit"
	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

// TestExportSummariesKeepTheirLanguage: an export from an English page put
// the file's English filter line into the Chinese summary of its audit
// entry, and one from a Chinese page put the Chinese line into the English
// summary. Every export, from either page, now keeps each summary in its
// own language.
func TestExportSummariesKeepTheirLanguage(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.PublicURL = "http://dj.example.org" })
	ctx := context.Background()
	admin := f.token(t, "admin")
	st, out := f.call(t, "POST", "/api/v1/goal-sets", admin, fmt.Sprintf(`{"name":"2026年全市目标","year":2026,"owner_org_id":%d,"targets":{"org_coverage":90}}`, f.root))
	if st != 201 {
		t.Fatalf("goal set: %d %v", st, out)
	}
	goal := int64(out["id"].(float64))
	c := f.slipCampaign(t)
	codes, err := f.eval.IssueTokens(ctx, testrig.Admin, c.ID, "enterprise", 2)
	if err != nil {
		t.Fatal(err)
	}
	closed := f.slipCampaign(t)
	if _, err := f.eval.AddSubjects(ctx, testrig.Admin, closed.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "黄强", Post: "科长", Unit: "南宁市委"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eval.Open(ctx, testrig.Admin, closed.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eval.Close(ctx, testrig.Admin, closed.ID); err != nil {
		t.Fatal(err)
	}

	zh := f.browser(t, "admin")
	en := f.browser(t, "admin")
	en.english(t)
	for _, b := range []*browser{en, zh} {
		b.xlsx(t, fmt.Sprintf("/coverage/units/export.xlsx?org=%d", f.root))
		b.xlsx(t, fmt.Sprintf("/coverage/goals/%d/export.xlsx", goal))
		b.xlsx(t, "/coverage/export.xlsx")
		b.xlsx(t, "/orgs/export.xlsx?q=社区")
		b.xlsx(t, "/users/export.xlsx?q=admin")
		b.xlsx(t, "/audit/export.xlsx?actor=admin")
		b.xlsx(t, "/evaluation/export.xlsx?q=千企&status=open")
		b.xlsxPost(t, fmt.Sprintf("/evaluation/%d/tokens/export.xlsx", c.ID), url.Values{"group": {"enterprise"}, "code": codes})
		b.xlsx(t, fmt.Sprintf("/evaluation/%d/results.xlsx", closed.ID))
	}
	got, total, err := f.orgs.Audit().List(ctx, testrig.Admin, audit.Query{Action: "export"})
	if err != nil || total != 18 {
		t.Fatalf("export entries: %d %v", total, err)
	}
	english := []string{"Filters", "Year:", "set by", "Rater group", "Status:", "codes", "published", "closed"}
	chinese := []string{"筛选", "年度", "制定单位", "评委组", "状态", "测评码", "发布", "结束"}
	for _, e := range got {
		for _, w := range english {
			if strings.Contains(e.Summary, w) {
				t.Errorf("Chinese summary of %s holds %q: %s", e.TargetID, w, e.Summary)
			}
		}
		for _, w := range chinese {
			if strings.Contains(e.SummaryEN, w) {
				t.Errorf("English summary of %s holds %q: %s", e.TargetID, w, e.SummaryEN)
			}
		}
	}
	// Both summaries of the same export carry its filters, each in its own words.
	for _, want := range []string{
		fmt.Sprintf("；筛选：范围=%s", "南宁市委"),
		"；年度：2026；制定单位：",
		"；筛选：q=社区",
		"；筛选：关键词=千企；状态=",
		"；评委组：",
		"；状态：",
		"; Filters: scope=南宁市委",
		"; Year: 2026; set by: ",
		"; Filters: q=社区",
		"; Filters: keyword=千企; status=",
		"; Rater group: ",
		"; Status: ",
	} {
		n := 0
		for _, e := range got {
			if strings.Contains(e.Summary, want) || strings.Contains(e.SummaryEN, want) {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d entries hold %q, want one from each page", n, want)
		}
	}
}

// TestAuditSearchFindsEnglishSummaries: the English audit page shows the
// English summaries but searched only the Chinese ones, so a word it showed
// found nothing. The search now matches either summary, on the pages and
// in the API.
func TestAuditSearchFindsEnglishSummaries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "auditor")
	b.xlsx(t, "/users/export.xlsx")
	b.english(t)
	if page := text(b.get(t, "/audit?q=Exported")); !strings.Contains(page, "Exported users") {
		t.Errorf("the English audit page does not find what it shows: %q", page)
	}
	st, out := f.call(t, "GET", "/api/v1/audit?q=Exported", f.token(t, "auditor"), "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 || out["total"] != float64(1) {
		t.Fatalf("API search of English summaries: %d %v", st, out)
	}
	if e := items[0].(map[string]any); !strings.HasPrefix(fmt.Sprint(e["summary_en"]), "Exported users") || !strings.HasPrefix(fmt.Sprint(e["summary"]), "导出用户") {
		t.Errorf("found entry: %v", e)
	}
	st, out = f.call(t, "GET", "/api/v1/audit?q="+url.QueryEscape("导出用户"), f.token(t, "auditor"), "")
	if items, _ := out["items"].([]any); st != 200 || len(items) != 1 {
		t.Errorf("API search of Chinese summaries: %d %v", st, out)
	}
}
