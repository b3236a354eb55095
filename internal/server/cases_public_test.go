package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/codes"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// The residents' public pages as a resident meets them on a phone, without
// an account and without JavaScript: the report form with its place picker,
// the receipt, the follow-up by receipt with additions and ratings, and a
// workstation's page. The trust boundary comes first: a receipt never in an
// address, script in anything typed escaped on every page, one answer to
// every wrong receipt and a limit on them, an oversized upload refused with
// nothing stored, another case's file and the handlers' internal steps
// never shown, cross-site posts refused.

// cspStart is Monday 2 November 2026, 09:30 in Beijing.
var cspStart = time.Date(2026, 11, 2, 1, 30, 0, 0, time.UTC)

// cspClock is the app's clock in these tests.
type cspClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *cspClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *cspClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// cspFixture is the Nanning tree with csp_handler (a case handler of
// 民生街道) and csp_custodian (an identity custodian of the city).
type cspFixture struct {
	*fixture
	cs              *cases.Service
	clock           *cspClock
	street, village org.Org
	// receipts are every receipt handed out, which no address and no
	// redirect may ever hold.
	receipts []string
}

const cspPassword = "Public-password-2026"

func newCspFixture(t *testing.T) *cspFixture {
	t.Helper()
	clk := &cspClock{t: cspStart}
	d, res := nanning.Open(t)
	a, h := newApp(t, d, func(dp *Deps) { dp.Now = clk.Now })
	srv := httptest.NewServer(h)
	testrig.Cleanup(t, srv.Close)
	f := &cspFixture{fixture: &fixture{srv: srv, d: d, orgs: a.Core().Orgs, accts: a.Core().Accounts, perms: a.Core().Perms, pw: map[string]string{}, root: res.Init.RootID},
		cs: app.Service[*cases.Service](a), clock: clk}
	get := func(code string) org.Org {
		l, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("org %s: %v %d", code, err, len(l))
		}
		return l[0]
	}
	f.street, f.village = get("450102001"), get("450102001003")
	root, err := f.orgs.Get(context.Background(), testrig.Admin, f.root)
	if err != nil {
		t.Fatal(err)
	}
	for name, at := range map[string]struct {
		role access.Role
		org  org.Org
	}{"csp_handler": {access.CaseHandler, f.street}, "csp_custodian": {access.Custodian, root}} {
		if _, err := f.accts.Create(context.Background(), testrig.Admin, account.NewUser{Username: name, DisplayName: name, Password: cspPassword, HomeOrgID: at.org.ID, Role: at.role}); err != nil {
			t.Fatalf("account %s: %v", name, err)
		}
		f.pw[name] = cspPassword
	}
	return f
}

// actor is an account as the domain sees it.
func (f *cspFixture) actor(t *testing.T, name string) access.Actor {
	t.Helper()
	_, a, err := f.accts.Login(context.Background(), name, f.pw[name], "test")
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return a
}

// cspFile is an attachment of a multipart post.
type cspFile struct {
	name string
	data []byte
}

// cspMultipart encodes fields (name, value, name, value …, in that order,
// as a browser sends a form's fields in the order of the page) and then
// the files under "attachments".
func cspMultipart(fields []string, files ...cspFile) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1]) // into a bytes.Buffer, which does not fail
	}
	for _, fl := range files {
		fw, _ := mw.CreateFormFile("attachments", fl.name)
		_, _ = fw.Write(fl.data)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), &buf
}

// cspPhoto is a small PNG image without metadata, which the channel stores
// as it is.
func cspPhoto(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cspPDF is a minimal PDF file.
var cspPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// send posts (or gets) as a phone's browser on this site: the Origin of
// the site on a post, no redirect followed, the body as sent (not
// unescaped). Every answer is checked for the receipts handed out so far:
// none may be in a Location header.
func (f *cspFixture) send(t *testing.T, method, path, contentType string, body io.Reader, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, body)
	req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 13) MicroMessenger/8.0")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if method == "POST" {
		req.Header.Set("Origin", f.srv.URL)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, rc := range f.receipts {
		if loc := resp.Header.Get("Location"); strings.Contains(loc, rc) || strings.Contains(loc, strings.ReplaceAll(rc, "-", "")) {
			t.Errorf("%s %s redirects to %q, which holds a receipt", method, path, loc)
		}
	}
	return resp, string(b)
}

// form posts a url-encoded form.
func (f *cspFixture) form(t *testing.T, path string, v url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	return f.send(t, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), header...)
}

// multipart posts a multipart form.
func (f *cspFixture) multipart(t *testing.T, path string, fields []string, files ...cspFile) (*http.Response, string) {
	t.Helper()
	ct, body := cspMultipart(fields, files...)
	return f.send(t, "POST", path, ct, body)
}

var cspReceiptRE = regexp.MustCompile(`<input type="hidden" name="receipt" value="([0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{2})">`)

// report submits a report through the form and returns its receipt.
func (f *cspFixture) report(t *testing.T, fields []string, files ...cspFile) string {
	t.Helper()
	resp, body := f.multipart(t, "/report", append(fields, "op", "submit"), files...)
	m := cspReceiptRE.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("report: %d %s\n%.2000s", resp.StatusCode, cspFlash(body, "err"), text(body))
	}
	f.receipts = append(f.receipts, m[1])
	return m[1]
}

// caseOf is the id of the case a receipt found last, read from its page.
func (f *cspFixture) caseOf(t *testing.T, receipt string) (int64, string) {
	t.Helper()
	resp, body := f.form(t, "/track", url.Values{"receipt": {receipt}})
	m := regexp.MustCompile(`<h1>第 (\d+) 号 · `).FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("track: %d %s", resp.StatusCode, text(body))
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id, body
}

