package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jiceng/internal/errs"
)

// MaxUpload is the largest upload Read accepts, in bytes.
const MaxUpload = 10 << 20 // 10 MiB

// maxRows is the largest number of data rows Read accepts, so that one
// import stays within a single request and transaction.
const maxRows = 100_000

// MaxColumns is the widest row Read accepts. The widest template has 15
// columns; a row is as wide as its last non-empty cell, so a stray value in
// column XFD (16,384) is refused here instead of making every row that
// wide.
const MaxColumns = 200

// MaxCells caps the non-empty-row cells of one file (each row counted up to
// its last non-empty cell). The biggest real import is about 20,000 units
// of 15 columns (300,000 cells); 1,000,000 admits 50,000 rows of 20
// columns, while keeping the parsed file to a few tens of MB (a string
// header is 16 bytes, plus the text, itself bounded by maxText).
const MaxCells = 1_000_000

// maxText caps the bytes of cell text of one file. A CSV's text is bounded
// by MaxUpload, but a workbook can point a million cells at one long shared
// string; 32 MiB admits 500 subjects with a 20,000-character report each.
const maxText = 32 << 20

// Limits on what a workbook may unpack to: a 10 MiB zip can expand a
// thousandfold, so these refuse zip bombs before excelize inflates them.
// Worksheets and shared strings above unzipXMLLimit go to a temporary file
// instead of memory: excelize decodes an in-memory shared-strings table
// whole, at several hundred bytes an item (300,000 short strings took
// 110 MB), while from a file it keeps only an index of offsets. The other
// parts (styles, themes, pictures) are read into memory and are capped
// together by otherPartsLimit.
const (
	unzipLimit      = 64 << 20
	unzipXMLLimit   = 1 << 20
	otherPartsLimit = 16 << 20
)

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
	// Password-protected .xlsx files are OLE containers too; this stream
	// name (UTF-16LE) tells them apart from old .xls files.
	encryptionInfo = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")
)

func errTooLarge() error {
	return errs.New(errs.TooLarge, "文件超过 10 MB 上限，请拆分后分批导入", "the file exceeds the 10 MB limit: split it")
}

func errUnzipTooLarge() error {
	return errs.New(errs.TooLarge, "文件解压后超过 64 MB 上限，请删除多余的工作表或拆分后分批导入",
		"the workbook exceeds 64 MB once unpacked: remove extra sheets or split it")
}

func errNotSpreadsheet(cause error) error {
	e := errs.New(errs.Invalid, "文件不是有效的 Excel（.xlsx）或 CSV 文件，请用 Excel 另存为 .xlsx 后再导入",
		"the file is not a valid Excel (.xlsx) or CSV file: save it as .xlsx and retry")
	e.Err = cause
	return e
}

func errNoRows() error {
	return errs.New(errs.Invalid, "文件中没有数据行", "the file has no data rows")
}

// Read parses an uploaded .xlsx or .csv into a header and rows of trimmed
// strings (first sheet only for a workbook). The format is detected from the
// content, not the file name, because users rename files freely: a zip is a
// workbook, an OLE container is an old .xls (or an encrypted workbook), and
// anything else is CSV in UTF-8 (with or without BOM) or, failing that,
// GB18030/GBK as saved by Chinese editions of Excel.
//
// rows[i] is row i+2 of the sheet (record i+2 of a CSV), so callers can
// quote row numbers in messages: blank rows inside the data are kept (as
// empty rows), while blank rows at the end are dropped. Rows are not padded
// to the header's width: each ends at its last non-empty cell, so callers
// must treat a missing cell as "".
//
// The error is an *errs.Error: TooLarge above MaxUpload bytes, for a
// workbook that would unpack beyond 64 MiB or whose shared-strings table
// holds more than 500,000 items (or 40 MiB), for more than MaxCells cells
// or 32 MiB of text; TooMany when the server is busy parsing other files
// (see ReadContext); Invalid for anything that is not a readable spreadsheet,
// for a file without data rows, for a row wider than MaxColumns and for
// more than 100,000 data rows.
func Read(r io.Reader) (header []string, rows [][]string, err error) {
	return ReadContext(context.Background(), r)
}

