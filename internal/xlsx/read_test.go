package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jiceng/internal/errs"
)

const (
	msgInvalid = "文件不是有效的 Excel（.xlsx）或 CSV 文件，请用 Excel 另存为 .xlsx 后再导入"
	msgXLS     = "这是旧版 .xls 文件，请用 Excel 另存为 .xlsx 后再导入"
	msgTooBig  = "文件超过 10 MB 上限，请拆分后分批导入"
	msgNoRows  = "文件中没有数据行"
)

func makeXLSX(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", cell(1, i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	// A second sheet must be ignored.
	if _, err := f.NewSheet("其他"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("其他", "A1", "不应读取"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func makeZip(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadOK(t *testing.T) {
	wantHeader := []string{"名称*", "类型", "书记"}
	// Rows end at their last non-empty cell: they are not padded to the
	// header's width.
	wantRows := [][]string{
		{"第一社区党支部", "党支部", "王五"},
		{"第二社区党支部", "党总支"},
	}
	csvText := "名称*,类型,书记\r\n 第一社区党支部 ,党支部,王五\r\n第二社区党支部,党总支\r\n,,\r\n"
	tests := []struct {
		name string
		data []byte
	}{
		{"xlsx", makeXLSX(t, [][]any{
			{" 名称* ", "类型", "书记", ""},
			{"第一社区党支部", "党支部", "　王五　"},
			{"第二社区党支部", "党总支"},
			{},
			{"", " "},
		})},
		{"csv utf-8 with BOM", append([]byte("\xEF\xBB\xBF"), csvText...)},
		{"csv utf-8 without BOM", []byte(csvText)},
		{"csv gbk", gbk(t, csvText)},
		{"csv gb18030", func() []byte {
			b, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(csvText))
			return b
		}()},
		{"tab separated", []byte(strings.ReplaceAll(csvText, ",", "\t"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header, rows, err := Read(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !reflect.DeepEqual(header, wantHeader) {
				t.Errorf("header = %q, want %q", header, wantHeader)
			}
			if !reflect.DeepEqual(rows, wantRows) {
				t.Errorf("rows = %q, want %q", rows, wantRows)
			}
		})
	}
}

func TestReadKeepsInnerBlankRows(t *testing.T) {
	header, rows, err := Read(strings.NewReader("名称,类型\n甲,1\n,\n乙\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"甲", "1"}, {}, {"乙"}}
	if len(header) != 2 || !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
}

func TestReadErrors(t *testing.T) {
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	random[0] = 0x7f // never a magic number, whatever the seed gives
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	encrypted := append(append([]byte{}, ole...), []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")...)
	tooBig := bytes.Repeat([]byte("a"), MaxUpload+1)
	justFits := append([]byte("名称\n"), bytes.Repeat([]byte("a"), MaxUpload-len("名称\n"))...)

	tests := []struct {
		name string
		data []byte
		kind errs.Kind
		zh   string
	}{
		{"random binary", random, errs.Invalid, msgInvalid},
		{"old xls", ole, errs.Invalid, msgXLS},
		{"encrypted workbook", encrypted, errs.Invalid, "文件设置了打开密码，请在 Excel 中取消密码并另存为 .xlsx 后再导入"},
		{"zip that is not a workbook", makeZip(t, map[string][]byte{"readme.txt": []byte("hello")}), errs.Invalid, msgInvalid},
		{"truncated zip", makeXLSX(t, [][]any{{"a"}, {"b"}})[:200], errs.Invalid, msgInvalid},
		{"zip with a broken workbook", makeZip(t, map[string][]byte{"xl/workbook.xml": []byte("<not xml")}), errs.Invalid, msgInvalid},
		{"10 MiB + 1 byte", tooBig, errs.TooLarge, msgTooBig},
		{"header only csv", []byte("名称,类型\r\n"), errs.Invalid, msgNoRows},
		{"header only csv with blank rows", []byte("名称,类型\r\n,\r\n\r\n"), errs.Invalid, msgNoRows},
		{"header only xlsx", makeXLSX(t, [][]any{{"名称", "类型"}}), errs.Invalid, msgNoRows},
		{"empty file", nil, errs.Invalid, msgNoRows},
		{"exactly 10 MiB is read", justFits, "", ""},
		{"bad GBK bytes", []byte("名称\n\x81\x20\xff\n"), errs.Invalid, msgInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Read(bytes.NewReader(tt.data))
			if tt.zh == "" {
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				return
			}
			var e *errs.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *errs.Error", err)
			}
			if e.Kind != tt.kind || e.ZH != tt.zh {
				t.Errorf("err = %s %q, want %s %q", e.Kind, e.ZH, tt.kind, tt.zh)
			}
			if e.EN == "" {
				t.Error("no English message")
			}
		})
	}
}

// countingReader records how much Read consumed from an endless upload.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	c.n += int64(len(p))
	return len(p), nil
}

func TestReadStopsAtLimit(t *testing.T) {
	r := &countingReader{}
	_, _, err := Read(r)
	if !errs.Is(err, errs.TooLarge) {
		t.Fatalf("err = %v, want TooLarge", err)
	}
	if r.n > MaxUpload+1+64<<10 {
		t.Errorf("read %d bytes from an endless stream", r.n)
	}
}

func TestReadZipBomb(t *testing.T) {
	// Highly compressible sheet data: well under 10 MiB zipped, above the
	// 64 MiB unpack limit.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte("<x/>"))
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	for range 70 {
		_, _ = w.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > MaxUpload {
		t.Fatalf("bomb is %d bytes, too big for the test", buf.Len())
	}
	_, _, err = Read(&buf)
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.TooLarge || e.ZH != "文件解压后超过 64 MB 上限，请删除多余的工作表或拆分后分批导入" {
		t.Fatalf("err = %v, want TooLarge unpack message", err)
	}
}

func TestReadRowLimit(t *testing.T) {
	tests := []struct {
		rows int
		zh   string
	}{
		{100_000, ""},
		{100_001, "最多导入 100,000 行，文件有 100,001 行"},
		{123_456, "最多导入 100,000 行，文件有 123,456 行"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rows), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("序号\n")
			for i := range tt.rows {
				fmt.Fprintf(&b, "%d\n", i)
			}
			b.WriteString("\n\n") // trailing blank lines do not count
			_, rows, err := Read(strings.NewReader(b.String()))
			if tt.zh == "" {
				if err != nil || len(rows) != tt.rows {
					t.Fatalf("rows = %d, err = %v", len(rows), err)
				}
				return
			}
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid || e.ZH != tt.zh {
				t.Fatalf("err = %v, want %q", err, tt.zh)
			}
		})
	}
}

func TestReadXLSXRowLimit(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, Sheet{}, func(yield func([]any) bool) {
		for i := range 100_001 {
			if !yield([]any{i}) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// The export has four rows before the data: title, filters, export line
	// and header; Read takes the first as the header.
	_, _, err = Read(&buf)
	var e *errs.Error
	if !errors.As(err, &e) || e.ZH != "最多导入 100,000 行，文件有 100,004 行" {
		t.Fatalf("err = %v", err)
	}
}

func TestReadRoundTripExport(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Sheet{Title: "标题", Header: []string{"名称", "数量"}}, func(yield func([]any) bool) {
		yield([]any{"=1+1", 3})
	}); err != nil {
		t.Fatal(err)
	}
	_, rows, err := Read(io.MultiReader(&buf))
	if err != nil {
		t.Fatal(err)
	}
	if last := rows[len(rows)-1]; !reflect.DeepEqual(last, []string{"'=1+1", "3"}) {
		t.Errorf("last row = %q", last)
	}
}

func TestGrouped(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {100001, "100,001"}, {1234567, "1,234,567"}}
	for _, tt := range tests {
		if got := grouped(tt.n); got != tt.want {
			t.Errorf("grouped(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestColumns(t *testing.T) {
	header := []string{" 名称* ", "类型 *", "书记", "备注", "名称"}
	tests := []struct {
		name               string
		header             []string
		required, optional []string
		want               map[string]int
		zh                 string
	}{
		{"all present, star stripped", header, []string{"名称", "类型"}, []string{"书记", "电话"},
			map[string]int{"名称": 0, "类型": 1, "书记": 2}, ""},
		{"full-width star", []string{"名称＊"}, []string{"名称"}, nil, map[string]int{"名称": 0}, ""},
		{"two missing, in order", []string{"书记", "备注"}, []string{"名称", "书记", "类型"}, nil, nil,
			"缺少必填列：名称、类型"},
		{"empty header", nil, []string{"名称"}, []string{"备注"}, nil, "缺少必填列：名称"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Columns(tt.header, tt.required, tt.optional)
			if tt.zh != "" {
				var e *errs.Error
				if !errors.As(err, &e) || e.Kind != errs.Invalid || e.ZH != tt.zh {
					t.Fatalf("err = %v, want %q", err, tt.zh)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Columns = %v, want %v", got, tt.want)
			}
		})
	}
	_, err := Columns([]string{"书记"}, []string{"名称", "类型"}, nil)
	if e := errs.As(err); e.EN != "missing required columns: 名称, 类型" {
		t.Errorf("EN = %q", e.EN)
	}
}

func wantErr(t *testing.T, err error, kind errs.Kind, zh string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != kind || e.ZH != zh || e.EN == "" {
		t.Fatalf("err = %v, want %s %q", err, kind, zh)
	}
}

func TestReadColumnLimit(t *testing.T) {
	row := func(width int) string {
		cells := make([]string, width)
		for i := range cells {
			cells[i] = fmt.Sprint("c", i+1)
		}
		return strings.Join(cells, ",")
	}
	// 200 columns are read; trailing empty cells (Excel pads a CSV to its
	// used range) do not count.
	header, rows, err := Read(strings.NewReader(row(200) + strings.Repeat(",", 500) + "\n" + "a" + strings.Repeat(",", 5000) + "\n"))
	if err != nil || len(header) != 200 || len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("200 columns: %d, %v, %v", len(header), rows, err)
	}
	_, _, err = Read(strings.NewReader("名称\n" + row(201) + "\n"))
	wantErr(t, err, errs.Invalid, "第2行有 201 列，最多 200 列：请删除多余的列（或表格右侧远处的内容）后再导入")

	// One cell in XFD, the last column of a sheet.
	x := excelize.NewFile()
	if err := x.SetCellStr("Sheet1", "A1", "名称"); err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellStr("Sheet1", "A2", "甲"); err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellStr("Sheet1", "XFD3", "x"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, _, err = Read(&buf)
	wantErr(t, err, errs.Invalid, "第3行有 16,384 列，最多 200 列：请删除多余的列（或表格右侧远处的内容）后再导入")
}

func TestReadCellLimit(t *testing.T) {
	file := func(rows int) string {
		var b strings.Builder
		line := strings.Repeat("ab,", 19) + "ab\n"
		for range rows + 1 {
			b.WriteString(line)
		}
		return b.String()
	}
	// 50,000 rows of 20 columns, the biggest import planned for, are read.
	_, rows, err := Read(strings.NewReader(file(49_999)))
	if err != nil || len(rows) != 49_999 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	_, _, err = Read(strings.NewReader(file(50_000)))
	wantErr(t, err, errs.TooLarge, "文件超过 1,000,000 个单元格的上限，请拆分后分批导入")
}

// TestReadTextLimit points many cells of a small workbook at one long
// shared string: each read copy counts against the 32 MiB of text.
func TestReadTextLimit(t *testing.T) {
	long := strings.Repeat("长", 10_000) // 30,000 bytes
	x := excelize.NewFile()
	if err := x.SetCellStr("Sheet1", "A1", "述职报告"); err != nil {
		t.Fatal(err)
	}
	for r := 2; r <= 1200; r++ {
		if err := x.SetCellStr("Sheet1", fmt.Sprint("A", r), long); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 {
		t.Fatalf("workbook of %d bytes", buf.Len())
	}
	_, _, err := Read(&buf)
	wantErr(t, err, errs.TooLarge, "文件中的文字超过 32 MB 上限，请拆分后分批导入")
}

// TestReadOtherPartsLimit refuses a workbook whose parts other than sheets
// and shared strings, which excelize keeps in memory, unpack beyond 16 MiB.
func TestReadOtherPartsLimit(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		if _, err := w.Write([]byte("<x/>")); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := zw.Create("xl/styles.xml")
	if _, err := w.Write(bytes.Repeat([]byte{' '}, 17<<20)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, _, err := Read(&buf)
	wantErr(t, err, errs.TooLarge, "文件中的样式、图片等内容解压后超过 16 MB 上限，请删除图片或把数据复制到新的工作簿后再导入")
}
