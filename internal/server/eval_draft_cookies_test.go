package server

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// largeBallot creates and opens a custom campaign of subjects people, each
// rated on ten indicators scored 0–100, with one rater group, and returns
// a code, the form fields of the ballot in its order, and the field names.
func (f *fixture) largeBallot(t *testing.T, subjects int) (string, []string) {
	t.Helper()
	admin := f.token(t, "admin")
	town, _ := f.evalTown(t, admin, 1)
	var inds []string
	for i := range 10 {
		inds = append(inds, fmt.Sprintf(`{"key":"q%d","name":"指标%d","weight":0.1,"scale":{"kind":"points"}}`, i, i))
	}
	rules := `,"type":"custom","rules":{"indicators":[` + strings.Join(inds, ",") + `],"groups":[{"key":"a","name":"企业","weight":1}]}`
	st, c := f.call(t, "POST", "/api/v1/campaigns", admin, campaignBody(town, "大型测评", rules))
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	id := int64(c["id"].(float64))
	var subs []string
	for i := range subjects {
		subs = append(subs, fmt.Sprintf(`{"kind":"person","name":"科长%d","post":"科长","unit":"兴宁区某局","section":"第%d科"}`, i, i))
	}
	st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), admin, `{"subjects":[`+strings.Join(subs, ",")+`]}`)
	if st != 201 {
		t.Fatalf("subjects: %d %v", st, out)
	}
	var fields []string
	for _, it := range out["items"].([]any) {
		key := it.(map[string]any)["key"].(string)
		for i := range 10 {
			fields = append(fields, fmt.Sprintf("a:%s:q%d", key, i))
		}
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/tokens", id), admin, `{"group":"a","count":2}`)
	if st != 201 {
		t.Fatalf("tokens: %d %v", st, out)
	}
	code := out["codes"].([]any)[0].(string)
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/open", id), admin, ""); st != 200 {
		t.Fatalf("open: %d %v", st, out)
	}
	return code, fields
}

