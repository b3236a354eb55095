package server

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// pickerOf reads an organization picker of a page: the chosen id, the text
// in the search box and the path shown under it.
func pickerOf(t *testing.T, body, name string) (id, textIn, path string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<input type="hidden" name="` + name + `" value="([^"]*)" data-pick-id>.*?name="` + name + `_q" type="text" value="([^"]*)".*?<p class="pick-chosen" id="` + name + `-path"[^>]*>(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no organization picker %s", name)
	}
	return m[1], html.UnescapeString(m[2]), text(m[3])
}

// pickOptions asks a picker's search address and returns its options as
// "id name | path".
func pickOptions(t *testing.T, b *browser, path string) []string {
	t.Helper()
	body := b.get(t, path)
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<li role="option" id="[^"]*" class="pick-opt" data-value="(\d+)"[^>]*><span class="pick-name">([^<]*)</span>(.*?)</li>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+" "+html.UnescapeString(m[2])+" | "+text(m[3]))
	}
	return out
}

// TestPickerScope: a picker never shows an organization outside the user's
// subtree, neither as a result nor as a step of a path, and a name typed
// from outside is answered as unknown.
func TestPickerScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	street, home, _ := evalOrgs(t, f)
	county, err := f.orgs.Get(ctx, testrig.Admin, *street.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	// Another street of the same county, and its first community.
	streets, _, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{Under: county.ID, ChildrenOnly: true, Limit: 2, Sort: "tree"})
	if err != nil || len(streets) < 2 || streets[0].ID != street.ID {
		t.Fatalf("streets of %s: %v %v", county.Name, streets, err)
	}
	other := streets[1]
	b := f.browser(t, "street_admin") // 民生街道 only
	for _, q := range []string{"南宁市委", county.Name, other.Name, other.ShortName} {
		if got := pickOptions(t, b, "/pick/orgs?field=x&q="+url.QueryEscape(q)); len(got) != 0 {
			t.Errorf("street_admin searching %q is offered %q", q, got)
		}
	}
	got := pickOptions(t, b, "/pick/orgs?field=x&q="+url.QueryEscape(home.Name))
	if want := fmt.Sprintf("%d %s | %s", home.ID, home.Name, street.Label()); len(got) != 1 || got[0] != want {
		t.Errorf("street_admin searching %s is offered %q, want %q (the path starts at the user's own organization)", home.Name, got, want)
	}
	// An empty search lists the top of the scope, nothing above it.
	all := pickOptions(t, b, "/pick/orgs?field=x&q=")
	if len(all) != 12 || !strings.HasPrefix(all[0], fmt.Sprintf("%d %s | ", street.ID, street.Name)) {
		t.Errorf("an empty search offers %d: %q", len(all), all)
	}
	for _, o := range all {
		if strings.Contains(o, county.Label()) || strings.Contains(o, "南宁市委") {
			t.Errorf("an option names an organization above the scope: %q", o)
		}
	}
	// Typed and sent without a choice: an outside name is not found.
	st, _, body := b.status(t, "POST", "/users/new", url.Values{"username": {"pick_user"}, "password": {"Str0ng-Passw0rd!"}, "home_org_id_q": {other.Name}, "role": {"secretary"}})
	if want := fmt.Sprintf("在您的管理范围内没有名称含“%s”的党组织，请换个词查找", other.Name); st != 422 || errAt(body, "home_org_id") != want {
		t.Errorf("an outside name typed: %d %q", st, errAt(body, "home_org_id"))
	}
	if _, typed, _ := pickerOf(t, body, "home_org_id"); typed != other.Name {
		t.Errorf("the form lost what was typed: %q", typed)
	}
	// An outside id sent by hand gets the domain's answer at the field, and
	// the box shows no name for it.
	st, _, body = b.status(t, "POST", "/users/new", url.Values{"username": {"pick_user"}, "password": {"Str0ng-Passw0rd!"}, "home_org_id": {fmt.Sprint(other.ID)}, "role": {"secretary"}})
	if id, typed, path := pickerOf(t, body, "home_org_id"); st != 404 && st != 422 || id != fmt.Sprint(other.ID) || typed != "" || path != "" {
		t.Errorf("an outside id: %d, picker %q %q %q", st, id, typed, path)
	}
	if strings.Contains(body, other.Name) {
		t.Errorf("the page names the outside organization %s", other.Name)
	}
	// Regions: the street's villages, never another county's.
	if st, _, _ := b.status(t, "GET", "/pick/regions?parent="+county.RegionCode, nil); st != 404 {
		t.Errorf("regions of the county for a street user: %d", st)
	}
	opts := b.get(t, "/pick/regions?parent="+street.RegionCode)
	if n := strings.Count(opts, "<option value=\""+street.RegionCode); n < 2 {
		t.Errorf("regions under %s: %d options", street.RegionCode, n)
	}
}

// TestPickerChosenKeepsPath: a form shown again keeps the organization
// chosen with its name and path.
func TestPickerChosenKeepsPath(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	street, home, _ := evalOrgs(t, f)
	b := f.browser(t, "street_admin")
	st, _, body := b.status(t, "POST", "/users/new", url.Values{"username": {""}, "password": {"x"}, "home_org_id": {""}, "home_org_id_q": {home.Name}})
	if st != 422 {
		t.Fatalf("bad user form: %d", st)
	}
	if id, typed, path := pickerOf(t, body, "home_org_id"); id != fmt.Sprint(home.ID) || typed != home.Name || path != street.Label() {
		t.Errorf("the picker shows %q %q %q; want %d %s under %s", id, typed, path, home.ID, home.Name, street.Label())
	}
}

// TestTreeOrder: under a township the villages and communities come first
// in code order, the 两新 branches after them.
func TestTreeOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	street, _, _ := evalOrgs(t, f)
	two, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: street.ID, Name: "中共南宁甲科技有限公司支部委员会", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(t, "street_admin")
	body := b.get(t, fmt.Sprintf("/tree/%d", street.ID))
	names := regexp.MustCompile(`href="/orgs/(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(names) < 3 || names[len(names)-1][1] != fmt.Sprint(two.ID) {
		t.Errorf("the 两新 branch is not last under %s: %v", street.Name, names)
	}
}

// TestAPIOrgSearchPath: the API's organization search gives each result its
// path, down from the caller's scope: the whole line for the administrator,
// the steps from the street down for the street's manager.
func TestAPIOrgSearchPath(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	street, home, _ := evalOrgs(t, f)
	county, err := f.orgs.Get(ctx, testrig.Admin, *street.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	root, err := f.orgs.Get(ctx, testrig.Admin, f.root)
	if err != nil {
		t.Fatal(err)
	}
	pathOf := func(user string) string {
		t.Helper()
		st, list := f.call(t, "GET", "/api/v1/orgs?q="+url.QueryEscape(home.Name), f.token(t, user), "")
		items, _ := list["items"].([]any)
		if st != 200 || len(items) != 1 {
			t.Fatalf("%s searching %s: %d %v", user, home.Name, st, list)
		}
		var steps []string
		for _, s := range items[0].(map[string]any)["path"].([]any) {
			steps = append(steps, s.(string))
		}
		return strings.Join(steps, " › ")
	}
	if got, want := pathOf("admin"), root.Label()+" › "+county.Label()+" › "+street.Label(); got != want {
		t.Errorf("the administrator's path of %s is %q, want %q", home.Name, got, want)
	}
	if got := pathOf("street_admin"); got != street.Label() {
		t.Errorf("the street manager's path of %s is %q, want %q", home.Name, got, street.Label())
	}
}
