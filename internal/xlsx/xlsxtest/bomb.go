// Package xlsxtest builds hostile workbooks for the tests of the packages
// that read uploads, and reports what an exported workbook holds (page
// setup, print titles, auto-filter, cell types and formats) for the tests
// of the exports.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"strconv"
	"strings"
)

// SharedStringsBomb builds the reviewer's shared-strings bomb: a small workbook whose
// xl/sharedStrings.xml holds items copies of <si><t>x</t></si> (3,200,000
// make 54 MB unpacked, under the 64 MB unzip cap), with a header cell and
// one data cell pointing at item 3,000,000 (or the last one). The items are
// written streaming, so building it costs little memory.
func SharedStringsBomb(items int) ([]byte, error) {
	const (
		ct   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
		rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
		wb   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
		wbr  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	)
	last := min(3_000_000, items-1)
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>` + strconv.Itoa(last) + `</v></c></row></sheetData></worksheet>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{{"[Content_Types].xml", ct}, {"_rels/.rels", rels}, {"xl/workbook.xml", wb}, {"xl/_rels/workbook.xml.rels", wbr}, {"xl/worksheets/sheet1.xml", sheet}} {
		w, err := zw.Create(p[0])
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p[1])); err != nil {
			return nil, err
		}
	}
	w, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return nil, err
	}
	if _, err := w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)); err != nil {
		return nil, err
	}
	chunk := []byte(strings.Repeat("<si><t>x</t></si>", 10_000))
	for n := items; n > 0; n -= 10_000 {
		if _, err := w.Write(chunk[:min(n, 10_000)*len("<si><t>x</t></si>")]); err != nil {
			return nil, err
		}
	}
	if _, err := w.Write([]byte(`</sst>`)); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
