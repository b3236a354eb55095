package server

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestCarePages walks a care case through its pages as its users would: the
// secretary of 张伟's branch applies for him (the form refuses an
// implausible amount at its field and keeps what was typed), the county
// cannot approve before the street's review, the street cannot approve at
// the county's level, the county approves, a payment above the amount
// approved is refused at its field; the case page shows the reason and the
// steps, the list and its export the case without the reason, the yearly
// totals the amounts; and the account that reviewed may not approve.
func TestCarePages(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	street, county, sec := f.browser(t, "street_admin"), f.b, f.browser(t, "secretary")
	zw := strings.TrimPrefix(f.zw, "/people/")
	reason := "本人患病住院治疗，自付医疗费用约两万元"

	body := sec.get(t, "/care/new?person="+zw)
	if !strings.Contains(body, `<input type="hidden" name="person_id" value="`+zw+`">`) || !strings.Contains(text(body), "张伟 · "+f.c3Name) {
		t.Errorf("the form from 张伟's page does not name him: %.600s", text(body))
	}
	form := url.Values{"person_id_q": {"张伟"}, "category": {"illness"}, "reason": {reason}, "requested": {"100001"}, "applied_on": {"2026-11-02"}}
	st, _, body := sec.status(t, "POST", "/care/new", form)
	if got := errAt(body, "requested"); st != 422 || got != "金额应为 1–100000 元之间的整数（单位：元）" {
		t.Errorf("an implausible amount: %d %q", st, got)
	}
	if !strings.Contains(body, reason+"</textarea>") || !strings.Contains(body, `value="100001"`) {
		t.Errorf("the form lost what was typed")
	}
	if n := f.count(t, "SELECT COUNT(*) FROM care_cases"); n != 0 {
		t.Fatalf("%d cases after a refused application", n)
	}
	form.Set("requested", "8000")
	st, at, body := sec.status(t, "POST", "/care/new", form)
	if st != 200 || !strings.HasPrefix(at, "/care/") || !strings.Contains(body, "已提交张伟的关爱帮扶申请，待"+f.msName+"审核") {
		t.Fatalf("apply: %d %s %s", st, at, flashOf(body))
	}
	caseURL := at

	// Out of order and out of level: refused, the case unchanged.
	st, _, body = county.status(t, "POST", caseURL+"/approve", url.Values{"decision": {"approve"}, "on_date": {"2026-11-03"}})
	if st != 409 || flashOf(body) != "该案件尚未经乡镇（街道）审核，不能审批" {
		t.Errorf("approving before the review: %d %q", st, flashOf(body))
	}
	if st, _, body = street.status(t, "POST", caseURL+"/review", url.Values{"decision": {"approve"}, "amount": {"9000"}, "on_date": {"2026-11-03"}}); errAt(body, "amount") != "核定金额不能超过申请金额 8000 元" {
		t.Errorf("more than asked: %d %q", st, errAt(body, "amount"))
	}
	if st, _, body = street.status(t, "POST", caseURL+"/review", url.Values{"decision": {"approve"}, "amount": {"5000"}, "on_date": {"2026-11-03"}}); st != 200 || !strings.Contains(body, "已办理：待县级审批") {
		t.Fatalf("review: %d %q", st, flashOf(body))
	}
	countyName := f.orgByName(t, "兴宁区委").Label()
	if _, _, body = street.status(t, "POST", caseURL+"/approve", url.Values{"decision": {"approve"}, "on_date": {"2026-11-04"}}); flashOf(body) != "您没有审批该案件的权限：应由"+countyName+"办理" {
		t.Errorf("the street approving: %q", flashOf(body))
	}
	if n := f.count(t, "SELECT COUNT(*) FROM care_steps"); n != 2 {
		t.Errorf("%d steps after the refusals, want the application and the review", n)
	}
	if _, _, body = county.status(t, "POST", caseURL+"/approve", url.Values{"decision": {"approve"}, "on_date": {"2026-11-04"}}); !strings.Contains(body, "已办理：待发放") {
		t.Fatalf("approve: %q", flashOf(body))
	}
	if st, _, body = county.status(t, "POST", caseURL+"/disburse", url.Values{"paid_on": {"2026-11-10"}, "amount": {"6000"}}); st != 422 || errAt(body, "amount") != "发放金额不能超过核定金额 5000 元" {
		t.Errorf("paying more than approved: %d %q", st, errAt(body, "amount"))
	}
	if _, _, body = county.status(t, "POST", caseURL+"/disburse", url.Values{"paid_on": {"2026-11-10"}, "amount": {"5000"}}); !strings.Contains(body, "已办理：已发放") {
		t.Fatalf("disburse: %q", flashOf(body))
	}
	txt := text(body)
	for _, want := range []string{reason, "提出申请 · 8,000 元", "乡镇（街道）审核 · 同意 · 5,000 元", "县（市、区）审批 · 同意 · 5,000 元", "发放 · 5,000 元", f.msName + "审核，" + countyName + "审批"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the case page lacks %q: %.1500s", want, txt)
		}
	}

	// In English, the steps read in English.
	en := f.browser(t, "county_admin")
	en.english(t)
	txt = text(en.get(t, caseURL))
	for _, want := range []string{"Township review · approved · 5,000 yuan", "County approval · approved · 5,000 yuan", "Disbursement · 5,000 yuan", f.msName + " reviews, " + countyName + " approves"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the English case page lacks %q", want)
		}
	}

	// The list, its export and the totals; the reason in none of them.
	body = county.get(t, "/care?state=paid")
	if r := row(t, body, "张伟"); r != "1 张伟 因病致困 "+f.c3Name+" 因病致困 2026-11-02 8,000 5,000 5,000 已发放" {
		t.Errorf("the list's row: %q", r)
	}
	if strings.Contains(body, reason) {
		t.Errorf("the list shows the reason")
	}
	_, rows := county.xlsx(t, "/care/export.xlsx?state=paid")
	last := rows[len(rows)-1]
	if strings.Join(last[2:], "|") != "张伟|"+f.c3Name+"|因病致困|2026-11-02|8000|5000|5000|2026-11-10|已发放" || strings.Contains(fmt.Sprint(rows), reason) {
		t.Errorf("the export: %v", rows)
	}
	body = county.get(t, "/care/totals?year=2026")
	if r := row(t, body, f.msName); r != "1 "+f.msName+" 1 1 5,000 1 5,000 0 0" {
		t.Errorf("the totals' row: %q", r)
	}
	// 张伟's page lists the case to the street's department.
	if r := row(t, street.get(t, f.zw), "/care/"); r != "2026-11-02 因病致困 8,000 5,000 5,000 已发放" {
		t.Errorf("the person page's row: %q", r)
	}

	// The account that reviewed may not approve.
	form.Set("requested", "3000")
	_, at, _ = sec.status(t, "POST", "/care/new", form)
	county.status(t, "POST", at+"/review", url.Values{"decision": {"approve"}, "amount": {"3000"}, "on_date": {"2026-11-03"}})
	_, _, body = county.status(t, "POST", at+"/approve", url.Values{"decision": {"approve"}, "on_date": {"2026-11-04"}})
	if flashOf(body) != "您已审核该案件：审核与审批须由不同的账号办理" || !strings.Contains(text(body), "您已审核该案件：县级审批须由另一账号办理") {
		t.Errorf("the reviewer approving: %q", flashOf(body))
	}
}

