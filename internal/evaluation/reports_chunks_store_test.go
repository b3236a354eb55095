package evaluation_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
)

// TestReportChunksMigration: files stored whole, as before migration 0010,
// are moved into chunks byte for byte, at the chunk boundaries too, and
// read back the same through the public link and the managers' download.
func TestReportChunksMigration(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	c, subs := f.villageCampaign(t, 1)
	var ups []evaluation.Upload
	var want [][]byte
	for i, size := range []int{200, 65536, 65537, 3*65536 + 17} {
		data := bytes.Repeat([]byte{byte(i + 1), 0x5A, 0xA5}, size/3+1)[:size]
		copy(data, "%PDF-1.4\n")
		ups = append(ups, evaluation.Upload{Name: fmt.Sprintf("报告%d.pdf", i+1), Data: data})
		want = append(want, data)
	}
	files, err := f.ev.AttachFiles(ctx, f.admin, c.ID, subs[0].ID, ups)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM subject_file_chunks"); n != 1+1+2+4 {
		t.Fatalf("%d chunks stored, want 8", n)
	}

	// Back to the old form: the bytes in subject_files.data, no chunks.
	blob := "BLOB"
	if f.d.Dialect == "postgres" {
		blob = "BYTEA"
	}
	if _, err := f.d.Exec(ctx, "ALTER TABLE subject_files ADD COLUMN data "+blob); err != nil {
		t.Fatal(err)
	}
	for i, fl := range files {
		if _, err := f.d.Exec(ctx, f.d.Rebind("UPDATE subject_files SET data = ? WHERE id = ?"), want[i], fl.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.d.Exec(ctx, "DELETE FROM subject_file_chunks"); err != nil {
		t.Fatal(err)
	}
	ms, err := f.d.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var move string
	for _, m := range ms {
		if m.Version == 10 {
			move = m.SQL[strings.Index(m.SQL, "INSERT INTO subject_file_chunks"):]
		}
	}
	if _, err := f.d.Exec(ctx, move); err != nil {
		t.Fatalf("migration 0010: %v", err)
	}

	if n := f.count(t, "SELECT COUNT(*) FROM subject_file_chunks"); n != 8 {
		t.Fatalf("%d chunks after the migration, want 8", n)
	}
	for i, fl := range files {
		_, data, err := readFile(f.ev.File(ctx, f.admin, c.ID, fl.ID))
		if err != nil || !bytes.Equal(data, want[i]) {
			t.Fatalf("file %d of %d bytes after the migration: %v, equal %v", i+1, len(want[i]), err, bytes.Equal(data, want[i]))
		}
	}
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	_, content, err := f.ev.PublicFile(ctx, files[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := content.Seek(65530, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 65536+20)
	if _, err := io.ReadFull(content, part); err != nil || !bytes.Equal(part, want[3][65530:65530+65536+20]) {
		t.Fatalf("reading across two chunk boundaries: %v", err)
	}
}
