package xlsxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Print is the page setup of a sheet as a printer sees it.
type Print struct {
	Paper       int    // 9 is A4
	Orientation string // "portrait" or "landscape"
	FitToPage   bool   // the sheet's "fit to" option is on
	FitToWidth  int    // pages wide (with FitToPage)
	FitToHeight int    // pages tall, 0 for as many as it takes
	Titles      string // the rows repeated on each page, "$1:$4"
	Footer      string // the odd-page footer, "&C第 &P 页 / 共 &N 页"
}

// Cell is one cell as a reader of the file sees it.
type Cell struct {
	Value   string // the raw value: a number as stored, or the text
	Numeric bool   // a number cell (not text that looks like one)
	Format  string // its number format: "General", "0", "0.0", "0.00", "0.0%" …
	Wrap    bool   // its text wraps within the column
}

// Report is what a test needs to know about an exported workbook: the
// first sheet's name, page setup, auto-filter and cells.
type Report struct {
	Sheets     []string
	Sheet      string
	Print      Print
	AutoFilter string   // the filtered range, "A4:K20" (without $)
	Rows       [][]Cell // every row from row 1, up to its last cell
}

// builtinFormats are the built-in number formats an export may use.
var builtinFormats = map[int]string{0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 49: "@"}

// Inspect opens a workbook and reports its first sheet.
func Inspect(data []byte) (*Report, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	rep := &Report{Sheets: f.GetSheetList()}
	if len(rep.Sheets) == 0 {
		return nil, fmt.Errorf("no sheet")
	}
	sheet := rep.Sheets[0]
	rep.Sheet = sheet
	layout, err := f.GetPageLayout(sheet)
	if err != nil {
		return nil, err
	}
	p := &rep.Print
	p.Paper, p.Orientation = *layout.Size, *layout.Orientation
	if layout.FitToWidth != nil {
		p.FitToWidth = *layout.FitToWidth
	}
	if layout.FitToHeight != nil {
		p.FitToHeight = *layout.FitToHeight
	}
	props, err := f.GetSheetProps(sheet)
	if err != nil {
		return nil, err
	}
	p.FitToPage = props.FitToPage != nil && *props.FitToPage
	if hf, err := f.GetHeaderFooter(sheet); err != nil {
		return nil, err
	} else if hf != nil {
		p.Footer = hf.OddFooter
	}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" && d.Scope == sheet {
			p.Titles = d.RefersTo[strings.LastIndex(d.RefersTo, "!")+1:]
		}
	}
	if rep.AutoFilter, err = autoFilter(data); err != nil {
		return nil, err
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, err
	}
	for r, row := range rows {
		out := make([]Cell, len(row))
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			typ, err := f.GetCellType(sheet, ref)
			if err != nil {
				return nil, err
			}
			out[c] = Cell{Value: v, Format: "General"}
			if v != "" && (typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber) {
				_, perr := strconv.ParseFloat(v, 64)
				out[c].Numeric = perr == nil
			}
			id, err := f.GetCellStyle(sheet, ref)
			if err != nil {
				return nil, err
			}
			if st, err := f.GetStyle(id); err == nil && st != nil {
				out[c].Wrap = st.Alignment != nil && st.Alignment.WrapText
				switch {
				case st.CustomNumFmt != nil && *st.CustomNumFmt != "":
					out[c].Format = *st.CustomNumFmt
				case builtinFormats[st.NumFmt] != "":
					out[c].Format = builtinFormats[st.NumFmt]
				default:
					out[c].Format = "#" + strconv.Itoa(st.NumFmt)
				}
			}
		}
		rep.Rows = append(rep.Rows, out)
	}
	return rep, nil
}

// autoFilter reads the ref of the first worksheet's autoFilter element, ""
// when it has none (excelize has no getter for it).
func autoFilter(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	for _, zf := range zr.File {
		if zf.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return "", err
		}
		defer func() { _ = rc.Close() }()
		dec := xml.NewDecoder(rc)
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				return "", nil
			}
			if err != nil {
				return "", err
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "autoFilter" {
				for _, a := range se.Attr {
					if a.Name.Local == "ref" {
						return strings.ReplaceAll(a.Value, "$", ""), nil
					}
				}
			}
		}
	}
	return "", fmt.Errorf("no xl/worksheets/sheet1.xml")
}

// Column returns the cells of column col (0-based) from row from (1-based)
// on, skipping rows too short to reach it.
func (r *Report) Column(col, from int) []Cell {
	var out []Cell
	for i := from - 1; i < len(r.Rows); i++ {
		if col < len(r.Rows[i]) {
			out = append(out, r.Rows[i][col])
		}
	}
	return out
}
