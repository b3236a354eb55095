package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

// TestEvalScoresHiddenUntilClose is the reviewer's attack on live results:
// ballots are cast into an open campaign and mixed, and the owner reads the
// results through the page, the Excel export and the API. Two such readings
// a batch apart would give that batch's answers, so before the close none
// of them holds a score — only the counts; after the close the scores are
// there, exactly.
func TestEvalScoresHiddenUntilClose(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	id, subs, codes := f.newCampaign(t, admin, "village_secretary", 2, map[string]int{"superior": 5, "members": 5, "masses": 7})
	a, b := subs[0], subs[1]
	for _, g := range []string{"superior", "members", "masses"} {
		for _, c := range codes[g][:5] {
			body := ballotJSON(c, map[string]map[string]float64{a: village(85, 100), b: village(100, 100)}, "道路要修")
			if st, out := f.call(t, "POST", "/api/v1/public/ballots", "", body); st != 201 {
				t.Fatalf("cast %s: %d %v", g, st, out)
			}
		}
	}
	if n, err := f.eval.Mix(context.Background(), id, 1, true); err != nil || n != 15 {
		t.Fatalf("mix: %d %v", n, err)
	}
	hidden := evaluation.ScoresHidden()
	wantErr := fmt.Sprintf(`{"error":{"code":"conflict","message":%q}}`, hidden.Error())

	// The API: a conflict with the message and nothing else, for the
	// results and for the flags.
	for _, path := range []string{"results", "flags"} {
		st, body := rawCall(t, "GET", f.srv.URL+fmt.Sprintf("/api/v1/campaigns/%d/%s", id, path), admin)
		if st != 409 || strings.TrimSpace(body) != wantErr {
			t.Errorf("GET %s before the close: %d %s, want 409 %s", path, st, body, wantErr)
		}
	}

	// The page: the message and the counts, not one figure more.
	br := f.browser(t, "admin")
	page := fmt.Sprintf("/evaluation/%d/results", id)
	st, _, body := br.status(t, "GET", page, nil)
	if st != 200 {
		t.Fatalf("results page: %d\n%s", st, text(body))
	}
	if !strings.Contains(body, `<p class="flash info" role="status" id="scores-hidden">测评结束前不显示任何得分，只显示计票进度</p>`) {
		t.Errorf("the page does not say why no score is shown:\n%s", text(body))
	}
	for g, want := range map[string]string{"上级党组织": "1 上级党组织 5 5 5", "党员代表": "2 党员代表 5 5 5", "群众代表": "3 群众代表 7 5 5"} {
		if got := row(t, body, g+"</th>"); got != want {
			t.Errorf("progress row %q, want %q", got, want)
		}
	}
	main := body[strings.Index(body, "<main"):]
	for _, leak := range []string{"88", "100.00", "较好", "data-chart", "results.xlsx", "排名", "整改"} {
		if strings.Contains(main, leak) {
			t.Errorf("the results page before the close holds %q:\n%s", leak, text(main))
		}
	}
	// The Excel export refuses with the same message.
	resp, err := br.c.Get(br.base + page + ".xlsx")
	if err != nil {
		t.Fatal(err)
	}
	xb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 409 || strings.Contains(resp.Header.Get("Content-Type"), "spreadsheet") || !strings.Contains(string(xb), "测评结束前不显示任何得分，只显示计票进度") {
		t.Errorf("results.xlsx before the close: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), text(string(xb)))
	}
	// The domain itself refuses, whoever calls it.
	if _, err := f.eval.Flags(context.Background(), testrig.Admin, id); err == nil || err.Error() != hidden.Error() {
		t.Errorf("Flags before the close: %v", err)
	}

	// After the close the scores are there: A 0.8×85 + 0.2×100 = 88 in
	// every group, B 100.
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/close", id), admin, ""); st != 200 {
		t.Fatalf("close: %d %v", st, out)
	}
	st, res := f.call(t, "GET", fmt.Sprintf("/api/v1/campaigns/%d/results", id), admin, "")
	if st != 200 {
		t.Fatalf("results after the close: %d %v", st, res)
	}
	got := map[string]string{}
	for _, s := range res["subjects"].([]any) {
		s := s.(map[string]any)
		got[s["subject"].(string)] = fmt.Sprint(s["rank"], " ", s["total"], " ", s["grade"], " ", s["masses_satisfaction"])
	}
	if got[a] != "2 88 较好 100" || got[b] != "1 100 好 100" {
		t.Errorf("results after the close: A %q, B %q", got[a], got[b])
	}
	body = br.get(t, page)
	if strings.Contains(body, "scores-hidden") || !regexp.MustCompile(`<b>88\.00</b>`).MatchString(body) || !strings.Contains(body, "<b>100.00</b>") {
		t.Errorf("the results page after the close lacks the totals:\n%s", text(body))
	}
	if _, rows := br.xlsx(t, page+".xlsx"); len(rows) < 4 {
		t.Errorf("results export after the close has %d rows", len(rows))
	}
}

// rawCall sends a request with a bearer token and returns the body as sent.
func rawCall(t *testing.T, method, u, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
