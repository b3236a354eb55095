package server

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// personID builds a valid ID number of a region, a birth date (YYYYMMDD)
// and a serial; an odd serial is a man.
func personID(region, birth string, serial int) string {
	first17 := fmt.Sprintf("%s%s%03d", region, birth, serial)
	return first17 + string(ids.IDCardCheckChar(first17))
}

// pplFixture is the demo tree with three members registered through the
// form by county_admin (兴宁区委's organization department):
//
//	name  organization    kind          joined         ID number            phone
//	张伟   兴宁社区党支部     full          2010-07-01     450102 19850312 123  13812345678
//	李娜   兴宁社区党支部     full          2018-06-30     450103 19950620 124  —
//	王芳   民生街道党工委     probationary  two months ago 450102 20000101 222  —
//
// In pinyin order: 李娜, 王芳, 张伟.
type pplFixture struct {
	*fixture
	b              *browser
	joined         string // 王芳's date of joining
	zw, ln, wf     string // their pages
	zwID, lnID     string
	c3Name, msName string
}

func newPplFixture(t *testing.T) *pplFixture {
	t.Helper()
	f := &pplFixture{fixture: newFixture(t), zwID: personID("450102", "19850312", 123), lnID: personID("450103", "19950620", 124),
		c3Name: "兴宁社区党支部", msName: "民生街道党工委"}
	f.b = f.browser(t, "county_admin")
	f.joined = time.Now().In(org.Shanghai).AddDate(0, -2, 0).Format("2006-01-02")
	add := func(form url.Values) string {
		t.Helper()
		st, at, body := f.b.status(t, "POST", "/people/new", form)
		if st != 200 || !strings.HasPrefix(at, "/people/") || !strings.Contains(body, "已登记党员“"+form.Get("name")+"”") {
			t.Fatalf("register %s: %d at %s: %s", form.Get("name"), st, at, flashOf(body))
		}
		return at
	}
	f.zw = add(url.Values{"name": {"张伟"}, "id_number": {f.zwID}, "ethnicity": {"01"}, "education": {"21"}, "phone": {"13812345678"},
		"org_id_q": {f.c3Name}, "kind": {"full"}, "joined_on": {"2010-07-01"}, "full_on": {"2011-07-01"}})
	f.ln = add(url.Values{"name": {"李娜"}, "id_number": {f.lnID}, "gender": {"female"}, "birth_date": {"1995-06-20"}, "ethnicity": {"08"}, "education": {"14"},
		"org_id_q": {f.c3Name}, "kind": {"full"}, "joined_on": {"2018-06-30"}})
	f.wf = add(url.Values{"name": {"王芳"}, "id_number": {personID("450102", "20000101", 222)}, "ethnicity": {"01"}, "education": {"31"},
		"org_id_q": {f.msName}, "kind": {"probationary"}, "joined_on": {f.joined}, "full_on": {"2026-01-01"}})
	return f
}