// TestOrganizerPages: the county opens a batch through its form, the
// recruit form refuses a member below 本科 naming the education and takes
// one found by name, the placement is recorded in a community found by
// name, and the lists show the organizer in post.
func TestOrganizerPages(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	b := f.b
	st, at, body := b.status(t, "POST", "/organizers/batches/new", url.Values{"name": {"2026年兴宁区党建组织员"}, "org_id_q": {"兴宁区委"}, "year": {"2026"}, "planned": {"3"}})
	if st != 200 || !strings.HasPrefix(at, "/organizers/batches/") || !strings.Contains(body, "已开设招录批次“2026年兴宁区党建组织员”") {
		t.Fatalf("open a batch: %d %s %q", st, at, flashOf(body))
	}
	batch := at
	st, _, body = b.status(t, "POST", batch+"/recruit", url.Values{"person_id_q": {"王芳"}, "recruited_on": {"2026-07-01"}})
	if st != 422 || errAt(body, "person_id") != "王芳的学历为大学专科：党建组织员须为大学本科及以上学历" {
		t.Errorf("a college diploma: %d %q", st, errAt(body, "person_id"))
	}
	if n := f.count(t, "SELECT COUNT(*) FROM organizers"); n != 0 {
		t.Errorf("%d organizers after the refusal", n)
	}
	st, at, body = b.status(t, "POST", batch+"/recruit", url.Values{"person_id_q": {"张伟"}, "recruited_on": {"2026-07-01"}})
	if st != 200 || !strings.HasPrefix(at, "/organizers/") || !strings.Contains(body, "已录用张伟，请登记派驻") {
		t.Fatalf("recruit: %d %s %q", st, at, flashOf(body))
	}
	_, _, body = b.status(t, "POST", at+"/place", url.Values{"org_id_q": {f.c3Name}, "placed_on": {"2026-08-01"}, "tenure_years": {"3"}})
	if !strings.Contains(body, "张伟已派驻"+f.c3Name+"，服务期至 2029-08-01") {
		t.Fatalf("place: %q", flashOf(body))
	}
	// A departure before the placement is refused at its field, and the
	// organizer stays in post.
	if st, _, body = b.status(t, "POST", at+"/depart", url.Values{"left_on": {"2026-07-15"}, "reason": {"civil_service"}}); st != 422 || errAt(body, "left_on") != "离岗日期不能早于派驻日期 2026-08-01" {
		t.Errorf("a departure before the placement: %d %q", st, errAt(body, "left_on"))
	}
	body = b.get(t, "/organizers/list?state=in_post")
	if r := row(t, body, "张伟"); r != "1 张伟 大学本科 2026年兴宁区党建组织员 "+f.c3Name+" 2026-08-01 2029-08-01 在岗" {
		t.Errorf("the organizers' row: %q", r)
	}
	body = b.get(t, "/organizers")
	if r := row(t, body, "2026年兴宁区党建组织员"); r != "1 2026年兴宁区党建组织员 2026 兴宁区委 1 / 3 1 0 100.0%" {
		t.Errorf("the batch's row: %q", r)
	}
	_, rows := b.xlsx(t, "/organizers/list/export.xlsx")
	if last := rows[len(rows)-1]; strings.Join(last[1:12], "|") != "张伟|男|大学本科|2026年兴宁区党建组织员|兴宁区委|2026-07-01|"+f.c3Name+"|2026-08-01|3|2029-08-01|在岗" {
		t.Errorf("the export: %v", last)
	}
}

