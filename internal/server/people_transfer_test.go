package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestTransferPages: 兴宁区's department sends 张伟 to a branch in 青秀区,
// found by the directory picker although it is outside its scope; 青秀区's
// department finds it among its incoming transfers, is refused without a
// date it may use, and accepts. 张伟 then appears in 青秀区's register and
// no more in 兴宁区's; the sender sees the transfer as accepted, and the
// export lists it with the number masked.
func TestTransferPages(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	ctx := context.Background()
	qx := f.orgByName(t, "青秀区委")
	if _, err := f.accts.Create(ctx, testrig.Admin, account.NewUser{Username: "qingxiu", Password: "Qing-xiu-2026", HomeOrgID: qx.ID, Role: access.OrgAdmin}); err != nil {
		t.Fatal(err)
	}
	f.pw["qingxiu"] = "Qing-xiu-2026"
	list, _, _ := f.orgs.List(ctx, testrig.Admin, org.ListQuery{Under: qx.ID, Kind: "branch", Limit: 1, Sort: "code"})
	if len(list) != 1 {
		t.Fatal("no branch in 青秀区")
	}
	dest := list[0]
	// The picker of the form finds it by name for 兴宁区, whose own pickers
	// do not.
	if body := f.b.get(t, "/pick/orgs?field=to_org&scope=all&q="+url.QueryEscape(dest.Name)); !strings.Contains(body, dest.Name) || !strings.Contains(body, "青秀区") {
		t.Errorf("the directory picker does not offer %s: %.300s", dest.Name, text(body))
	}
	if body := f.b.get(t, "/pick/orgs?field=org&q="+url.QueryEscape(dest.Name)); strings.Contains(body, "青秀区") {
		t.Errorf("the scoped picker offers %s outside the scope", dest.Name)
	}
	if body := f.b.get(t, "/pick/orgs?field=to_org&scope=all&q=党"); strings.Contains(body, "pick-name") {
		t.Errorf("a one-character directory search lists organizations: %.300s", text(body))
	}
	page := f.b.get(t, f.zw)
	if !strings.Contains(page, `action="`+f.zw+`/transfer"`) || !strings.Contains(page, "scope=all") {
		t.Fatalf("no transfer form on 张伟's page")
	}
	today := regexp.MustCompile(`name="transfer_on"[^>]*max="([0-9-]+)"`).FindStringSubmatch(page)
	if today == nil {
		t.Fatal("no date field")
	}
	// Refused: no organization typed.
	st, _, body := f.b.status(t, "POST", f.zw+"/transfer", url.Values{"mode": {"in"}, "to_org_q": {""}, "transfer_on": {today[1]}})
	if st != 422 || !strings.Contains(body, "请选择接收党组织；转出本系统的，请填写接收党组织全称") {
		t.Errorf("no organization: %d %s", st, flashOf(body))
	}
	st, at, body := f.b.status(t, "POST", f.zw+"/transfer", url.Values{"mode": {"in"}, "to_org": {fmt.Sprint(dest.ID)}, "to_org_q": {dest.Name}, "transfer_on": {today[1]}, "note": {"工作调动"}})
	if st != 200 || at != f.zw || !strings.Contains(body, "已提出转接，等待"+dest.Label()+"接收") || !strings.Contains(text(body), "已提出组织关系转接：转至"+dest.Label()) {
		t.Fatalf("request: %d at %s: %s", st, at, flashOf(body))
	}
	if strings.Contains(body, `action="`+f.zw+`/transfer"`) {
		t.Errorf("the form is offered again while a transfer is pending")
	}
	qb := f.browser(t, "qingxiu")
	in := qb.get(t, "/people/transfers?dir=in")
	if txt := text(in); !strings.Contains(txt, "张伟") || !strings.Contains(txt, f.c3Name) || !strings.Contains(txt, "450102********"+f.zwID[14:]) || strings.Contains(in, f.zwID) {
		t.Fatalf("incoming for 青秀区: %.600s", txt)
	}
	id := regexp.MustCompile(`/people/transfers/([0-9]+)/accept`).FindStringSubmatch(in)
	if id == nil {
		t.Fatal("no accept form")
	}
	// Before it accepts, 青秀区 may not open the member's page: the name is
	// not a link; the sender's list links it.
	if strings.Contains(in, `href="`+f.zw+`"`) || !strings.Contains(f.b.get(t, "/people/transfers?dir=out"), `href="`+f.zw+`"`) {
		t.Errorf("the pending member's link: for the receiver %v", strings.Contains(in, `href="`+f.zw+`"`))
	}
	// 兴宁区 cannot accept for 青秀区.
	st, at, body = f.b.status(t, "POST", "/people/transfers/"+id[1]+"/accept", url.Values{"on_date": {today[1]}})
	if st != 200 || at != "/people/transfers?dir=in" || !strings.Contains(body, "只有接收党组织“"+dest.Label()+"”的管理人员可以接收或退回这次转接") {
		t.Errorf("the sender accepting: %d at %s: %s", st, at, flashOf(body))
	}
	st, at, body = qb.status(t, "POST", "/people/transfers/"+id[1]+"/accept", url.Values{"on_date": {today[1]}})
	if st != 200 || at != "/people/transfers?dir=in" || !strings.Contains(body, "已接收张伟的组织关系，转入"+dest.Label()) {
		t.Fatalf("accept: %d at %s: %s", st, at, flashOf(body))
	}
	if in := qb.get(t, "/people/transfers?dir=in"); !strings.Contains(in, `href="`+f.zw+`"`) {
		t.Errorf("the received member is not linked for the receiver")
	}
	if txt := text(qb.get(t, "/people")); !strings.Contains(txt, "张伟") {
		t.Errorf("青秀区's register lacks 张伟: %.400s", txt)
	}
	if txt := text(f.b.get(t, "/people")); strings.Contains(txt, "张伟") || !strings.Contains(txt, "李娜") {
		t.Errorf("兴宁区's register after the transfer: %.400s", txt)
	}
	if txt := text(f.b.get(t, "/people/transfers?dir=out")); !strings.Contains(txt, "张伟") || !strings.Contains(txt, "已接收") {
		t.Errorf("兴宁区's outgoing: %.400s", txt)
	}
	name, rows := f.b.xlsx(t, "/people/transfers/export.xlsx?dir=out")
	if !strings.HasSuffix(name, ".xlsx") || len(rows) < 4 {
		t.Fatalf("export %s: %v", name, rows)
	}
	found := false
	for _, r := range rows {
		if len(r) > 7 && r[1] == "张伟" {
			found = true
			if r[2] != "450102********"+f.zwID[14:] || r[4] != f.c3Name || r[5] != dest.Label() || r[7] != "已接收" {
				t.Errorf("exported row: %v", r)
			}
		}
	}
	if !found {
		t.Errorf("张伟 not in the export: %v", rows)
	}
}