// cspAltered is rc with its first character changed, as a typo makes it.
func cspAltered(rc string) string {
	if rc[0] == 'Z' {
		return "Y" + rc[1:]
	}
	return "Z" + rc[1:]
}

// cspFlash is the text of the first message box of kind on a page.
func cspFlash(body, kind string) string {
	m := regexp.MustCompile(`<div class="flash ` + kind + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// cspOptions are the options of the select named name, as "code 名称".
func cspOptions(body, name string) []string {
	i := strings.Index(body, `<select id="`+name+`"`)
	if i < 0 {
		return nil
	}
	sel := body[i : i+strings.Index(body[i:], "</select>")]
	var out []string
	for _, m := range regexp.MustCompile(`<option value="([^"]+)"[^>]*>([^<]*)</option>`).FindAllStringSubmatch(sel, -1) {
		out = append(out, m[1]+" "+html.UnescapeString(m[2]))
	}
	return out
}

// cspPath is the place chosen, as the picker shows it.
func cspPath(body string) string {
	m := regexp.MustCompile(`<p class="csp-path"[^>]*>(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.Replace(text(m[1]), "： ", "：", 1)
}

// service is a valid service request at 兴宁社区, by a named reporter.
func cspService(body string) []string {
	return []string{"kind", "service", "region_code", "450102001003", "place", "兴宁路 12 号门口", "body", body,
		"name", "李明", "phone", "13800138000", "email", ""}
}

// TestCasesPublicTrustBoundary attacks the public pages: where a receipt
// may appear, what script typed by a resident becomes, what wrong receipts
// get, what an oversized upload leaves behind, whose files a receipt opens,
// which steps of the handlers a reporter sees, and who may post.
func TestCasesPublicTrustBoundary(t *testing.T) {
	t.Parallel()
	f := newCspFixture(t)
	ctx := context.Background()
	xss := "<script>alert(1)</script>"

	// Script typed as the body, the person concerned, the name and a
	// file's name comes back escaped on the form shown again (the phone
	// and the name are wrong) …
	fields := []string{"kind", "integrity", "region_code", "450102001003", "subject_text", xss, "body", xss + " 村委会主任在项目发包中收受好处费。",
		"name", xss, "phone", "12345", "email", ""}
	resp, body := f.multipart(t, "/report", append(fields, "op", "submit"), cspFile{`<img src=x onerror=alert(1)>.png`, cspPhoto(t)})
	if resp.StatusCode != 422 || errAt(body, "phone") != "请填写 11 位手机号或带区号的固定电话（如 0771-5551234），也可不填" ||
		errAt(body, "name") != "姓名最多 20 个字" || cspFlash(body, "err") != "表单中有 2 处需要修改，请看各栏下的提示" {
		t.Fatalf("a wrong phone and name: %d %q %q %q", resp.StatusCode, errAt(body, "phone"), errAt(body, "name"), cspFlash(body, "err"))
	}
	if strings.Contains(body, xss) || !strings.Contains(body, `value="&lt;script&gt;alert(1)&lt;/script&gt;"`) ||
		!strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; 村委会主任在项目发包中收受好处费。</textarea>") {
		t.Errorf("the form shown again does not escape what was typed")
	}
	if n := f.count(t, "SELECT COUNT(*) FROM cases"); n != 0 {
		t.Fatalf("%d cases after a refused report", n)
	}
	// … on the receipt page and on the follow-up page.
	// The name takes at most 20 characters.
	fields[9], fields[11] = "<script>alert(1)", "13800138000"
	resp, body = f.multipart(t, "/report", append(fields, "op", "submit"), cspFile{`<img src=x onerror=alert(1)>.png`, cspPhoto(t)})
	m := cspReceiptRE.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil || strings.Contains(body, xss) || strings.Contains(body, "<img src=x") {
		t.Fatalf("the receipt page: %d, escaped: %v %s %v", resp.StatusCode, !strings.Contains(body, xss), cspFlash(body, "err"), errAt(body, "attachments"))
	}
	rc := m[1]
	f.receipts = append(f.receipts, rc)
	if resp.Header.Get("Location") != "" || resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the receipt page's headers: %v", resp.Header)
	}
	// The receipt is shown, and posted on in a hidden field, but no link,
	// form address or script source holds it.
	if regexp.MustCompile(`(?:href|action|src|formaction|hx-post)="[^"]*` + rc[:5]).MatchString(body) {
		t.Errorf("an address on the receipt page holds the receipt")
	}
	_, page := f.caseOf(t, rc)
	if strings.Contains(page, xss) || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; 村委会主任在项目发包中收受好处费。") ||
		strings.Contains(page, "<img src=x") || !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;.png") {
		t.Errorf("the follow-up page does not escape the report and the file's name:\n%s", text(page))
	}
	if strings.Contains(page, "李明") || strings.Contains(page, "13800138000") {
		t.Errorf("the follow-up page shows the reporter's identity")
	}

	// A receipt in an address is sent on to /track without it.
	for _, q := range []string{"?receipt=" + rc, "?r=" + strings.ReplaceAll(rc, "-", ""), "?x"} {
		resp, body = f.send(t, "GET", "/track"+q, "", nil)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/track" || strings.Contains(body, rc[:5]) {
			t.Errorf("GET /track%s: %d → %q", q, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp, body = f.send(t, "GET", "/track", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `<form class="form card" method="post" action="/track"`) {
		t.Errorf("GET /track: %d", resp.StatusCode)
	}

	// Every wrong receipt, on every page that takes one, gets one answer
	// until the client has made five; then it waits, while a valid receipt
	// still passes from that client and from any other.
	x, y := "203.0.113.7:40000", "198.51.100.9:40001"
	wrongs := []struct{ path, body string }{
		{"/track", url.Values{"receipt": {"hello"}}.Encode()},
		{"/track", url.Values{"receipt": {codes.Format(codes.Random(16))}}.Encode()},
		{"/track", url.Values{"receipt": {cspAltered(rc)}}.Encode()},
		{"/track/file", url.Values{"receipt": {codes.Format(codes.Random(16))}, "file": {"1"}}.Encode()},
		{"/track/rate", url.Values{"receipt": {codes.Format(codes.Random(16))}, "rating": {"satisfied"}}.Encode()},
	}
	invalid := cases.WrongReceipt().ZH
	for i, w := range wrongs {
		st, body := f.from(t, x, "POST", w.path, formType, w.body)
		if st != 422 || errAt(body, "receipt") != invalid {
			t.Errorf("wrong receipt %d at %s: %d %q, want 422 %s", i+1, w.path, st, errAt(body, "receipt"), invalid)
		}
	}
	ct, mp := cspMultipart([]string{"receipt", codes.Format(codes.Random(16)), "text", "补充说明"})
	st, body := f.from(t, x, "POST", "/track/add", ct, mp.String())
	if st != 429 || errAt(body, "receipt") != "查询码输错次数过多，请 2 秒后再试" {
		t.Errorf("the sixth wrong receipt: %d %q", st, errAt(body, "receipt"))
	}
	for _, addr := range []string{x, y} {
		st, body := f.from(t, addr, "POST", "/track", formType, url.Values{"receipt": {strings.ToLower(strings.ReplaceAll(rc, "-", ""))}}.Encode())
		if st != 200 || !strings.Contains(body, "待受理") {
			t.Errorf("the valid receipt from %s after six wrong ones from %s: %d %s", addr, x, st, errAt(body, "receipt"))
		}
	}
	if st, body := f.from(t, x, "POST", "/track", formType, url.Values{"receipt": {"hello"}}.Encode()); st != 429 || !strings.Contains(errAt(body, "receipt"), "查询码输错次数过多") {
		t.Errorf("a wrong receipt from %s after a valid one: %d %q", x, st, errAt(body, "receipt"))
	}
	if st, body := f.from(t, y, "POST", "/track", formType, url.Values{"receipt": {"hello"}}.Encode()); st != 422 || errAt(body, "receipt") != invalid {
		t.Errorf("the first wrong receipt from %s: %d %q", y, st, errAt(body, "receipt"))
	}
	// An empty receipt is no guess: it is asked for, and not counted.
	if st, body := f.from(t, y, "POST", "/track", formType, "receipt="); st != 422 || errAt(body, "receipt") != "请输入查询码" {
		t.Errorf("an empty receipt: %d %q", st, errAt(body, "receipt"))
	}

	// An upload over the cap is refused with the reason, what was typed
	// before it kept, and nothing stored.
	cases0, files0 := f.count(t, "SELECT COUNT(*) FROM cases"), f.count(t, "SELECT COUNT(*) FROM case_files")
	big := bytes.Repeat([]byte{0xFF}, 11<<20)
	resp, body = f.multipart(t, "/report", append(cspService("井盖破损，夜间行人容易踩空，请尽快更换。"), "op", "submit"),
		cspFile{"a.jpg", big}, cspFile{"b.jpg", big})
	if resp.StatusCode != 413 || errAt(body, "attachments") != "附件合计超过 20 MB，未能接收，没有保存任何内容。请删去或压缩部分附件，重新选择后再提交" {
		t.Errorf("22 MB of attachments: %d %q", resp.StatusCode, errAt(body, "attachments"))
	}
	if !strings.Contains(body, "井盖破损，夜间行人容易踩空，请尽快更换。</textarea>") || !strings.Contains(body, "您之前选择的附件没有保存，请重新选择。") {
		t.Errorf("the refused upload lost the text or does not ask for the files again")
	}
	// One file over its own limit is named, by the domain.
	resp, body = f.multipart(t, "/report", append(cspService("井盖破损，夜间行人容易踩空，请尽快更换。"), "op", "submit"), cspFile{"big.jpg", big})
	if resp.StatusCode != 413 || errAt(body, "attachments") != "文件 big.jpg 有 11.0 MB，每个附件不能超过 10 MB，请压缩后上传" {
		t.Errorf("an 11 MB file: %d %q", resp.StatusCode, errAt(body, "attachments"))
	}
	resp, body = f.multipart(t, "/track/add", []string{"receipt", rc, "text", "补充现场照片"}, cspFile{"a.jpg", big}, cspFile{"b.jpg", big})
	if resp.StatusCode != 413 || errAt(body, "attachments") != "附件合计超过 20 MB，未能接收，没有保存任何内容。请删去或压缩部分附件，重新选择后再提交" ||
		!strings.Contains(body, "补充现场照片</textarea>") {
		t.Errorf("22 MB added: %d %q", resp.StatusCode, errAt(body, "attachments"))
	}
	if c, fl := f.count(t, "SELECT COUNT(*) FROM cases"), f.count(t, "SELECT COUNT(*) FROM case_files"); c != cases0 || fl != files0 {
		t.Errorf("after the refused uploads: %d cases, %d files; want %d, %d", c, fl, cases0, files0)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_events WHERE type = 'add_info'"); n != 0 {
		t.Errorf("%d additions stored from refused uploads", n)
	}

	// Another case's file is not found with this receipt. That case is a
	// service request at the street, which the handlers dispatch to the
	// community and which comes back.
	other := f.report(t, []string{"kind", "service", "region_code", "450102001", "body", "小区路灯坏了一个月，晚上出行不便，请尽快维修。", "name", "李明"},
		cspFile{"lamp.png", cspPhoto(t)})
	otherID, _ := f.caseOf(t, other)
	var otherFile int64
	if err := f.d.QueryRow(ctx, "SELECT id FROM case_files WHERE case_id = ?", otherID).Scan(&otherFile); err != nil {
		t.Fatal(err)
	}
	resp, body = f.form(t, "/track/file", url.Values{"receipt": {rc}, "file": {fmt.Sprint(otherFile)}})
	if resp.StatusCode != 404 || cspFlash(body, "err") != "附件不存在" || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("another case's file: %d %q", resp.StatusCode, cspFlash(body, "err"))
	}
	resp, _ = f.form(t, "/track/file", url.Values{"receipt": {other}, "file": {fmt.Sprint(otherFile)}})
	if resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") != `attachment; filename=lamp.png` {
		t.Errorf("the case's own file: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}

	// The handlers' internal steps are never shown — the dispatch and
	// where to, the return and its reason, the start, the visit and its
	// record, a request to reveal the reporter; their answer, the reveal
	// once approved, and the close are.
	h := f.actor(t, "csp_handler")
	steps := []cases.StepInput{{Step: cases.StepAccept}, {Step: cases.StepDispatch, OrgID: f.village.ID}, {Step: cases.StepReturn, Text: "内部退单理由：应由街道统一办理"},
		{Step: cases.StepStart}, {Step: cases.StepAnswer, Text: "答复：路灯已于本周更换。", Files: []cases.NamedFile{{Name: "维修单.pdf", Data: cspPDF}}},
		{Step: cases.StepVisit, Text: "回访记录：内部备注，反映人情绪平稳"}, {Step: cases.StepClose, Outcome: cases.Resolved}}
	for _, s := range steps {
		f.clock.Add(time.Minute)
		if _, err := f.cs.Take(ctx, h, otherID, s); err != nil {
			t.Fatalf("step %s: %v", s.Step, err)
		}
	}
	if _, err := f.cs.RequestReveal(ctx, h, otherID, "需要当面核实路灯位置，请求联系反映人"); err != nil {
		t.Fatal(err)
	}
	_, page = f.caseOf(t, other)
	for _, secret := range []string{"内部退单理由", "回访记录", "需要当面核实路灯位置", "csp_handler", "开始办理", "退单", "派单", f.village.Name, "李明"} {
		if strings.Contains(page, secret) {
			t.Errorf("the follow-up page shows %q", secret)
		}
	}
	reveals, err := f.cs.PendingReveals(ctx, f.actor(t, "csp_custodian"))
	if err != nil || len(reveals) != 1 {
		t.Fatalf("pending reveals: %v %d", err, len(reveals))
	}
	f.clock.Add(time.Hour)
	if err := f.cs.DecideReveal(ctx, f.actor(t, "csp_custodian"), reveals[0].ID, true, "同意"); err != nil {
		t.Fatal(err)
	}
	_, page = f.caseOf(t, other)
	if strings.Contains(page, f.village.Name) || strings.Contains(page, "李明") {
		t.Errorf("the follow-up page names where the case was dispatched, or the reporter")
	}
	txt := text(page)
	for _, want := range []string{"已办结 办理结果：已解决", "答复 → 已答复 答复：路灯已于本周更换。 维修单.pdf", "办结 → 已办结 已解决",
		"您的身份信息于 2026-11-02 10:37 经身份信息保管人批准被办理人员查看，理由：需要当面核实路灯位置，请求联系反映人", "身份查看 需要当面核实路灯位置"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the follow-up page lacks %q:\n%s", want, txt)
		}
	}

	// A post from another site is refused before any handler runs.
	before := f.count(t, "SELECT COUNT(*) FROM cases")
	ct, mp = cspMultipart(append(cspService("跨站提交的反映内容，不应被保存。"), "op", "submit"))
	for _, hdr := range [][]string{{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}} {
		req, _ := http.NewRequest("POST", f.srv.URL+"/report", bytes.NewReader(mp.Bytes()))
		req.Header.Set("Content-Type", ct)
		req.Header.Set(hdr[0], hdr[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Errorf("a post to /report with %s: %s: %d, want 403", hdr[0], hdr[1], resp.StatusCode)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM cases"); n != before {
		t.Errorf("%d cases after cross-site posts, want %d", n, before)
	}
}

// TestCasesPublicReport walks the report form as a phone without
// JavaScript does: the place chosen one level at a time (everything typed
// kept each time), the refusals at their fields, the receipt, the step
// that asks whether it was saved, and the case found with it, its
// attachment downloaded.
func TestCasesPublicReport(t *testing.T) {
	t.Parallel()
	f := newCspFixture(t)

	resp, body := f.send(t, "GET", "/report", "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("GET /report: %d %v", resp.StatusCode, resp.Header)
	}
	txt := text(body)
	for _, want := range []string{"廉洁监督举报 反映党员干部违规违纪、优亲厚友、吃拿卡要等问题；由上级廉洁工作站办理，可以匿名。",
		"矛盾纠纷调解 邻里、家庭、土地、劳资等矛盾纠纷，请村（社区）或乡镇（街道）帮助调解。",
		"服务诉求 道路、环境卫生、用水用电、办事难等需要帮助解决的事情。", "政策意见建议 对政策措施、公共服务和基层治理的意见建议。",
		"联系方式（选填） 可以不填。廉洁监督举报匿名提交，同样受理。 填写的姓名、电话和电子邮箱单独加密保存，办理人员看不到。 确需联系您时，办理人员须说明理由提出申请，经身份信息保管人批准后才能查看；查看的时间和理由会显示在您的办理进度页面上。",
		"案件办结 180 天后，这些信息自动删除。"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if n := strings.Count(body, `<input type="radio" name="kind"`); n != 4 {
		t.Errorf("%d kinds offered, want 4", n)
	}
	if !strings.Contains(body, `<input type="file" id="attachments" name="attachments" multiple accept="image/jpeg,image/png,application/pdf"`) ||
		!strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Errorf("the form does not take attachments")
	}
	// The city is the only place at the top: chosen from the start, its
	// districts offered.
	if got := cspPath(body); got != "已选：南宁市" {
		t.Errorf("path %q", got)
	}
	districts := cspOptions(body, "place_pick")
	if len(districts) != 12 || districts[0] != "450102 兴宁区" {
		t.Errorf("districts %v", districts)
	}

	// Down to the community, the text typed kept each time; up one level.
	typed := url.Values{"kind": {"service"}, "body": {"兴宁路 12 号门口井盖破损"}, "name": {"李明"}, "attachments": {"photo.png"}}
	step := func(op, pick string) string {
		t.Helper()
		v := url.Values{"op": {op}, "place_pick": {pick}}
		for k, vs := range typed {
			v[k] = vs
		}
		m := regexp.MustCompile(`name="region_code" value="(\d*)"`).FindStringSubmatch(body)
		v.Set("region_code", m[1])
		resp, b := f.form(t, "/report", v)
		if resp.StatusCode != 200 || !strings.Contains(b, "兴宁路 12 号门口井盖破损</textarea>") || !strings.Contains(b, `id="name" name="name" maxlength="20" autocomplete="off" value="李明"`) ||
			!strings.Contains(b, `<input type="radio" name="kind" value="service" checked>`) {
			t.Fatalf("%s %s: %d, the form lost what was typed", op, pick, resp.StatusCode)
		}
		if !strings.Contains(b, "您之前选择的附件没有保存，请重新选择。") {
			t.Errorf("%s %s: files chosen before are not asked for again", op, pick)
		}
		return b
	}
	body = step("place", "450102")
	if got, towns := cspPath(body), cspOptions(body, "place_pick"); got != "已选：南宁市 › 兴宁区" || len(towns) == 0 || towns[0] != "450102001 民生街道" {
		t.Errorf("兴宁区: %q %v", got, towns)
	}
	body = step("place", "450102001")
	villages := cspOptions(body, "place_pick")
	if got := cspPath(body); got != "已选：南宁市 › 兴宁区 › 民生街道" || !strings.Contains(strings.Join(villages, ","), "450102001003 兴宁社区居委会") {
		t.Errorf("民生街道: %q %v", got, villages)
	}
	if !strings.Contains(body, `<option value="`+fmt.Sprint(f.street.ID)+`">`+html.EscapeString(f.street.Name)+`</option>`) {
		t.Errorf("the street's organization is not offered for an integrity report")
	}
	body = step("place", "450102001003")
	if got := cspPath(body); got != "已选：南宁市 › 兴宁区 › 民生街道 › 兴宁社区居委会" || strings.Contains(body, `id="place_pick"`) {
		t.Errorf("兴宁社区: %q, still a level below: %v", got, strings.Contains(body, `id="place_pick"`))
	}
	body = step("up", "")
	if got := cspPath(body); got != "已选：南宁市 › 兴宁区 › 民生街道" {
		t.Errorf("up: %q", got)
	}

	// Refusals at their fields, everything typed kept, nothing stored.
	resp, body = f.multipart(t, "/report", []string{"region_code", "450102001", "body", "太短了", "phone", "0771-5551234", "op", "submit"}, cspFile{"photo.png", cspPhoto(t)})
	if resp.StatusCode != 422 || errAt(body, "kind") != "请选择反映类型：廉洁监督举报、矛盾纠纷调解、服务诉求或政策意见建议" ||
		errAt(body, "body") != "请用 10 至 5000 个字说明事情经过、诉求或建议" || cspFlash(body, "err") != "表单中有 2 处需要修改，请看各栏下的提示" {
		t.Errorf("an incomplete report: %d %q %q %q", resp.StatusCode, errAt(body, "kind"), errAt(body, "body"), cspFlash(body, "err"))
	}
	if !strings.Contains(body, `value="0771-5551234"`) || !strings.Contains(body, "太短了</textarea>") || !strings.Contains(body, "您之前选择的附件没有保存，请重新选择。") {
		t.Errorf("the refused report lost what was typed")
	}
	// A mediation at the district is sent below, by the domain's words.
	resp, body = f.multipart(t, "/report", []string{"kind", "mediation", "region_code", "450102", "body", "邻居装修噪音扰民，协商多次无果，请求调解。", "op", "submit"})
	if resp.StatusCode != 422 || errAt(body, "region_code") != "调解和服务诉求请选择到乡镇（街道）或村（社区）" {
		t.Errorf("a mediation at the district: %d %q", resp.StatusCode, errAt(body, "region_code"))
	}
	if n := f.count(t, "SELECT COUNT(*) FROM cases"); n != 0 {
		t.Fatalf("%d cases after refusals", n)
	}

	// The report; the village picked in the select but not confirmed is
	// the place meant.
	photo := cspPhoto(t)
	resp, body = f.multipart(t, "/report", []string{"kind", "service", "region_code", "450102001", "place_pick", "450102001003", "place", "兴宁路 12 号门口",
		"body", "兴宁路 12 号门口井盖破损，夜间行人容易踩空，请尽快更换。", "name", "李明", "phone", "13800138000", "op", "submit"}, cspFile{"photo.png", photo})
	m := cspReceiptRE.FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("report: %d %q", resp.StatusCode, cspFlash(body, "err"))
	}
	rc := m[1]
	f.receipts = append(f.receipts, rc)
	txt = text(body)
	for _, want := range []string{"您的反映（服务诉求）已提交。", "查询码 " + strings.ReplaceAll(rc, "-", " - "),
		"请抄写或截图保存查询码，这是您查询办理进度的唯一凭证，丢失后无法找回", "一般在 2 个工作日内决定是否受理。", "我已保存查询码"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the receipt page lacks %q:\n%s", want, txt)
		}
	}
	if !strings.Contains(body, `<form class="form card csp-saved-form" method="post" action="/report/saved"`) {
		t.Errorf("the receipt page has no saved step")
	}
	var region, place string
	if err := f.d.QueryRow(context.Background(), "SELECT region_code, place FROM cases").Scan(&region, &place); err != nil || region != "450102001003" || place != "兴宁路 12 号门口" {
		t.Errorf("stored at %q %q (%v)", region, place, err)
	}

	// Not ticked: the receipt again, with the request; ticked: done.
	resp, body = f.form(t, "/report/saved", url.Values{"receipt": {rc}, "kind": {"service"}})
	if resp.StatusCode != 422 || errAt(body, "saved") != "请先抄写或截图保存查询码，再勾选“我已保存查询码”" || !strings.Contains(body, `name="receipt" value="`+rc+`"`) {
		t.Errorf("saved, not ticked: %d %q", resp.StatusCode, errAt(body, "saved"))
	}
	resp, body = f.form(t, "/report/saved", url.Values{"receipt": {rc}, "saved": {"1"}})
	if resp.StatusCode != 200 || !strings.Contains(body, `<a class="btn primary" href="/track">查询办理进度</a>`) || strings.Contains(body, rc) {
		t.Errorf("saved, ticked: %d", resp.StatusCode)
	}

	// The case, found with the receipt as typed (lower case, no dashes).
	resp, body = f.form(t, "/track", url.Values{"receipt": {strings.ToLower(strings.ReplaceAll(rc, "-", ""))}})
	txt = text(body)
	for _, want := range []string{"第 1 号 · 服务诉求", "办理状态 待受理 已收到您的反映，一般在 2 个工作日内决定是否受理。",
		"所在地点 兴宁区 民生街道 兴宁社区居委会 兴宁路 12 号门口", "提交时间 2026-11-02 09:30", "反映内容 兴宁路 12 号门口井盖破损，夜间行人容易踩空，请尽快更换。",
		"2026-11-02 09:30 提交 您 → 待受理 photo.png 75 B", "补充材料或回答问题"} {
		if resp.StatusCode != 200 || !strings.Contains(txt, want) {
			t.Errorf("the case page lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "评价答复") {
		t.Errorf("a case without an answer offers the rating")
	}
	fm := regexp.MustCompile(`<button class="btn small csp-file" type="submit" name="file" value="(\d+)">`).FindStringSubmatch(body)
	if fm == nil {
		t.Fatal("no download button")
	}
	resp, got := f.form(t, "/track/file", url.Values{"receipt": {rc}, "file": {fm[1]}})
	if resp.StatusCode != 200 || got != string(photo) || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("Content-Disposition") != "attachment; filename=photo.png" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("download: %d %v", resp.StatusCode, resp.Header)
	}
	// A wrong file of the right case: not found, the receipt not counted.
	resp, body = f.form(t, "/track/file", url.Values{"receipt": {rc}, "file": {"abc"}})
	if resp.StatusCode != 404 || cspFlash(body, "err") != "附件不存在" {
		t.Errorf("a file that is none: %d %q", resp.StatusCode, cspFlash(body, "err"))
	}
}

// TestCasesPublicFollowUp answers a case and lets its reporter add to it
// and rate it: an addition refused at its field and then taken, a rating
// without a choice, 不满意 reopening the case, the next answer rated once,
// and a closed case that takes no addition.
func TestCasesPublicFollowUp(t *testing.T) {
	t.Parallel()
	f := newCspFixture(t)
	ctx := context.Background()
	rc := f.report(t, cspService("小区路灯坏了一个月，晚上出行不便，请尽快维修。"))
	id, _ := f.caseOf(t, rc)
	h := f.actor(t, "csp_handler")
	take := func(steps ...cases.StepInput) {
		t.Helper()
		for _, s := range steps {
			f.clock.Add(time.Minute)
			if _, err := f.cs.Take(ctx, h, id, s); err != nil {
				t.Fatalf("step %s: %v", s.Step, err)
			}
		}
	}
	take(cases.StepInput{Step: cases.StepAccept}, cases.StepInput{Step: cases.StepStart})
	_, body := f.caseOf(t, rc)
	if txt := text(body); !strings.Contains(txt, "办理中 正在办理，办理结果会在这里答复您。") || !strings.Contains(txt, "受理 → 已受理") {
		t.Errorf("in progress:\n%s", txt)
	}

	resp, body := f.multipart(t, "/track/add", []string{"receipt", rc, "text", "  "}, cspFile{"photo.png", cspPhoto(t)})
	if resp.StatusCode != 422 || errAt(body, "text") != "请填写补充内容（最多 5000 字）" || !strings.Contains(body, "您之前选择的附件没有保存，请重新选择。") {
		t.Errorf("an empty addition: %d %q", resp.StatusCode, errAt(body, "text"))
	}
	resp, body = f.multipart(t, "/track/add", []string{"receipt", rc, "text", "路灯位置在 3 栋和 4 栋之间。"}, cspFile{"spot.png", cspPhoto(t)})
	if resp.StatusCode != 200 || cspFlash(body, "ok") != "已补充，办理人员会看到您补充的内容。" || !strings.Contains(text(body), "补充 您 路灯位置在 3 栋和 4 栋之间。 spot.png 75 B") {
		t.Errorf("an addition: %d %q\n%s", resp.StatusCode, cspFlash(body, "ok"), text(body))
	}

	take(cases.StepInput{Step: cases.StepAnswer, Text: "已安排电工检修，本周内修复。"})
	_, body = f.caseOf(t, rc)
	if txt := text(body); !strings.Contains(txt, "已答复 已答复，答复内容见下方办理记录。请对答复进行评价；不满意的，案件将重新办理。") ||
		!strings.Contains(txt, "您对答复是否满意？ * 满意 基本满意 不满意 选择“不满意”，案件将重新办理，须在 10 个工作日内重新答复。") {
		t.Errorf("answered:\n%s", txt)
	}
	resp, body = f.form(t, "/track/rate", url.Values{"receipt": {rc}, "comment": {"还没修好"}})
	if resp.StatusCode != 422 || errAt(body, "rating") != "请选择：满意、基本满意或不满意" || !strings.Contains(body, "还没修好</textarea>") {
		t.Errorf("a rating without a choice: %d %q", resp.StatusCode, errAt(body, "rating"))
	}
	resp, body = f.form(t, "/track/rate", url.Values{"receipt": {rc}, "rating": {"unsatisfied"}, "comment": {"路灯还是不亮"}})
	txt := text(body)
	if resp.StatusCode != 200 || cspFlash(body, "ok") != "已收到您的评价，案件已重新办理，新的办理时限见办理记录。" ||
		!strings.Contains(txt, "办理状态 办理中") || !strings.Contains(txt, "办理轮次 第 2 轮（重新办理）") ||
		!strings.Contains(txt, "评价 您 不满意：路灯还是不亮") || !strings.Contains(txt, "重新办理 → 办理中 重新办理，时限至 2026年11月16日") {
		t.Errorf("unsatisfied: %d %q\n%s", resp.StatusCode, cspFlash(body, "ok"), txt)
	}
	if strings.Contains(body, `action="/track/rate#rate"`) {
		t.Errorf("a reopened case offers the rating")
	}

	take(cases.StepInput{Step: cases.StepAnswer, Text: "已更换灯泡，经夜间查看已正常照明。"})
	resp, body = f.form(t, "/track/rate", url.Values{"receipt": {rc}, "rating": {"satisfied"}})
	if resp.StatusCode != 200 || cspFlash(body, "ok") != "感谢您的评价。" || !strings.Contains(text(body), "您的评价： 满意") || strings.Contains(body, `action="/track/rate#rate"`) {
		t.Errorf("satisfied: %d %q", resp.StatusCode, cspFlash(body, "ok"))
	}
	resp, body = f.form(t, "/track/rate", url.Values{"receipt": {rc}, "rating": {"fair"}})
	if resp.StatusCode != 409 || cspFlash(body, "err") != "这次答复您已经评价过了" {
		t.Errorf("a second rating: %d %q", resp.StatusCode, cspFlash(body, "err"))
	}

	take(cases.StepInput{Step: cases.StepVisit, Text: "电话回访，反映人表示满意"}, cases.StepInput{Step: cases.StepClose, Outcome: cases.Resolved})
	_, body = f.caseOf(t, rc)
	if strings.Contains(body, `action="/track/add#add"`) || !strings.Contains(text(body), "已办结 办理结果：已解决 已办结。") {
		t.Errorf("a closed case offers the addition:\n%s", text(body))
	}
	resp, body = f.multipart(t, "/track/add", []string{"receipt", rc, "text", "再补充一点"})
	if resp.StatusCode != 409 || cspFlash(body, "err") != "案件已办结，不能再补充；如不满意请进行评价" {
		t.Errorf("an addition to a closed case: %d %q", resp.StatusCode, cspFlash(body, "err"))
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND type = 'add_info'", id); n != 1 {
		t.Errorf("%d additions, want 1", n)
	}
}

// TestCasesPublicStation opens a workstation's page and its way into the
// form, the form's places prefilled from a poster's QR code, and an
// integrity report about an organization picked there.
func TestCasesPublicStation(t *testing.T) {
	t.Parallel()
	f := newCspFixture(t)
	ctx := context.Background()
	st, err := f.cs.SaveStation(ctx, testrig.Admin, cases.StationInput{OrgID: f.street.ID, Name: "民生街道廉洁工作站", Address: "兴宁区民生路 1 号",
		Hours: "周一至周五 8:30–12:00", Phone: "0771-5551234", Staff: "王芳"})
	if err != nil {
		t.Fatal(err)
	}
	sid := fmt.Sprint(st.ID)
	resp, body := f.send(t, "GET", "/station/"+sid, "", nil)
	txt := text(body)
	if resp.StatusCode != 200 || !strings.Contains(txt, "民生街道廉洁工作站") || !strings.Contains(txt, "地址 兴宁区民生路 1 号 开放时间 周一至周五 8:30–12:00 联系电话 0771-5551234") {
		t.Errorf("the station's page: %d\n%s", resp.StatusCode, txt)
	}
	if !strings.Contains(body, `<a href="tel:0771-5551234">0771-5551234</a>`) || !strings.Contains(body, `<a class="btn primary csp-big" href="/report?station=`+sid+`">我要反映</a>`) {
		t.Errorf("the station's page lacks its links")
	}
	for _, path := range []string{"/station/99999", "/station/abc"} {
		if resp, body := f.send(t, "GET", path, "", nil); resp.StatusCode != 404 || cspFlash(body, "err") == "" {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}

	resp, body = f.send(t, "GET", "/report?station="+sid, "", nil)
	if resp.StatusCode != 200 || !strings.Contains(text(body), "由 民生街道廉洁工作站 受理") || cspPath(body) != "已选：南宁市 › 兴宁区 › 民生街道" ||
		!strings.Contains(body, `<input type="hidden" name="station" value="`+sid+`">`) {
		t.Errorf("the form from the station: %d %q", resp.StatusCode, cspPath(body))
	}
	_, body = f.send(t, "GET", "/report?station=99999", "", nil)
	if cspFlash(body, "warn") != "没有找到二维码中的廉洁工作站，请直接选择地点。" || cspPath(body) != "已选：南宁市" {
		t.Errorf("an unknown station: %q %q", cspFlash(body, "warn"), cspPath(body))
	}
	_, body = f.send(t, "GET", "/report?place=450102001003", "", nil)
	if cspPath(body) != "已选：南宁市 › 兴宁区 › 民生街道 › 兴宁社区居委会" {
		t.Errorf("the form from a village's poster: %q", cspPath(body))
	}
	_, body = f.send(t, "GET", "/report?place=110101001001", "", nil)
	if cspFlash(body, "warn") != "二维码中的地点不在本系统的服务范围内，请重新选择地点。" || cspPath(body) != "已选：南宁市" {
		t.Errorf("a place elsewhere: %q %q", cspFlash(body, "warn"), cspPath(body))
	}

	// An integrity report about the community's organization, picked
	// from those at the street; the register provides no cadres here.
	resp, body = f.form(t, "/report", url.Values{"station": {sid}, "kind": {"integrity"}, "region_code": {"450102001"}, "subject_org_id": {fmt.Sprint(f.village.ID)}, "op": {"org"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "该组织暂无可选择的干部，可以在下方直接填写。") ||
		!strings.Contains(body, `<option value="`+fmt.Sprint(f.village.ID)+`" selected>`) || !strings.Contains(text(body), "由 民生街道廉洁工作站 受理") {
		t.Errorf("the organization picked: %d", resp.StatusCode)
	}
	rc := f.report(t, []string{"station", sid, "kind", "integrity", "region_code", "450102001", "subject_org_id", fmt.Sprint(f.village.ID),
		"body", "社区干部在低保评定中优亲厚友，把名额给了亲属。"})
	var subject int64
	if err := f.d.QueryRow(ctx, "SELECT subject_org_id FROM cases").Scan(&subject); err != nil || subject != f.village.ID {
		t.Errorf("the organization concerned: %d (%v), want %d", subject, err, f.village.ID)
	}
	if _, body := f.caseOf(t, rc); !strings.Contains(text(body), "第 1 号 · 廉洁监督举报") {
		t.Errorf("the report's page:\n%s", text(body))
	}
}

// TestCasesPublicSubmitLimit: one client files at most 30 reports at once,
// then one every ten seconds; the form shown again keeps what was typed,
// and the place picker is never limited.
func TestCasesPublicSubmitLimit(t *testing.T) {
	t.Parallel()
	f := newCspFixture(t)
	x, y := "203.0.113.7:40000", "198.51.100.9:40001"
	bad := url.Values{"kind": {"service"}, "region_code": {"450102001003"}, "body": {"太短"}}.Encode()
	for i := 1; i <= 30; i++ {
		if st, body := f.from(t, x, "POST", "/report", formType, bad); st != 422 || errAt(body, "body") == "" {
			t.Fatalf("report %d: %d", i, st)
		}
	}
	st, body := f.from(t, x, "POST", "/report", formType, bad)
	if st != 429 || cspFlash(body, "err") != "提交过于频繁，请 10 秒后再试" || !strings.Contains(body, "太短</textarea>") {
		t.Errorf("report 31: %d %q", st, cspFlash(body, "err"))
	}
	if st, body := f.from(t, x, "POST", "/report", formType, url.Values{"op": {"place"}, "place_pick": {"450102"}}.Encode()); st != 200 || cspPath(body) != "已选：南宁市 › 兴宁区" {
		t.Errorf("the picker of a limited client: %d %q", st, cspPath(body))
	}
	if st, _ := f.from(t, y, "POST", "/report", formType, bad); st != 422 {
		t.Errorf("another client: %d", st)
	}
	f.clock.Add(10 * time.Second)
	if st, _ := f.from(t, x, "POST", "/report", formType, bad); st != 422 {
		t.Errorf("ten seconds later: %d", st)
	}
}

// TestCasesPublicEnglish: the pages in English, for a browser set to it.
func TestCasesPublicEnglish(t *testing.T) {
	t.Parallel()
	f := newCspFixture(t)
	_, body := f.send(t, "GET", "/report", "", nil, "Accept-Language", "en-GB,en;q=0.9")
	txt := text(body)
	for _, want := range []string{"Make a report", "Integrity report Misconduct of Party members or cadres", "Contact details (optional)",
		"Your name, phone number and e-mail are encrypted and kept apart: those handling your case cannot see them.", "Choose the county or district"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the English form lacks %q", want)
		}
	}
	ct, mp := cspMultipart(append(cspService("小区路灯坏了一个月，晚上出行不便，请尽快维修。"), "op", "submit"))
	resp, body := f.send(t, "POST", "/report", ct, mp, "Accept-Language", "en")
	if resp.StatusCode != 200 || !strings.Contains(text(body), "Write down this code or take a screenshot of it: it is the only way to follow your case, and it cannot be recovered if lost") ||
		!strings.Contains(text(body), "Your report (Service request) has been submitted.") {
		t.Errorf("the English receipt: %d\n%s", resp.StatusCode, text(body))
	}
	rc := cspReceiptRE.FindStringSubmatch(body)[1]
	resp, body = f.send(t, "POST", "/track", formType, strings.NewReader(url.Values{"receipt": {rc}}.Encode()), "Accept-Language", "en")
	if txt := text(body); resp.StatusCode != 200 || !strings.Contains(txt, "Case 1 · Service request") || !strings.Contains(txt, "Submitted you → Awaiting acceptance") {
		t.Errorf("the English case page: %d\n%s", resp.StatusCode, txt)
	}
	resp, body = f.send(t, "POST", "/track", formType, strings.NewReader("receipt=nope"), "Accept-Language", "en")
	if resp.StatusCode != 422 || errAt(body, "receipt") != "The receipt code is not valid, please check it and enter it again" {
		t.Errorf("a wrong receipt in English: %d %q", resp.StatusCode, errAt(body, "receipt"))
	}
}
