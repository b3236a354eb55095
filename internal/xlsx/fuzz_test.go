package xlsx

import (
	"bytes"
	"errors"
	"testing"

	"jiceng/internal/errs"
)

// FuzzRead: Read never panics on arbitrary bytes (CSV or anything starting
// like a zip), refuses with an error a user can read, and what it accepts
// keeps within the caps: at most MaxColumns columns, MaxCells cells and
// 100,000 data rows, a header ending with a non-empty cell and rows ending
// with one (or empty).
func FuzzRead(f *testing.F) {
	f.Add([]byte("名称,类型\n甲,党支部\n"))
	f.Add([]byte("\xEF\xBB\xBF名称\t类型\r\n甲\t\r\n\r\n"))
	f.Add([]byte("a;b\n\"x\"\"y\";z\n"))
	f.Add([]byte("名称\n\xc4\xfa\xba\xc3\n")) // GBK
	f.Add(makeXLSX(f, [][]any{{"名称", "类型"}, {"甲", 1}, {}, {"乙"}}))
	f.Add(makeZip(f, map[string][]byte{"xl/workbook.xml": []byte("<workbook/>")}))
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	f.Fuzz(func(t *testing.T, data []byte) {
		header, rows, err := Read(bytes.NewReader(data))
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || (e.Kind != errs.Invalid && e.Kind != errs.TooLarge) || e.ZH == "" || e.EN == "" {
				t.Fatalf("error %v is not a message for the user", err)
			}
			return
		}
		if len(header) == 0 || len(header) > MaxColumns || header[len(header)-1] == "" || len(rows) == 0 || len(rows) > maxRows {
			t.Fatalf("header of %d, %d rows", len(header), len(rows))
		}
		cells := len(header)
		for i, r := range rows {
			if len(r) > MaxColumns || (len(r) > 0 && r[len(r)-1] == "") {
				t.Fatalf("row %d: %q", i+2, r)
			}
			cells += len(r)
		}
		if cells > MaxCells {
			t.Fatalf("%d cells", cells)
		}
	})
}
