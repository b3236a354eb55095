package server

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	qrcode "github.com/yeqown/go-qrcode/v2"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// csFixture is the demo tree and accounts with the residents' channel at
// hand: county_admin is 兴宁区委's organization department, integrity its
// integrity officer, admin and custodian sit on 南宁市委, the top.
type csFixture struct {
	*fixture
	cs *cases.Service
	// xingning and qingxiu are two counties; ms is 民生街道党工委 and c3
	// 兴宁社区, below xingning; qx a township of qingxiu.
	xingning, qingxiu, ms, c3, qx org.Org
}

func newCsFixture(t *testing.T, edit func(*Deps)) *csFixture {
	t.Helper()
	d, res := nanning.Open(t)
	a, h := newApp(t, d, edit)
	srv := httptest.NewServer(h)
	testrig.Cleanup(t, srv.Close)
	f := &csFixture{fixture: &fixture{srv: srv, d: d, orgs: a.Core().Orgs, accts: a.Core().Accounts, perms: a.Core().Perms, pw: map[string]string{}, root: res.Init.RootID},
		cs: app.Service[*cases.Service](a)}
	for _, acc := range res.Accounts {
		f.pw[acc.Username] = acc.Password
	}
	get := func(code string) org.Org {
		l, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("org %s: %v %d", code, err, len(l))
		}
		return l[0]
	}
	f.xingning, f.qingxiu, f.ms, f.c3, f.qx = get("450102"), get("450103"), get("450102001"), get("450102001003"), get("450103001")
	return f
}

// actor logs user in and returns it as an actor of the domain.
func (f *csFixture) actor(t *testing.T, user string) access.Actor {
	t.Helper()
	_, a, err := f.accts.Login(context.Background(), user, f.pw[user], "test")
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return a
}

// user creates an account with one grant.
func (f *csFixture) user(t *testing.T, name string, role access.Role, at org.Org) {
	t.Helper()
	f.pw[name] = "Stations-password-2026"
	if _, err := f.accts.Create(context.Background(), testrig.Admin, account.NewUser{Username: name, DisplayName: name, Password: f.pw[name], HomeOrgID: at.ID, Role: role}); err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
}

