package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"jiceng/internal/evaluation"
)

// evalTown returns 民生街道 and its first n communities.
func (f *fixture) evalTown(t *testing.T, admin string, n int) (int64, []int64) {
	t.Helper()
	st, list := f.call(t, "GET", "/api/v1/orgs?region_code=450102001", admin, "")
	if st != 200 {
		t.Fatalf("town: %d %v", st, list)
	}
	town := int64(list["items"].([]any)[0].(map[string]any)["id"].(float64))
	st, kids := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/children", town), admin, "")
	items, _ := kids["items"].([]any)
	if st != 200 || len(items) < n {
		t.Fatalf("children: %d %v", st, kids)
	}
	var ids []int64
	for _, it := range items[:n] {
		ids = append(ids, int64(it.(map[string]any)["id"].(float64)))
	}
	return town, ids
}

// campaignBody is a campaign open from an hour ago to tomorrow.
func campaignBody(owner int64, name, extra string) string {
	now := time.Now().UTC()
	return fmt.Sprintf(`{"owner_org_id":%d,"name":%q,"year":2026,"opens_at":%q,"closes_at":%q%s}`,
		owner, name, now.Add(-time.Hour).Format(time.RFC3339), now.Add(24*time.Hour).Format(time.RFC3339), extra)
}

// newCampaign creates a campaign from a template with org subjects, issues
// codes per group, opens it and returns its id, subject keys and codes.
func (f *fixture) newCampaign(t *testing.T, admin, template string, subjects int, codes map[string]int) (int64, []string, map[string][]string) {
	t.Helper()
	town, villages := f.evalTown(t, admin, subjects)
	st, c := f.call(t, "POST", "/api/v1/campaigns", admin, campaignBody(town, "2026年度村（社区）党组织书记抓基层党建述职评议", `,"template":"`+template+`"`))
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	id := int64(c["id"].(float64))
	var subs []string
	for _, v := range villages {
		subs = append(subs, fmt.Sprintf(`{"kind":"org","org_id":%d}`, v))
	}
	st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), admin, `{"subjects":[`+strings.Join(subs, ",")+`]}`)
	if st != 201 {
		t.Fatalf("subjects: %d %v", st, out)
	}
	var keys []string
	for _, it := range out["items"].([]any) {
		keys = append(keys, it.(map[string]any)["key"].(string))
	}
	all := map[string][]string{}
	for g, n := range codes {
		st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/tokens", id), admin, fmt.Sprintf(`{"group":%q,"count":%d}`, g, n))
		if st != 201 {
			t.Fatalf("tokens %s: %d %v", g, st, out)
		}
		for _, c := range out["codes"].([]any) {
			all[g] = append(all[g], c.(string))
		}
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/open", id), admin, ""); st != 200 || out["status"] != "open" {
		t.Fatalf("open: %d %v", st, out)
	}
	return id, keys, all
}

func ballotJSON(code string, scores map[string]map[string]float64, comment string) string {
	b, _ := json.Marshal(map[string]any{"token": code, "scores": scores, "comment": comment})
	return string(b)
}

// village answers every leaf of the village template with one level of
// 好/较好/一般/差 and one of 满意/基本满意/不满意.
func village(good, sat float64) map[string]float64 {
	return map[string]float64{"duty": good, "team": good, "life": good, "education": good, "service": good, "integrity": good, "satisfaction": sat}
}

