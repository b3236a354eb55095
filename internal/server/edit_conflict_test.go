package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

const staleZH = "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改"

// staleFormZH begins the message of an edit form refused as stale.
const staleFormZH = "保存前此记录已被修改（可能是他人或您在另一个窗口中）。下方保留了您填写的内容，并列出当前保存的值；核对后再次保存将覆盖。"

var versionRE = regexp.MustCompile(`<input type="hidden" name="version" value="(\d+)">`)

// formFields reads the fields of an edit form as loaded: the visible ones
// given, and the hidden version.
func formFields(t *testing.T, body string, names ...string) url.Values {
	t.Helper()
	m := versionRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the edit form carries no version")
	}
	v := url.Values{"version": {m[1]}}
	for _, n := range names {
		re := regexp.MustCompile(`name="` + n + `"[^>]*value="([^"]*)"`)
		if mm := re.FindStringSubmatch(body); mm != nil {
			v.Set(n, mm[1])
		}
	}
	return v
}

// TestWebOrgEditConflict: two people open the edit form of the same
// organization and save in turn; the second is told, sees the form with
// what they typed, and the first one's name stays.
func TestWebOrgEditConflict(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	list, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	o := list[0]
	path := fmt.Sprintf("/orgs/%d/edit", o.ID)
	a, b := f.browser(t, "street_admin"), f.browser(t, "street_admin")
	formA := formFields(t, a.get(t, path), "name", "short_name")
	formB := formFields(t, b.get(t, path), "name", "short_name")
	for _, v := range []url.Values{formA, formB} {
		v.Set("kind", "branch")
		v.Set("category", "community")
	}
	formA.Set("name", "兴宁社区党支部（甲改）")
	st, at, _ := a.status(t, "POST", path, formA)
	if st != 200 || strings.Split(at, "?")[0] != fmt.Sprintf("/orgs/%d", o.ID) {
		t.Fatalf("first save: %d at %s", st, at)
	}
	formB.Set("name", "兴宁社区党支部（乙改）")
	st, _, body := b.status(t, "POST", path, formB)
	if st != 409 || !strings.HasPrefix(flashOf(body), staleFormZH) {
		t.Fatalf("second save: %d, flash %q", st, flashOf(body))
	}
	if !strings.Contains(body, `value="兴宁社区党支部（乙改）"`) {
		t.Error("the refused form lost what was typed")
	}
	got, _ := f.orgs.Get(context.Background(), testrig.Admin, o.ID)
	if got.Name != "兴宁社区党支部（甲改）" {
		t.Errorf("name %q after the refused save", got.Name)
	}
}

// TestAPIOrgAndUnitPatchConflict: two clients read the same organization
// (and unit) and PATCH it with the version they read; the second gets 409
// and the first one's change stays. A PATCH without a version still works.
func TestAPIOrgAndUnitPatchConflict(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	tok := f.token(t, "street_admin")
	for _, c := range []struct{ path, field string }{
		{fmt.Sprintf("/api/v1/orgs/%d", f.c4.ID), "note"},
		{fmt.Sprintf("/api/v1/units/%d", f.units[3].ID), "address"},
	} {
		st, out := f.call(t, "GET", c.path, tok, "")
		if st != 200 {
			t.Fatalf("%s: %d", c.path, st)
		}
		v := int(out["version"].(float64))
		st, out = f.call(t, "PATCH", c.path, tok, fmt.Sprintf(`{%q:"甲","version":%d}`, c.field, v))
		if st != 200 || int(out["version"].(float64)) != v+1 {
			t.Fatalf("%s first patch: %d %v", c.path, st, out)
		}
		st, out = f.call(t, "PATCH", c.path, tok, fmt.Sprintf(`{%q:"乙","version":%d}`, c.field, v))
		if st != 409 || errMsg(out) != staleZH {
			t.Fatalf("%s second patch: %d %v", c.path, st, out)
		}
		if _, out = f.call(t, "GET", c.path, tok, ""); out[c.field] != "甲" {
			t.Errorf("%s: %s is %v after the refused patch", c.path, c.field, out[c.field])
		}
		if st, out = f.call(t, "PATCH", c.path, tok, fmt.Sprintf(`{%q:"丙"}`, c.field)); st != 200 || out[c.field] != "丙" {
			t.Errorf("%s patch without a version: %d %v", c.path, st, out)
		}
	}
}