func (f *csFixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// flash is the text of the flash message of a page.
func flash(body string) string { return html.UnescapeString(flashOf(body)) }

// evil are a station's name and an activity's title that would run script
// if a page printed them as they are.
const (
	evilName  = `<script>alert("站")</script>廉洁站`
	evilTitle = `<img src=x onerror=alert(1)>宣讲`
)

// TestCasesStationsPages registers a workstation through its form as the
// county's organization department would: a refused form keeps what was
// typed and says what to fix at each field; the station then shows in the
// list and its export, an activity is recorded (one dated tomorrow is
// refused), a stale edit shows what is stored, and a second station at
// the same organization is refused. Names that hold markup are shown as
// text on every page and written as text to the file.
func TestCasesStationsPages(t *testing.T) {
	t.Parallel()
	f := newCsFixture(t, nil)
	b := f.browser(t, "county_admin")

	body := b.get(t, "/stations")
	if txt := text(body); !strings.Contains(txt, "尚无廉洁工作站。登记后可打印带二维码的海报，居民扫码即可反映问题。") {
		t.Errorf("the empty list: %.400s", txt)
	}
	form := url.Values{"org_id_q": {f.ms.Name}, "name": {"站"}, "address": {"民生路 88 号党群服务中心二楼"}, "staff": {"李明（纪检委员）"},
		"hours": {"工作日 9:00–12:00"}, "phone": {"12345"}}
	st, _, body := b.status(t, "POST", "/stations/new", form)
	if st != 422 || errAt(body, "name") != "请填写工作站名称（2 至 50 字），如“民生街道廉洁工作站”" ||
		errAt(body, "phone") != "请填写 11 位手机号或带区号的固定电话（如 0771-5551234）" || flash(body) != "表单中有 2 处需要修改，请看各字段下的提示" {
		t.Errorf("a bad form: %d name %q phone %q flash %q", st, errAt(body, "name"), errAt(body, "phone"), flash(body))
	}
	if !strings.Contains(body, `value="民生路 88 号党群服务中心二楼"`) || !strings.Contains(body, `value="12345"`) || !strings.Contains(body, `name="org_id" value="`+strconv.FormatInt(f.ms.ID, 10)+`"`) {
		t.Errorf("the form lost what was typed")
	}
	if n := f.count(t, "SELECT COUNT(*) FROM integrity_stations"); n != 0 {
		t.Fatalf("%d stations after a refused form", n)
	}
	form.Set("name", evilName)
	form.Set("phone", "0771-5551234")
	st, at, body := b.status(t, "POST", "/stations/new", form)
	if st != 200 || !strings.HasPrefix(at, "/stations/") || flash(body) != "已登记廉洁工作站“"+evilName+"”" {
		t.Fatalf("register: %d %s %q", st, at, flash(body))
	}
	page := at
	id := strings.TrimPrefix(page, "/stations/")

	// One station per organization: a second is refused at the field,
	// with the other fields' problems.
	form.Set("name", "民生街道第二廉洁工作站")
	form.Set("phone", "5551234")
	if st, _, body = b.status(t, "POST", "/stations/new", form); st != 422 || errAt(body, "org_id") != "“"+f.ms.Label()+"”已有廉洁工作站“"+evilName+"”（一个组织只设一个），请到该工作站的页面修改" ||
		errAt(body, "phone") != "请填写 11 位手机号或带区号的固定电话（如 0771-5551234）" || errAt(body, "name") != "" {
		t.Errorf("a second station: %d %q %q %q", st, errAt(body, "org_id"), errAt(body, "phone"), errAt(body, "name"))
	}
	if n := f.count(t, "SELECT COUNT(*) FROM integrity_stations"); n != 1 {
		t.Errorf("%d stations after a second was refused", n)
	}

	// Activities: a date after today is refused at its field, as typed.
	tomorrow := time.Now().In(org.Shanghai).AddDate(0, 0, 1).Format("2006-01-02")
	act := url.Values{"held_on": {tomorrow}, "title": {evilTitle}, "participants": {"36"}, "materials": {"签到表存党群服务中心档案柜"}}
	st, _, body = b.status(t, "POST", page+"/activities", act)
	if st != 422 || errAt(body, "held_on") != "活动日期不能晚于今天" || !strings.Contains(body, `value="`+tomorrow+`"`) || !strings.Contains(body, "签到表存党群服务中心档案柜</textarea>") {
		t.Errorf("an activity tomorrow: %d %q", st, errAt(body, "held_on"))
	}
	act.Set("held_on", "2026-03-15")
	if _, _, body = b.status(t, "POST", page+"/activities", act); flash(body) != "已登记活动“"+evilTitle+"”（2026-03-15）" {
		t.Fatalf("record an activity: %q", flash(body))
	}
	act.Set("held_on", "2026-05-20")
	act.Set("title", "清廉村居建设座谈")
	act.Set("participants", "14")
	b.status(t, "POST", page+"/activities", act)
	txt := text(b.get(t, page))
	for _, want := range []string{"共 2 次活动，参加 50 人次", "1 2026-05-20 清廉村居建设座谈 14", "2 2026-03-15 " + evilTitle + " 36",
		"所属组织 " + f.ms.Name, "地址 民生路 88 号党群服务中心二楼", "开放时间 工作日 9:00–12:00", "联系电话 0771-5551234"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the station's page lacks %q: %.1200s", want, txt)
		}
	}

	// The list, its search and its export.
	body = b.get(t, "/stations")
	if r := row(t, body, "/stations/"+id+`"`); r != "1 "+f.ms.Name+" "+evilName+" "+f.ms.Name+" · 民生路 88 号党群服务中心二楼 民生路 88 号党群服务中心二楼 工作日 9:00–12:00 0771-5551234 2 海报" {
		t.Errorf("the list's row: %q", r)
	}
	if txt := text(body); !strings.Contains(txt, "1 工作站 2 累计活动 0 尚无活动的工作站") {
		t.Errorf("the figures: %.300s", txt)
	}
	if txt := text(b.get(t, "/stations?q=民生路")); !strings.Contains(txt, "共 1 条") {
		t.Errorf("a search by address finds nothing: %.600s", txt)
	}
	if txt := text(b.get(t, "/stations?q=不存在的地方")); !strings.Contains(txt, "没有符合条件的记录，请调整搜索条件") {
		t.Errorf("a search that finds nothing: %.600s", txt)
	}
	name, rows := b.xlsx(t, "/stations/export.xlsx?q=民生路")
	if !strings.Contains(name, "兴宁区委_廉洁工作站_") || rows[1][0] != "筛选：关键词=民生路" {
		t.Errorf("the file %q, filters %v", name, rows[1])
	}
	if last := rows[len(rows)-1]; strings.Join(last, "|") != "1|"+f.ms.Name+"|"+evilName+"|民生路 88 号党群服务中心二楼|李明（纪检委员）|工作日 9:00–12:00|0771-5551234|2" {
		t.Errorf("the export's row: %v", last)
	}

	// A second station, without activities, below the first: the list's
	// order follows its headers.
	if _, err := f.cs.SaveStation(context.Background(), testrig.Admin, cases.StationInput{OrgID: f.c3.ID, Name: "兴宁社区廉洁工作站"}); err != nil {
		t.Fatal(err)
	}
	for sort, first := range map[string]string{"": "廉洁站", "-org": "兴宁社区廉洁工作站", "activities": "兴宁社区廉洁工作站", "-activities": "廉洁站", "name": "&lt;script&gt;", "-name": "兴宁社区廉洁工作站"} {
		body := b.get(t, "/stations?sort="+sort)
		i, j := strings.Index(body, ">兴宁社区廉洁工作站</a>"), strings.Index(body, "廉洁站</a>")
		if i < 0 || j < 0 || (first == "兴宁社区廉洁工作站") != (i < j) {
			t.Errorf("sorted by %q, the rows are in the wrong order", sort)
		}
	}
	if txt := text(b.get(t, "/stations")); !strings.Contains(txt, "2 工作站 2 累计活动 1 尚无活动的工作站") {
		t.Errorf("the figures with two stations: %.300s", txt)
	}

	// Markup is text on every page that shows it.
	for _, p := range []string{"/stations", page, page + "/poster"} {
		body := b.get(t, p)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s prints a name or title as markup", p)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;站&#34;)&lt;/script&gt;廉洁站") {
			t.Errorf("%s does not show the name as text", p)
		}
	}
	if body := b.get(t, page); !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;宣讲") {
		t.Errorf("the station's page does not show the activity's title as text")
	}

	// An edit from a stale form shows what is stored and keeps what was
	// typed; saved again from the fresh version, it goes through.
	edit := url.Values{"name": {"民生街道廉洁工作站"}, "address": {"民生路 90 号"}, "staff": {"李明"}, "hours": {"工作日 9:00–17:30"}, "phone": {"13800002222"}, "version": {"1"}}
	if _, err := f.cs.SaveStation(context.Background(), testrig.Admin, cases.StationInput{OrgID: f.ms.ID, Name: evilName, Address: "民生路 89 号", Staff: "李明（纪检委员）", Hours: "工作日 9:00–12:00", Phone: "0771-5551234"}); err != nil {
		t.Fatal(err)
	}
	st, _, body = b.status(t, "POST", page, edit)
	if want := "保存前此记录已被修改（可能是他人或您在另一个窗口中）。下方保留了您填写的内容，并列出当前保存的值；核对后再次保存将覆盖。当前保存的值：工作站名称“" + evilName + "”；地址“民生路 89 号”；工作人员“李明（纪检委员）”；开放时间“工作日 9:00–12:00”；联系电话“0771-5551234”"; st != 409 || flash(body) != want {
		t.Errorf("a stale edit: %d %q", st, flash(body))
	}
	if !strings.Contains(body, `name="version" value="2"`) || !strings.Contains(body, `value="民生路 90 号"`) || !strings.Contains(body, "<details class=\"cst-edit\" open>") {
		t.Errorf("the stale form lost what was typed or the version")
	}
	edit.Set("version", "2")
	if _, _, body = b.status(t, "POST", page, edit); flash(body) != "已保存廉洁工作站“民生街道廉洁工作站”" || !strings.Contains(text(body), "地址 民生路 90 号") {
		t.Errorf("the edit: %q", flash(body))
	}
	edit.Set("phone", "abc")
	if st, _, body = b.status(t, "POST", page, edit); st != 422 || errAt(body, "phone") != "请填写 11 位手机号或带区号的固定电话（如 0771-5551234）" {
		t.Errorf("a bad phone: %d %q", st, errAt(body, "phone"))
	}

	// In English.
	en := f.browser(t, "county_admin")
	en.english(t)
	txt = text(en.get(t, page))
	for _, want := range []string{"Integrity activities", "2 activities, 50 participants in all", "Record an activity", "Edit the workstation", "Print the poster"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the English page lacks %q", want)
		}
	}
}

