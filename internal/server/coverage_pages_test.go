package server

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/app"
	"jiceng/internal/coverage"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// unitCode builds a valid credit code of an enterprise registered in 兴宁区.
func unitCode(serial int) string {
	oc := fmt.Sprintf("MA%06d", serial)
	c9, err := ids.OrgCodeCheckChar(oc)
	if err != nil {
		panic(err)
	}
	first17 := "91450102" + oc + string(c9)
	c18, err := ids.CreditCodeCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c18)
}

// covFixture is the demo tree with ten units in 民生街道, counted by hand:
//
//	unit  leading org   employees members  coverage        rule
//	1     兴宁社区        120       5        own             —
//	2     兴宁社区        30        1        joint           —
//	3     社区 004        20        2        joint           —
//	4     社区 004        10        0        instructor      —
//	5     社区 004        8         0        none            send_instructor
//	6     民生街道        60        4        none            form_own
//	7     兴宁社区        15        0        instructor      —
//	8     兴宁社区        9         0        none            send_instructor
//	9     民生街道        70        3        joint (三塘镇)   form_own
//	10    社区 004        5         1        none            form_own_or_joint
//
// Total 10: own 1, joint 3, instructor 2, none 4 → 组织覆盖率 40.0% (4 / 10),
// 工作覆盖率 60.0% (6 / 10); 5 units need action.
type covFixture struct {
	*fixture
	ms, c3, c4, joint, own org.Org
	units                  []coverage.Unit
}

// newBareFixture is newFixture without the demo's 两新 units, so that every
// figure on the pages can be counted by hand.
func newBareFixture(t *testing.T) *fixture {
	t.Helper()
	d, res := nanning.Open(t)
	a, h := newApp(t, d, nil)
	orgs, cov := a.Core().Orgs, app.Service[*coverage.Service](a)
	srv := httptest.NewServer(h)
	testrig.Cleanup(t, srv.Close)
	f := &fixture{srv: srv, d: d, orgs: orgs, accts: a.Core().Accounts, cov: cov, pw: map[string]string{}, root: res.Init.RootID}
	for _, a := range res.Accounts {
		f.pw[a.Username] = a.Password
	}
	return f
}

func newCovFixture(t *testing.T) *covFixture {
	t.Helper()
	ctx := context.Background()
	f := &covFixture{fixture: newBareFixture(t)}
	get := func(code string) org.Org {
		l, _, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("org %s: %v %d", code, err, len(l))
		}
		return l[0]
	}
	f.ms, f.c3, f.c4 = get("450102001"), get("450102001003"), get("450102001004")
	var err error
	if f.joint, err = f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: f.ms.ID, Name: "民生街道商圈联合党支部", Kind: "joint_branch", Category: "private"}); err != nil {
		t.Fatal(err)
	}
	if f.own, err = f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: f.c3.ID, Name: "南宁测试企业01有限公司党支部", Kind: "branch", Category: "private"}); err != nil {
		t.Fatal(err)
	}
	plan := []struct {
		aff               org.Org
		region            string
		employees, member int
	}{
		{f.c3, "450102001003", 120, 5}, {f.c3, "450102001003", 30, 1}, {f.c4, "450102001004", 20, 2}, {f.c4, "450102001004", 10, 0},
		{f.c4, "450102001004", 8, 0}, {f.ms, "450102001006", 60, 4}, {f.c3, "450102001003", 15, 0}, {f.c3, "450102001003", 9, 0},
		{f.ms, "450102101001", 70, 3}, {f.c4, "450102001004", 5, 1},
	}
	for i, p := range plan {
		u, err := f.cov.Create(ctx, testrig.Admin, coverage.Input{CreditCode: unitCode(i + 1), Name: fmt.Sprintf("南宁测试企业%02d有限公司", i+1),
			Industry: "C", Employees: p.employees, FullMembers: p.member, RegionCode: p.region, AffiliationOrgID: p.aff.ID, LegalRep: fmt.Sprintf("法人%02d", i+1)})
		if err != nil {
			t.Fatalf("unit %d: %v", i+1, err)
		}
		f.units = append(f.units, u)
	}
	set := func(i int, in coverage.CoverageInput) {
		if _, err := f.cov.SetCoverage(ctx, testrig.Admin, f.units[i].ID, in); err != nil {
			t.Fatalf("coverage of unit %d: %v", i+1, err)
		}
	}
	set(0, coverage.CoverageInput{Coverage: "own", OrgID: f.own.ID})
	set(1, coverage.CoverageInput{Coverage: "joint", OrgID: f.joint.ID})
	set(2, coverage.CoverageInput{Coverage: "joint", OrgID: f.joint.ID})
	set(3, coverage.CoverageInput{Coverage: "instructor", Instructor: "李明"})
	set(6, coverage.CoverageInput{Coverage: "instructor", Instructor: "王芳"})
	set(8, coverage.CoverageInput{Coverage: "joint", OrgID: f.joint.ID})
	return f
}

