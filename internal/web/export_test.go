package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
	"jiceng/internal/xlsx"
)

func TestMain(m *testing.M) { testrig.Main(m) }

// An export longer than a file holds says so above the header and below
// the last row, and its audit entry says it stopped.
func TestExportOverCapSaysSo(t *testing.T) {
	d := testrig.NewTestDB(t)
	h, err := New(Deps{Orgs: org.NewService(d, region.NewHolder()), Now: func() time.Time { return time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	five := func(yield func([]any) bool) error {
		for i := 1; i <= 5; i++ {
			if !yield([]any{i}) {
				break
			}
		}
		return nil
	}
	for _, tt := range []struct {
		total        int
		filters      string
		footer, summ string
	}{
		{5, "筛选：无　仅导出前 3 行，共 5 行；请先筛选后再导出", "仅导出前 3 行，共 5 行；请先筛选后再导出", "导出测试名单（测试支部）3 行（共 5 行，未导出完）"},
		{-1, "筛选：无", "仅导出前 3 行，其余未导出；请先筛选后再导出", "导出测试名单（测试支部）3 行（未导出完）"},
	} {
		r := httptest.NewRequest("GET", "/things/export.xlsx", nil)
		r = r.WithContext(access.WithActor(r.Context(), access.Actor{Username: "tester"}))
		w := httptest.NewRecorder()
		h.SendExport(w, r, ExportFile{Scope: "测试支部", List: i18n.Text{ZH: "测试名单", EN: "test list"}, Total: tt.total, Max: 3, Rows: five,
			Sheet: xlsx.Sheet{Title: "测试名单", Exporter: "tester", Header: []string{"序号"}}})
		if w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		f, err := excelize.OpenReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		if len(rows) != 8 || rows[1][0] != tt.filters || rows[4][0] != "1" || rows[6][0] != "3" || rows[7][0] != tt.footer {
			t.Errorf("total %d: rows %q", tt.total, rows)
		}
		got, _, err := audit.NewService(d).List(context.Background(), testrig.Admin, audit.Query{Action: "export", Limit: 1})
		if err != nil || len(got) != 1 {
			t.Fatalf("export entry: %v %d", err, len(got))
		}
		var after audit.Export
		if err := json.Unmarshal(got[0].After, &after); err != nil {
			t.Fatal(err)
		}
		if got[0].Summary != tt.summ || !after.Truncated || after.Rows != 3 || got[0].ActorName != "tester" || got[0].TargetID != "/things/export.xlsx" {
			t.Errorf("total %d: entry %q %s", tt.total, got[0].Summary, got[0].After)
		}
	}
}

// The pager of a list longer than an export holds warns before the download.
func TestPagerWarnsOfExportCap(t *testing.T) {
	h, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		total int
		want  string
	}{
		{200000, ""},
		{200001, "本列表共 200,001 行，超过单次导出上限 200,000 行：导出文件只含前 200,000 行，请先筛选再导出。"},
	} {
		var b strings.Builder
		l := &List{Path: "/audit", Per: 50, Page: 1, Total: tt.total}
		if err := h.base.pages["error"][i18n.ZH].ExecuteTemplate(&b, "pager", l); err != nil {
			t.Fatal(err)
		}
		has := strings.Contains(b.String(), "超过单次导出上限")
		if has != (tt.want != "") || (tt.want != "" && !strings.Contains(b.String(), tt.want)) {
			t.Errorf("total %d: %s", tt.total, b.String())
		}
	}
}

// A file exported in demo mode says in its title that its data are made up:
// it outlives the page and its banner.
func TestDemoExportSaysSo(t *testing.T) {
	d := testrig.NewTestDB(t)
	for _, demo := range []bool{true, false} {
		h, err := New(Deps{Orgs: org.NewService(d, region.NewHolder()), Demo: demo, Now: func() time.Time { return time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC) }})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "/things/export.xlsx", nil)
		r = r.WithContext(access.WithActor(r.Context(), access.Actor{Username: "tester"}))
		w := httptest.NewRecorder()
		h.SendExport(w, r, ExportFile{Scope: "测试支部", List: i18n.Text{ZH: "测试名单", EN: "test list"}, Total: 1, Rows: func(yield func([]any) bool) error {
			yield([]any{1})
			return nil
		}, Sheet: xlsx.Sheet{Title: "测试支部 测试名单", Exporter: "tester", Header: []string{"序号"}}})
		f, err := excelize.OpenReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		want := "测试支部 测试名单"
		if demo {
			want = "【演示数据，均为虚构】测试支部 测试名单"
		}
		if len(rows) == 0 || rows[0][0] != want {
			t.Errorf("demo %v: title row %q, want %q", demo, rows[:1], want)
		}
	}
}

// An export from an English page has its describing lines and file name in
// English, and its audit entry an English summary beside the Chinese one.
func TestExportInEnglish(t *testing.T) {
	d := testrig.NewTestDB(t)
	h, err := New(Deps{Orgs: org.NewService(d, region.NewHolder()), Now: func() time.Time { return time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/things/export.xlsx", nil)
	r.Header.Set("Accept-Language", "en")
	r = r.WithContext(access.WithActor(r.Context(), access.Actor{Username: "tester"}))
	w := httptest.NewRecorder()
	h.SendExport(w, r, ExportFile{Scope: "测试支部", List: i18n.Text{ZH: "测试名单", EN: "test list"}, Total: 1, Rows: func(yield func([]any) bool) error {
		yield([]any{1})
		return nil
	}, Sheet: xlsx.Sheet{Title: "测试支部 test list", Exporter: "tester", Time: h.Now(), Header: []string{"No."}}})
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "test%20list") {
		t.Errorf("Content-Disposition %q: want the English list name", cd)
	}
	f, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) < 4 || rows[1][0] != "Filters: none" || rows[2][0] != "Exported by tester at 2026-12-02 10:00" || rows[3][0] != "No." {
		t.Errorf("rows %q", rows)
	}
	got, _, err := audit.NewService(d).List(context.Background(), testrig.Admin, audit.Query{Action: "export", Limit: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("export entry: %v %d", err, len(got))
	}
	if got[0].Summary != "导出测试名单（测试支部）1 行" || got[0].SummaryEN != "Exported test list (测试支部), 1 row" {
		t.Errorf("summaries %q / %q", got[0].Summary, got[0].SummaryEN)
	}
}
