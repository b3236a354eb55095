package imports

import (
	"iter"
	"strings"
)

// Row is one data row of an uploaded file, read through the columns that
// xlsx.Columns found in its header.
type Row struct {
	// Line is the row's number in the spreadsheet, where the header is
	// row 1, as problems quote it.
	Line  int
	cells []string
	cols  map[string]int
}

// Cell is the trimmed value of the named column, or "" when the file has
// no such column or the row is shorter.
func (r Row) Cell(name string) string {
	if i, ok := r.cols[name]; ok && i < len(r.cells) {
		return strings.TrimSpace(r.cells[i])
	}
	return ""
}

// Rows yields the rows of a file that are not blank, in order. Blank rows
// are skipped rather than reported, since spreadsheets often keep some
// below the data; they still count in the line numbers.
func Rows(cols map[string]int, rows [][]string) iter.Seq[Row] {
	return func(yield func(Row) bool) {
		for i, r := range rows {
			if strings.TrimSpace(strings.Join(r, "")) == "" {
				continue
			}
			if !yield(Row{Line: i + 2, cells: r, cols: cols}) {
				return
			}
		}
	}
}