// TestEvalAPIVillageCampaign runs a 述职评议 through the API, with results
// counted by hand:
//
//	subject A: every group 较好 (85) and 满意 (100): each group 0.8×85 + 0.2×100 = 88
//	           → total 88.00, 较好, masses satisfaction 100 %.
//	subject B: every group 好 (100); superiors and members 满意, the masses 不满意:
//	           superiors and members 100, the masses 0.8×100 + 0 = 80
//	           → total 0.3×100 + 0.3×100 + 0.4×80 = 92.00, which earns 好, but the
//	           masses' satisfaction is 0 % < 50 %, so the veto makes it 差.
func TestEvalAPIVillageCampaign(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	id, subs, codes := f.newCampaign(t, admin, "village_secretary", 2, map[string]int{"superior": 6, "members": 6, "masses": 7})
	a, b := subs[0], subs[1]

	st, c := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d", id), admin, "")
	rules, _ := c["rules"].(map[string]any)
	if st != 200 || c["type"] != "review" || rules["village_template"] != true || len(rules["groups"].([]any)) != 3 {
		t.Fatalf("campaign: %d %v", st, c)
	}
	st, list := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns?org_id=%d&year=2026&status=open", f.root), admin, "")
	if st != 200 || list["total"].(float64) != 1 {
		t.Fatalf("list: %d %v", st, list)
	}

	var trackers []string
	cast := func(code string, scores map[string]map[string]float64) {
		t.Helper()
		st, out := f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(code, scores, "希望多开展入户走访"))
		if st != 201 {
			t.Fatalf("cast: %d %v", st, out)
		}
		trackers = append(trackers, out["tracker"].(string))
	}
	for i := range 5 {
		cast(codes["superior"][i], map[string]map[string]float64{a: village(85, 100), b: village(100, 100)})
		cast(codes["members"][i], map[string]map[string]float64{a: village(85, 100), b: village(100, 100)})
		cast(codes["masses"][i], map[string]map[string]float64{a: village(85, 100), b: village(100, 0)})
	}
	// A lost masses' slip is revoked: it no longer counts as issued.
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/tokens/revoke", id), admin, fmt.Sprintf(`{"code":%q}`, codes["masses"][6])); st != 204 {
		t.Fatalf("revoke: %d %v", st, out)
	}

	// While open, ballots wait in the inbox: nothing is counted, so no group is shown.
	st, bul := f.call(t, "GET", fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin", id), "", "")
	if st != 200 || len(bul["trackers"].([]any)) != 0 || bul["groups"].([]any)[0].(map[string]any)["fewer_than_k"] != true {
		t.Fatalf("open bulletin: %d %v", st, bul)
	}

	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/close", id), admin, ""); st != 200 || out["status"] != "closed" {
		t.Fatalf("close: %d %v", st, out)
	}
	st, bul = f.call(t, "GET", fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin", id), "", "")
	if st != 200 {
		t.Fatalf("bulletin: %d %v", st, bul)
	}
	want := map[string][3]float64{"superior": {6, 5, 5}, "members": {6, 5, 5}, "masses": {6, 5, 5}}
	for _, g := range bul["groups"].([]any) {
		g := g.(map[string]any)
		w := want[g["group"].(string)]
		if g["fewer_than_k"] != false || g["issued"] != w[0] || g["used"] != w[1] || g["counted"] != w[2] || g["used"] != g["counted"] {
			t.Errorf("bulletin group %v, want issued/used/counted %v", g, w)
		}
	}
	listed := map[string]bool{}
	for _, tr := range bul["trackers"].([]any) {
		listed[tr.(string)] = true
	}
	if len(listed) != 15 {
		t.Errorf("%d trackers on the bulletin, want 15", len(listed))
	}
	for _, tr := range trackers {
		if !listed[tr] {
			t.Errorf("tracker %s missing from the bulletin", tr)
		}
	}

	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/publish", id), admin, ""); st != 200 || out["status"] != "published" || len(out["results_sha256"].(string)) != 64 {
		t.Fatalf("publish: %d %v", st, out)
	}
	st, res := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/results", id), admin, "")
	if st != 200 {
		t.Fatalf("results: %d %v", st, res)
	}
	got := map[string]map[string]any{}
	for _, s := range res["subjects"].([]any) {
		s := s.(map[string]any)
		got[s["subject"].(string)] = s
	}
	if r := got[a]; r["total"] != 88.0 || r["grade"] != "较好" || r["masses_satisfaction"] != 100.0 || r["rank"] != 2.0 {
		t.Errorf("subject A: %v", r)
	}
	if r := got[b]; r["total"] != 92.0 || r["score_grade"] != "好" || r["grade"] != "差" || r["masses_satisfaction"] != 0.0 || r["rank"] != 1.0 ||
		fmt.Sprint(r["vetoed"]) != "[masses_satisfaction_below]" {
		t.Errorf("subject B: %v", r)
	}
	st, flags := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/flags", id), admin, "")
	items, _ := flags["items"].([]any)
	if st != 200 || len(items) != 1 || items[0].(map[string]any)["key"] != b {
		t.Errorf("flags: %d %v", st, flags)
	}
}

