package server

import (
	"fmt"
	"strings"
	"testing"
)

// qianqi answers the four 满意 indicators of 千企议科长 with sat and gives
// overall points.
func qianqi(sat, overall float64) map[string]float64 {
	return map[string]float64{"attitude": sat, "efficiency": sat, "lawful": sat, "clean": sat, "overall": overall}
}

// TestEvalAPIQianQiCampaign runs a 千企议科长 of three section chiefs through
// the API. The four 满意 indicators weigh 0.8 together, 总体评价 0.2; five
// enterprises (0.5) and five project owners (0.3) rate; three people served
// (0.2) are fewer than k = 5, so their group is hidden and the others are
// renormalised over 0.8:
//
//	张三: enterprises 0.8×100 + 0.2×90 = 98, owners 0.8×100 + 0.2×80 = 96
//	      → (0.5×98 + 0.3×96) / 0.8 = 97.25, earns 好; with three subjects the
//	      10 % cap leaves no place for 好, so the grade is 较好 (capped).
//	李四: both groups 0.8×60 + 0.2×70 = 62 → 62.00, 一般.
//	王五: enterprises 0.8×0 + 0.2×40 = 8, owners 0.8×60 + 0.2×60 = 60
//	      → (0.5×8 + 0.3×60) / 0.8 = 27.50, 差; satisfaction 20 of 40
//	      answers = 50 % (no veto: the threshold is below 50 %),
//	      dissatisfaction 50 %.
func TestEvalAPIQianQiCampaign(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	town, _ := f.evalTown(t, admin, 1)
	st, c := f.call(t, "POST", "/api/v1/campaigns", admin, campaignBody(town, "2026年千企议科长", `,"template":"qianqi"`))
	if st != 201 || c["type"] != "qianqi" {
		t.Fatalf("create: %d %v", st, c)
	}
	id := int64(c["id"].(float64))
	st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), admin, `{"subjects":[
		{"kind":"person","name":"张三","post":"科长","unit":"兴宁区住房和城乡建设局","section":"建筑管理科","report_text":"一年来，本科室……"},
		{"kind":"person","name":"李四","post":"科长","unit":"兴宁区住房和城乡建设局","section":"市场科"},
		{"kind":"person","name":"王五","post":"科长","unit":"兴宁区市场监督管理局","section":"注册科"}]}`)
	if st != 201 {
		t.Fatalf("subjects: %d %v", st, out)
	}
	keys := map[string]string{}
	for _, it := range out["items"].([]any) {
		it := it.(map[string]any)
		keys[it["name"].(string)] = it["key"].(string)
	}
	zhang, li, wang := keys["张三"], keys["李四"], keys["王五"]
	codes := map[string][]string{}
	for g, n := range map[string]int{"enterprise": 6, "owner": 5, "served": 3} {
		st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/tokens", id), admin, fmt.Sprintf(`{"group":%q,"count":%d}`, g, n))
		if st != 201 || len(out["codes"].([]any)) != n {
			t.Fatalf("tokens %s: %d %v", g, st, out)
		}
		for _, c := range out["codes"].([]any) {
			codes[g] = append(codes[g], c.(string))
		}
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/open", id), admin, ""); st != 200 || out["status"] != "open" {
		t.Fatalf("open: %d %v", st, out)
	}

	cast := func(code string, scores map[string]map[string]float64) {
		t.Helper()
		if st, out := f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(code, scores, "")); st != 201 || len(out["tracker"].(string)) != 11 {
			t.Fatalf("cast: %d %v", st, out)
		}
	}
	for i := range 5 {
		cast(codes["enterprise"][i], map[string]map[string]float64{zhang: qianqi(100, 90), li: qianqi(60, 70), wang: qianqi(0, 40)})
		cast(codes["owner"][i], map[string]map[string]float64{zhang: qianqi(100, 80), li: qianqi(60, 70), wang: qianqi(60, 60)})
	}
	for i := range 3 {
		cast(codes["served"][i], map[string]map[string]float64{zhang: qianqi(0, 0)})
	}
	// A code cast twice is refused and changes nothing.
	if st, out := f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(codes["owner"][0], map[string]map[string]float64{li: qianqi(0, 0)}, "")); st != 409 ||
		errMsg(out) != "该测评码已经使用过，每张测评票只能提交一次" {
		t.Fatalf("second cast: %d %v", st, out)
	}

	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/close", id), admin, ""); st != 200 || out["status"] != "closed" {
		t.Fatalf("close: %d %v", st, out)
	}
	st, bul := f.call(t, "GET", fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin", id), "", "")
	if st != 200 || len(bul["trackers"].([]any)) != 10 {
		t.Fatalf("bulletin: %d %v", st, bul)
	}
	for _, g := range bul["groups"].([]any) {
		g := g.(map[string]any)
		switch g["group"] {
		case "enterprise":
			if g["issued"] != 6.0 || g["used"] != 5.0 || g["counted"] != 5.0 {
				t.Errorf("bulletin enterprises: %v", g)
			}
		case "owner":
			if g["issued"] != 5.0 || g["used"] != 5.0 || g["counted"] != 5.0 {
				t.Errorf("bulletin owners: %v", g)
			}
		case "served":
			if g["fewer_than_k"] != true || g["issued"] != nil || g["used"] != nil || g["counted"] != nil {
				t.Errorf("bulletin people served (3 < k): %v", g)
			}
		}
	}

	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/publish", id), admin, ""); st != 200 || out["status"] != "published" {
		t.Fatalf("publish: %d %v", st, out)
	}
	st, res := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/results", id), admin, "")
	if st != 200 {
		t.Fatalf("results: %d %v", st, res)
	}
	got := map[string]map[string]any{}
	var order []string
	for _, s := range res["subjects"].([]any) {
		s := s.(map[string]any)
		got[s["subject"].(string)] = s
		order = append(order, s["subject"].(string))
	}
	if strings.Join(order, ",") != strings.Join([]string{zhang, li, wang}, ",") {
		t.Errorf("order %v, want 张三, 李四, 王五", order)
	}
	type want struct {
		total             float64
		score, grade      string
		rank              float64
		capped            bool
		sat, dissat       float64
		enterprise, owner float64
	}
	for name, w := range map[string]want{
		"张三": {97.25, "好", "较好", 1, true, 100, 0, 98, 96},
		"李四": {62, "一般", "一般", 2, false, 100, 0, 62, 62},
		"王五": {27.5, "差", "差", 3, false, 50, 50, 8, 60},
	} {
		r := got[keys[name]]
		groups, _ := r["groups"].(map[string]any)
		score := func(g string) any {
			if m, ok := groups[g].(map[string]any); ok {
				return m["score"]
			}
			return nil
		}
		capped, _ := r["capped"].(bool)
		if r["total"] != w.total || r["score_grade"] != w.score || r["grade"] != w.grade || r["rank"] != w.rank || capped != w.capped ||
			r["masses_satisfaction"] != w.sat || r["dissatisfaction"] != w.dissat || score("enterprise") != w.enterprise || score("owner") != w.owner {
			t.Errorf("%s: %v, want %+v", name, r, w)
		}
		// The people served are fewer than k: no figure of theirs anywhere.
		n, _ := r["n"].(map[string]any)
		if groups["served"] != nil || n["served"] != nil || r["shown"].(map[string]any)["served"] != false {
			t.Errorf("%s: the hidden group shows: %v", name, r)
		}
	}
	st, flags := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/flags", id), admin, "")
	items, _ := flags["items"].([]any)
	if st != 200 || len(items) != 1 || items[0].(map[string]any)["name"] != "王五" || items[0].(map[string]any)["section"] != "注册科" {
		t.Errorf("flags: %d %v", st, flags)
	}
}
