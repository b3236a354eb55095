package programs_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// prPhoto is a small JPEG photo carrying Exif with a place.
func prPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for i := range 12 {
		img.Set(i, i, color.RGBA{200, 22, 30, 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00"), []byte("GPSLatitude 22.8170N")...)
	seg := append([]byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	data := b.Bytes()
	return append(append(append([]byte{}, data[:2]...), seg...), data[2:]...)
}

// prMultipartForm is a completion's form with its files in "attachments".
func prMultipartForm(t *testing.T, fields url.Values, files map[string][]byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("attachments", name)
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &buf
}

// TestPairingPages walks a pairing through its pages: the county pairs an
// organ with the secretary's community (an organization with itself is
// refused at its field), sets a year's funds commitment (a negative target
// is refused), the secretary records a delivery with a photo (one beyond
// the target, and one without evidence, are refused at their fields with
// what was typed kept and nothing changed), the photo downloads without
// its Exif, and the list, the totals and their exports follow.
func TestPairingPages(t *testing.T) {
	t.Parallel()
	s := newCtSite(t)
	ctx := context.Background()
	county, sec := s.browser(t, "county_admin"), s.browser(t, "secretary")
	pg := app.Service[*programs.Service](s.a)
	year := pg.Today().Year()
	today := pg.Today().Format("2006-01-02")
	finance, err := s.a.Core().Orgs.Create(ctx, testrig.Admin, org.Input{ParentID: s.county.ID, Name: "兴宁区财政局机关党支部", Kind: "branch", Category: "organ"})
	if err != nil {
		t.Fatal(err)
	}

	before := s.ctTables(t)
	st, _, body := county.post(t, "/pairings/new", url.Values{"agency_org_id": {fmt.Sprint(finance.ID)}, "grassroots_org_id": {fmt.Sprint(finance.ID)}, "from_year": {fmt.Sprint(year)}})
	if st != 422 || ctFieldError(body, "grassroots_org_id") != "“兴宁区财政局机关党支部”不能与自己结对：请选择另一个党组织" {
		t.Errorf("an organization with itself: %d %q", st, ctFieldError(body, "grassroots_org_id"))
	}
	if after := s.ctTables(t); after != before {
		t.Errorf("a refused pairing changed the tables:\n%s\n%s", before, after)
	}
	st, where, body := county.post(t, "/pairings/new", url.Values{"agency_org_id": {fmt.Sprint(finance.ID)}, "grassroots_org_id": {fmt.Sprint(s.community.ID)}, "from_year": {fmt.Sprint(year)}})
	if st != 200 || ctFlash(body) != "兴宁区财政局机关党支部与"+s.community.Label()+"已结对，请设定年度承诺" {
		t.Fatalf("pair: %d %q", st, ctFlash(body))
	}
	href := regexp.MustCompile(`^/pairings/\d+`).FindString(where)

	// The commitment: a negative target is refused, then 100,000 yuan.
	before = s.ctTables(t)
	st, _, body = county.post(t, href+"/commitments", url.Values{"year": {fmt.Sprint(year)}, "kind": {"funds"}, "target": {"-100"}, "content": {"支持社区党群服务中心改造"}})
	if st != 422 || ctFieldError(body, "target") != "承诺目标不能为负数" || !strings.Contains(body, ">支持社区党群服务中心改造</textarea>") {
		t.Errorf("a negative target: %d %q", st, ctFieldError(body, "target"))
	}
	if after := s.ctTables(t); after != before {
		t.Errorf("a refused commitment changed the tables:\n%s\n%s", before, after)
	}
	st, _, body = county.post(t, href+"/commitments", url.Values{"year": {fmt.Sprint(year)}, "kind": {"funds"}, "target": {"100000"}, "content": {"支持社区党群服务中心改造"}})
	if st != 200 || ctFlash(body) != fmt.Sprintf("已设定 %d 年“帮扶资金”承诺", year) {
		t.Fatalf("commit: %d %q", st, ctFlash(body))
	}
	cid := regexp.MustCompile(`<option value="(\d+)" selected>帮扶资金（还差 100,000 元）</option>`).FindStringSubmatch(body)
	if cid == nil {
		t.Fatalf("the delivery form does not offer the commitment: %.2000s", ctText(body))
	}

	// The secretary records deliveries.
	photo := prPhoto(t)
	before = s.ctTables(t)
	for _, tc := range []struct {
		name, field, want string
		fields            url.Values
	}{
		{"beyond the target", "amount", "本次登记 120,000 元后累计将达 120,000 元，超过承诺目标 100,000 元；最多还能登记 100,000 元",
			url.Values{"amount": {"120000"}, "evidence": {"资金已拨付到社区账户"}}},
		{"without evidence", "evidence", "请填写完成情况的佐证说明（做了什么、在哪里、谁参加或资金去向），可另附照片或文件",
			url.Values{"amount": {"60000"}, "evidence": {""}}},
		{"a negative amount", "amount", "完成数量不能为负数", url.Values{"amount": {"-5"}, "evidence": {"资金已拨付到社区账户"}}},
	} {
		tc.fields.Set("year", fmt.Sprint(year))
		tc.fields.Set("commitment_id", cid[1])
		tc.fields.Set("done_on", today)
		ct, buf := prMultipartForm(t, tc.fields, map[string][]byte{"回单.jpg": photo})
		st, _, body := sec.do(t, "POST", href+"/completions", ct, buf)
		if st != 422 || ctFieldError(body, tc.field) != tc.want {
			t.Errorf("%s: %d %q", tc.name, st, ctFieldError(body, tc.field))
		}
		if e := tc.fields.Get("evidence"); e != "" && !strings.Contains(body, ">"+e+"</textarea>") {
			t.Errorf("%s: the evidence typed is lost", tc.name)
		}
	}
	if after := s.ctTables(t); after != before {
		t.Errorf("refused deliveries changed the tables:\n%s\n%s", before, after)
	}
	ct, buf := prMultipartForm(t, url.Values{"year": {fmt.Sprint(year)}, "commitment_id": {cid[1]}, "done_on": {today}, "amount": {"60000"}, "evidence": {"资金已拨付到社区账户"}},
		map[string][]byte{"回单.jpg": photo})
	st, _, body = sec.do(t, "POST", href+"/completions", ct, buf)
	if st != 200 || ctFlash(body) != "已登记完成情况" {
		t.Fatalf("deliver: %d %q %q", st, ctFlash(body), ctFieldError(body, "attachments"))
	}
	if got := ctRow(t, body, "资金已拨付到社区账户"); !strings.HasPrefix(got, today+" 资金已拨付到社区账户 +60,000 元 · secretary 回单.jpg ") ||
		!strings.HasSuffix(got, " +60,000 元 secretary · "+today) {
		t.Errorf("the delivery's row: %q", got)
	}
	file := regexp.MustCompile(`href="(` + href + `/files/\d+)"`).FindStringSubmatch(body)
	if file == nil {
		t.Fatal("no link to the photo")
	}
	req, _ := sec.c.Get(sec.base + file[1])
	var got bytes.Buffer
	_, _ = got.ReadFrom(req.Body)
	req.Body.Close()
	if req.StatusCode != 200 || req.Header.Get("Content-Type") != "image/jpeg" || req.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(req.Header.Get("Content-Disposition"), "attachment") || bytes.Contains(got.Bytes(), []byte("GPSLatitude")) {
		t.Errorf("the photo: %d %v, %d bytes", req.StatusCode, req.Header, got.Len())
	}

	// The list, the totals and their exports.
	if got := ctRow(t, county.get(t, "/pairings"), "兴宁区财政局机关党支部"); got != fmt.Sprintf("1 兴宁区财政局机关党支部 机关 %s %d 年起 · 完成率 60.0%% %d 年起 0 / 1 项 60.0%% 60,000 / 100,000", s.community.Label(), year, year) {
		t.Errorf("the list's row: %q", got)
	}
	totals := county.get(t, "/pairings/totals")
	if !strings.Contains(ctText(totals), "60,000 元 资金到位 承诺 100,000 元 · 60.0%") {
		t.Errorf("the totals' figures: %.600s", ctText(totals))
	}
	rows := county.xlsx(t, "/pairings/totals.xlsx")
	var sum []string
	for _, r := range rows {
		if len(r) > 6 && r[1] == "合计" {
			sum = r
		}
	}
	if strings.Join(sum, "|") != "|合计|1|1|0|100000|60000|60.0%|0|0|0|0" {
		t.Errorf("the totals' export: %q", sum)
	}
	rows = county.xlsx(t, "/pairings/export.xlsx")
	found := false
	for _, r := range rows {
		if len(r) >= 10 && r[1] == "兴宁区财政局机关党支部" {
			found = strings.Join(r, "|") == fmt.Sprintf("1|兴宁区财政局机关党支部|机关|%s|%d 年起|1|0|60.0%%|100000|60000", s.community.Label(), year)
			if !found {
				t.Errorf("the list's export: %q", r)
			}
		}
	}
	if !found {
		t.Errorf("the pairing is not in the export: %q", rows)
	}
}
