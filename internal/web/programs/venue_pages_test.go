package programs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/demo"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/server"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/spec"
)

var venueRegions = region.NewHolder()

// venueImage is a small PNG image that carries a place in a text chunk, as
// some phones write one.
func venueImage(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for x := range 60 {
		img.Set(x, x%40, color.RGBA{R: 200, G: 22, B: 30, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	text := []byte("Location\x00GPS 22.8170N 108.3665E")
	var c bytes.Buffer
	_ = binary.Write(&c, binary.BigEndian, uint32(len(text)))
	c.WriteString("tEXt")
	c.Write(text)
	_ = binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("tEXt"), text...)))
	out := append(append([]byte{}, raw[:33]...), c.Bytes()...)
	return append(out, raw[33:]...)
}

// venueSite is the demo's tree of Nanning with its accounts, served with
// every answer of the API checked against the OpenAPI document.
type venueSite struct {
	srv       *httptest.Server
	d         *db.DB
	a         *app.App
	pw        map[string]string
	community org.Org // the secretary's community, the first of 民生街道
	street    org.Org // 民生街道
	county    org.Org // 兴宁区
}

func newVenueSite(t *testing.T) *venueSite {
	t.Helper()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	res, err := demo.Seed(ctx, &module.Core{DB: d, Orgs: org.NewService(d, venueRegions), Accounts: account.NewService(d, testrig.FastParams, access.MustCatalogue())}, nil, "4501")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, app.Config{DB: d, Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams, Regions: venueRegions,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.NewServer(a, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := &venueSite{srv: httptest.NewServer(spec.Checked(t, h)), d: d, a: a, pw: map[string]string{}}
	testrig.Cleanup(t, s.srv.Close)
	for _, acc := range res.Accounts {
		s.pw[acc.Username] = acc.Password
		o, err := a.Core().Orgs.Get(ctx, testrig.Admin, acc.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		switch acc.Username {
		case "secretary":
			s.community = o
		case "street_admin":
			s.street = o
		case "county_admin":
			s.county = o
		}
	}
	if s.community.Category != "community" || s.street.RegionCode != "450102001" || s.county.RegionCode != "450102" {
		t.Fatalf("the demo's accounts are not where the test expects them: %s %s %s", s.community.Name, s.street.Name, s.county.Name)
	}
	return s
}

// venueBrowser is a logged-in browser that does not follow redirects.
type venueBrowser struct {
	c    *http.Client
	base string
}

func (s *venueSite) browser(t *testing.T, user string) *venueBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &venueBrowser{c: &http.Client{Jar: jar}, base: s.srv.URL}
	resp, err := b.c.PostForm(s.srv.URL+"/login", url.Values{"username": {user}, "password": {s.pw[user]}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %v", user, err)
	}
	resp.Body.Close()
	return b
}

// do sends a request (a form, or a multipart body when ct says so) and
// follows redirects: it answers the final status, address and body.
func (b *venueBrowser) do(t *testing.T, method, path, ct string, body io.Reader) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, b.base+path, body)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.RequestURI(), string(out)
}

func (b *venueBrowser) get(t *testing.T, path string) string {
	t.Helper()
	_, _, body := b.do(t, "GET", path, "", nil)
	return body
}

func (b *venueBrowser) post(t *testing.T, path string, form url.Values) (int, string, string) {
	t.Helper()
	return b.do(t, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// upload posts files in the field "photos" of a multipart form.
func (b *venueBrowser) upload(t *testing.T, path string, files map[string][]byte) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, data := range files {
		fw, _ := mw.CreateFormFile("photos", name)
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.do(t, "POST", path, mw.FormDataContentType(), &buf)
}

var (
	venueTagRE   = regexp.MustCompile(`<[^>]*>`)
	venueSpaceRE = regexp.MustCompile(`\s+`)
)

// pageText is the visible text of a page.
func pageText(s string) string {
	s = regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAllString(s, " ")
	return strings.TrimSpace(venueSpaceRE.ReplaceAllString(html.UnescapeString(venueTagRE.ReplaceAllString(s, " ")), " "))
}

// fieldError is the message shown at a form field.
func fieldError(body, field string) string {
	m := regexp.MustCompile(`<p class="error" id="err-` + field + `">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// flash is the flash message of a page.
func flash(body string) string {
	m := regexp.MustCompile(`<div class="flash [a-z]+"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(m[1]))
}

// tableRow is the visible text of the table row containing s.
func tableRow(t *testing.T, body, s string) string {
	t.Helper()
	for _, tr := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(body, -1) {
		if strings.Contains(tr, s) {
			return pageText(tr)
		}
	}
	t.Fatalf("no row contains %q", s)
	return ""
}

// tables is what the venue tables and the audit log hold.
func (s *venueSite) tables(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"venues", "venue_photos", "venue_standards"} {
		b.WriteString(testrig.DumpTable(t, context.Background(), s.d, table))
	}
	var n int
	if err := s.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d audit entries", n)
	return b.String()
}

// TestVenuePages walks a venue through its pages as its users would: the
// secretary records it (the form refuses bad input at its fields, keeps
// what was typed and changes nothing), the page checks it against the
// default standard, the street corrects it, the secretary's save from the
// old version shows the stored values instead of overwriting them; photos
// are uploaded without the place they carry, a PDF is refused; the county
// sets a stricter standard and the list, its counts and its export follow.
func TestVenuePages(t *testing.T) {
	t.Parallel()
	s := newVenueSite(t)
	sec, street, county := s.browser(t, "secretary"), s.browser(t, "street_admin"), s.browser(t, "county_admin")
	c := s.community
	href := fmt.Sprintf("/venues/orgs/%d", c.ID)

	txt := pageText(sec.get(t, "/venues"))
	if !strings.Contains(txt, "1 个 村（社区） 0 已登记阵地") || !strings.Contains(txt, "1 未登记阵地") || !strings.Contains(txt, "1 "+c.Label()) {
		t.Errorf("the secretary's list: %.800s", txt)
	}
	if r := tableRow(t, sec.get(t, "/venues"), href); r != "1 "+c.Label()+" "+s.street.Label()+" 社区 — — 未登记阵地 —" {
		t.Errorf("the row without a venue: %q", r)
	}

	// Bad input, at its fields, nothing changed.
	before := s.tables(t)
	form := url.Values{"area": {"-50"}, "functions": {"party_room"}, "opening_hours": {""}, "address": {"民生路 8 号"}}
	st, _, body := sec.post(t, href+"/edit", form)
	if st != 422 || fieldError(body, "area") != "面积应为 1–10000 之间的整数（单位：平方米）" || fieldError(body, "opening_hours") != "请填写开放时间，如“周一至周五 8:30–12:00，14:30–17:30”" ||
		flash(body) != "表单中有 2 处需要修改，请看各字段下的提示" {
		t.Errorf("a negative area and no hours: %d %q %q %q", st, fieldError(body, "area"), fieldError(body, "opening_hours"), flash(body))
	}
	if !strings.Contains(body, `value="民生路 8 号"`) || !strings.Contains(body, `value="party_room" checked`) {
		t.Errorf("the form lost what was typed")
	}
	form = url.Values{"area": {"260"}, "functions": {"party_room", "sauna"}, "opening_hours": {"周一至周五 8:30–17:30"}, "address": {"民生路 8 号"}}
	if st, _, body = sec.post(t, href+"/edit", form); st != 422 || fieldError(body, "functions") != "未知的功能“sauna”，请从列表中选择，如“党员活动室”“便民服务窗口”" {
		t.Errorf("an unknown function: %d %q", st, fieldError(body, "functions"))
	}
	form.Set("area", "12000")
	form["functions"] = []string{"party_room"}
	if st, _, body = sec.post(t, href+"/edit", form); st != 422 || fieldError(body, "area") != "面积应为 1–10000 之间的整数（单位：平方米）" {
		t.Errorf("an absurd area: %d %q", st, fieldError(body, "area"))
	}
	if after := s.tables(t); after != before {
		t.Fatalf("refused forms changed the tables:\n%s\n%s", before, after)
	}

	// Recorded: too small and without a service centre for a community.
	form.Set("area", "260")
	form["functions"] = []string{"party_room", "service_window"}
	st, at, body := sec.post(t, href+"/edit", form)
	if st != 200 || at != href || flash(body) != "已保存"+c.Label()+"的阵地信息" {
		t.Fatalf("record: %d %s %q", st, at, flash(body))
	}
	txt = pageText(body)
	for _, want := range []string{"面积（平方米） 260", "功能 党员活动室、便民服务窗口", "最低面积 不少于 300 ㎡", "制定单位 系统默认（待县级确认）",
		"面积不足 · 差 40 ㎡", "功能不全 · 缺党群服务中心", "sec 于", "版本 1"} {
		if !strings.Contains(strings.ReplaceAll(txt, "secretary 于", "sec 于"), want) {
			t.Errorf("the venue page lacks %q: %.1200s", want, txt)
		}
	}

	// The street corrects it; the secretary's save from version 1 is
	// refused and shows what is stored.
	edit := street.get(t, href+"/edit")
	if !strings.Contains(edit, `name="version" value="1"`) || !strings.Contains(edit, `value="260"`) {
		t.Fatalf("the edit form does not carry the stored venue")
	}
	fix := url.Values{"area": {"320"}, "functions": {"party_room", "service_center", "service_window"}, "opening_hours": {"周一至周日 8:00–20:00"}, "address": {"民生路 8 号"}, "version": {"1"}}
	if st, _, body = street.post(t, href+"/edit", fix); st != 200 || !strings.Contains(pageText(body), "✓ 达标") || !strings.Contains(pageText(body), "版本 2") {
		t.Fatalf("the street's correction: %d %q", st, flash(body))
	}
	before = s.tables(t)
	form.Set("version", "1")
	form.Set("area", "280")
	st, _, body = sec.post(t, href+"/edit", form)
	if st != 409 || !strings.HasPrefix(flash(body), "保存前此记录已被修改") || !strings.Contains(flash(body), "面积（平方米）“320”") ||
		!strings.Contains(flash(body), "功能“党员活动室、党群服务中心、便民服务窗口”") || !strings.Contains(body, `name="version" value="2"`) {
		t.Errorf("the stale save: %d %q", st, flash(body))
	}
	if s.tables(t) != before {
		t.Fatal("the stale save changed the tables")
	}

	// Photos: the place a photo carries is removed; a PDF is refused.
	img := venueImage(t)
	st, at, body = sec.upload(t, href+"/photos", map[string][]byte{"门头.png": img})
	if st != 200 || flash(body) != "已上传 1 张照片" {
		t.Fatalf("upload: %d %s %q", st, at, flash(body))
	}
	m := regexp.MustCompile(`<img src="(/venues/orgs/\d+/photos/\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page shows no photo")
	}
	resp, err := county.c.Get(county.base + m[1])
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		bytes.Contains(data, []byte("GPS")) || !bytes.Contains(img, []byte("GPS")) {
		t.Errorf("the photo: %d %s, place kept %t", resp.StatusCode, resp.Header.Get("Content-Type"), bytes.Contains(data, []byte("GPS")))
	}
	before = s.tables(t)
	if st, _, body = sec.upload(t, href+"/photos", map[string][]byte{"平面图.pdf": []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")}); flash(body) != "文件 平面图.pdf 不是照片：阵地照片只接受 JPG 或 PNG 图片" {
		t.Errorf("a PDF: %d %q", st, flash(body))
	}
	if s.tables(t) != before {
		t.Fatal("the refused upload changed the tables")
	}

	// The county asks 350 m² of its communities: the standard's form
	// refuses a street and a negative area at their fields.
	if st, _, body = county.post(t, "/venues/standards", url.Values{"org_id": {fmt.Sprint(s.street.ID)}, "kind": {"community"}, "min_area": {"350"}}); st != 422 ||
		fieldError(body, "org_id") != "阵地标准由县（市、区）或市级党组织制定，“"+s.street.Label()+"”是乡镇（街道）级党组织：请选择它所在的县（市、区）" {
		t.Errorf("a standard on a street: %d %q", st, fieldError(body, "org_id"))
	}
	if st, _, body = county.post(t, "/venues/standards", url.Values{"org_id": {fmt.Sprint(s.county.ID)}, "kind": {"community"}, "min_area": {"-350"}}); st != 422 ||
		fieldError(body, "min_area") != "最低面积应为 1–10000 之间的整数（单位：平方米）" {
		t.Errorf("a negative least area: %d %q", st, fieldError(body, "min_area"))
	}
	if s.tables(t) != before {
		t.Fatal("refused standards changed the tables")
	}
	std := url.Values{"org_id": {fmt.Sprint(s.county.ID)}, "kind": {"community"}, "min_area": {"350"}, "functions": {"party_room", "service_center"}}
	if st, at, body = county.post(t, "/venues/standards", std); st != 200 || flash(body) != "已保存"+s.county.Label()+"的社区阵地标准" {
		t.Fatalf("the county's standard: %d %s %q", st, at, flash(body))
	}
	list := county.get(t, fmt.Sprintf("/venues?org=%d&status=noncompliant", s.street.ID))
	if r := tableRow(t, list, href); !strings.HasPrefix(r, "1 "+c.Label()+" "+s.street.Label()+" 社区 320 1 面积不足 · 差 30 ㎡") {
		t.Errorf("the list's row: %q", r)
	}
	txt = pageText(list)
	if !strings.Contains(txt, "13 个 村（社区） 1 已登记阵地 占 7.7% 0 达标 占 0.0% 1 未达标 面积不足 1 · 功能不全 0 12 未登记阵地") {
		t.Errorf("the counts: %.600s", txt)
	}
	x, err := county.c.Get(county.base + fmt.Sprintf("/venues/export.xlsx?org=%d&status=noncompliant", s.street.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Body.Close()
	if x.StatusCode != 200 {
		t.Fatalf("export: %d", x.StatusCode)
	}
	f, err := excelize.OpenReader(x.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	last := rows[len(rows)-1]
	if strings.Join(last[1:], "|") != c.Label()+"|"+s.street.Label()+"|"+c.RegionCode+"|社区|320|党员活动室、党群服务中心、便民服务窗口|周一至周日 8:00–20:00|民生路 8 号|1|面积不足|30||350|"+s.county.Label()+"|"+last[15] {
		t.Errorf("the export's row: %q", strings.Join(last, "|"))
	}
	if cd, _ := url.PathUnescape(x.Header.Get("Content-Disposition")); !strings.Contains(cd, s.street.Label()+"_阵地达标情况_") {
		t.Errorf("the file's name: %s", cd)
	}

	// A street is not on the list: its own venue opens from the picker
	// below it, and from the street's own list.
	st, at, body = county.do(t, "GET", fmt.Sprintf("/venues/open?open=%d", s.street.ID), "", nil)
	if st != 200 || at != fmt.Sprintf("/venues/orgs/%d", s.street.ID) || !strings.Contains(pageText(body), "该党组织不属于村或社区，不对照村（社区）阵地标准。") {
		t.Errorf("opening the street's venue: %d %s", st, at)
	}
	if body = street.get(t, "/venues"); !strings.Contains(body, fmt.Sprintf(`<a class="btn" href="/venues/orgs/%d">%s的阵地</a>`, s.street.ID, s.street.Label())) {
		t.Errorf("the street's list offers no link to its own venue")
	}
}

// TestVenueAPI: the venue through the JSON API, answers checked against
// the OpenAPI document: a stale version is a conflict, a bad field is
// answered at it, the list pages with a cursor, the photos go in base64.
func TestVenueAPI(t *testing.T) {
	t.Parallel()
	s := newVenueSite(t)
	token := func(user string) string {
		st, out := s.call(t, "POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"username":%q,"password":%q}`, user, s.pw[user]))
		if st != 200 {
			t.Fatalf("login: %d", st)
		}
		return out["token"].(string)
	}
	sec, county := token("secretary"), token("county_admin")
	path := fmt.Sprintf("/api/v1/orgs/%d/venue", s.community.ID)
	st, out := s.call(t, "GET", path, sec, "")
	if st != 200 || out["venue"] != nil || out["status"] != "none" {
		t.Fatalf("no venue yet: %d %v", st, out)
	}
	st, out = s.call(t, "PUT", path, sec, `{"area":320,"functions":["party_room","service_center","service_window"],"opening_hours":"周一至周五","address":"民生路"}`)
	if st != 200 || out["status"] != "compliant" {
		t.Fatalf("put: %d %v", st, out)
	}
	before := s.tables(t)
	st, out = s.call(t, "PUT", path, county, `{"area":320,"functions":["party_room"],"opening_hours":"","address":"民生路","version":1}`)
	if e := out["error"].(map[string]any); st != 400 || e["field"] != "opening_hours" || e["message"] != "请填写开放时间，如“周一至周五 8:30–12:00，14:30–17:30”" {
		t.Errorf("no hours: %d %v", st, out)
	}
	st, out = s.call(t, "PUT", path, county, `{"area":320,"functions":["party_room"],"opening_hours":"全天","address":"民生路","version":7}`)
	if st != 409 || out["error"].(map[string]any)["message"] != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" {
		t.Errorf("a stale version: %d %v", st, out)
	}
	if s.tables(t) != before {
		t.Fatal("refused puts changed the tables")
	}
	photo := base64.StdEncoding.EncodeToString(venueImage(t))
	st, out = s.call(t, "POST", path+"/photos", sec, `{"photos":[{"name":"门头.png","data":"`+photo+`"}]}`)
	if st != 201 || len(out["items"].([]any)) != 1 {
		t.Fatalf("photos: %d %v", st, out)
	}
	st, out = s.call(t, "GET", fmt.Sprintf("/api/v1/venues?org_id=%d&limit=5&sort=-area", s.street.ID), county, "")
	counts := out["counts"].(map[string]any)
	if st != 200 || out["total"] != 13.0 || len(out["items"].([]any)) != 5 || out["next_cursor"] == "" || counts["compliant"] != 1.0 || counts["none"] != 12.0 {
		t.Fatalf("the list: %d total %v counts %v", st, out["total"], counts)
	}
	first := out["items"].([]any)[0].(map[string]any)
	if first["org_id"] != float64(s.community.ID) || first["photos"] != 1.0 {
		t.Errorf("the largest first: %v", first)
	}
	st, out = s.call(t, "PUT", fmt.Sprintf("/api/v1/orgs/%d/venue-standards/community", s.county.ID), county, `{"min_area":350,"functions":["party_room","gym"]}`)
	if st != 400 || out["error"].(map[string]any)["field"] != "functions" {
		t.Errorf("an unknown function in a standard: %d %v", st, out)
	}
	st, out = s.call(t, "PUT", fmt.Sprintf("/api/v1/orgs/%d/venue-standards/community", s.county.ID), county, `{"min_area":350,"functions":["party_room"]}`)
	if st != 200 || out["min_area"] != 350.0 {
		t.Fatalf("a standard: %d %v", st, out)
	}
	if st, out = s.call(t, "GET", path, sec, ""); out["status"] != "short_area" || out["short_by"] != 30.0 {
		t.Errorf("after the county's standard: %d %v", st, out)
	}
	if st, _ = s.call(t, "DELETE", fmt.Sprintf("/api/v1/orgs/%d/venue-standards/community", s.county.ID), county, ""); st != 204 {
		t.Errorf("removing the standard: %d", st)
	}
	if st, out = s.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/venue-standards", s.county.ID), county, ""); st != 200 || out["applies"].([]any)[1].(map[string]any)["default"] != true {
		t.Errorf("the standards after the removal: %d %v", st, out)
	}
}

// call sends a JSON request and decodes the JSON answer.
func (s *venueSite) call(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out) // a 204 has no body
	return resp.StatusCode, out
}