// ReadContext is Read for a request: the file is parsed in one of a few
// parse slots shared by the whole server, and a request that gives up while
// waiting for one (ctx ends) leaves with errs.TooMany, as does one that
// finds too many requests already reading or waiting.
func ReadContext(ctx context.Context, r io.Reader) (header []string, rows [][]string, err error) {
	leave, err := parseSlots.admit()
	if err != nil {
		return nil, nil, err
	}
	defer leave()
	data, err := io.ReadAll(io.LimitReader(r, MaxUpload+1))
	if err != nil {
		return nil, nil, errs.Wrap(err, "xlsx: read upload")
	}
	if len(data) > MaxUpload {
		return nil, nil, errTooLarge()
	}
	release, err := parseSlots.acquire(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	if parseHook != nil {
		parseHook()
	}
	var all [][]string
	var total int
	switch {
	case bytes.HasPrefix(data, zipMagic):
		all, total, err = readXLSX(data)
	case bytes.HasPrefix(data, oleMagic):
		if bytes.Contains(data, encryptionInfo) {
			return nil, nil, errs.New(errs.Invalid, "文件设置了打开密码，请在 Excel 中取消密码并另存为 .xlsx 后再导入",
				"the file is password-protected: remove the password in Excel, save it as .xlsx and retry")
		}
		return nil, nil, errs.New(errs.Invalid, "这是旧版 .xls 文件，请用 Excel 另存为 .xlsx 后再导入",
			"this is an old .xls file: save it as .xlsx in Excel and retry")
	default:
		all, total, err = readCSV(data)
	}
	if err != nil {
		return nil, nil, err
	}
	if total > maxRows {
		return nil, nil, errs.Newf(errs.Invalid, "最多导入 100,000 行，文件有 %s 行",
			"at most 100,000 rows can be imported; the file has %s rows", grouped(total))
	}
	if len(all) == 0 {
		return nil, nil, errNoRows()
	}
	header = all[0]
	for len(header) > 0 && header[len(header)-1] == "" {
		header = header[:len(header)-1]
	}
	rows = all[1:]
	if len(header) == 0 || len(rows) == 0 {
		return nil, nil, errNoRows()
	}
	return header, rows, nil
}

func errTooWide(row, cols int) error {
	return errs.Newf(errs.Invalid, "第%d行有 %s 列，最多 200 列：请删除多余的列（或表格右侧远处的内容）后再导入",
		"row %d has %s columns; at most 200 are allowed: delete the extra columns (or stray cells far to the right) and retry", row, grouped(cols))
}

func errTooManyCells() error {
	return errs.New(errs.TooLarge, "文件超过 1,000,000 个单元格的上限，请拆分后分批导入",
		"the file has more than 1,000,000 cells: split it and import it in parts")
}

func errTooMuchText() error {
	return errs.New(errs.TooLarge, "文件中的文字超过 32 MB 上限，请拆分后分批导入",
		"the file holds more than 32 MB of text: split it and import it in parts")
}

// collector gathers trimmed rows, drops trailing blank ones and counts data
// rows past maxRows without keeping them, so the error can say how many
// rows the file really has. Each row is copied up to its last non-empty
// cell, so that neither a reader's padding nor a reused record is kept, and
// the caps on width, cells and text are checked row by row, before the
// next row is read.
type collector struct {
	rows  [][]string
	kept  int // len(rows) up to the last non-blank row
	total int // data rows up to the last non-blank row, kept or not
	seen  int // rows seen, header included
	cells int
	text  int
}

func (c *collector) add(cells []string) error {
	c.seen++
	width := 0
	for i := len(cells) - 1; i >= 0; i-- {
		if trim(cells[i]) != "" {
			width = i + 1
			break
		}
	}
	if width > MaxColumns {
		return errTooWide(c.seen, width)
	}
	if c.cells += width; c.cells > MaxCells {
		return errTooManyCells()
	}
	row := make([]string, width)
	for i := range row {
		row[i] = trim(cells[i])
		c.text += len(row[i])
	}
	if c.text > maxText {
		return errTooMuchText()
	}
	if c.seen <= maxRows+1 {
		c.rows = append(c.rows, row)
	}
	if width > 0 {
		c.kept = len(c.rows)
		c.total = c.seen - 1
	}
	return nil
}

func (c *collector) result() ([][]string, int) {
	return c.rows[:c.kept], c.total
}

// trim removes surrounding white space, including the full-width space
// common in Chinese text and a stray BOM.
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
}

