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
