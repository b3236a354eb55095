package server

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestMemberImportPages: 兴宁区's department downloads the template,
// uploads a file with a bad row and sees the row's problem without the
// number, then the corrected file, and imports it; the members are in the
// register with their numbers masked, and the log has the import.
func TestMemberImportPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t, "county_admin")
	name, rows := b.xlsx(t, "/people/import/template.xlsx")
	if !strings.Contains(name, "导入模板") || len(rows) < 2 || strings.Join(rows[0][:6], ",") != "姓名*,公民身份号码*,民族*,学历*,人员类别*,入党日期*" {
		t.Fatalf("template %s: %v", name, rows)
	}
	a, c := personID("450102", "19850312", 123), personID("450103", "19850620", 124)
	bad := c[:17] + map[bool]string{true: "1", false: "2"}[c[17] != '1']
	file := func(second string) []byte {
		return []byte("姓名,公民身份号码,民族,学历,人员类别,入党日期,所在党组织名称,联系电话\n" +
			"张伟," + a + ",汉族,大学本科,正式党员,2010-07-01,兴宁社区党支部,13812345678\n" +
			"李娜," + second + ",壮族,大学专科,正式党员,2012-07-01,兴宁社区党支部,\n")
	}
	st, body := b.upload(t, "/people/import", "党员.csv", file(bad))
	if st != 200 || !strings.Contains(text(body), "第3行：身份证号第 18 位校验码与前 17 位不符") || strings.Contains(body, bad) || strings.Contains(body, "确认导入") {
		t.Fatalf("bad file: %d %.600s", st, text(body))
	}
	if strings.Contains(text(b.get(t, "/people")), "张伟") {
		t.Fatal("a refused file registered 张伟")
	}
	st, body = b.upload(t, "/people/import", "党员.csv", file(c))
	if st != 200 || !strings.Contains(text(body), "校验通过，可导入的行数： 2，分属 1 个党组织") {
		t.Fatalf("good file: %d %.600s", st, text(body))
	}
	apply := regexp.MustCompile(`action="(/people/import/[0-9a-f]+/apply)"`).FindStringSubmatch(body)
	if apply == nil {
		t.Fatal("no apply form")
	}
	st, at, body := b.status(t, "POST", apply[1], nil)
	if st != 200 || at != "/people" || !strings.Contains(body, "已导入党员 2 名") {
		t.Fatalf("apply: %d at %s: %s", st, at, flashOf(body))
	}
	txt := text(body)
	if !strings.Contains(txt, "张伟") || !strings.Contains(txt, "李娜") || !strings.Contains(txt, "450102********"+a[14:]) || strings.Contains(body, a) {
		t.Errorf("the register after the import: %.600s", txt)
	}
	if txt := text(b.get(t, "/audit")); !strings.Contains(txt, "从 党员.csv 导入党员 2 名") {
		t.Errorf("the audit log lacks the import: %.600s", txt)
	}
}

// TestPeopleStatsPage: the statistics of 兴宁区 count the three members of
// the fixture by gender, kind and child organization, with links to the
// members they count.
func TestPeopleStatsPage(t *testing.T) {
	t.Parallel()
	f := newPplFixture(t)
	county := f.orgByName(t, "兴宁区委")
	body := f.b.get(t, "/people/stats?org="+fmt.Sprint(county.ID))
	txt := text(body)
	for _, want := range []string{"党员统计", "3 党员总数 2 女党员", "1 预备党员", "民生街道党工委 3 2 1"} {
		if !strings.Contains(txt, want) {
			t.Errorf("stats page lacks %q: %.900s", want, txt)
		}
	}
	if !strings.Contains(body, `"name":"女","value":2,"href":"/people?org=`+fmt.Sprint(county.ID)+`\u0026gender=female"`) {
		t.Errorf("the gender chart: %s", regexp.MustCompile(`id="c-gender">[^<]*`).FindString(body))
	}
	// The organization page links its member count here.
	if page := f.b.get(t, fmt.Sprintf("/orgs/%d", county.ID)); !strings.Contains(page, "/people/stats?org="+fmt.Sprint(county.ID)) {
		t.Error("the organization page does not link the statistics")
	}
}
