// Package xlsx exports lists to Excel workbooks and reads uploaded workbooks
// and CSV files for bulk imports. Every list page of the platform exports the
// same layout (title, filters, who and when, header, data) so that a printed
// or forwarded file always says where it came from.
package xlsx

import (
	"fmt"
	"io"
	"iter"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// shanghai is the time zone in which export times and file dates are shown.
// A fixed UTC+8 zone is the fallback because mainland China has had no
// daylight saving since 1991, so it is exact even where no tzdata is installed.
var shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// Sheet describes an export. The UI convention is a title row, a row with
// the filters used, a row with the export time and user, then a frozen
// header row and the data.
type Sheet struct {
	Title    string    // e.g. "民生街道党工委 下级党组织"
	Filters  string    // e.g. "筛选：类型=党支部；关键词=社区" ("筛选：无" when empty)
	Exporter string    // user name
	Time     time.Time // shown in Asia/Shanghai as 2026-11-26 22:30
	Header   []string
	Widths   []float64 // optional column widths; 0 or missing means sized from the header
	EN       bool      // the describing lines in English, for an English page's export
}

// Layout of an export: rows 1–3 describe the export, row 4 is the header.
const (
	titleRow  = 1
	filterRow = 2
	metaRow   = 3
	headerRow = 4
	firstData = 5
)

// noFilters is the filter line shown when a list was exported unfiltered.
const noFilters = "筛选：无"

// Write streams the sheet to w with excelize's StreamWriter, so that 100,000
// rows stay flat in memory (rows beyond 16 MiB spill to a temporary file).
// rows yields one row at a time ([]any of string, int, int64 or float64;
// other integer types, bool, time.Time and nil are accepted too); the
// iterator may stop early.
//
// Every string cell starting with = + - @, a tab or a carriage return is
// prefixed with a single quote so that Excel, or a spreadsheet that re-reads
// the file as CSV, never evaluates it as a formula. Numbers stay numbers.
//
// Nothing is written to w until rows is exhausted: the workbook is assembled
// at the end, so a caller whose row source fails can still answer with an
// error as long as it makes w refuse the bytes.
func Write(w io.Writer, s Sheet, rows iter.Seq[[]any]) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("xlsx: close: %w", cerr)
		}
	}()
	sheet := f.GetSheetName(0)
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: stream writer: %w", err)
	}
	ncols := max(len(s.Header), 1)
	for i := range ncols {
		width := 0.0
		if i < len(s.Widths) {
			width = s.Widths[i]
		}
		if width <= 0 && i < len(s.Header) {
			width = headerWidth(s.Header[i])
		}
		if width > 0 {
			if err := sw.SetColWidth(i+1, i+1, min(width, 255)); err != nil {
				return fmt.Errorf("xlsx: column width: %w", err)
			}
		}
	}
	// Freezing below the header keeps the column names visible while
	// scrolling through thousands of rows.
	if err := sw.SetPanes(&excelize.Panes{
		Freeze:      true,
		YSplit:      headerRow,
		TopLeftCell: cell(1, firstData),
		ActivePane:  "bottomLeft",
	}); err != nil {
		return fmt.Errorf("xlsx: panes: %w", err)
	}

	filters := strings.TrimSpace(s.Filters)
	if filters == "" {
		filters = noFilters
		if s.EN {
			filters = "Filters: none"
		}
	}
	meta := "导出人：" + s.Exporter + "　导出时间：" + s.Time.In(shanghai).Format("2006-01-02 15:04")
	if s.EN {
		meta = "Exported by " + s.Exporter + " at " + s.Time.In(shanghai).Format("2006-01-02 15:04")
	}
	if err := sw.SetRow(cell(1, titleRow), []any{excelize.Cell{StyleID: st.title, Value: neutralise(s.Title)}},
		excelize.RowOpts{Height: 24}); err != nil {
		return fmt.Errorf("xlsx: title: %w", err)
	}
	if ncols > 1 {
		if err := sw.MergeCell(cell(1, titleRow), cell(ncols, titleRow)); err != nil {
			return fmt.Errorf("xlsx: merge title: %w", err)
		}
	}
	if err := sw.SetRow(cell(1, filterRow), []any{neutralise(filters)}); err != nil {
		return fmt.Errorf("xlsx: filters: %w", err)
	}
	if err := sw.SetRow(cell(1, metaRow), []any{neutralise(meta)}); err != nil {
		return fmt.Errorf("xlsx: export line: %w", err)
	}
	hdr := make([]any, len(s.Header))
	for i, h := range s.Header {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: neutralise(h)}
	}
	if err := sw.SetRow(cell(1, headerRow), hdr); err != nil {
		return fmt.Errorf("xlsx: header: %w", err)
	}

	if rows != nil {
		r := firstData
		var buf []any
		for row := range rows {
			buf = buf[:0]
			for _, v := range row {
				buf = append(buf, cellValue(v, st.number))
			}
			if err = sw.SetRow(cell(1, r), buf); err != nil {
				return fmt.Errorf("xlsx: row %d: %w", r, err)
			}
			r++
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: flush: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}

// styles holds the style ids shared by exports and templates.
type styles struct {
	title, header, number, text, required, wrap int
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	var err error
	add := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	border := []excelize.Border{
		{Type: "left", Color: "BFBFBF", Style: 1},
		{Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1},
		{Type: "bottom", Color: "BFBFBF", Style: 1},
	}
	st.title = add(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	st.header = add(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		NumFmt:    49, // text, so header names are never reinterpreted
	})
	st.required = add(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "C00000"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		NumFmt:    49,
	})
	st.number = add(&excelize.Style{
		Alignment: &excelize.Alignment{Horizontal: "right"},
	})
	// Text format (@) keeps leading zeros and long digit strings such as
	// phone or ID numbers intact when users type them into a template.
	st.text = add(&excelize.Style{NumFmt: 49})
	st.wrap = add(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return st, fmt.Errorf("xlsx: style: %w", err)
	}
	return st, nil
}