// TestCasesStationsScope: a station of another county is neither listed,
// nor readable, nor editable, nor does it take activities there (not
// found, nothing changed); an account that keeps no station is refused
// the form; one that reads the county sees the station without forms.
func TestCasesStationsScope(t *testing.T) {
	t.Parallel()
	f := newCsFixture(t, nil)
	ctx := context.Background()
	other, err := f.cs.SaveStation(ctx, testrig.Admin, cases.StationInput{OrgID: f.qx.ID, Name: "青秀区某街道廉洁工作站", Address: "青秀路 1 号"})
	if err != nil {
		t.Fatal(err)
	}
	mine, err := f.cs.SaveStation(ctx, testrig.Admin, cases.StationInput{OrgID: f.ms.ID, Name: "民生街道廉洁工作站", Address: "民生路 88 号"})
	if err != nil {
		t.Fatal(err)
	}
	oid := "/stations/" + strconv.FormatInt(other.ID, 10)
	for _, user := range []string{"county_admin", "integrity"} {
		b := f.browser(t, user)
		if body := b.get(t, "/stations"); strings.Contains(body, "青秀") || !strings.Contains(body, "民生街道廉洁工作站") {
			t.Errorf("%s's list: %.500s", user, text(body))
		}
		if _, rows := b.xlsx(t, "/stations/export.xlsx"); strings.Contains(fmt.Sprint(rows), "青秀") || len(rows) != 5 {
			t.Errorf("%s's export: %v", user, rows)
		}
		for _, req := range []struct {
			method, path string
			form         url.Values
		}{
			{"GET", oid, nil},
			{"GET", oid + "/poster", nil},
			{"POST", oid, url.Values{"name": {"改名"}, "version": {"1"}}},
			{"POST", oid + "/activities", url.Values{"held_on": {"2026-03-01"}, "title": {"越权登记的活动"}}},
		} {
			st, _, body := b.status(t, req.method, req.path, req.form)
			if st != 404 || !strings.Contains(text(body), "没有这个廉洁工作站，或它不在您的管理范围内") {
				t.Errorf("%s %s %s: %d %q", user, req.method, req.path, st, text(body))
			}
		}
		// Registering at an organization of the other county by its id.
		st, _, body := b.status(t, "POST", "/stations/new", url.Values{"org_id": {strconv.FormatInt(f.qingxiu.ID, 10)}, "name": {"越权工作站"}})
		if st != 422 || errAt(body, "org_id") != fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", f.qingxiu.ID) {
			t.Errorf("%s registering in the other county: %d %q", user, st, errAt(body, "org_id"))
		}
	}
	// A station that does not exist reads as one outside the scope.
	if st, _, body := f.browser(t, "county_admin").status(t, "GET", "/stations/99999", nil); st != 404 || !strings.Contains(text(body), "没有这个廉洁工作站，或它不在您的管理范围内") {
		t.Errorf("a station that does not exist: %d %.300s", st, text(body))
	}
	// An account that keeps stations in one county and reads another
	// organization is told it may not register one there.
	f.user(t, "mixed", access.Secretary, f.qx)
	uid, err := f.accts.FindByUsername(ctx, "mixed")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.accts.Grant(ctx, testrig.Admin, uid, access.IntegrityOfficer, f.ms.ID); err != nil {
		t.Fatal(err)
	}
	if st, _, body := f.browser(t, "mixed").status(t, "POST", "/stations/new", url.Values{"org_id": {strconv.FormatInt(f.qx.ID, 10)}, "name": {"越权工作站"}}); st != 422 ||
		errAt(body, "org_id") != "您没有在“"+f.qx.Label()+"”登记廉洁工作站的权限，请选择您负责的组织" {
		t.Errorf("registering where one only reads: %d %q", st, errAt(body, "org_id"))
	}
	if n := f.count(t, "SELECT COUNT(*) FROM integrity_stations WHERE name <> '青秀区某街道廉洁工作站' AND name <> '民生街道廉洁工作站'"); n != 0 {
		t.Errorf("%d stations registered across the line", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM station_activities"); n != 0 {
		t.Errorf("%d activities recorded across the line", n)
	}
	if n := f.count(t, "SELECT version FROM integrity_stations WHERE id = ?", other.ID); n != 1 {
		t.Errorf("the other county's station is at version %d", n)
	}

	// The secretary of 兴宁社区 keeps no station: no form; the auditor of
	// the city reads the station but gets no forms on it.
	sec := f.browser(t, "secretary")
	if st, _, body := sec.status(t, "GET", "/stations/new", nil); st != 403 || !strings.Contains(text(body), "您没有管理廉洁工作站的权限") {
		t.Errorf("the secretary's form: %d", st)
	}
	aud := f.browser(t, "auditor")
	page := "/stations/" + strconv.FormatInt(mine.ID, 10)
	body := aud.get(t, page)
	if strings.Contains(body, `action="`+page+`/activities`) || strings.Contains(body, `action="`+page+`#edit"`) || !strings.Contains(text(body), "您可以查看该工作站") {
		t.Errorf("the auditor gets forms: %.800s", text(body))
	}
	if st, _, _ := aud.status(t, "POST", page+"/activities", url.Values{"held_on": {"2026-03-01"}, "title": {"审计登记的活动"}}); st != 403 {
		t.Errorf("the auditor records an activity: %d", st)
	}
	if strings.Contains(aud.get(t, "/stations"), `href="/stations/new"`) {
		t.Errorf("the auditor's list offers the form")
	}
}

