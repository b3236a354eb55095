package server

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// evalOrgs returns 民生街道 (street_admin's scope), the community where the
// demo's secretary works and a sibling community of it.
func evalOrgs(t *testing.T, f *fixture) (street, home, sibling org.Org) {
	t.Helper()
	ctx := context.Background()
	first := func(under int64, n int) []org.Org {
		kids, _, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{Under: under, ChildrenOnly: true, Limit: n})
		if err != nil || len(kids) == 0 {
			t.Fatalf("children of %d: %v", under, err)
		}
		return kids
	}
	county := first(f.root, 1)[0]
	street = first(county.ID, 1)[0]
	kids := first(street.ID, 2)
	if len(kids) < 2 {
		t.Fatal("street has one community")
	}
	return street, kids[0], kids[1]
}

// answers is one rater's ballot for one subject of the village template:
// the same level on the six graded indicators and a satisfaction answer.
func answers(level, satisfied float64) map[string]float64 {
	return map[string]float64{"duty": level, "team": level, "life": level, "education": level, "service": level, "integrity": level, "satisfaction": satisfied}
}

var slipCodeRE = regexp.MustCompile(`<p class="slip-code">([^<]+)</p>`)

func TestEvalAdminPages(t *testing.T) {
	t.Parallel()
	// Slips print the public address (plain http here, so that the cookie
	// jar keeps the session cookie).
	f := newFixtureWith(t, func(d *Deps) { d.PublicURL = "http://dj.example.org" })
	ctx := context.Background()
	street, home, owner := evalOrgs(t, f)
	b := f.browser(t, "street_admin")

	if body := b.get(t, "/evaluation"); !strings.Contains(text(body), "尚无测评，可点击“新建测评”按模板创建") {
		t.Fatal("empty list lacks its hint")
	}
	// The owner is chosen from the user's scope, their own organization first.
	body := b.get(t, "/evaluation/new")
	if id, name, _ := pickerOf(t, body, "owner_org_id"); id != strconv.FormatInt(street.ID, 10) || name != street.Name ||
		!strings.Contains(body, "村（社区）党组织书记抓基层党建述职评议") {
		t.Fatalf("create form incomplete: owner %q %q", id, name)
	}
	form := url.Values{"name": {""}, "type": {"review"}, "year": {"2026"}, "owner_org_id": {strconv.FormatInt(owner.ID, 10)},
		"opens_at": {"2026-01-01T09:00"}, "closes_at": {"2030-12-31T17:00"}, "template": {"village_secretary"}}
	st, _, body := b.status(t, "POST", "/evaluation/new", form)
	if st != 422 || !strings.HasPrefix(errAt(body, "name"), "请填写测评名称（最多 100 字）") {
		t.Fatalf("empty name: %d %q", st, errAt(body, "name"))
	}
	if !strings.Contains(body, `value="2030-12-31T17:00"`) {
		t.Fatal("the form does not keep what was typed")
	}
	form.Set("name", "2026年度社区党组织书记抓基层党建述职评议")
	st, at, body := b.status(t, "POST", "/evaluation/new", form)
	m := regexp.MustCompile(`^/evaluation/(\d+)$`).FindStringSubmatch(at)
	if st != 200 || m == nil {
		t.Fatalf("create: %d at %s", st, at)
	}
	id := m[1]
	cid, _ := strconv.ParseInt(id, 10, 64)
	if txt := text(body); !strings.Contains(txt, "已创建测评“2026年度社区党组织书记抓基层党建述职评议”") || !strings.Contains(txt, "○ 草稿") ||
		!strings.Contains(txt, "群众代表 群众类 40%") || !strings.Contains(txt, "班子建设 50% 好 100 / 较好 85 / 一般 70 / 差 50") {
		t.Fatalf("campaign page: %s", txt)
	}
	if row(t, b.get(t, "/evaluation"), "2026年度社区党组织书记") == "" {
		t.Fatal("list lacks the campaign")
	}

	// Subjects: the community itself and two people; a person needs a post.
	base := "/evaluation/" + id
	st, _, body = b.status(t, "POST", base+"/subjects", url.Values{"kind": {"person"}, "name": {"张伟"}, "unit": {owner.Name}})
	if st != 422 || errAt(body, "post") != "请填写职务" {
		t.Fatalf("person without post: %d %q", st, errAt(body, "post"))
	}
	st, _, body = b.status(t, "POST", base+"/subjects", url.Values{"kind": {"org"}, "org_id": {strconv.FormatInt(home.ID, 10)}})
	if st != 422 || errAt(body, "org_id") != fmt.Sprintf("“%s”不在“%s”的管辖范围内，不能作为本次测评的对象", home.Name, owner.Name) {
		t.Fatalf("org outside the owner: %d %q", st, errAt(body, "org_id"))
	}
	for _, in := range []url.Values{
		{"kind": {"org"}, "org_id": {strconv.FormatInt(owner.ID, 10)}},
		{"kind": {"person"}, "name": {"张伟"}, "post": {"党委委员"}, "unit": {owner.Name}, "section": {"组织科"}},
		{"kind": {"person"}, "name": {"李娜"}, "post": {"党支部书记"}, "unit": {owner.Name}, "groups": {"superior", "members", "masses"}},
	} {
		if st, at, body := b.status(t, "POST", base+"/subjects", in); st != 200 || at != base {
			t.Fatalf("add subject %v: %d %s %s", in, st, at, errAt(body, "name"))
		}
	}
	body = b.get(t, base)
	if r := row(t, body, "张伟"); r != "2 张伟 党委委员 "+owner.Name+" 组织科 全部评委组" {
		t.Fatalf("subject row %q", r)
	}
	if r := row(t, body, "李娜"); !strings.HasSuffix(r, "上级党组织 党员代表 群众代表") {
		t.Fatalf("subject row %q", r)
	}

	// Open, then issue six codes for the masses through the form.
	if st, _, body := b.status(t, "POST", base+"/open", nil); st != 200 || !strings.Contains(text(body), "● 进行中") {
		t.Fatalf("open: %d", st)
	}
	st, _, body = b.status(t, "POST", base+"/tokens", url.Values{"group": {"masses"}, "n": {"0"}})
	if st != 422 || errAt(body, "n") != "发放数量应为 1–2000 之间的整数" {
		t.Fatalf("issue 0: %d %q", st, errAt(body, "n"))
	}
	resp, err := b.c.PostForm(b.base+base+"/tokens", url.Values{"group": {"masses"}, "n": {"6"}})
	if err != nil {
		t.Fatal(err)
	}
	slips := readAll(resp)
	// Issuing answers with a redirect to the slips, so that a reload of the
	// slips page shows them again instead of issuing a second batch.
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Request.URL.Path, base+"/slips/") || resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("slips: %d %s %q %q", resp.StatusCode, resp.Request.URL.Path, resp.Header.Get("Referrer-Policy"), resp.Header.Get("Cache-Control"))
	}
	if again := b.get(t, resp.Request.URL.Path); slipCodeRE.FindString(again) != slipCodeRE.FindString(slips) {
		t.Fatal("reloading the slips shows other codes")
	}
	if n, _ := f.eval.Batches(ctx, testrig.Admin, cid); len(n) != 1 || n[0].Total != 6 {
		t.Fatalf("after a reload: batches %+v", n)
	}
	var masses []string
	for _, m := range slipCodeRE.FindAllStringSubmatch(slips, -1) {
		if _, err := evaluation.ParseCode(m[1]); err != nil {
			t.Fatalf("code %q does not parse", m[1])
		}
		masses = append(masses, m[1])
	}
	if len(masses) != 6 || strings.Count(html.UnescapeString(slips), `<img class="slip-qr" src="data:image/svg+xml;base64,`) != 6 {
		t.Fatalf("slips: %d codes, %d QR codes: %.300s", len(masses), strings.Count(slips, `class="slip-qr"`), slips[strings.Index(slips, `class="slip-qr"`):])
	}
	if !strings.Contains(text(slips), "扫码或访问 http://dj.example.org/vote 输入测评码，每码限用一次") || strings.Count(slips, `<input type="hidden" name="code"`) != 6 {
		t.Fatal("slips lack the instruction or the export form")
	}
	// The export gets the codes by POST.
	resp, err = b.c.PostForm(b.base+base+"/tokens/export.xlsx", url.Values{"group": {"masses"}, "code": masses})
	if err != nil {
		t.Fatal(err)
	}
	if x := readAll(resp); resp.StatusCode != 200 || len(x) < 100 || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("code export: %d", resp.StatusCode)
	}

	// Revoke one: five codes of the masses remain.
	st, _, body = b.status(t, "POST", base+"/tokens/revoke", url.Values{"code": {masses[5]}})
	if st != 200 || !strings.Contains(text(body), "测评码已作废，不能再用于投票") {
		t.Fatalf("revoke: %d", st)
	}
	if r := row(t, body, `群众代表 <span class="tag gold">`); r != "3 群众代表 群众类 40% 5 0 0.0% 1 0" {
		t.Fatalf("masses tokens %q", r)
	}
	if st, _, body := b.status(t, "POST", base+"/tokens/revoke", url.Values{"code": {masses[5]}}); st != 200 || !strings.Contains(text(body), "该测评码已经作废") {
		t.Fatalf("revoke twice: %d", st)
	}

	// Ballots: five per group.
	issue := func(group string) []string {
		codes, err := f.eval.IssueTokens(ctx, testrig.Admin, cid, group, 5)
		if err != nil {
			t.Fatal(err)
		}
		return codes
	}
	subs, err := f.eval.Subjects(ctx, testrig.Admin, cid)
	if err != nil || len(subs) != 3 {
		t.Fatalf("subjects %v %d", err, len(subs))
	}
	keys := []string{subs[0].Key, subs[1].Key, subs[2].Key}
	var ballots []evaluation.Ballot
	cast := func(group string, codes []string, i int, code string) {
		// subject 0 is rated 好, subject 1 较好 or 一般, subject 2 差 and
		// mostly 不满意 by the masses.
		sc := map[string]map[string]float64{
			keys[0]: answers(100, 100),
			keys[1]: answers([]float64{85, 70}[i%2], 60),
			keys[2]: answers(50, []float64{0, 0, 0, 60, 100}[i]),
		}
		if _, err := f.eval.CastBallot(ctx, code, sc, ""); err != nil {
			t.Fatalf("cast %s %d: %v", group, i, err)
		}
		ballots = append(ballots, evaluation.Ballot{Group: group, Scores: sc})
	}
	for _, g := range []string{"superior", "members"} {
		codes := issue(g)
		for i, c := range codes {
			cast(g, codes, i, c)
		}
	}
	for i, c := range masses[:5] {
		cast("masses", masses, i, c)
	}
	if st, _, body := b.status(t, "POST", base+"/close", nil); st != 200 || !strings.Contains(text(body), "■ 已结束") {
		t.Fatalf("close: %d", st)
	}

	want, err := evaluation.Compute(evaluation.TemplateVillageSecretary(), keys, nil, ballots)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{subs[0].Key: owner.Name, subs[1].Key: "张伟", subs[2].Key: "李娜"}
	body = b.get(t, base+"/results")
	if !strings.Contains(text(body), "测评已结束，全部选票已计入") {
		t.Fatal("results page lacks its state")
	}
	for _, sr := range want.Subjects {
		r := row(t, body, names[sr.Subject]+"<")
		prefix := fmt.Sprintf("%d %s", sr.Rank, names[sr.Subject])
		total := strconv.FormatFloat(*sr.Total, 'f', 2, 64)
		if !strings.HasPrefix(r, prefix) || !strings.Contains(r, " "+total+" "+sr.Grade) {
			t.Errorf("result row %q, want rank %d, total %s, grade %s", r, sr.Rank, total, sr.Grade)
		}
	}
	if want.Subjects[2].Grade != "差" || len(want.Flags) != 1 || want.Flags[0] != keys[2] {
		t.Fatalf("the ballots do not test what they should: %+v", want)
	}
	if r := row(t, body, "李娜<"); !strings.Contains(r, "✕ 否决") {
		t.Errorf("veto not marked: %q", r)
	}
	flags := body[strings.Index(body, "整改名单"):]
	if r := row(t, flags, "李娜"); !strings.HasPrefix(r, "1 李娜") {
		t.Errorf("flags: %q", r)
	}
	if _, rows := b.xlsx(t, base+"/results.xlsx"); len(rows) < 4 {
		t.Errorf("results export has %d rows", len(rows))
	}

	// Publish: the results are frozen with their checksum.
	st, at, body = b.status(t, "POST", base+"/publish", nil)
	c, _ := f.eval.Get(ctx, testrig.Admin, cid)
	if st != 200 || at != base+"/results" || c.ResultsSHA256 == "" || !strings.Contains(text(body), "结果校验值（SHA-256） "+c.ResultsSHA256) {
		t.Fatalf("publish: %d at %s", st, at)
	}
	if body := b.get(t, base); !strings.Contains(text(body), "✓ 已发布") || !strings.Contains(body, `href="/bulletin/`+id+`"`) {
		t.Fatal("campaign page after publication")
	}

	// The demo's secretary works in a sibling community: the campaign is
	// outside their scope.
	o := f.browser(t, "secretary")
	if body := o.get(t, base); !strings.Contains(body, "测评 "+id+" 不存在或不在您的管理范围内") {
		t.Fatal("campaign visible outside the owner's subtree")
	}
	if body := o.get(t, base+"/results"); !strings.Contains(body, "不存在或不在您的管理范围内") {
		t.Fatal("results visible outside the owner's subtree")
	}
	if body := o.get(t, "/evaluation"); strings.Contains(body, "2026年度社区党组织书记") {
		t.Fatal("campaign listed outside the owner's subtree")
	}
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
