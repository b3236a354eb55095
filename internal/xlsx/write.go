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
	// Kinds says how each column's numbers are written (General when
	// missing): a column of decimals or percentages prints with a fixed
	// number of places whatever the value.
	Kinds []Kind
	// Name is the sheet's name, shown on its tab: the list's name, cut to
	// what Excel accepts (SheetName); "Sheet1" when empty.
	Name string
	EN   bool // the describing lines in English, for an English page's export
}

// Kind is how a column writes its numbers. Each kind writes numeric cells
// with its number format, rounded to the places it shows so that the cell
// holds what the page and the printout show; text in any column stays text
// ("—", "不参评").
type Kind int

// The column kinds.
const (
	General  Kind = iota // integers right-aligned, other numbers as they come
	Integer              // 0
	Decimal1             // 0.0
	Decimal2             // 0.00
	Percent1             // 0.0%: the cell holds a fraction, 0.953 prints as 95.3%
	Wrap                 // long text, wrapped within the column's width so that it prints whole
)

// format is the number format of a kind ("" for General).
func (k Kind) format() string {
	switch k {
	case Integer:
		return "0"
	case Decimal1:
		return "0.0"
	case Decimal2:
		return "0.00"
	case Percent1:
		return "0.0%"
	}
	return ""
}

// round rounds x to the places a kind shows.
func (k Kind) round(x float64) float64 {
	switch k {
	case Integer:
		return math.Round(x)
	case Decimal1:
		return math.Round(x*10) / 10
	case Decimal2:
		return math.Round(x*100) / 100
	case Percent1:
		return math.Round(x*1000) / 1000
	}
	return x
}

// Percent turns a percentage as the pages show it (95.27) into the
// fraction a Percent1 cell holds (0.9527, printed as 95.3%).
func Percent(p float64) float64 { return p / 100 }

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
func Write(w io.Writer, s Sheet, rows iter.Seq[[]any]) error {
	return WriteBook(w, []Part{{Sheet: s, Rows: rows}})
}

// Part is one sheet of a workbook and its rows.
type Part struct {
	Sheet Sheet
	Rows  iter.Seq[[]any]
}

// WriteBook writes a workbook of several sheets, in order, each laid out as
// Write lays out its one (title, filters, export line, header, rows, page
// setup). Sheet names that clash once cut to Excel's 31 characters get a
// number.
func WriteBook(w io.Writer, parts []Part) (err error) {
	if len(parts) == 0 {
		return fmt.Errorf("xlsx: a workbook needs a sheet")
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("xlsx: close: %w", cerr)
		}
	}()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, p := range parts {
		name := SheetName(p.Sheet.Name)
		for n := 2; used[name]; n++ {
			// The number goes after a base cut short enough to keep it.
			suffix := fmt.Sprintf(" (%d)", n)
			base := []rune(SheetName(p.Sheet.Name))
			name = SheetName(string(base[:min(len(base), 31-len(suffix))]) + suffix)
		}
		used[name] = true
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("xlsx: sheet name: %w", err)
		}
		if err := layOutSheet(f, st, name, p.Sheet, p.Rows); err != nil {
			return err
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}

// layOutSheet lays out one sheet of the workbook f.
func layOutSheet(f *excelize.File, st styles, sheet string, s Sheet, rows iter.Seq[[]any]) (err error) {
	ncols := max(len(s.Header), 1)
	widths := make([]float64, ncols)
	for i := range widths {
		if i < len(s.Widths) {
			widths[i] = s.Widths[i]
		}
		if widths[i] <= 0 && i < len(s.Header) {
			widths[i] = headerWidth(s.Header[i])
		}
		widths[i] = min(widths[i], 255)
	}
	kinds := make([]int, ncols) // the style of each column's numbers
	for i := range kinds {
		kinds[i] = st.number
		if i < len(s.Kinds) && s.Kinds[i] == Wrap {
			kinds[i] = st.wrap
		} else if i < len(s.Kinds) && s.Kinds[i] != General {
			if kinds[i], err = f.NewStyle(numberStyle(s.Kinds[i])); err != nil {
				return fmt.Errorf("xlsx: number style: %w", err)
			}
		}
	}
	// The page setup lives in parts of the worksheet that the stream
	// writer copies when it is created (sheetPr) or when it is flushed
	// (pageSetup, headerFooter), so it is set before the first row.
	if err := pageSetup(f, sheet, widths, s.EN); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: stream writer: %w", err)
	}
	for i, width := range widths {
		if width > 0 {
			if err := sw.SetColWidth(i+1, i+1, width); err != nil {
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

	last := headerRow
	if rows != nil {
		r := firstData
		var buf []any
		for row := range rows {
			buf = buf[:0]
			for i := range max(len(row), ncols) {
				var v any
				if i < len(row) {
					v = row[i]
				}
				kind, style := General, st.number
				if i < len(s.Kinds) {
					kind = s.Kinds[i]
				}
				if i < len(kinds) {
					style = kinds[i]
				}
				c := cellValue(v, kind, style)
				if _, styled := c.(excelize.Cell); !styled {
					c = excelize.Cell{StyleID: st.body, Value: c}
				}
				buf = append(buf, c)
			}
			if err = sw.SetRow(cell(1, r), buf); err != nil {
				return fmt.Errorf("xlsx: row %d: %w", r, err)
			}
			last = r
			r++
		}
	}
	// The filter covers the header and every data row; the worksheet the
	// stream writer flushes is the one AutoFilter changes.
	if err := f.AutoFilter(sheet, cell(1, headerRow)+":"+cell(ncols, last), nil); err != nil {
		return fmt.Errorf("xlsx: auto-filter: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: flush: %w", err)
	}
	return nil
}

// styles holds the style ids shared by exports and templates.
type styles struct {
	title, header, number, text, required, wrap int
	body                                        int // any other cell of the data: a thin border, so printed cells keep apart
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
	border := cellBorder
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
		Border:    cellBorder,
	})
	st.body = add(&excelize.Style{Border: cellBorder, Alignment: &excelize.Alignment{Vertical: "top"}})
	// Text format (@) keeps leading zeros and long digit strings such as
	// phone or ID numbers intact when users type them into a template.
	st.text = add(&excelize.Style{NumFmt: 49})
	st.wrap = add(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: cellBorder})
	if err != nil {
		return st, fmt.Errorf("xlsx: style: %w", err)
	}
	return st, nil
}

