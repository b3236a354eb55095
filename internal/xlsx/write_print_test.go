package xlsx

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"jiceng/internal/xlsx/xlsxtest"
)

func writeSheet(t *testing.T, s Sheet, data [][]any) *xlsxtest.Report {
	t.Helper()
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
	rep, err := xlsxtest.Inspect(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// An export prints: A4 in the orientation its columns need, one page wide,
// the four top rows on every page, page numbers in the footer, a filter on
// the header and the list's name on the sheet's tab.
func TestWritePageSetup(t *testing.T) {
	narrow := Sheet{Name: "党组织名单", Title: "南宁市委 党组织名单", Exporter: "张三", Time: exportTime(),
		Header: []string{"序号", "名称", "党员数"}, Widths: []float64{6, 40, 10}}
	rep := writeSheet(t, narrow, [][]any{{1, "甲", 3}, {2, "乙", 4}})
	want := xlsxtest.Print{Paper: 9, Orientation: "portrait", FitToPage: true, FitToWidth: 1, FitToHeight: 0, Titles: "$1:$4", Footer: "&C第 &P 页 / 共 &N 页"}
	if rep.Print != want {
		t.Errorf("print %+v, want %+v", rep.Print, want)
	}
	if rep.Sheet != "党组织名单" || rep.AutoFilter != "A4:C6" {
		t.Errorf("sheet %q, filter %q", rep.Sheet, rep.AutoFilter)
	}

	// 17 columns of the unit list do not fit a portrait page.
	wide := Sheet{Name: "units", EN: true, Header: make([]string, 17), Widths: []float64{6, 36, 22, 16, 20, 10, 10, 10, 10, 14, 30, 12, 24, 14, 28, 12, 18}}
	rep = writeSheet(t, wide, nil)
	want.Orientation, want.Footer = "landscape", "&CPage &P of &N"
	if rep.Print != want || rep.AutoFilter != "A4:Q4" {
		t.Errorf("wide sheet: print %+v, filter %q", rep.Print, rep.AutoFilter)
	}
}

// Numbers of a decimal or percentage column are numeric cells with their
// format, rounded as they print; text in such a column stays text.
func TestWriteColumnKinds(t *testing.T) {
	s := Sheet{Header: []string{"序号", "总分", "得分", "满意率"}, Kinds: []Kind{Integer, Decimal2, Decimal1, Percent1}}
	rep := writeSheet(t, s, [][]any{
		{1, 88.004, 91.25, Percent(95.27)},
		{2, 92, "不参评", 1},
		{3, "—", 7.0, ""},
	})
	want := [][]xlsxtest.Cell{
		{mk("1", true, "0", false), mk("88", true, "0.00", false), mk("91.3", true, "0.0", false), mk("0.953", true, "0.0%", false)},
		{mk("2", true, "0", false), mk("92", true, "0.00", false), mk("不参评", false, "General", false), mk("1", true, "0.0%", false)},
		{mk("3", true, "0", false), mk("—", false, "General", false), mk("7", true, "0.0", false)},
	}
	if got := rep.Rows[4:]; !reflect.DeepEqual(got, want) {
		t.Errorf("cells\n got %v\nwant %v", got, want)
	}
	// Text of a Wrap column wraps.
	rep = writeSheet(t, Sheet{Header: []string{"意见"}, Kinds: []Kind{Wrap}}, [][]any{{"很长的意见"}})
	if got := rep.Rows[4][0]; got != mk("很长的意见", false, "General", true) {
		t.Errorf("wrapped cell %v", got)
	}
	// A column without a kind keeps integers plain numbers.
	rep = writeSheet(t, Sheet{Header: []string{"a", "b"}, Kinds: []Kind{Integer}}, [][]any{{1, 2, 2.5}})
	if got := rep.Rows[4]; got[1] != mk("2", true, "General", false) || got[2] != mk("2.5", true, "General", false) {
		t.Errorf("general cells %v", got)
	}
}

func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "Sheet1",
		"  ":                    "Sheet1",
		"党组织名单":                 "党组织名单",
		"a/b:c?d*e[f]g\\h":      "a_b_c_d_e_f_g_h",
		"'quoted'":              "’quoted’",
		strings.Repeat("测", 40): strings.Repeat("测", 31),
		"2026年度全市村（社区）党组织书记抓基层党建述职评议_测评结果": "2026年度全市村（社区）党组织书记抓基层党建述职评议_测评结",
		strings.Repeat("a", 30) + "😀": strings.Repeat("a", 30),
	} {
		if got := SheetName(in); got != want {
			t.Errorf("SheetName(%q) = %q, want %q", in, got, want)
		}
	}
}

func mk(v string, numeric bool, format string, wrap bool) xlsxtest.Cell {
	return xlsxtest.Cell{Value: v, Numeric: numeric, Format: format, Wrap: wrap}
}