// qrPathRE reads the dark runs of the QR code's SVG.
var qrPathRE = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-\d+z`)

// qrModules reads the module matrix out of the poster's QR image (the
// data URI of an SVG with four modules of quiet zone).
func qrModules(t *testing.T, body string) [][]bool {
	t.Helper()
	m := regexp.MustCompile(`<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(html.UnescapeString(body))
	if m == nil {
		t.Fatal("the poster has no QR code")
	}
	svg, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(regexp.MustCompile(`viewBox="0 0 (\d+) `).FindStringSubmatch(string(svg))[1])
	size := n - 8
	bits := make([][]bool, size)
	for i := range bits {
		bits[i] = make([]bool, size)
	}
	for _, run := range qrPathRE.FindAllStringSubmatch(string(svg), -1) {
		x, _ := strconv.Atoi(run[1])
		y, _ := strconv.Atoi(run[2])
		w, _ := strconv.Atoi(run[3])
		for i := range w {
			bits[y-4][x-4+i] = true
		}
	}
	return bits
}

// qrMatrix is the library's matrix of text at level Q.
type qrMatrix struct{ bits [][]bool }

func (m *qrMatrix) Write(mat qrcode.Matrix) error { m.bits = mat.Bitmap(); return nil }
func (m *qrMatrix) Close() error                  { return nil }

