package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/spec"
	"jiceng/internal/xlsx/xlsxtest"

	"github.com/xuri/excelize/v2"
)

// exportCase is one export route with the request that fills it, the
// orientation its columns print in, and the number format of each numeric
// column (by position, the same in both languages). Columns from repeat
// on repeat the pattern of formats ("" for a text column) until the last.
type exportCase struct {
	path        string
	form        url.Values // POSTed when set
	orientation string
	formats     map[int]string
	from        int
	repeat      []string
	sheets      int // the workbook's sheets, 1 when 0
}

// format is the number format column col must have, "" for a text column.
func (c exportCase) format(col int) string {
	if f, ok := c.formats[col]; ok {
		return f
	}
	if len(c.repeat) > 0 && col >= c.from {
		return c.repeat[(col-c.from)%len(c.repeat)]
	}
	return ""
}

// rawCodes are status, kind and audit codes that no export may show
// instead of their words.
var rawCodes = map[string]bool{"active": true, "disabled": true, "dissolved": true, "draft": true, "open": true, "closed": true, "published": true,
	"auth.login": true, "auth.logout": true, "org.update": true, "user.create": true, "goal.create": true, "evaluation.create": true, "evaluation.tokens": true,
	"org": true, "user": true, "unit": true, "campaign": true, "goal_set": true, "export": true}

