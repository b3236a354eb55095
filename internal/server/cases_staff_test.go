package server

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// The staff pages of the residents' channel, as their users meet them: the
// trust boundary first (a case outside one's organizations, an integrity
// report about one's own organization or person, script in what residents
// type, a step out of order, an extension decided by the case's own
// organization), then a case's way from the list to its close, a reveal
// of the reporter, and deadlines that pass.

// staffStart is Thursday 24 September 2026, 10:00 in Beijing; the next day is
// the Mid-Autumn holiday, so acceptance is due by Tuesday 29 September and
// a service request accepted at once by Thursday 15 October.
var staffStart = time.Date(2026, 9, 24, 2, 0, 0, 0, time.UTC)

// staffClock is the app's clock in these tests.
type staffClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *staffClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *staffClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// staffFixture is the Nanning tree and its accounts with these, each granted
// where its name says: village_handler (兴宁社区党支部), county_handler
// (兴宁区委), town_handler (三塘镇, another township of the county) and
// street_integrity (an integrity officer of 民生街道).
type staffFixture struct {
	*fixture
	cs                            *cases.Service
	ppl                           *people.Service
	clock                         *staffClock
	county, street, village, town org.Org
}

const staffPassword = "Staff-password-2026"

// streetSecretary registers 李建国 as a member of 民生街道 holding its
// secretary's post, the cadre integrity reports of the tests name.
func (f *staffFixture) streetSecretary(t *testing.T) people.Person {
	t.Helper()
	ctx := context.Background()
	first17 := "45010219800101" + "011"
	sec, err := f.ppl.AddMember(ctx, testrig.Admin, people.MemberInput{PersonInput: people.PersonInput{Name: "李建国", IDNumber: first17 + string(ids.IDCardCheckChar(first17)),
		Ethnicity: "汉族", Education: "大学本科"}, OrgID: f.street.ID, Kind: "full", JoinedOn: "2005-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.Appoint(ctx, testrig.Admin, people.PostInput{PersonID: sec.ID, OrgID: f.street.ID, Post: "secretary", StartedOn: "2021-01-01"}); err != nil {
		t.Fatal(err)
	}
	return sec
}

func newStaffFixture(t *testing.T) *staffFixture {
	t.Helper()
	clk := &staffClock{t: staffStart}
	d, res := nanning.Open(t)
	a, h := newApp(t, d, func(dp *Deps) { dp.Now = clk.Now })
	srv := httptest.NewServer(h)
	testrig.Cleanup(t, srv.Close)
	f := &staffFixture{fixture: &fixture{srv: srv, d: d, orgs: a.Core().Orgs, accts: a.Core().Accounts, perms: a.Core().Perms, pw: map[string]string{}, root: res.Init.RootID},
		cs: app.Service[*cases.Service](a), ppl: app.Service[*people.Service](a), clock: clk}
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
	f.county, f.street, f.village, f.town = get("450102"), get("450102001"), get("450102001003"), get("450102101")
	f.user(t, "village_handler", access.CaseHandler, f.village)
	f.user(t, "county_handler", access.CaseHandler, f.county)
	f.user(t, "town_handler", access.CaseHandler, f.town)
	f.user(t, "street_integrity", access.IntegrityOfficer, f.street)
	return f
}

// user creates an account with one grant.
func (f *staffFixture) user(t *testing.T, name string, role access.Role, at org.Org) account.User {
	t.Helper()
	u, err := f.accts.Create(context.Background(), testrig.Admin, account.NewUser{Username: name, DisplayName: name, Password: staffPassword, HomeOrgID: at.ID, Role: role})
	if err != nil {
		t.Fatalf("account %s: %v", name, err)
	}
	f.pw[name] = staffPassword
	return u
}

// actor is an account as the domain sees it.
func (f *staffFixture) actor(t *testing.T, name string) access.Actor {
	t.Helper()
	_, a, err := f.accts.Login(context.Background(), name, f.pw[name], "test")
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return a
}

// submit files a report as a resident would, and delivers the notices.
func (f *staffFixture) submit(t *testing.T, r cases.Report) int64 {
	t.Helper()
	rc, err := f.cs.Submit(context.Background(), r)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	f.deliver(t)
	return rc.CaseID
}

func (f *staffFixture) deliver(t *testing.T) {
	t.Helper()
	if _, err := f.cs.Deliver(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

// staffPhoto is a small PNG image.
func staffPhoto(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fileOf is the id of the first attachment of a case.
func (f *staffFixture) fileOf(t *testing.T, caseID int64) int64 {
	t.Helper()
	var id int64
	if err := f.d.QueryRow(context.Background(), "SELECT MIN(id) FROM case_files WHERE case_id = ?", caseID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// state is a case's state and version as stored.
func (f *staffFixture) state(t *testing.T, id int64) string {
	t.Helper()
	var st string
	var v int
	if err := f.d.QueryRow(context.Background(), "SELECT state, version FROM cases WHERE id = ?", id).Scan(&st, &v); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s v%d", st, v)
}

// staffFetch gets path and returns the whole answer.
func (b *browser) staffFetch(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// staffPost posts a multipart form with files in the field "attachments".
func (b *browser) staffPost(t *testing.T, path string, fields url.Values, files map[string][]byte) (int, string) {
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
		fw, err := mw.CreateFormFile("attachments", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := b.c.Post(b.base+path, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// staffVersion is the version the case page's forms carry.
func staffVersion(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no step form: %.400s", text(body))
	}
	return m[1]
}

// staffTabs is the text of the counts above a list.
func staffTabs(body string) string {
	m := regexp.MustCompile(`(?s)<nav class="tabs css-tabs".*?</nav>`).FindString(body)
	return text(m)
}

// staffListed are the case numbers a list page links to, in order.
func staffListed(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td class="num nowrap phone-hide"><a href="/cases/(\d+)">`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestCasesStaffTrustBoundary: a handler of another township finds nothing
// of a case of 兴宁社区 (page, attachment, list, search, export); the
// accounts of 民生街道, which an integrity report concerns, and the
// account of its secretary, who is the county's integrity officer too,
// find the report by no page while the county's officer does; what
// residents typed is escaped on every page and neutralised in the export;
// a step out of order, a stale form and an extension decided by the
// case's own organization are refused and change nothing.
func TestCasesStaffTrustBoundary(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	ctx := context.Background()
	script := "<script>alert('x')</script>"
	escaped := "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
	photo := staffPhoto(t)
	svc := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: f.village.RegionCode, Place: "3栋" + script,
		Body: "=HYPERLINK(\"http://x.example\")楼道灯坏了" + script + "\n三个星期没人修，晚上出入很不方便。", Files: []cases.NamedFile{{Name: "楼道.png", Data: photo}}})
	svcID, svcFile := fmt.Sprint(svc), fmt.Sprint(f.fileOf(t, svc))

	// 李建国, the street's secretary, holds the county's integrity grant
	// through his own account: but for the link to his person he would see
	// the report about him.
	sec := f.streetSecretary(t)
	li := f.user(t, "li_jianguo", access.IntegrityOfficer, f.county)
	if err := f.accts.LinkPerson(ctx, testrig.Admin, li.ID, sec.ID); err != nil {
		t.Fatal(err)
	}
	rep := f.submit(t, cases.Report{Kind: cases.KindIntegrity, RegionCode: f.street.RegionCode, SubjectOrgID: f.street.ID, SubjectPersonID: sec.ID,
		Body: "街道书记在老旧小区改造招标中收受好处费" + script + "，请组织调查。", Files: []cases.NamedFile{{Name: "收据.png", Data: photo}}})
	repID, repFile := fmt.Sprint(rep), fmt.Sprint(f.fileOf(t, rep))

	// A handler of 三塘镇: the case of 兴宁社区 is not found anywhere.
	town := f.browser(t, "town_handler")
	for _, path := range []string{"/cases/" + svcID, "/cases/" + svcID + "/files/" + svcFile} {
		if st, _, body := town.status(t, "GET", path, nil); st != 404 || !strings.Contains(text(body), "案件不存在或您无权查看") {
			t.Errorf("%s for another township: %d %.200s", path, st, text(body))
		}
	}
	if st, _, body := town.status(t, "POST", "/cases/"+svcID+"/step", url.Values{"step": {"accept"}}); st != 404 {
		t.Errorf("accepting another township's case: %d %.200s", st, text(body))
	}
	if body := town.get(t, "/cases?q="+svcID); len(staffListed(body)) != 0 || !strings.Contains(text(body), "没有符合条件的记录") || staffTabs(body) != "全部 0 待受理 0 已受理 0 不予受理 0 已派单 0 办理中 0 已答复 0 已回访 0 已办结 0 已超期 0 已督办 0" {
		t.Errorf("another township searching the number: %v %q", staffListed(body), staffTabs(body))
	}
	if _, rows := town.xlsx(t, "/cases/export.xlsx"); len(rows) != 4 {
		t.Errorf("another township's export: %v", rows)
	}

	// The accounts of the street the report concerns, and its secretary's.
	for _, name := range []string{"street_admin", "handler", "street_integrity", "li_jianguo", "secretary", "county_admin", "village_handler"} {
		b := f.browser(t, name)
		for _, path := range []string{"/cases/" + repID, "/cases/" + repID + "/files/" + repFile} {
			if st, _, body := b.status(t, "GET", path, nil); st != 404 || !strings.Contains(text(body), "案件不存在或您无权查看") {
				t.Errorf("%s %s: %d %.200s", name, path, st, text(body))
			}
		}
		for _, path := range []string{"/cases?kind=integrity", "/cases?kind=integrity&q=" + repID, "/cases", "/cases?q=" + repID} {
			st, _, body := b.status(t, "GET", path, nil)
			integrity := strings.Contains(path, "integrity")
			switch {
			case integrity && st == 403 && strings.Contains(text(body), "您没有查看廉洁监督举报的权限"):
			case !integrity && st == 403 && strings.Contains(text(body), "您没有查看群众诉求的权限"):
			case integrity && st == 200 && len(staffListed(body)) == 0 && staffTabs(body) == "全部 0 待受理 0 已受理 0 不予受理 0 已派单 0 办理中 0 已答复 0 已回访 0 已办结 0 已超期 0 已督办 0":
			case !integrity && st == 200 && !slices.Contains(staffListed(body), repID):
			default:
				t.Errorf("%s %s: %d %v %q", name, path, st, staffListed(body), staffTabs(body))
			}
			if strings.Contains(body, "收受好处费") {
				t.Errorf("%s %s shows the report", name, path)
			}
		}
		if body := b.get(t, "/notices"); strings.Contains(text(body), "第 "+repID+" 号") {
			t.Errorf("%s is told of the report: %s", name, text(body))
		}
		for _, path := range []string{"/cases/export.xlsx?kind=integrity", "/cases/export.xlsx?kind=integrity&q=" + repID} {
			resp, body := b.staffFetch(t, path)
			if resp.StatusCode == 200 && strings.Contains(body, "收受好处费") || resp.StatusCode != 200 && resp.StatusCode != 403 {
				t.Errorf("%s %s: %d", name, path, resp.StatusCode)
			}
		}
		for _, form := range []url.Values{{"step": {"accept"}}, {"reason": {"需要联系反映人核实具体情况"}}} {
			action := "/step"
			if form.Has("reason") {
				action = "/reveal"
			}
			if st, _, _ := b.status(t, "POST", "/cases/"+repID+action, form); st != 404 {
				t.Errorf("%s posting %s: %d", name, action, st)
			}
		}
	}

	// The county's integrity officer sees it, escaped, and is told.
	officer := f.browser(t, "integrity")
	body := officer.get(t, "/cases?kind=integrity")
	if got := staffListed(body); len(got) != 1 || got[0] != repID || staffTabs(body) != "全部 1 待受理 1 已受理 0 不予受理 0 已派单 0 办理中 0 已答复 0 已回访 0 已办结 0 已超期 0 已督办 0" {
		t.Errorf("the officer's list: %v %q", got, staffTabs(body))
	}
	body = officer.get(t, "/cases/"+repID)
	txt := text(body)
	for _, want := range []string{"第 " + repID + " 号 · 廉洁监督举报", "被反映对象 " + f.street.Name + " · 李建国（书记）", "责任组织 " + f.county.Name, "受理期限 2026-09-29", "收据.png"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the report's page lacks %q: %.900s", want, txt)
		}
	}
	if !strings.Contains(body, "收受好处费"+escaped) || strings.Contains(body, script) {
		t.Errorf("the report's text is not escaped")
	}
	if resp, data := officer.staffFetch(t, "/cases/"+repID+"/files/"+repFile); resp.StatusCode != 200 || data != string(photo) ||
		resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || !strings.Contains(resp.Header.Get("Content-Disposition"), "UTF-8''%E6%94%B6%E6%8D%AE.png") {
		t.Errorf("the officer's download: %d %v", resp.StatusCode, resp.Header)
	}
	if txt := text(officer.get(t, "/notices")); !strings.Contains(txt, "第 "+repID+" 号案件待受理") {
		t.Errorf("the officer's notices: %s", txt)
	}

	// Script in the service case, on each page and in the export.
	street := f.browser(t, "handler")
	for _, path := range []string{"/cases", "/cases/" + svcID} {
		body := street.get(t, path)
		if strings.Contains(body, script) || !strings.Contains(body, escaped) {
			t.Errorf("%s does not escape what the resident typed", path)
		}
	}
	_, rows := street.xlsx(t, "/cases/export.xlsx")
	if last := rows[len(rows)-1]; len(last) < 6 || last[1] != svcID || last[3] != `'=HYPERLINK("http://x.example")…` || last[4] != "兴宁区 民生街道 兴宁社区居委会 3栋"+script {
		t.Errorf("the export's row: %q", last)
	}

	// A step out of order is 409 and changes nothing.
	body = street.get(t, "/cases/"+svcID)
	v := staffVersion(t, body)
	before, events := f.state(t, svc), f.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = ?", svc)
	st, _, body := street.status(t, "POST", "/cases/"+svcID+"/step", url.Values{"step": {"visit"}, "version": {v}, "text": {"电话回访，反映人表示满意"}})
	if st != 409 || flashOf(body) != "案件当前状态为“待受理”，不能回访；可以：受理、不予受理、标记重复件" {
		t.Errorf("a visit before acceptance: %d %q", st, flashOf(body))
	}
	if after := f.state(t, svc); after != before || f.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = ?", svc) != events {
		t.Errorf("the refused step changed the case: %s → %s", before, after)
	}

	// A stale form: the street's page was loaded before the community
	// accepted; its acceptance is refused with the state now stored.
	village := f.browser(t, "village_handler")
	if _, _, body := village.status(t, "POST", "/cases/"+svcID+"/step", url.Values{"step": {"accept"}, "version": {v}, "state": {"submitted"}}); flashOf(body) != "已受理第 "+svcID+" 号案件，办理时限至 2026-10-15" {
		t.Fatalf("accept: %q", flashOf(body))
	}
	before = f.state(t, svc)
	st, _, body = street.status(t, "POST", "/cases/"+svcID+"/step", url.Values{"step": {"accept"}, "version": {v}, "state": {"submitted"}})
	if st != 409 || flashOf(body) != "保存前此记录已被修改（可能是他人或您在另一个窗口中）。下方保留了您填写的内容，并列出当前保存的值；核对后再次保存将覆盖。当前保存的值：状态“已受理”" {
		t.Errorf("a stale acceptance: %d %q", st, flashOf(body))
	}
	if after := f.state(t, svc); after != before {
		t.Errorf("the stale step changed the case: %s → %s", before, after)
	}

	// An extension asked by the community, decided by the community: 403,
	// nothing changes; the street above approves.
	if st, _, body := village.status(t, "POST", "/cases/"+svcID+"/extension", url.Values{"days": {"20"}, "reason": {"x"}}); st != 422 || errAt(body, "days") != "延期天数应为 1 至 15 个工作日" || errAt(body, "reason") != "请说明延期理由（5 至 2000 字）" {
		t.Errorf("a bad extension: %d %q %q", st, errAt(body, "days"), errAt(body, "reason"))
	}
	if _, _, body := village.status(t, "POST", "/cases/"+svcID+"/extension", url.Values{"days": {"3"}, "reason": {"需要协调物业和供电部门"}}); flashOf(body) != "已申请延期 3 个工作日，待上级组织审批" {
		t.Fatalf("ask for more time: %q", flashOf(body))
	}
	var xid int64
	if err := f.d.QueryRow(ctx, "SELECT id FROM case_extensions WHERE case_id = ?", svc).Scan(&xid); err != nil {
		t.Fatal(err)
	}
	body = village.get(t, "/cases/"+svcID)
	if strings.Contains(body, "/decide") || !strings.Contains(text(body), "延期申请正在等待上级组织审批。延期由上级组织审批，本组织不能批准自己的延期申请。") {
		t.Errorf("the community is offered to decide its own extension: %.300s", text(body))
	}
	before = f.state(t, svc)
	st, _, body = village.status(t, "POST", fmt.Sprintf("/cases/extensions/%d/decide", xid), url.Values{"decision": {"approve"}, "case_id": {svcID}})
	if st != 403 || !strings.Contains(text(body), "延期须由上级组织审批") {
		t.Errorf("the community approving its own extension: %d %.200s", st, text(body))
	}
	if f.state(t, svc) != before || f.count(t, "SELECT COUNT(*) FROM case_extensions WHERE id = ? AND state = 'pending'", xid) != 1 {
		t.Errorf("the refused decision changed something")
	}
	body = street.get(t, "/cases/"+svcID)
	if !strings.Contains(body, fmt.Sprintf(`action="/cases/extensions/%d/decide"`, xid)) {
		t.Errorf("the street is not offered the decision")
	}
	if _, _, body := street.status(t, "POST", fmt.Sprintf("/cases/extensions/%d/decide", xid), url.Values{"decision": {"approve"}, "case_id": {svcID}, "note": {"同意"}}); flashOf(body) != "已批准延期，第 "+svcID+" 号案件办理时限至 2026-10-20" {
		t.Errorf("the street approving: %q", flashOf(body))
	}
	if st, _, body := street.status(t, "POST", fmt.Sprintf("/cases/extensions/%d/decide", xid), url.Values{"decision": {"refuse"}, "case_id": {svcID}}); st != 409 || flashOf(body) != "这项延期申请已经审批过了" {
		t.Errorf("deciding twice: %d %q", st, flashOf(body))
	}
}

// TestCasesStaffWorkflow walks service requests of 民生街道 through the
// pages: the street is told and finds them in its list, accepts one,
// dispatches it to 兴宁社区 by typing the community's name, which starts
// and answers it with a photo (an empty answer and a text file are
// refused at their fields), the street visits and closes it; another is a
// duplicate, a third is refused. The counts, filters, search, export,
// notices and the English pages follow.
func TestCasesStaffWorkflow(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	var ids []string
	for i, body := range []string{"小区门口的垃圾站每天清运不及时，气味很大。", "街道办事大厅周末不开门，上班族办事不方便。", "社区健身器材损坏，存在安全隐患。"} {
		f.clock.Set(staffStart.Add(time.Duration(i) * time.Minute))
		ids = append(ids, fmt.Sprint(f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: f.street.RegionCode, Body: body, Phone: "13907711234"})))
	}
	street, village := f.browser(t, "handler"), f.browser(t, "village_handler")
	if txt := text(street.get(t, "/notices")); !strings.Contains(txt, "通知 3 条未读 全部标为已读 第 3 号案件待受理 未读 2026-09-24 10:02 第 2 号案件待受理 未读 2026-09-24 10:01 第 1 号案件待受理 未读 2026-09-24 10:00") {
		t.Errorf("the street's notices: %s", txt)
	}
	body := street.get(t, "/cases")
	if got := staffListed(body); strings.Join(got, ",") != "3,2,1" || staffTabs(body) != "全部 3 待受理 3 已受理 0 不予受理 0 已派单 0 办理中 0 已答复 0 已回访 0 已办结 0 已超期 0 已督办 0" {
		t.Errorf("the street's list: %v %q", got, staffTabs(body))
	}
	if r := row(t, body, "垃圾站"); r != "3 1 服务诉求 小区门口的垃圾站每天清运不及时，气味很大。 第 1 号 · 服务诉求 · 民生街道 · 期限 2026-09-29 民生街道 "+f.street.Name+" 2026-09-24 10:00 2026-09-29 受理 待受理" {
		t.Errorf("the row: %q", r)
	}
	if !strings.Contains(text(body), "通知 3 条未读") {
		t.Errorf("the list does not lead to the unread notices")
	}

	// Accept and dispatch by the community's name.
	one := "/cases/" + ids[0]
	body = street.get(t, one)
	if _, _, body := street.status(t, "POST", one+"/step", url.Values{"step": {"accept"}, "version": {staffVersion(t, body)}}); flashOf(body) != "已受理第 1 号案件，办理时限至 2026-10-15" {
		t.Fatalf("accept: %q", flashOf(body))
	}
	body = street.get(t, one)
	if !strings.Contains(body, `data-picker="/pick/orgs?field=org_id&amp;under=`+fmt.Sprint(f.street.ID)+`"`) {
		t.Errorf("the dispatch picker is not limited to the organizations below the street")
	}
	if _, _, body := street.status(t, "POST", one+"/step", url.Values{"step": {"dispatch"}, "version": {staffVersion(t, body)}, "org_id_q": {"兴宁社区党支部"}}); flashOf(body) != "第 1 号案件已派至兴宁社区党支部" {
		t.Fatalf("dispatch: %q", flashOf(body))
	}
	f.deliver(t)
	if txt := text(village.get(t, "/notices")); !strings.Contains(txt, "第 1 号案件已派至本单位办理") {
		t.Errorf("the community's notices: %s", txt)
	}

	// The community starts and answers.
	body = village.get(t, one)
	if _, _, body := village.status(t, "POST", one+"/step", url.Values{"step": {"start"}, "version": {staffVersion(t, body)}}); flashOf(body) != "第 1 号案件已开始办理" {
		t.Fatalf("start: %q", flashOf(body))
	}
	body = village.get(t, one)
	v := staffVersion(t, body)
	answer := url.Values{"step": {"answer"}, "version": {v}, "text": {""}}
	if st, body := village.staffPost(t, one+"/step", answer, nil); st != 422 || errAt(body, "text") != "请填写答复内容，反映人会看到（5 至 2000 字）" {
		t.Errorf("an empty answer: %d %q", st, errAt(body, "text"))
	}
	reply := "已联系环卫所，自10月起每天早晚各清运一次。"
	answer.Set("text", reply)
	st, body := village.staffPost(t, one+"/step", answer, map[string][]byte{"说明.txt": []byte("plain text")})
	if st != 422 || errAt(body, "attachments") != "文件 说明.txt 的格式无法接收，请上传 JPG、PNG 图片或 PDF 文件" || !strings.Contains(body, reply+"</textarea>") {
		t.Errorf("a text file: %d %q", st, errAt(body, "attachments"))
	}
	photo := staffPhoto(t)
	if _, body := village.staffPost(t, one+"/step", answer, map[string][]byte{"清运记录.png": photo}); !strings.Contains(body, "第 1 号案件已答复，反映人可凭查询码查看并评价") {
		t.Fatalf("answer: %q", flashOf(body))
	}
	fid := fmt.Sprint(f.fileOf(t, 1))
	if resp, data := street.staffFetch(t, one+"/files/"+fid); resp.StatusCode != 200 || data != string(photo) {
		t.Errorf("the evidence: %d", resp.StatusCode)
	}

	// The street visits and closes.
	body = street.get(t, one)
	if _, _, body := street.status(t, "POST", one+"/step", url.Values{"step": {"visit"}, "version": {staffVersion(t, body)}, "text": {"10月9日电话回访，反映人表示已按时清运。"}}); flashOf(body) != "第 1 号案件已记录回访" {
		t.Fatalf("visit: %q", flashOf(body))
	}
	body = street.get(t, one)
	v = staffVersion(t, body)
	if st, _, body := street.status(t, "POST", one+"/step", url.Values{"step": {"close"}, "version": {v}}); st != 422 || errAt(body, "outcome") != "请选择办结结果：已解决、未解决或非本单位职责" {
		t.Errorf("closing without an outcome: %d %q", st, errAt(body, "outcome"))
	}
	if _, _, body := street.status(t, "POST", one+"/step", url.Values{"step": {"close"}, "version": {v}, "outcome": {"resolved"}}); flashOf(body) != "第 1 号案件已办结：已解决" {
		t.Fatalf("close: %q", flashOf(body))
	}
	txt := text(street.get(t, one))
	for _, want := range []string{
		"办结结果 已解决", "承办组织（派单） 兴宁社区党支部", "受理期限 2026-09-29 · 受理 2026-09-24", "办理期限 2026-10-15 · 答复 2026-09-24", "办理轮次 第 1 轮",
		"2026-09-24 10:00 提交反映 · 待受理 反映人可见 反映人",
		"受理 · 已受理 反映人可见 handler",
		"派单 · 已派单 · 兴宁社区党支部 handler",
		"开始办理 · 办理中 village_handler",
		"答复 · 已答复 反映人可见 " + reply + " 清运记录.png",
		"回访 · 已回访 10月9日电话回访，反映人表示已按时清运。 handler",
		"办结 · 已办结 反映人可见 已解决 handler",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("the closed case's page lacks %q: %s", want, txt)
		}
	}
	if strings.Contains(txt, "下一步") || strings.Contains(txt, "当前没有需要您办理的步骤") {
		t.Errorf("a closed case waits for a step")
	}

	// A duplicate and a refusal.
	body = street.get(t, "/cases/"+ids[1])
	if _, _, body := street.status(t, "POST", "/cases/"+ids[1]+"/step", url.Values{"step": {"duplicate"}, "version": {staffVersion(t, body)}, "duplicate_of": {"1"}}); flashOf(body) != "第 2 号案件已与第 1 号合并办理" {
		t.Errorf("duplicate: %q", flashOf(body))
	}
	body = street.get(t, "/cases/"+ids[2])
	if _, _, body := street.status(t, "POST", "/cases/"+ids[2]+"/step", url.Values{"step": {"refuse"}, "version": {staffVersion(t, body)}, "text": {"健身器材属物业管理，已告知物业公司。"}}); flashOf(body) != "第 3 号案件不予受理，理由已告知反映人" {
		t.Errorf("refuse: %q", flashOf(body))
	}

	// Counts, filters and search.
	body = street.get(t, "/cases")
	if staffTabs(body) != "全部 3 待受理 0 已受理 0 不予受理 1 已派单 0 办理中 0 已答复 0 已回访 0 已办结 2 已超期 0 已督办 0" {
		t.Errorf("the counts after: %q", staffTabs(body))
	}
	for q, want := range map[string]string{"?state=closed": "2,1", "?q=垃圾站": "1", "?q=2": "2", "?q=%232": "2", "?kind=opinion": "", "?state=refused&kind=service": "3", "?org=" + fmt.Sprint(f.village.ID): "1"} {
		body := street.get(t, "/cases"+q)
		if got := strings.Join(staffListed(body), ","); got != want {
			t.Errorf("/cases%s: %q, want %q", q, got, want)
		}
	}
	if body := street.get(t, "/cases?kind=opinion"); !strings.Contains(text(body), "没有符合条件的记录，请调整搜索条件") {
		t.Errorf("an empty filter does not say so")
	}
	name, rows := street.xlsx(t, "/cases/export.xlsx?state=closed")
	if !strings.Contains(name, "民生街道党工委_群众诉求案件_20260924.xlsx") {
		t.Errorf("the file's name: %s", name)
	}
	if len(rows) != 6 || rows[1][0] != "筛选：状态=已办结" || strings.Join(rows[3], "|") != "序号|案件编号|类型|标题|地点|责任组织|承办组织|收到时间|期限（最后一天）|状态|办结结果|超期|督办" ||
		strings.Join(rows[5], "|") != "2|1|服务诉求|小区门口的垃圾站每天清运不及时，气味很大。|兴宁区 民生街道|"+f.street.Name+"|兴宁社区党支部|2026-09-24 10:00||已办结|已解决" {
		t.Errorf("the export: %q", rows)
	}

	// In English.
	en := f.browser(t, "handler")
	en.english(t)
	if body := en.get(t, "/cases"); staffTabs(body) != "All 3 Awaiting acceptance 0 Accepted 0 Not accepted 1 Dispatched 0 In progress 0 Answered 0 Visited 0 Closed 2 Overdue 0 Escalated 0" ||
		!strings.Contains(text(body), "Residents' cases") {
		t.Errorf("the English list: %q", staffTabs(body))
	}
	if txt := text(en.get(t, one)); !strings.Contains(txt, "Handle by 2026-10-15") || !strings.Contains(txt, "Outcome Resolved") || !strings.Contains(txt, "Answered · Answered Shown to the reporter") {
		t.Errorf("the English case page: %s", txt)
	}

	// Notices read.
	body = street.get(t, "/notices")
	upTo := regexp.MustCompile(`name="up_to" value="(\d+)"`).FindStringSubmatch(body)
	if upTo == nil {
		t.Fatal("no mark-read form")
	}
	if _, _, body := street.status(t, "POST", "/notices/read", url.Values{"up_to": {upTo[1]}}); flashOf(body) != "通知已全部标为已读" || strings.Contains(text(body), "未读") {
		t.Errorf("mark read: %q %s", flashOf(body), text(body))
	}
}

// TestCasesStaffReveal: a case whose reporter left a name and a phone. The
// community's handler never sees them on the page; asks with too short a
// reason (refused at the field), then with a good one; cannot read them
// before a custodian approves; reads them after, on a page the browser
// does not keep, each reading audited. Another handler of the case, who
// did not ask, cannot; a handler of another township does not find it.
func TestCasesStaffReveal(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	ctx := context.Background()
	id := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: f.village.RegionCode, Body: "邻居装修长期夜间施工，影响休息。", Name: "张三", Phone: "13907711234"})
	page := fmt.Sprintf("/cases/%d", id)
	village := f.browser(t, "village_handler")
	body := village.get(t, page)
	if strings.Contains(body, "张三") || strings.Contains(body, "13907711234") || !strings.Contains(body, `action="`+page+`/reveal"`) {
		t.Errorf("the case page shows the identity, or offers no request")
	}
	if st, _, body := village.status(t, "POST", page+"/reveal", url.Values{"reason": {"核实情况"}}); st != 422 || errAt(body, "reason") != "请说明需要查看反映人身份的理由（10 至 500 字），反映人会看到" || !strings.Contains(body, "核实情况</textarea>") {
		t.Errorf("a short reason: %d %q", st, errAt(body, "reason"))
	}
	if _, _, body := village.status(t, "POST", page+"/reveal", url.Values{"reason": {"需要上门核实施工时间，须与反映人约定见面"}}); flashOf(body) != fmt.Sprintf("已申请查看第 %d 号案件反映人身份，待身份信息保管人审批", id) ||
		!strings.Contains(text(body), "您的申请正在等待身份信息保管人审批。") {
		t.Fatalf("request: %q", flashOf(body))
	}
	reads := func() int {
		return f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.reveal_read' AND target_id = ?", fmt.Sprint(id))
	}
	if _, at, body := village.status(t, "POST", page+"/identity", nil); at != page || flashOf(body) != "查看反映人身份须经身份信息保管人批准" || reads() != 0 {
		t.Errorf("reading before the approval: %s %q", at, flashOf(body))
	}
	custodian := f.actor(t, "custodian")
	pending, err := f.cs.PendingReveals(ctx, custodian)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending reveals: %v %v", pending, err)
	}
	if err := f.cs.DecideReveal(ctx, custodian, pending[0].ID, true, "同意，仅限约定见面"); err != nil {
		t.Fatal(err)
	}
	body = village.get(t, page)
	if !strings.Contains(body, `action="`+page+`/identity"`) || !strings.Contains(text(body), "需要上门核实施工时间，须与反映人约定见面 已批准 custodian") {
		t.Errorf("after the approval: %.1500s", text(body))
	}
	resp, err := village.c.PostForm(village.base+page+"/identity", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	txt := text(string(b))
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(txt, "姓名 张三 电话 13907711234 电子邮箱 未填写") || !strings.Contains(txt, "本次查看已记入审计日志") || reads() != 1 {
		t.Errorf("the identity: %d %q %s (%d readings)", resp.StatusCode, resp.Header.Get("Cache-Control"), txt, reads())
	}
	street := f.browser(t, "handler")
	if body := street.get(t, page); strings.Contains(body, "13907711234") || strings.Contains(body, `/identity"`) {
		t.Errorf("the street, which did not ask, is offered the identity")
	}
	if _, _, body := street.status(t, "POST", page+"/identity", nil); flashOf(body) != "查看反映人身份须经身份信息保管人批准" || reads() != 1 {
		t.Errorf("the street reading: %q", flashOf(body))
	}
	if st, _, _ := f.browser(t, "town_handler").status(t, "POST", page+"/identity", nil); st != 404 || reads() != 1 {
		t.Errorf("another township reading: %d", st)
	}
}

// TestCasesStaffOverdue: a request not accepted by its deadline shows as
// overdue in the list, its count and its filter, sorts first by deadline,
// and once escalated is marked 督办, on the street's list and page, with a
// notice to the street; the list pages, and the export says which rows
// are overdue and escalated.
func TestCasesStaffOverdue(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	ctx := context.Background()
	late := fmt.Sprint(f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: f.village.RegionCode, Body: "路口红绿灯坏了，车辆行人抢行很危险。"}))
	f.clock.Set(time.Date(2026, 9, 30, 1, 0, 0, 0, time.UTC)) // 09:00, the day after the last day to accept
	fresh := fmt.Sprint(f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: f.village.RegionCode, Body: "小区停车位划线不清，经常堵车。"}))
	street := f.browser(t, "handler")
	body := street.get(t, "/cases")
	if staffTabs(body) != "全部 2 待受理 2 已受理 0 不予受理 0 已派单 0 办理中 0 已答复 0 已回访 0 已办结 0 已超期 1 已督办 0" {
		t.Errorf("the counts: %q", staffTabs(body))
	}
	if r := row(t, body, "红绿灯"); !strings.HasSuffix(r, "2026-09-29 受理 待受理 已超期") {
		t.Errorf("the overdue row: %q", r)
	}
	if r := row(t, body, "停车位"); !strings.HasSuffix(r, "2026-10-09 受理 待受理") {
		t.Errorf("the fresh row: %q", r)
	}
	for q, want := range map[string]string{"": fresh + "," + late, "?sort=deadline": late + "," + fresh, "?overdue=1": late, "?escalated=1": ""} {
		if got := strings.Join(staffListed(street.get(t, "/cases"+q)), ","); got != want {
			t.Errorf("/cases%s: %q, want %q", q, got, want)
		}
	}
	if n, err := f.cs.Escalate(ctx); err != nil || n != 1 {
		t.Fatalf("escalate: %d %v", n, err)
	}
	f.deliver(t)
	if txt := text(street.get(t, "/notices")); !strings.Contains(txt, "第 "+late+" 号案件已超期，已提请您督办") {
		t.Errorf("the street's notices: %s", txt)
	}
	body = street.get(t, "/cases?escalated=1")
	if got := staffListed(body); len(got) != 1 || got[0] != late || !strings.HasSuffix(row(t, body, "红绿灯"), "待受理 已超期 督办") || !strings.HasSuffix(staffTabs(body), "已超期 1 已督办 1") {
		t.Errorf("escalated: %v %q", got, staffTabs(body))
	}
	txt := text(street.get(t, "/cases/"+late))
	for _, want := range []string{"督办单位 " + f.street.Name + " · 2026-09-30 09:00", "2026-09-30 09:00 超期督办 · " + f.street.Name + " 超过受理时限，提请上级督办 系统"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the escalated case's page lacks %q: %s", want, txt)
		}
	}
	_, rows := street.xlsx(t, "/cases/export.xlsx?overdue=1")
	if last := rows[len(rows)-1]; strings.Join(last[8:], "|") != "2026-09-29|待受理||是|是" || rows[1][0] != "筛选：已超期" {
		t.Errorf("the overdue export: %q", rows)
	}

	// Pages of ten.
	for i := 0; i < 10; i++ {
		f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: f.village.RegionCode, Body: fmt.Sprintf("第%d处路灯不亮，夜间行走不便。", i+1)})
	}
	body = street.get(t, "/cases?per=10&page=2")
	if got := staffListed(body); strings.Join(got, ",") != fresh+","+late || !strings.Contains(text(body), "共 12 条 · 第 2 / 2") {
		t.Errorf("page 2: %v %s", got, text(body))
	}
}
