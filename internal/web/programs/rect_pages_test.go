package programs_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/org"
)

// form posts fields and files (in the field "attachments") as a multipart
// form, as the case page's progress and acceptance forms do.
func (b *venueBrowser) form(t *testing.T, path string, fields url.Values, files map[string][]byte) (int, string, string) {
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
	return b.do(t, "POST", path, mw.FormDataContentType(), &buf)
}

// TestRectPages walks one case through the pages: the county names the
// secretary's community a candidate, lists it and plans it; the secretary
// reports a month with a photo and may take no other step; the county's
// check without evidence is refused at its field, with evidence it passes,
// and the case is struck off; the public page shows the measures and no
// person, and the ledger's export has the row.
func TestRectPages(t *testing.T) {
	s := newVenueSite(t)
	county, sec := s.browser(t, "county_admin"), s.browser(t, "secretary")
	pg := s.a.Core().Now().In(org.Shanghai)
	year := pg.Year()
	today := pg.Format("2006-01-02")

	// A note too short is refused at its field, the form kept.
	st, _, body := county.post(t, "/rectification/new", url.Values{"org_id": {fmt.Sprint(s.community.ID)}, "year": {fmt.Sprint(year)}, "reason": {"life_irregular"}, "note": {"差"}})
	if st != 422 && st != 400 || fieldError(body, "note") != "请用 4–500 字填写研判依据" {
		t.Fatalf("short note: %d %q", st, fieldError(body, "note"))
	}
	st, where, body := county.post(t, "/rectification/new", url.Values{"org_id": {fmt.Sprint(s.community.ID)}, "year": {fmt.Sprint(year)}, "reason": {"life_irregular"}, "note": {"全年仅召开 2 次支部党员大会"}})
	if st != 200 || !strings.HasPrefix(where, "/rectification/") || flash(body) != fmt.Sprintf("已将%s列为 %d 年整顿候选", s.community.Name, year) {
		t.Fatalf("named: %d %s %q", st, where, flash(body))
	}
	casePath := where
	// The secretary reads the case but is offered no step.
	if b := sec.get(t, casePath); !strings.Contains(b, s.community.Name) || strings.Contains(b, `action="`+casePath+`/decide"`) {
		t.Fatalf("the secretary's view of a candidate: %s", pageText(b))
	}
	_, _, body = county.post(t, casePath+"/decide", url.Values{"decision": {"list"}, "reason": {"life_irregular"}, "on_date": {today}})
	if flash(body) != "已办理，当前状态：已列入，待定方案" {
		t.Fatalf("listed: %q", flash(body))
	}
	// A plan without its measures is refused at the field.
	_, _, body = county.post(t, casePath+"/plan", url.Values{"measures": {""}, "leader": {"张三（区委常委）"}, "deadline": {fmt.Sprintf("%d-12-31", year+1)}, "version": {"2"}})
	if fieldError(body, "measures") != "请用 10–2000 字填写整顿措施" {
		t.Fatalf("plan without measures: %q", fieldError(body, "measures"))
	}
	measures := "规范落实三会一课制度，每月开展主题党日，调整充实支部班子"
	_, _, body = county.post(t, casePath+"/plan", url.Values{"measures": {measures}, "leader": {"张三（区委常委）"}, "deadline": {fmt.Sprintf("%d-12-31", year+1)}, "version": {"2"}})
	if flash(body) != "已办理，当前状态：整顿中" {
		t.Fatalf("planned: %q %s", flash(body), fieldError(body, "deadline"))
	}
	// The county's cockpit puts the case under its street, still open.
	if m := regexp.MustCompile(`<script type="application/json" id="rect-children">(.*?)</script>`).FindStringSubmatch(county.get(t, "/")); m == nil ||
		!strings.Contains(m[1], fmt.Sprintf(`{"name":%q,"value":1,"href":"/?org=%d"}`, s.street.Label(), s.street.ID)) {
		t.Fatalf("the cockpit's rectification by child: %v", m)
	}
	// The secretary reports the month with a photo; may not accept.
	_, _, body = sec.form(t, casePath+"/progress", url.Values{"month": {pg.Format("2006-01")}, "text": {"召开支部党员大会，补选支部委员 1 名"}}, map[string][]byte{"会议.png": venueImage(t)})
	if flash(body) != "已办理，当前状态：整顿中" || !strings.Contains(body, "会议.png") {
		t.Fatalf("progress: %q", flash(body))
	}
	if strings.Contains(body, `action="`+casePath+`/accept"`) {
		t.Fatal("the secretary is offered the acceptance check")
	}
	_, _, body = sec.form(t, casePath+"/accept", url.Values{"decision": {"pass"}, "conclusion": {"整顿成效明显，同意验收"}, "on_date": {today}}, map[string][]byte{"验收.png": venueImage(t)})
	if flash(body) != "您没有办理此事项的权限：应由兴宁区委办理" {
		t.Fatalf("the secretary's acceptance: %q", flash(body))
	}
	// The county: no evidence, refused at the field; with it, accepted.
	_, _, body = county.form(t, casePath+"/accept", url.Values{"decision": {"pass"}, "conclusion": {"整顿成效明显，同意验收"}, "on_date": {today}}, nil)
	if fieldError(body, "attachments") != "验收通过须上传至少一份验收材料（验收报告、会议记录或照片）" {
		t.Fatalf("acceptance without evidence: %q", fieldError(body, "attachments"))
	}
	_, _, body = county.form(t, casePath+"/accept", url.Values{"decision": {"pass"}, "conclusion": {"整顿成效明显，同意验收"}, "on_date": {today}}, map[string][]byte{"验收.png": venueImage(t)})
	if flash(body) != "已办理，当前状态：已验收，待销号" {
		t.Fatalf("accepted: %q", flash(body))
	}
	_, _, body = county.post(t, casePath+"/close", url.Values{"on_date": {today}})
	if flash(body) != "已办理，当前状态：已销号" {
		t.Fatalf("closed: %q", flash(body))
	}
	// The photo is served as a download, without its metadata.
	m := regexp.MustCompile(casePath + `/files/(\d+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no attachment link on the case page")
	}
	st, _, file := county.do(t, "GET", casePath+"/files/"+m[1], "", nil)
	if st != 200 || strings.Contains(file, "GPS") || !strings.HasPrefix(file, "\x89PNG") {
		t.Fatalf("attachment: %d, metadata kept %v", st, strings.Contains(file, "GPS"))
	}

	// The public page, for anyone.
	anon := &venueBrowser{c: &http.Client{}, base: s.srv.URL}
	st, _, body = anon.do(t, "GET", fmt.Sprintf("/accountability/%d", s.community.ID), "", nil)
	text := pageText(body)
	if st != 200 || !strings.Contains(text, measures) || !strings.Contains(text, "已销号") || strings.Contains(text, "张三") || strings.Contains(text, "全年仅召开") {
		t.Fatalf("public page: %d %s", st, text)
	}
	if st, _, _ = anon.do(t, "GET", fmt.Sprintf("/accountability/%d", s.street.ID), "", nil); st != 404 {
		t.Fatalf("a street never listed: %d", st)
	}
	// The poster holds the page's address.
	if b := county.get(t, casePath+"/poster"); !strings.Contains(b, fmt.Sprintf("/accountability/%d", s.community.ID)) || !strings.Contains(b, `<img src="data:image/svg`) {
		t.Fatalf("poster: %s", pageText(b))
	}
	// The ledger and its export.
	row := tableRow(t, county.get(t, fmt.Sprintf("/rectification?year=%d", year)), s.community.Name)
	if want := fmt.Sprintf("%d 组织生活不正常 已销号 %d-12-31 %s", year, year+1, pg.Format("2006-01")); !strings.HasSuffix(row, want) {
		t.Fatalf("ledger row: %q, want it to end %q", row, want)
	}
	// The cockpit's card counts it struck off, leading to the list.
	// This year's card is the whole ledger as it stands; last year's, the
	// cases listed then, none here.
	cp := county.get(t, "/")
	if !strings.Contains(pageText(cp), "软弱涣散党组织整顿 查看详情") || !strings.Contains(cp, fmt.Sprintf(`href="/rectification?org=%d&amp;state=closed"`, s.county.ID)) {
		t.Fatalf("cockpit: %.2000s", pageText(cp))
	}
	if last := pageText(county.get(t, fmt.Sprintf("/?year=%d", year-1))); !strings.Contains(last, fmt.Sprintf("软弱涣散党组织整顿（%d年度） 查看详情 › 0 整顿中 其中 0 个待定方案 0 超期未完成 0 上月进展未报 0 已验收待销号 0 已销号", year-1)) {
		t.Fatalf("last year's cockpit: %.3000s", last)
	}
	if m := regexp.MustCompile(`(?s)<div class="v">([^<]*)</div>\s*<div class="l">已销号</div>`).FindStringSubmatch(cp); m == nil || m[1] != "1" {
		t.Fatalf("cockpit's struck-off figure: %v", m)
	}
	rows := xlsxRows(t, county, fmt.Sprintf("/rectification/export.xlsx?year=%d", year))
	if len(rows) < 2 || !strings.Contains(strings.Join(rows[len(rows)-1], "|"), s.community.Label()+"|"+fmt.Sprint(year)+"|组织生活不正常|已销号||"+measures) {
		t.Fatalf("export: %v", rows)
	}
}

// xlsxRows downloads an export and answers its first sheet's rows.
func xlsxRows(t *testing.T, b *venueBrowser, path string) [][]string {
	t.Helper()
	x, err := b.c.Get(b.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Body.Close()
	if x.StatusCode != 200 {
		t.Fatalf("export %s: %d", path, x.StatusCode)
	}
	f, err := excelize.OpenReader(x.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