// TestCareAPI: an application refused at its field, a case whose reason is
// given on the case and not in the list, and the totals.
func TestCareAPI(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	tok := f.token(t, "street_admin")
	zw := strings.TrimPrefix(f.zw, "/people/")
	st, out := f.call(t, "POST", "/api/v1/care-cases", tok, `{"person_id":`+zw+`,"category":"因病致困","reason":"住院治疗自付费用高","requested":-10,"applied_on":"2026-11-02"}`)
	if field, m := fieldErr(out); st != 400 || field != "requested" || m != "金额应为 1–100000 元之间的整数（单位：元）" {
		t.Errorf("a negative amount: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/care-cases", tok, `{"person_id":`+zw+`,"category":"因病致困","reason":"住院治疗自付费用高","requested":2000,"applied_on":"2026-11-02"}`)
	if st != 201 || out["state"] != "applied" || out["reason"] != "住院治疗自付费用高" || out["category"] != "illness" {
		t.Fatalf("apply: %d %v", st, out)
	}
	id := fmt.Sprint(out["id"])
	// The street may not pay at the county's level; the county may not
	// before its approval.
	st, out = f.call(t, "POST", "/api/v1/care-cases/"+id+"/disburse", tok, `{"paid_on":"2026-11-03","amount":2000}`)
	if st != 403 || errMsg(out) != "您没有登记发放该案件的权限：应由兴宁区委办理" {
		t.Errorf("the street paying: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/care-cases/"+id+"/disburse", f.token(t, "county_admin"), `{"paid_on":"2026-11-03","amount":2000}`)
	if st != 409 || errMsg(out) != "该案件尚未经县级审批（当前：待乡镇审核），不能发放" {
		t.Errorf("paying first: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/care-cases?state=applied", tok, "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 || items[0].(map[string]any)["reason"] != nil || fmt.Sprint(out["by_state"]) != "map[applied:1]" {
		t.Errorf("the list: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/care-totals?year=2026", f.token(t, "county_admin"), "")
	if total, _ := out["total"].(map[string]any); st != 200 || fmt.Sprint(total["cases"], total["pending"]) != "1 1" {
		t.Errorf("totals: %d %v", st, out)
	}
}

// careRows opens a batch of the first county with a recruit and applies for
// care for that recruit, over the API as admin, for tests that need rows
// in the organizers' and the care lists.
func careRows(t *testing.T, f *fixture, admin string) {
	t.Helper()
	o := f.peopleOrgs(t)
	st, p := f.call(t, "POST", "/api/v1/people", admin, memberJSON(map[string]any{"name": "打印测试组织员", "id_number": idOf("450102", "19950101", 137), "ethnicity": "01",
		"education": "21", "org_id": o.village.ID, "kind": "full", "joined_on": "2018-07-01"}, nil))
	if st != 201 {
		t.Fatalf("member: %d %v", st, p)
	}
	st, b := f.call(t, "POST", "/api/v1/organizer-batches", admin, fmt.Sprintf(`{"name":"2026年打印测试批次","year":2026,"org_id":%d,"planned":3}`, o.county.ID))
	if st != 201 {
		t.Fatalf("batch: %d %v", st, b)
	}
	st, r := f.call(t, "POST", fmt.Sprintf("/api/v1/organizer-batches/%v/recruits", b["id"]), admin, fmt.Sprintf(`{"person_id":%v,"recruited_on":"2026-07-01"}`, p["id"]))
	if st != 201 {
		t.Fatalf("recruit: %d %v", st, r)
	}
	community := f.orgByName(t, "兴宁社区党支部")
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/organizers/%v/placement", r["id"]), admin, fmt.Sprintf(`{"org_id":%d,"placed_on":"2026-08-01","tenure_years":3}`, community.ID)); st != 200 {
		t.Fatalf("place: %d %v", st, out)
	}
	st, c := f.call(t, "POST", "/api/v1/care-cases", f.token(t, "street_admin"), fmt.Sprintf(`{"person_id":%v,"category":"illness","reason":"住院治疗自付费用高","requested":3000,"applied_on":"2026-11-02"}`, p["id"]))
	if st != 201 {
		t.Fatalf("care: %d %v", st, c)
	}
	// Applied for by the street, reviewed by the administrator, approved by
	// the county's department, paid by the administrator.
	for _, s := range []struct{ who, step, body string }{{admin, "review", `{"decision":"approve","amount":2500,"on_date":"2026-11-03"}`},
		{f.token(t, "county_admin"), "approve", `{"decision":"approve","on_date":"2026-11-04"}`}, {admin, "disburse", `{"paid_on":"2026-11-05","amount":2500}`}} {
		if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/care-cases/%v/%s", c["id"], s.step), s.who, s.body); st != 200 {
			t.Fatalf("%s: %d %v", s.step, st, out)
		}
	}
}
