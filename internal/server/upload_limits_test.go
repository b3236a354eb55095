package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/evaluation"
	"jiceng/internal/xlsx/xlsxtest"
)

// wideCSV is the reviewer's 22 KB CSV: a header of 20,000 columns (the last
// one filled) over 1,000 one-cell rows. Padding every row to the header's
// width made it 320 MB of strings.
func wideCSV() []byte {
	head := make([]string, 20000)
	head[0], head[1], head[19999] = "名称", "类型", "x"
	return []byte(strings.Join(head, ",") + "\n" + strings.Repeat("a\n", 1000))
}

// xfdWorkbook is the reviewer's small .xlsx: one cell in column XFD (the
// 16,384th) of the header and 999 one-cell rows under it.
func xfdWorkbook(t *testing.T) []byte {
	t.Helper()
	x := excelize.NewFile()
	if err := x.SetCellStr("Sheet1", "A1", "名称"); err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellStr("Sheet1", "B1", "类型"); err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellStr("Sheet1", "XFD1", "x"); err != nil {
		t.Fatal(err)
	}
	for r := 2; r <= 1000; r++ {
		if err := x.SetCellStr("Sheet1", fmt.Sprintf("A%d", r), "a"); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sstBomb is the reviewer's 134 KB workbook whose shared-strings table
// holds 3,200,000 empty items: excelize indexed them all, 300 MB a request.
func sstBomb(t *testing.T, items int) []byte {
	t.Helper()
	b, err := xlsxtest.SharedStringsBomb(items)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countingBody records how many bytes of a request body the server read.
type countingBody struct {
	r io.Reader
	n int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingBody) Close() error { return nil }

// measured is what one request cost the server.
type measured struct {
	status int
	body   string
	read   int64  // bytes of the request body read
	alloc  uint64 // bytes allocated while it was served
}

// serveMeasured sends one multipart upload through the whole handler in
// this process, as user (a bearer token for /api/v1 paths, the browser's
// session cookie otherwise), and measures the bytes allocated while it is
// served: TotalAlloc counts every allocation, freed or not, so it bounds
// the heap's growth from above.
func (f *fixture) serveMeasured(t *testing.T, auth func(*http.Request), path string, files ...part) measured {
	t.Helper()
	ct, buf := multipartBody(files...)
	body := &countingBody{r: bytes.NewReader(buf.Bytes())}
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", ct)
	auth(req)
	rec := httptest.NewRecorder()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f.srv.Config.Handler.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)
	return measured{status: rec.Code, body: rec.Body.String(), read: body.n, alloc: after.TotalAlloc - before.TotalAlloc}
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func (f *fixture) sessionOf(t *testing.T, user string) func(*http.Request) {
	b := f.browser(t, user)
	u, _ := url.Parse(f.srv.URL)
	cookies := b.c.Jar.Cookies(u)
	return func(r *http.Request) {
		for _, c := range cookies {
			r.AddCookie(c)
		}
	}
}

// memoryBudget is the most one refused upload may allocate.
const memoryBudget = 64 << 20

// TestUploadBombsRefused sends the reviewer's two files to every import
// route: an account without the right is refused before one byte of the
// file is read; one with the right gets the width limit, and nothing is
// imported; no request allocates 64 MB.
func TestUploadBombsRefused(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	campaign := f.qianqi(t, tok)
	files := map[string][]byte{"wide.csv": wideCSV(), "xfd.xlsx": xfdWorkbook(t), "sst.xlsx": sstBomb(t, 3_200_000)}
	if n := len(files["wide.csv"]); n > 23<<10 {
		t.Fatalf("the CSV has %d bytes", n)
	}
	if n := len(files["xfd.xlsx"]); n > 12<<10 {
		t.Fatalf("the workbook has %d bytes", n)
	}
	if n := len(files["sst.xlsx"]); n > 400<<10 {
		t.Fatalf("the shared-strings workbook has %d bytes", n)
	}
	wantWidth := map[string]string{
		"wide.csv": "第1行有 20,000 列，最多 200 列：请删除多余的列（或表格右侧远处的内容）后再导入",
		"xfd.xlsx": "第1行有 16,384 列，最多 200 列：请删除多余的列（或表格右侧远处的内容）后再导入",
		"sst.xlsx": "文件中的共享字符串过多（超过 500,000 个）：请另存为新的 .xlsx 或改用 CSV 后再导入",
	}
	// The width limit is a bad file (422 on a page, 400 from the API); too
	// many shared strings is a file too large (413 from both).
	wantStatus := map[string][2]int{"wide.csv": {422, 400}, "xfd.xlsx": {422, 400}, "sst.xlsx": {413, 413}}
	routes := []struct {
		path, denied string
	}{
		{"/import", "您没有导入党组织的权限"},
		{"/coverage/units/import", "您没有导入两新组织的权限"},
		{fmt.Sprintf("/evaluation/%d/subjects/import", campaign), "您没有管理该测评的权限"},
		{"/api/v1/orgs/import", "您没有导入党组织的权限"},
		{"/api/v1/units/import", "您没有导入两新组织的权限"},
		{fmt.Sprintf("/api/v1/campaigns/%d/subjects/import", campaign), "您没有管理该测评的权限"},
	}
	// The auditor reads everything, the campaign included, and may import
	// nothing.
	denied := map[bool]func(*http.Request){true: bearer(f.token(t, "auditor")), false: f.sessionOf(t, "auditor")}
	allowed := map[bool]func(*http.Request){true: bearer(tok), false: f.sessionOf(t, "street_admin")}
	for _, rt := range routes {
		api := strings.HasPrefix(rt.path, "/api/")
		for name, data := range files {
			t.Run(rt.path+" "+name, func(t *testing.T) {
				m := f.serveMeasured(t, denied[api], rt.path, part{name, data})
				if m.status != 403 || m.read != 0 || !strings.Contains(m.body, rt.denied) {
					t.Errorf("without the right: %d, %d bytes read, body has %q: %v", m.status, m.read, rt.denied, strings.Contains(m.body, rt.denied))
				}
				if m.alloc > memoryBudget {
					t.Errorf("without the right: %d MB allocated", m.alloc>>20)
				}
				deniedAlloc := m.alloc
				m = f.serveMeasured(t, allowed[api], rt.path, part{name, data})
				t.Logf("allocated %d KB without the right, %d KB with it", deniedAlloc>>10, m.alloc>>10)
				want := wantStatus[name][0]
				if api {
					want = wantStatus[name][1]
					var out map[string]any
					if err := json.Unmarshal([]byte(m.body), &out); err != nil {
						t.Fatal(err)
					}
					if errMsg(out) != wantWidth[name] || out["id"] != nil {
						t.Errorf("with the right: %.300s", m.body)
					}
				} else if !strings.Contains(m.body, wantWidth[name]) || strings.Contains(m.body, "/apply") {
					t.Errorf("with the right: page without %q, or with an apply button", wantWidth[name])
				}
				if m.status != want {
					t.Errorf("with the right: %d, want %d", m.status, want)
				}
				if m.alloc > memoryBudget {
					t.Errorf("with the right: %d MB allocated", m.alloc>>20)
				}
			})
		}
	}
	// Nothing was imported: no import session exists to apply.
	for _, who := range []string{"street_admin", "auditor"} {
		st, out := f.call(t, "POST", "/api/v1/imports/0/apply", f.token(t, who), "")
		if st != 404 {
			t.Errorf("apply as %s: %d %v", who, st, out)
		}
	}
}

// TestReportUploadPermissionFirst sends 20 MB of report files as an
// account that may read the campaign but not manage it: refused before
// the body is read. The manager's oversized file is refused by its size
// and nothing is attached.
func TestReportUploadPermissionFirst(t *testing.T) {
	// Not parallel: serveMeasured counts every allocation of the process.
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	town, villages := f.evalTown(t, tok, 1)
	st, c := f.call(t, "POST", "/api/v1/campaigns", tok, campaignBody(town, "2026年度社区党组织书记抓基层党建述职评议", `,"template":"village_secretary"`))
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	id := int64(c["id"].(float64))
	st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), tok, fmt.Sprintf(`{"subjects":[{"kind":"org","org_id":%d}]}`, villages[0]))
	if st != 201 {
		t.Fatalf("subjects: %d %v", st, out)
	}
	sid := int64(out["items"].([]any)[0].(map[string]any)["id"].(float64))
	big := append([]byte("%PDF-1.4\n"), make([]byte, 10<<20)...)
	api := fmt.Sprintf("/api/v1/campaigns/%d/subjects/%d/files", id, sid)
	web := fmt.Sprintf("/evaluation/%d/subjects/%d/files", id, sid)

	for _, tc := range []struct {
		path string
		auth func(*http.Request)
	}{{api, bearer(f.token(t, "auditor"))}, {web, f.sessionOf(t, "auditor")}} {
		m := f.serveMeasured(t, tc.auth, tc.path, part{"a.pdf", big}, part{"b.pdf", big})
		if m.status != 403 || m.read != 0 || !strings.Contains(m.body, "您没有管理该测评的权限") {
			t.Errorf("%s without the right: %d, %d bytes read", tc.path, m.status, m.read)
		}
		if m.alloc > memoryBudget {
			t.Errorf("%s without the right: %d MB allocated", tc.path, m.alloc>>20)
		}
	}
	m := f.serveMeasured(t, bearer(tok), api, part{"报告.pdf", big})
	var res map[string]any
	if err := json.Unmarshal([]byte(m.body), &res); err != nil {
		t.Fatal(err)
	}
	if want := "“报告.pdf”有 " + evaluation.FormatSize(int64(len(big))) + "，PDF 文件不能超过 10 MB，请压缩或拆分后上传"; m.status != 400 || errMsg(res) != want {
		t.Errorf("oversized file: %d %.300s", m.status, m.body)
	}
	if m.alloc > memoryBudget {
		t.Errorf("oversized file: %d MB allocated", m.alloc>>20)
	}
	st, out = f.call(t, "GET", api, tok, "")
	if items, _ := out["items"].([]any); st != 200 || len(items) != 0 {
		t.Errorf("files: %d %v", st, out)
	}
}

// rawNamePart is a multipart body whose file part names the file in
// Content-Disposition exactly as disposition says, e.g. with an RFC 5987
// filename* that percent-encodes any byte.
func rawNamePart(disposition string, data []byte) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; `+disposition)
	h.Set("Content-Type", "text/csv")
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(data) // into a bytes.Buffer, which does not fail
	_ = mw.Close()
	return mw.FormDataContentType(), &buf
}

// TestUploadFileNameCleaned imports files whose names hold invalid UTF-8,
// a NUL and line breaks (PostgreSQL refused the first two with a 500): the
// imports succeed and the session and the audit log keep a clean name.
func TestUploadFileNameCleaned(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok, admin := f.token(t, "street_admin"), f.token(t, "admin")
	csv := []byte("名称,类型,上级区划代码\n某某协会党支部,党支部,450102001\n")
	for i, tc := range []struct{ disposition, kept string }{
		{"filename=\"a\xff.csv\"", "a.csv"},
		{"filename*=UTF-8''a%FF.csv", "a.csv"},
		{"filename*=UTF-8''b%00.csv", "b.csv"},
		{"filename*=UTF-8''c%0D%0A%E2%80%8B%1B.csv", "c\u200b.csv"},
		{"filename*=UTF-8''%FF%FE", "upload"},
		{"filename=\"" + strings.Repeat("长", 100) + ".csv\"", strings.Repeat("长", 66)},
	} {
		data := bytes.Replace(csv, []byte("某某"), []byte(fmt.Sprint("某某", i)), 1)
		ct, body := rawNamePart(tc.disposition, data)
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/orgs/import", body)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", ct)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 || out["status"] != "ready" || out["file_name"] != tc.kept {
			t.Errorf("%s: %d %v, want file_name %q", tc.disposition, resp.StatusCode, out, tc.kept)
			continue
		}
		st, res := f.call(t, "POST", fmt.Sprintf("/api/v1/imports/%s/apply", out["id"]), tok, "")
		if st != 200 || res["created"] != float64(1) {
			t.Errorf("%s: apply %d %v", tc.disposition, st, res)
		}
		st, res = f.call(t, "GET", fmt.Sprintf("/api/v1/audit?action=org.import&target_id=%s", out["id"]), admin, "")
		items, _ := res["items"].([]any)
		if st != 200 || len(items) != 1 || items[0].(map[string]any)["summary"] != "从 "+tc.kept+" 导入党组织 1 个" {
			t.Errorf("%s: audit %d %v", tc.disposition, st, res)
		}
	}
	// The page's upload keeps a clean name too.
	b := f.browser(t, "street_admin")
	st, _, page := b.postFiles(t, "/import", part{"d\xff.csv", bytes.Replace(csv, []byte("某某"), []byte("某某9"), 1)})
	if st != 200 || !strings.Contains(page, "校验结果 · d.csv") || !utf8.ValidString(page) {
		t.Errorf("page: %d, has d.csv: %v", st, strings.Contains(page, "d.csv"))
	}
}