// TestTransferAPI: the same steps through the API, each answer validated
// against the OpenAPI document: a request out of the system ends the
// membership at once; one within it waits for the receiving side, which
// rejects it with a reason; a second answer to it is a conflict.
func TestTransferAPI(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.Now = func() time.Time { return peopleNow } })
	o := f.peopleOrgs(t)
	county, street := f.token(t, "county_admin"), f.token(t, "street_admin")
	add := func(name, id string, in org.Org) int64 {
		st, out := f.call(t, "POST", "/api/v1/people", county, memberJSON(map[string]any{"name": name, "id_number": id, "ethnicity": "汉族", "education": "大学本科",
			"org_id": in.ID, "kind": "full", "joined_on": "2005-07-01"}, nil))
		if st != 201 {
			t.Fatalf("register %s: %d %v", name, st, out)
		}
		return int64(out["id"].(float64))
	}
	zw, ln := add("张伟", idNumber("19800101", 11), o.village), add("李娜", idNumber("19850808", 42), o.village)
	st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/people/%d/transfer", zw), county, `{"out_to":"中共广东省深圳市宝安区新安街道工作委员会","on_date":"2026-11-20"}`)
	if st != 201 || out["state"] != "out" || out["to_org_name"] != "中共广东省深圳市宝安区新安街道工作委员会" {
		t.Fatalf("out of the system: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/people?status=ended", county, "")
	if st != 200 || fmt.Sprint(names(out)) != "[张伟]" {
		t.Errorf("ended memberships: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/people/%d/transfer", ln), county, fmt.Sprintf(`{"to_org_id":%d,"on_date":"2026-11-20","note":"工作调动"}`, o.street.ID))
	if st != 201 || out["state"] != "pending" || out["can_withdraw"] != true {
		t.Fatalf("within the system: %d %v", st, out)
	}
	tid := int64(out["id"].(float64))
	st, out = f.call(t, "GET", "/api/v1/transfers?direction=in&state=pending", street, "")
	if st != 200 || out["total"] != float64(1) {
		t.Fatalf("the street's incoming: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/transfers/%d/reject", tid), street, `{"reason":""}`)
	if field, msg := fieldErr(out); st != 400 || field != "reason" || msg != "请写明退回的理由（2–200 字），如“介绍信所列接收单位有误”" {
		t.Errorf("reject without a reason: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/transfers/%d/reject", tid), street, `{"reason":"介绍信所列接收单位有误"}`)
	if st != 200 || out["state"] != "rejected" || out["reason"] != "介绍信所列接收单位有误" || out["decided_by"] != "street_admin" {
		t.Fatalf("reject: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/transfers/%d/accept", tid), street, `{"on_date":"2026-11-21"}`)
	if st != 409 || errMsg(out) != "这次转接“已退回”，不能再处理" {
		t.Errorf("accept after the rejection: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/transfers/%d", tid), county, "")
	if st != 200 || out["state"] != "rejected" || out["can_withdraw"] != false {
		t.Errorf("get: %d %v", st, out)
	}
}

// beijingToday is today's date where the register's dates are.
func beijingToday() string { return time.Now().In(org.Shanghai).Format("2006-01-02") }