func readXLSX(data []byte) ([][]string, int, error) {
	// A zip that is not a workbook, or one whose declared sizes add up past
	// the limit, is refused here, before excelize inflates anything.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, 0, errNotSpreadsheet(err)
	}
	var size, other uint64
	workbook := false
	for _, zf := range zr.File {
		size += zf.UncompressedSize64
		name := strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))
		if name == "xl/workbook.xml" {
			workbook = true
		}
		if !strings.HasPrefix(name, "xl/worksheets/sheet") && name != "xl/sharedstrings.xml" {
			other += zf.UncompressedSize64
		}
	}
	if size > unzipLimit {
		return nil, 0, errUnzipTooLarge()
	}
	if other > otherPartsLimit {
		return nil, 0, errs.New(errs.TooLarge, "文件中的样式、图片等内容解压后超过 16 MB 上限，请删除图片或把数据复制到新的工作簿后再导入",
			"the workbook's styles, pictures and other parts exceed 16 MB once unpacked: remove pictures or copy the data into a new workbook")
	}
	if !workbook {
		return nil, 0, errNotSpreadsheet(errors.New("zip without xl/workbook.xml"))
	}
	// excelize keeps an index entry (and, below unzipXMLLimit, a decoded
	// struct) for every shared string, whether any cell uses it or not:
	// 3,200,000 empty items fit in 54 MB unpacked and cost it 300 MB. So the
	// items are counted first, streaming and without allocating per item.
	for _, zf := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(zf.Name, `\`, "/"), "xl/sharedStrings.xml") {
			if err := checkSharedStrings(zf); err != nil {
				return nil, 0, err
			}
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    unzipLimit,
		UnzipXMLSizeLimit: unzipXMLLimit,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, 0, errUnzipTooLarge()
		}
		return nil, 0, errNotSpreadsheet(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, 0, errNotSpreadsheet(errors.New("workbook without sheets"))
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, 0, errNotSpreadsheet(err)
	}
	defer it.Close()
	var c collector
	for it.Next() {
		cells, err := it.Columns()
		if err != nil {
			return nil, 0, errNotSpreadsheet(err)
		}
		if err := c.add(cells); err != nil {
			return nil, 0, err
		}
	}
	if err := it.Error(); err != nil {
		return nil, 0, errNotSpreadsheet(err)
	}
	rows, total := c.result()
	return rows, total, nil
}

func readCSV(data []byte) ([][]string, int, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	// Control characters other than tab and line breaks never occur in a
	// text export; their presence means a binary file renamed to .csv.
	for _, b := range data {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
			return nil, 0, errNotSpreadsheet(fmt.Errorf("control byte %#x", b))
		}
	}
	text := data
	if !utf8.Valid(data) {
		// Chinese Excel saves "CSV" in the system code page; GB18030 is a
		// superset of GBK and GB2312. Bytes it cannot map mean the file is
		// neither encoding.
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(dec, utf8.RuneError) {
			return nil, 0, errNotSpreadsheet(errors.New("neither UTF-8 nor GB18030"))
		}
		text = dec
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = delimiter(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true // add copies what it keeps
	var c collector
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, errNotSpreadsheet(err)
		}
		if err := c.add(rec); err != nil {
			return nil, 0, err
		}
	}
	rows, total := c.result()
	return rows, total, nil
}

// delimiter picks the separator from the first line: a comma unless the line
// has none but tabs or semicolons (text copied from a spreadsheet, or CSV
// from a locale that uses a decimal comma).
func delimiter(text []byte) rune {
	line, _, _ := bytes.Cut(text, []byte("\n"))
	switch {
	case bytes.IndexByte(line, ',') >= 0:
		return ','
	case bytes.IndexByte(line, '\t') >= 0:
		return '\t'
	case bytes.IndexByte(line, ';') >= 0:
		return ';'
	}
	return ','
}

// grouped formats n with thousands separators, as the messages quote the
// 100,000 limit that way.
func grouped(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Columns maps header names to column indexes. Every name in required must
// be present, otherwise the error (errs.Invalid) lists all missing ones in
// the order given; names in optional may be absent and are then left out of
// the map. Header cells are compared after trimming spaces and a trailing *
// (templates mark required columns with *); when a name occurs twice the
// first column wins. Other columns are ignored.
func Columns(header []string, required, optional []string) (map[string]int, error) {
	pos := make(map[string]int, len(header))
	for i, h := range header {
		h = columnName(h)
		if _, dup := pos[h]; h != "" && !dup {
			pos[h] = i
		}
	}
	out := make(map[string]int, len(required)+len(optional))
	var missing []string
	for _, name := range required {
		if i, ok := pos[columnName(name)]; ok {
			out[name] = i
		} else {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, errs.New(errs.Invalid, "缺少必填列："+strings.Join(missing, "、"),
			"missing required columns: "+strings.Join(missing, ", "))
	}
	for _, name := range optional {
		if i, ok := pos[columnName(name)]; ok {
			out[name] = i
		}
	}
	return out, nil
}

// columnName normalises a header cell: templates write "名称*" and users
// sometimes type a full-width ＊ or add spaces.
func columnName(h string) string {
	h = trim(h)
	h = strings.TrimRight(h, "*＊")
	return trim(h)
}
