package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestReportFormRetentionByKind: with a retention of its own for some
// kinds, the report form lists the days of each kind, since the kind is
// chosen on the same page and may change after it is shown.
func TestReportFormRetentionByKind(t *testing.T) {
	t.Parallel()
	d, _ := nanning.Open(t)
	_, h := newApp(t, d, func(dp *Deps) { dp.CaseRetention = map[string]int{"integrity": 365, "opinion": 90} })
	srv := httptest.NewServer(h)
	defer srv.Close()
	for lang, want := range map[string]string{
		"zh-CN": "留下手机号或电子邮箱，可以收到受理、答复的通知（通知不含反映内容）。案件办结后，这些信息按类别保存一定天数后自动删除：廉洁监督举报 365 天，矛盾纠纷调解 180 天，服务诉求 180 天，政策意见建议 90 天。",
		"en":    "They are deleted once the case has been closed for the days of its kind: Integrity report: 365 days; Dispute mediation: 180 days; Service request: 180 days; Policy opinion: 90 days.",
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/report", nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(text(string(b)), want) {
			t.Errorf("%s: %d, the form lacks %q", lang, resp.StatusCode, want)
		}
	}
}
