package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func exportTime() time.Time {
	// 14:30 UTC is 22:30 in Shanghai.
	return time.Date(2026, 11, 26, 14, 30, 0, 0, time.UTC)
}

func openWorkbook(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func TestWriteLayout(t *testing.T) {
	s := Sheet{
		Title:    "民生街道党工委 下级党组织",
		Filters:  "筛选：类型=党支部；关键词=社区",
		Exporter: "张三",
		Time:     exportTime(),
		Header:   []string{"名称", "类型", "党员数", "备注"},
		Widths:   []float64{30, 0, 12},
	}
	data := [][]any{
		{"第一社区党支部", "党支部", 12, "=1+1"},
		{"第二社区党支部", "党支部", -5, "-5"},
		{"+86 电话", "@me", int64(7), 2.5},
		{"\tTAB", "\rCR", 0, ""},
		{"普通", nil, float64(-1.25), "a=b"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, s, func(yield func([]any) bool) {
		for _, r := range data {
			if !yield(r) {
				return
			}
		}
	}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	f := openWorkbook(t, buf.Bytes())
	sheet := f.GetSheetName(0)

	cells := []struct {
		ref, want string
	}{
		{"A1", "民生街道党工委 下级党组织"},
		{"A2", "筛选：类型=党支部；关键词=社区"},
		{"A3", "导出人：张三　导出时间：2026-11-26 22:30"},
		{"A4", "名称"}, {"B4", "类型"}, {"C4", "党员数"}, {"D4", "备注"},
		{"A5", "第一社区党支部"}, {"C5", "12"}, {"D5", "'=1+1"},
		{"C6", "-5"}, {"D6", "'-5"},
		{"A7", "'+86 电话"}, {"B7", "'@me"}, {"C7", "7"}, {"D7", "2.5"},
		{"A8", "'\tTAB"}, {"B8", "'\rCR"}, {"C8", "0"}, {"D8", ""},
		{"B9", ""}, {"C9", "-1.25"}, {"D9", "a=b"},
	}
	for _, c := range cells {
		got, err := f.GetCellValue(sheet, c.ref)
		if err != nil {
			t.Fatalf("%s: %v", c.ref, err)
		}
		if got != c.want {
			t.Errorf("%s = %q, want %q", c.ref, got, c.want)
		}
	}

	types := []struct {
		ref    string
		number bool
	}{
		{"C5", true}, {"C6", true}, {"C7", true}, {"D7", true}, {"C9", true},
		{"D5", false}, {"D6", false}, {"A5", false},
	}
	for _, c := range types {
		typ, err := f.GetCellType(sheet, c.ref)
		if err != nil {
			t.Fatalf("%s: %v", c.ref, err)
		}
		isNum := typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber
		if isNum != c.number {
			t.Errorf("%s type %v, number=%v, want %v", c.ref, typ, isNum, c.number)
		}
		if c.number {
			id, _ := f.GetCellStyle(sheet, c.ref)
			st, err := f.GetStyle(id)
			if err != nil || st.Alignment == nil || st.Alignment.Horizontal != "right" {
				t.Errorf("%s not right-aligned: %+v %v", c.ref, st, err)
			}
		}
	}

	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 4 || panes.TopLeftCell != "A5" {
		t.Errorf("panes = %+v, want frozen below row 4", panes)
	}
	merges, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(merges) != 1 || merges[0].GetStartAxis() != "A1" || merges[0].GetEndAxis() != "D1" {
		t.Errorf("merges = %v, want A1:D1", merges)
	}

	styleOf := func(ref string) *excelize.Style {
		id, err := f.GetCellStyle(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := styleOf("A1"); st.Font == nil || !st.Font.Bold || st.Font.Size != 14 {
		t.Errorf("title style = %+v", st.Font)
	}
	if st := styleOf("B4"); st.Font == nil || !st.Font.Bold || st.Fill.Pattern != 1 || len(st.Fill.Color) != 1 || st.Fill.Color[0] != "E7E6E6" {
		t.Errorf("header style = %+v %+v", st.Font, st.Fill)
	}

	widths := []struct {
		col  string
		want float64
	}{{"A", 30}, {"B", 10}, {"C", 12}, {"D", 10}}
	for _, w := range widths {
		got, err := f.GetColWidth(sheet, w.col)
		if err != nil {
			t.Fatal(err)
		}
		if got != w.want {
			t.Errorf("width %s = %v, want %v", w.col, got, w.want)
		}
	}
}

func TestWriteNoFilters(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Sheet{Title: "=HYPERLINK(\"x\")", Exporter: "李四", Time: exportTime(), Header: []string{"名称"}}, nil); err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, buf.Bytes())
	sheet := f.GetSheetName(0)
	for ref, want := range map[string]string{"A1": "'=HYPERLINK(\"x\")", "A2": "筛选：无", "A4": "名称", "A5": ""} {
		if got, _ := f.GetCellValue(sheet, ref); got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
}

func TestWriteStreamsManyRows(t *testing.T) {
	const n = 20_000
	var buf bytes.Buffer
	err := Write(&buf, Sheet{Title: "大表", Time: exportTime(), Header: []string{"序号", "名称", "数值"}},
		func(yield func([]any) bool) {
			for i := range n {
				if !yield([]any{i + 1, fmt.Sprintf("党支部%05d", i+1), float64(i) / 2}) {
					return
				}
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, buf.Bytes())
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+4 {
		t.Fatalf("rows = %d, want %d", len(rows), n+4)
	}
	last := rows[len(rows)-1]
	if want := []string{"20000", "党支部20000", "9999.5"}; fmt.Sprint(last) != fmt.Sprint(want) {
		t.Errorf("last row = %q, want %q", last, want)
	}
}

func TestWriteStopsWithIterator(t *testing.T) {
	var buf bytes.Buffer
	seen := 0
	err := Write(&buf, Sheet{Header: []string{"a"}, Time: exportTime()}, func(yield func([]any) bool) {
		for i := range 10 {
			seen++
			if i == 2 {
				return // the source stops early
			}
			if !yield([]any{i}) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, buf.Bytes())
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) != 6 || seen != 3 {
		t.Errorf("rows = %d, seen = %d; want 6 rows, 3 seen", len(rows), seen)
	}
}

// failWriter stands for a client that went away.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestWriteReportsWriterError(t *testing.T) {
	err := Write(failWriter{}, Sheet{Header: []string{"a"}, Time: exportTime()}, func(yield func([]any) bool) {
		yield([]any{"x"})
	})
	if err == nil {
		t.Fatal("want an error from a failing writer")
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"", ""},
		{"a=1", "a=1"},
		{"社区", "社区"},
		{"'quoted", "'quoted"},
	}
	for _, tt := range tests {
		if got := neutralise(tt.in); got != tt.want {
			t.Errorf("neutralise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFileName(t *testing.T) {
	day := time.Date(2026, 11, 26, 10, 0, 0, 0, shanghai)
	tests := []struct {
		org, list string
		day       time.Time
		name, cd  string
	}{
		{
			"民生街道党工委", "下级党组织", day,
			"民生街道党工委_下级党组织_20261126.xlsx",
			`attachment; filename="export_20261126.xlsx"; filename*=UTF-8''%E6%B0%91%E7%94%9F%E8%A1%97%E9%81%93%E5%85%9A%E5%B7%A5%E5%A7%94_%E4%B8%8B%E7%BA%A7%E5%85%9A%E7%BB%84%E7%BB%87_20261126.xlsx`,
		},
		{
			"一支部/二支部", `党员:名册*?"<>|\`, day,
			"一支部_二支部_党员_名册________20261126.xlsx",
			`attachment; filename="export_20261126.xlsx"; filename*=UTF-8''%E4%B8%80%E6%94%AF%E9%83%A8_%E4%BA%8C%E6%94%AF%E9%83%A8_%E5%85%9A%E5%91%98_%E5%90%8D%E5%86%8C________20261126.xlsx`,
		},
		{
			"Org A", "members", day,
			"Org A_members_20261126.xlsx",
			`attachment; filename="Org A_members_20261126.xlsx"; filename*=UTF-8''Org%20A_members_20261126.xlsx`,
		},
		{
			// 2026-11-26 17:00 UTC is already the 27th in Shanghai.
			"a", "b", time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC),
			"a_b_20261127.xlsx",
			`attachment; filename="a_b_20261127.xlsx"; filename*=UTF-8''a_b_20261127.xlsx`,
		},
		{
			" ..", "名单", day,
			"名单_20261126.xlsx",
			`attachment; filename="export_20261126.xlsx"; filename*=UTF-8''%E5%90%8D%E5%8D%95_20261126.xlsx`,
		},
	}
	for _, tt := range tests {
		name, cd := FileName(tt.org, tt.list, tt.day)
		if name != tt.name {
			t.Errorf("FileName(%q, %q) name = %q, want %q", tt.org, tt.list, name, tt.name)
		}
		if cd != tt.cd {
			t.Errorf("FileName(%q, %q) header = %q, want %q", tt.org, tt.list, cd, tt.cd)
		}
	}
}
