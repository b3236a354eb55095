package spec

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSpecCheckCatchesDrift checks the check itself: answers that differ
// from the document in body, status or media type are reported, and a
// documented answer is not.
func TestSpecCheckCatchesDrift(t *testing.T) {
	t.Parallel()
	router, err := contract()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, ctype, body string
		status                  int
		want                    string
	}{
		{"documented", "/api/v1/orgs/7/coverage/trend", "application/json", `{"org_id": 7, "months": []}`, 200, ""},
		{"wrong type", "/api/v1/orgs/7/coverage/trend", "application/json", `{"org_id": "7", "months": []}`, 200, `Error at "/org_id"`},
		{"missing field", "/api/v1/orgs/7/coverage/trend", "application/json", `{"org_id": 7}`, 200, `property "months" is missing`},
		{"unlisted 4xx", "/api/v1/orgs/7/coverage/trend", "application/json", `{"error": {"code": "conflict", "message": "x"}}`, 409, "getCoverageTrend does not list"},
		{"error without message", "/api/v1/orgs/7/coverage/trend", "application/json", `{"error": {"code": "not_found"}}`, 404, "missing property 'message'"},
		{"unknown error code", "/api/v1/orgs/7/coverage/trend", "application/json", `{"error": {"code": "gone", "message": "x"}}`, 404, "value must be one of"},
		{"media type", "/api/v1/orgs/7/coverage/trend", "text/html", `<p>`, 200, "text/html"},
	} {
		r := httptest.NewRequest("GET", tc.path, nil)
		rec := &recordingWriter{ResponseWriter: httptest.NewRecorder(), status: tc.status}
		rec.Header().Set("Content-Type", tc.ctype)
		rec.body.WriteString(tc.body)
		got := checkAnswer(router, r, rec)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
