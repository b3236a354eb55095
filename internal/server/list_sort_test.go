package server

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"regexp"
	"testing"
)

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEverySortLinkIsAccepted follows every column-sort link of the
// organization search and an organization's page, in both directions: a
// second click on a sorted column asked for -kind or -code, which the list
// refused with 422 "排序方式不正确".
func TestEverySortLinkIsAccepted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "admin")
	link := regexp.MustCompile(`class="sort[^"]*" href="([^"]+)"`)
	seen := 0
	for _, page := range []string{"/orgs?q=" + "%E5%85%9A", fmt.Sprintf("/orgs/%d", f.root)} {
		for _, first := range link.FindAllStringSubmatch(b.get(t, page), -1) {
			// The link as offered, then the reversed link the sorted page offers.
			{
				href := html.UnescapeString(first[1])
				resp, err := b.c.Get(b.base + href)
				if err != nil {
					t.Fatal(err)
				}
				body := readBody(t, resp)
				if resp.StatusCode != 200 {
					t.Fatalf("%s: %d", href, resp.StatusCode)
				}
				seen++
				for _, again := range link.FindAllStringSubmatch(body, -1) {
					h := html.UnescapeString(again[1])
					r2, err := b.c.Get(b.base + h)
					if err != nil {
						t.Fatal(err)
					}
					readBody(t, r2)
					if r2.StatusCode != 200 {
						t.Errorf("%s, then %s: %d", href, h, r2.StatusCode)
					}
					seen++
				}
			}
		}
	}
	if seen < 12 {
		t.Errorf("followed %d sort links, want both directions of every column of both pages", seen)
	}
	// -code is the reverse of code.
	_, asc := f.call(t, "GET", "/api/v1/orgs?sort=code&limit=2", f.token(t, "admin"), "")
	_, desc := f.call(t, "GET", "/api/v1/orgs?sort=-code&limit=2", f.token(t, "admin"), "")
	a, d := asc["items"].([]any), desc["items"].([]any)
	if len(a) != 2 || len(d) != 2 || a[0].(map[string]any)["id"] == d[0].(map[string]any)["id"] {
		t.Errorf("sort=code and sort=-code start with the same organization: %v / %v", a, d)
	}
}
