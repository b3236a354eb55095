package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestEvalCommentsAPI reads the voters' comments (意见建议) over the API
// under the rules of the results page, and tries what a reader should not
// get: the comments before the close (two readings a batch apart would
// give that batch's), the comments of a group of two (as good as signed),
// the comments of a campaign outside one's scope, and the order of casting.
func TestEvalCommentsAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	id, subs, codes := f.newCampaign(t, admin, "village_secretary", 1, map[string]int{"superior": 5, "members": 2, "masses": 6})
	cast := func(code, comment string) {
		t.Helper()
		if st, out := f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(code, map[string]map[string]float64{subs[0]: village(85, 100)}, comment)); st != 201 {
			t.Fatalf("cast: %d %v", st, out)
		}
	}
	for i, c := range codes["superior"] {
		cast(c, map[bool]string{true: "多到村里走走"}[i == 0])
	}
	for _, c := range codes["members"] {
		cast(c, "组织生活会走过场")
	}
	masses := []string{"道路要修", "村务公开要更及时", "路灯坏了", "垃圾清运不及时", "办事方便多了"}
	for i, c := range codes["masses"] {
		if i < len(masses) {
			cast(c, masses[i])
		} else {
			cast(c, "")
		}
	}
	path := fmt.Sprintf("/api/v1/campaigns/%d/comments", id)

	// Before the close: a conflict with the reason and nothing else.
	st, body := rawCall(t, "GET", f.srv.URL+path, admin)
	if want := `{"error":{"code":"conflict","message":"测评结束前不显示意见建议"}}`; st != 409 || strings.TrimSpace(body) != want {
		t.Errorf("before the close: %d %s, want 409 %s", st, body, want)
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/close", id), admin, ""); st != 200 {
		t.Fatalf("close: %d %v", st, out)
	}

	// After the close: every group in the order of the rules; the members'
	// two ballots are counted, their comments neither shown nor counted.
	st, body = rawCall(t, "GET", f.srv.URL+path, admin)
	var got struct {
		Items []struct {
			Group    string   `json:"group"`
			Ballots  int      `json:"ballots"`
			Shown    bool     `json:"shown"`
			Comments []string `json:"comments"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &got); st != 200 || err != nil {
		t.Fatalf("after the close: %d %v %s", st, err, body)
	}
	var lines []string
	for _, g := range got.Items {
		c := slices.Clone(g.Comments)
		slices.Sort(c)
		lines = append(lines, fmt.Sprintf("%s %d %v %s", g.Group, g.Ballots, g.Shown, strings.Join(c, "、")))
	}
	want := []string{"superior 5 true 多到村里走走", "members 0 false ", "masses 6 true 办事方便多了、垃圾清运不及时、村务公开要更及时、路灯坏了、道路要修"}
	if !slices.Equal(lines, want) {
		t.Errorf("comments:\n%q\nwant\n%q", lines, want)
	}
	if strings.Contains(body, "组织生活会走过场") || !strings.Contains(body, `"comments":[]`) {
		t.Errorf("the group below k leaks its comments or has no empty list: %s", body)
	}

	// Shuffled afresh on every read: twenty readings of the masses' five
	// comments do not all come in one order (1 in 120^19 if shuffled), and
	// never in the order of casting every time.
	orders := map[string]bool{}
	for range 20 {
		_, b := rawCall(t, "GET", f.srv.URL+path, admin)
		if err := json.Unmarshal([]byte(b), &got); err != nil || len(got.Items) != 3 {
			t.Fatalf("reread: %v %s", err, b)
		}
		orders[strings.Join(got.Items[2].Comments, "|")] = true
	}
	if len(orders) < 2 {
		t.Errorf("twenty readings gave the masses' comments in %d order(s): %v", len(orders), orders)
	}

	// Readers outside the campaign's scope: the secretary of a community
	// under the owning street and the street's case handler (no evaluation
	// role) are told the campaign is not there, as for its results.
	notFound := fmt.Sprintf("测评 %d 不存在或不在您的管理范围内", id)
	for _, user := range []string{"secretary", "handler"} {
		if st, out := f.call(t, "GET", path, f.token(t, user), ""); st != 404 || errMsg(out) != notFound {
			t.Errorf("%s: %d %v, want 404 %s", user, st, out, notFound)
		}
	}
	if st, _ := f.call(t, "GET", path, "", ""); st != 401 {
		t.Errorf("without a token: %d, want 401", st)
	}
}