var (
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// text is what a reader sees of a piece of HTML: tags dropped, entities
// decoded, white space collapsed.
func text(s string) string {
	s = regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAllString(s, " ")
	return strings.TrimSpace(spaceRE.ReplaceAllString(html.UnescapeString(tagRE.ReplaceAllString(s, " ")), " "))
}

// errAt returns the message shown next to a form field.
func errAt(body, field string) string {
	m := regexp.MustCompile(`<p class="error" id="err-` + field + `">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// row returns the visible text of the table row that contains s.
func row(t *testing.T, body, s string) string {
	t.Helper()
	for _, tr := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(body, -1) {
		if strings.Contains(tr, s) {
			return text(tr)
		}
	}
	t.Fatalf("no row contains %q", s)
	return ""
}

func (b *browser) status(t *testing.T, method, path string, form url.Values) (int, string, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == "POST" {
		resp, err = b.c.PostForm(b.base+path, form)
	} else {
		resp, err = b.c.Get(b.base + path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.RequestURI(), string(body)
}

func (b *browser) xlsx(t *testing.T, path string) (string, [][]string) {
	t.Helper()
	resp, err := b.c.Get(b.base + path)
	return readXLSX(t, path, resp, err)
}

// xlsxPost posts form to path and reads the Excel file it answers with.
func (b *browser) xlsxPost(t *testing.T, path string, form url.Values) (string, [][]string) {
	t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	return readXLSX(t, path, resp, err)
}

// readXLSX reads an Excel answer: its file name and the rows of its first sheet.
func readXLSX(t *testing.T, path string, resp *http.Response, err error) (string, [][]string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	cd, _ := url.PathUnescape(resp.Header.Get("Content-Disposition"))
	return cd, rows
}

func TestCoverageDashboardPage(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "street_admin")
	body := b.get(t, "/coverage")
	txt := text(body)
	for _, want := range []string{
		"两新覆盖 · 民生街道党工委",
		"10 两新组织（家）",
		"40.0% 4 / 10 组织覆盖率 单独组建 1 · 联合组建 3",
		"60.0% 6 / 10 工作覆盖率 其中选派党建指导员 2",
		"5 需要处理的单位",
		"所联合的单位分布在 2 个乡镇（街道），应按属地就近调整联合范围",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if !strings.Contains(body, `<a class="btn" href="/coverage">两新覆盖</a>`) && !strings.Contains(body, `data-key="coverage" class="active"`) {
		t.Errorf("sidebar entry is not active")
	}
	// The gap summary: counts per rule with links to the gap list.
	for rule, want := range map[string]string{
		"form_own":          "应单独组建 有 3 名以上正式党员但未单独组建：应单独组建党支部 2 导出工作清单",
		"form_own_or_joint": "应单独或联合组建 有 1–2 名正式党员且未建立党组织：应单独组建或与邻近单位联合组建 1 导出工作清单",
		"send_instructor":   "应选派党建指导员 暂无正式党员且未覆盖：应选派党建指导员开展工作 2 导出工作清单",
	} {
		if got := row(t, body, fmt.Sprintf("rule=%s\">", rule)); got != want {
			t.Errorf("gap %s: %q, want %q", rule, got, want)
		}
	}
	// The child organizations, the units led by the street itself, the total.
	for label, want := range map[string]string{
		f.c3.Label():  f.c3.Label() + " 4 1 1 1 1 50.0% 2 / 4 75.0% 3 / 4",
		f.c4.Label():  f.c4.Label() + " 4 0 1 1 2 25.0% 1 / 4 50.0% 2 / 4",
		"本级直属":        "本级直属 2 0 1 0 1 50.0% 1 / 2 50.0% 1 / 2",
		"<td>合计</td>": "合计 10 1 3 2 4 40.0% 4 / 10 60.0% 6 / 10",
	} {
		if got := row(t, body, label); !strings.HasSuffix(got, want) {
			t.Errorf("child row %s: %q, want …%q", label, got, want)
		}
	}
	// The rate charts drill down to the child organization and count in %.
	if !strings.Contains(body, fmt.Sprintf(`{"name":%q,"value":25,"href":"/coverage?org=%d"}`, f.c4.Label(), f.c4.ID)) || !strings.Contains(body, `"unit":"%"`) {
		t.Errorf("child rate chart missing")
	}
	if !strings.Contains(body, `"title":"覆盖方式分布","unit":"家","items":[{"name":"单独组建","value":1`) {
		t.Errorf("status pie missing")
	}

	// Drilling down to a community; the root stays out of reach.
	body = text(b.get(t, fmt.Sprintf("/coverage?org=%d", f.c4.ID)))
	if !strings.Contains(body, "25.0% 1 / 4 组织覆盖率") || !strings.Contains(body, "50.0% 2 / 4 工作覆盖率") {
		t.Errorf("community dashboard: %.400s", body)
	}
	if st, _, body := b.status(t, "GET", fmt.Sprintf("/coverage?org=%d", f.root), nil); st != 404 || !strings.Contains(body, "不在您的管理范围内") {
		t.Errorf("root for street_admin: %d", st)
	}

	// The city administrator sees 兴宁区 with the same figures.
	a := f.browser(t, "admin")
	body = a.get(t, "/coverage")
	if got := row(t, body, ">兴宁区委<"); !strings.HasSuffix(got, "兴宁区委 10 1 3 2 4 40.0% 4 / 10 60.0% 6 / 10") {
		t.Errorf("兴宁区 row for admin: %q", got)
	}

	// The child table exports with a total row.
	cd, rows := b.xlsx(t, fmt.Sprintf("/coverage/export.xlsx?org=%d", f.ms.ID))
	if !strings.Contains(cd, "民生街道党工委_两新组织覆盖率_") || rows[0][0] != "民生街道党工委 下级组织两新组织覆盖率" || rows[3][8] != "组织覆盖率" {
		t.Fatalf("rates export %q %q %q", cd, rows[0], rows[3])
	}
	last := rows[len(rows)-1]
	if strings.Join(last[1:], ",") != "合计,10,1,3,2,4,4,40.0%,6,60.0%" {
		t.Errorf("total row %q", last)
	}
}

func TestCoverageUnitList(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "street_admin")
	body := b.get(t, "/coverage/units")
	if txt := text(body); !strings.Contains(txt, "共 10 条") {
		t.Errorf("unit list total: %.300s", txt)
	}
	if got := row(t, body, ">南宁测试企业06有限公司<"); got != "9 南宁测试企业06有限公司 "+unitCode(6)+" 非公有制企业 制造业 450102001006 60 4 / 0 民生街道党工委 未覆盖 ! 应单独组建" {
		t.Errorf("row 6: %q", got)
	}
	// Filters and sort live in the URL; the gap list carries the advice.
	body = b.get(t, fmt.Sprintf("/coverage/units?org=%d&rule=any&sort=-members", f.ms.ID))
	txt := text(body)
	if !strings.Contains(txt, "工作清单") || !strings.Contains(txt, "共 5 条") {
		t.Errorf("gap list: %.300s", txt)
	}
	if got := row(t, body, ">南宁测试企业10有限公司<"); !strings.HasSuffix(got, "应单独或联合组建 现有正式党员 1 名，不足 3 名，应与邻近单位联合组建党支部，或发展党员后单独组建") {
		t.Errorf("advice row: %q", got)
	}
	if !strings.Contains(body, `href="/coverage/units/export.xlsx?org=`+fmt.Sprint(f.ms.ID)+`&amp;rule=any&amp;sort=-members"`) {
		t.Errorf("export link lost the filters")
	}
	if txt := text(b.get(t, "/coverage/units?q="+url.QueryEscape("法人03"))); !strings.Contains(txt, "共 1 条") || !strings.Contains(txt, "南宁测试企业03有限公司") {
		t.Errorf("search by legal representative")
	}
	if txt := text(b.get(t, "/coverage/units?coverage=instructor&region=450102001004")); !strings.Contains(txt, "共 1 条") || !strings.Contains(txt, "南宁测试企业04有限公司") {
		t.Errorf("filter by coverage and region")
	}
	if txt := text(b.get(t, "/coverage/units?q=nothing-like-this")); !strings.Contains(txt, "没有符合条件的记录，请调整搜索条件") {
		t.Errorf("empty search")
	}

	// The work orders export: title, filters, the advice column.
	cd, rows := b.xlsx(t, fmt.Sprintf("/coverage/units/export.xlsx?org=%d&rule=any", f.ms.ID))
	if !strings.Contains(cd, "民生街道党工委_工作清单_") || rows[0][0] != "民生街道党工委 工作清单" || rows[1][0] != "筛选：范围=民生街道党工委；需要=全部待处理" {
		t.Fatalf("orders export %q %q %q", cd, rows[0], rows[1])
	}
	head := rows[3]
	if head[0] != "序号" || head[1] != "单位名称" || head[len(head)-1] != "处理建议" || len(rows) != 4+5 {
		t.Fatalf("orders header %q, %d rows", head, len(rows))
	}
	for _, r := range rows[4:] {
		if r[1] == "南宁测试企业09有限公司" && r[len(r)-1] != "现有正式党员 3 名，已具备单独组建条件，应从联合党支部中单独组建党支部" {
			t.Errorf("advice of unit 9: %q", r[len(r)-1])
		}
	}
	_, rows = b.xlsx(t, "/coverage/units/export.xlsx?category=private")
	if rows[1][0] != "筛选：类别=非公有制企业" || rows[3][len(rows[3])-1] != "需要" || len(rows) != 4+10 {
		t.Errorf("plain export %q %q %d", rows[1], rows[3], len(rows))
	}

	// An empty scope says what to do next.
	if txt := text(b.get(t, fmt.Sprintf("/coverage/units?org=%d", f.joint.ID))); !strings.Contains(txt, "尚无两新组织，可导入Excel或逐个添加") {
		t.Errorf("empty state")
	}
}

func TestCoverageUnitForm(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "street_admin")
	body := b.get(t, fmt.Sprintf("/coverage/units/new?affiliation_org_id=%d", f.c3.ID))
	if id, name, _ := pickerOf(t, body, "affiliation_org_id"); id != fmt.Sprint(f.c3.ID) || name != f.c3.Name ||
		!strings.Contains(body, `<option value="">根据信用代码自动判断</option>`) {
		t.Fatalf("new form not prefilled")
	}
	good := unitCode(11)
	bad := good[:17] + map[bool]string{true: "0", false: "1"}[good[17] != '0']
	form := url.Values{"credit_code": {bad}, "name": {"南宁新登记科技有限公司"}, "employees": {"二十"}, "region_code": {"450102001"},
		"full_members": {"2"}, "affiliation_org_id": {fmt.Sprint(f.c3.ID)}, "industry": {"I"}}
	st, _, body := b.status(t, "POST", "/coverage/units/new", form)
	if st != 422 {
		t.Fatalf("bad form: %d", st)
	}
	for field, want := range map[string]string{
		"credit_code": "统一社会信用代码第 18 位校验码与前 17 位不符：可能有字符输错，请对照证照逐位核对，不要只改第 18 位",
		"employees":   "从业人数应为整数，如 25",
		"region_code": "单位所在区划应为村（社区）级 12 位代码，450102001 只有 9 位",
	} {
		if !strings.Contains(body, fmt.Sprintf(`<p class="error" id="err-%s">%s</p>`, field, want)) {
			t.Errorf("no error %q at %s", want, field)
		}
	}
	if !strings.Contains(body, `value="南宁新登记科技有限公司"`) || !strings.Contains(body, `<option value="I" selected>`) {
		t.Errorf("the form lost what was typed")
	}
	// A registered credit code is refused at its field.
	form.Set("credit_code", unitCode(2))
	form.Set("employees", "20")
	form.Set("region_code", "450102001003")
	st, _, body = b.status(t, "POST", "/coverage/units/new", form)
	if want := fmt.Sprintf(`<p class="error" id="err-credit_code">统一社会信用代码 %s 已登记：南宁测试企业02有限公司（编号 %d）</p>`, unitCode(2), f.units[1].ID); st != 409 || !strings.Contains(body, want) {
		t.Errorf("duplicate: %d", st)
	}
	form.Set("credit_code", good)
	st, at, body := b.status(t, "POST", "/coverage/units/new", form)
	if st != 200 || !strings.HasPrefix(at, "/coverage/units/") || !strings.Contains(body, "已登记“南宁新登记科技有限公司”") {
		t.Fatalf("create: %d at %s", st, at)
	}
	txt := text(body)
	for _, want := range []string{"需要：应单独或联合组建", "现有正式党员 2 名，不足 3 名", "单位类别 非公有制企业 类别待确认", "行业 I 信息传输、软件和信息技术服务业", "规模 规模以下"} {
		if !strings.Contains(txt, want) {
			t.Errorf("unit page lacks %q", want)
		}
	}
	// Editing keeps the form on error and confirms the category on save.
	edit := strings.TrimPrefix(at, "/coverage/units/")
	body = b.get(t, "/coverage/units/"+edit+"/edit")
	if !strings.Contains(body, `value="南宁新登记科技有限公司"`) || !strings.Contains(body, "当前类别由信用代码自动判断，尚待确认") {
		t.Fatalf("edit form")
	}
	form.Set("full_members", "25")
	st, _, body = b.status(t, "POST", "/coverage/units/"+edit+"/edit", form)
	if got := errAt(body, "full_members"); got != "党员人数（正式 25 + 预备 0）不能多于从业人数 20" || st != 422 {
		t.Errorf("members > employees: %d %q", st, got)
	}
	form.Set("full_members", "3")
	form.Set("category", "private")
	st, _, body = b.status(t, "POST", "/coverage/units/"+edit+"/edit", form)
	if txt := text(body); st != 200 || !strings.Contains(txt, "需要：应单独组建") || strings.Contains(txt, "类别待确认") {
		t.Errorf("after edit: %d", st)
	}
}

func TestCoverageChangeAndHistory(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "street_admin")
	u := f.units[4] // 社区 004, no members, not covered
	path := fmt.Sprintf("/coverage/units/%d", u.ID)
	body := b.get(t, path)
	if txt := text(body); !strings.Contains(txt, "需要：应选派党建指导员 暂无正式党员，应选派党建指导员开展工作") {
		t.Errorf("rule and advice: %.500s", txt)
	}
	// The village is named as a place, its code beside it; the
	// affiliation by its name alone.
	if txt := text(body); !strings.Contains(txt, "所在村（社区） 兴宁区 › 民生街道 › 北宁社区居委会 450102001004") || strings.Contains(txt, "编号") {
		t.Errorf("the unit's place: %.900s", txt)
	}
	st, _, body := b.status(t, "POST", path+"/coverage", url.Values{"coverage": {"joint"}})
	if st != 422 || !strings.Contains(body, `<p class="error" id="err-org_id">请选择该单位的党组织</p>`) {
		t.Errorf("joint without org: %d", st)
	}
	st, _, body = b.status(t, "POST", path+"/coverage", url.Values{"coverage": {"joint"}, "org_id": {fmt.Sprint(f.own.ID)}})
	if st != 422 || !strings.Contains(body, `<p class="error" id="err-org_id">联合组建须关联一个联合党支部；请先在组织体系中建立联合党支部</p>`) || !strings.Contains(body, `<input type="radio" name="coverage" value="joint" checked>`) {
		t.Errorf("joint with a branch: %d", st)
	}
	st, _, body = b.status(t, "POST", path+"/coverage", url.Values{"coverage": {"instructor"}, "instructor": {" "}})
	if st != 422 || !strings.Contains(body, `<p class="error" id="err-instructor">请填写选派的党建指导员姓名</p>`) {
		t.Errorf("instructor without name: %d", st)
	}
	st, _, body = b.status(t, "POST", path+"/coverage", url.Values{"coverage": {"joint"}, "org_id": {fmt.Sprint(f.joint.ID)}, "note": {"并入商圈联合党支部"}})
	if st != 200 || !strings.Contains(body, "已将“南宁测试企业05有限公司”的覆盖方式改为联合组建") {
		t.Fatalf("set joint: %d", st)
	}
	hist := regexp.MustCompile(`(?s)<h2>覆盖方式变更记录</h2>.*?</table>`).FindString(body)
	rows := regexp.MustCompile(`(?s)<tbody>.*</tbody>`).FindString(hist)
	trs := regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(rows, -1)
	if len(trs) != 2 {
		t.Fatalf("history has %d rows", len(trs))
	}
	if got := text(trs[0]); !regexp.MustCompile(`^1 \d{4}-\d\d-\d\d \d\d:\d\d 未覆盖 ` + testrig.Admin.Username + ` 登记$`).MatchString(got) {
		t.Errorf("history 1: %q", got)
	}
	if got := text(trs[1]); !regexp.MustCompile(`^2 \d{4}-\d\d-\d\d \d\d:\d\d 联合组建 民生街道商圈联合党支部 street_admin 并入商圈联合党支部$`).MatchString(got) {
		t.Errorf("history 2: %q", got)
	}
	if strings.Contains(text(body), "需要：") {
		t.Errorf("a unit with a joint branch and no members still needs something")
	}
	// The dashboard follows: 5 of 10 organizationally covered now.
	if txt := text(b.get(t, "/coverage")); !strings.Contains(txt, "50.0% 5 / 10 组织覆盖率") || !strings.Contains(txt, "4 需要处理的单位") {
		t.Errorf("dashboard after change")
	}
}

func TestCoverageGoals(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "street_admin")
	body := b.get(t, "/coverage/goals")
	if txt := text(body); !strings.Contains(txt, "尚无目标，可在下方制定") || !strings.Contains(body, fmt.Sprintf(`<input type="hidden" name="owner_org_id" value="%d" data-pick-id>`, f.ms.ID)) ||
		!strings.Contains(body, `name="owner_org_id_q" type="text" value="`+f.ms.Name+`"`) {
		t.Fatalf("goals page: the owner picker does not offer the top of the scope")
	}
	form := url.Values{"name": {""}, "year": {"2026"}, "owner_org_id": {fmt.Sprint(f.ms.ID)}, "indicator": {"org_coverage", "work_coverage"}, "target_org_coverage": {"50"}}
	st, _, body := b.status(t, "POST", "/coverage/goals", form)
	if st != 422 || !strings.Contains(body, `<p class="error" id="err-targets">请填写“工作覆盖率”的目标值（0–100）</p>`) {
		t.Errorf("missing target: %d", st)
	}
	if !strings.Contains(body, `name="indicator" value="work_coverage" checked`) || !strings.Contains(body, `name="target_org_coverage" type="number" inputmode="decimal" min="0" max="100" step="0.1" value="50"`) {
		t.Errorf("the goal form lost what was typed")
	}
	form.Set("target_work_coverage", "60")
	st, _, body = b.status(t, "POST", "/coverage/goals", form)
	if got := errAt(body, "name"); st != 422 || got != "请填写目标名称（最多 100 字），如“2026年‘4+1’两新党建目标”" {
		t.Errorf("missing name: %d %q", st, got)
	}
	form.Set("name", "2026年“4+1”两新党建目标")
	form.Set("owner_org_id", fmt.Sprint(f.root))
	st, _, body = b.status(t, "POST", "/coverage/goals", form)
	if st != 422 || !strings.Contains(body, fmt.Sprintf(`<p class="error" id="err-owner_org_id">党组织 %d 不存在或不在您的管理范围内</p>`, f.root)) {
		t.Errorf("owner outside scope: %d", st)
	}
	// The owner typed by name, with no organization chosen: a name that
	// matches nothing in scope is refused at its field; one that names a
	// single organization is taken.
	form.Set("owner_org_id", "")
	form.Set("owner_org_id_q", "不存在的组织")
	st, _, body = b.status(t, "POST", "/coverage/goals", form)
	if got := errAt(body, "owner_org_id"); st != 422 || got != "在您的管理范围内没有名称含“不存在的组织”的党组织，请换个词查找" {
		t.Errorf("owner typed that matches nothing: %d %q", st, got)
	}
	form.Set("owner_org_id_q", f.ms.Name)
	st, at, body := b.status(t, "POST", "/coverage/goals", form)
	if st != 200 || !strings.HasPrefix(at, "/coverage/goals/") {
		t.Fatalf("create goal: %d at %s", st, at)
	}
	// The owner first; values, targets and the marks in words.
	if got := row(t, body, "<span class=\"tag\">本级</span>"); got != "1 民生街道党工委 本级 40.0% ✕ 未达标 目标 ≥ 50% 60.0% ✓ 达标 目标 ≥ 60%" {
		t.Errorf("owner row: %q", got)
	}
	if got := row(t, body, ">"+f.c3.Label()+"<"); !strings.HasSuffix(got, f.c3.Label()+" 50.0% ✓ 达标 目标 ≥ 50% 75.0% ✓ 达标 目标 ≥ 60%") {
		t.Errorf("兴宁社区 row: %q", got)
	}
	if got := row(t, body, ">"+f.c4.Label()+"<"); !strings.HasSuffix(got, f.c4.Label()+" 25.0% ✕ 未达标 目标 ≥ 50% 50.0% ✕ 未达标 目标 ≥ 60%") {
		t.Errorf("社区 004 row: %q", got)
	}
	// One scope's target changes.
	st, _, body = b.status(t, "POST", at+"/target", url.Values{"org_id": {fmt.Sprint(f.c4.ID)}, "indicator": {"org_coverage"}, "target": {"abc"}})
	if st != 422 || !strings.Contains(body, `<p class="error" id="err-target">目标值应为 0–100 之间的数字，如 90</p>`) {
		t.Errorf("bad target: %d", st)
	}
	st, _, body = b.status(t, "POST", at+"/target", url.Values{"org_id": {fmt.Sprint(f.c4.ID)}, "indicator": {"org_coverage"}, "target": {"20"}})
	if got := row(t, body, ">"+f.c4.Label()+"<"); st != 200 || !strings.HasSuffix(got, f.c4.Label()+" 25.0% ✓ 达标 目标 ≥ 20% 50.0% ✕ 未达标 目标 ≥ 60%") {
		t.Errorf("after set target: %d %q", st, got)
	}
	if txt := text(b.get(t, "/coverage/goals")); !strings.Contains(txt, "2026年“4+1”两新党建目标 2026 民生街道党工委 组织覆盖率 ≥ 50% 工作覆盖率 ≥ 60%") {
		t.Errorf("goal list row")
	}
	cd, rows := b.xlsx(t, at+"/export.xlsx")
	if !strings.Contains(cd, "民生街道党工委_2026年“4+1”两新党建目标_目标进度_") || rows[3][2] != "组织覆盖率" || strings.Join(rows[4][1:], ",") != "民生街道党工委,40.0%,50.0%,未达标,60.0%,60.0%,达标,本目标" {
		t.Errorf("goal export %q %q %q", cd, rows[3], rows[4])
	}
}

func TestCoveragePagesInEnglish(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "admin")
	b.get(t, "/lang?to=en")
	body := text(b.get(t, fmt.Sprintf("/coverage?org=%d", f.ms.ID)))
	for _, want := range []string{"Two-new coverage", "40.0% 4 / 10 Organizational coverage", "60.0% 6 / 10 Work coverage", "Units needing action"} {
		if !strings.Contains(body, want) {
			t.Errorf("English dashboard lacks %q", want)
		}
	}
	if body := text(b.get(t, "/coverage/units?rule=any")); !strings.Contains(body, "Should form its own organization") || !strings.Contains(body, "Work orders") {
		t.Errorf("English gap list")
	}
}

func TestCoverageImportPage(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "street_admin")
	if st, _, body := b.status(t, "GET", "/coverage/units/import", nil); st != 200 || !strings.Contains(body, `href="/coverage/units/import/template.xlsx"`) {
		t.Fatalf("import page: %d", st)
	}
	_, rows := b.xlsx(t, "/coverage/units/import/template.xlsx")
	if len(rows) < 2 || !strings.HasPrefix(rows[0][0], "名称") {
		t.Fatalf("template %q", rows)
	}
	csv := "名称,统一社会信用代码,所在区划代码,隶属党组织编号,正式党员,从业人数\n" +
		fmt.Sprintf("南宁导入一号有限公司,%s,450102001003,%d,3,40\n", unitCode(21), f.c3.ID) +
		fmt.Sprintf("南宁导入二号有限公司,%s,450102001003,%d,0,12\n", unitCode(2), f.c3.ID)
	st, body := b.upload(t, "/coverage/units/import", "units.csv", []byte(csv))
	if st != 200 || !strings.Contains(text(body), "校验未通过，错误行数 / 总行数： 1 / 2") || strings.Contains(body, "/apply") {
		t.Fatalf("invalid import: %d %.600s", st, text(body))
	}
	st, body = b.upload(t, "/coverage/units/import", "units.csv", []byte(csv[:strings.LastIndex(strings.TrimSuffix(csv, "\n"), "\n")+1]))
	m := regexp.MustCompile(`action="(/coverage/units/import/[0-9a-f]+/apply)"`).FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("valid import: %d %.600s", st, text(body))
	}
	st, at, body := b.status(t, "POST", m[1], nil)
	if st != 200 || !strings.HasPrefix(at, "/coverage/units") || !strings.Contains(body, "已导入 1 个两新组织") || !strings.Contains(body, "南宁导入一号有限公司") {
		t.Fatalf("apply: %d at %s", st, at)
	}
}

func TestCoverageUnitSortLinks(t *testing.T) {
	t.Parallel()
	f := newCovFixture(t)
	b := f.browser(t, "street_admin")
	body := b.get(t, "/coverage/units?sort=-employees")
	for _, href := range regexp.MustCompile(`class="sort[^"]*" href="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if st, _, _ := b.status(t, "GET", html.UnescapeString(href[1]), nil); st != 200 {
			t.Errorf("sort link %s answered %d", href[1], st)
		}
	}
	if got := row(t, body, ">南宁测试企业01有限公司<"); !strings.HasPrefix(got, "1 南宁测试企业01有限公司") {
		t.Errorf("largest unit first: %q", got)
	}
}