func qrOf(t *testing.T, text string) [][]bool {
	t.Helper()
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionQuart))
	if err != nil {
		t.Fatal(err)
	}
	var m qrMatrix
	if err := q.Save(&m); err != nil {
		t.Fatal(err)
	}
	return m.bits
}

// TestCasesStationsPoster: the poster prints the station's facts, what
// residents may report and that their identity is sealed, and a QR code
// of the report form for the station at the public address — module for
// module the code of that address — printed beneath it too. Without a
// public address the page's own address is used, and the page says so.
func TestCasesStationsPoster(t *testing.T) {
	t.Parallel()
	f := newCsFixture(t, func(d *Deps) { d.PublicURL = "https://dj.example.gov.cn" })
	st, err := f.cs.SaveStation(context.Background(), testrig.Admin, cases.StationInput{OrgID: f.ms.ID, Name: "民生街道廉洁工作站",
		Address: "民生路 88 号党群服务中心二楼", Hours: "工作日 9:00–12:00，14:30–17:30", Phone: "0771-5551234", Staff: "李明"})
	if err != nil {
		t.Fatal(err)
	}
	page := "/stations/" + strconv.FormatInt(st.ID, 10) + "/poster"
	b := f.browser(t, "integrity")
	body := b.get(t, page)
	want := "https://dj.example.gov.cn/report?station=" + strconv.FormatInt(st.ID, 10)
	txt := text(body)
	for _, s := range []string{"廉洁工作站 民生街道廉洁工作站", "或在浏览器中打开 " + want, "扫码反映问题 · 廉洁监督 · 矛盾调解 · 服务诉求 · 意见建议",
		"您的身份信息加密保存，办理人员无法查看", "地址 民生路 88 号党群服务中心二楼", "开放时间 工作日 9:00–12:00，14:30–17:30", "联系电话 0771-5551234", "设立单位：" + f.ms.Name} {
		if !strings.Contains(txt, s) {
			t.Errorf("the poster lacks %q: %.800s", s, txt)
		}
	}
	if strings.Contains(txt, "未设置公开网址") || strings.Contains(body, `class="sidebar"`) {
		t.Errorf("the poster warns of a public address that is set, or has the sidebar")
	}
	got, exp := qrModules(t, body), qrOf(t, want)
	if fmt.Sprint(got) != fmt.Sprint(exp) {
		t.Errorf("the QR code is not that of %s (%d modules a side, want %d)", want, len(got), len(exp))
	}
	if fmt.Sprint(got) == fmt.Sprint(qrOf(t, want+"0")) {
		t.Fatal("the comparison tells nothing")
	}
	// The station's page gives the same address.
	if !strings.Contains(text(b.get(t, "/stations/"+strconv.FormatInt(st.ID, 10))), "居民反映入口 "+want) {
		t.Errorf("the station's page lacks the report address")
	}

	// No public address: the request's own, and a warning.
	g := newCsFixture(t, nil)
	st2, err := g.cs.SaveStation(context.Background(), testrig.Admin, cases.StationInput{OrgID: g.c3.ID, Name: "兴宁社区廉洁工作站"})
	if err != nil {
		t.Fatal(err)
	}
	body = g.browser(t, "county_admin").get(t, "/stations/"+strconv.FormatInt(st2.ID, 10)+"/poster")
	want = g.srv.URL + "/report?station=" + strconv.FormatInt(st2.ID, 10)
	if txt := text(body); !strings.Contains(txt, "二维码使用的是您当前访问的地址 "+want+"。") || !strings.Contains(txt, "或在浏览器中打开 "+want) {
		t.Errorf("the poster without a public address: %.600s", txt)
	}
	if fmt.Sprint(qrModules(t, body)) != fmt.Sprint(qrOf(t, want)) {
		t.Errorf("the QR code is not that of %s", want)
	}
}

