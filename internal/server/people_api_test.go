package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// peopleNow is the register's date in these tests: 3 December 2026.
var peopleNow = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// idNumber is a valid ID number of 兴宁区 with a birth date (YYYYMMDD) and
// a serial; an odd serial is a man.
func idNumber(birth string, serial int) string { return idOf("450102", birth, serial) }

// idOf is an ID number of region with a valid check character.
func idOf(region, birth string, serial int) string {
	first17 := fmt.Sprintf("%s%s%03d", region, birth, serial)
	return first17 + string(ids.IDCardCheckChar(first17))
}

// memberJSON is a registration body: the fields of base with those of
// change laid over them (a nil value leaves the field out).
func memberJSON(base, change map[string]any) string {
	m := map[string]any{}
	for k, v := range base {
		m[k] = v
	}
	for k, v := range change {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// exchange sends a JSON request and returns the answer's status, headers
// and body as sent.
func (f *fixture) exchange(t *testing.T, method, path, token, body, lang string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// peopleOrgs are the organizations of the register's tests: the county of
// county_admin, its first township (民生街道, street_admin's) and that
// township's first village (the secretary's), and its second township.
type peopleOrgs struct {
	county, street, village, other org.Org
}

func (f *fixture) peopleOrgs(t *testing.T) peopleOrgs {
	t.Helper()
	ctx := context.Background()
	children := func(id int64, n int) []org.Org {
		l, _, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{Under: id, ChildrenOnly: true, Limit: n})
		if err != nil || len(l) != n {
			t.Fatalf("children of %d: %v %d", id, err, len(l))
		}
		return l
	}
	var o peopleOrgs
	o.county = children(f.root, 1)[0]
	towns := children(o.county.ID, 2)
	o.street, o.other = towns[0], towns[1]
	o.village = children(o.street.ID, 1)[0]
	return o
}

// names are the names of a list's items, in order.
func names(out map[string]any) []string {
	var n []string
	for _, it := range out["items"].([]any) {
		n = append(n, it.(map[string]any)["name"].(string))
	}
	return n
}

func membership(p map[string]any) map[string]any {
	m, _ := p["membership"].(map[string]any)
	return m
}

// fieldErr is the field and message of an error answer.
func fieldErr(out map[string]any) (string, string) {
	e, _ := out["error"].(map[string]any)
	f, _ := e["field"].(string)
	m, _ := e["message"].(string)
	return f, m
}

// TestPeopleAPI registers members over the API and checks every answer
// exactly: the pinyin order of the list and its pages, the filters, search
// by a whole ID number, every refused input at its field, duplicates named
// where the caller may see them, status changes, full membership, the
// timeline, reveals and their audit, the statistics part, and English.
func TestPeopleAPI(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.Now = func() time.Time { return peopleNow } })
	o := f.peopleOrgs(t)
	county, street, sec, aud := f.token(t, "county_admin"), f.token(t, "street_admin"), f.token(t, "secretary"), f.token(t, "auditor")
	type reg struct {
		name, id, kind, joined string
		org                    org.Org
		extra                  map[string]any
	}
	regs := []reg{
		{"张伟", idNumber("19800101", 11), "full", "2005-07-01", o.village, map[string]any{"phone": "13812345678"}},
		{"陈静", idNumber("19950315", 22), "probationary", "2025-10-01", o.village, map[string]any{"education": "硕士研究生"}},
		{"李娜", idNumber("19880808", 42), "full", "2010-07-01", o.other, map[string]any{"education": "31"}},
		{"白雪", idNumber("19700520", 62), "full", "2000-07-01", o.street,
			map[string]any{"ethnicity": "壮族", "education": "普通高中", "gender": "女", "birth_date": "1970-05-20", "full_on": "2001-07-01"}},
		{"黄明", idNumber("19500909", 71), "full", "1975-07-01", o.village, map[string]any{"education": "初中"}},
	}
	pid := map[string]int64{}
	base := func(r reg) map[string]any {
		return map[string]any{"name": r.name, "id_number": r.id, "ethnicity": "汉族", "education": "大学本科", "org_id": r.org.ID, "kind": r.kind, "joined_on": r.joined}
	}
	for _, r := range regs {
		st, out := f.call(t, "POST", "/api/v1/people", county, memberJSON(base(r), r.extra))
		if st != 201 {
			t.Fatalf("register %s: %d %v", r.name, st, out)
		}
		pid[r.name] = int64(out["id"].(float64))
	}
	zhang, chen, li, bai, huang := pid["张伟"], pid["陈静"], pid["李娜"], pid["白雪"], pid["黄明"]

	// The registration answers the person, masked, with their membership.
	st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/people/%d", zhang), county, "")
	m := membership(out)
	if st != 200 || out["name"] != "张伟" || out["gender"] != "male" || out["birth_date"] != "1980-01-01" || out["ethnicity"] != "01" || out["education"] != "21" ||
		out["id_number_masked"] != "450102********"+regs[0].id[14:] || out["phone_masked"] != "138****5678" || out["version"].(float64) != 1 ||
		m["org_id"].(float64) != float64(o.village.ID) || m["org_name"] != o.village.Label() || m["kind"] != "full" || m["joined_on"] != "2005-07-01" ||
		m["full_on"] != "" || m["status"] != "normal" || m["active"] != true || m["started_on"] != "2005-07-01" || m["ended_on"] != "" || m["due_on"] != "" {
		t.Fatalf("person: %d %v", st, out)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/people/%d", bai), county, "")
	if m := membership(out); st != 200 || out["gender"] != "female" || out["ethnicity"] != "08" || out["education"] != "61" || out["phone_masked"] != "" || m["full_on"] != "2001-07-01" {
		t.Fatalf("person with gender and birth date given: %d %v", st, out)
	}

	// The list: pinyin order, pages, subtree, filters, search.
	for _, tc := range []struct {
		query, token string
		want         []string
		total        int
	}{
		{"", county, []string{"白雪", "陈静", "黄明", "李娜", "张伟"}, 5},
		{"?limit=2", county, []string{"白雪", "陈静"}, 5},
		{fmt.Sprintf("?org_id=%d", o.street.ID), county, []string{"白雪", "陈静", "黄明", "张伟"}, 4},
		{"", street, []string{"白雪", "陈静", "黄明", "张伟"}, 4},
		{"", sec, []string{"陈静", "黄明", "张伟"}, 3},
		{"?kind=probationary", county, []string{"陈静"}, 1},
		{"?kind=full&limit=1", county, []string{"白雪"}, 4},
		{"?q=张", county, []string{"张伟"}, 1},
		{"?q=" + regs[2].id, county, []string{"李娜"}, 1},
		{"?q=" + strings.ToLower(idNumber("19700520", 62)), county, []string{"白雪"}, 1},
		{"?q=" + regs[2].id[:14], county, nil, 0},
		{"?q=" + regs[2].id, street, nil, 0},
		{"?status=floating", county, nil, 0},
	} {
		st, out := f.call(t, "GET", "/api/v1/people"+tc.query, tc.token, "")
		if st != 200 || !slices.Equal(names(out), tc.want) || out["total"].(float64) != float64(tc.total) {
			t.Errorf("list %s: %d %v total %v, want %v total %d", tc.query, st, names(out), out["total"], tc.want, tc.total)
		}
	}
	var pages [][]string
	firstCursor := ""
	for cursor := "first"; cursor != ""; {
		q := "/api/v1/people?limit=2"
		if cursor != "first" {
			q += "&cursor=" + cursor
		}
		st, out := f.call(t, "GET", q, county, "")
		if st != 200 {
			t.Fatalf("page: %d %v", st, out)
		}
		pages, cursor = append(pages, names(out)), out["next_cursor"].(string)
		if firstCursor == "" {
			firstCursor = cursor
		}
	}
	if fmt.Sprint(pages) != "[[白雪 陈静] [黄明 李娜] [张伟]]" {
		t.Errorf("pages: %v", pages)
	}
	// A position past the last member: an empty page, and no cursor that
	// would lead back to the first.
	st, out = f.call(t, "GET", "/api/v1/people?cursor="+base64.RawURLEncoding.EncodeToString([]byte("o:0@ffff.1")), county, "")
	if st != 200 || len(out["items"].([]any)) != 0 || out["next_cursor"] != "" {
		t.Errorf("after the last member: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/people?kind=probationary", county, "")
	if it := out["items"].([]any)[0].(map[string]any); st != 200 || it["org_id"].(float64) != float64(o.village.ID) || it["org_name"] != o.village.Label() ||
		membership(it)["due_on"] != "2026-10-01" || membership(it)["overdue"] != true || membership(it)["started_on"] != "2025-10-01" || it["id_number_masked"] != "450102********"+regs[1].id[14:] {
		t.Errorf("probationary item: %d %v", st, out)
	}
	for _, tc := range []struct{ query, field, msg string }{
		{"?status=expelled", "status", "状态只能是 normal、floating、lost、suspended 或 ended（已离开）"},
		{"?kind=member", "kind", "类别只能是 full 或 probationary"},
		{"?org_id=abc", "org_id", "org_id 应为整数"},
		{"?limit=0", "limit", "limit 应为 1–1000 的整数"},
		// A cursor carries the last member's position in name order: one
		// made up, or used with another order, is refused.
		{"?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("o:2@zz.1")), "cursor", "cursor 无效，请使用上一页返回的 next_cursor"},
		{"?sort=age&cursor=" + firstCursor, "cursor", "cursor 无效，请使用上一页返回的 next_cursor"},
		{"?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("o:x@ab.1")), "cursor", "cursor 无效，请使用上一页返回的 next_cursor"},
	} {
		st, out := f.call(t, "GET", "/api/v1/people"+tc.query, county, "")
		if fld, msg := fieldErr(out); st != 400 || fld != tc.field || msg != tc.msg {
			t.Errorf("list %s: %d %v", tc.query, st, out)
		}
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/people?org_id=%d", o.other.ID), street, "")
	if st != 404 || errMsg(out) != fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", o.other.ID) {
		t.Errorf("list outside the scope: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/people", f.token(t, "handler"), "")
	if st != 403 || errMsg(out) != "您没有查看党员名册的权限" {
		t.Errorf("list for a case handler: %d %v", st, out)
	}

	// Every refused input, alone, at its field.
	good := base(reg{"周强", idNumber("19850312", 91), "full", "2010-07-01", o.village, nil})
	for _, tc := range []struct {
		change     map[string]any
		field, msg string
	}{
		{map[string]any{"name": " "}, "name", "请填写姓名（最多 50 字）"},
		{map[string]any{"name": strings.Repeat("名", 51)}, "name", "请填写姓名（最多 50 字）"},
		{map[string]any{"id_number": "45010219850312091"}, "id_number", "身份证号应为 18 位，现为 17 位"},
		{map[string]any{"id_number": idNumber("19850312", 91)[:17] + "0"}, "id_number", "身份证号第 18 位校验码与前 17 位不符：可能有数字输错，请对照证件逐位核对，不要只改第 18 位"},
		{map[string]any{"id_number": "450102198502300917"}, "id_number", "身份证号第 7–14 位出生日期 19850230 无效"},
		{map[string]any{"id_number": idOf("990102", "19850312", 91)}, "id_number", "身份证号前 2 位 99 不是省级行政区划代码，请核对"},
		{map[string]any{"gender": "女"}, "gender", "性别与身份证号不符：身份证号第 17 位表示男"},
		{map[string]any{"gender": "unknown"}, "gender", "性别应为“男”或“女”"},
		{map[string]any{"birth_date": "1985-03-13"}, "birth_date", "出生日期与身份证号不符：身份证号第 7–14 位为 1985-03-12"},
		{map[string]any{"ethnicity": "火星族"}, "ethnicity", "请选择民族（56 个民族之一，如“汉族”“壮族”）"},
		{map[string]any{"education": "幼儿园"}, "education", "请选择学历，如“大学本科”“大学专科”“普通高中”"},
		{map[string]any{"phone": "12345"}, "phone", "电话应为 11 位手机号（如 13812345678）或带区号的座机（如 0771-1234567）"},
		{map[string]any{"kind": "member"}, "kind", "请选择党员类别：正式党员或预备党员"},
		{map[string]any{"joined_on": "07/01/2010"}, "joined_on", "请填写入党日期，格式如 2020-07-01"},
		{map[string]any{"joined_on": "2026-12-04"}, "joined_on", "入党日期不能晚于今天"},
		{map[string]any{"joined_on": "2003-03-11"}, "joined_on", "入党时应年满 18 周岁：请核对入党日期和身份证号"},
		{map[string]any{"kind": "probationary", "full_on": "2011-07-01"}, "full_on", "预备党员没有转正日期：转正时再填写"},
		{map[string]any{"full_on": "2011-06-30"}, "full_on", "转正日期应在入党满一年预备期之后"},
		{map[string]any{"joined_on": "2025-12-01", "full_on": "2026-12-04"}, "full_on", "转正日期不能晚于今天"},
		{map[string]any{"full_on": "1 July 2011"}, "full_on", "请填写转正日期，格式如 2020-07-01"},
		{map[string]any{"org_id": nil}, "org_id", "请选择所在党组织"},
		{map[string]any{"org_id": o.other.ID + 1_000_000}, "org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", o.other.ID+1_000_000)},
		{map[string]any{"nickname": "强子"}, "nickname", "未知字段 nickname"},
		{map[string]any{"org_id": "1"}, "org_id", "字段 org_id 应为整数"},
	} {
		st, out := f.call(t, "POST", "/api/v1/people", county, memberJSON(good, tc.change))
		if fld, msg := fieldErr(out); st != 400 || fld != tc.field || msg != tc.msg {
			t.Errorf("register with %v: %d %v, want 400 at %s: %s", tc.change, st, out, tc.field, tc.msg)
		}
	}
	st, out = f.call(t, "POST", "/api/v1/people", street, memberJSON(good, map[string]any{"org_id": o.other.ID}))
	if fld, msg := fieldErr(out); st != 400 || fld != "org_id" || msg != fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", o.other.ID) {
		t.Errorf("register outside the scope: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/people", aud, memberJSON(good, nil))
	if st != 403 || errMsg(out) != "您没有登记党员的权限" {
		t.Errorf("register as auditor: %d %v", st, out)
	}
	// Several faults at once: each at its field, the first as the message.
	st, out = f.call(t, "POST", "/api/v1/people", county, memberJSON(good, map[string]any{"name": "", "kind": ""}))
	if e := out["error"].(map[string]any); st != 400 || e["field"] != "name" || e["message"] != "请填写姓名（最多 50 字）" ||
		fmt.Sprint(e["fields"]) != "map[kind:请选择党员类别：正式党员或预备党员 name:请填写姓名（最多 50 字）]" {
		t.Errorf("several faults: %d %v", st, out)
	}

	// A duplicate says where the person is, when the caller may see it.
	for _, tc := range []struct {
		token string
		id    string
		msg   string
	}{
		{county, regs[0].id, "该身份证号已登记：张伟，现为" + o.village.Label() + "正式党员"},
		{county, strings.ToLower(regs[3].id), "该身份证号已登记：白雪，现为" + o.street.Label() + "正式党员"},
		{street, regs[2].id, "该身份证号已登记在您管理范围以外的党组织，请联系上级组织部门"},
	} {
		st, out := f.call(t, "POST", "/api/v1/people", tc.token, memberJSON(good, map[string]any{"id_number": tc.id, "org_id": o.street.ID}))
		if fld, msg := fieldErr(out); st != 400 || fld != "id_number" || msg != tc.msg {
			t.Errorf("duplicate %s: %d %v, want %s", tc.id, st, out, tc.msg)
		}
	}

	// Status changes.
	status := func(token string, id int64, body string) (int, map[string]any) {
		return f.call(t, "POST", fmt.Sprintf("/api/v1/people/%d/status", id), token, body)
	}
	st, out = status(sec, zhang, `{"status":"floating","where":"广东省深圳市宝安区","on_date":"2026-02-01"}`)
	if m := membership(out); st != 200 || m["status"] != "floating" || m["floating_where"] != "广东省深圳市宝安区" || m["active"] != true {
		t.Fatalf("floating: %d %v", st, out)
	}
	for _, tc := range []struct{ body, field, msg string }{
		{`{"status":"floating","on_date":"2026-02-01"}`, "where", "请填写流动党员的流入地（最多 100 字），如“广东省深圳市宝安区”"},
		{`{"status":"floating","where":"广东省深圳市宝安区","on_date":"2026-03-01"}`, "status", "状态没有变化"},
		{`{"status":"transferred_out","on_date":"2026-02-01"}`, "status", "请选择状态：正常、流动党员、失联、停止党籍、出党或去世"},
		{`{"status":"lost","on_date":"2026-12-04"}`, "on_date", "变更日期不能晚于今天"},
		{`{"status":"lost"}`, "on_date", "请填写变更日期，格式如 2020-07-01"},
		{`{"status":"lost","on_date":"2005-06-30"}`, "on_date", "变更日期不能早于在本组织的开始日期 2005-07-01"},
	} {
		st, out := status(county, zhang, tc.body)
		if fld, msg := fieldErr(out); st != 400 || fld != tc.field || msg != tc.msg {
			t.Errorf("status %s: %d %v", tc.body, st, out)
		}
	}
	st, out = status(aud, zhang, `{"status":"lost","on_date":"2026-03-01"}`)
	if st != 403 || errMsg(out) != "您没有管理该党员的权限" {
		t.Errorf("status as auditor: %d %v", st, out)
	}
	st, out = status(sec, li, `{"status":"lost","on_date":"2026-03-01"}`)
	if st != 404 || errMsg(out) != fmt.Sprintf("人员 %d 不存在或不在您的管理范围内", li) {
		t.Errorf("status outside the scope: %d %v", st, out)
	}
	st, out = status(county, huang, `{"status":"deceased","on_date":"2026-11-01"}`)
	if m := membership(out); st != 200 || m["status"] != "deceased" || m["active"] != false || m["ended_on"] != "2026-11-01" {
		t.Fatalf("deceased: %d %v", st, out)
	}
	st, out = status(county, huang, `{"status":"normal","on_date":"2026-11-02"}`)
	if st != 409 || errMsg(out) != "黄明的党员身份已于 2026-11-01 结束（去世），不能再变更" {
		t.Errorf("status after the end: %d %v", st, out)
	}
	st, out = f.call(t, "POST", "/api/v1/people", county, memberJSON(good, map[string]any{"id_number": regs[4].id}))
	if fld, msg := fieldErr(out); st != 400 || fld != "id_number" || msg != "该身份证号已登记：黄明，原为"+o.village.Label()+"党员（去世）" {
		t.Errorf("duplicate of a former member: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/people?status=floating", county, "")
	if st != 200 || !slices.Equal(names(out), []string{"张伟"}) {
		t.Errorf("floating members: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/people", county, "")
	if st != 200 || !slices.Equal(names(out), []string{"白雪", "陈静", "李娜", "张伟"}) || out["total"].(float64) != 4 {
		t.Errorf("members after a death: %d %v", st, names(out))
	}

	// Full membership.
	convert := func(token string, id int64, on string) (int, map[string]any) {
		return f.call(t, "POST", fmt.Sprintf("/api/v1/people/%d/convert", id), token, fmt.Sprintf(`{"full_on":%q}`, on))
	}
	for _, tc := range []struct{ on, msg string }{
		{"2026-09-30", "预备期为一年：最早可于 2026-10-01 转正"},
		{"2026-12-04", "转正日期不能晚于今天"},
		{"", "请填写转正日期，格式如 2020-07-01"},
	} {
		st, out := convert(county, chen, tc.on)
		if fld, msg := fieldErr(out); st != 400 || fld != "full_on" || msg != tc.msg {
			t.Errorf("convert on %q: %d %v", tc.on, st, out)
		}
	}
	st, out = convert(sec, chen, "2026-10-08")
	if m := membership(out); st != 200 || m["kind"] != "full" || m["full_on"] != "2026-10-08" || m["due_on"] != "" || m["overdue"] != false {
		t.Fatalf("convert: %d %v", st, out)
	}
	st, out = convert(county, chen, "2026-10-09")
	if st != 409 || errMsg(out) != "陈静已是正式党员" {
		t.Errorf("convert twice: %d %v", st, out)
	}
	st, out = f.call(t, "POST", fmt.Sprintf("/api/v1/people/%d/convert", chen), county, `{"full_on":"2026-10-09","note":"x"}`)
	if fld, msg := fieldErr(out); st != 400 || fld != "note" || msg != "未知字段 note" {
		t.Errorf("convert with an unknown field: %d %v", st, out)
	}

	// The timeline, in both languages.
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"zh-CN", []string{"join 2025-10-01 county_admin 登记为" + o.village.Label() + "预备党员", "convert 2026-10-08 secretary 转为正式党员"}},
		{"en", []string{"join 2025-10-01 county_admin registered as a probationary member of " + o.village.Label(), "convert 2026-10-08 secretary became a full member"}},
	} {
		st, out := f.callLang(t, "GET", fmt.Sprintf("/api/v1/people/%d/timeline", chen), county, "", tc.lang)
		var got []string
		for _, it := range out["items"].([]any) {
			e := it.(map[string]any)
			got = append(got, fmt.Sprint(e["kind"], " ", e["on_date"], " ", e["actor"], " ", e["summary"]))
			if e["at"] != "2026-12-03T10:00:00.000Z" {
				t.Errorf("timeline at %v", e["at"])
			}
		}
		if st != 200 || !slices.Equal(got, tc.want) {
			t.Errorf("timeline in %s: %d\n%q\nwant\n%q", tc.lang, st, got, tc.want)
		}
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/people/%d/timeline", li), sec, "")
	if st != 404 || errMsg(out) != fmt.Sprintf("人员 %d 不存在或不在您的管理范围内", li) {
		t.Errorf("timeline outside the scope: %d %v", st, out)
	}
	st, out = f.call(t, "GET", "/api/v1/people/0/timeline", county, "")
	if st != 404 || errMsg(out) != `编号 "0" 无效` {
		t.Errorf("timeline of id 0: %d %v", st, out)
	}

	// Reveals: the organization department sees the number, out of every
	// cache, and the audit log records who saw whose, never the number.
	reveal := func(token string, id int64, field string) (int, http.Header, map[string]any) {
		st, h, body := f.exchange(t, "POST", fmt.Sprintf("/api/v1/people/%d/reveal", id), token, fmt.Sprintf(`{"field":%q}`, field), "")
		var out map[string]any
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("reveal: %d %s", st, body)
		}
		return st, h, out
	}
	for _, tc := range []struct{ field, want string }{{"id_number", regs[0].id}, {"phone", "13812345678"}} {
		st, h, out := reveal(county, zhang, tc.field)
		if st != 200 || out["value"] != tc.want || len(out) != 1 || h.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal %s: %d %v %q", tc.field, st, out, h.Get("Cache-Control"))
		}
	}
	for _, tc := range []struct {
		token, field string
		id           int64
		status       int
		msg          string
	}{
		{sec, "id_number", zhang, 403, "您没有查看完整身份证号和电话的权限"},
		{aud, "phone", zhang, 403, "您没有查看完整身份证号和电话的权限"},
		{sec, "id_number", li, 404, fmt.Sprintf("人员 %d 不存在或不在您的管理范围内", li)},
		{county, "phone", bai, 404, "白雪未登记电话"},
		{county, "name", zhang, 400, "只能查看 id_number 或 phone"},
	} {
		st, h, out := reveal(tc.token, tc.id, tc.field)
		if st != tc.status || errMsg(out) != tc.msg || h.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal %s of %d: %d %v, want %d %s", tc.field, tc.id, st, out, tc.status, tc.msg)
		}
	}
	st, _, body := f.exchange(t, "GET", "/api/v1/audit?action=person.reveal", aud, "", "")
	var log struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	if err := json.Unmarshal([]byte(body), &log); err != nil || st != 200 || log.Total != 2 {
		t.Fatalf("reveals audited: %d %s", st, body)
	}
	var summaries []string
	for _, e := range log.Items {
		summaries = append(summaries, fmt.Sprint(e["actor"], " ", e["target_type"], " ", e["target_id"], " ", e["summary"], " / ", e["summary_en"]))
		if _, ok := e["before"]; ok {
			t.Errorf("reveal entry with before: %v", e)
		}
		if _, ok := e["after"]; ok {
			t.Errorf("reveal entry with after: %v", e)
		}
	}
	if want := []string{fmt.Sprintf("county_admin person %d 查看 张伟 的完整电话 / viewed the full phone of 张伟", zhang),
		fmt.Sprintf("county_admin person %d 查看 张伟 的完整身份证号 / viewed the full ID number of 张伟", zhang)}; !slices.Equal(summaries, want) {
		t.Errorf("reveal entries:\n%q\nwant\n%q", summaries, want)
	}
	if strings.Contains(body, regs[0].id) || strings.Contains(body, "13812345678") {
		t.Errorf("a revealed number is in the audit log: %s", body)
	}

	// The statistics part of the township: 白雪, 陈静 and 张伟 (黄明 died,
	// 李娜 is in the other township), counted by hand; none attended a
	// course, so the three required have none of their hours.
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", o.street.ID), county, "")
	// The cockpit's figures by child are the cockpit tests' (cockpit_people_test.go).
	if p, ok := out["people"].(map[string]any); ok {
		if tc, _ := p["training_completion"].(map[string]any); tc["required"] != 3.0 || tc["completed"] != 0.0 {
			t.Errorf("training completion %v, want 3 required, none completed", tc)
		}
		delete(p, "training_completion")
		delete(p, "pay_compliance")
	}
	got, _ := json.Marshal(out["people"])
	want := `{"by_age_band":{"35":1,"55":1,"60":1},"by_birth_year":{"1970":1,"1980":1,"1995":1},"by_education":{"1":1,"2":1,"6":1},` +
		`"by_ethnicity":{"01":2,"08":1},"by_gender":{"female":2,"male":1},"by_join_year":{"2000":1,"2005":1,"2025":1},"by_kind":{"full":3},` +
		`"by_status":{"floating":1,"normal":2},"floating":1,"pay":{"below":0,"cadres":0,"no_reference":0,"ok":0,"shortfall":0,"year":2026},"probationary":0,"total":3,"training":{"completed":0,"percent":0,"required":3,"year":2026},"women":2}`
	if st != 200 || string(got) != want {
		t.Errorf("stats: %d\n%s\nwant\n%s", st, got, want)
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", o.county.ID), county, "")
	if p, _ := out["people"].(map[string]any); st != 200 || p["total"] != 4.0 || p["women"] != 3.0 || fmt.Sprint(p["by_kind"]) != "map[full:4]" {
		t.Errorf("county stats: %d %v", st, out["people"])
	}
	st, out = f.call(t, "GET", fmt.Sprintf("/api/v1/orgs/%d/stats", o.street.ID), f.token(t, "handler"), "")
	if _, ok := out["people"]; st != 200 || ok {
		t.Errorf("stats for a case handler: %d %v", st, out)
	}

	// English.
	for _, tc := range []struct {
		method, path, body, want string
		status                   int
	}{
		{"POST", "/api/v1/people", memberJSON(good, map[string]any{"name": ""}), "enter the name (at most 50 characters)", 400},
		{"POST", "/api/v1/people", memberJSON(good, map[string]any{"gender": "女"}), "the gender disagrees with the ID number: its 17th digit says male", 400},
		{"POST", "/api/v1/people", memberJSON(good, map[string]any{"id_number": regs[0].id}), "this ID number is registered already: 张伟, now a full member of " + o.village.Label(), 400},
		{"POST", fmt.Sprintf("/api/v1/people/%d/status", huang), `{"status":"normal","on_date":"2026-11-02"}`, "the membership of 黄明 ended on 2026-11-01 (deceased) and cannot change", 409},
		{"POST", fmt.Sprintf("/api/v1/people/%d/convert", chen), `{"full_on":"2026-10-09"}`, "陈静 is a full member already", 409},
		{"POST", fmt.Sprintf("/api/v1/people/%d/reveal", bai), `{"field":"phone"}`, "no phone is registered for 白雪", 404},
		{"GET", "/api/v1/people?status=expelled", "", "status must be normal, floating, lost, suspended or ended", 400},
	} {
		st, out := f.callLang(t, tc.method, tc.path, county, tc.body, "en")
		if st != tc.status || errMsg(out) != tc.want {
			t.Errorf("%s %s in English: %d %v, want %d %s", tc.method, tc.path, st, out, tc.status, tc.want)
		}
	}
}

// TestPeopleAPICanary: a person's ID number and phone, registered over the
// API, are in no answer of the register or the audit log — lists, searches,
// the person, the timeline, refusals, statistics, in both languages, to the
// organization department, the secretary and the auditor — except the
// answer of a permitted reveal.
func TestPeopleAPICanary(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.Now = func() time.Time { return peopleNow } })
	o := f.peopleOrgs(t)
	canaryID, canaryPhone := idNumber("19770707", 777), "13977071234"
	county, street, sec, aud := f.token(t, "county_admin"), f.token(t, "street_admin"), f.token(t, "secretary"), f.token(t, "auditor")
	in := map[string]any{"name": "金丝雀", "id_number": canaryID, "phone": canaryPhone, "ethnicity": "汉族", "education": "大学本科",
		"org_id": o.village.ID, "kind": "full", "joined_on": "2005-07-01"}
	var answers []string
	send := func(method, path, token, body string, want int) string {
		t.Helper()
		for _, lang := range []string{"zh-CN", "en"} {
			st, _, b := f.exchange(t, method, path, token, body, lang)
			if st != want {
				t.Fatalf("%s %s in %s: %d %s, want %d", method, path, lang, st, b, want)
			}
			answers = append(answers, b)
			if method == "POST" && st < 300 {
				break // a change is made once
			}
		}
		return answers[len(answers)-1]
	}
	var p struct{ ID int64 }
	if err := json.Unmarshal([]byte(send("POST", "/api/v1/people", county, memberJSON(in, nil), 201)), &p); err != nil {
		t.Fatal(err)
	}
	person := fmt.Sprintf("/api/v1/people/%d", p.ID)
	// Twice, by someone who may see where it is and by someone who may not,
	// with a wrong gender and birth date beside it.
	send("POST", "/api/v1/people", county, memberJSON(in, map[string]any{"org_id": o.street.ID}), 400)
	send("POST", "/api/v1/people", street, memberJSON(in, map[string]any{"org_id": o.street.ID, "gender": "女", "birth_date": "1977-07-08"}), 400)
	send("POST", "/api/v1/people", county, memberJSON(in, map[string]any{"id_number": canaryID[:17] + "Y"}), 400)
	send("POST", person+"/status", sec, `{"status":"floating","where":"广东省深圳市","on_date":"2026-02-01"}`, 200)
	send("POST", person+"/status", county, `{"status":"floating","where":"广东省深圳市","on_date":"2026-02-01"}`, 400)
	send("POST", person+"/convert", county, `{"full_on":"2026-02-01"}`, 409)
	send("POST", person+"/reveal", sec, `{"field":"id_number"}`, 403)
	send("POST", person+"/reveal", aud, `{"field":"phone"}`, 403)
	// The reveals themselves are the one answer left out.
	for field, want := range map[string]string{"id_number": canaryID, "phone": canaryPhone} {
		st, _, b := f.exchange(t, "POST", person+"/reveal", county, fmt.Sprintf(`{"field":%q}`, field), "")
		if st != 200 || b != fmt.Sprintf("{\"value\":%q}\n", want) {
			t.Fatalf("reveal %s: %d %s", field, st, b)
		}
	}
	for _, tok := range []string{county, sec, aud} {
		send("GET", "/api/v1/people", tok, "", 200)
		send("GET", "/api/v1/people?q="+canaryID, tok, "", 200)
		send("GET", "/api/v1/people?q=金丝雀&status=floating", tok, "", 200)
		send("GET", person, tok, "", 200)
		send("GET", person+"/timeline", tok, "", 200)
		send("GET", fmt.Sprintf("/api/v1/orgs/%d/stats", o.village.ID), tok, "", 200)
	}
	for _, tok := range []string{county, aud} {
		send("GET", "/api/v1/audit?limit=1000", tok, "", 200)
		send("GET", fmt.Sprintf("/api/v1/audit?target_type=person&target_id=%d", p.ID), tok, "", 200)
		send("GET", "/api/v1/audit?q="+canaryID, tok, "", 200)
	}
	all := strings.Join(answers, "\n")
	if !strings.Contains(all, "金丝雀") || !strings.Contains(all, "查看 金丝雀 的完整电话") || !strings.Contains(all, "450102********"+canaryID[14:]) {
		t.Fatalf("the answers do not show the canary at all:\n%.2000s", all)
	}
	for what, s := range map[string]string{"the ID number": canaryID, "the ID number's middle": canaryID[6:14], "the phone": canaryPhone, "the phone's middle": canaryPhone[3:7]} {
		if i := strings.Index(all, s); i >= 0 && testrig.InClear([]byte(all), s) {
			t.Errorf("%s (%s) is in clear in an answer: …%s…", what, s, all[max(0, i-200):min(len(all), i+200)])
		}
	}
}