// TestEveryExportPrints downloads every Excel export of the route table, in
// Chinese and in English, from the pages and from the API, and checks that
// each prints: A4 in its orientation, one page wide, the four top rows
// repeated on every page, page numbers in the footer, a filter on the
// header and its data, a sheet named after the list; numbers of numeric
// columns are number cells with their format, and no status or audit code
// shows instead of its word. An export route this test does not know
// fails it: add it here.
func TestEveryExportPrints(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.PublicURL = "http://dj.example.org" })
	ctx := context.Background()
	admin := f.token(t, "admin")

	st, out := f.call(t, "POST", "/api/v1/goal-sets", admin, fmt.Sprintf(`{"name":"2026年全市目标","year":2026,"owner_org_id":%d,"targets":{"org_coverage":90,"work_coverage":95}}`, f.root))
	if st != 201 {
		t.Fatalf("goal set: %d %v", st, out)
	}
	goal := int64(out["id"].(float64))
	town, _ := f.evalTown(t, admin, 1)
	for i := 1; i <= 4; i++ {
		st, out := f.call(t, "POST", "/api/v1/units", admin, fmt.Sprintf(`{"credit_code":%q,"name":"南宁打印测试%02d有限公司","employees":40,"full_members":%d,"region_code":"450102001003","affiliation_org_id":%d,"industry":"制造业"}`,
			unitCode(i), i, i-1, town))
		if st != 201 {
			t.Fatalf("unit %d: %d %v", i, st, out)
		}
	}
	// A case accepted, answered and rated, so that the channel's rates
	// are figures.
	if st, out := f.call(t, "POST", "/api/v1/public/cases", "", `{"kind":"service","region_code":"450102001003","body":"楼道灯坏了三个星期，晚上出入很不方便。"}`); st != 201 && st != 200 {
		t.Fatalf("case: %d %v", st, out)
	} else {
		_, list := f.call(t, "GET", "/api/v1/cases", admin, "")
		items, _ := list["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("cases %v", list)
		}
		id := fmt.Sprint(int64(items[0].(map[string]any)["id"].(float64)))
		for _, step := range []string{`accept {}`, `start {}`, `answer {"text":"已联系物业更换路灯，请您查看。"}`} {
			name, body, _ := strings.Cut(step, " ")
			if st, out := f.call(t, "POST", "/api/v1/cases/"+id+"/"+name, admin, body); st != 200 {
				t.Fatalf("%s: %d %v", name, st, out)
			}
		}
		if st, out := f.call(t, "POST", "/api/v1/public/cases/rating", "", fmt.Sprintf(`{"receipt":%q,"rating":"satisfied"}`, out["receipt"])); st != 200 {
			t.Fatalf("rating: %d %v", st, out)
		}
	}
	slips := f.slipCampaign(t)
	codes, err := f.eval.IssueTokens(ctx, testrig.Admin, slips.ID, "enterprise", 3)
	if err != nil {
		t.Fatal(err)
	}
	// A closed campaign whose every group reached k, so that each result
	// column holds numbers.
	camp, subs, ballots := f.newCampaign(t, admin, "village_secretary", 2, map[string]int{"superior": 5, "members": 5, "masses": 5})
	for g, list := range ballots {
		for i, code := range list {
			sat := 100.0
			if g == "masses" && i < 2 {
				sat = 0
			}
			if st, out := f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(code, map[string]map[string]float64{subs[0]: village(85, sat), subs[1]: village(100, 100)}, "多开展入户走访")); st != 201 {
				t.Fatalf("cast: %d %v", st, out)
			}
		}
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/close", camp), admin, ""); st != 200 {
		t.Fatalf("close: %d %v", st, out)
	}

	// A resident's case and a workstation, so that their exports have rows.
	if st, out := f.call(t, "POST", "/api/v1/public/cases", "", `{"kind":"service","region_code":"450102001003","body":"打印测试：楼道灯坏了，请维修。"}`); st != 201 {
		t.Fatalf("case: %d %v", st, out)
	}
	// An opinion, so that this month's opinions report has a topic.
	if st, out := f.call(t, "POST", "/api/v1/public/cases", "", `{"kind":"opinion","region_code":"450102001003","topic":"elderly","body":"打印测试：建议延长养老服务站的开放时间。"}`); st != 201 {
		t.Fatalf("opinion: %d %v", st, out)
	}
	opinionMonth := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	if st, at, _ := f.browser(t, "admin").status(t, "POST", "/stations/new", url.Values{"org_id": {fmt.Sprint(town)}, "name": {"打印测试廉洁工作站"},
		"address": {"党群服务中心一楼"}, "hours": {"工作日"}}); st != 200 || !strings.HasPrefix(at, "/stations/") {
		t.Fatalf("station: %d at %s", st, at)
	}
	// A member, so that the register's export has a row.
	if st, at, _ := f.browser(t, "admin").status(t, "POST", "/people/new", url.Values{"name": {"打印测试党员"}, "id_number": {personID("450102", "19800101", 135)},
		"ethnicity": {"01"}, "education": {"21"}, "phone": {"13812345678"}, "org_id": {fmt.Sprint(town)}, "kind": {"full"}, "joined_on": {"2005-07-01"}}); st != 200 || !strings.HasPrefix(at, "/people/") {
		t.Fatalf("member: %d at %s", st, at)
	}
	// Another, transferred out of the system, so that the transfers' export has one.
	ab := f.browser(t, "admin")
	st, at, _ := ab.status(t, "POST", "/people/new", url.Values{"name": {"转出测试党员"}, "id_number": {personID("450102", "19800101", 139)},
		"ethnicity": {"01"}, "education": {"21"}, "org_id": {fmt.Sprint(town)}, "kind": {"full"}, "joined_on": {"2005-07-01"}})
	if st != 200 || !strings.HasPrefix(at, "/people/") {
		t.Fatalf("member: %d at %s", st, at)
	}
	if st, _, body := ab.status(t, "POST", at+"/transfer", url.Values{"mode": {"out"}, "out_to": {"中共广东省深圳市委组织部"},
		"transfer_on": {beijingToday()}}); st != 200 || !strings.Contains(body, "已转出本系统") {
		t.Fatalf("transfer out: %d %s", st, flashOf(body))
	}
	// A village cadre with this year's pay and a term ending next month,
	// so that the lists of pay and of elections due have a row.
	villages, _, _ := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	now := time.Now().In(org.Shanghai)
	st, out = f.call(t, "POST", "/api/v1/people", admin, fmt.Sprintf(`{"name":"打印测试干部","id_number":%q,"ethnicity":"汉族","education":"大学本科","org_id":%d,"kind":"full","joined_on":"2005-07-01"}`,
		personID("450102", "19800101", 137), villages[0].ID))
	if st != 201 {
		t.Fatalf("cadre: %d %v", st, out)
	}
	cadre := int64(out["id"].(float64))
	for _, c := range []struct{ path, body string }{
		{"/api/v1/posts", fmt.Sprintf(`{"person_id":%d,"org_id":%d,"post":"village_committee","started_on":"2020-01-01"}`, cadre, villages[0].ID)},
		{"/api/v1/pay", fmt.Sprintf(`{"person_id":%d,"org_id":%d,"year":%d,"basic_pay":36000}`, cadre, villages[0].ID, now.Year())},
		{"/api/v1/terms", fmt.Sprintf(`{"org_id":%d,"elected_on":%q,"years":5}`, villages[0].ID, now.AddDate(-5, 1, 0).Format("2006-01-02"))},
	} {
		if st, out := f.call(t, "POST", c.path, admin, c.body); st != 200 && st != 201 {
			t.Fatalf("%s: %d %v", c.path, st, out)
		}
	}
	// A batch with a recruit and a care case, so that the organizers' and
	// the care exports have rows.
	careRows(t, f, admin)
	// A course, so that the training list has a row; the member above, who
	// attended nothing, is behind.
	st, out = f.call(t, "POST", "/api/v1/training/courses", admin, fmt.Sprintf(`{"org_id":%d,"title":"打印测试培训","kind":"lecture","starts_on":"2026-03-01","ends_on":"2026-03-01","hours":2.5}`, town))
	if st != 201 {
		t.Fatalf("course: %d %v", st, out)
	}
	course := int64(out["id"].(float64))
	if st, out = f.call(t, "GET", "/api/v1/people?q=打印测试党员", admin, ""); st != 200 || len(out["items"].([]any)) != 1 {
		t.Fatalf("the member: %d %v", st, out)
	}
	member := int64(out["items"].([]any)[0].(map[string]any)["id"].(float64))
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/training/courses/%d/attendance", course), admin, fmt.Sprintf(`{"person_id":%d,"hours":1.5}`, member)); st != 201 {
		t.Fatalf("attendance: %d %v", st, out)
	}
	programsRows(t, f, admin, member)
	count := map[int]string{0: "0"}
	ints := func(cols ...int) map[int]string {
		m := map[int]string{}
		for _, c := range cols {
			m[c] = "0"
		}
		return m
	}
	cases := map[string]exportCase{
		"/organizers/export.xlsx":      {path: "/organizers/export.xlsx", orientation: "landscape", formats: map[int]string{0: "0", 2: "0", 4: "0", 5: "0", 6: "0", 7: "0", 8: "0", 9: "0.0"}},
		"/organizers/counties.xlsx":    {path: "/organizers/counties.xlsx", orientation: "portrait", formats: map[int]string{0: "0", 2: "0", 3: "0", 4: "0", 5: "0", 6: "0", 7: "0.0"}},
		"/organizers/list/export.xlsx": {path: "/organizers/list/export.xlsx", orientation: "landscape", formats: ints(0, 9)},
		"/care/export.xlsx":            {path: "/care/export.xlsx", orientation: "landscape", formats: ints(0, 1, 6, 7, 8)},
		"/cases/export.xlsx":           {path: "/cases/export.xlsx", orientation: "landscape", formats: ints(0, 1)},
		"/cases/stats/export.xlsx":     {path: "/cases/stats/export.xlsx", orientation: "landscape", formats: map[int]string{0: "0", 2: "0", 3: "0", 4: "0", 5: "0", 6: "0", 7: "0.0%", 8: "0", 9: "0", 10: "0.0%", 11: "0", 12: "0", 13: "0.0%", 14: "0", 15: "0"}},
		"/cases/opinions/export.xlsx":  {path: "/cases/opinions/export.xlsx?month=" + opinionMonth, orientation: "portrait", formats: map[int]string{0: "0", 2: "0", 3: "0", 4: "0", 5: "0", 6: "0.0%"}, sheets: 2},
		"/stations/export.xlsx":        {path: "/stations/export.xlsx", orientation: "landscape", formats: ints(0, 7)},
		"/care/totals.xlsx":            {path: "/care/totals.xlsx?year=2026", orientation: "landscape", formats: ints(0, 2, 3, 4, 5, 6, 7, 8)},
		"/orgs/export.xlsx":            {path: "/orgs/export.xlsx?q=社区", orientation: "landscape", formats: map[int]string{0: "0", 1: "0", 10: "0"}},
		"/orgs/{id}/export.xlsx":       {path: fmt.Sprintf("/orgs/%d/export.xlsx?scope=subtree", town), orientation: "landscape", formats: map[int]string{0: "0", 1: "0", 10: "0"}},
		"/users/export.xlsx":           {path: "/users/export.xlsx", orientation: "landscape", formats: count},
		"/audit/export.xlsx":           {path: "/audit/export.xlsx", orientation: "landscape", formats: count},
		"/coverage/export.xlsx": {path: "/coverage/export.xlsx", orientation: "landscape",
			formats: map[int]string{0: "0", 2: "0", 3: "0", 4: "0", 5: "0", 6: "0", 7: "0", 8: "0.0%", 9: "0", 10: "0.0%"}},
		"/coverage/units/export.xlsx": {path: fmt.Sprintf("/coverage/units/export.xlsx?org=%d&rule=any", f.root), orientation: "landscape",
			formats: map[int]string{0: "0", 6: "0", 7: "0", 8: "0"}},
		"/coverage/goals/{id}/export.xlsx": {path: fmt.Sprintf("/coverage/goals/%d/export.xlsx", goal), orientation: "landscape",
			formats: map[int]string{0: "0", 8: ""}, from: 2, repeat: []string{"0.0%", "0.0%", ""}}, // two indicators, then 目标来源
		"/evaluation/export.xlsx":             {path: "/evaluation/export.xlsx", orientation: "landscape", formats: map[int]string{0: "0", 3: "0"}},
		"/evaluation/{id}/tokens/export.xlsx": {path: fmt.Sprintf("/evaluation/%d/tokens/export.xlsx", slips.ID), form: url.Values{"group": {"enterprise"}, "code": codes}, orientation: "landscape", formats: count},
		"/evaluation/{id}/results.xlsx": {path: fmt.Sprintf("/evaluation/%d/results.xlsx", camp), orientation: "landscape",
			// A village campaign: no posts, units, vetoes, caps or ungraded subjects, whose columns are left out.
			formats: map[int]string{0: "0", 2: "0.00", 5: "0.0%", 6: "0.0%"}, from: 7, repeat: []string{"0.00", "0"}},
		"/evaluation/{id}/comments.xlsx": {path: fmt.Sprintf("/evaluation/%d/comments.xlsx", camp), orientation: "landscape", formats: count},
		"/people/export.xlsx":            {path: "/people/export.xlsx?kind=full", orientation: "landscape", formats: map[int]string{0: "0", 3: "0"}},
		"/people/transfers/export.xlsx":  {path: "/people/transfers/export.xlsx?dir=out", orientation: "landscape", formats: count},
		"/people/checks/export.xlsx":     {path: "/people/checks/export.xlsx?check=none", orientation: "portrait", formats: map[int]string{0: "0", 3: "0", 4: "0"}},
		"/people/vacancies/export.xlsx":  {path: "/people/vacancies/export.xlsx", orientation: "landscape", formats: map[int]string{0: "0", 3: "0", 4: "0"}},
		"/people/terms/export.xlsx":      {path: "/people/terms/export.xlsx", orientation: "landscape", formats: map[int]string{0: "0", 3: "0", 5: "0"}},
		"/people/pay/export.xlsx":        {path: "/people/pay/export.xlsx", orientation: "landscape", formats: map[int]string{0: "0", 5: "0", 6: "0", 7: "0"}},
		"/training/export.xlsx":          {path: "/training/export.xlsx?year=2026", orientation: "landscape", formats: map[int]string{0: "0", 6: "0.0", 8: "0"}},
		"/training/{id}/attendance.xlsx": {path: fmt.Sprintf("/training/%d/attendance.xlsx", course), orientation: "landscape", formats: map[int]string{0: "0", 4: "0.0"}},
		"/rectification/export.xlsx":     {path: "/rectification/export.xlsx", orientation: "landscape", formats: ints(0, 2)},
		"/venues/export.xlsx":            {path: "/venues/export.xlsx", orientation: "landscape", formats: ints(0, 5, 9, 11, 13)},
		"/contacts/export.xlsx":          {path: "/contacts/export.xlsx", orientation: "landscape", formats: ints(0, 5, 6, 7, 8)},
		"/pairings/export.xlsx":          {path: "/pairings/export.xlsx", orientation: "landscape", formats: map[int]string{0: "0", 5: "0", 6: "0", 7: "0.0%", 8: "0", 9: "0"}},
		"/first-secretaries/export.xlsx": {path: "/first-secretaries/export.xlsx", orientation: "landscape", formats: ints(0, 6, 12)},
		"/sites/export.xlsx":             {path: "/sites/export.xlsx", orientation: "landscape", formats: ints(0, 3, 5, 12)},
		"/sites/quotas.xlsx":             {path: "/sites/quotas.xlsx", orientation: "landscape", formats: ints(0, 3, 4, 5, 7, 8)},
		"/sites/spread.xlsx":             {path: "/sites/spread.xlsx", orientation: "landscape", formats: ints(0), from: 2, repeat: []string{"0", "0", "0"}},
		"/cockpit.xlsx":                  {path: "/cockpit.xlsx", orientation: "landscape", formats: map[int]string{1: "0"}, sheets: 10},
		"/pairings/totals.xlsx":          {path: "/pairings/totals.xlsx", orientation: "landscape", formats: map[int]string{0: "0", 2: "0", 3: "0", 4: "0", 5: "0", 6: "0", 7: "0.0%", 8: "0", 9: "0", 10: "0", 11: "0"}},
		"/training/completion/export.xlsx": {path: fmt.Sprintf("/training/completion/export.xlsx?org=%d&year=2026", town), orientation: "landscape",
			formats: map[int]string{0: "0", 5: "0.0", 6: "0.0", 7: "0.0"}},
	}
	// The API serves the same exports under its own paths.
	api := map[string]string{
		"/api/v1/orgs/export.xlsx": "/orgs/export.xlsx", "/api/v1/orgs/{id}/export.xlsx": "/orgs/{id}/export.xlsx",
		"/api/v1/users/export.xlsx": "/users/export.xlsx", "/api/v1/audit/export.xlsx": "/audit/export.xlsx",
		"/api/v1/coverage/export.xlsx": "/coverage/export.xlsx", "/api/v1/units/export.xlsx": "/coverage/units/export.xlsx",
		"/api/v1/goal-sets/{id}/export.xlsx": "/coverage/goals/{id}/export.xlsx", "/api/v1/campaigns/export.xlsx": "/evaluation/export.xlsx",
		"/api/v1/campaigns/{id}/results.xlsx": "/evaluation/{id}/results.xlsx",
		"/api/v1/people/export.xlsx":          "/people/export.xlsx",
		"/api/v1/transfers/export.xlsx":       "/people/transfers/export.xlsx",
		"/api/v1/cases/export.xlsx":           "/cases/export.xlsx",
	}
	apiPath := func(pattern, path string) string {
		page := api[pattern]
		prefix := strings.TrimSuffix(strings.Split(pattern, "{id}")[0], "/")
		pagePrefix := strings.TrimSuffix(strings.Split(page, "{id}")[0], "/")
		return prefix + strings.TrimPrefix(path, pagePrefix)
	}

	zh, en := f.browser(t, "admin"), f.browser(t, "admin")
	en.english(t)
	seen := 0
	for _, rt := range routeTable(t) {
		if !strings.HasSuffix(rt.Pattern, ".xlsx") || strings.HasSuffix(rt.Pattern, "/template.xlsx") {
			continue
		}
		key := rt.Pattern
		if page, ok := api[rt.Pattern]; ok {
			key = page
		}
		c, ok := cases[key]
		if !ok {
			t.Errorf("%s %s: an export this test does not download: add it to TestEveryExportPrints", rt.Method, rt.Pattern)
			continue
		}
		seen++
		for _, lang := range []string{"zh", "en"} {
			var resp *http.Response
			var err error
			switch {
			case strings.HasPrefix(rt.Pattern, "/api/"):
				req, _ := http.NewRequest(rt.Method, f.srv.URL+apiPath(rt.Pattern, c.path), nil)
				req.Header.Set("Authorization", "Bearer "+admin)
				req.Header.Set("Accept-Language", map[string]string{"zh": "zh-CN", "en": "en"}[lang])
				resp, err = http.DefaultClient.Do(req)
			case c.form != nil:
				resp, err = map[string]*browser{"zh": zh, "en": en}[lang].c.PostForm(f.srv.URL+c.path, c.form)
			default:
				resp, err = map[string]*browser{"zh": zh, "en": en}[lang].c.Get(f.srv.URL + c.path)
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			name := rt.Method + " " + rt.Pattern + " (" + lang + ")"
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != spec.XLSXType {
				t.Errorf("%s: %d %.300s", name, resp.StatusCode, body)
				continue
			}
			checkPrints(t, name, lang, c, body)
		}
	}
	if seen != len(cases)+len(api) {
		t.Errorf("%d export routes in the route table, want %d", seen, len(cases)+len(api))
	}
}

