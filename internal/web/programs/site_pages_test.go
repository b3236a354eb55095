package programs_test

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/db"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// siteTables is what the sites' tables and the audit log hold.
func (s *venueSite) siteTables(t *testing.T) string { return siteDump(t, s.d) }

// siteDump is what the sites' tables of d and its audit log hold.
func siteDump(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"sites", "site_steps", "site_files", "site_led", "site_quotas"} {
		b.WriteString(testrig.DumpTable(t, context.Background(), d, table))
	}
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d audit entries", n)
	return b.String()
}

const sitePageMaterials = "以“红色物业”推动小区治理，建成党群服务中心；计划一年内形成“小区党支部+三方联动”经验并在全街道推广。"

// TestSitePages walks a site through its pages: the county nominates the
// secretary's community with a photo (a form without an organization and
// with short materials is refused at its fields, kept as typed, nothing
// changed), records its cultivation (a date after today refused at its
// field) and may not accept it; the city's acceptance without evidence is
// refused at the files' field, with a photo it passes; the city names it;
// the county adds a community it leads; the list, its filters, the
// quotas, the spread with its tree and their exports follow, in Chinese
// and in English.
func TestSitePages(t *testing.T) {
	t.Parallel()
	s := newVenueSite(t)
	county, city, sec := s.browser(t, "county_admin"), s.browser(t, "admin"), s.browser(t, "secretary")
	now := s.a.Core().Now().In(org.Shanghai)
	year, today := now.Year(), now.Format("2006-01-02")
	tomorrow := now.AddDate(0, 0, 1).Format("2006-01-02")

	if txt := pageText(county.get(t, "/sites")); !strings.Contains(txt, "尚无示范点：可由县（市、区）委或市级党（工）委组织部门推荐本年度的示范点培育对象。") {
		t.Errorf("the empty list: %.600s", txt)
	}
	form := county.get(t, "/sites/new")
	if txt := pageText(form); !strings.Contains(txt, fmt.Sprintf("%s %d 年名额 2–3 个，已推荐 0 个", s.county.Label(), year)) {
		t.Errorf("the form's quota line: %.800s", txt)
	}

	// Refused at the fields, as typed, nothing changed.
	before := s.siteTables(t)
	st, _, body := county.form(t, "/sites/new", url.Values{"org_id": {""}, "year": {fmt.Sprint(year)}, "materials": {"示范点"}}, nil)
	if st != 422 || fieldError(body, "org_id") != "请选择推荐为示范点的党组织" {
		t.Errorf("no organization: %d %q %q", st, fieldError(body, "org_id"), flash(body))
	}
	st, _, body = county.form(t, "/sites/new", url.Values{"org_id": {fmt.Sprint(s.community.ID)}, "year": {fmt.Sprint(year - 1)}, "materials": {"示范点"}}, nil)
	if st != 422 || fieldError(body, "materials") != "推荐材料（创建基础、特色做法和培育计划）请用 20–2000 字填写，现有 3 字" ||
		fieldError(body, "year") != fmt.Sprintf("推荐年度应为 %d 或 %d 年", year, year+1) || !strings.Contains(body, ">示范点</textarea>") {
		t.Errorf("short materials: %d %q %q", st, fieldError(body, "materials"), fieldError(body, "year"))
	}
	if after := s.siteTables(t); after != before {
		t.Fatalf("refused nominations changed the tables:\n%s\n%s", before, after)
	}

	st, at, body := county.form(t, "/sites/new", url.Values{"org_id": {fmt.Sprint(s.community.ID)}, "year": {fmt.Sprint(year)}, "materials": {sitePageMaterials}},
		map[string][]byte{"创建方案.jpg": prPhoto(t)})
	if st != 200 || flash(body) != fmt.Sprintf("已推荐%s为 %d 年示范点培育对象", s.community.Label(), year) || !regexp.MustCompile(`^/sites/\d+$`).MatchString(at) {
		t.Fatalf("nominate: %d %s %q", st, at, flash(body))
	}
	href := at
	txt := pageText(body)
	for _, want := range []string{"推荐单位 " + s.county.Label(), fmt.Sprintf("推荐年度 %d 年", year), "状态 已推荐，待培育", "验收、命名单位 南宁市委", sitePageMaterials, "推荐 · " + fmt.Sprintf("%d 年", year), "创建方案.jpg"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the site's page lacks %q: %.1500s", want, txt)
		}
	}
	// The photo downloads without the place it was taken.
	fileHref := regexp.MustCompile(`href="(/sites/\d+/files/\d+)"`).FindStringSubmatch(body)
	if fileHref == nil {
		t.Fatal("no file link")
	}
	resp, err := county.c.Get(county.base + fileHref[1])
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || strings.Contains(string(data), "GPSLatitude") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the photo: %d %s, Exif left: %v", resp.StatusCode, resp.Header.Get("Content-Type"), strings.Contains(string(data), "GPSLatitude"))
	}
	// The secretary reads the site and has no form on it.
	if body := sec.get(t, href); !strings.Contains(pageText(body), sitePageMaterials) || strings.Contains(body, `action="`+href+`/cultivate"`) {
		t.Errorf("the secretary's view: %.1500s", pageText(body))
	}

	// Cultivation: a date after today is refused at its field.
	before = s.siteTables(t)
	st, _, body = county.post(t, href+"/cultivate", url.Values{"cultivate_on": {tomorrow}, "text": {"召开创建推进会，明确任务清单。"}})
	if st != 422 || fieldError(body, "cultivate_on") != "培育日期不能晚于今天" || !strings.Contains(body, ">召开创建推进会，明确任务清单。</textarea>") {
		t.Errorf("a note tomorrow: %d %q", st, fieldError(body, "cultivate_on"))
	}
	if after := s.siteTables(t); after != before {
		t.Fatalf("a refused note changed the tables:\n%s\n%s", before, after)
	}
	st, _, body = county.post(t, href+"/cultivate", url.Values{"cultivate_on": {today}, "text": {"召开创建推进会，明确任务清单。"}})
	if st != 200 || flash(body) != "已办理，当前状态：培育中" {
		t.Fatalf("note: %d %q", st, flash(body))
	}
	// The county has no acceptance form; its request is refused.
	if strings.Contains(body, `action="`+href+`/accept"`) {
		t.Error("the county is offered the acceptance")
	}
	before = s.siteTables(t)
	st, _, body = county.form(t, href+"/accept", url.Values{"decision": {"pass"}, "conclusion": {"阵地规范、制度落实，同意通过验收。"}, "accept_on": {today}}, map[string][]byte{"验收.jpg": prPhoto(t)})
	if st != 200 || flash(body) != "您没有办理此事项的权限：应由南宁市委办理" {
		t.Errorf("the county accepts: %d %q", st, flash(body))
	}
	// The city: no evidence, refused at the files' field.
	st, _, body = city.form(t, href+"/accept", url.Values{"decision": {"pass"}, "conclusion": {"阵地规范、制度落实，同意通过验收。"}, "accept_on": {today}}, nil)
	if st != 422 || fieldError(body, "attachments") != "验收通过须上传至少一份验收材料（验收报告、现场照片或会议记录）" || !strings.Contains(body, `value="pass" checked`) {
		t.Errorf("no evidence: %d %q", st, fieldError(body, "attachments"))
	}
	if after := s.siteTables(t); after != before {
		t.Fatalf("refused acceptances changed the tables:\n%s\n%s", before, after)
	}
	st, _, body = city.form(t, href+"/accept", url.Values{"decision": {"pass"}, "conclusion": {"阵地规范、制度落实，同意通过验收。"}, "accept_on": {today}}, map[string][]byte{"验收.jpg": prPhoto(t)})
	if st != 200 || flash(body) != "已办理，当前状态：已验收，待命名" {
		t.Fatalf("accept: %d %q", st, flash(body))
	}
	st, _, body = city.post(t, href+"/designate", url.Values{"designate_year": {fmt.Sprint(year - 5)}, "designate_on": {today}})
	if st != 422 || !strings.HasPrefix(fieldError(body, "designate_year"), "命名年度应为") {
		t.Errorf("a year long past: %d %q", st, fieldError(body, "designate_year"))
	}
	st, _, body = city.post(t, href+"/designate", url.Values{"designate_year": {fmt.Sprint(year)}, "designate_on": {today}, "note": {"南组通〔2026〕12号"}})
	if st != 200 || flash(body) != "已办理，当前状态：已命名" {
		t.Fatalf("designate: %d %q", st, flash(body))
	}

	// The county adds a community the site leads; one of another county
	// is not found.
	other, _, err := s.a.Core().Orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001004"})
	if err != nil || len(other) != 1 {
		t.Fatal(err)
	}
	qx, _, err := s.a.Core().Orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450103001"})
	if err != nil || len(qx) != 1 {
		t.Fatal(err)
	}
	before = s.siteTables(t)
	st, _, body = county.post(t, href+"/lead", url.Values{"org_id": {fmt.Sprint(qx[0].ID)}, "lead_year": {fmt.Sprint(year)}})
	if st != 422 || !strings.Contains(fieldError(body, "org_id"), "不存在或不在您的管理范围内") {
		t.Errorf("another county's: %d %q", st, fieldError(body, "org_id"))
	}
	if after := s.siteTables(t); after != before {
		t.Fatalf("a refused organization changed the tables:\n%s\n%s", before, after)
	}
	st, _, body = county.post(t, href+"/lead", url.Values{"org_id": {fmt.Sprint(other[0].ID)}, "lead_year": {fmt.Sprint(year)}, "note": {"结对共建、现场观摩"}})
	if st != 200 || flash(body) != "已登记带动的党组织" || tableRow(t, body, "/orgs/"+fmt.Sprint(other[0].ID)) != "1 "+other[0].Label()+" 结对共建、现场观摩 "+fmt.Sprint(year)+" 结对共建、现场观摩" {
		t.Fatalf("lead: %d %q %q", st, flash(body), tableRow(t, body, "/orgs/"+fmt.Sprint(other[0].ID)))
	}

	// The list, its counts and its export.
	list := county.get(t, "/sites")
	if r := tableRow(t, list, href); r != fmt.Sprintf("1 %s 已命名 %s · %d 年 · 带动党组织 1 %s %d 已命名 %d 年度 1 培育 %s", s.community.Label(), s.county.Label(), year, s.county.Label(), year, year, today) {
		t.Errorf("the row: %q", r)
	}
	if m := regexp.MustCompile(`(?s)<div class="v">([^<]*)</div><div class="l">已命名</div>`).FindStringSubmatch(list); m == nil || m[1] != "1" {
		t.Errorf("the designated count: %v", m)
	}
	if txt := pageText(county.get(t, "/sites?state=revoked")); !strings.Contains(txt, "没有符合条件的示范点") {
		t.Errorf("no revoked site: %.500s", txt)
	}
	rows := xlsxRows(t, county, "/sites/export.xlsx?state=designated")
	if got := strings.Join(rows[len(rows)-1], "|"); got != fmt.Sprintf("1|%s|%s|%d|已命名|1|%s|%s|%d|%s|||1", s.community.Label(), s.county.Label(), year, today, today, year, today) {
		t.Errorf("export: %q", got)
	}

	// The quotas: the county reads its own and sets none; the city sets
	// it, a maximum below the minimum refused at its field.
	q := county.get(t, "/sites/quotas")
	if r := tableRow(t, q, "/sites?unit="+fmt.Sprint(s.county.ID)); r != "1 "+s.county.Label()+" 名额（个） 2–3 · 已推荐 1 南宁市委 2–3 默认 1 1 未达最低名额" || strings.Contains(q, `method="post" action="/sites/quotas"`) {
		t.Errorf("the county's quotas: %q", r)
	}
	before = s.siteTables(t)
	st, _, body = city.post(t, "/sites/quotas", url.Values{"quota_org": {fmt.Sprint(s.county.ID)}, "quota_year": {fmt.Sprint(year)}, "min": {"3"}, "max": {"2"}})
	if st != 422 || fieldError(body, "max") != "最多名额（2 个）不能少于最少名额（3 个）" || !strings.Contains(body, `value="3"`) {
		t.Errorf("max below min: %d %q", st, fieldError(body, "max"))
	}
	if after := s.siteTables(t); after != before {
		t.Fatalf("a refused quota changed the tables:\n%s\n%s", before, after)
	}
	st, _, body = city.post(t, "/sites/quotas", url.Values{"quota_org": {fmt.Sprint(s.county.ID)}, "quota_year": {fmt.Sprint(year)}, "min": {"1"}, "max": {"4"}})
	if st != 200 || flash(body) != fmt.Sprintf("已设置%s %d 年示范点推荐名额为 1–4 个", s.county.Label(), year) ||
		tableRow(t, body, "/sites?unit="+fmt.Sprint(s.county.ID)) != "1 "+s.county.Label()+" 名额（个） 1–4 · 已推荐 1 南宁市委 1–4 已设置 1 1 名额内" {
		t.Errorf("set: %d %q %q", st, flash(body), tableRow(t, body, "/sites?unit="+fmt.Sprint(s.county.ID)))
	}
	rows = xlsxRows(t, city, fmt.Sprintf("/sites/quotas.xlsx?year=%d", year))
	if got := strings.Join(rows[4], "|"); got != fmt.Sprintf("1|%s|南宁市委|%d|1|4|已设置|1|1|名额内", s.county.Label(), year) {
		t.Errorf("quotas export: %q", got)
	}

	// The spread: the charts' figures, the table and the tree.
	sp := county.get(t, "/sites/spread")
	if !strings.Contains(sp, `"title":"历年已命名示范点（个）"`) || !strings.Contains(sp, fmt.Sprintf(`{"name":"%d 年","value":1,"href":"/sites/spread?org=%d\u0026from=%d\u0026to=%d\u0026year=%d#tree"}`, year, s.county.ID, year-2, year, year)) {
		t.Errorf("the spread's charts: %.3000s", sp)
	}
	tree := regexp.MustCompile(`(?s)<ul class="tree site-tree">.*</ul>`).FindString(sp)
	if txt := pageText(tree); txt != fmt.Sprintf("%s 示范点 1 · 带动 1 %s 示范点 1 · 带动 1 %s ★ 示范点（%d 年度） %s ◎ 带动：%s（%d 年起）", s.county.Label(), s.street.Label(), s.community.Label(), year, other[0].Label(), s.community.Label(), year) {
		t.Errorf("the tree: %q", txt)
	}
	rows = xlsxRows(t, county, "/sites/spread.xlsx")
	if got := strings.Join(rows[len(rows)-1], "|"); got != "|合计|0|0|0|0|0|0|1|1|1" {
		t.Errorf("spread export: %q", got)
	}

	// The audit log names the site by its organization and year.
	if r := tableRow(t, city.get(t, "/audit?action=site.designate"), `class="target"`); !strings.Contains(r, fmt.Sprintf("命名示范点 %s · %d 示范点", s.community.Label(), year)) {
		t.Errorf("the audit log's row: %q", r)
	}

	// In English.
	if _, err := county.c.Get(county.base + "/lang?to=en&back=/"); err != nil {
		t.Fatal(err)
	}
	en := pageText(county.get(t, href))
	for _, want := range []string{"Nominating unit " + s.county.Label(), "State Designated", "Organizations the site leads", "Timeline", "Add an organization led"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English page lacks %q: %.1500s", want, en)
		}
	}
	if en := pageText(county.get(t, "/sites/spread")); !strings.Contains(en, "Spread of the demonstration sites") || !strings.Contains(en, fmt.Sprintf("★ Site (%d)", year)) {
		t.Errorf("the English spread: %.1500s", en)
	}
}
