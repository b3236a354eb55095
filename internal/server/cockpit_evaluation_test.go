package server

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// ckOrg is the organization of the division code in the fixture's tree.
func (f *fixture) ckOrg(t *testing.T, code string) org.Org {
	t.Helper()
	l, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
	if err != nil || len(l) != 1 {
		t.Fatalf("org %s: %v %d", code, err, len(l))
	}
	return l[0]
}

// ckKids are the first n children of o.
func (f *fixture) ckKids(t *testing.T, o org.Org, n int) []org.Org {
	t.Helper()
	l, _, err := f.orgs.List(context.Background(), testrig.Admin, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: n})
	if err != nil || len(l) != n {
		t.Fatalf("children of %s: %v %d", o.Name, err, len(l))
	}
	return l
}

// ckPanel is the text of the key figures of the cockpit's card titled
// title, "" when the page has no such card.
func ckPanel(body, title string) string {
	m := regexp.MustCompile(`(?s)<section class="card panel"[^>]*><h2>` + title + ` .*?<div class="kpis">(.*?)</div>\s*(?:<div class="grid-2">|</section>)`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return text(m[1])
}

// ckBars are the bars of the chart whose data has the id on the page, as
// "name=value → href".
func ckBars(t *testing.T, page, id string) []string {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="` + id + `">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		return nil
	}
	var c struct {
		Items []struct {
			Name  string  `json:"name"`
			Value float64 `json:"value"`
			Href  string  `json:"href"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(m[1]), &c); err != nil {
		t.Fatalf("chart %s: %v", id, err)
	}
	var out []string
	for _, it := range c.Items {
		out = append(out, fmt.Sprintf("%s=%g → %s", it.Name, it.Value, it.Href))
	}
	return out
}

// ckPublish runs a 述职评议 of year owned by owner through five ballots
// per rater group, answered by answer (group, subject index), and
// publishes its results.
func (f *fixture) ckPublish(t *testing.T, owner org.Org, year int, subjects []org.Org, answer func(group string, i int) map[string]float64) {
	t.Helper()
	ctx := context.Background()
	ev, admin := f.eval, testrig.Admin
	now := time.Now()
	c, err := ev.CreateCampaign(ctx, admin, evaluation.CampaignInput{OwnerOrgID: owner.ID, Name: fmt.Sprintf("%d年度村（社区）党组织书记述职评议", year),
		Type: evaluation.TypeReview, Year: year, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	var in []evaluation.SubjectInput
	for _, o := range subjects {
		in = append(in, evaluation.SubjectInput{Kind: evaluation.SubjectOrg, OrgID: o.ID})
	}
	subs, err := ev.AddSubjects(ctx, admin, c.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string][]string{}
	for _, g := range []string{"superior", "members", "masses"} {
		if codes[g], err = ev.IssueTokens(ctx, admin, c.ID, g, 5); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ev.Open(ctx, admin, c.ID); err != nil {
		t.Fatal(err)
	}
	for g, cs := range codes {
		for _, code := range cs {
			scores := map[string]map[string]float64{}
			for i, sb := range subs {
				scores[sb.Key] = answer(g, i)
			}
			if _, err := ev.CastBallot(ctx, code, scores, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := ev.Close(ctx, admin, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Publish(ctx, admin, c.ID); err != nil {
		t.Fatal(err)
	}
}

// TestCockpitEvaluation: the evaluation card of 兴宁区 as its organization
// department sees it. This year's 述职评议, owned by the district, rated two
// communities of 民生街道 — 好 (100), and 好 by its total but vetoed by the
// masses' 不满意, so 差 — and a village of 三塘镇, 较好 (88); last year's
// rated another village of 三塘镇, 好. The card, its drill-down, the year
// switch, the workbook and the API give those counts; a case handler gets
// neither card nor key.
func TestCockpitEvaluation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	county, ms, st := f.ckOrg(t, "450102"), f.ckOrg(t, "450102001"), f.ckOrg(t, "450102101")
	comms, vills := f.ckKids(t, ms, 2), f.ckKids(t, st, 2)
	this := time.Now().In(org.Shanghai).Year()
	f.ckPublish(t, county, this, []org.Org{comms[0], comms[1], vills[0]}, func(g string, i int) map[string]float64 {
		switch {
		case i == 0:
			return village(100, 100)
		case i == 1 && g == "masses":
			return village(100, 0)
		case i == 1:
			return village(100, 100)
		}
		return village(85, 100)
	})
	f.ckPublish(t, county, this-1, []org.Org{vills[1]}, func(string, int) map[string]float64 { return village(100, 100) })

	b := f.browser(t, "county_admin")
	page := b.get(t, "/")
	if got, want := ckPanel(page, "评议考核"), fmt.Sprintf("1 已发布结果的测评 %d年度 3 参评对象 定等次 3 · 未定等次 0 1 评为“好” 占定等次的 33.3%% 1 评为“差”或被否决 一票否决 1 · 其中党组织 1 个", this); got != want {
		t.Errorf("card %q, want %q", got, want)
	}
	if !strings.Contains(page, fmt.Sprintf(`<h2>评议考核 <a class="more" href="/evaluation?year=%d&amp;status=published">`, this)) {
		t.Errorf("the card's title does not lead to the year's published campaigns")
	}
	for id, want := range map[string][]string{
		"eva-grades":        {"好=1 → ", "较好=1 → ", "一般=0 → ", "差=1 → "},
		"eva-child-flagged": {fmt.Sprintf("%s=1 → /?org=%d", ms.Label(), ms.ID), fmt.Sprintf("%s=0 → /?org=%d", st.Label(), st.ID)},
		"eva-child-rated":   {fmt.Sprintf("%s=2 → /?org=%d", ms.Label(), ms.ID), fmt.Sprintf("%s=1 → /?org=%d", st.Label(), st.ID)},
	} {
		if got := ckBars(t, page, id); !slices.Equal(got, want) {
			t.Errorf("%s %q, want %q", id, got, want)
		}
	}

	// Last year: its campaign alone, the drill-down keeping the year.
	past := b.get(t, fmt.Sprintf("/?org=%d&year=%d", county.ID, this-1))
	if got, want := ckPanel(past, "评议考核"), fmt.Sprintf("1 已发布结果的测评 %d年度 1 参评对象 定等次 1 · 未定等次 0 1 评为“好” 占定等次的 100.0%% 0 评为“差”或被否决 一票否决 0 · 其中党组织 0 个", this-1); got != want {
		t.Errorf("card of %d %q, want %q", this-1, got, want)
	}
	if got, want := ckBars(t, past, "eva-child-flagged"), []string{fmt.Sprintf("%s=0 → /?org=%d&year=%d", st.Label(), st.ID, this-1)}; !slices.Equal(got, want) {
		t.Errorf("%d by child %q, want %q", this-1, got, want)
	}
	// Two years back there is nothing, nor the year before: no pointer.
	// The year after a year with results points to it.
	older := b.get(t, fmt.Sprintf("/?org=%d&year=%d", county.ID, this-2))
	if got, want := ckPanel(older, "评议考核"), fmt.Sprintf("0 已发布结果的测评 %d年度 0 参评对象 定等次 0 · 未定等次 0 0 评为“好” 0 评为“差”或被否决 一票否决 0 · 其中党组织 0 个", this-2); got != want {
		t.Errorf("card of %d %q, want %q", this-2, got, want)
	}
	if strings.Contains(older, `id="eva-grades"`) {
		t.Errorf("the empty year's card draws charts")
	}
	// The village rated last year only: this year's card points to last
	// year's.
	vpage := b.get(t, fmt.Sprintf("/?org=%d", vills[1].ID))
	if got, want := ckPanel(vpage, "评议考核"), fmt.Sprintf("0 已发布结果的测评 %d年度尚无，%d年度有 1 项 0 参评对象 定等次 0 · 未定等次 0 0 评为“好” 0 评为“差”或被否决 一票否决 0 · 其中党组织 0 个", this, this-1); got != want {
		t.Errorf("the village's card %q, want %q", got, want)
	}
	if !strings.Contains(vpage, fmt.Sprintf(`<a class="kpi" href="/?org=%d&amp;year=%d">`, vills[1].ID, this-1)) {
		t.Errorf("the village's card does not lead to last year's")
	}

	// The workbook holds the card's figures and bars.
	var rows [][]string
	for _, s := range b.workbook(t, fmt.Sprintf("/cockpit.xlsx?org=%d", county.ID)) {
		if s.name == "评议考核" {
			rows = s.rows
		}
	}
	for _, want := range []string{"参评对象|3|||定等次 3 · 未定等次 0", "评为“好”|1|||占定等次的 33.3%", "【等次分布】", "差|1||个",
		"【按下级组织：评为“差”或被否决】", ms.Label() + "|1||个", "【按下级组织：参评对象】", ms.Label() + "|2||个"} {
		if !slices.ContainsFunc(rows, func(r []string) bool { return strings.Join(r, "|") == want }) {
			t.Errorf("the workbook's sheet lacks %q: %q", want, rows)
		}
	}

	// The API: this year's figures, each child's among them.
	stc, out := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", county.ID), f.token(t, "county_admin"), "")
	ev, _ := out["evaluation"].(map[string]any)
	if stc != 200 || ev == nil {
		t.Fatalf("stats: %d %v", stc, out)
	}
	for k, want := range map[string]float64{"year": float64(this), "campaigns": 1, "rated": 3, "graded": 3, "ungraded": 0, "top": 1, "flagged": 1, "vetoed": 1, "flagged_orgs": 1} {
		if ev[k] != want {
			t.Errorf("evaluation.%s = %v, want %v", k, ev[k], want)
		}
	}
	if got := fmt.Sprint(ev["grades"]); got != "[map[grade:好 subjects:1] map[grade:较好 subjects:1] map[grade:一般 subjects:0] map[grade:差 subjects:1]]" {
		t.Errorf("evaluation.grades %s", got)
	}
	kids, _ := ev["children"].([]any)
	if len(kids) < 2 || fmt.Sprint(kids[0]) != fmt.Sprintf("map[flagged:1 graded:2 name:%s org_id:%d rated:2 top:1 vetoed:1]", ms.Label(), ms.ID) ||
		fmt.Sprint(kids[1]) != fmt.Sprintf("map[flagged:0 graded:1 name:%s org_id:%d rated:1 top:0 vetoed:0]", st.Label(), st.ID) {
		t.Errorf("evaluation.children %v", kids)
	}

	// A case handler of 民生街道 has no evaluation.read: no card, no key.
	if body := f.browser(t, "handler").get(t, "/"); ckPanel(body, "评议考核") != "" || strings.Contains(body, `id="eva-grades"`) {
		t.Errorf("a case handler sees the evaluation card")
	}
	stc, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", ms.ID), f.token(t, "handler"), "")
	if _, has := out["evaluation"]; stc != 200 || has {
		t.Errorf("a case handler's stats: %d %v", stc, out)
	}
}