// postNoFollow posts form to path as the phone, without following the
// redirect, and returns the response with its body read.
func (f *fixture) postNoFollow(t *testing.T, phone *http.Client, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	c := &http.Client{Jar: phone.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// TestEvalLargeBallotKeepsItsDraft fills the largest ballot of the threat
// model — 300 subjects × 10 indicators, every answer a score with two
// decimals, and a comment of 500 characters that are four bytes in UTF-8 or
// escaped in JSON — through a browser that refuses cookies over 4096 bytes:
// the draft reaches the review page whole, in parts the browser keeps, and
// the ballot is cast from it; a part changed or lost refuses the draft
// whole; casting clears every part.
func TestEvalLargeBallotKeepsItsDraft(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	code, fields := f.largeBallot(t, 300)
	comment := strings.Repeat("𠀀&<>\"", 100)
	form := url.Values{"code": {code}, "comment": {comment}}
	want := map[string]string{}
	for i, field := range fields {
		v := strconv.FormatFloat(float64((i*7919+13)%10001)/100, 'f', -1, 64)
		form.Set(field, v)
		want[field] = v
	}
	phone := phoneBrowser(t)
	if st, _, body := f.publicPageWith(t, phone, "POST", "/vote", url.Values{"code": {code}}); st != 200 || !strings.Contains(body, "科长299") {
		t.Fatalf("POST /vote: %d", st)
	}
	resp, _ := f.postNoFollow(t, phone, "/vote/review", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/vote/review" {
		t.Fatalf("POST /vote/review: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	parts := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		if n := len(c.Name) + len(c.Value); n > browserCookieMax {
			t.Errorf("the cookie %s is %d bytes, more than a browser keeps", c.Name, n)
		}
		if !c.HttpOnly || c.Path != "/vote" || c.SameSite != http.SameSiteStrictMode || strings.Contains(c.Value, code) {
			t.Errorf("the cookie %s is readable or too wide: %+v", c.Name, c)
		}
		parts[c.Name] = c
	}
	if len(parts) != 2 || parts["ballot"] == nil || parts["ballot.1"] == nil || !strings.HasPrefix(parts["ballot"].Value, "2.") {
		t.Fatalf("the draft is not in two parts: %d cookies", len(parts))
	}

	// A part changed or lost: the draft is refused whole.
	review := func(cookies ...*http.Cookie) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", f.srv.URL+"/vote/review", nil)
		for _, c := range cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const again = "未找到正在填写的测评票（已提交、超过 3 小时未提交，或浏览器未允许本站保存 Cookie），请重新输入测评码"
	changed := *parts["ballot.1"]
	changed.Value = changed.Value[:100] + string("AB"[changed.Value[100]&1]) + changed.Value[101:]
	first := *parts["ballot"]
	first.Value = "1" + first.Value[1:]
	for name, cookies := range map[string][]*http.Cookie{
		"a part changed":           {parts["ballot"], &changed},
		"the second lost":          {parts["ballot"]},
		"the first lost":           {parts["ballot.1"]},
		"the count changed":        {&first, parts["ballot.1"]},
		"parts in the wrong order": {{Name: "ballot", Value: "2." + parts["ballot.1"].Value}, {Name: "ballot.1", Value: strings.TrimPrefix(parts["ballot"].Value, "2.")}},
	} {
		if st, body := review(cookies...); st != 422 || !strings.Contains(body, again) || strings.Contains(body, "确认提交") {
			t.Errorf("%s: %d, the draft was not refused", name, st)
		}
	}

	// The browser keeps both parts: the review shows every answer.
	st, _, _ := f.publicPageWith(t, phone, "GET", "/vote/review", nil)
	u, _ := url.Parse(f.srv.URL + "/vote")
	if st != 200 || len(phone.Jar.Cookies(u)) != 2 {
		t.Fatalf("review: %d, cookies %v", st, phone.Jar.Cookies(u))
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/vote/review", nil)
	resp, err := phone.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(raw), "确认提交") || !strings.Contains(html.UnescapeString(string(raw)), comment) {
		t.Fatalf("the review lacks its button or the comment")
	}
	cast := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(string(raw), -1) {
		cast.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	if cast.Get("code") != code || cast.Get("comment") != comment || len(cast) != len(fields)+2 {
		t.Fatalf("the review holds %d fields, want %d with the code and the comment", len(cast), len(fields)+2)
	}
	for field, v := range want {
		if cast.Get(field) != v {
			t.Fatalf("the review shows %s = %q, the rater entered %q", field, cast.Get(field), v)
		}
	}

	// Casting clears every part.
	resp, body := f.postNoFollow(t, phone, "/vote/submit", cast)
	if resp.StatusCode != 200 || trackerRe.FindStringSubmatch(html.UnescapeString(body)) == nil {
		t.Fatalf("submit: %d\n%.500s", resp.StatusCode, body)
	}
	cleared := map[string]bool{}
	for _, c := range resp.Cookies() {
		cleared[c.Name] = c.MaxAge < 0 && c.Value == ""
	}
	if len(cleared) != 2 || !cleared["ballot"] || !cleared["ballot.1"] || len(phone.Jar.Cookies(u)) != 0 {
		t.Errorf("casting left parts of the draft: cleared %v, the phone keeps %d", cleared, len(phone.Jar.Cookies(u)))
	}
	if st, _, body := f.publicPageWith(t, phone, "GET", "/vote/review", nil); st != 422 || !strings.Contains(body, again) {
		t.Errorf("the review after casting: %d", st)
	}
}

// TestEvalDraftTooLargeShowsTheForm: a ballot whose draft no browser could
// keep between the steps is not redirected: the form comes back with every
// answer and the reason, and no cookie is set.
func TestEvalDraftTooLargeShowsTheForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	code, fields := f.largeBallot(t, 300)
	form := url.Values{"code": {code}, "comment": {strings.Repeat("𠀀", 500)}}
	for i, field := range fields {
		// Twelve random-looking digits: not scores, but what a rater typed.
		form.Set(field, strconv.FormatInt(100000000000+int64(i)*7919*104729%899999999999, 10))
	}
	phone := phoneBrowser(t)
	resp, body := f.postNoFollow(t, phone, "/vote/review", form)
	body = html.UnescapeString(body)
	if resp.StatusCode != 422 || !strings.Contains(body, "这张测评票的评价和意见建议太长，浏览器无法暂存，未能进入核对页。您填写的内容都在下方，请缩短意见建议后再点“下一步：核对评价”") {
		t.Fatalf("a draft too long: %d\n%.2000s", resp.StatusCode, body)
	}
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "ballot") {
			t.Errorf("a cookie set for a draft too long: %s, %d bytes", c.Name, len(c.Value))
		}
	}
	for _, field := range []string{fields[0], fields[len(fields)/2], fields[len(fields)-1]} {
		if !strings.Contains(body, `name="`+field+`" type="number" inputmode="decimal" min="0" max="100" step="any" value="`+form.Get(field)+`"`) {
			t.Errorf("the form lost the answer %s = %s", field, form.Get(field))
		}
	}
	if n := strings.Count(body, `type="number" inputmode="decimal"`); n != len(fields) {
		t.Errorf("the form shows %d answers, want %d", n, len(fields))
	}
	if !strings.Contains(body, strings.Repeat("𠀀", 500)+"</textarea>") {
		t.Error("the form lost the comment")
	}
}
