package server

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTrainingPages goes through the training pages as the street's
// organization department would: a course recorded with the form, a member
// chosen with the picker, a file refused with its problems and then
// imported, the course's list, the completion, the person's page.
func TestTrainingPages(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.Now = func() time.Time { return peopleNow } })
	o := f.peopleOrgs(t)
	county := f.token(t, "county_admin")
	base := map[string]any{"ethnicity": "汉族", "education": "大学本科", "kind": "full", "joined_on": "2005-07-01", "org_id": o.village.ID}
	ids := map[string]string{"张伟": idNumber("19800101", 11), "陈静": idNumber("19850315", 22)}
	pid := map[string]int64{}
	for _, name := range []string{"张伟", "陈静"} {
		st, out := f.call(t, "POST", "/api/v1/people", county, memberJSON(base, map[string]any{"name": name, "id_number": ids[name]}))
		if st != 201 {
			t.Fatalf("%s: %d %v", name, st, out)
		}
		pid[name] = int64(out["id"].(float64))
	}
	b := f.browser(t, "street_admin")
	// The form, first without hours, then whole.
	form := url.Values{"org_id": {fmt.Sprint(o.street.ID)}, "title": {"民生街道2026年党员冬训"}, "kind": {"centralized"}, "starts_on": {"2026-01-10"}, "ends_on": {"2026-01-12"}, "hours": {"两天"}}
	st, _, body := b.status(t, "POST", "/training/new", form)
	if st != 422 || !strings.Contains(body, "请填写学时，如 2 或 1.5") {
		t.Fatalf("hours in words: %d", st)
	}
	form.Set("hours", "16")
	st, at, body := b.status(t, "POST", "/training/new", form)
	if st != 200 || !strings.HasPrefix(at, "/training/") || !strings.Contains(body, "已登记培训“民生街道2026年党员冬训”") {
		t.Fatalf("course: %d at %s", st, at)
	}
	course := strings.TrimPrefix(at, "/training/")
	// The picker finds 张伟 by name, masked; the form records him.
	if st, _, body := b.status(t, "GET", "/pick/people?field=person_id&q=张伟", nil); st != 200 || !strings.Contains(body, fmt.Sprintf(`data-value="%d"`, pid["张伟"])) ||
		!strings.Contains(body, "450102********") || strings.Contains(body, ids["张伟"]) {
		t.Fatalf("picker: %d %s", st, body)
	}
	st, at, body = b.status(t, "POST", "/training/"+course+"/attend", url.Values{"person_id": {fmt.Sprint(pid["张伟"])}, "person_id_q": {"张伟"}, "hours": {""}})
	if st != 200 || at != "/training/"+course || !strings.Contains(body, "已登记张伟参训，认定 16 学时") {
		t.Fatalf("attend: %d at %s", st, at)
	}
	// The template, then a file refused whole: 张伟 again, 陈静 above 16.
	if st, _, _ := b.status(t, "GET", "/training/import/template.xlsx", nil); st != 200 {
		t.Errorf("template: %d", st)
	}
	st, body = b.upload(t, "/training/"+course+"/import", "名单.csv", []byte("姓名,身份证号,认定学时\n张伟,"+ids["张伟"]+",\n陈静,"+ids["陈静"]+",17\n"))
	if st != 200 || !strings.Contains(body, "第2行：身份证号：张伟已登记参加本期培训（2026-12-03 登记）") || !strings.Contains(body, "第3行：认定学时：17 超过本期培训的 16 学时") {
		t.Fatalf("refused file: %d %s", st, body)
	}
	st, body = b.upload(t, "/training/"+course+"/import", "名单.csv", []byte("姓名,身份证号,认定学时\n陈静,"+ids["陈静"]+",12.5\n"))
	sid := regexp.MustCompile(`/training/import/([0-9a-f]+)/apply`).FindStringSubmatch(body)
	if st != 200 || sid == nil {
		t.Fatalf("good file: %d", st)
	}
	st, at, body = b.status(t, "POST", "/training/import/"+sid[1]+"/apply", nil)
	if st != 200 || at != "/training/"+course || !strings.Contains(body, "已导入参训记录 1 条") || !strings.Contains(body, "陈静") {
		t.Fatalf("apply: %d at %s", st, at)
	}
	// The village: 张伟 16 and 陈静 12.5 of 32: none done.
	_, _, body = b.status(t, "GET", fmt.Sprintf("/training/completion?org=%d&year=2026", o.village.ID), nil)
	for _, want := range []string{">2</div>", "0.0%", "陈静", "−19.5", "−16"} {
		if !strings.Contains(body, want) {
			t.Errorf("completion lacks %q", want)
		}
	}
	_, _, body = b.status(t, "GET", fmt.Sprintf("/people/%d", pid["陈静"]), nil)
	if !strings.Contains(body, "已完成 12.5 / 32 学时") || !strings.Contains(body, "还差 19.5 学时") || !strings.Contains(body, "民生街道2026年党员冬训") {
		t.Errorf("陈静's page lacks her year of training")
	}
	_, _, body = b.status(t, "GET", "/training?q=冬训", nil)
	if !strings.Contains(body, "民生街道2026年党员冬训") || !strings.Contains(body, ">2</td>") {
		t.Errorf("the course list lacks the course and its 2 attendees")
	}
}
