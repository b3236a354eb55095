package server

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"jiceng/internal/ids"
)

func creditCode(region string, serial int) string {
	oc := fmt.Sprintf("MA%06d", serial)
	c9, _ := ids.OrgCodeCheckChar(oc)
	first17 := "91" + region + oc + string(c9)
	c18, _ := ids.CreditCodeCheckChar(first17)
	return first17 + string(c18)
}

func TestCoverageAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	_, list := f.call(t, "GET", "/api/v1/orgs?region_code=450102001", tok, "")
	ms := int64(list["items"].([]any)[0].(map[string]any)["id"].(float64))
	body := func(serial, members int) string {
		return fmt.Sprintf(`{"credit_code":%q,"name":"南宁接口测试%02d有限公司","employees":40,"full_members":%d,"region_code":"450102001003","affiliation_org_id":%d,"industry":"制造业"}`,
			creditCode("450102", serial), serial, members, ms)
	}
	var unitIDs []int64
	for i := 1; i <= 4; i++ {
		st, out := f.call(t, "POST", "/api/v1/units", tok, body(i, i-1))
		if st != 201 || out["category"] != "private" || out["size_class"] != "below" || out["industry"] != "C" {
			t.Fatalf("create unit %d: %d %v", i, st, out)
		}
		unitIDs = append(unitIDs, int64(out["id"].(float64)))
	}
	st, out := f.call(t, "POST", "/api/v1/units", tok, body(1, 0))
	if st != 409 || errMsg(out) != fmt.Sprintf("统一社会信用代码 %s 已登记：南宁接口测试01有限公司（编号 %d）", creditCode("450102", 1), unitIDs[0]) {
		t.Fatalf("duplicate: %d %v", st, out)
	}
	bad := strings.Replace(body(9, 0), creditCode("450102", 9), "91450102MA00000I2X", 1)
	st, out = f.call(t, "POST", "/api/v1/units", tok, bad)
	if st != 400 || errMsg(out) != "统一社会信用代码第 16 位“I”不是有效字符（不使用 I、O、Z、S、V）" {
		t.Fatalf("bad alphabet: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/units", tok, strings.Replace(body(9, 0), `"employees":40`, `"employees":1,"probationary_members":3`, 1))
	if st != 400 || errMsg(out) != "党员人数（正式 0 + 预备 3）不能多于从业人数 1" {
		t.Fatalf("members > employees: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/units/%d/coverage", unitIDs[1]), tok, `{"coverage":"instructor","instructor":"李明"}`)
	if st != 200 || out["coverage"] != "instructor" || out["rule"] != "form_own_or_joint" {
		t.Fatalf("set coverage: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/units/%d/coverage", unitIDs[2]), tok, `{"coverage":"joint","org_id":1}`)
	if st != 400 || errMsg(out) != "党组织 1 不存在或不在您的管理范围内" {
		t.Fatalf("joint outside scope: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", ms), tok, "")
	cov := out["coverage"].(map[string]any)
	if st != 200 || cov["units"].(float64) != 4 || cov["work_covered"].(float64) != 1 || cov["work_rate"].(float64) != 25 || cov["org_rate"].(float64) != 0 {
		t.Fatalf("stats coverage: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/coverage?slices=industry", ms), tok, "")
	if st != 200 || out["by_industry"].(map[string]any)["C"].(map[string]any)["units"].(float64) != 4 {
		t.Fatalf("coverage slices: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/units?rule=any&sort=created", tok, "")
	if st != 200 || out["total"].(float64) != 4 {
		t.Fatalf("gap list: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/units/%d/history", unitIDs[1]), tok, "")
	if items := out["items"].([]any); st != 200 || len(items) != 2 || items[1].(map[string]any)["instructor"] != "李明" {
		t.Fatalf("history: %d %v", st, out)
	}
	// An auditor may read (TestRoleRouteMatrix), not write.
	aud := f.token(t, "auditor")
	st, out = f.call(t, "PATCH", fmt.Sprintf("/api/v1/units/%d", unitIDs[0]), aud, `{"name":"改名"}`)
	if st != 403 || errMsg(out) != "您没有修改该单位的权限" {
		t.Fatalf("auditor write: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/goal-sets", tok, fmt.Sprintf(`{"name":"2026年“4+1”两新党建目标","year":2026,"owner_org_id":%d,"targets":{"org_coverage":60,"work_coverage":90}}`, ms))
	if st != 201 {
		t.Fatalf("goal set: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/goal-sets/%d", int64(out["id"].(float64))), tok, "")
	ps := out["progress"].([]any)
	if st != 200 || len(ps) != 14 || len(ps[0].(map[string]any)["behind"].([]any)) != 2 {
		t.Fatalf("progress: %d %v", st, len(ps))
	}
}

func TestUnitImportAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok := f.token(t, "street_admin")
	good := fmt.Sprintf("名称,统一社会信用代码,所在区划代码,隶属党组织区划代码,正式党员,从业人数\n南宁导入甲公司,%s,450102001003,450102001,3,20\n", creditCode("450102", 41))
	bad := good + fmt.Sprintf("南宁导入乙公司,%s,450102001003,450103001,0,5\n", creditCode("450102", 42))
	st, out := f.call(t, "POST", "/api/v1/units/import", tok, bad)
	probs, _ := out["problems"].([]any)
	if st != 201 || out["status"] != "invalid" || len(probs) != 1 || !strings.HasPrefix(probs[0].(map[string]any)["message"].(string), "第3行：") {
		t.Fatalf("invalid unit import: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/units/import", tok, good)
	if st != 201 || out["status"] != "ready" {
		t.Fatalf("valid unit import: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/imports/%s/apply", out["id"]), tok, "")
	if st != 200 || out["created"].(float64) != 1 {
		t.Fatalf("apply units: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/units?rule=form_own", tok, "")
	if st != 200 || out["total"].(float64) != 1 {
		t.Fatalf("imported unit in gap list: %d %v", st, out)
	}
}

func TestCoverageSettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	st, out := f.call(t, "PUT", "/api/v1/coverage/settings", f.token(t, "street_admin"), `{"size_employees":20,"joint_max_units":8}`)
	if st != 403 || errMsg(out) != "只有系统管理员可以修改两新覆盖的统计口径" {
		t.Fatalf("org admin: %d %v", st, out)
	}
	admin := f.token(t, "admin")
	st, out = f.call(t, "PUT", "/api/v1/coverage/settings", admin, `{"size_employees":20,"joint_max_units":8}`)
	if st != 200 || out["size_employees"].(float64) != 20 {
		t.Fatalf("admin: %d %v", st, out)
	}
	b := f.browser(t, "admin")
	resp, err := b.c.PostForm(f.srv.URL+"/coverage/settings", map[string][]string{"size_employees": {"abc"}, "joint_max_units": {"8"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(body), `<p class="error" id="err-size_employees">规模以上的从业人数标准应为 1–100,000 之间的整数</p>`) {
		t.Fatalf("bad form: %d", resp.StatusCode)
	}
	if page := b.get(t, "/coverage/settings"); !strings.Contains(page, `value="20"`) {
		t.Fatal("the bad form changed the settings")
	}
}