// TestPeopleFormKeepsWhatWasTyped: the add-member form refuses a wrong check
// digit and a birth date that disagrees with the ID number, each at its
// field, and shows again what was typed.
func TestPeopleFormKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "county_admin")
	body := b.get(t, "/people")
	if txt := text(body); !strings.Contains(txt, "尚未登记党员，可逐个登记") || !strings.Contains(body, `href="/people/new"`) {
		t.Errorf("empty register: %.400s", txt)
	}
	// The organization is left to choose, not prefilled with the committee
	// at the top of the scope; from a list of one organization, it is that one.
	body = b.get(t, "/people/new")
	if id, name, _ := pickerOf(t, body, "org_id"); id != "" || name != "" {
		t.Errorf("the form prefills the organization: %q %q", id, name)
	}
	street, _, _ := evalOrgs(t, f)
	if id, name, _ := pickerOf(t, b.get(t, fmt.Sprintf("/people/new?org=%d", street.ID)), "org_id"); id != fmt.Sprint(street.ID) || name != street.Name {
		t.Errorf("the form from the list of %s: %q %q", street.Name, id, name)
	}
	if !strings.Contains(body, `<option value="">请选择</option><option value="01" selected>汉族</option><option value="02">蒙古族</option>`) {
		t.Errorf("ethnic groups: 汉族 first and chosen")
	}
	good := personID("450102", "19850312", 135)
	wrong := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	form := url.Values{"name": {"赵强"}, "id_number": {wrong}, "ethnicity": {"08"}, "education": {"21"}, "phone": {"13912345678"},
		"org_id_q": {"兴宁社区党支部"}, "kind": {"full"}, "joined_on": {"2012-07-01"}}
	st, _, body := b.status(t, "POST", "/people/new", form)
	if got := errAt(body, "id_number"); st != 422 || got != "身份证号第 18 位校验码与前 17 位不符：可能有数字输错，请对照证件逐位核对，不要只改第 18 位" {
		t.Errorf("wrong check digit: %d %q", st, got)
	}
	for _, want := range []string{`value="赵强"`, `value="` + wrong + `"`, `<option value="08" selected>壮族</option>`, `value="13912345678"`, `value="2012-07-01"`,
		`<input type="radio" name="kind" value="full" checked>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lost %s", want)
		}
	}
	if id, name, _ := pickerOf(t, body, "org_id"); id == "" || name != "兴宁社区党支部" {
		t.Errorf("the organization typed is not kept: %q %q", id, name)
	}
	form.Set("id_number", good)
	form.Set("birth_date", "1985-03-13")
	st, _, body = b.status(t, "POST", "/people/new", form)
	if got := errAt(body, "birth_date"); st != 422 || got != "出生日期与身份证号不符：身份证号第 7–14 位为 1985-03-12" {
		t.Errorf("birth date: %d %q", st, got)
	}
	if !strings.Contains(body, `value="1985-03-13"`) || errAt(body, "id_number") != "" {
		t.Errorf("the birth date typed is lost, or the good ID number refused")
	}
	if n := f.count(t, "SELECT COUNT(*) FROM persons"); n != 0 {
		t.Errorf("%d persons after refused forms", n)
	}
}

// TestPeopleList: the members in pinyin order with their columns, found by
// name and by a whole ID number, filtered, scoped to an organization, and
// exported with the numbers masked.
func TestPeopleList(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	b := f.b
	body := b.get(t, "/people")
	txt := text(body)
	for _, want := range []string{"3 党员总数", "2 女党员 占 66.7%", "1 预备党员 占 33.3%", "0 流动党员", "共 3 条"} {
		if !strings.Contains(txt, want) {
			t.Errorf("list lacks %q: %.600s", want, txt)
		}
	}
	if i, j, k := strings.Index(body, ">李娜<"), strings.Index(body, ">王芳<"), strings.Index(body, ">张伟<"); !(0 <= i && i < j && j < k) {
		t.Errorf("not in pinyin order: %d %d %d", i, j, k)
	}
	for name, want := range map[string]string{
		"李娜": "1 李娜 女 · 31 岁 女 31 壮族 硕士研究生 450103********" + f.lnID[14:] + " 兴宁社区党支部 正式党员 2018-06-30 正常",
		"王芳": "2 王芳 女 · 26 岁 女 26 汉族 大学专科 450102********" + personID("450102", "20000101", 222)[14:] + " 民生街道党工委 预备党员 " + f.joined + " 正常",
		"张伟": "3 张伟 男 · 41 岁 男 41 汉族 大学本科 450102********" + f.zwID[14:] + " 兴宁社区党支部 正式党员 2010-07-01 正常",
	} {
		if got := row(t, body, ">"+name+"<"); got != want {
			t.Errorf("row of %s:\n got %q\nwant %q", name, got, want)
		}
	}
	if strings.Contains(body, f.zwID) || strings.Contains(body, "13812345678") {
		t.Errorf("a full number on the list")
	}
	count := func(path string) string {
		t.Helper()
		m := totalRE.FindStringSubmatch(text(b.get(t, path)))
		if m == nil {
			return "none"
		}
		return m[1]
	}
	for path, want := range map[string]string{
		"/people?q=" + url.QueryEscape("李"):           "1",
		"/people?q=" + f.zwID:                         "1",
		"/people?q=" + f.zwID[:14]:                    "none",
		"/people?kind=probationary":                   "1",
		"/people?kind=full&q=" + url.QueryEscape("王"): "none",
		"/people?org_q=" + url.QueryEscape(f.msName):  "3",
	} {
		if got := count(path); got != want {
			t.Errorf("%s: %s found, want %s", path, got, want)
		}
	}
	if txt := text(b.get(t, "/people?q="+f.zwID)); !strings.Contains(txt, "张伟") {
		t.Errorf("search by ID number does not find 张伟")
	}
	if txt := text(b.get(t, "/people?q=nobody")); !strings.Contains(txt, "没有符合条件的记录，请调整搜索条件") {
		t.Errorf("empty search")
	}
	// A community's members: its breadcrumb leads back up.
	c3 := f.orgByName(t, f.c3Name)
	body = b.get(t, fmt.Sprintf("/people?org=%d", c3.ID))
	if txt := text(body); !strings.Contains(txt, "共 2 条") || !strings.Contains(txt, "范围："+f.c3Name) || strings.Contains(txt, "王芳") {
		t.Errorf("community list: %.500s", txt)
	}
	if !strings.Contains(body, `<a href="/people?org=`) || !strings.Contains(body, fmt.Sprintf(`href="/people/export.xlsx?org=%d"`, c3.ID)) {
		t.Errorf("breadcrumb or export link of the community")
	}

	// The export: the same filters, the numbers masked.
	cd, rows := b.xlsx(t, "/people/export.xlsx?kind=full")
	if !strings.Contains(cd, "兴宁区委_党员名册_") || rows[0][0] != "兴宁区委 党员名册" || rows[1][0] != "筛选：类别=正式党员" {
		t.Fatalf("export: %q %q %q", cd, rows[0], rows[1])
	}
	if got := strings.Join(rows[3], ","); got != "序号,姓名,性别,年龄,民族,学历,身份证号,电话,所在党组织,类别,入党日期,转正日期,状态,流入地,提示" {
		t.Errorf("export header %q", got)
	}
	if len(rows) != 6 {
		t.Fatalf("export rows %d, want 2 members", len(rows)-4)
	}
	if got := strings.Join(rows[5], ","); got != "2,张伟,男,41,汉族,大学本科,450102********"+f.zwID[14:]+",138****5678,兴宁社区党支部,正式党员,2010-07-01,2011-07-01,正常" {
		t.Errorf("export row of 张伟: %q", got)
	}
	_, rows = b.xlsx(t, "/people/export.xlsx?q="+f.zwID)
	if rows[1][0] != "筛选：关键词=450102********"+f.zwID[14:] || len(rows) != 5 {
		t.Errorf("export by ID number: %q, %d rows", rows[1], len(rows))
	}
	for _, r := range rows {
		if strings.Contains(strings.Join(r, ","), f.zwID) {
			t.Errorf("the export shows the full ID number: %q", r)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND (summary LIKE ? OR after_json LIKE ?)", "%"+f.zwID+"%", "%"+f.zwID+"%"); n != 0 {
		t.Errorf("the audit entry of the export holds the full ID number")
	}
}

