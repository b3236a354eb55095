package server

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
)

// reportPDF is a one-page PDF.
func reportPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// reportPNG is a w×h PNG, a photographed page.
func reportPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.Gray{Y: uint8(200 + (x+y)%50)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// get fetches a path without cookies and returns the response and its body.
func (f *fixture) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestEvalReportFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	town, villages := f.evalTown(t, tok, 2)
	st, c := f.call(t, "POST", "/api/v1/campaigns", tok, campaignBody(town, "2026年度社区党组织书记抓基层党建述职评议", `,"template":"village_secretary"`))
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	id := int64(c["id"].(float64))
	st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), tok,
		fmt.Sprintf(`{"subjects":[{"kind":"org","org_id":%d,"report_text":"一年来，社区党委抓基层党建……"},{"kind":"org","org_id":%d}]}`, villages[0], villages[1]))
	if st != 201 {
		t.Fatalf("subjects: %d %v", st, out)
	}
	sid := int64(out["items"].([]any)[0].(map[string]any)["id"].(float64))
	files := fmt.Sprintf("/api/v1/campaigns/%d/subjects/%d/files", id, sid)
	pdf, page := reportPDF(), reportPNG(t, 120, 160)

	// The API attaches a PDF and a page image and lists them.
	st, out = f.send(t, files, tok, part{"2026年述职报告.pdf", pdf}, part{"第1页.png", page})
	items, _ := out["items"].([]any)
	if st != 201 || len(items) != 2 {
		t.Fatalf("attach: %d %v", st, out)
	}
	pdfID := items[0].(map[string]any)["id"].(string)
	pngID := items[1].(map[string]any)["id"].(string)
	st, out = f.call(t, "GET", files, tok, "")
	items, _ = out["items"].([]any)
	if st != 200 || len(items) != 2 || items[0].(map[string]any)["content_type"] != "application/pdf" || items[1].(map[string]any)["width"].(float64) != 120 {
		t.Fatalf("list: %d %v", st, out)
	}
	req, _ := http.NewRequest("GET", f.srv.URL+files+"/"+pngID, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.ContentLength != int64(len(page)) || !bytes.Equal(got, page) {
		t.Fatalf("download: %d %q, %d of %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(got), len(page))
	}

	// Refused files: named, with the limit, and nothing kept.
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 1000)...)
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"setup.pdf", exe, "“setup.pdf”不是 PDF、PNG 或 JPEG 文件：述职报告请上传 PDF 文件，或 PNG、JPEG 格式的图片"},
		{"扫描件.pdf", append(reportPDF(), make([]byte, evaluation.MaxReportPDF)...), "“扫描件.pdf”有 10.1 MB，PDF 文件不能超过 10 MB，请压缩或拆分后上传"},
		{"照片.jpg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, evaluation.MaxReportImage)...), "“照片.jpg”有 5.1 MB，图片不能超过 5 MB，请压缩后上传"},
	} {
		st, out := f.send(t, files, tok, part{tc.name, tc.data})
		if st != 400 || errMsg(out) != tc.msg {
			t.Errorf("%s: %d %q", tc.name, st, errMsg(out))
		}
	}
	big := append(reportPDF(), make([]byte, 8<<20)...)
	if st, out := f.send(t, files, tok, part{"a.pdf", big}, part{"b.pdf", big}, part{"c.pdf", big}); st != 413 || errMsg(out) != "一次上传的文件合计不能超过 20 MB，请分几次上传" {
		t.Errorf("too much at once: %d %v", st, out)
	}
	if st, out := f.call(t, "GET", files, tok, ""); st != 200 || len(out["items"].([]any)) != 2 {
		t.Fatalf("files after refusals: %v", out)
	}

	// The campaign page lists the files with an upload form per subject;
	// the page names a refused file next to its subject's form.
	b := f.browser(t, "street_admin")
	base := fmt.Sprintf("/evaluation/%d", id)
	body := b.get(t, base)
	for _, want := range []string{
		fmt.Sprintf(`<a href="%s/files/%s" target="_blank" rel="noopener">2026年述职报告.pdf</a>`, base, pdfID),
		fmt.Sprintf(`action="%s/subjects/%d/files" enctype="multipart/form-data"`, base, sid),
		fmt.Sprintf(`action="%s/subjects/%d/files/%s/remove"`, base, sid, pngID),
		"图片 120×160 · ",
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("campaign page lacks %s", want)
		}
	}
	st, _, body = b.postFiles(t, fmt.Sprintf("%s/subjects/%d/files", base, sid), part{"setup.pdf", exe})
	if st != 422 || errAt(body, fmt.Sprintf("file-%d", sid)) != "“setup.pdf”不是 PDF、PNG 或 JPEG 文件：述职报告请上传 PDF 文件，或 PNG、JPEG 格式的图片" {
		t.Fatalf("refused upload on the page: %d %q", st, errAt(body, fmt.Sprintf("file-%d", sid)))
	}
	st, at, body := b.postFiles(t, fmt.Sprintf("%s/subjects/%d/files", base, sid), part{"第2页.png", page})
	if st != 200 || at != base || !strings.Contains(text(body), "已上传 1 个述职报告文件") {
		t.Fatalf("upload on the page: %d %s", st, at)
	}
	if resp, data := b.fetch(t, base+"/files/"+pdfID); resp.StatusCode != 200 || !bytes.Equal(data, pdf) {
		t.Fatalf("admin view: %d", resp.StatusCode)
	}
	var third string
	if _, out := f.call(t, "GET", files, tok, ""); len(out["items"].([]any)) == 3 {
		third = out["items"].([]any)[2].(map[string]any)["id"].(string)
	}
	st, at, body = b.status(t, "POST", fmt.Sprintf("%s/subjects/%d/files/%s/remove", base, sid, third), nil)
	if st != 200 || at != base || !strings.Contains(text(body), "已删除“第2页.png”") {
		t.Fatalf("remove on the page: %d %s", st, at)
	}

	// A draft's files are not public.
	if resp, _ := f.get(t, "/vote/files/"+pdfID); resp.StatusCode != 404 {
		t.Fatalf("public file of a draft: %d", resp.StatusCode)
	}

	// Open the campaign: the ballot shows the report, its PDF as a link and
	// its pages as images, and no URL carries the code.
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/tokens", id), tok, `{"group":"masses","count":1}`)
	if st != 201 {
		t.Fatalf("tokens: %d %v", st, out)
	}
	code := out["codes"].([]any)[0].(string)
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/open", id), tok, ""); st != 200 {
		t.Fatalf("open: %d %v", st, out)
	}
	st, _, ballot := f.publicPageWith(t, phoneBrowser(t), "POST", "/vote", url.Values{"code": {code}})
	if st != 200 {
		t.Fatalf("ballot: %d", st)
	}
	for _, want := range []string{
		fmt.Sprintf(`<a href="/vote/files/%s" target="_blank" rel="noopener">查看述职报告（PDF，%s）</a>`, pdfID, evaluation.FormatSize(int64(len(pdf)))),
		fmt.Sprintf(`<img class="evp-page" src="/vote/files/%s" alt="`, pngID),
		`width="120" height="160" loading="lazy" decoding="async">`,
		"一年来，社区党委抓基层党建……",
	} {
		if !strings.Contains(ballot, want) {
			t.Fatalf("ballot lacks %s", want)
		}
	}
	if strings.Count(ballot, code) != 1 || !strings.Contains(ballot, `<input type="hidden" name="code" value="`+code+`">`) {
		t.Fatal("the code appears outside its hidden field")
	}
	resp, data := f.get(t, "/vote/files/"+pdfID)
	h := resp.Header
	if resp.StatusCode != 200 || !bytes.Equal(data, pdf) || h.Get("Content-Type") != "application/pdf" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Disposition") != `inline; filename="report.pdf"; filename*=UTF-8''2026%E5%B9%B4%E8%BF%B0%E8%81%8C%E6%8A%A5%E5%91%8A.pdf` ||
		h.Get("Cache-Control") != "private, max-age=31536000, immutable" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("Set-Cookie") != "" {
		t.Fatalf("public PDF: %d %v", resp.StatusCode, h)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "object-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP loosened: %s", csp)
	}
	// A PDF viewer asks for parts; a browser that kept the file revalidates it.
	req, _ = http.NewRequest("GET", f.srv.URL+"/vote/files/"+pdfID, nil)
	req.Header.Set("Range", "bytes=0-7")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 206 || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-7/%d", len(pdf)) {
		t.Fatalf("range: %v %v", err, resp)
	}
	req, _ = http.NewRequest("GET", f.srv.URL+"/vote/files/"+pdfID, nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 304 || h.Get("ETag") == "" {
		t.Fatalf("revalidate: %v %v", err, resp)
	}
	resp, data = f.get(t, "/vote/files/"+pngID)
	if resp.StatusCode != 200 || !bytes.Equal(data, page) || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("public image: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := f.get(t, "/vote/files/"+strings.Repeat("ab", 16)); resp.StatusCode != 404 {
		t.Fatalf("unknown file: %d", resp.StatusCode)
	}

	// Open: the files are frozen with the subjects.
	st, out = f.send(t, files, tok, part{"补充.pdf", pdf})
	if st != 409 || errMsg(out) != frozenMsg {
		t.Fatalf("attach after opening: %d %v", st, out)
	}
	st, out = f.call(t, "DELETE", files+"/"+pdfID, tok, "")
	if st != 409 || errMsg(out) != frozenMsg {
		t.Fatalf("remove after opening: %d %v", st, out)
	}
	if body := b.get(t, base); strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "2026年述职报告.pdf") {
		t.Fatal("the page of an open campaign offers uploads or hides the files")
	}
}

// fetch gets a path with the browser's session and returns the body.
func (b *browser) fetch(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}
