package server

import (
	"fmt"
	"strings"
	"testing"
)

// TestCityGoalsSeenByCounty: the city sets goals for itself and its
// counties; the county's administrator opens them and sees the county held
// to the city's target for it, and each township held to the county's
// target, marked as inherited from 兴宁区委, with the rates of its units. The
// page, the Excel file and the API name the city as 制定单位.
func TestCityGoalsSeenByCounty(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	admin := f.token(t, "admin")
	st, out := f.call(t, "POST", "/api/v1/goal-sets", admin, fmt.Sprintf(`{"name":"2026年全市两新党建目标","year":2026,"owner_org_id":%d,"targets":{"org_coverage":50,"work_coverage":55}}`, f.root))
	if st != 201 || out["owner_name"] != "南宁市委" {
		t.Fatalf("city goal set: %d %v", st, out)
	}
	id := int64(out["id"].(float64))
	county := f.ms.ParentID
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/goal-sets/%d/targets", id), admin, fmt.Sprintf(`{"indicator":"work_coverage","org_id":%d,"target":65}`, *county))
	if st != 200 {
		t.Fatalf("county target: %d %v", st, out)
	}

	b := f.browser(t, "county_admin")
	body := b.get(t, fmt.Sprintf("/coverage/goals/%d", id))
	if txt := text(body); !strings.Contains(txt, "2026年全市两新党建目标 年度 2026 · 制定单位 南宁市委") || !strings.Contains(txt, "7 考核范围") {
		t.Errorf("goal head: %.300s", txt)
	}
	// 兴宁区委 and 民生街道: 10 units, 4 with an organization, 6 covered.
	if got := row(t, body, ">兴宁区委<"); got != "1 兴宁区委 40.0% ✕ 未达标 目标 ≥ 50% 60.0% ✕ 未达标 目标 ≥ 65%" {
		t.Errorf("county row: %q", got)
	}
	if got := row(t, body, ">民生街道党工委<"); got != "2 民生街道党工委 目标沿用 兴宁区委 40.0% ✕ 未达标 目标 ≥ 50% 60.0% ✕ 未达标 目标 ≥ 65%" {
		t.Errorf("street row: %q", got)
	}
	if got := row(t, body, ">三塘镇党委<"); !strings.HasSuffix(got, "三塘镇党委 目标沿用 兴宁区委 0.0% ✕ 未达标 目标 ≥ 50% 0.0% ✕ 未达标 目标 ≥ 65%") {
		t.Errorf("township row: %q", got)
	}
	// The county may not change the city's targets: no form.
	if strings.Contains(body, `action="/coverage/goals/`) {
		t.Errorf("the county is offered the city's target form")
	}
	if txt := text(b.get(t, "/coverage/goals")); !strings.Contains(txt, "2026年全市两新党建目标 2026 南宁市委 组织覆盖率 ≥ 50% 工作覆盖率 ≥ 65%") {
		t.Errorf("goal list row")
	}
	_, rows := b.xlsx(t, fmt.Sprintf("/coverage/goals/%d/export.xlsx", id))
	if len(rows) < 6 || !strings.Contains(strings.Join(rows[1], ""), "年度：2026；制定单位：南宁市委") ||
		strings.Join(rows[4][1:], ",") != "兴宁区委,40.0%,50.0%,未达标,60.0%,65.0%,未达标,本目标" || strings.Join(rows[5][1:], ",") != "民生街道党工委,40.0%,50.0%,未达标,60.0%,65.0%,未达标,兴宁区委" {
		t.Errorf("export %q", rows[:min(len(rows), 6)])
	}

	tok := f.token(t, "county_admin")
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/goal-sets/%d", id), tok, "")
	ps, _ := out["progress"].([]any)
	if st != 200 || len(ps) != 7 || out["goal_set"].(map[string]any)["owner_name"] != "南宁市委" {
		t.Fatalf("county's progress: %d %v", st, out)
	}
	first, second := ps[0].(map[string]any), ps[1].(map[string]any)
	from, _ := second["inherited_from"].(map[string]any)
	if first["inherited"] != false || first["inherited_from"] != nil || second["inherited"] != true ||
		fmt.Sprint(from) != fmt.Sprintf("map[org_id:%d org_name:兴宁区委 set_id:%d set_name:2026年全市两新党建目标]", *county, id) {
		t.Errorf("inherited marks: %v / %v", first, second)
	}
}

