package xlsx

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Sheet names of an import template.
const (
	templateSheet = "导入数据"
	notesSheet    = "填写说明"
)

// templateIntro opens the notes sheet; the field notes start on row 4.
const templateIntro = "第 1 行为表头，请勿修改；带 * 的列为必填。第 2 行为示例，导入前请删除或覆盖。"

// Template writes an import template to w: a first sheet with the header
// row, where required columns are marked with * (and shown in red), and one
// example row; and a second sheet "填写说明" listing each field with its
// note. notes pairs a field name with its explanation. The data columns are
// formatted as text so that phone numbers, ID numbers and codes with leading
// zeros survive being typed in. Read and Columns accept the marked header
// as is, but callers should tell users (the notes sheet does) to delete the
// example row, since Read returns it like any other row.
func Template(w io.Writer, header []string, required map[string]bool, example []string, notes [][2]string) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("xlsx: close: %w", cerr)
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), templateSheet); err != nil {
		return fmt.Errorf("xlsx: sheet name: %w", err)
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	ncols := max(len(header), 1)
	last, _ := excelize.ColumnNumberToName(ncols)
	if err := f.SetColStyle(templateSheet, "A:"+last, st.text); err != nil {
		return fmt.Errorf("xlsx: column style: %w", err)
	}
	for i, h := range header {
		col, _ := excelize.ColumnNumberToName(i + 1)
		style := st.header
		if required[h] {
			h += "*"
			style = st.required
		}
		ref := cell(i+1, 1)
		if err := f.SetCellStr(templateSheet, ref, h); err != nil {
			return fmt.Errorf("xlsx: header: %w", err)
		}
		if err := f.SetCellStyle(templateSheet, ref, ref, style); err != nil {
			return fmt.Errorf("xlsx: header style: %w", err)
		}
		if err := f.SetColWidth(templateSheet, col, col, headerWidth(h)+2); err != nil {
			return fmt.Errorf("xlsx: column width: %w", err)
		}
	}
	for i, v := range example {
		// The example is stored as text, as the columns are text-formatted
		// and a user overwriting it should see the same kind of cell.
		if err := f.SetCellStr(templateSheet, cell(i+1, 2), neutralise(v)); err != nil {
			return fmt.Errorf("xlsx: example: %w", err)
		}
	}
	if err := f.SetPanes(templateSheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
	}); err != nil {
		return fmt.Errorf("xlsx: panes: %w", err)
	}

	if _, err := f.NewSheet(notesSheet); err != nil {
		return fmt.Errorf("xlsx: notes sheet: %w", err)
	}
	set := func(ref, v string, style int) error {
		if err := f.SetCellStr(notesSheet, ref, neutralise(v)); err != nil {
			return fmt.Errorf("xlsx: notes: %w", err)
		}
		if style == 0 {
			return nil
		}
		if err := f.SetCellStyle(notesSheet, ref, ref, style); err != nil {
			return fmt.Errorf("xlsx: notes style: %w", err)
		}
		return nil
	}
	if err := set("A1", templateIntro, 0); err != nil {
		return err
	}
	if err := set("A3", "字段", st.header); err != nil {
		return err
	}
	if err := set("B3", "说明", st.header); err != nil {
		return err
	}
	for i, n := range notes {
		field := n[0]
		if required[field] {
			field += "*"
		}
		if err := set(cell(1, i+4), field, 0); err != nil {
			return err
		}
		if err := set(cell(2, i+4), n[1], st.wrap); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(notesSheet, "A", "A", 20); err != nil {
		return fmt.Errorf("xlsx: notes width: %w", err)
	}
	if err := f.SetColWidth(notesSheet, "B", "B", 80); err != nil {
		return fmt.Errorf("xlsx: notes width: %w", err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}
