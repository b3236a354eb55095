package server

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a log the server writes from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTrainingAPI records a course, attendance one by one and from a file
// over the API, every answer checked against the OpenAPI document; the
// completion of the township is counted by hand; the ID numbers of the
// import are in no answer and no line of the log.
func TestTrainingAPI(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	f := newFixtureWith(t, func(d *Deps) {
		d.Now = func() time.Time { return peopleNow }
		d.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	o := f.peopleOrgs(t)
	county, sec, aud := f.token(t, "county_admin"), f.token(t, "secretary"), f.token(t, "auditor")
	base := map[string]any{"ethnicity": "汉族", "education": "大学本科", "kind": "full", "joined_on": "2005-07-01", "org_id": o.village.ID}
	ids := map[string]string{"张伟": idNumber("19800101", 11), "陈静": idNumber("19850315", 22), "白雪": idNumber("19700520", 62)}
	pid := map[string]int64{}
	for _, name := range []string{"张伟", "陈静", "白雪"} {
		st, out := f.call(t, "POST", "/api/v1/people", county, memberJSON(base, map[string]any{"name": name, "id_number": ids[name]}))
		if st != 201 {
			t.Fatalf("%s: %d %v", name, st, out)
		}
		pid[name] = int64(out["id"].(float64))
	}
	st, out := f.call(t, "POST", "/api/v1/training/courses", county, fmt.Sprintf(`{"org_id":%d,"title":"2026年党员集中轮训","kind":"centralized","starts_on":"2026-03-02","ends_on":"2026-03-05","hours":32}`, o.county.ID))
	if st != 201 || out["hours"] != 32.0 || out["year"] != 2026.0 {
		t.Fatalf("course: %d %v", st, out)
	}
	course := int64(out["id"].(float64))
	// Bad input at its field.
	for _, tc := range []struct {
		body, field, msg string
	}{
		{fmt.Sprintf(`{"org_id":%d,"title":"x","kind":"lecture","starts_on":"2026-03-05","ends_on":"2026-03-02","hours":2}`, o.county.ID), "ends_on", "结束日期不能早于开始日期 2026-03-05"},
		{fmt.Sprintf(`{"org_id":%d,"title":"x","kind":"lecture","starts_on":"2026-03-05","ends_on":"2026-03-05","hours":-1}`, o.county.ID), "hours", "学时应大于 0"},
	} {
		st, out := f.call(t, "POST", "/api/v1/training/courses", county, tc.body)
		if field, msg := fieldErr(out); st != 400 || field != tc.field || msg != tc.msg {
			t.Errorf("%s: %d %s %s", tc.body, st, field, msg)
		}
	}
	// The secretary of the village records 张伟's whole week; the auditor
	// may not; more than the course's hours is refused.
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/training/courses/%d/attendance", course), sec, fmt.Sprintf(`{"person_id":%d}`, pid["张伟"])); st != 201 || out["hours"] != 32.0 {
		t.Fatalf("attend: %d %v", st, out)
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/training/courses/%d/attendance", course), aud, fmt.Sprintf(`{"person_id":%d}`, pid["陈静"])); st != 403 {
		t.Errorf("the auditor recorded: %d %v", st, out)
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/training/courses/%d/attendance", course), sec, fmt.Sprintf(`{"person_id":%d,"hours":40}`, pid["陈静"])); st != 400 {
		t.Errorf("40 of 32 hours: %d %v", st, out)
	} else if field, msg := fieldErr(out); field != "hours" || msg != "认定学时不能超过本期培训的 32 学时" {
		t.Errorf("40 of 32 hours: %s %s", field, msg)
	}
	// A file: 陈静 for 20 hours, 白雪 under a wrong name, 张伟 again.
	csv := "姓名,身份证号,认定学时\n陈静," + ids["陈静"] + ",20\n白云," + ids["白雪"] + ",\n张伟," + ids["张伟"] + ",\n"
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/training/courses/%d/import", course), sec, csv)
	var probs []string
	for _, p := range out["problems"].([]any) {
		probs = append(probs, p.(map[string]any)["message"].(string))
	}
	if st != 201 || out["status"] != "invalid" || strings.Join(probs, "|") != "第3行：身份证号：在您管理范围内的党员中未找到这个身份证号和姓名|第4行：身份证号：张伟已登记参加本期培训（2026-12-03 登记）" {
		t.Fatalf("import: %d %v", st, out)
	}
	answers := []string{fmt.Sprint(out)}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/imports/%s/apply", out["id"]), sec, "")
	if st != 400 || errMsg(out) != "文件有 2 行错误，请修改后重新上传，未导入任何数据" {
		t.Fatalf("apply invalid: %d %v", st, out)
	}
	csv = "姓名,身份证号,认定学时\n陈静," + ids["陈静"] + ",20\n白雪," + ids["白雪"] + ",\n"
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/training/courses/%d/import", course), sec, csv)
	if st != 201 || out["status"] != "ready" {
		t.Fatalf("import: %d %v", st, out)
	}
	answers = append(answers, fmt.Sprint(out))
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/imports/%s/apply", out["id"]), sec, "")
	if st != 200 {
		t.Fatalf("apply: %d %v", st, out)
	}
	answers = append(answers, fmt.Sprint(out))
	// The village: 张伟 32 and 白雪 32 reach the member's 32; 陈静's 20 is 12
	// short. 2 of 3: 66.7 %.
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/training/completion?org_id=%d&year=2026", o.village.ID), aud, "")
	c, _ := out["completion"].(map[string]any)
	if st != 200 || c["required"] != 3.0 || c["completed"] != 2.0 || c["percent"] != 66.7 {
		t.Fatalf("completion: %d %v", st, out)
	}
	rows := c["rows"].([]any)
	if len(rows) != 1 || fmt.Sprintf("%v %v", rows[0].(map[string]any)["name"], rows[0].(map[string]any)["shortfall"]) != "陈静 12" {
		t.Errorf("behind: %v", rows)
	}
	answers = append(answers, fmt.Sprint(out))
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/people/%d/training?year=2026", pid["陈静"]), sec, "")
	if st != 200 || out["hours"] != 20.0 || out["required"] != 32.0 || out["done"] != false {
		t.Errorf("陈静's year: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", o.village.ID), sec, "")
	if tr := out["people"].(map[string]any)["training"]; st != 200 || fmt.Sprint(tr) != "map[completed:2 percent:66.7 required:3 year:2026]" {
		t.Errorf("stats: %d %v", st, tr)
	}
	// The requirements: the county's department asks 40 of its members.
	if st, out := f.call(t, "PUT", "/api/v1/training/requirements", sec, fmt.Sprintf(`{"org_id":%d,"post":"member","hours":40}`, o.village.ID)); st != 403 {
		t.Errorf("a secretary set a requirement: %d %v", st, out)
	}
	if st, out := f.call(t, "PUT", "/api/v1/training/requirements", county, fmt.Sprintf(`{"org_id":%d,"post":"member","hours":40}`, o.county.ID)); st != 200 || out["hours"] != 40.0 || out["source"] != "here" {
		t.Errorf("set: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/training/completion?org_id=%d&year=2026", o.village.ID), aud, "")
	if c := out["completion"].(map[string]any); st != 200 || c["completed"] != 0.0 || c["behind"] != 3.0 {
		t.Errorf("at 40: %d %v", st, out)
	}
	all := strings.Join(answers, "\n") + logs.String()
	for name, id := range ids {
		for what, s := range map[string]string{"number": id, "middle": id[6:14]} {
			if strings.Contains(all, s) {
				t.Errorf("%s's ID %s is in clear in an answer or the log", name, what)
			}
		}
	}
}
