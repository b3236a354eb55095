package programs_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
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
	"jiceng/internal/ids"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/spec"

	"jiceng/internal/server"
)

var ctPageRegions = region.NewHolder()

// ctSite is the demo's tree of Nanning with its accounts, without the
// modules' demo data, served with every answer of the API checked against
// the OpenAPI document.
type ctSite struct {
	srv       *httptest.Server
	d         *db.DB
	a         *app.App
	pw        map[string]string
	community org.Org // the secretary's community
	county    org.Org // 兴宁区, the county_admin's
	serial    int
}

func newCtSite(t *testing.T) *ctSite {
	t.Helper()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	res, err := demo.Seed(ctx, &module.Core{DB: d, Orgs: org.NewService(d, ctPageRegions), Accounts: account.NewService(d, testrig.FastParams, access.MustCatalogue())}, nil, "4501")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, app.Config{DB: d, Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams, Regions: ctPageRegions,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.NewServer(a, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := &ctSite{srv: httptest.NewServer(spec.Checked(t, h)), d: d, a: a, pw: map[string]string{}}
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
		case "county_admin":
			s.county = o
		}
	}
	if s.county.RegionCode != "450102" {
		t.Fatalf("the county_admin is granted on %s", s.county.Name)
	}
	return s
}

// leader registers a member of o holding its secretary's post.
func (s *ctSite) leader(t *testing.T, o org.Org, name string) people.Person {
	t.Helper()
	ctx := context.Background()
	s.serial++
	first17 := fmt.Sprintf("%s19720304%03d", o.RegionCode[:6], 601+2*s.serial)
	ppl := app.Service[*people.Service](s.a)
	p, err := ppl.AddMember(ctx, testrig.Admin, people.MemberInput{PersonInput: people.PersonInput{Name: name, IDNumber: first17 + string(ids.IDCardCheckChar(first17)),
		Ethnicity: "壮族", Education: "研究生"}, OrgID: o.ID, Kind: "full", JoinedOn: "1996-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ppl.Appoint(ctx, testrig.Admin, people.PostInput{PersonID: p.ID, OrgID: o.ID, Post: "secretary", StartedOn: "2024-01-01"}); err != nil {
		t.Fatal(err)
	}
	return p
}

// ctBrowser is a logged-in browser that follows redirects.
type ctBrowser struct {
	c    *http.Client
	base string
}

func (s *ctSite) browser(t *testing.T, user string) *ctBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &ctBrowser{c: &http.Client{Jar: jar}, base: s.srv.URL}
	resp, err := b.c.PostForm(s.srv.URL+"/login", url.Values{"username": {user}, "password": {s.pw[user]}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %v", user, err)
	}
	resp.Body.Close()
	return b
}

// do sends a request and answers the final status, address and body.
func (b *ctBrowser) do(t *testing.T, method, path, ct string, body io.Reader) (int, string, string) {
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

func (b *ctBrowser) get(t *testing.T, path string) string {
	t.Helper()
	st, _, body := b.do(t, "GET", path, "", nil)
	if st != 200 {
		t.Fatalf("GET %s: %d", path, st)
	}
	return body
}

func (b *ctBrowser) post(t *testing.T, path string, form url.Values) (int, string, string) {
	t.Helper()
	return b.do(t, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// xlsx downloads an export and answers its rows.
func (b *ctBrowser) xlsx(t *testing.T, path string) [][]string {
	t.Helper()
	st, _, body := b.do(t, "GET", path, "", nil)
	if st != 200 {
		t.Fatalf("GET %s: %d", path, st)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

var (
	ctTagRE   = regexp.MustCompile(`<[^>]*>`)
	ctSpaceRE = regexp.MustCompile(`\s+`)
)

// ctText is the visible text of a piece of a page.
func ctText(s string) string {
	s = regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAllString(s, " ")
	return strings.TrimSpace(ctSpaceRE.ReplaceAllString(html.UnescapeString(ctTagRE.ReplaceAllString(s, " ")), " "))
}

// ctFieldError is the message shown at a form field.
func ctFieldError(body, field string) string {
	m := regexp.MustCompile(`<p class="error" id="err-` + field + `">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// ctFlash is the flash message of a page.
func ctFlash(body string) string {
	m := regexp.MustCompile(`<div class="flash [a-z]+"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(m[1]))
}

// ctRow is the visible text of the first table row containing s.
func ctRow(t *testing.T, body, s string) string {
	t.Helper()
	for _, tr := range regexp.MustCompile(`(?s)<tr[^>]*>.*?</tr>`).FindAllString(body, -1) {
		if strings.Contains(tr, s) {
			return ctText(tr)
		}
	}
	t.Fatalf("no row contains %q", s)
	return ""
}

// ctTables is what the contact points' and the pairings' tables and the
// audit log hold.
func (s *ctSite) ctTables(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"contact_points", "contact_visits", "contact_rules", "pairings", "pairing_commitments", "pairing_completions", "pairing_files"} {
		b.WriteString(testrig.DumpTable(t, context.Background(), s.d, table))
	}
	var n int
	if err := s.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d audit entries", n)
	return b.String()
}

// TestContactPages walks a contact point through its pages: the county
// sets one for its secretary (the form refuses the county itself at its
// field, keeps the leader chosen and what was typed, and changes
// nothing), the list shows it behind, the community's secretary logs
// visits (a future one is refused at its field), the county raises its
// rule, and the list, the chart's table and the export follow.
func TestContactPages(t *testing.T) {
	t.Parallel()
	s := newCtSite(t)
	county, sec := s.browser(t, "county_admin"), s.browser(t, "secretary")
	wei := s.leader(t, s.county, "韦振邦")
	pg := app.Service[*programs.Service](s.a)
	year := pg.Today().Year()
	c := s.community

	// The county itself as the contact point: refused at the field.
	before := s.ctTables(t)
	st, _, body := county.post(t, "/contacts/new", url.Values{"person_id_q": {"韦振邦"}, "org_id": {fmt.Sprint(s.county.ID)}, "year": {fmt.Sprint(year)}, "post": {"区委书记"}})
	if st != 422 || ctFieldError(body, "org_id") != "联系点应为“"+s.county.Label()+"”的下级党组织，不能是它本身" {
		t.Errorf("the county as its own contact point: %d %q %q", st, ctFieldError(body, "org_id"), ctFlash(body))
	}
	if !strings.Contains(body, `<p class="pick-chosen"><strong>韦振邦</strong>`) || !strings.Contains(body, `value="区委书记"`) || !strings.Contains(body, "现任职务："+s.county.Label()+"书记") {
		t.Error("the form shown again lost the leader chosen or the post typed")
	}
	if after := s.ctTables(t); after != before {
		t.Errorf("a refused contact point changed the tables:\n%s\n%s", before, after)
	}

	// The leader's organization comes from their post.
	st, where, body := county.post(t, "/contacts/new", url.Values{"person_id_q": {"韦振邦"}, "org_id": {fmt.Sprint(c.ID)}, "year": {fmt.Sprint(year)}, "post": {"区委书记"}})
	if st != 200 || !strings.HasPrefix(where, "/contacts/") || ctFlash(body) != "已设置韦振邦的联系点："+c.Label() {
		t.Fatalf("set: %d %s %q", st, where, ctFlash(body))
	}
	href := where
	l, err := pg.Contacts(context.Background(), testrig.Admin, programs.ContactQuery{})
	if err != nil || l.Total != 1 {
		t.Fatalf("contact points: %+v %v", l, err)
	}
	cp := l.Items[0]
	if cp.LeaderOrgID != s.county.ID || cp.Required != 4 {
		t.Errorf("the contact point: %+v", cp)
	}
	wantRow := fmt.Sprintf("1 韦振邦 区委书记 %s %s 已走访 / 要求 0 / 4 ! 进度落后 0 / 4 %d — ! 进度落后", s.county.Label(), c.Label(), cp.Expected)
	if cp.Expected == 0 {
		wantRow = fmt.Sprintf("1 韦振邦 区委书记 %s %s 已走访 / 要求 0 / 4 进度正常 0 / 4 0 — 进度正常", s.county.Label(), c.Label())
	}
	list := county.get(t, "/contacts")
	if got := ctRow(t, list, href); got != wantRow {
		t.Errorf("the list's row:\n got %q\nwant %q", got, wantRow)
	}

	// The secretary logs a visit: a future date is refused at its field,
	// what was typed stays, nothing changes.
	before = s.ctTables(t)
	tomorrow := pg.Today().AddDate(0, 0, 1).Format("2006-01-02")
	st, _, body = sec.post(t, href+"/visits", url.Values{"visited_on": {tomorrow}, "topics": {"调研社区党建工作"}, "solved": {"0"}})
	if st != 422 || ctFieldError(body, "visited_on") != "走访日期不能晚于今天（"+pg.Today().Format("2006-01-02")+"）" || !strings.Contains(body, ">调研社区党建工作</textarea>") {
		t.Errorf("a visit tomorrow: %d %q", st, ctFieldError(body, "visited_on"))
	}
	st, _, body = sec.post(t, href+"/visits", url.Values{"visited_on": {pg.Today().Format("2006-01-02")}, "topics": {"调研社区党建工作"}, "solved": {"2"}})
	if st != 422 || ctFieldError(body, "solved_text") != "解决了 2 个问题，请写明是哪些问题、如何解决" {
		t.Errorf("problems without their description: %d %q", st, ctFieldError(body, "solved_text"))
	}
	if after := s.ctTables(t); after != before {
		t.Errorf("a refused visit changed the tables:\n%s\n%s", before, after)
	}
	today := pg.Today().Format("2006-01-02")
	st, _, body = sec.post(t, href+"/visits", url.Values{"visited_on": {today}, "topics": {"调研社区党建工作"}, "solved": {"1"}, "solved_text": {"协调解决小区路灯问题"}})
	if st != 200 || ctFlash(body) != fmt.Sprintf("已登记 %s 的走访，本年度已走访 1 次（要求 4 次）", today) {
		t.Errorf("a visit: %d %q", st, ctFlash(body))
	}
	if got := ctRow(t, body, "协调解决小区路灯问题"); !strings.HasPrefix(got, "1 "+today+" 调研社区党建工作") {
		t.Errorf("the visit's row: %q", got)
	}

	// The county asks for 6 visits a year: a township cannot carry the
	// rule; the county's holds for the contact point.
	before = s.ctTables(t)
	kids, _, _ := s.a.Core().Orgs.List(context.Background(), testrig.Admin, org.ListQuery{Under: s.county.ID, ChildrenOnly: true, Level: "township", Limit: 1, Sort: "code"})
	st, _, body = county.post(t, "/contacts/rules", url.Values{"rule_org": {fmt.Sprint(kids[0].ID)}, "min_visits": {"6"}})
	if st != 422 || ctFieldError(body, "rule_org") != "“"+kids[0].Label()+"”不是县（市、区）级或市级党委：走访要求由县级以上党委为其下级统一设置" {
		t.Errorf("a township's rule: %d %q", st, ctFieldError(body, "rule_org"))
	}
	if after := s.ctTables(t); after != before {
		t.Errorf("a refused rule changed the tables:\n%s\n%s", before, after)
	}
	st, _, body = county.post(t, "/contacts/rules", url.Values{"rule_org": {fmt.Sprint(s.county.ID)}, "min_visits": {"6"}})
	if st != 200 || ctFlash(body) != "已设置"+s.county.Label()+"及下级联系点每年至少走访 6 次" {
		t.Errorf("the county's rule: %d %q", st, ctFlash(body))
	}
	if !strings.Contains(ctText(county.get(t, href)), "已走访 / 要求 1 / 6") {
		t.Error("the contact point does not follow the county's rule")
	}
	// The chart's table counts the contact point in its township.
	list = county.get(t, "/contacts")
	if got := ctRow(t, list, fmt.Sprintf(`href="/contacts?year=%d&amp;org=`, year)); !strings.Contains(got, " 1 ") {
		t.Errorf("the chart's table: %q", got)
	}

	rows := county.xlsx(t, "/contacts/export.xlsx")
	var last []string
	for _, r := range rows {
		if len(r) > 4 && r[1] == "韦振邦" {
			last = r
		}
	}
	want := []string{"1", "韦振邦", "区委书记", s.county.Label(), c.Label(), fmt.Sprint(year), "1", "6"}
	if len(last) < 11 || strings.Join(last[:8], "|") != strings.Join(want, "|") || last[9] != today {
		t.Errorf("export row %q, want %q…", last, want)
	}
	// Someone without the programmes' rights gets nothing.
	if st, _, _ := s.browser(t, "handler").do(t, "GET", "/contacts", "", nil); st != 403 {
		t.Errorf("a case handler reads the contact points: %d", st)
	}
	_ = wei
}