// totalRE finds the total of a list page.
var totalRE = regexp.MustCompile(`共 (\d+) 条`)

// TestPersonPage: the facts masked, the timeline, a change of status, a
// conversion refused before the year is over, a reveal by the
// organization department that is audited, and none for a secretary.
func TestPersonPage(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	b := f.b
	body := b.get(t, f.zw)
	txt := text(body)
	for _, want := range []string{"姓名 张伟", "性别 男", "出生日期 1985-03-12", "民族 汉族", "学历 大学本科", "身份证号 450102********" + f.zwID[14:] + " 查看完整号码",
		"电话 138****5678 查看完整号码", "所在党组织 兴宁社区党支部", "类别 正式党员", "入党日期 2010-07-01", "转正日期 2011-07-01", "状态 正常",
		"2010-07-01 登记为兴宁社区党支部正式党员 经办：county_admin"} {
		if !strings.Contains(txt, want) {
			t.Errorf("person page lacks %q: %.900s", want, txt)
		}
	}
	if strings.Contains(body, f.zwID) || strings.Contains(body, "13812345678") {
		t.Errorf("a full number on the person page")
	}

	// Floating without a place is refused at its field; with one it is recorded.
	today := time.Now().In(org.Shanghai).Format("2006-01-02")
	st, _, body := b.status(t, "POST", f.zw+"/status", url.Values{"status": {"floating"}, "where": {""}, "on_date": {today}})
	if got := errAt(body, "where"); st != 422 || got != "请填写流动党员的流入地（最多 100 字），如“广东省深圳市宝安区”" || !strings.Contains(body, `<option value="floating" selected>`) {
		t.Errorf("floating without a place: %d %q", st, got)
	}
	st, at, body := b.status(t, "POST", f.zw+"/status", url.Values{"status": {"floating"}, "where": {"广东省深圳市宝安区"}, "on_date": {today}})
	txt = text(body)
	if st != 200 || at != f.zw || !strings.Contains(txt, "已将张伟的状态变更为流动党员") || !strings.Contains(txt, "流入地 广东省深圳市宝安区") ||
		!strings.Contains(txt, today+" 状态变更为流动党员（流入地：广东省深圳市宝安区）") {
		t.Errorf("status change: %d at %s: %.900s", st, at, txt)
	}
	if i, j := strings.Index(txt, "登记为兴宁社区党支部正式党员"), strings.Index(txt, "状态变更为流动党员（"); i < 0 || j < i {
		t.Errorf("the timeline is not oldest first")
	}
	if got := text(b.get(t, "/people?status=floating")); !strings.Contains(got, "共 1 条") || !strings.Contains(got, "张伟") {
		t.Errorf("floating filter")
	}

	// A probationary member is converted a year after joining, not before.
	body = b.get(t, f.wf)
	due := mustDate(t, f.joined).AddDate(1, 0, 0).Format("2006-01-02")
	if txt := text(body); !strings.Contains(txt, "预备期满 "+due) || !strings.Contains(body, `action="`+f.wf+`/convert"`) {
		t.Errorf("probation: %.600s", txt)
	}
	if strings.Contains(b.get(t, f.zw), `/convert"`) {
		t.Errorf("a full member is offered conversion")
	}
	st, _, body = b.status(t, "POST", f.wf+"/convert", url.Values{"full_on": {today}})
	if got := errAt(body, "full_on"); st != 422 || got != "预备期为一年：最早可于 "+due+" 转正" {
		t.Errorf("early conversion: %d %q", st, got)
	}

	// The organization department sees a number in full, once, audited.
	st, at, body = b.status(t, "POST", f.zw+"/reveal", url.Values{"field": {"id_number"}})
	if st != 200 || at != f.zw+"/reveal" || !strings.Contains(body, f.zwID) || !strings.Contains(text(body), "本次查看已记入操作日志") || strings.Contains(body, "13812345678") {
		t.Errorf("reveal: %d at %s", st, at)
	}
	resp, err := b.c.PostForm(b.base+f.zw+"/reveal", url.Values{"field": {"phone"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") || resp.StatusCode != 200 {
		t.Errorf("reveal answer: %d, Cache-Control %q", resp.StatusCode, cc)
	}
	for _, c := range resp.Cookies() {
		if strings.Contains(c.Value, "13812345678") {
			t.Errorf("the phone in a cookie")
		}
	}
	id := strings.TrimPrefix(f.zw, "/people/")
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.reveal' AND target_id = ? AND actor_name = 'county_admin'", id); n != 2 {
		t.Errorf("%d reveal entries, want 2", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE summary LIKE ? OR after_json LIKE ? OR summary LIKE ?", "%"+f.zwID+"%", "%"+f.zwID+"%", "%13812345678%"); n != 0 {
		t.Errorf("a full number in the audit log")
	}
	if body := b.get(t, f.zw); strings.Contains(body, f.zwID) {
		t.Errorf("the number stays in full after the reveal")
	}

	// A secretary manages the community's members but sees no number in full.
	s := f.browser(t, "secretary")
	body = s.get(t, f.ln)
	if txt := text(body); !strings.Contains(txt, "李娜") || strings.Contains(body, "/reveal") || strings.Contains(txt, "查看完整号码") || !strings.Contains(body, `action="`+f.ln+`/status"`) {
		t.Errorf("secretary's page: %.600s", txt)
	}
	if st, _, body := s.status(t, "POST", f.ln+"/reveal", url.Values{"field": {"id_number"}}); st != 403 || strings.Contains(body, f.lnID) {
		t.Errorf("reveal by a secretary: %d", st)
	}
	// 王芳 is in the street, outside the secretary's community.
	if st, _, _ := s.status(t, "GET", f.wf, nil); st != 404 {
		t.Errorf("a member outside the secretary's organization: %d", st)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.reveal' AND actor_name = 'secretary'"); n != 0 {
		t.Errorf("a refused reveal audited as one")
	}
}

// TestPeoplePagesInEnglish: labels of codes and the page's words in English.
func TestPeoplePagesInEnglish(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	b := f.b
	b.english(t)
	body := b.get(t, "/people")
	txt := text(body)
	for _, want := range []string{"Member register", "3 Members", "Women", "Probationary member", "Full member", "Bachelor's degree", "Zhuang", "Female", "Total 3"} {
		if !strings.Contains(txt, want) {
			t.Errorf("English list lacks %q: %.600s", want, txt)
		}
	}
	txt = text(b.get(t, f.wf))
	for _, want := range []string{"Probation ends", "Change status", "Full membership", "registered as a probationary member of"} {
		if !strings.Contains(txt, want) {
			t.Errorf("English person page lacks %q: %.900s", want, txt)
		}
	}
	st, _, body := b.status(t, "POST", f.wf+"/convert", url.Values{"full_on": {time.Now().In(org.Shanghai).Format("2006-01-02")}})
	if got := errAt(body, "full_on"); st != 422 || !strings.HasPrefix(got, "Probation lasts a year: full membership from ") {
		t.Errorf("English refusal: %d %q", st, got)
	}
}

// orgByName finds an organization of the demo tree by its name or label.
func (f *fixture) orgByName(t *testing.T, name string) org.Org {
	t.Helper()
	l, _, err := f.orgs.List(t.Context(), testrig.Admin, org.ListQuery{Q: name, Sort: "relevance", Limit: 1})
	if err != nil || len(l) != 1 {
		t.Fatalf("organization %s: %v", name, err)
	}
	return l[0]
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestExportSearchKeepsTheNumberMasked: a whole ID number searched with a
// space before it, in full-width digits or split in groups still finds its
// member, and neither the file's filter line nor the export's audit entry
// holds the number.
func TestExportSearchKeepsTheNumberMasked(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	wide := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '０' + (r - '0')
		}
		return r
	}, f.zwID)
	for _, q := range []string{" " + f.zwID, wide, f.zwID[:6] + " " + f.zwID[6:14] + " " + f.zwID[14:]} {
		_, rows := f.b.xlsx(t, "/people/export.xlsx?q="+url.QueryEscape(q))
		if len(rows) != 5 || rows[4][1] != "张伟" {
			t.Errorf("search %q: %d rows", q, len(rows)-4)
		}
		if all := fmt.Sprint(rows); strings.Contains(all, f.zwID) || strings.Contains(all, f.zwID[6:14]) || strings.Contains(all, wide) {
			t.Errorf("search %q: the file holds the number: %q", q, rows[1])
		}
	}
	var n int
	if err := f.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE summary LIKE ? OR after_json LIKE ? OR summary LIKE ? OR after_json LIKE ?",
		"%"+f.zwID[6:14]+"%", "%"+f.zwID[6:14]+"%", "%"+wide[6*3:14*3]+"%", "%"+wide[6*3:14*3]+"%").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d audit entries hold the number (%v)", n, err)
	}
}