// cellBorder is the thin grey grid of the header and the data.
var cellBorder = []excelize.Border{
	{Type: "left", Color: "BFBFBF", Style: 1},
	{Type: "right", Color: "BFBFBF", Style: 1},
	{Type: "top", Color: "BFBFBF", Style: 1},
	{Type: "bottom", Color: "BFBFBF", Style: 1},
}

// numberStyle is the style of a column of kind k: right-aligned, with its
// number format.
func numberStyle(k Kind) *excelize.Style {
	f := k.format()
	return &excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}, CustomNumFmt: &f, Border: cellBorder}
}

// cellValue converts one exported value into what the stream writer gets:
// numbers as right-aligned numeric cells (rounded as their column's kind
// shows them), everything else as neutralised text (wrapped in a Wrap
// column, whose style numStyle then is).
func cellValue(v any, kind Kind, numStyle int) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if kind == Wrap && x != "" {
			return excelize.Cell{StyleID: numStyle, Value: neutralise(x)}
		}
		return neutralise(x)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		if kind == Percent1 {
			return floatCell(kind.round(toFloat(x)), numStyle)
		}
		return excelize.Cell{StyleID: numStyle, Value: x}
	case float32:
		return floatCell(kind.round(float64(x)), numStyle)
	case float64:
		return floatCell(kind.round(x), numStyle)
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

// toFloat converts any integer to float64.
func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return 0
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

// SheetName makes a list's name a sheet name Excel accepts: at most 31
// characters (UTF-16 units, as Excel counts them), none of : \ / ? * [ ],
// and no apostrophe (Excel refuses one at either end, and a name with one
// must be escaped in every reference to the sheet). An empty name is
// "Sheet1".
func SheetName(name string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(name) {
		switch {
		case strings.ContainsRune(`:\/?*[]`, r), r < 0x20, r == 0x7f, r == utf8.RuneError:
			r = '_'
		case r == '\'':
			r = '’'
		}
		units := 1
		if r > 0xFFFF {
			units = 2
		}
		if n+units > 31 {
			break
		}
		n += units
		b.WriteRune(r)
	}
	if s := strings.TrimSpace(b.String()); s != "" {
		return s
	}
	return "Sheet1"
}

// Paper and margins of every export: A4 with half-inch side margins, on
// which a portrait page holds 698 pixels of columns (96 dpi) and a
// landscape one 1,026.
const (
	paperA4         = 9
	sideMargin      = 0.5 // inches
	portraitPixels  = (8.27 - 2*sideMargin) * 96
	landscapePixels = (11.69 - 2*sideMargin) * 96
)

// Footers of every printed page.
const (
	footerZH = "&C第 &P 页 / 共 &N 页"
	footerEN = "&CPage &P of &N"
)

// columnsPixels is how wide the columns print at 100 %: a column of width
// w (in characters of the default font) is 7w+5 pixels.
func columnsPixels(widths []float64) float64 {
	px := 0.0
	for _, w := range widths {
		if w <= 0 {
			w = 8.43 // Excel's default width
		}
		px += 7*w + 5
	}
	return px
}

// Orientation is the orientation a sheet of these column widths prints in:
// portrait when its columns fit the width of a portrait A4 page, else
// landscape (which fit-to-width then shrinks to one page wide if needed).
func Orientation(widths []float64) string {
	if columnsPixels(widths) <= portraitPixels {
		return "portrait"
	}
	return "landscape"
}

// pageSetup prepares a sheet for printing: A4 in the orientation its
// columns need, scaled to one page wide and as many pages long as it takes,
// the title, filter, export and header rows repeated on top of every page,
// and "page n of N" in the footer.
func pageSetup(f *excelize.File, sheet string, widths []float64, en bool) error {
	size, orient, wide, tall, fit := paperA4, Orientation(widths), 1, 0, true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("xlsx: sheet properties: %w", err)
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return fmt.Errorf("xlsx: page layout: %w", err)
	}
	top, side, edge := 0.75, sideMargin, 0.3
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Top: &top, Bottom: &top, Left: &side, Right: &side, Header: &edge, Footer: &edge}); err != nil {
		return fmt.Errorf("xlsx: page margins: %w", err)
	}
	footer := footerZH
	if en {
		footer = footerEN
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: footer}); err != nil {
		return fmt.Errorf("xlsx: footer: %w", err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, titleRow, headerRow), Scope: sheet}); err != nil {
		return fmt.Errorf("xlsx: print titles: %w", err)
	}
	return nil
}
