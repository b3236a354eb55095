package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

// forbiddenPage returns the message of the house's error page, or "" when
// the body is not that page.
func forbiddenPage(body string) string {
	m := regexp.MustCompile(`<h1>(\d+) · [^<]*</h1>\s*<p class="flash err" role="alert">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1] + " " + m[2]
}

// campaignCount is the number of campaigns in the database.
func campaignCount(t *testing.T, f *fixture) int {
	t.Helper()
	_, n, err := f.eval.List(context.Background(), testrig.Admin, evaluation.CampaignQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// issuedTokens is the number of codes issued for a campaign, all groups.
func issuedTokens(t *testing.T, f *fixture, id int64) int {
	t.Helper()
	counts, err := f.eval.TokenCounts(context.Background(), testrig.Admin, id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c.Issued + c.Revoked
	}
	return n
}

// A role without evaluation.read (the case handler) is refused the campaign
// list, its export and the API list instead of shown an empty list that
// looks like a county without campaigns; the sidebar does not offer it.
func TestEvalListRefusesRolesWithoutRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "handler")
	const want = "403 您没有查看评议考核的权限"
	for _, path := range []string{"/evaluation", "/evaluation/export.xlsx", "/evaluation?status=draft"} {
		st, _, body := b.status(t, "GET", path, nil)
		if st != 403 || forbiddenPage(body) != want {
			t.Fatalf("%s: %d %q", path, st, forbiddenPage(body))
		}
	}
	st, out := f.call(t, "GET", "/api/v1/campaigns", f.token(t, "handler"), "")
	if st != 403 || errMsg(out) != "您没有查看评议考核的权限" {
		t.Fatalf("api list: %d %v", st, out)
	}
	if body := b.get(t, "/"); strings.Contains(body, `href="/evaluation"`) {
		t.Fatal("the sidebar offers 评议考核 to a role that may not read campaigns")
	}
	// A reader still gets the list and the menu entry.
	s := f.browser(t, "secretary")
	if st, _, body := s.status(t, "GET", "/evaluation", nil); st != 200 || !strings.Contains(body, `href="/evaluation" data-key="evaluation"`) {
		t.Fatalf("secretary: %d", st)
	}
	if st, out := f.call(t, "GET", "/api/v1/campaigns", f.token(t, "secretary"), ""); st != 200 || out["total"] != float64(0) {
		t.Fatalf("secretary api list: %d %v", st, out)
	}
}

// The create form is not shown to a role that may manage campaigns nowhere.
func TestEvalNewFormRefusesReaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, user := range []string{"secretary", "auditor", "handler"} {
		st, _, body := f.browser(t, user).status(t, "GET", "/evaluation/new", nil)
		if st != 403 || forbiddenPage(body) != "403 您没有管理评议考核的权限" {
			t.Fatalf("%s: %d %q", user, st, forbiddenPage(body))
		}
	}
	if st, _, _ := f.browser(t, "street_admin").status(t, "GET", "/evaluation/new", nil); st != 200 {
		t.Fatalf("street_admin: %d", st)
	}
}

// Creating a campaign checks the owner before the input: a reader learns
// nothing from the validation of a form it may not submit, and an owner
// outside the scope is not found, whatever else the request gets wrong.
func TestEvalCreateChecksOwnerFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	street, home, _ := evalOrgs(t, f)
	county := int64(0)
	if p := strings.Split(strings.Trim(street.Path, "/"), "/"); len(p) >= 2 {
		county, _ = strconv.ParseInt(p[len(p)-2], 10, 64)
	}
	if county == 0 {
		t.Fatalf("no county above %s", street.Path)
	}
	bad := func(owner int64) string { return fmt.Sprintf(`{"owner_org_id":%d,"name":"","year":1}`, owner) }

	// API: a reader inside its scope, a manager with an owner above it.
	st, out := f.call(t, "POST", "/api/v1/campaigns", f.token(t, "secretary"), bad(home.ID))
	if st != 403 || errMsg(out) != "您没有管理评议考核的权限" {
		t.Fatalf("secretary: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/campaigns", f.token(t, "street_admin"), bad(county))
	if st != 404 || errMsg(out) != fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", county) {
		t.Fatalf("street_admin, county owner: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/campaigns", f.token(t, "street_admin"), `{"owner_org_id":`+strconv.FormatInt(county, 10)+`,"template":"bogus"}`)
	if st != 404 {
		t.Fatalf("street_admin, county owner, bad template: %d %v", st, out)
	}
	// Inside the scope the input is checked as before.
	st, out = f.call(t, "POST", "/api/v1/campaigns", f.token(t, "street_admin"), bad(home.ID))
	if st != 400 {
		t.Fatalf("street_admin, own owner: %d %v", st, out)
	}

	// Web: the same order.
	form := url.Values{"name": {""}, "type": {"review"}, "year": {"x"}, "owner_org_id": {strconv.FormatInt(home.ID, 10)},
		"opens_at": {""}, "closes_at": {""}, "template": {""}}
	st, _, body := f.browser(t, "secretary").status(t, "POST", "/evaluation/new", form)
	if st != 403 || forbiddenPage(body) != "403 您没有管理评议考核的权限" {
		t.Fatalf("web secretary: %d %q", st, forbiddenPage(body))
	}
	form.Set("owner_org_id", strconv.FormatInt(county, 10))
	st, _, body = f.browser(t, "street_admin").status(t, "POST", "/evaluation/new", form)
	if st != 404 || errAt(body, "owner_org_id") != fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", county) ||
		errAt(body, "name") != "" || errAt(body, "year") != "" || errAt(body, "template") != "" {
		t.Fatalf("web street_admin, county owner: %d owner=%q name=%q year=%q", st, errAt(body, "owner_org_id"), errAt(body, "name"), errAt(body, "year"))
	}
	if n := campaignCount(t, f); n != 0 {
		t.Fatalf("%d campaigns created", n)
	}
}

// Issuing and revoking ballot codes check evaluation.manage on the campaign
// before the group, the count or the code: a reader of the campaign gets
// 403, a manager of another scope 404, and no code is issued or revoked.
func TestEvalTokensCheckCampaignFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, home, _ := evalOrgs(t, f)
	st, c := f.call(t, "POST", "/api/v1/campaigns", f.token(t, "street_admin"), campaignBody(home.ID, "2026年度社区党组织书记述职评议", `,"template":"village_secretary"`))
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	id := int64(c["id"].(float64))
	base := fmt.Sprintf("/api/v1/campaigns/%d", id)
	web := fmt.Sprintf("/evaluation/%d", id)

	for _, tc := range []struct {
		user string
		st   int
		msg  string
	}{
		{"secretary", 403, "您没有管理该测评的权限"},
		{"auditor", 403, "您没有管理该测评的权限"},
		{"handler", 404, fmt.Sprintf("测评 %d 不存在或不在您的管理范围内", id)},
	} {
		tok := f.token(t, tc.user)
		if st, out := f.call(t, "POST", base+"/tokens", tok, `{"group":"","count":0}`); st != tc.st || errMsg(out) != tc.msg {
			t.Fatalf("%s api tokens: %d %v", tc.user, st, out)
		}
		if st, out := f.call(t, "POST", base+"/tokens/revoke", tok, `{"code":""}`); st != tc.st || errMsg(out) != tc.msg {
			t.Fatalf("%s api revoke: %d %v", tc.user, st, out)
		}
		b := f.browser(t, tc.user)
		want := strconv.Itoa(tc.st) + " " + tc.msg
		if st, _, body := b.status(t, "POST", web+"/tokens", url.Values{"group": {""}, "n": {"0"}}); st != tc.st || forbiddenPage(body) != want {
			t.Fatalf("%s web tokens: %d %q", tc.user, st, forbiddenPage(body))
		}
		if st, _, body := b.status(t, "POST", web+"/tokens/revoke", url.Values{"code": {""}}); st != tc.st || forbiddenPage(body) != want {
			t.Fatalf("%s web revoke: %d %q", tc.user, st, forbiddenPage(body))
		}
	}
	if n := issuedTokens(t, f, id); n != 0 {
		t.Fatalf("%d codes issued or revoked", n)
	}
	// The manager still hears about its input.
	if st, out := f.call(t, "POST", base+"/tokens", f.token(t, "street_admin"), `{"group":"","count":0}`); st != 400 {
		t.Fatalf("street_admin tokens: %d %v", st, out)
	}
	if st, out := f.call(t, "POST", base+"/tokens/revoke", f.token(t, "street_admin"), `{"code":""}`); st != 400 {
		t.Fatalf("street_admin revoke: %d %v", st, out)
	}
}

// The subject import page, its template and the apply of a session are
// for the campaign's managers: a reader of the campaign is refused before
// any session is looked up.
func TestEvalSubjectImportRefusesReaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, home, _ := evalOrgs(t, f)
	st, c := f.call(t, "POST", "/api/v1/campaigns", f.token(t, "street_admin"), campaignBody(home.ID, "2026年度社区党组织书记述职评议", `,"template":"village_secretary"`))
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	base := fmt.Sprintf("/evaluation/%d/subjects/import", int64(c["id"].(float64)))
	const want = "403 您没有管理该测评的权限"
	for _, user := range []string{"secretary", "auditor"} {
		b := f.browser(t, user)
		for _, path := range []string{base, base + "/template.xlsx"} {
			if st, _, body := b.status(t, "GET", path, nil); st != 403 || forbiddenPage(body) != want {
				t.Fatalf("%s %s: %d %q", user, path, st, forbiddenPage(body))
			}
		}
		if st, at, body := b.status(t, "POST", base+"/0123456789abcdef0123456789abcdef/apply", nil); st != 403 || forbiddenPage(body) != want {
			t.Fatalf("%s apply: %d at %s %q", user, st, at, forbiddenPage(body))
		}
	}
	if st, _, _ := f.browser(t, "street_admin").status(t, "GET", base, nil); st != 200 {
		t.Fatalf("street_admin: %d", st)
	}
}