// TestCasesStationsCalendar: anyone signed in reads the calendar of a
// year, warned while next year has no entry; the organization department
// of a county may not edit it (refused, nothing changed) and sees no
// form; the administrator of the top enters a day (a date that does not
// exist, an empty name and a working day on a Monday refused at their
// fields), replaces it and deletes it, and the warning follows.
func TestCasesStationsCalendar(t *testing.T) {
	t.Parallel()
	f := newCsFixture(t, nil)
	next := time.Now().In(org.Shanghai).Year() + 1
	if next <= 2026 {
		t.Skip("the shipped schedules cover next year")
	}
	banner := "明年的节假日安排尚未录入，截止日期将只按周末计算"

	sec := f.browser(t, "secretary")
	body := sec.get(t, "/cases/calendar?year=2026")
	txt := text(body)
	for _, want := range []string{"节假日安排 2026", banner, "2026 年登记放假 33 天、调休上班 6 天。", "节假日安排由最高一级组织部门维护。"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the secretary's calendar lacks %q: %.800s", want, txt)
		}
	}
	if r := row(t, body, `id="d-2026-01-01"`); r != "1 2026-01-01 周四 放假 元旦" {
		t.Errorf("New Year's Day: %q", r)
	}
	if r := row(t, body, `id="d-2026-02-28"`); r != "15 2026-02-28 周六 调休上班 春节调休上班" {
		t.Errorf("a working Saturday: %q", r)
	}
	if strings.Contains(body, `action="/cases/calendar"`) || strings.Contains(body, `action="/cases/calendar/delete"`) {
		t.Errorf("the secretary is offered the forms")
	}

	// The county's organization department: no form, and a post refused.
	rows := f.count(t, "SELECT COUNT(*) FROM case_calendar")
	county := f.browser(t, "county_admin")
	if body := county.get(t, "/cases/calendar"); strings.Contains(body, `action="/cases/calendar"`) {
		t.Errorf("the county is offered the form")
	}
	day := fmt.Sprintf("%d-01-01", next)
	for _, req := range []struct {
		path string
		form url.Values
	}{
		{"/cases/calendar", url.Values{"date": {day}, "kind": {"holiday"}, "name": {"元旦"}}},
		{"/cases/calendar/delete", url.Values{"date": {"2026-10-01"}}},
	} {
		st, _, body := county.status(t, "POST", req.path, req.form)
		if st != 403 || !strings.Contains(text(body), "只有最高一级组织部门可以修改节假日安排") {
			t.Errorf("the county posting %s: %d %.300s", req.path, st, text(body))
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_calendar"); n != rows {
		t.Errorf("%d entries after the refusals, want %d", n, rows)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_calendar WHERE day = '2026-10-01'"); n != 1 {
		t.Errorf("the county deleted 2026-10-01")
	}

	// The top's administrator.
	admin := f.browser(t, "admin")
	body = admin.get(t, "/cases/calendar")
	if !strings.Contains(body, `action="/cases/calendar"`) || !strings.Contains(text(body), fmt.Sprintf("国务院办公厅公布 %d 年节假日安排后，请在下方逐日录入", next)) {
		t.Errorf("the administrator gets no form or no call to enter next year")
	}
	// A row's change link fills the form with the row.
	body = admin.get(t, "/cases/calendar?year=2026")
	if !strings.Contains(body, `href="/cases/calendar?year=2026&amp;date=2026-10-01&amp;kind=holiday&amp;name=%e5%9b%bd%e5%ba%86%e8%8a%82#ccal-form"`) {
		t.Errorf("the change link of 2026-10-01 is missing")
	}
	body = admin.get(t, "/cases/calendar?year=2026&date=2026-10-01&kind=holiday&name=国庆节")
	if !strings.Contains(body, `id="date" name="date" type="date" required value="2026-10-01"`) || !strings.Contains(body, `value="国庆节"`) || !strings.Contains(body, `<option value="holiday" selected>`) {
		t.Errorf("the change link does not fill the form")
	}
	st, _, body := admin.status(t, "POST", "/cases/calendar", url.Values{"date": {fmt.Sprintf("%d-02-30", next)}, "kind": {"holiday"}, "name": {" "}})
	if st != 422 || errAt(body, "date") != fmt.Sprintf("%d-02-30 这一天不存在，请检查月份和日期", next) || errAt(body, "name") != "名称不能为空，最多 20 个字" {
		t.Errorf("a day that does not exist: %d %q %q", st, errAt(body, "date"), errAt(body, "name"))
	}
	if !strings.Contains(body, fmt.Sprintf(`value="%d-02-30"`, next)) {
		t.Errorf("the form lost the date typed")
	}
	monday := time.Date(next, 1, 1, 0, 0, 0, 0, org.Shanghai)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, 1)
	}
	st, _, body = admin.status(t, "POST", "/cases/calendar", url.Values{"date": {monday.Format("2006-01-02")}, "kind": {"workday"}, "name": {"调休上班"}})
	if want := monday.Format("2006-01-02") + " 是周一。周一至周五本来就是工作日，无需登记为调休上班"; st != 422 || errAt(body, "kind") != want {
		t.Errorf("a working Monday: %d %q", st, errAt(body, "kind"))
	}
	if !strings.Contains(body, `<option value="workday" selected>`) || !strings.Contains(body, `value="调休上班"`) {
		t.Errorf("the form lost the kind or name typed")
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_calendar"); n != rows {
		t.Errorf("%d entries after refused forms, want %d", n, rows)
	}

	st, at, body := admin.status(t, "POST", "/cases/calendar", url.Values{"date": {day}, "kind": {"holiday"}, "name": {"元旦"}})
	if st != 200 || at != fmt.Sprintf("/cases/calendar?year=%d", next) || flash(body) != "已登记 "+day+" 元旦（放假）。此后计算的办理期限按新的安排，已确定的期限不变" {
		t.Fatalf("enter a day: %d %s %q", st, at, flash(body))
	}
	if strings.Contains(text(body), banner) {
		t.Errorf("the warning stays once next year has an entry")
	}
	if r := row(t, body, `id="d-`+day+`"`); !strings.HasPrefix(r, "1 "+day+" ") || !strings.Contains(r, " 放假 元旦 手工录入 修改 删除") {
		t.Errorf("the new entry: %q", r)
	}
	_, _, body = admin.status(t, "POST", "/cases/calendar", url.Values{"date": {strings.ReplaceAll(day, "-", "/")}, "kind": {"holiday"}, "name": {"元旦假期"}})
	if flash(body) != "已将 "+day+" 改为 元旦假期（放假），原为 元旦。此后计算的办理期限按新的安排，已确定的期限不变" {
		t.Errorf("replace a day: %q", flash(body))
	}
	if covered, err := f.cs.CalendarCovers(context.Background(), next); err != nil || !covered {
		t.Errorf("the domain's calendar does not cover %d: %v", next, err)
	}
	_, _, body = admin.status(t, "POST", "/cases/calendar/delete", url.Values{"date": {day}})
	if flash(body) != "已删除 "+day+" 的安排，该日按周一至周五上班、周六周日休息计算" || !strings.Contains(text(body), banner) {
		t.Errorf("delete a day: %q", flash(body))
	}
	if _, _, body = admin.status(t, "POST", "/cases/calendar/delete", url.Values{"date": {day}}); flash(body) != day+" 没有登记节假日安排" {
		t.Errorf("delete it again: %q", flash(body))
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_calendar"); n != rows {
		t.Errorf("%d entries in the end, want %d", n, rows)
	}

	// In English.
	en := f.browser(t, "secretary")
	en.english(t)
	if r := row(t, en.get(t, "/cases/calendar?year=2026"), `id="d-2026-02-28"`); r != "15 2026-02-28 Sat Working day 春节调休上班" {
		t.Errorf("the English row: %q", r)
	}
}

