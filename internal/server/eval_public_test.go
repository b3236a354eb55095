package server

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
)

// page fetches a public page as a phone's browser would, without cookies.
func (f *fixture) publicPage(t *testing.T, method, path string, form url.Values) (int, http.Header, string) {
	t.Helper()
	return f.publicPageWith(t, http.DefaultClient, method, path, form)
}

// phoneBrowser is a client that keeps cookies and follows redirects, as a
// phone's browser does; the ballot pages keep the answers between their
// steps in a cookie.
func phoneBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: browserJar{jar}}
}

// browserCookieMax is what a browser keeps of one cookie's name and value:
// a longer cookie is silently refused (Chromium, Firefox and Safari alike).
const browserCookieMax = 4096

// browserJar keeps cookies as a browser does, refusing those over
// browserCookieMax.
type browserJar struct{ http.CookieJar }

func (j browserJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	var kept []*http.Cookie
	for _, c := range cookies {
		if len(c.Name)+len(c.Value) <= browserCookieMax {
			kept = append(kept, c)
		}
	}
	j.CookieJar.SetCookies(u, kept)
}

// publicPageWith fetches a public page with client c.
func (f *fixture) publicPageWith(t *testing.T, c *http.Client, method, path string, form url.Values) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, body)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.srv.URL)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, html.UnescapeString(string(b))
}

var trackerRe = regexp.MustCompile(`class="receipt" id="tracker">([0-9A-Z]{5}-[0-9A-Z]{5})<`)

func TestEvalPublicVoteFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	id, subs, codes := f.newCampaign(t, admin, "village_secretary", 2, map[string]int{"masses": 7})
	code := codes["masses"][0]

	// A slip printed before the code moved to the fragment opens /vote?c=:
	// it is sent on to /vote without its query, and the code is nowhere.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(f.srv.URL + "/vote?c=" + url.QueryEscape(code))
	if err != nil {
		t.Fatal(err)
	}
	old, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/vote" || strings.Contains(string(old), code) ||
		resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /vote?c=: %d Location %q %v\n%s", resp.StatusCode, resp.Header.Get("Location"), resp.Header, old)
	}
	st, hdr, body := f.publicPage(t, "GET", "/vote?c="+url.QueryEscape(code), nil)
	if st != 200 || hdr.Get("Referrer-Policy") != "no-referrer" || strings.Contains(body, code) || strings.Contains(body, strings.ReplaceAll(code, "-", "")) {
		t.Fatalf("/vote after the redirect: %d, holds the code: %v", st, strings.Contains(body, code))
	}
	if !strings.Contains(body, `name="code"`) || !strings.Contains(body, `id="code"`) || !strings.Contains(body, `<form class="form card" method="post" action="/vote"`) {
		t.Errorf("the code entry lacks its form:\n%s", body)
	}
	if !strings.Contains(body, "不记录您的姓名、手机号、IP 地址") || !strings.Contains(body, "只能使用一次") {
		t.Errorf("the page does not explain the anonymity")
	}

	// The code opens the ballot without being spent: the post is answered
	// with a redirect to a plain GET, which the Back gesture can load again.
	phone := phoneBrowser(t)
	st, _, body = f.publicPageWith(t, phone, "POST", "/vote", url.Values{"code": {strings.ToLower(code)}})
	if st != 200 {
		t.Fatalf("POST /vote: %d\n%s", st, body)
	}
	for _, want := range []string{"2026年度村（社区）党组织书记抓基层党建述职评议", "群众代表", "责任落实", "组织建设 · 班子建设", "群众满意度", "基本满意",
		`name="a:` + subs[0] + `:duty"`, `name="a:` + subs[1] + `:satisfaction"`, `type="hidden" name="code"`, ">0/7</span>"} {
		if !strings.Contains(body, want) {
			t.Errorf("ballot form lacks %q", want)
		}
	}
	// Only the first unfinished subject is open.
	if n := strings.Count(body, "<details open>"); n != 1 {
		t.Errorf("%d subjects open on the first showing, want 1", n)
	}
	// The posts answer 303 to GET pages.
	phoneNoRedirect := &http.Client{Jar: phone.Jar, CheckRedirect: noRedirect.CheckRedirect}
	posted := func(form url.Values, path string) string {
		t.Helper()
		req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.srv.URL)
		resp, err := phoneNoRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %d, want 303", path, resp.StatusCode)
		}
		for _, c := range resp.Cookies() {
			if c.Name == "ballot" && (strings.Contains(c.Value, code) || !c.HttpOnly || c.Path != "/vote" || c.SameSite != http.SameSiteStrictMode) {
				t.Errorf("the ballot cookie is readable or too wide: %+v", c)
			}
		}
		return resp.Header.Get("Location")
	}

	// Missing answers: back to the form, anchored at the first gap.
	form := url.Values{"code": {code}}
	for k, v := range village(85, 100) {
		form.Set("a:"+subs[0]+":"+k, fmt.Sprint(v))
	}
	if loc := posted(form, "/vote/review"); loc != "/vote/ballot#gap" {
		t.Errorf("missing answers redirect to %q, want /vote/ballot#gap", loc)
	}
	st, _, body = f.publicPageWith(t, phone, "GET", "/vote/ballot", nil)
	if st != 200 || strings.Count(body, "请选择或填写该项评价") != 7 || !strings.Contains(body, "还有 7 项未评价") || strings.Count(body, `id="gap"`) != 1 ||
		!regexp.MustCompile(`id="gap" aria-describedby="err-a:`+subs[1]+`:[a-z_]+"`).MatchString(body) || !strings.Contains(body, ">7/7</span>") ||
		strings.Count(body, "<details open>") != 1 || !strings.Contains(body, `evp-subject missing"`) {
		t.Errorf("missing answers: %d\n%s", st, body)
	}
	for k, v := range village(100, 60) {
		form.Set("a:"+subs[1]+":"+k, fmt.Sprint(v))
	}
	form.Set("comment", "村务公开要更及时")
	if loc := posted(form, "/vote/review"); loc != "/vote/review" {
		t.Errorf("a complete ballot redirects to %q, want /vote/review", loc)
	}
	st, _, body = f.publicPageWith(t, phone, "GET", "/vote/review", nil)
	if st != 200 || !strings.Contains(body, "确认提交") || !strings.Contains(body, "较好") || !strings.Contains(body, "基本满意") || !strings.Contains(body, "村务公开要更及时") {
		t.Fatalf("review: %d\n%s", st, body)
	}
	// 修改 (a link) and the Back gesture reload the form with the answers kept.
	if !strings.Contains(body, `<a class="btn" href="/vote/ballot">修改</a>`) {
		t.Errorf("the review has no link back to the form:\n%s", body)
	}
	st, _, body = f.publicPageWith(t, phone, "GET", "/vote/ballot", nil)
	if st != 200 || !strings.Contains(body, `name="a:`+subs[0]+`:duty" value="85" checked`) || !strings.Contains(body, "村务公开要更及时</textarea>") ||
		strings.Contains(body, "<details open>") || strings.Count(body, ">7/7</span>") != 2 {
		t.Errorf("back to the form: %d\n%s", st, body)
	}
	// A browser that keeps no cookie is told so, and asked for the code again.
	st, _, body = f.publicPage(t, "GET", "/vote/review", nil)
	if st != 422 || !strings.Contains(body, "浏览器未允许本站保存 Cookie") || strings.Contains(body, "村务公开要更及时") {
		t.Errorf("review without the cookie: %d\n%s", st, body)
	}

	st, hdr, body = f.publicPageWith(t, phone, "POST", "/vote/submit", form)
	m := trackerRe.FindStringSubmatch(body)
	if st != 200 || m == nil || hdr.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("submit: %d\n%s", st, body)
	}
	tracker := m[1]
	if strings.Contains(body, code) {
		t.Errorf("the receipt repeats the code")
	}
	// The draft went with the vote.
	st, _, body = f.publicPageWith(t, phone, "GET", "/vote/ballot", nil)
	if st != 422 || strings.Contains(body, "村务公开要更及时") || strings.Contains(body, code) {
		t.Errorf("the ballot after voting: %d\n%s", st, body)
	}

	// A used code and a wrong code are told apart.
	st, _, body = f.publicPage(t, "POST", "/vote", url.Values{"code": {code}})
	if st != 409 || !strings.Contains(body, "该测评码已经使用过，每张测评票只能提交一次") {
		t.Errorf("used code: %d\n%s", st, body)
	}
	st, _, body = f.publicPage(t, "POST", "/vote", url.Values{"code": {otherCode(codes["masses"][1])}})
	if st != 422 || !strings.Contains(body, evaluation.InvalidCode().ZH) {
		t.Errorf("wrong code: %d\n%s", st, body)
	}
	st, _, body = f.publicPage(t, "POST", "/vote/submit", url.Values{"code": {"ABCDE"}})
	if st != 422 || !strings.Contains(body, evaluation.InvalidCode().ZH) {
		t.Errorf("wrong code at submit: %d\n%s", st, body)
	}

	// Four more ballots reach k = 5 for the masses; after closing, the
	// tracker is on the bulletin.
	for _, c := range codes["masses"][1:5] {
		if st, out := f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(c, map[string]map[string]float64{subs[0]: village(70, 60)}, "")); st != 201 {
			t.Fatalf("cast: %d %v", st, out)
		}
	}
	st, _, body = f.publicPage(t, "GET", fmt.Sprintf("/bulletin/%d", id), nil)
	if st != 200 || !strings.Contains(body, "已计票少于 5 张，不公布；测评进行中时，每组的票攒够一批（至少 10 张）才计入") || strings.Contains(body, tracker) {
		t.Errorf("open bulletin: %d\n%s", st, body)
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/close", id), admin, ""); st != 200 {
		t.Fatalf("close: %d %v", st, out)
	}
	st, hdr, body = f.publicPage(t, "GET", fmt.Sprintf("/bulletin/%d", id), nil)
	if st != 200 || hdr.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(body, tracker) || !strings.Contains(body, "民生街道") {
		t.Fatalf("closed bulletin: %d\n%s", st, body)
	}
	// The campaign's readers now see the voters' comments: the masses' (5
	// ballots, k = 5), and for the two smaller groups none, with the reason;
	// on the results page and in its Excel export alike.
	web := f.browser(t, "admin")
	results := text(web.get(t, fmt.Sprintf("/evaluation/%d/results", id)))
	if !strings.Contains(results, "意见建议") || !strings.Contains(results, "群众代表 （5 张票，1 条意见）") || !strings.Contains(results, "村务公开要更及时") ||
		strings.Count(results, "该组投票少于 5 张，为保护匿名，不显示意见建议。") != 2 {
		t.Errorf("the results page's comments:\n%s", results)
	}
	xr, err := web.c.Get(fmt.Sprintf("%s/evaluation/%d/comments.xlsx", f.srv.URL, id))
	name, rows := readXLSX(t, "comments.xlsx", xr, err)
	var found, hidden int
	for _, row := range rows {
		line := strings.Join(row, "|")
		if strings.Contains(line, "|群众代表|村务公开要更及时") {
			found++
		}
		if strings.Contains(line, "该组少于 5 张票，不显示意见建议") {
			hidden++
		}
	}
	if !strings.Contains(name, "意见建议") || found != 1 || hidden != 2 {
		t.Errorf("comments.xlsx %q: %d rows with the masses' comment, %d groups withheld, want 1 and 2:\n%q", name, found, hidden, rows)
	}
	if !regexp.MustCompile(`群众代表</th>\s*<td class="num">7</td><td class="num">5</td><td class="num">5</td>`).MatchString(body) {
		t.Errorf("masses' row should read 7 / 5 / 5:\n%s", body)
	}
	if strings.Count(body, "已计票少于 5 张，不公布；测评进行中时，每组的票攒够一批（至少 10 张）才计入") != 2 {
		t.Errorf("superiors and members should be hidden:\n%s", body)
	}
	// The tracker is searched for by POST; the form says so, and the
	// language links carry no query.
	board := fmt.Sprintf("/bulletin/%d", id)
	if !strings.Contains(body, `<form class="form" method="post" action="`+board+`"`) || !strings.Contains(body, `back=%2fbulletin%2f`) {
		t.Errorf("the tracker search is not a POST form:\n%s", body)
	}
	st, _, body = f.publicPage(t, "POST", board, url.Values{"t": {strings.ToLower(strings.ReplaceAll(tracker, "-", ""))}})
	if st != 200 || !strings.Contains(body, "已找到：这张测评票已被计入") || !strings.Contains(body, `<li class="hit"><mark>`+tracker+`</mark></li>`) {
		t.Errorf("tracker search: %d\n%s", st, body)
	}
	if strings.Contains(body, "back=%2fbulletin%2f"+strconv.FormatInt(id, 10)+"%3f") || strings.Contains(body, "?t=") {
		t.Errorf("the answer to a search puts the tracker into a link:\n%s", body)
	}
	st, _, body = f.publicPage(t, "POST", board, url.Values{"t": {"ZZZZZ-ZZZZZ"}})
	if st != 200 || !strings.Contains(body, "未找到这个跟踪码") {
		t.Errorf("tracker not found: %d", st)
	}
	// An old link with the tracker in the query is sent on without it.
	resp, err = noRedirect.Get(f.srv.URL + board + "?t=" + strings.ReplaceAll(tracker, "-", ""))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != board {
		t.Errorf("GET %s?t=: %d Location %q, want 303 %s", board, resp.StatusCode, resp.Header.Get("Location"), board)
	}
	st, _, _ = f.publicPage(t, "GET", "/bulletin/999999", nil)
	if st != 404 {
		t.Errorf("missing bulletin: %d", st)
	}
}
