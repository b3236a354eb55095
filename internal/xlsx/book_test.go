package xlsx

import (
	"bytes"
	"slices"
	"testing"
)

// TestWriteBook: a workbook of three sheets keeps their order, each its own
// title, header and rows, and names that clash once cut to 31 characters
// are numbered instead of refused.
func TestWriteBook(t *testing.T) {
	long := "南宁市委二〇二六年度党建统计数据汇总表两新组织党建工作覆盖情况" // 31 characters
	rows := func(rs ...[]any) func(func([]any) bool) {
		return func(yield func([]any) bool) {
			for _, r := range rs {
				if !yield(r) {
					return
				}
			}
		}
	}
	parts := []Part{
		{Sheet: Sheet{Name: "党员", Title: "南宁市委 党员", Exporter: "admin", Time: exportTime(), Header: []string{"项目", "数值"}}, Rows: rows([]any{"党员总数", 128332})},
		{Sheet: Sheet{Name: long + "（一）", Title: "覆盖一", Header: []string{"下级党组织", "覆盖率"}}, Rows: rows([]any{"兴宁区委", 0.925}, []any{"青秀区委", 0.9})},
		{Sheet: Sheet{Name: long + "（二）", Title: "覆盖二", Header: []string{"下级党组织", "覆盖率"}}, Rows: rows([]any{"=cmd", 1})},
	}
	var buf bytes.Buffer
	if err := WriteBook(&buf, parts); err != nil {
		t.Fatalf("WriteBook: %v", err)
	}
	f := openWorkbook(t, buf.Bytes())
	want := []string{"党员", long, string([]rune(long)[:27]) + " (2)"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	for _, c := range []struct{ sheet, ref, want string }{
		{want[0], "A1", "南宁市委 党员"}, {want[0], "A4", "项目"}, {want[0], "A5", "党员总数"}, {want[0], "B5", "128332"},
		{want[1], "A1", "覆盖一"}, {want[1], "A6", "青秀区委"},
		{want[2], "A1", "覆盖二"}, {want[2], "A5", "'=cmd"},
	} {
		got, err := f.GetCellValue(c.sheet, c.ref)
		if err != nil || got != c.want {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.ref, got, err, c.want)
		}
	}
	if err := WriteBook(&buf, nil); err == nil {
		t.Errorf("a workbook of no sheet was written")
	}
}
