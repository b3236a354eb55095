package programs_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// ctCall sends a JSON request with a bearer token and answers the status
// and the decoded body.
func (s *ctSite) ctCall(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	} else {
		out = map[string]any{"bytes": string(b), "type": resp.Header.Get("Content-Type")}
	}
	return resp.StatusCode, out
}

func (s *ctSite) ctToken(t *testing.T, user string) string {
	t.Helper()
	st, out := s.ctCall(t, "POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"username":%q,"password":%q}`, user, s.pw[user]))
	if st != 200 {
		t.Fatalf("login %s: %d", user, st)
	}
	return out["token"].(string)
}

// ctErrMessage is the message of an error answer, at its field when it names
// one.
func ctErrMessage(out map[string]any, field string) string {
	e, _ := out["error"].(map[string]any)
	if field != "" {
		fs, _ := e["fields"].(map[string]any)
		if m, ok := fs[field].(string); ok {
			return m
		}
	}
	m, _ := e["message"].(string)
	return m
}

// TestContactsAPI runs both ledgers through the API, every answer checked
// against the OpenAPI document: a contact point and its visits, the list
// with its counts and the totals; a pairing, a commitment and a delivery
// with a photo in base64, the file and the totals. Bad input answers its
// status and message and changes nothing.
func TestContactsAPI(t *testing.T) {
	t.Parallel()
	s := newCtSite(t)
	ctx := context.Background()
	tok, sec := s.ctToken(t, "county_admin"), s.ctToken(t, "secretary")
	pg := app.Service[*programs.Service](s.a)
	year := pg.Today().Year()
	today := pg.Today().Format("2006-01-02")
	wei := s.leader(t, s.county, "韦振邦")

	before := s.ctTables(t)
	for _, tc := range []struct {
		name, method, path, token, body string
		status                          int
		field, want                     string
	}{
		{"a leader of a township", "POST", "/api/v1/contacts", tok, fmt.Sprintf(`{"person_id":%d,"leader_org_id":%d,"org_id":%d,"year":%d}`, wei.ID, *s.community.ParentID, s.community.ID, year),
			400, "leader_org_id", ""},
		{"an unknown field", "POST", "/api/v1/contacts", tok, `{"person":1}`, 400, "", ""},
		{"a secretary sets a contact point", "POST", "/api/v1/contacts", sec, fmt.Sprintf(`{"person_id":%d,"leader_org_id":%d,"org_id":%d,"year":%d}`, wei.ID, s.county.ID, s.community.ID, year),
			403, "", "您没有设置领导干部联系点的权限"},
		{"a rule of 60 visits", "PUT", "/api/v1/contact-rules", tok, fmt.Sprintf(`{"org_id":%d,"min_visits":60}`, s.county.ID), 400, "min_visits", "每个联系点每年走访次数应为 1–52 次（留空则沿用上级要求）"},
	} {
		st, out := s.ctCall(t, tc.method, tc.path, tc.token, tc.body)
		if st != tc.status || tc.want != "" && ctErrMessage(out, tc.field) != tc.want || tc.field != "" && ctErrMessage(out, tc.field) == "" {
			t.Errorf("%s: %d %v", tc.name, st, out)
		}
	}
	if after := s.ctTables(t); after != before {
		t.Errorf("refused requests changed the tables:\n%s\n%s", before, after)
	}

	st, out := s.ctCall(t, "POST", "/api/v1/contacts", tok, fmt.Sprintf(`{"person_id":%d,"leader_org_id":%d,"org_id":%d,"year":%d,"post":"区委书记"}`, wei.ID, s.county.ID, s.community.ID, year))
	if st != 201 || out["leader_name"] != "韦振邦" || out["required"] != float64(4) {
		t.Fatalf("create: %d %v", st, out)
	}
	id := int64(out["id"].(float64))
	st, out = s.ctCall(t, "POST", fmt.Sprintf("/api/v1/contacts/%d/visits", id), sec, `{"visited_on":"`+today+`","topics":"调研社区党建","solved":1,"solved_text":"解决路灯问题"}`)
	if st != 201 || out["visit_count"] != float64(1) || len(out["visits"].([]any)) != 1 {
		t.Errorf("visit: %d %v", st, out)
	}
	st, out = s.ctCall(t, "POST", fmt.Sprintf("/api/v1/contacts/%d/visits", id), sec, `{"visited_on":"`+today+`","topics":"再次调研"}`)
	if st != 400 || ctErrMessage(out, "visited_on") != today+" 已登记过该联系点的走访，同一天只登记一次" {
		t.Errorf("the same day again: %d %v", st, out)
	}
	st, out = s.ctCall(t, "GET", "/api/v1/contacts?limit=1", tok, "")
	if st != 200 || out["total"] != float64(1) || out["year"] != float64(year) || out["next_cursor"] != "" {
		t.Errorf("list: %d %v", st, out)
	}
	if st, out = s.ctCall(t, "GET", "/api/v1/contacts/totals", tok, ""); st != 200 || out["total"].(map[string]any)["points"] != float64(1) {
		t.Errorf("totals: %d %v", st, out)
	}
	if st, out = s.ctCall(t, "PUT", "/api/v1/contact-rules", tok, fmt.Sprintf(`{"org_id":%d,"min_visits":5}`, s.county.ID)); st != 200 || out["min_visits"] != float64(5) {
		t.Errorf("rule: %d %v", st, out)
	}
	if st, out = s.ctCall(t, "GET", fmt.Sprintf("/api/v1/contact-rules?org_id=%d", s.community.ID), sec, ""); st != 200 || out["in_force"] != float64(5) {
		t.Errorf("rules: %d %v", st, out)
	}
	if st, out = s.ctCall(t, "GET", fmt.Sprintf("/api/v1/contacts/%d", id), sec, ""); st != 200 || out["required"] != float64(5) {
		t.Errorf("get: %d %v", st, out)
	}

	// Pairing.
	finance, err := s.a.Core().Orgs.Create(ctx, testrig.Admin, org.Input{ParentID: s.county.ID, Name: "兴宁区财政局机关党支部", Kind: "branch", Category: "organ"})
	if err != nil {
		t.Fatal(err)
	}
	st, out = s.ctCall(t, "POST", "/api/v1/pairings", tok, fmt.Sprintf(`{"agency_org_id":%d,"grassroots_org_id":%d,"from_year":%d}`, finance.ID, s.community.ID, year))
	if st != 201 || out["agency_category"] != "organ" {
		t.Fatalf("pair: %d %v", st, out)
	}
	pid := int64(out["id"].(float64))
	st, out = s.ctCall(t, "POST", "/api/v1/pairings", tok, fmt.Sprintf(`{"agency_org_id":%d,"grassroots_org_id":%d,"from_year":%d}`, finance.ID, s.community.ID, year+1))
	if st != 409 || !strings.Contains(ctErrMessage(out, ""), "同一年度不能重复结对") {
		t.Errorf("the same pair again: %d %v", st, out)
	}
	st, out = s.ctCall(t, "POST", fmt.Sprintf("/api/v1/pairings/%d/commitments", pid), tok, fmt.Sprintf(`{"year":%d,"kind":"activities","target":4,"content":"联合开展主题党日"}`, year))
	if st != 201 || len(out["commitments"].([]any)) != 1 {
		t.Fatalf("commit: %d %v", st, out)
	}
	cid := int64(out["commitments"].([]any)[0].(map[string]any)["id"].(float64))
	photo := base64.StdEncoding.EncodeToString(prPhoto(t))
	st, out = s.ctCall(t, "POST", fmt.Sprintf("/api/v1/pairings/%d/completions", pid), sec,
		fmt.Sprintf(`{"commitment_id":%d,"done_on":%q,"amount":5,"evidence":"开展主题党日","attachments":[{"name":"a.jpg","data":%q}]}`, cid, today, photo))
	if st != 400 || ctErrMessage(out, "amount") != "本次登记 5 次后累计将达 5 次，超过承诺目标 4 次；最多还能登记 4 次" {
		t.Errorf("beyond the target: %d %v", st, out)
	}
	st, out = s.ctCall(t, "POST", fmt.Sprintf("/api/v1/pairings/%d/completions", pid), sec,
		fmt.Sprintf(`{"commitment_id":%d,"done_on":%q,"amount":1,"evidence":"开展主题党日，党员 30 人参加","attachments":[{"name":"a.jpg","data":%q}]}`, cid, today, photo))
	if st != 201 || out["rate"] != float64(25) {
		t.Fatalf("deliver: %d %v", st, out)
	}
	c := out["commitments"].([]any)[0].(map[string]any)
	f := c["completions"].([]any)[0].(map[string]any)["files"].([]any)[0].(map[string]any)
	st, got := s.ctCall(t, "GET", fmt.Sprintf("/api/v1/pairings/%d/files/%d", pid, int64(f["id"].(float64))), sec, "")
	if st != 200 || got["type"] != "image/jpeg" || strings.Contains(got["bytes"].(string), "GPSLatitude") {
		t.Errorf("file: %d %v", st, got["type"])
	}
	if st, out = s.ctCall(t, "GET", "/api/v1/pairings?q=财政局", tok, ""); st != 200 || out["total"] != float64(1) || out["sum"].(map[string]any)["activities_done"] != float64(1) {
		t.Errorf("pairings: %d %v", st, out)
	}
	if st, out = s.ctCall(t, "GET", fmt.Sprintf("/api/v1/pairings/totals?org_id=%d&year=%d", s.county.ID, year), tok, ""); st != 200 || out["total"].(map[string]any)["commitments"] != float64(1) {
		t.Errorf("totals: %d %v", st, out)
	}
	if st, _ = s.ctCall(t, "GET", fmt.Sprintf("/api/v1/pairings/%d", pid), s.ctToken(t, "handler"), ""); st != 404 {
		t.Errorf("a case handler reads the pairing: %d", st)
	}
}