// cellValue converts one exported value into what the stream writer gets:
// numbers as right-aligned numeric cells, everything else as neutralised text.
func cellValue(v any, numStyle int) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return neutralise(x)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return excelize.Cell{StyleID: numStyle, Value: x}
	case float32:
		return floatCell(float64(x), numStyle)
	case float64:
		return floatCell(x, numStyle)
	case bool:
		if x {
			return "是"
		}
		return "否"
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return x.In(shanghai).Format("2006-01-02 15:04")
	case []byte:
		return neutralise(string(x))
	case fmt.Stringer:
		return neutralise(x.String())
	default:
		return neutralise(fmt.Sprint(x))
	}
}

// floatCell leaves NaN and infinities empty: they have no spreadsheet form
// and would corrupt the cell.
func floatCell(x float64, numStyle int) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return excelize.Cell{StyleID: numStyle, Value: x}
}

// neutralise prefixes s with a single quote when its first character would
// make a spreadsheet treat it as a formula (= + - @, tab, carriage return),
// the defence against CSV/formula injection through user-entered text.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// headerWidth sizes a column from its header: CJK characters take two
// character widths, and a column is never narrower than 10.
func headerWidth(h string) float64 {
	w := 0
	for _, r := range h {
		if r >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return float64(max(w+4, 10))
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// FileName builds "<orgShort>_<list>_<YYYYMMDD>.xlsx" (date in Shanghai
// time), with characters that are illegal in Windows, macOS or Linux file
// names replaced by _, and the matching Content-Disposition header value
// (RFC 6266 with an RFC 5987 UTF-8 filename* and an ASCII fallback for old
// clients).
func FileName(orgShort, list string, day time.Time) (name, contentDisposition string) {
	var parts []string
	for _, p := range []string{orgShort, list} {
		if p = safeName(p); p != "" {
			parts = append(parts, p)
		}
	}
	date := day.In(shanghai).Format("20060102")
	parts = append(parts, date)
	name = strings.Join(parts, "_") + ".xlsx"

	return name, Disposition("attachment", name, "export_"+date+".xlsx")
}

// Disposition returns a Content-Disposition header value of type disp
// ("attachment" or "inline") for a file name: the name itself in RFC 5987
// form, and fallback as the plain filename for old clients when the name is
// not plain ASCII.
func Disposition(disp, name, fallback string) string {
	plain := name
	for _, r := range name {
		if r >= utf8.RuneSelf || r == '"' || r == '\\' || r == '%' || r < 0x20 {
			plain = fallback
			break
		}
	}
	return disp + `; filename="` + plain + `"; filename*=UTF-8''` + encode5987(name)
}

// safeName replaces characters that no common file system accepts, and trims
// the spaces and dots that Windows silently drops; the result is capped so
// that the whole name stays well under the 255-byte limit.
func safeName(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if n == 60 {
			break
		}
		switch {
		case r < 0x20 || r == 0x7f || strings.ContainsRune(`\/:*?"<>|`, r):
			b.WriteByte('_')
		case r == utf8.RuneError:
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
		n++
	}
	return strings.Trim(b.String(), " .")
}

// encode5987 percent-encodes every byte outside RFC 5987's attr-char set.
func encode5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
