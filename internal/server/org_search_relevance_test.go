package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestOrgSearchBestMatchFirst: a county user looking for "兴宁" wants the
// district committee, not the first of its many 兴宁 communities in code
// order. The search page, the API's relevance order and the picker put the
// organization whose short name starts with the word and stands highest
// first; the search page does so without being asked, the API when asked.
func TestOrgSearchBestMatchFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	q := url.QueryEscape("兴宁")
	// A company branch has no division code, so code order lists it first.
	street, _, _ := evalOrgs(t, f)
	if _, err := f.orgs.Create(context.Background(), testrig.Admin, org.Input{ParentID: street.ID, Name: "南宁兴宁商贸有限公司党支部", Kind: "branch", Category: "private"}); err != nil {
		t.Fatal(err)
	}

	st, out := f.call(t, "GET", "/api/v1/orgs?q="+q+"&sort=relevance&size=5", admin, "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) < 3 {
		t.Fatalf("relevance search: %d %v", st, out)
	}
	first := items[0].(map[string]any)
	if first["short_name"] != "兴宁区委" || first["level"] != "county" {
		t.Errorf("the best match for 兴宁 is %v %v, want 兴宁区委 (the county)", first["short_name"], first["level"])
	}
	// Code order, the API's default, starts with the branch.
	st, out = f.call(t, "GET", "/api/v1/orgs?q="+q+"&size=5", admin, "")
	if items, _ := out["items"].([]any); st != 200 || len(items) == 0 || items[0].(map[string]any)["id"] == first["id"] {
		t.Errorf("code-order search: %d %v", st, out)
	}

	b := f.browser(t, "admin")
	body := b.get(t, "/orgs?q="+q)
	m := regexp.MustCompile(`(?s)<tbody>.*?<a href="/orgs/(\d+)">([^<]*)</a>`).FindStringSubmatch(body)
	if m == nil || m[1] != fmt.Sprint(first["id"]) {
		t.Errorf("the search page's first row is %q, want the county %v", m, first["id"])
	}
	opts := pickOptions(t, b, "/pick/orgs?field=x&q="+q)
	if len(opts) == 0 || !strings.HasPrefix(opts[0], fmt.Sprint(first["id"])+" ") {
		t.Errorf("the picker's first option is %q, want the county %v", opts, first["id"])
	}

	st, out = f.call(t, "GET", "/api/v1/orgs?sort=best", admin, "")
	if e, _ := out["error"].(map[string]any); st != 400 && st != 422 || e == nil || !strings.Contains(fmt.Sprint(e["message"]), "relevance") {
		t.Errorf("an unknown order: %d %v", st, out)
	}
}