// TestEvalAPIBadInput checks the answers to wrong input, message by message.
func TestEvalAPIBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	invalid := evaluation.InvalidCode().ZH

	// Weights that do not sum to 1.
	town, _ := f.evalTown(t, admin, 1)
	rules := `,"type":"custom","rules":{"indicators":[{"key":"q","name":"总体评价","weight":1,"scale":{"kind":"points"}}],` +
		`"groups":[{"key":"a","name":"企业","weight":0.5},{"key":"b","name":"群众","weight":0.3}]}`
	st, out := f.call(t, "POST", "/api/v1/campaigns", admin, campaignBody(town, "权重有误的测评", rules))
	if st != 400 || errMsg(out) != "评委组权重合计为 80%，应为 100%" || out["error"].(map[string]any)["field"] != "rules.groups" {
		t.Errorf("weights: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/campaigns", admin, campaignBody(town, "模板有误", `,"template":"nope"`))
	if st != 400 || out["error"].(map[string]any)["field"] != "template" {
		t.Errorf("template: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/campaigns", admin, `{"owner_org_id":1,"name":"x","colour":"red"}`)
	if st != 400 || errMsg(out) != "未知字段 colour" {
		t.Errorf("unknown field: %d %v", st, out)
	}

	id, subs, codes := f.newCampaign(t, admin, "qianqi", 1, map[string]int{"enterprise": 6})
	s := subs[0]
	good := map[string]float64{"attitude": 100, "efficiency": 60, "lawful": 100, "clean": 100, "overall": 90}

	// Rules cannot change once the campaign has opened.
	st, out = f.call(t, "PUT", fmt.Sprintf("/api/v1/campaigns/%d/rules", id), admin, `{"indicators":[{"key":"q","name":"总体评价","weight":1,"scale":{"kind":"points"}}],"groups":[{"key":"enterprise","name":"企业","weight":1}]}`)
	if st != 409 || errMsg(out) != "测评已开始，指标、评委组、权重和阈值不能再修改" {
		t.Errorf("rules after open: %d %v", st, out)
	}

	// Unknown and malformed codes: one answer, 400.
	for _, code := range []string{"ABCDE-FGHJK-MNPQR-STVWX-YZ012", "not a code", otherCode(codes["enterprise"][0])} {
		st, out = f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(code, map[string]map[string]float64{s: good}, ""))
		if st != 400 || errMsg(out) != invalid {
			t.Errorf("code %q: %d %v", code, st, out)
		}
	}
	// A score out of range and a missing indicator.
	bad := map[string]float64{"attitude": 100, "efficiency": 60, "lawful": 100, "clean": 100, "overall": 120}
	st, out = f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(codes["enterprise"][0], map[string]map[string]float64{s: bad}, ""))
	if want := fmt.Sprintf("本测评票对“%s”的指标“总体评价”评分为 120，应在 0–100 之间", s); st != 400 || errMsg(out) != want {
		t.Errorf("out of range: %d %v, want %s", st, out, want)
	}
	missing := map[string]float64{"efficiency": 60, "lawful": 100, "clean": 100, "overall": 90}
	st, out = f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(codes["enterprise"][0], map[string]map[string]float64{s: missing}, ""))
	if want := fmt.Sprintf("本测评票对“%s”缺少指标“服务态度”的评分", s); st != 400 || errMsg(out) != want {
		t.Errorf("missing: %d %v, want %s", st, out, want)
	}
	// The refused ballots spent nothing: the code still works, once.
	st, out = f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(codes["enterprise"][0], map[string]map[string]float64{s: good}, ""))
	if st != 201 {
		t.Fatalf("cast: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(codes["enterprise"][0], map[string]map[string]float64{s: good}, ""))
	if st != 409 || errMsg(out) != "该测评码已经使用过，每张测评票只能提交一次" {
		t.Errorf("used: %d %v", st, out)
	}
	// A revoked code answers like an unknown one.
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/tokens/revoke", id), admin, fmt.Sprintf(`{"code":%q}`, codes["enterprise"][1])); st != 204 {
		t.Fatalf("revoke: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(codes["enterprise"][1], map[string]map[string]float64{s: good}, ""))
	if st != 400 || errMsg(out) != invalid {
		t.Errorf("revoked: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/tokens", id), admin, `{"group":"enterprise","count":0}`)
	if st != 400 || out["error"].(map[string]any)["field"] != "count" || errMsg(out) != "每次发放测评码的数量应为 1–5000 张，现为 0 张" {
		t.Errorf("count 0: %d %v", st, out)
	}
	// A closed campaign takes no ballots.
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/close", id), admin, ""); st != 200 {
		t.Fatalf("close: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(codes["enterprise"][2], map[string]map[string]float64{s: good}, ""))
	if st != 409 || errMsg(out) != "测评未开始或已结束" {
		t.Errorf("closed: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/open", id), admin, "")
	if st != 409 || errMsg(out) != "只有草稿状态的测评可以开始" {
		t.Errorf("reopen: %d %v", st, out)
	}
	// Outside the caller's scope a campaign does not exist.
	st, out = f.call(t, "GET", "/api/v1/campaigns/999999", admin, "")
	if st != 404 {
		t.Errorf("missing campaign: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/public/campaigns/999999/bulletin", "", "")
	if st != 404 || errMsg(out) != "测评 999999 不存在或尚未开始" {
		t.Errorf("missing bulletin: %d %v", st, out)
	}
}

// TestEvalAPIBallotRateLimit: five wrong codes from one client are answered;
// the sixth starts the back-off and is answered with the wait; a good code
// still counts at once, and the next wrong code waits again.
func TestEvalAPIBallotRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	_, subs, codes := f.newCampaign(t, admin, "qianqi", 1, map[string]int{"enterprise": 5})
	good := map[string]map[string]float64{subs[0]: {"attitude": 100, "efficiency": 60, "lawful": 100, "clean": 100, "overall": 90}}
	for i := range 5 {
		st, out := f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(fmt.Sprintf("wrong-%d", i), good, ""))
		if st != 400 {
			t.Fatalf("attempt %d: %d %v", i+1, st, out)
		}
	}
	for i, code := range []string{"wrong-6", codes["enterprise"][0], "wrong-8"} {
		i += 6
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/public/ballots", strings.NewReader(ballotJSON(code, good, "")))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if i == 7 {
			if resp.StatusCode != 201 || out["tracker"] == nil {
				t.Errorf("attempt 7, a good code: %d %v", resp.StatusCode, out)
			}
		} else if resp.StatusCode != 429 || !strings.HasPrefix(errMsg(out), "测评码输错次数过多，请 ") || !strings.HasSuffix(errMsg(out), " 秒后再试") {
			t.Errorf("attempt %d: %d %v", i, resp.StatusCode, out)
		}
		if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("attempt %d headers: %v", i, resp.Header)
		}
	}
}

// otherCode changes the first character of a code: a code that was never issued.
func otherCode(code string) string {
	if code[0] == '7' {
		return "6" + code[1:]
	}
	return "7" + code[1:]
}