// TestCasesStationsReveals: a custodian of the top sees a handler's
// request with its case number, reason, requester and time, and what a
// decision does; a decision that is neither approve nor refuse, and a note
// too long, are refused as typed; the approval takes the request off the
// list and a second decision is a conflict. A custodian of another county
// neither sees nor decides it; a custodian who asked is refused their own
// request; an account without the permission is refused the page.
func TestCasesStationsReveals(t *testing.T) {
	t.Parallel()
	f := newCsFixture(t, nil)
	ctx := context.Background()
	rc, err := f.cs.Submit(ctx, cases.Report{Kind: cases.KindService, RegionCode: f.c3.RegionCode, Name: "李四", Phone: "13800001111",
		Body: "小区门口的路灯坏了一个多月，晚上出入很不方便，请尽快修理。"})
	if err != nil {
		t.Fatal(err)
	}
	reason := "需要电话联系反映人，核实路灯的具体位置"
	rv, err := f.cs.RequestReveal(ctx, f.actor(t, "handler"), rc.CaseID, reason)
	if err != nil {
		t.Fatal(err)
	}
	decide := fmt.Sprintf("/cases/reveals/%d/decide", rv.ID)
	state := func() string {
		var s string
		if err := f.d.QueryRow(ctx, "SELECT state FROM case_reveals WHERE id = ?", rv.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}

	// Another county's custodian: not listed, not found.
	f.user(t, "qx_custodian", access.Custodian, f.qingxiu)
	qx := f.browser(t, "qx_custodian")
	if txt := text(qx.get(t, "/cases/reveals")); !strings.Contains(txt, "目前没有待您审批的申请。") || strings.Contains(txt, reason) {
		t.Errorf("the other county's custodian sees: %.600s", txt)
	}
	if st, _, body := qx.status(t, "POST", decide, url.Values{"decision": {"approve"}}); st != 404 || !strings.Contains(text(body), "没有这项申请") {
		t.Errorf("the other county's custodian decides: %d %.300s", st, text(body))
	}
	if s := state(); s != "pending" {
		t.Fatalf("the request is %s", s)
	}

	// Without the permission: refused the page.
	if st, _, _ := f.browser(t, "county_admin").status(t, "GET", "/cases/reveals", nil); st != 403 {
		t.Errorf("the county's department opens the page: %d", st)
	}

	cu := f.browser(t, "custodian")
	body := cu.get(t, "/cases/reveals")
	txt := text(body)
	at := rv.RequestedAt.In(org.Shanghai).Format("2006-01-02 15:04")
	for _, want := range []string{"共 1 项待审批", fmt.Sprintf("案件编号 第 %d 号 申请人 handler 申请时间 %s 申请理由 %s", rc.CaseID, at, reason),
		"批准后，申请人可以查看该案件反映人的身份信息", "申请人的每一次查看都会记入审计日志。", "反映人在查询页会看到身份已被查看、批准的时间和申请理由。"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the custodian's page lacks %q: %.1200s", want, txt)
		}
	}
	if strings.Contains(txt, "李四") || strings.Contains(txt, "13800001111") {
		t.Errorf("the custodian's page shows the identity")
	}
	st, _, body := cu.status(t, "POST", decide, url.Values{"decision": {"maybe"}, "note": {"再议"}})
	if st != 422 || flash(body) != "请选择“批准”或“不批准”" || !strings.Contains(body, "再议</textarea>") {
		t.Errorf("a decision that is none: %d %q", st, flash(body))
	}
	long := strings.Repeat("长", 501)
	if st, _, body = cu.status(t, "POST", decide, url.Values{"decision": {"approve"}, "note": {long}}); st != 422 || errAt(body, "note") != "审批意见最多 500 字" || !strings.Contains(body, long+"</textarea>") {
		t.Errorf("a note too long: %d %q", st, errAt(body, "note"))
	}
	if s := state(); s != "pending" {
		t.Fatalf("the request is %s after refused forms", s)
	}
	st, _, body = cu.status(t, "POST", decide, url.Values{"decision": {"approve"}, "note": {"同意，仅限核实位置"}})
	if want := fmt.Sprintf("已批准第 %d 号案件查看反映人身份的申请：申请人现在可以查看，反映人会看到身份已被查看及申请理由", rc.CaseID); st != 200 || flash(body) != want {
		t.Errorf("approve: %d %q", st, flash(body))
	}
	if !strings.Contains(text(body), "目前没有待您审批的申请。") || state() != "approved" {
		t.Errorf("after the approval the request is %s and the page: %.400s", state(), text(body))
	}
	if st, _, body = cu.status(t, "POST", decide, url.Values{"decision": {"refuse"}}); st != 409 || flash(body) != "这项申请已经审批过了" || state() != "approved" {
		t.Errorf("deciding twice: %d %q %s", st, flash(body), state())
	}

	// A custodian who handles cases too asks, and may not decide it.
	f.user(t, "dual", access.Custodian, f.xingning)
	uid, err := f.accts.FindByUsername(ctx, "dual")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.accts.Grant(ctx, testrig.Admin, uid, access.CaseHandler, f.xingning.ID); err != nil {
		t.Fatal(err)
	}
	own, err := f.cs.RequestReveal(ctx, f.actor(t, "dual"), rc.CaseID, "需要上门回访，请允许查看联系电话")
	if err != nil {
		t.Fatal(err)
	}
	dual := f.browser(t, "dual")
	if txt := text(dual.get(t, "/cases/reveals")); !strings.Contains(txt, "这是您本人提出的申请，须由其他身份信息保管人审批。") {
		t.Errorf("the own request is not marked: %.800s", txt)
	}
	ownDecide := fmt.Sprintf("/cases/reveals/%d/decide", own.ID)
	if st, _, body = dual.status(t, "POST", ownDecide, url.Values{"decision": {"approve"}}); st != 403 || flash(body) != "不能审批自己提出的申请" {
		t.Errorf("deciding one's own: %d %q", st, flash(body))
	}
	if _, _, body = cu.status(t, "POST", ownDecide, url.Values{"decision": {"refuse"}}); flash(body) != fmt.Sprintf("已不予批准第 %d 号案件查看反映人身份的申请", rc.CaseID) {
		t.Errorf("refuse: %q", flash(body))
	}

	// In English.
	en := f.browser(t, "custodian")
	en.english(t)
	if txt := text(en.get(t, "/cases/reveals")); !strings.Contains(txt, "Before you decide") || !strings.Contains(txt, "No request is waiting for you.") {
		t.Errorf("the English page: %.600s", txt)
	}
}