// checkPrints checks one downloaded export against its case.
func checkPrints(t *testing.T, name, lang string, c exportCase, body []byte) {
	t.Helper()
	rep, err := xlsxtest.Inspect(body)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	footer := map[string]string{"zh": "&C第 &P 页 / 共 &N 页", "en": "&CPage &P of &N"}[lang]
	want := xlsxtest.Print{Paper: 9, Orientation: c.orientation, FitToPage: true, FitToWidth: 1, FitToHeight: 0, Titles: "$1:$4", Footer: footer}
	if rep.Print != want {
		t.Errorf("%s: page setup %+v, want %+v", name, rep.Print, want)
	}
	if len(rep.Sheets) != max(c.sheets, 1) || rep.Sheet == "" || rep.Sheet == "Sheet1" {
		t.Errorf("%s: sheets %q", name, rep.Sheets)
	}
	if len(rep.Rows) < 5 {
		t.Errorf("%s: %d rows, want a header and data", name, len(rep.Rows))
		return
	}
	header := rep.Rows[3]
	last, _ := excelize.ColumnNumberToName(len(header))
	if want := "A4:" + last + strconv.Itoa(len(rep.Rows)); rep.AutoFilter != want {
		t.Errorf("%s: auto-filter %q, want %q", name, rep.AutoFilter, want)
	}
	for col := range header {
		format, numbers := c.format(col), 0
		for r, row := range rep.Rows[4:] {
			if col >= len(row) || row[col].Value == "" {
				continue
			}
			cell := row[col]
			_, perr := strconv.ParseFloat(cell.Value, 64)
			switch {
			case format == "" && cell.Numeric:
				t.Errorf("%s: %s row %d is the number %s, want text", name, header[col].Value, r+5, cell.Value)
			case format != "" && cell.Numeric && cell.Format != format:
				t.Errorf("%s: %s row %d (%s) has the format %q, want %q", name, header[col].Value, r+5, cell.Value, cell.Format, format)
			case format != "" && !cell.Numeric && perr == nil:
				t.Errorf("%s: %s row %d is the text %q, want a number", name, header[col].Value, r+5, cell.Value)
			}
			if cell.Numeric {
				numbers++
			}
			if rawCodes[cell.Value] {
				t.Errorf("%s: %s row %d shows the code %q instead of its word", name, header[col].Value, r+5, cell.Value)
			}
		}
		if format != "" && numbers == 0 {
			t.Errorf("%s: column %s holds no number", name, header[col].Value)
		}
	}
}
