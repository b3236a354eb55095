package server

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestWebOrgEditConflictThenSave: after a refused stale save the form shows
// what is stored now, keeps what was typed and carries the current version,
// so a second save knowingly overwrites with the user's input.
func TestWebOrgEditConflictThenSave(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	list, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	o := list[0]
	path := fmt.Sprintf("/orgs/%d/edit", o.ID)
	a, b := f.browser(t, "street_admin"), f.browser(t, "street_admin")
	formA := formFields(t, a.get(t, path), "name", "short_name", "founded_on")
	formB := formFields(t, b.get(t, path), "name", "short_name", "founded_on")
	for _, v := range []url.Values{formA, formB} {
		v.Set("kind", "branch")
		v.Set("category", "community")
	}
	formA.Set("name", "兴宁社区党支部（甲改）")
	if st, _, _ := a.status(t, "POST", path, formA); st != 200 {
		t.Fatalf("first save: %d", st)
	}
	formB.Set("name", "兴宁社区党支部（乙改）")
	st, _, body := b.status(t, "POST", path, formB)
	want := staleFormZH + "当前保存的值：名称“兴宁社区党支部（甲改）”"
	if got := html.UnescapeString(flashOf(body)); st != 409 || got != want {
		t.Fatalf("second save: %d, flash\n%q, want\n%q", st, got, want)
	}
	if !strings.Contains(body, `value="兴宁社区党支部（乙改）"`) {
		t.Error("the refused form lost what was typed")
	}
	cur, _ := f.orgs.Get(context.Background(), testrig.Admin, o.ID)
	again := formFields(t, body, "name", "short_name", "founded_on")
	if again.Get("version") != fmt.Sprint(cur.Version) {
		t.Fatalf("the refused form carries version %s, the record has %d", again.Get("version"), cur.Version)
	}
	again.Set("kind", "branch")
	again.Set("category", "community")
	if st, at, body := b.status(t, "POST", path, again); st != 200 || strings.Split(at, "?")[0] != fmt.Sprintf("/orgs/%d", o.ID) {
		t.Fatalf("save after reading the stored values: %d at %s, flash %q", st, at, flashOf(body))
	}
	if got, _ := f.orgs.Get(context.Background(), testrig.Admin, o.ID); got.Name != "兴宁社区党支部（乙改）" {
		t.Errorf("name %q after the second save", got.Name)
	}
}

// TestWebUnitEditConflictThenSave: the same for the unit form.
func TestWebUnitEditConflictThenSave(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	u := f.units[4]
	path := fmt.Sprintf("/coverage/units/%d/edit", u.ID)
	fields := []string{"credit_code", "name", "employees", "region_code", "address", "legal_rep", "full_members", "probationary_members", "affiliation_org_id"}
	a, b := f.browser(t, "street_admin"), f.browser(t, "street_admin")
	formA := formFields(t, a.get(t, path), fields...)
	formB := formFields(t, b.get(t, path), fields...)
	for _, v := range []url.Values{formA, formB} {
		v.Set("category", u.Category)
		v.Set("industry", u.Industry)
	}
	formA.Set("employees", "21")
	if st, _, _ := a.status(t, "POST", path, formA); st != 200 {
		t.Fatalf("first save: %d", st)
	}
	formB.Set("employees", "99")
	st, _, body := b.status(t, "POST", path, formB)
	want := staleFormZH + "当前保存的值：从业人数“21”"
	if got := html.UnescapeString(flashOf(body)); st != 409 || got != want {
		t.Fatalf("second save: %d, flash\n%q, want\n%q", st, got, want)
	}
	again := formFields(t, body, fields...)
	if again.Get("employees") != "99" {
		t.Errorf("the refused form shows %q employees, typed 99", again.Get("employees"))
	}
	again.Set("category", u.Category)
	again.Set("industry", u.Industry)
	if st, _, body := b.status(t, "POST", path, again); st != 200 {
		t.Fatalf("save after reading the stored values: %d, flash %q", st, flashOf(body))
	}
	if got, _ := f.cov.Get(context.Background(), testrig.Admin, u.ID); got.Employees != 99 {
		t.Errorf("%d employees after the second save, want 99", got.Employees)
	}
}