// TestWebUnitEditConflict: the same for the unit form.
func TestWebUnitEditConflict(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	u := f.units[4]
	path := fmt.Sprintf("/coverage/units/%d/edit", u.ID)
	fields := []string{"credit_code", "name", "employees", "region_code", "address", "legal_rep", "full_members", "probationary_members", "affiliation_org_id"}
	a, b := f.browser(t, "street_admin"), f.browser(t, "street_admin")
	formA := formFields(t, a.get(t, path), fields...)
	formB := formFields(t, b.get(t, path), fields...)
	formA.Set("employees", "21")
	if st, at, _ := a.status(t, "POST", path, formA); st != 200 || strings.Split(at, "?")[0] != fmt.Sprintf("/coverage/units/%d", u.ID) {
		t.Fatalf("first save: %d at %s", st, at)
	}
	formB.Set("employees", "99")
	st, _, body := b.status(t, "POST", path, formB)
	if st != 409 || !strings.HasPrefix(flashOf(body), staleFormZH) {
		t.Fatalf("second save: %d, flash %q", st, flashOf(body))
	}
	if !strings.Contains(body, `value="99"`) {
		t.Error("the refused form lost what was typed")
	}
	got, _ := f.cov.Get(context.Background(), testrig.Admin, u.ID)
	if got.Employees != 21 {
		t.Errorf("%d employees after the refused save, want 21", got.Employees)
	}
}

// TestWebOpenAfterRulesChanged: a manager loads a draft campaign while
// someone else edits its rules; pressing 开始测评 on the stale page does not
// open the campaign with rules the manager has not seen.
func TestWebOpenAfterRulesChanged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, _, owner := evalOrgs(t, f)
	opens, closes := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	c, err := f.eval.CreateCampaign(ctx, testrig.Admin, evaluation.CampaignInput{OwnerOrgID: owner.ID, Name: "2026年度社区评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eval.AddSubjects(ctx, testrig.Admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectOrg, OrgID: owner.ID}}); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t, "street_admin")
	base := fmt.Sprintf("/evaluation/%d", c.ID)
	loaded := formFields(t, b.get(t, base))
	rules := c.Rules
	rules.MinBallots = 30
	if _, err := f.eval.UpdateRules(ctx, testrig.Admin, c.ID, rules); err != nil {
		t.Fatal(err)
	}
	st, at, body := b.status(t, "POST", base+"/open", loaded)
	if st != 200 || strings.Split(at, "?")[0] != base || flashOf(body) != staleZH {
		t.Fatalf("open from a stale page: %d at %s, flash %q", st, at, flashOf(body))
	}
	if got, _ := f.eval.Get(ctx, testrig.Admin, c.ID); got.Status != evaluation.StatusDraft {
		t.Fatalf("status %s after a stale open", got.Status)
	}
	if st, _, body := b.status(t, "POST", base+"/open", formFields(t, b.get(t, base))); st != 200 || !strings.Contains(text(body), "● 进行中") {
		t.Fatalf("open from a fresh page: %d %q", st, flashOf(body))
	}
}

// TestAPIOpenFromStaleVersion: the API's open took no version, so a client
// that had read a draft before a colleague added a subject opened it
// anyway; a stale version is now refused and nothing changes.
func TestAPIOpenFromStaleVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, _, owner := evalOrgs(t, f)
	c, err := f.eval.CreateCampaign(ctx, testrig.Admin, evaluation.CampaignInput{OwnerOrgID: owner.ID, Name: "2026年度社区评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eval.AddSubjects(ctx, testrig.Admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectOrg, OrgID: owner.ID}}); err != nil {
		t.Fatal(err)
	}
	tok := f.token(t, "street_admin")
	path := fmt.Sprintf("/api/v1/campaigns/%d/open", c.ID)
	st, out := f.call(t, "POST", path, tok, fmt.Sprintf(`{"version":%d}`, c.Version))
	if e, _ := out["error"].(map[string]any); st != 409 || e["message"] != staleZH {
		t.Fatalf("open from version %d: %d %v", c.Version, st, out)
	}
	cur, _ := f.eval.Get(ctx, testrig.Admin, c.ID)
	if cur.Status != evaluation.StatusDraft {
		t.Fatalf("status %s after a stale open", cur.Status)
	}
	if st, out := f.call(t, "POST", path, tok, fmt.Sprintf(`{"version":%d}`, cur.Version)); st != 200 || out["status"] != evaluation.StatusOpen {
		t.Fatalf("open from the current version: %d %v", st, out)
	}
}
