package evaluation_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// tinyPDF is a one-page PDF.
func tinyPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// tinyPNG is a w×h PNG in the theme's red.
func tinyPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{0xC8, 0x16, 0x1E, 0xFF})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSubjectReportFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 2)
	sb := subs[0]
	pdf, pic := tinyPDF(), tinyPNG(t, 40, 30)
	files, err := f.ev.AttachFiles(ctx, f.admin, c.ID, sb.ID, []evaluation.Upload{{Name: `C:\报告\2026年述职报告.pdf`, Data: pdf}, {Name: "第1页", Data: pic}})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	if len(files) != 2 || files[0].Name != "2026年述职报告.pdf" || files[0].ContentType != "application/pdf" || files[0].Size != int64(len(pdf)) ||
		files[0].SHA256 != hex.EncodeToString(sum[:]) || files[1].Name != "第1页.png" || files[1].ContentType != "image/png" ||
		files[1].Width != 40 || files[1].Height != 30 || files[1].Sort != 2 || len(files[0].ID) != 32 {
		t.Fatalf("attached %+v", files)
	}
	list, err := f.ev.SubjectFiles(ctx, f.admin, c.ID, sb.ID)
	if err != nil || len(list) != 2 || list[0].ID != files[0].ID || list[1].ID != files[1].ID {
		t.Fatalf("list: %v %+v", err, list)
	}
	byS, err := f.ev.CampaignFiles(ctx, f.admin, c.ID)
	if err != nil || len(byS[sb.ID]) != 2 || len(byS[subs[1].ID]) != 0 {
		t.Fatalf("campaign files: %v %v", err, byS)
	}
	fl, data, err := readFile(f.ev.File(ctx, f.admin, c.ID, files[1].ID))
	if err != nil || !bytes.Equal(data, pic) || fl.Name != "第1页.png" {
		t.Fatalf("read: %v %s", err, fl.Name)
	}

	// Refused files name themselves and the limit; nothing is kept.
	exe := append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...)
	bigPDF := append(tinyPDF(), make([]byte, evaluation.MaxReportPDF)...)
	bigPNG := append(tinyPNG(t, 2, 2), make([]byte, evaluation.MaxReportImage)...)
	cases := []struct {
		name string
		up   []evaluation.Upload
		kind errs.Kind
		msg  string
	}{
		{"exe renamed pdf", []evaluation.Upload{{Name: "述职报告.pdf", Data: exe}}, errs.Invalid,
			"“述职报告.pdf”不是 PDF、PNG 或 JPEG 文件：述职报告请上传 PDF 文件，或 PNG、JPEG 格式的图片"},
		{"large pdf", []evaluation.Upload{{Name: "扫描件.pdf", Data: bigPDF}}, errs.Invalid, "“扫描件.pdf”有 10.1 MB，PDF 文件不能超过 10 MB，请压缩或拆分后上传"},
		{"large image", []evaluation.Upload{{Name: "照片.png", Data: bigPNG}}, errs.Invalid, "“照片.png”有 5.1 MB，图片不能超过 5 MB，请压缩后上传"},
		{"damaged image", []evaluation.Upload{{Name: "坏图.png", Data: pic[:20]}}, errs.Invalid, "“坏图.png”不是完整的图片，可能已损坏，请重新导出后上传"},
		{"empty", []evaluation.Upload{{Name: "空.pdf"}}, errs.Invalid, "“空.pdf”是空文件，请重新选择"},
		{"none", nil, errs.Invalid, "请选择要上传的述职报告文件（PDF，或 PNG、JPEG 图片）"},
		{"one bad among good", []evaluation.Upload{{Name: "a.pdf", Data: pdf}, {Name: "setup.pdf", Data: exe}}, errs.Invalid,
			"“setup.pdf”不是 PDF、PNG 或 JPEG 文件：述职报告请上传 PDF 文件，或 PNG、JPEG 格式的图片"},
	}
	for _, tc := range cases {
		_, err := f.ev.AttachFiles(ctx, f.admin, c.ID, sb.ID, tc.up)
		wantErr(t, tc.name, err, tc.kind, tc.msg)
	}
	ups := make([]evaluation.Upload, 8)
	for i := range ups {
		ups[i] = evaluation.Upload{Name: "页.png", Data: pic}
	}
	_, err = f.ev.AttachFiles(ctx, f.admin, c.ID, sb.ID, ups)
	wantErr(t, "ten files", err, errs.Invalid, "每个测评对象最多 9 个文件：“"+sb.Name+"”已有 2 个，本次上传 8 个，请先删除不需要的文件或合并为一个 PDF")
	if n := f.count(t, "SELECT COUNT(*) FROM subject_files"); n != 2 {
		t.Fatalf("%d files stored after refusals, want 2", n)
	}
	_, err = f.ev.AttachFiles(ctx, f.admin, c.ID, 999999, []evaluation.Upload{{Name: "a.pdf", Data: pdf}})
	wantErr(t, "unknown subject", err, errs.NotFound, "测评对象 999999 不在本次测评中")

	// A draft's files are not public; an opened campaign's are, and are frozen.
	if _, _, err := f.ev.PublicFile(ctx, files[0].ID); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("public file of a draft: %v", err)
	}
	if m, err := f.ev.BallotFiles(ctx, c.ID); err != nil || len(m) != 0 {
		t.Fatalf("ballot files of a draft: %v %v", err, m)
	}
	removed, err := f.ev.RemoveFile(ctx, f.admin, c.ID, sb.ID, files[1].ID)
	if err != nil || removed.Name != "第1页.png" {
		t.Fatalf("remove: %v", err)
	}
	if _, _, err := f.ev.File(ctx, f.admin, c.ID, files[1].ID); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("removed file still read: %v", err)
	}
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	fl, content, err := f.ev.PublicFile(ctx, files[0].ID)
	if err == nil {
		data, err = io.ReadAll(content)
	}
	if err != nil || !bytes.Equal(data, pdf) || fl.ContentType != "application/pdf" {
		t.Fatalf("public file: %v", err)
	}
	if m, err := f.ev.BallotFiles(ctx, c.ID); err != nil || len(m[sb.ID]) != 1 {
		t.Fatalf("ballot files: %v %v", err, m)
	}
	const frozen = "测评已开始，指标、评委组、权重和阈值不能再修改"
	_, err = f.ev.AttachFiles(ctx, f.admin, c.ID, sb.ID, []evaluation.Upload{{Name: "a.pdf", Data: pdf}})
	wantErr(t, "attach after opening", err, errs.Conflict, frozen)
	_, err = f.ev.RemoveFile(ctx, f.admin, c.ID, sb.ID, files[0].ID)
	wantErr(t, "remove after opening", err, errs.Conflict, frozen)
	if _, _, err := f.ev.PublicFile(ctx, strings.Repeat("0", 32)); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("unknown file: %v", err)
	}
	if _, _, err := f.ev.PublicFile(ctx, "../../etc/passwd"); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("bad id: %v", err)
	}
	for action, want := range map[string]int{"evaluation.file_attach": 1, "evaluation.file_remove": 1} {
		if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ?", action, itoa(c.ID)); n != want {
			t.Errorf("%d %s entries, want %d", n, action, want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KB", 1025: "2 KB", 1 << 20: "1.0 MB", 1258291: "1.2 MB", 10<<20 + 1: "10.1 MB"} {
		if got := evaluation.FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// readFile reads the whole content File opened.
func readFile(fl evaluation.SubjectFile, content *evaluation.FileContent, err error) (evaluation.SubjectFile, []byte, error) {
	if err != nil {
		return fl, nil, err
	}
	data, err := io.ReadAll(content)
	return fl, data, err
}
