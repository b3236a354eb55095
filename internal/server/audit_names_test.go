package server

import (
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/i18n"
	"jiceng/internal/testrig"
	"jiceng/internal/web"
)

// TestAuditFilterListsEveryAction: the action filter of the audit log is
// built from the same names as the log's entries, grouped by module, and
// lists every action the program writes, each by its name in the page's
// language, never by its key.
func TestAuditFilterListsEveryAction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, lang := range []string{i18n.ZH, i18n.EN} {
		b := f.browser(t, "admin")
		if lang == i18n.EN {
			b.english(t)
		}
		body := b.get(t, "/audit")
		sel := regexp.MustCompile(`(?s)<select id="action".*?</select>`).FindString(body)
		for _, a := range auditActions(t) {
			m := regexp.MustCompile(`<option value="` + regexp.QuoteMeta(a) + `">([^<]*)</option>`).FindStringSubmatch(sel)
			if m == nil {
				t.Errorf("%s: the filter does not list %s", lang, a)
				continue
			}
			if strings.Contains(m[1], "action.") || m[1] == a {
				t.Errorf("%s: %s is listed as %q", lang, a, m[1])
			}
		}
		groups := regexp.MustCompile(`<optgroup label="([^"]*)">`).FindAllStringSubmatch(sel, -1)
		want := "组织体系,两新覆盖,评议考核,用户与授权,其他"
		if lang == i18n.EN {
			want = "Organization tree,Two-new coverage,Evaluations,Users and roles,Other"
		}
		// The modules of today in the sidebar's order, the exports last;
		// a module added later brings its own group, in its place.
		known := strings.Split(want, ",")
		var labels []string
		for _, g := range groups {
			if l := html.UnescapeString(g[1]); slices.Contains(known, l) {
				labels = append(labels, l)
			}
		}
		if strings.Join(labels, ",") != want || html.UnescapeString(groups[len(groups)-1][1]) != known[len(known)-1] {
			t.Errorf("%s: groups %v, want %s", lang, groups, want)
		}
		// The coverage group holds the coverage actions only.
		cov := regexp.MustCompile(`(?s)<optgroup label="` + regexp.QuoteMeta(strings.Split(want, ",")[1]) + `">(.*?)</optgroup>`).FindStringSubmatch(sel)
		if cov == nil || strings.Count(cov[1], "<option") != 10 || !strings.Contains(cov[1], `value="unit.create"`) || strings.Contains(cov[1], `value="org.`) {
			t.Errorf("%s: coverage group %v", lang, cov)
		}
	}
}

// TestAuditTargetTypesHaveNames: every type of target an audit entry is
// written with has its name in the catalogues, or the log shows a raw key.
func TestAuditTargetTypesHaveNames(t *testing.T) {
	a, _ := newApp(t, testrig.NewTestDB(t), nil)
	msgs, err := i18n.Merge(append([]i18n.Catalog{web.Messages}, a.WebKit().Catalogs...)...)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`TargetType: *"([a-z_]+)"`)
	types := map[string]bool{}
	err = filepath.WalkDir("../../internal", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			types[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(types) < 9 {
		t.Fatalf("only %d target types found: the scan is broken", len(types))
	}
	for typ := range types {
		if !msgs.Has("audit.type_" + typ) {
			t.Errorf("target type %s has no name (audit.type_%s)", typ, typ)
		}
	}
}

// TestAuditNamesTargets: the log names what each entry is about: the
// organization, the unit, the goal set, the campaign and the user by their
// names, on the page, in the API and in the Excel file.
func TestAuditNamesTargets(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	admin := f.token(t, "admin")
	st, out := f.call(t, "POST", "/api/v1/goal-sets", admin, fmt.Sprintf(`{"name":"2026年全市两新党建目标","year":2026,"owner_org_id":%d,"targets":{"org_coverage":50}}`, f.root))
	if st != 201 {
		t.Fatalf("goal set: %d %v", st, out)
	}
	goal := fmt.Sprint(int64(out["id"].(float64)))
	b := f.browser(t, "admin")
	// Each row: its action's name, then its target's name over what it is.
	for _, c := range []struct{ action, id, want string }{
		{"goal.create", goal, "新建覆盖目标 2026年全市两新党建目标 覆盖目标 " + goal},
		{"unit.coverage", fmt.Sprint(f.units[0].ID), "调整覆盖方式 南宁测试企业01有限公司 两新组织 " + fmt.Sprint(f.units[0].ID)},
		{"org.create", fmt.Sprint(f.joint.ID), "新建党组织 民生街道商圈联合党支部 党组织 " + fmt.Sprint(f.joint.ID)},
	} {
		body := b.get(t, "/audit?"+url.Values{"action": {c.action}, "target_id": {c.id}}.Encode())
		if got := row(t, body, `class="target"`); !strings.Contains(got, c.want) {
			t.Errorf("%s row: %q, want %q", c.action, got, c.want)
		}
	}
	st, out = f.call(t, "GET", "/api/v1/audit?action=goal.create", admin, "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 || items[0].(map[string]any)["target_name"] != "2026年全市两新党建目标" {
		t.Fatalf("API: %d %v", st, out)
	}
	_, rows := b.xlsx(t, "/audit/export.xlsx?action=goal.create")
	if len(rows) != 5 || rows[4][3] != "新建覆盖目标" || rows[4][4] != "2026年全市两新党建目标（覆盖目标 "+goal+"）" {
		t.Errorf("export: %q", rows)
	}
	// A login names the user who logged in, by display name and user name.
	body := b.get(t, "/audit?action=auth.login&actor=admin")
	if got := row(t, body, `class="target"`); !strings.Contains(got, "登录 系统管理员（admin） 用户 ") {
		t.Errorf("login row: %q", got)
	}
}
