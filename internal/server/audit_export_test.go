package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/i18n"
	"jiceng/internal/testrig"
)

// bulkAudit writes n entries by the actor name under the organization at
// path, in one transaction.
func bulkAudit(t *testing.T, d *db.DB, actor, path string, n int) {
	t.Helper()
	ctx := context.Background()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		for i := range n {
			if err := audit.Write(ctx, tx, access.Actor{Username: actor}, audit.Entry{Action: "org.update", TargetType: "org", TargetID: "1",
				OrgPath: path, Summary: i18n.Textf("批量记录 %d", "bulk entry %d", i+1)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The audit export holds every entry in scope, and the export itself is in
// the audit log, readable by the auditor.
func TestAuditExportHoldsEveryEntryAndIsAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	rootPath := fmt.Sprintf("/%d/", f.root)
	bulkAudit(t, f.d, "bulk", rootPath, 4802)

	b := f.browser(t, "auditor")
	_, rows := b.xlsx(t, "/audit/export.xlsx?actor=bulk")
	data := rows[4:]
	if len(data) != 4802 {
		t.Fatalf("export holds %d data rows, want 4802", len(data))
	}
	if data[0][0] != "1" || data[4801][0] != "4802" || data[0][5] != "批量记录 4802" || data[4801][5] != "批量记录 1" {
		t.Errorf("first and last rows: %v … %v", data[0], data[4801])
	}
	for _, r := range rows[:4] {
		if strings.Contains(strings.Join(r, " "), "仅导出前") {
			t.Errorf("a complete export says it stopped: %v", r)
		}
	}

	got, total, err := f.orgs.Audit().List(ctx, testrig.Admin, audit.Query{Action: "export"})
	if err != nil || total != 1 {
		t.Fatalf("export entries: %v %d", err, total)
	}
	e := got[0]
	if e.ActorName != "auditor" || e.TargetType != "export" || e.TargetID != "/audit/export.xlsx" {
		t.Errorf("export entry: %+v", e)
	}
	if want := "导出审计日志（南宁市委）4,802 行；筛选：actor=bulk"; e.Summary != want {
		t.Errorf("summary %q, want %q", e.Summary, want)
	}
	var after struct {
		List    string `json:"list"`
		Scope   string `json:"scope"`
		Filters string `json:"filters"`
		Rows    int    `json:"rows"`
		Total   int    `json:"total"`
	}
	if err := json.Unmarshal(e.After, &after); err != nil || after.List != "审计日志" || after.Scope != "南宁市委" || after.Rows != 4802 || after.Total != 4802 || after.Filters != "筛选：actor=bulk" {
		t.Errorf("export record %s (%v)", e.After, err)
	}
	if page := b.get(t, "/audit?action=export"); !strings.Contains(page, "导出审计日志（南宁市委）4,802 行") {
		t.Errorf("the auditor does not see the export in the audit log")
	}
}

// Every list export leaves an entry naming the list and its row count.
func TestEveryExportIsAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	b := f.browser(t, "county_admin")
	b.xlsx(t, "/users/export.xlsx")
	b.xlsx(t, "/orgs/export.xlsx?q=社区")
	b.xlsx(t, "/coverage/export.xlsx")
	got, total, err := f.orgs.Audit().List(ctx, testrig.Admin, audit.Query{Action: "export"})
	if err != nil || total != 3 {
		t.Fatalf("export entries: %v %d", err, total)
	}
	var lists []string
	for _, e := range got {
		if e.ActorName != "county_admin" {
			t.Errorf("exporter %q", e.ActorName)
		}
		lists = append(lists, e.TargetID)
	}
	if strings.Join(lists, ",") != "/coverage/export.xlsx,/orgs/export.xlsx,/users/export.xlsx" {
		t.Errorf("exported lists (newest first): %v", lists)
	}
}

// A list longer than an export holds says so on its page, before anyone
// downloads a file that stops early.
func TestAuditPageWarnsOfExportCap(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.d
	_, err := d.Exec(context.Background(), fmt.Sprintf(`WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 200001)
		INSERT INTO audit_log (at, actor_name, action, target_type, target_id, org_path, org_id, summary)
		SELECT '2026-11-30T00:00:00Z', 'bulk', 'org.update', 'org', '1', '/%d/', %d, 'bulk' FROM g`, f.root, f.root))
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(t, "auditor")
	note := "本列表共 200,001 行，超过单次导出上限 200,000 行：导出文件只含前 200,000 行，请先筛选再导出。"
	if page := b.get(t, "/audit?actor=bulk"); !strings.Contains(page, note) {
		t.Errorf("the audit page of 200,001 entries does not warn of the export cap")
	}
	if page := b.get(t, "/audit?actor=bulk&q=none"); strings.Contains(page, "超过单次导出上限") {
		t.Errorf("a short list warns of the export cap")
	}
}

// TestExportEntryNamesItsScopeAndHidesReach: a user of a street who also
// audits the city exported the city's audit log and user list; the entries
// named the street (the user's first grant) and were filed at the street,
// where its administrator read them and so learned of the city grant that
// the user list hides. They now name the city and are filed at the city:
// the street's administrator does not read them, the city's does.
func TestExportEntryNamesItsScopeAndHidesReach(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	ctx := context.Background()
	street := f.homeOf(t, "street_admin")
	u, err := f.accounts.Create(ctx, testrig.Admin, account.NewUser{Username: "jianzhi", Password: "Two-posts-2026", HomeOrgID: street, Role: access.Secretary})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.accounts.Grant(ctx, testrig.Admin, u.ID, access.Auditor, f.root); err != nil {
		t.Fatal(err)
	}
	u, _ = f.accounts.Get(ctx, testrig.Admin, u.ID)
	city := u.Grants[1].OrgName
	f.pw["jianzhi"] = "Two-posts-2026"
	b := f.browser(t, "jianzhi")
	cd, rows := b.xlsx(t, "/audit/export.xlsx")
	if !strings.Contains(cd, "''"+city+"_审计日志_") || len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] != city+" 审计日志" {
		t.Errorf("audit export named %q, titled %v: want %s", cd, rows[:1], city)
	}
	b.xlsx(t, "/users/export.xlsx")
	got, total, err := f.orgs.Audit().List(ctx, testrig.Admin, audit.Query{Action: "export"})
	if err != nil || total != 2 {
		t.Fatalf("export entries: %v %d", err, total)
	}
	if !strings.HasPrefix(got[0].Summary, "导出用户（"+city+"）") || !strings.HasPrefix(got[1].Summary, "导出审计日志（"+city+"）") {
		t.Errorf("summaries %q, %q: want them to name %s", got[0].Summary, got[1].Summary, city)
	}
	if page := f.browser(t, "street_admin").get(t, "/audit?action=export"); strings.Contains(page, "jianzhi") {
		t.Errorf("the street's administrator reads the exports of a user who audits the city")
	}
	if page := f.browser(t, "admin").get(t, "/audit?action=export"); strings.Count(page, "jianzhi") < 2 {
		t.Errorf("the city's administrator does not read both exports")
	}
}