// TestCityGoalsSeenByTownship: the city's goal set names no target for a
// township, yet it is held to the one that cascades down from its county.
// The street's administrator finds the set in its list with the targets it
// is held to, and opens it to see its own row and its communities' rows —
// never a sibling township's.
func TestCityGoalsSeenByTownship(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	admin := f.token(t, "admin")
	st, out := f.call(t, "POST", "/api/v1/goal-sets", admin, fmt.Sprintf(`{"name":"2026年全市两新党建目标","year":2026,"owner_org_id":%d,"targets":{"org_coverage":50,"work_coverage":55}}`, f.root))
	if st != 201 {
		t.Fatalf("city goal set: %d %v", st, out)
	}
	id := int64(out["id"].(float64))
	county := f.ms.ParentID
	if st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/goal-sets/%d/targets", id), admin, fmt.Sprintf(`{"indicator":"work_coverage","org_id":%d,"target":65}`, *county)); st != 200 {
		t.Fatalf("county target: %d %v", st, out)
	}

	b := f.browser(t, "street_admin")
	if txt := text(b.get(t, "/coverage/goals")); !strings.Contains(txt, "2026年全市两新党建目标 2026 南宁市委 组织覆盖率 ≥ 50% 工作覆盖率 ≥ 65%") {
		t.Errorf("the street's goal list lacks the city's set with the targets it is held to: %.400s", txt)
	}
	body := b.get(t, fmt.Sprintf("/coverage/goals/%d", id))
	if got := row(t, body, ">民生街道党工委<"); got != "1 民生街道党工委 目标沿用 兴宁区委 40.0% ✕ 未达标 目标 ≥ 50% 60.0% ✕ 未达标 目标 ≥ 65%" {
		t.Errorf("street row: %q", got)
	}
	if got := row(t, body, ">"+f.c3.Label()+"<"); !strings.HasSuffix(got, f.c3.Label()+" 目标沿用 兴宁区委 50.0% ✓ 达标 目标 ≥ 50% 75.0% ✓ 达标 目标 ≥ 65%") {
		t.Errorf("community row: %q", got)
	}
	if strings.Contains(body, "三塘镇党委") {
		t.Errorf("the street sees a sibling township on the city's goal page")
	}

	tok := f.token(t, "street_admin")
	st, out = f.call(t, "GET", "/api/v1/goal-sets", tok, "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 {
		t.Fatalf("the street's goal sets: %d %v", st, out)
	}
	set := items[0].(map[string]any)
	if set["owner_name"] != "南宁市委" || fmt.Sprint(set["indicators"]) != "[org_coverage work_coverage]" || fmt.Sprint(set["targets"]) != "map[]" {
		t.Errorf("the city's set as the street reads it: %v", set)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/goal-sets/%d", id), tok, "")
	ps, _ := out["progress"].([]any)
	if st != 200 || len(ps) == 0 || ps[0].(map[string]any)["org"].(map[string]any)["id"] != float64(f.ms.ID) || ps[0].(map[string]any)["inherited"] != true {
		t.Errorf("the street's progress on the city's set: %d %v", st, out)
	}
	// A township may not change the city's targets.
	if st, _ = f.call(t, "POST", fmt.Sprintf("/api/v1/goal-sets/%d/targets", id), tok, fmt.Sprintf(`{"indicator":"work_coverage","org_id":%d,"target":10}`, f.ms.ID)); st != 403 {
		t.Errorf("the street changing the city's target: %d, want 403", st)
	}
}
