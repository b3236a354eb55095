package xlsx

import (
	"bytes"
	"reflect"
	"testing"
)

func TestTemplate(t *testing.T) {
	header := []string{"名称", "类型", "电话"}
	required := map[string]bool{"名称": true, "类型": true}
	example := []string{"第一社区党支部", "党支部", "01012345678"}
	notes := [][2]string{
		{"名称", "党组织全称，如“第一社区党支部”"},
		{"类型", "党委、党总支或党支部"},
		{"电话", "联系电话，可留空"},
	}
	var buf bytes.Buffer
	if err := Template(&buf, header, required, example, notes); err != nil {
		t.Fatalf("Template: %v", err)
	}
	f := openWorkbook(t, buf.Bytes())

	if got, want := f.GetSheetList(), []string{"导入数据", "填写说明"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	rows, err := f.GetRows("导入数据")
	if err != nil {
		t.Fatal(err)
	}
	wantRows := [][]string{{"名称*", "类型*", "电话"}, example}
	if !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("template rows = %q, want %q", rows, wantRows)
	}
	noteRows, err := f.GetRows("填写说明")
	if err != nil {
		t.Fatal(err)
	}
	wantNotes := [][]string{
		{templateIntro},
		nil,
		{"字段", "说明"},
		{"名称*", "党组织全称，如“第一社区党支部”"},
		{"类型*", "党委、党总支或党支部"},
		{"电话", "联系电话，可留空"},
	}
	if len(noteRows) != len(wantNotes) {
		t.Fatalf("notes = %q, want %q", noteRows, wantNotes)
	}
	for i := range wantNotes {
		if len(wantNotes[i]) == 0 && len(noteRows[i]) == 0 {
			continue
		}
		if !reflect.DeepEqual(noteRows[i], wantNotes[i]) {
			t.Errorf("notes row %d = %q, want %q", i+1, noteRows[i], wantNotes[i])
		}
	}

	// A filled-in template goes back through Read and Columns unchanged.
	h, data, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Read template: %v", err)
	}
	cols, err := Columns(h, []string{"名称", "类型"}, []string{"电话"})
	if err != nil {
		t.Fatalf("Columns: %v", err)
	}
	if want := map[string]int{"名称": 0, "类型": 1, "电话": 2}; !reflect.DeepEqual(cols, want) {
		t.Errorf("columns = %v, want %v", cols, want)
	}
	if len(data) != 1 || data[0][cols["电话"]] != "01012345678" {
		t.Errorf("data = %q", data)
	}
}
