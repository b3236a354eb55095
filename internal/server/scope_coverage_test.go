package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// counties returns the county whose administrator the demo seeds
// (county_admin) and its next sibling.
func (f *fixture) counties(t *testing.T) (home, sibling org.Org) {
	t.Helper()
	kids, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{Under: f.root, ChildrenOnly: true, Limit: 2})
	if err != nil || len(kids) != 2 {
		t.Fatalf("counties: %v", err)
	}
	return kids[0], kids[1]
}

// TestJointFlagsNeedUnitRead: the evaluation manager, granted on the whole
// city, asked for the joint branches the rules flag. They name units'
// organizations and counts, which its role does not cover.
func TestJointFlagsNeedUnitRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/coverage/joint-flags", f.root), f.token(t, "evaluator"), "")
	if st != 403 || errMsg(out) != "您没有查看两新组织覆盖情况的权限" {
		t.Fatalf("evaluation manager: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/coverage/joint-flags", f.root), f.token(t, "auditor"), "")
	if st != 200 || out["items"] == nil {
		t.Fatalf("auditor: %d %v", st, out)
	}
	// The statistics leave the coverage key out for it, as before.
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", f.root), f.token(t, "evaluator"), "")
	if _, has := out["coverage"]; st != 200 || has {
		t.Fatalf("stats for the evaluation manager: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", f.root), f.token(t, "auditor"), "")
	if _, has := out["coverage"]; st != 200 || !has {
		t.Fatalf("stats for the auditor: %d %v", st, out)
	}
}

// TestGoalSetsHideSiblingTargets: the city sets a goal for itself and its
// twelve counties, with a different target for two of them. A county
// administrator read the set and saw every county's target; now it sees its
// own, on the pages, in the Excel file and in the API.
func TestGoalSetsHideSiblingTargets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	home, sibling := f.counties(t)
	admin := f.token(t, "admin")
	st, out := f.call(t, "POST", "/api/v1/goal-sets", admin, fmt.Sprintf(`{"name":"2026年全市目标","year":2026,"owner_org_id":%d,"targets":{"org_coverage":90}}`, f.root))
	if st != 201 || len(out["targets"].(map[string]any)) != 13 {
		t.Fatalf("create: %d %v", st, out)
	}
	id := int64(out["id"].(float64))
	for _, c := range []struct {
		org    int64
		target int
	}{{home.ID, 71}, {sibling.ID, 57}} {
		if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/goal-sets/%d/targets", id), admin, fmt.Sprintf(`{"indicator":"org_coverage","org_id":%d,"target":%d}`, c.org, c.target)); st != 200 {
			t.Fatalf("target: %d %v", st, out)
		}
	}
	county := f.token(t, "county_admin")
	own := fmt.Sprintf(`map[%d:map[org_coverage:71]]`, home.ID)
	st, out = f.call(t, "GET", "/api/v1/goal-sets", county, "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 || fmt.Sprint(items[0].(map[string]any)["targets"]) != own {
		t.Fatalf("county's list: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/goal-sets/%d", id), county, "")
	g, _ := out["goal_set"].(map[string]any)
	ps, _ := out["progress"].([]any)
	if st != 200 || fmt.Sprint(g["targets"]) != own || len(ps) != 7 {
		t.Fatalf("county's goal set: %d %v", st, out)
	}
	// Its six townships are held to the county's 71 %, never the city's 90 %.
	for _, p := range ps[1:] {
		if fmt.Sprint(p.(map[string]any)["targets"]) != "map[org_coverage:71]" {
			t.Errorf("township targets: %v", p)
		}
	}

	b := f.browser(t, "county_admin")
	list := text(b.get(t, "/coverage/goals"))
	if !strings.Contains(list, "2026年全市目标 2026") || !strings.Contains(list, "组织覆盖率 ≥ 71%") || strings.Contains(list, "≥ 90%") || strings.Contains(list, "≥ 57%") {
		t.Errorf("goal list: %q", list)
	}
	page := text(b.get(t, fmt.Sprintf("/coverage/goals/%d", id)))
	if !strings.Contains(page, home.Label()) || strings.Contains(page, sibling.Label()) || strings.Contains(page, "57%") {
		t.Errorf("goal page shows another county: %q", page)
	}
	_, rows := b.xlsx(t, fmt.Sprintf("/coverage/goals/%d/export.xlsx", id))
	if len(rows) != 11 || rows[4][1] != home.Label() || fmt.Sprint(rows[4][3]) != "71.0%" {
		t.Errorf("goal export: %q", rows)
	}
}

// TestCoverageSettingsNeedARole: the thresholds behind the coverage figures
// are shown to roles that read units (here the auditor), not to a case
// handler, an integrity officer or a custodian.
func TestCoverageSettingsNeedARole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, user := range []string{"handler", "integrity", "custodian", "evaluator"} {
		st, out := f.call(t, "GET", "/api/v1/coverage/settings", f.token(t, user), "")
		if st != 403 || errMsg(out) != "您没有查看两新覆盖统计口径的权限" {
			t.Errorf("%s via the API: %d %v", user, st, out)
		}
		st, _, body := f.browser(t, user).status(t, "GET", "/coverage/settings", nil)
		if st != 403 || !strings.Contains(body, "您没有查看两新覆盖统计口径的权限") {
			t.Errorf("%s on the page: %d", user, st)
		}
	}
	st, out := f.call(t, "GET", "/api/v1/coverage/settings", f.token(t, "auditor"), "")
	if st != 200 || out["size_employees"].(float64) != 50 {
		t.Errorf("auditor: %d %v", st, out)
	}
	if st, _, _ := f.browser(t, "secretary").status(t, "GET", "/coverage/settings", nil); st != 200 {
		t.Errorf("secretary's page: %d", st)
	}
}

// TestOrgExportRefusedToHandler: the organization export needs org.export,
// on the organization asked for or anywhere for the whole list.
func TestOrgExportRefusedToHandler(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "handler")
	home, _ := f.counties(t)
	street, _, _ := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001"})
	for _, c := range []struct {
		path, msg string
		status    int
	}{
		{"/orgs/export.xlsx", "您没有导出党组织名单的权限", 403},
		{fmt.Sprintf("/orgs/%d/export.xlsx?scope=subtree", street[0].ID), "您没有导出该党组织名单的权限", 403},
		{fmt.Sprintf("/orgs/%d/export.xlsx", home.ID), fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", home.ID), 404},
	} {
		st, _, body := b.status(t, "GET", c.path, url.Values{})
		if st != c.status || !strings.Contains(body, c.msg) {
			t.Errorf("%s: %d", c.path, st)
		}
	}
}
