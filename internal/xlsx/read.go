package xlsx

import (
	"archive/zip"
	"bytes"
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

// Limits on what a workbook may unpack to: a 10 MiB zip can expand a
// thousandfold, so these refuse zip bombs before excelize inflates them.
const (
	unzipLimit    = 64 << 20
	unzipXMLLimit = 32 << 20
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
// quote row numbers in messages: blank rows inside the data are kept (all
// cells ""), while blank rows at the end are dropped. Every row has at least len(header) cells.
//
// The error is an *errs.Error: TooLarge above MaxUpload bytes or for a
// workbook that would unpack beyond 64 MiB, Invalid for anything that is not
// a readable spreadsheet, for a file without data rows and for more than
// 100,000 data rows.
func Read(r io.Reader) (header []string, rows [][]string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxUpload+1))
	if err != nil {
		return nil, nil, errs.Wrap(err, "xlsx: read upload")
	}
	if len(data) > MaxUpload {
		return nil, nil, errTooLarge()
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
	for i, row := range rows {
		for len(row) < len(header) {
			row = append(row, "")
		}
		rows[i] = row
	}
	return header, rows, nil
}

// collector gathers trimmed rows, drops trailing blank ones and counts data
// rows past maxRows without keeping them, so the error can say how many
// rows the file really has.
type collector struct {
	rows  [][]string
	kept  int // len(rows) up to the last non-blank row
	total int // data rows up to the last non-blank row, kept or not
	seen  int // rows seen, header included
}

func (c *collector) add(cells []string) {
	c.seen++
	blank := true
	for i, v := range cells {
		cells[i] = trim(v)
		if cells[i] != "" {
			blank = false
		}
	}
	if c.seen <= maxRows+1 {
		c.rows = append(c.rows, cells)
	}
	if !blank {
		c.kept = len(c.rows)
		c.total = c.seen - 1
	}
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
	var size uint64
	workbook := false
	for _, zf := range zr.File {
		size += zf.UncompressedSize64
		if strings.EqualFold(strings.ReplaceAll(zf.Name, `\`, "/"), "xl/workbook.xml") {
			workbook = true
		}
	}
	if size > unzipLimit {
		return nil, 0, errUnzipTooLarge()
	}
	if !workbook {
		return nil, 0, errNotSpreadsheet(errors.New("zip without xl/workbook.xml"))
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
		c.add(cells)
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
	var c collector
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, errNotSpreadsheet(err)
		}
		c.add(rec)
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