// TestWebCoverageFormStale: the coverage form sent twice from the same page
// (instructor 甲指导员, then 乙指导员): the second is refused and lists the
// stored instructor; saving the form shown then stores 乙指导员.
func TestWebCoverageFormStale(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	u := f.units[4]
	page := fmt.Sprintf("/coverage/units/%d", u.ID)
	b := f.browser(t, "street_admin")
	loaded := formFields(t, b.get(t, page))
	loaded.Set("coverage", "instructor")
	loaded.Set("instructor", "甲指导员")
	if st, _, _ := b.status(t, "POST", page+"/coverage", loaded); st != 200 {
		t.Fatalf("first save: %d", st)
	}
	loaded.Set("instructor", "乙指导员")
	st, _, body := b.status(t, "POST", page+"/coverage", loaded)
	want := staleFormZH + "当前保存的值：党建指导员“甲指导员”"
	if got := html.UnescapeString(flashOf(body)); st != 409 || got != want {
		t.Fatalf("second save from the same page: %d, flash\n%q, want\n%q", st, got, want)
	}
	if got, _ := f.cov.Get(context.Background(), testrig.Admin, u.ID); got.Instructor != "甲指导员" {
		t.Fatalf("instructor %q after the refused save", got.Instructor)
	}
	again := formFields(t, body, "instructor")
	if again.Get("instructor") != "乙指导员" {
		t.Errorf("the refused form shows instructor %q", again.Get("instructor"))
	}
	again.Set("coverage", "instructor")
	if st, _, body := b.status(t, "POST", page+"/coverage", again); st != 200 {
		t.Fatalf("save after reading the stored values: %d, flash %q", st, flashOf(body))
	}
	if got, _ := f.cov.Get(context.Background(), testrig.Admin, u.ID); got.Instructor != "乙指导员" {
		t.Errorf("instructor %q after the second save", got.Instructor)
	}
}

// TestAPIUnitCoverageVersion: POST /api/v1/units/{id}/coverage takes an
// optional version like the PATCHes: given and stale, 409 and nothing
// changes; without it the change applies.
func TestAPIUnitCoverageVersion(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	tok := f.token(t, "street_admin")
	path := fmt.Sprintf("/api/v1/units/%d", f.units[4].ID)
	_, out := f.call(t, "GET", path, tok, "")
	v := int(out["version"].(float64))
	st, out := f.call(t, "POST", path+"/coverage", tok, fmt.Sprintf(`{"coverage":"instructor","instructor":"甲指导员","version":%d}`, v))
	if st != 200 || out["instructor"] != "甲指导员" || int(out["version"].(float64)) != v+1 {
		t.Fatalf("first change: %d %v", st, out)
	}
	st, out = f.call(t, "POST", path+"/coverage", tok, fmt.Sprintf(`{"coverage":"instructor","instructor":"乙指导员","version":%d}`, v))
	if st != 409 || errMsg(out) != staleZH {
		t.Fatalf("change from the same read: %d %v", st, out)
	}
	if _, out = f.call(t, "GET", path, tok, ""); out["instructor"] != "甲指导员" {
		t.Errorf("instructor %v after the refused change", out["instructor"])
	}
	if st, out = f.call(t, "POST", path+"/coverage", tok, `{"coverage":"instructor","instructor":"丙指导员"}`); st != 200 || out["instructor"] != "丙指导员" {
		t.Errorf("change without a version: %d %v", st, out)
	}
}

// TestWebMoveFromStalePage: two tabs show the move page of the same
// organization; the first moves it, the second, still showing the old
// place, is refused and the organization stays where the first put it.
func TestWebMoveFromStalePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	street, home, sibling := evalOrgs(t, f)
	b, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: home.ID, Name: "某公司党支部", Kind: "branch"})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/orgs/%d/move", b.ID)
	br := f.browser(t, "street_admin")
	page := br.get(t, path+"?q="+url.QueryEscape(sibling.Name))
	v := versionRE.FindStringSubmatch(page)
	if v == nil {
		t.Fatal("the move form carries no version")
	}
	if st, _, _ := br.status(t, "POST", path, url.Values{"parent_id": {fmt.Sprint(street.ID)}, "version": {v[1]}}); st != 200 {
		t.Fatalf("first move: %d", st)
	}
	st, _, body := br.status(t, "POST", path, url.Values{"parent_id": {fmt.Sprint(sibling.ID)}, "version": {v[1]}})
	if st != 409 || flashOf(body) != staleZH {
		t.Fatalf("move from the stale page: %d, flash %q", st, flashOf(body))
	}
	if got, _ := f.orgs.Get(ctx, testrig.Admin, b.ID); got.ParentID == nil || *got.ParentID != street.ID {
		t.Errorf("parent %v, want %d", got.ParentID, street.ID)
	}
}
