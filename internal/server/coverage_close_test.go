package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiceng/internal/coverage"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// callLang is fixture.call with an Accept-Language header.
func (f *fixture) callLang(t *testing.T, method, path, token, body, lang string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", lang)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func TestUnitCloseAPI(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	tok := f.token(t, "street_admin")
	u := f.units[0] // own, under 兴宁社区
	rates := func() string {
		t.Helper()
		st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/coverage", f.ms.ID), tok, "")
		tot := out["total"].(map[string]any)
		return fmt.Sprintf("%d %v/%v %v%% %v/%v %v%%", st, tot["org_covered"], tot["units"], tot["org_rate"], tot["work_covered"], tot["units"], tot["work_rate"])
	}
	if got := rates(); got != "200 4/10 40% 6/10 60%" {
		t.Fatalf("before: %s", got)
	}
	path := fmt.Sprintf("/api/v1/units/%d", u.ID)
	tomorrow := time.Now().In(org.Shanghai).AddDate(0, 0, 1).Format("2006-01-02")
	today := time.Now().In(org.Shanghai).Format("2006-01-02")
	st, out := f.call(t, "POST", path+"/close", tok, `{"reason":"deregistered","effective_on":"`+tomorrow+`"}`)
	if e := out["error"].(map[string]any); st != 400 || e["field"] != "effective_on" || e["message"] != "生效日期 "+tomorrow+" 晚于今天（"+today+"），请填写已经生效的日期" {
		t.Errorf("future date: %d %v", st, out)
	}
	st, out = f.callLang(t, "POST", path+"/close", tok, `{"reason":"other","effective_on":"2026-03-01"}`, "en-US,en;q=0.9")
	if st != 400 || errMsg(out) != "the reason is \"other\": say in the note what it is" {
		t.Errorf("other without a note, in English: %d %v", st, out)
	}
	st, out = f.call(t, "POST", path+"/close", tok, `{"reason":"deregistered","effective_on":"2026-03-01","extra":1}`)
	if st != 400 {
		t.Errorf("unknown field: %d %v", st, out)
	}
	if got := rates(); got != "200 4/10 40% 6/10 60%" {
		t.Fatalf("refused closings changed the rates: %s", got)
	}
	st, out = f.call(t, "POST", path+"/close", tok, `{"reason":"迁出本地","effective_on":"2026-03-01","note":"迁往柳州"}`)
	if st != 200 || out["status"] != "closed" || out["coverage"] != "own" {
		t.Fatalf("close: %d %v", st, out)
	}
	if got := rates(); got != "200 3/9 33.3% 5/9 55.6%" {
		t.Errorf("after closing: %s", got)
	}
	st, out = f.call(t, "POST", path+"/close", tok, `{"reason":"deregistered","effective_on":"2026-03-01"}`)
	if st != 409 || errMsg(out) != "“南宁测试企业01有限公司”已注销，不能重复注销" {
		t.Errorf("close twice: %d %v", st, out)
	}
	st, out = f.call(t, "POST", path+"/coverage", tok, `{"coverage":"none"}`)
	if st != 409 || errMsg(out) != "“南宁测试企业01有限公司”已注销，不能修改覆盖方式；如单位仍在经营，请先恢复" {
		t.Errorf("coverage of a closed unit: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/units?status=closed", tok, "")
	if st != 200 || out["total"].(float64) != 1 {
		t.Errorf("closed list: %d %v", st, out)
	}
	// Outside the caller's scope the unit does not exist.
	sec := f.token(t, "secretary")
	other := f.units[5] // led by 民生街道 itself
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/units/%d/close", other.ID), sec, `{"reason":"deregistered","effective_on":"2026-03-01"}`)
	if st != 404 || errMsg(out) != fmt.Sprintf("单位 %d 不存在或不在您的管理范围内", other.ID) {
		t.Errorf("outside the scope: %d %v", st, out)
	}
	st, out = f.call(t, "POST", path+"/reopen", tok, `{"note":""}`)
	if st != 400 || errMsg(out) != "请填写恢复的原因，如“注销有误，经核实仍在经营”" {
		t.Errorf("reopen without a note: %d %v", st, out)
	}
	st, out = f.call(t, "POST", path+"/reopen", tok, `{"note":"迁回南宁"}`)
	if st != 200 || out["status"] != "active" || out["coverage"] != "own" {
		t.Fatalf("reopen: %d %v", st, out)
	}
	if got := rates(); got != "200 4/10 40% 6/10 60%" {
		t.Errorf("after reopening: %s", got)
	}
	st, out = f.call(t, "POST", path+"/reopen", tok, `{"note":"x"}`)
	if st != 409 || errMsg(out) != "“南宁测试企业01有限公司”未注销，无需恢复" {
		t.Errorf("reopen an active unit: %d %v", st, out)
	}
	// Both are in the audit log.
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/units/%d/history", u.ID), tok, "")
	items := out["items"].([]any)
	if st != 200 || len(items) != 4 || items[2].(map[string]any)["note"] != "注销（迁出本地），2026-03-01 起：迁往柳州" || items[3].(map[string]any)["note"] != "恢复：迁回南宁" {
		t.Errorf("history: %d %v", st, out)
	}
	b := f.browser(t, "admin")
	audit := text(b.get(t, fmt.Sprintf("/audit?target_type=unit&target_id=%d", u.ID)))
	for _, want := range []string{"两新组织 南宁测试企业01有限公司（" + u.CreditCode + "）迁出本地，2026-03-01 起", "恢复两新组织 南宁测试企业01有限公司（" + u.CreditCode + "）"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %q", want)
		}
	}
}