// TestPeopleListPagesByPosition: in name order the pager links to the next
// page after the last member shown and to the previous one before the
// first, with the page's 序号; each page by position is the page by
// number.
func TestPeopleListPagesByPosition(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	b := f.b
	for i := range 20 {
		form := url.Values{"name": {"郑" + string(rune('一'+i))}, "id_number": {personID("450102", "19900101", 300+i)}, "ethnicity": {"01"}, "education": {"21"},
			"org_id_q": {f.c3Name}, "kind": {"full"}, "joined_on": {"2015-07-01"}}
		if st, at, body := b.status(t, "POST", "/people/new", form); st != 200 || !strings.HasPrefix(at, "/people/") {
			t.Fatalf("register %s: %d %s", form.Get("name"), st, flashOf(body))
		}
	}
	link := func(body, rel string) string {
		t.Helper()
		m := regexp.MustCompile(`href="([^"]*)" rel="` + rel + `"`).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	rows := func(body string) string {
		var out []string
		for _, tr := range regexp.MustCompile(`(?s)<tbody>.*?</tbody>`).FindAllString(body, -1) {
			for _, r := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(tr, -1) {
				out = append(out, strings.Join(strings.Fields(text(r))[:2], " "))
			}
		}
		return strings.Join(out, "; ")
	}
	first := b.get(t, "/people?per=10")
	next := link(first, "next")
	if !strings.HasPrefix(next, "/people?page=2&per=10&after=") {
		t.Fatalf("the first page's next link: %q", next)
	}
	second := b.get(t, next)
	if got, want := rows(second), rows(b.get(t, "/people?per=10&page=2")); got != want || !strings.HasPrefix(got, "11 ") {
		t.Errorf("page 2 by position:\n%s\nby number:\n%s", got, want)
	}
	if prev := link(second, "prev"); prev != "/people?page=1&per=10" {
		t.Errorf("page 2's previous link: %q", prev)
	}
	third := b.get(t, link(second, "next"))
	if got := rows(third); !strings.HasPrefix(got, "21 ") || strings.Count(got, ";") != 2 || link(third, "next") != "" {
		t.Errorf("page 3: %s, next %q", got, link(third, "next"))
	}
	prev := link(third, "prev")
	if !strings.HasPrefix(prev, "/people?page=2&per=10&before=") || rows(b.get(t, prev)) != rows(second) {
		t.Errorf("page 3's previous link %q shows %s", prev, rows(b.get(t, prev)))
	}
	// Another order drops the position; a made-up one is refused.
	for _, h := range regexp.MustCompile(`href="([^"]*sort=[^"]*)"`).FindAllStringSubmatch(second, -1) {
		if strings.Contains(h[1], "after=") {
			t.Errorf("a sort link keeps the position: %s", h[1])
		}
	}
	if st, _, body := b.status(t, "GET", "/people?sort=age&after=zz.1", nil); st != 200 || !strings.Contains(text(body), "共 23 条") {
		t.Errorf("a position with another order is dropped: %d %.300s", st, text(body))
	}
	if st, _, body := b.status(t, "GET", "/people?per=10&page=2&after=zz.1", nil); st != 422 || !strings.Contains(text(body), "翻页位置无效，请从第一页重新翻页") {
		t.Errorf("a made-up position: %d %.300s", st, text(body))
	}
}

// TestCockpitMembers: the cockpit carries the register's card with the
// subtree's figures, each linking to the members it counts, and its two
// charts; a user who may not read members sees no card.
func TestCockpitMembers(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	body := f.b.get(t, "/")
	txt := text(body)
	for _, want := range []string{"党员队伍 查看详情 ›", "3 党员总数 正式 2 · 预备 1", "2 女党员 占 66.7%", "2 35岁及以下 占 66.7%", "3 大专及以上学历 占 100.0%", "0 流动党员 占 0.0%",
		"年龄段（按年底年龄）", "学历"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the cockpit lacks %q: %.900s", want, txt)
		}
	}
	county := f.orgByName(t, "兴宁区委")
	for _, href := range []string{fmt.Sprintf(`href="/people/stats?org=%d"`, county.ID), fmt.Sprintf(`href="/people?org=%d&amp;age_band=35"`, county.ID), `id="ppl-age"`, `id="ppl-edu"`} {
		if !strings.Contains(body, href) {
			t.Errorf("the cockpit lacks %s", href)
		}
	}
	if txt := text(f.browser(t, "evaluator").get(t, "/")); strings.Contains(txt, "党员队伍") {
		t.Errorf("an evaluator sees the register's card")
	}
}
