package programs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// fsTables is what the ledger's tables, the register's posts, the
// campaigns and the audit log hold.
func (s *venueSite) fsTables(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"fsec_terms", "fsec_logs", "fsec_photos", "fsec_reviews", "posts"} {
		b.WriteString(testrig.DumpTable(t, context.Background(), s.d, table))
	}
	var n, c int
	if err := s.d.QueryRow(context.Background(), "SELECT (SELECT COUNT(*) FROM audit_log), (SELECT COUNT(*) FROM campaigns)").Scan(&n, &c); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d audit entries, %d campaigns", n, c)
	return b.String()
}

// fsMember registers a full member of the county's committee.
func (s *venueSite) fsMember(t *testing.T, name string, n int) people.Person {
	t.Helper()
	first17 := fmt.Sprintf("45010219790101%03d", 500+2*n)
	p, err := app.Service[*people.Service](s.a).AddMember(context.Background(), testrig.Admin, people.MemberInput{
		PersonInput: people.PersonInput{Name: name, IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
		OrgID:       s.county.ID, Kind: "full", JoinedOn: "2003-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fsAPI logs users in and answers a function that sends a JSON request
// with the bearer token of one of them.
func (s *venueSite) fsAPI(t *testing.T, users ...string) func(user, method, path, body string) (int, map[string]any) {
	t.Helper()
	call := func(token, method, path, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		out := map[string]any{}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		} else {
			out["bytes"], out["type"] = string(raw), resp.Header.Get("Content-Type")
		}
		return resp.StatusCode, out
	}
	tokens := map[string]string{}
	for _, u := range users {
		_, login := call("", "POST", "/api/v1/auth/login", fmt.Sprintf(`{"username":%q,"password":%q}`, u, s.pw[u]))
		tokens[u], _ = login["token"].(string)
	}
	return func(user, method, path, body string) (int, map[string]any) {
		t.Helper()
		return call(tokens[user], method, path, body)
	}
}

// TestFirstSecPages walks a first secretary through the pages: the county
// dispatches one to the secretary's community (a form refused at its
// fields keeps what was typed and records nothing; a term overlapping
// another of the same person is refused); the community writes the log
// with a photo whose place is removed; the county recalls the first
// secretary, the community shows on the vacant list and its export, and
// the county opens the yearly review; the expiring list shows a term
// ending soon.
func TestFirstSecPages(t *testing.T) {
	s := newVenueSite(t)
	county, sec := s.browser(t, "county_admin"), s.browser(t, "secretary")
	pg := app.Service[*programs.Service](s.a)
	today := pg.Today()
	day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }
	zhang, li := s.fsMember(t, "张立新", 1), s.fsMember(t, "李海燕", 2)

	// The form, with the person typed by name.
	if body := county.get(t, "/first-secretaries/new"); !strings.Contains(pageText(body), "选派第一书记") || !strings.Contains(body, `name="ends_on"`) {
		t.Fatalf("form: %.500s", pageText(body))
	}
	before := s.fsTables(t)
	form := url.Values{"person_id_q": {"张立新"}, "org_id": {fmt.Sprint(s.community.ID)}, "home_agency": {""}, "started_on": {day(-200)}, "ends_on": {day(-210)}, "duties": {"发展集体经济，为民办事"}}
	st, _, body := county.post(t, "/first-secretaries/new", form)
	if st != 422 || fieldError(body, "home_agency") != "请填写派出单位" || fieldError(body, "ends_on") != "任期届满日期应晚于任职日期 "+day(-200) || !strings.Contains(body, "发展集体经济，为民办事") {
		t.Fatalf("bad dispatch: %d %q %q", st, fieldError(body, "home_agency"), fieldError(body, "ends_on"))
	}
	if s.fsTables(t) != before {
		t.Fatal("a refused dispatch changed the tables")
	}
	form.Set("home_agency", "南宁市财政局")
	form.Set("ends_on", day(40))
	st, at, body := county.post(t, "/first-secretaries/new", form)
	if st != 200 || !strings.HasPrefix(at, "/first-secretaries/") || flash(body) != "已选派张立新任"+s.community.Label()+"第一书记" {
		t.Fatalf("dispatch: %d %s %q", st, at, flash(body))
	}
	term := strings.TrimPrefix(at, "/first-secretaries/")
	if txt := pageText(body); !strings.Contains(txt, "南宁市财政局") || !strings.Contains(txt, "已在党员名册登记第一书记任职") || !strings.Contains(txt, "剩余 40 天") {
		t.Fatalf("term page: %.1500s", txt)
	}
	// The bad input: the same person's overlapping term.
	other := s.street
	kids, _, _ := s.a.Core().Orgs.List(context.Background(), testrig.Admin, org.ListQuery{Under: other.ID, ChildrenOnly: true, Limit: 2, Sort: "code"})
	before = s.fsTables(t)
	st, _, body = county.post(t, "/first-secretaries/new", url.Values{"person_id": {fmt.Sprint(zhang.ID)}, "org_id": {fmt.Sprint(kids[1].ID)}, "home_agency": {"南宁市财政局"},
		"started_on": {day(-10)}, "ends_on": {day(700)}, "duties": {"发展集体经济"}})
	if want := fmt.Sprintf("张立新 %s 至 %s 在%s任第一书记（任期 %s），与本次任期（%s 至 %s）重叠：同一人同一时间只能在一个村（社区）任第一书记", day(-200), day(40), s.community.Label(), term, day(-10), day(700)); st != 409 || fieldError(body, "started_on") != want {
		t.Fatalf("overlap: %d %q, want %q", st, fieldError(body, "started_on"), want)
	}
	if s.fsTables(t) != before {
		t.Fatal("a refused overlapping dispatch changed the tables")
	}

	// The community writes its log: an entry without text is refused, one
	// with a photo is kept without the place the phone wrote into it.
	before = s.fsTables(t)
	st, _, body = sec.form(t, "/first-secretaries/"+term+"/logs", url.Values{"logged_on": {day(-1)}, "text": {""}}, nil)
	if st != 422 || fieldError(body, "text") != "请填写日志内容：当天做了什么、走访了哪些群众、解决了什么问题" || s.fsTables(t) != before {
		t.Fatalf("empty entry: %d %q", st, fieldError(body, "text"))
	}
	st, _, body = sec.form(t, "/first-secretaries/"+term+"/logs", url.Values{"logged_on": {day(-1)}, "text": {"走访农户 6 户，收集意见 3 条"}}, map[string][]byte{"走访.png": venueImage(t)})
	if st != 200 || flash(body) != "已记录 "+day(-1)+" 的驻村日志" || !strings.Contains(tableRow(t, body, "走访农户 6 户"), day(-1)) {
		t.Fatalf("entry: %d %q", st, flash(body))
	}
	var photo int64
	if err := s.d.QueryRow(context.Background(), "SELECT id FROM fsec_photos").Scan(&photo); err != nil {
		t.Fatal(err)
	}
	resp, err := sec.c.Get(fmt.Sprintf("%s/first-secretaries/%s/photos/%d", s.srv.URL, term, photo))
	if err != nil {
		t.Fatal(err)
	}
	img, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || bytes.Contains(img, []byte("GPS")) {
		t.Fatalf("photo: %d %s, place kept %v", resp.StatusCode, resp.Header.Get("Content-Type"), bytes.Contains(img, []byte("GPS")))
	}
	// The community may not end the term.
	if body := sec.get(t, "/first-secretaries/"+term); strings.Contains(body, `action="/first-secretaries/`+term+`/end"`) {
		t.Fatal("the secretary is offered the end of the term")
	}

	// The expiring list has the term, 40 days left.
	if row := tableRow(t, county.get(t, "/first-secretaries?view=expiring"), "张立新"); !strings.Contains(row, "剩余 40 天") {
		t.Fatalf("expiring row: %s", row)
	}
	rows := xlsxRows(t, county, "/first-secretaries/export.xlsx?view=expiring")
	if got := strings.Join(rows[len(rows)-1], "|"); !strings.HasPrefix(got, "1|张立新|南宁市财政局|"+s.community.Label()+"|"+day(-200)+"|"+day(40)+"|40|在任") {
		t.Fatalf("expiring export: %s", got)
	}

	// The county recalls: without a reason it is refused at its field.
	before = s.fsTables(t)
	st, _, body = county.post(t, "/first-secretaries/"+term+"/end", url.Values{"kind": {"recalled"}, "ended_on": {day(0)}, "reason": {""}})
	if st != 422 || fieldError(body, "reason") != "提前结束任期（召回）请填写原因" || s.fsTables(t) != before {
		t.Fatalf("recall without a reason: %d %q", st, fieldError(body, "reason"))
	}
	st, _, body = county.post(t, "/first-secretaries/"+term+"/end", url.Values{"kind": {"recalled"}, "ended_on": {day(0)}, "reason": {"因病不能继续驻村工作"}})
	if st != 200 || flash(body) != "已办理张立新离任（召回）" || !strings.Contains(pageText(body), "选派接任") {
		t.Fatalf("recall: %d %q", st, flash(body))
	}
	if row := tableRow(t, county.get(t, "/first-secretaries?view=vacant"), "张立新"); !strings.Contains(row, "召回") || !strings.Contains(row, "因病不能继续驻村工作") {
		t.Fatalf("vacant row: %s", row)
	}
	rows = xlsxRows(t, county, "/first-secretaries/export.xlsx?view=vacant")
	if got := strings.Join(rows[len(rows)-1], "|"); !strings.Contains(got, "|"+day(0)+"|召回|因病不能继续驻村工作||1|"+day(-1)) {
		t.Fatalf("vacant export: %s", got)
	}
	// A successor from the vacant list's link: the form says whom it
	// succeeds.
	if body := county.get(t, "/first-secretaries/new?after="+term); !strings.Contains(pageText(body), "接替张立新（"+day(0)+" 离任）") {
		t.Fatalf("successor form: %.800s", pageText(body))
	}
	st, next, body := county.post(t, "/first-secretaries/new", url.Values{"after": {term}, "person_id": {fmt.Sprint(li.ID)}, "org_id": {fmt.Sprint(s.community.ID)},
		"home_agency": {"南宁市教育局"}, "started_on": {day(0)}, "ends_on": {day(729)}, "duties": {"发展集体经济"}})
	if st != 200 || !strings.Contains(pageText(body), "接替 张立新") {
		t.Fatalf("successor: %d %q %.600s", st, flash(body), pageText(body))
	}

	// The yearly review: the county opens it for this year and lands on the
	// campaign.
	st, at, body = county.post(t, "/first-secretaries/review", url.Values{"org_id": {fmt.Sprint(s.county.ID)}, "year": {fmt.Sprint(today.Year())}, "opens_on": {day(0)}, "closes_on": {day(10)}})
	if st != 200 || !strings.HasPrefix(at, "/evaluation/") || flash(body) != fmt.Sprintf("已建立%d年度第一书记评议，评议对象 1 人。评议对象不足 10 人，按优秀不超过 10%% 的规定，本次评议不评优秀", today.Year()) {
		t.Fatalf("review: %d %s %q", st, at, flash(body))
	}
	// The successor's page lists the review, graded once published; the
	// recalled first secretary is not reviewed.
	if row := tableRow(t, county.get(t, next), "第一书记“三述三评”述职评议"); !strings.Contains(row, fmt.Sprintf("%d %d年度第一书记“三述三评”述职评议（%s） 草稿 结果公布后显示 —", today.Year(), today.Year(), s.county.Label())) {
		t.Fatalf("review row: %s", row)
	}
	if body := county.get(t, "/first-secretaries/"+term); !strings.Contains(pageText(body), "尚无可查看的年度评议") {
		t.Fatal("the recalled first secretary is in the review")
	}
}

// TestFirstSecAPI runs a term through the API, every answer checked
// against the OpenAPI document: dispatch, a log entry with a photo in
// base64, the log, the photo, the lists, the end and the review; bad
// input answers its status and message and changes nothing.
func TestFirstSecAPI(t *testing.T) {
	s := newVenueSite(t)
	pg := app.Service[*programs.Service](s.a)
	today := pg.Today()
	day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }
	p := s.fsMember(t, "王志强", 3)
	api := s.fsAPI(t, "county_admin", "secretary", "auditor")
	before := s.fsTables(t)
	st, out := api("county_admin", "POST", "/api/v1/first-secretaries", fmt.Sprintf(`{"person_id":%d,"org_id":%d,"home_agency":"南宁市财政局","started_on":%q,"ends_on":%q,"duties":""}`,
		p.ID, s.community.ID, day(-30), day(700)))
	if e, _ := out["error"].(map[string]any); st != 400 || e["field"] != "duties" || e["message"] != "请填写驻村工作职责" || s.fsTables(t) != before {
		t.Fatalf("no duties: %d %v", st, out)
	}
	st, out = api("county_admin", "POST", "/api/v1/first-secretaries", fmt.Sprintf(`{"person_id":%d,"org_id":%d,"home_agency":"南宁市财政局","started_on":%q,"ends_on":%q,"duties":"建强村党组织"}`,
		p.ID, s.community.ID, day(-30), day(700)))
	if st != 201 || out["person_name"] != "王志强" || out["state"] != "in_post" {
		t.Fatalf("dispatch: %d %v", st, out)
	}
	id := int64(out["id"].(float64))
	path := fmt.Sprintf("/api/v1/first-secretaries/%d", id)
	img := base64.StdEncoding.EncodeToString(venueImage(t))
	st, out = api("secretary", "POST", path+"/logs", fmt.Sprintf(`{"logged_on":%q,"text":"入户宣讲医保政策","attachments":[{"name":"宣讲.png","data":%q}]}`, day(-2), img))
	if st != 201 || len(out["photos"].([]any)) != 1 {
		t.Fatalf("entry: %d %v", st, out)
	}
	pid := int64(out["photos"].([]any)[0].(map[string]any)["id"].(float64))
	before = s.fsTables(t)
	st, out = api("secretary", "POST", path+"/logs", fmt.Sprintf(`{"logged_on":%q,"text":"入户宣讲医保政策"}`, day(1)))
	if st != 400 || s.fsTables(t) != before {
		t.Fatalf("entry of tomorrow: %d %v", st, out)
	}
	st, out = api("auditor", "GET", path+"/logs", "")
	months, _ := out["months"].([]any)
	if st != 200 || out["total"] != 1.0 || len(months) < 1 {
		t.Fatalf("log: %d %v", st, out)
	}
	if st, out = api("secretary", "GET", fmt.Sprintf("%s/photos/%d", path, pid), ""); st != 200 || out["type"] != "image/png" {
		t.Fatalf("photo: %d %v", st, out["type"])
	}
	st, out = api("county_admin", "GET", "/api/v1/first-secretaries?view=expiring&days=730", "")
	if st != 200 || out["total"] != 1.0 || out["expiring"] != 1.0 {
		t.Fatalf("expiring: %d %v", st, out)
	}
	before = s.fsTables(t)
	st, out = api("county_admin", "POST", path+"/end", fmt.Sprintf(`{"kind":"completed","ended_on":%q}`, day(0)))
	if e, _ := out["error"].(map[string]any); st != 400 || !strings.Contains(fmt.Sprint(e), "任期至 "+day(700)+" 届满，尚未期满") || s.fsTables(t) != before {
		t.Fatalf("completed early: %d %v", st, out)
	}
	st, out = api("county_admin", "POST", path+"/end", fmt.Sprintf(`{"kind":"rotated","ended_on":%q,"reason":"派出单位工作需要"}`, day(0)))
	if st != 200 || out["state"] != "ended" || out["end_kind"] != "rotated" {
		t.Fatalf("rotated: %d %v", st, out)
	}
	st, out = api("county_admin", "POST", "/api/v1/first-secretaries/reviews", fmt.Sprintf(`{"org_id":%d,"year":%d,"opens_on":%q,"closes_on":%q}`, s.county.ID, today.Year(), day(0), day(7)))
	if st != 201 || out["subjects"] != 1.0 || out["status"] != "draft" {
		t.Fatalf("review: %d %v", st, out)
	}
	st, out = api("auditor", "GET", path, "")
	if reviews, _ := out["reviews"].([]any); st != 200 || len(reviews) != 1 || reviews[0].(map[string]any)["grade"] != "" {
		t.Fatalf("term with its review: %d %v", st, out)
	}
}