func TestUnitCloseForm(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "street_admin")
	u := f.units[1] // joint, 兴宁社区
	path := fmt.Sprintf("/coverage/units/%d", u.ID)
	body := b.get(t, path)
	if !strings.Contains(body, `action="`+path+`/close"`) || !strings.Contains(body, `data-confirm="确定注销“南宁测试企业02有限公司”？`) || strings.Contains(body, `action="`+path+`/reopen"`) {
		t.Fatalf("close form")
	}
	st, _, body := b.status(t, "POST", path+"/close", url.Values{"close_reason": {"other"}, "close_on": {"2026-03-01"}, "close_note": {""}})
	if st != 422 || errAt(body, "close_note") != "注销原因为“其他”时，请在说明中写明具体原因" || !strings.Contains(body, `<option value="other" selected>其他</option>`) ||
		!strings.Contains(body, `name="close_on" type="date"`) || !strings.Contains(body, `value="2026-03-01"`) {
		t.Errorf("other without a note: %d %q", st, errAt(body, "close_note"))
	}
	// The coverage form above keeps the unit's coverage, with no error.
	if !strings.Contains(body, `<input type="radio" name="coverage" value="joint" checked>`) || errAt(body, "note") != "" {
		t.Errorf("the coverage form was disturbed")
	}
	st, _, body = b.status(t, "POST", path+"/close", url.Values{"close_reason": {""}, "close_on": {"3/1/2026"}})
	if st != 422 || errAt(body, "close_reason") != "请选择注销原因：注销、吊销、迁出本地 或 其他" || !strings.HasPrefix(errAt(body, "close_on"), "生效日期“3/1/2026”格式不正确") ||
		!strings.Contains(text(body), "表单中有 2 处需要修改") {
		t.Errorf("two errors: %d", st)
	}
	st, at, body := b.status(t, "POST", path+"/close", url.Values{"close_reason": {"revoked"}, "close_on": {"2026-03-01"}, "close_note": {"营业执照被吊销"}})
	if st != 200 || at != path || !strings.Contains(text(body), "已注销“南宁测试企业02有限公司”，该单位不再计入覆盖率") {
		t.Fatalf("close: %d %s", st, at)
	}
	txt := text(body)
	for _, want := range []string{"状态 已注销", "该单位已注销，不计入覆盖率", "注销（吊销），2026-03-01 起：营业执照被吊销", "该单位已注销，恢复后才能调整覆盖方式", "恢复单位"} {
		if !strings.Contains(txt, want) {
			t.Errorf("closed unit page lacks %q", want)
		}
	}
	if strings.Contains(body, `action="`+path+`/coverage"`) || strings.Contains(body, `action="`+path+`/close"`) {
		t.Errorf("a closed unit still offers coverage or close")
	}
	if txt := text(b.get(t, "/coverage")); !strings.Contains(txt, "33.3% 3 / 9 组织覆盖率") {
		t.Errorf("dashboard after closing")
	}
	if got := row(t, b.get(t, "/coverage/units?status=closed"), "南宁测试企业02有限公司"); !strings.Contains(got, "已注销") {
		t.Errorf("closed list row: %q", got)
	}
	if body := b.get(t, "/coverage/units"); strings.Contains(body, "南宁测试企业02有限公司") {
		t.Errorf("the active list shows a closed unit")
	}
	st, _, body = b.status(t, "POST", path+"/reopen", url.Values{"reopen_note": {" "}})
	if st != 422 || errAt(body, "reopen_note") != "请填写恢复的原因，如“注销有误，经核实仍在经营”" {
		t.Errorf("reopen without a note: %d", st)
	}
	st, _, body = b.status(t, "POST", path+"/reopen", url.Values{"reopen_note": {"吊销决定已撤销"}})
	if st != 200 || !strings.Contains(text(body), "已恢复“南宁测试企业02有限公司”，该单位重新计入覆盖率") || !strings.Contains(text(body), "状态 正常") {
		t.Errorf("reopen: %d", st)
	}
	if txt := text(b.get(t, "/coverage")); !strings.Contains(txt, "40.0% 4 / 10 组织覆盖率") {
		t.Errorf("dashboard after reopening")
	}
	// A closed unit needs nothing: no advice on its page, not in the work orders.
	if _, err := f.cov.Close(context.Background(), testrig.Admin, f.units[4].ID, coverage.CloseInput{Reason: "deregistered", EffectiveOn: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	if txt := text(b.get(t, fmt.Sprintf("/coverage/units/%d", f.units[4].ID))); strings.Contains(txt, "需要：") || strings.Contains(txt, "暂无正式党员") {
		t.Errorf("a closed unit still needs something")
	}
	if body := b.get(t, "/coverage/units?rule=any&status=all"); strings.Contains(body, "南宁测试企业05有限公司") {
		t.Errorf("a closed unit is in the work orders")
	}
	// Outside the scope the unit is not found: TestRoleRouteMatrix.
}

// TestUnitTextsFollowTheLanguage checks the advice of the gap list, a
// unit's warning and the reasons a joint branch is flagged in both
// languages, on the pages, in the export and in the API.
func TestUnitTextsFollowTheLanguage(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	// A unit registered in Beijing but located in 兴宁区: worth a check.
	w, err := f.cov.Create(context.Background(), testrig.Admin, coverage.Input{CreditCode: creditCode("110105", 77), Name: "北京登记南宁经营有限公司",
		Employees: 12, RegionCode: "450102001003", AffiliationOrgID: f.c3.ID})
	if err != nil {
		t.Fatal(err)
	}
	zhWarn := "统一社会信用代码中的登记机关区划 110105 与单位所在区划 450102001003 不一致，请核对"
	enWarn := "the registrar's division 110105 in the credit code does not match the unit's division 450102001003: check them"
	zhAdvice := "暂无正式党员，应选派党建指导员开展工作，做好发现和培养入党积极分子工作"
	enAdvice := "No full members yet: send a Party-building instructor and look for activists to recruit"
	zhFlag := "所联合的单位分布在 2 个乡镇（街道），应按属地就近调整联合范围"
	enFlag := "its units lie in 2 townships or streets: regroup them with their neighbours"

	zh := f.browser(t, "street_admin")
	en := f.browser(t, "street_admin")
	en.get(t, "/lang?to=en")
	for _, c := range []struct {
		name          string
		b             *browser
		want, notWant []string
	}{
		{"Chinese", zh, []string{zhWarn, zhAdvice, zhFlag, "应选派党建指导员"}, []string{enWarn, enAdvice, enFlag}},
		{"English", en, []string{enWarn, enAdvice, enFlag, "Needs an instructor"}, []string{zhWarn, zhAdvice, zhFlag}},
	} {
		page := text(c.b.get(t, fmt.Sprintf("/coverage/units/%d", w.ID))) + " " +
			text(c.b.get(t, "/coverage/units?rule=any")) + " " +
			text(c.b.get(t, fmt.Sprintf("/coverage?org=%d", f.ms.ID)))
		for _, s := range c.want {
			if !strings.Contains(page, s) {
				t.Errorf("%s pages lack %q", c.name, s)
			}
		}
		for _, s := range c.notWant {
			if strings.Contains(page, s) {
				t.Errorf("%s pages show %q", c.name, s)
			}
		}
	}
	_, rows := en.xlsx(t, "/coverage/units/export.xlsx?rule=send_instructor")
	if len(rows) < 5 || rows[1][0] != "Filters: needs=Needs an instructor" || rows[3][17] != "Advice" || rows[4][16] != "Needs an instructor" || rows[4][17] != enAdvice {
		t.Errorf("English export: %q", rows)
	}
	cd, rows := zh.xlsx(t, "/coverage/units/export.xlsx?rule=send_instructor")
	if !strings.Contains(cd, "_工作清单_") || rows[1][0] != "筛选：需要=应选派党建指导员" || rows[3][17] != "处理建议" || rows[4][17] != zhAdvice {
		t.Errorf("Chinese export: %s %q", cd, rows)
	}
	// The API answers in the language of Accept-Language.
	tok := f.token(t, "street_admin")
	_, out := f.callLang(t, "GET", fmt.Sprintf("/api/v1/units/%d", w.ID), tok, "", "en")
	if ws, _ := out["warnings"].([]any); len(ws) != 1 || ws[0] != enWarn || out["advice"] != enAdvice {
		t.Errorf("English API unit: %v", out)
	}
	_, out = f.callLang(t, "GET", fmt.Sprintf("/api/v1/units/%d", w.ID), tok, "", "zh-CN")
	if ws, _ := out["warnings"].([]any); len(ws) != 1 || ws[0] != zhWarn || out["advice"] != zhAdvice {
		t.Errorf("Chinese API unit: %v", out)
	}
	_, out = f.callLang(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/coverage/joint-flags", f.ms.ID), tok, "", "en")
	if items, _ := out["items"].([]any); len(items) != 1 || fmt.Sprint(items[0].(map[string]any)["reasons"]) != "["+enFlag+"]" {
		t.Errorf("English joint flags: %v", out)
	}
}
