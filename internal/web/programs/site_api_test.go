package programs_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// TestSitesAPI runs a site through the API, every answer checked against
// the OpenAPI document: nominated with a photo in base64 within the
// county's quota (a fourth nomination refused with the quota in the
// message), cultivated, refused at acceptance without evidence, accepted,
// designated, leading a community; the file, the list, the spread, the
// tree and the quotas. Bad input answers its status and message and
// changes nothing.
func TestSitesAPI(t *testing.T) {
	t.Parallel()
	s := newCtSite(t)
	tok, city, sec := s.ctToken(t, "county_admin"), s.ctToken(t, "admin"), s.ctToken(t, "secretary")
	pg := app.Service[*programs.Service](s.a)
	year := pg.Today().Year()
	today := pg.Today().Format("2006-01-02")
	photo := base64.StdEncoding.EncodeToString(venueImage(t))
	street := *s.community.ParentID
	materials := "以“党建+网格”为抓手，建成党群服务中心，计划一年内形成可复制的基层治理经验。"

	before := siteDump(t, s.d)
	for _, tc := range []struct {
		name, method, path, token, body string
		status                          int
		field, want                     string
	}{
		{"an unknown field", "POST", "/api/v1/sites", tok, `{"org":1}`, 400, "", ""},
		{"a secretary nominates", "POST", "/api/v1/sites", sec, fmt.Sprintf(`{"org_id":%d,"year":%d,"materials":%q}`, s.community.ID, year, materials), 403, "", "您没有推荐示范点的权限"},
		{"short materials", "POST", "/api/v1/sites", tok, fmt.Sprintf(`{"org_id":%d,"year":%d,"materials":"示范"}`, s.community.ID, year), 400, "materials", "推荐材料（创建基础、特色做法和培育计划）请用 20–2000 字填写，现有 2 字"},
		{"a file that is not a photo", "POST", "/api/v1/sites", tok, fmt.Sprintf(`{"org_id":%d,"year":%d,"materials":%q,"attachments":[{"name":"a.png","data":"bm90IGEgcGhvdG8="}]}`, s.community.ID, year, materials), 400, "attachments", ""},
		{"the county sets its quota", "PUT", "/api/v1/site-quotas", tok, fmt.Sprintf(`{"org_id":%d,"year":%d,"min":2,"max":5}`, s.county.ID, year), 403, "", "您没有设置" + s.county.Label() + "示范点名额的权限：由南宁市委设置"},
		{"a quota of a street", "PUT", "/api/v1/site-quotas", city, fmt.Sprintf(`{"org_id":%d,"year":%d,"min":2,"max":5}`, street, year), 400, "org_id", ""},
	} {
		st, out := s.ctCall(t, tc.method, tc.path, tc.token, tc.body)
		if st != tc.status || tc.want != "" && ctErrMessage(out, tc.field) != tc.want || tc.field != "" && ctErrMessage(out, tc.field) == "" {
			t.Errorf("%s: %d %v", tc.name, st, out)
		}
	}
	if after := siteDump(t, s.d); after != before {
		t.Fatalf("refused requests changed the tables:\n%s\n%s", before, after)
	}

	st, out := s.ctCall(t, "POST", "/api/v1/sites", tok, fmt.Sprintf(`{"org_id":%d,"year":%d,"materials":%q,"attachments":[{"name":"方案.png","data":%q}]}`, s.community.ID, year, materials, photo))
	if st != 201 || out["state"] != "nominated" || out["nominator_name"] != s.county.Label() || out["accepting_org"] != "南宁市委" {
		t.Fatalf("nominate: %d %v", st, out)
	}
	id := int64(out["id"].(float64))
	fid := int64(out["steps"].([]any)[0].(map[string]any)["files"].([]any)[0].(map[string]any)["id"].(float64))
	// Two more communities of the street fill the quota; a fourth is refused.
	kids, _, err := s.a.Core().Orgs.List(t.Context(), testrig.Admin, org.ListQuery{Under: street, ChildrenOnly: true, Limit: 10, Sort: "code"})
	if err != nil || len(kids) < 4 {
		t.Fatalf("the street's communities: %v", err)
	}
	var names []string
	for _, k := range kids {
		if k.ID == s.community.ID || len(names) == 2 {
			continue
		}
		if st, out := s.ctCall(t, "POST", "/api/v1/sites", tok, fmt.Sprintf(`{"org_id":%d,"year":%d,"materials":%q}`, k.ID, year, materials)); st != 201 {
			t.Fatalf("nominate %s: %d %v", k.Label(), st, out)
		}
		names = append(names, k.Label())
	}
	before = siteDump(t, s.d)
	var fourth int64
	for _, k := range kids {
		if k.ID != s.community.ID && k.Label() != names[0] && k.Label() != names[1] {
			fourth = k.ID
		}
	}
	st, out = s.ctCall(t, "POST", "/api/v1/sites", tok, fmt.Sprintf(`{"org_id":%d,"year":%d,"materials":%q}`, fourth, year, materials))
	if want := fmt.Sprintf("%s %d 年示范点推荐名额为 2–3 个，已推荐 3 个（%s、%s、%s），不能再推荐", s.county.Label(), year, s.community.Label(), names[0], names[1]); st != 409 || ctErrMessage(out, "") != want {
		t.Errorf("over the quota: %d %v, want %s", st, out, want)
	}
	if after := siteDump(t, s.d); after != before {
		t.Fatalf("a nomination over the quota changed the tables:\n%s\n%s", before, after)
	}

	steps := []struct {
		name, path, token, body string
		status                  int
		field, want, state      string
	}{
		{"accept before cultivation", "accept", city, `{"decision":"pass","conclusion":"阵地规范、制度落实，同意通过验收。","on_date":"` + today + `","attachments":[{"name":"验收.png","data":"` + photo + `"}]}`,
			409, "", "该示范点当前状态为“已推荐，待培育”，尚无培育记录，不能验收：请先由" + s.county.Label() + "登记培育情况", ""},
		{"cultivate", "cultivate", tok, `{"on_date":"` + today + `","text":"召开创建推进会，明确任务清单。"}`, 200, "", "", "cultivating"},
		{"the county accepts", "accept", tok, `{"decision":"pass","conclusion":"阵地规范、制度落实，同意通过验收。","on_date":"` + today + `"}`, 403, "", "您没有办理此事项的权限：应由南宁市委办理", ""},
		{"acceptance without evidence", "accept", city, `{"decision":"pass","conclusion":"阵地规范、制度落实，同意通过验收。","on_date":"` + today + `"}`, 400, "attachments", "验收通过须上传至少一份验收材料（验收报告、现场照片或会议记录）", ""},
		{"accept", "accept", city, `{"decision":"pass","conclusion":"阵地规范、制度落实，同意通过验收。","on_date":"` + today + `","attachments":[{"name":"验收.png","data":"` + photo + `"}]}`, 200, "", "", "accepted"},
		{"designate", "designate", city, fmt.Sprintf(`{"year":%d,"on_date":%q}`, year, today), 200, "", "", "designated"},
		{"lead the site itself", "led", tok, fmt.Sprintf(`{"org_id":%d,"year":%d}`, s.community.ID, year), 400, "org_id", "示范点本身不计入带动的党组织：请选择它带动的其他党组织", ""},
		{"lead", "led", tok, fmt.Sprintf(`{"org_id":%d,"year":%d,"note":"结对共建"}`, fourth, year), 200, "", "", "designated"},
		{"recheck in the year named", "recheck", city, fmt.Sprintf(`{"year":%d,"result":"kept","reason":"保持良好","on_date":%q}`, year, today), 400, "year",
			fmt.Sprintf("该示范点命名为 %d 年度，%d 年起才能复核", year, year+1), ""},
	}
	for _, tc := range steps {
		before := siteDump(t, s.d)
		st, out := s.ctCall(t, "POST", fmt.Sprintf("/api/v1/sites/%d/%s", id, tc.path), tc.token, tc.body)
		if st != tc.status || tc.want != "" && ctErrMessage(out, tc.field) != tc.want || tc.state != "" && out["state"] != tc.state {
			t.Fatalf("%s: %d %v", tc.name, st, out)
		}
		if tc.status != 200 && siteDump(t, s.d) != before {
			t.Fatalf("%s changed the tables", tc.name)
		}
	}
	st, out = s.ctCall(t, "GET", fmt.Sprintf("/api/v1/sites/%d", id), sec, "")
	if st != 200 || out["led"] != float64(1) || len(out["led_orgs"].([]any)) != 1 || len(out["steps"].([]any)) != 4 {
		t.Errorf("get: %d %v", st, out)
	}
	if st, out = s.ctCall(t, "GET", fmt.Sprintf("/api/v1/sites/%d/files/%d", id, fid), sec, ""); st != 200 || out["type"] != "image/png" || strings.Contains(out["bytes"].(string), "GPS 22.8170N") {
		t.Errorf("file: %d %v", st, out["type"])
	}
	if st, out = s.ctCall(t, "GET", "/api/v1/sites?state=live&sort=-state&limit=2", tok, ""); st != 200 || out["total"] != float64(3) || out["next_cursor"] == "" ||
		out["items"].([]any)[0].(map[string]any)["id"] != float64(id) || fmt.Sprint(out["states"]) != "map[designated:1 nominated:2]" {
		t.Errorf("list: %d %v", st, out)
	}
	st, out = s.ctCall(t, "GET", fmt.Sprintf("/api/v1/sites/spread?from=%d&to=%d", year-1, year), city, "")
	if total := out["total"].([]any); st != 200 || len(total) != 2 || fmt.Sprint(total[1]) != fmt.Sprintf("map[cultivating:2 led:1 new_led:1 nominated:3 sites:1 year:%d]", year) {
		t.Errorf("spread: %d %v", st, out["total"])
	}
	st, out = s.ctCall(t, "GET", fmt.Sprintf("/api/v1/sites/tree?org_id=%d", s.county.ID), tok, "")
	if nodes, _ := out["nodes"].([]any); st != 200 || len(nodes) != 6 || nodes[0].(map[string]any)["org_name"] != s.county.Label() {
		t.Errorf("tree: %d %v", st, out)
	}
	st, out = s.ctCall(t, "PUT", "/api/v1/site-quotas", city, fmt.Sprintf(`{"org_id":%d,"year":%d,"min":2,"max":4}`, s.county.ID, year))
	if st != 200 || out["max"] != float64(4) || out["nominated"] != float64(3) || out["status"] != "within" {
		t.Errorf("set the quota: %d %v", st, out)
	}
	st, out = s.ctCall(t, "GET", "/api/v1/site-quotas", tok, "")
	if items, _ := out["items"].([]any); st != 200 || len(items) != 1 || items[0].(map[string]any)["max"] != float64(4) || items[0].(map[string]any)["set"] != true {
		t.Errorf("quotas: %d %v", st, out)
	}
}
