package server

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// selectOf returns the options of the <select> with the given id as
// "value label" lines, a selected one marked with "*" and a disabled one
// with "-".
func selectOf(t *testing.T, body, id string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select id="` + id + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no select #%s", id)
	}
	var out []string
	for _, o := range regexp.MustCompile(`<option value="([^"]*)"([^>]*)>([^<]*)</option>`).FindAllStringSubmatch(m[1], -1) {
		mark := ""
		if strings.Contains(o[2], " selected") {
			mark += "*"
		}
		if strings.Contains(o[2], " disabled") {
			mark += "-"
		}
		// Not text(): it would trim the full-width spaces that indent the tree.
		out = append(out, mark+o[1]+" "+html.UnescapeString(o[3]))
	}
	return out
}

// TestEvalNewFormOwnerAndType: the owner is picked from the user's scope
// down to the townships, and the template decides the type unless one of
// the types without a template of its own is chosen.
func TestEvalNewFormOwnerAndType(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	street, home, _ := evalOrgs(t, f)
	county, err := f.orgs.Get(ctx, testrig.Admin, *street.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(t, "evaluator") // 评议考核管理员 of 南宁市委
	body := b.get(t, "/evaluation/new")
	opts := selectOf(t, body, "owner_org_id")
	root := fmt.Sprintf("*%d 南宁市委", f.root)
	if len(opts) < 100 || opts[0] != root {
		t.Fatalf("the owner select offers %d organizations, first %q; want the city's some 150 with %q selected first", len(opts), opts[0], root)
	}
	tree := []string{fmt.Sprintf("%d \u3000%s", county.ID, county.ShortName), fmt.Sprintf("%d \u3000\u3000%s", street.ID, street.ShortName)}
	at := map[string]int{}
	for i, o := range opts {
		at[o] = i + 1
		if strings.HasSuffix(o, " "+home.ShortName) || strings.HasSuffix(o, home.Name) {
			t.Errorf("the owner select offers the community %s: it stops at the townships", home.Name)
		}
	}
	if at[tree[0]] == 0 || at[tree[1]] == 0 || at[tree[1]] < at[tree[0]] {
		t.Fatalf("the owner select lacks %q or %q under it:\n%s", tree[0], tree[1], strings.Join(opts, "\n"))
	}
	if strings.Contains(body, `name="owner_org_other"`) {
		t.Error("a city's list is complete, yet the form offers the number field")
	}
	// The type select offers only the types without a template of their own.
	if types := selectOf(t, body, "type"); strings.Join(types, "|") != " 与规则模板一致|satisfaction 群众满意度测评|first_secretary 第一书记评议|custom 自定义" {
		t.Errorf("the type select offers %q", types)
	}
	if !strings.Contains(text(body), "千企议科长 测评类型：千企议科长") || !strings.Contains(text(body), "规则模板决定测评类型") {
		t.Error("the templates do not say which type they give, or the hint is missing")
	}

	form := url.Values{"name": {"2026年度兴宁区千企议科长"}, "year": {"2026"}, "owner_org_id": {strconv.FormatInt(county.ID, 10)},
		"opens_at": {"2026-01-01T09:00"}, "closes_at": {"2030-12-31T17:00"}, "template": {"qianqi"}}
	create := func(form url.Values) evaluation.Campaign {
		t.Helper()
		st, at, body := b.status(t, "POST", "/evaluation/new", form)
		m := regexp.MustCompile(`^/evaluation/(\d+)$`).FindStringSubmatch(at)
		if st != 200 || m == nil {
			t.Fatalf("create %v: %d at %s: %s", form, st, at, errAt(body, "template"))
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		c, err := f.eval.Get(ctx, testrig.Admin, id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := create(form); c.Type != "qianqi" || c.OwnerOrgID != county.ID || len(c.Rules.Groups) != 3 || c.Rules.Groups[0].Key != "enterprise" {
		t.Errorf("the qianqi template made a %s campaign owned by %d with groups %v", c.Type, c.OwnerOrgID, c.Rules.Groups)
	}

	// A 千企议科长 with the village template is refused at the template.
	form.Set("type", "qianqi")
	form.Set("template", "village_secretary")
	st, _, body := b.status(t, "POST", "/evaluation/new", form)
	if want := "“千企议科长”须使用“千企议科长”规则模板；要用其他模板，请将测评类型改为“自定义”"; st != 422 || errAt(body, "template") != want {
		t.Errorf("qianqi with the village template: %d %q, want 422 %q", st, errAt(body, "template"), want)
	}
	if opts := selectOf(t, body, "owner_org_id"); opts[at[tree[0]]-1] != "*"+tree[0] {
		t.Errorf("the form shown again does not keep the owner: %q", opts[at[tree[0]]-1])
	}
	// A custom campaign may use either template.
	form.Set("type", "custom")
	if c := create(form); c.Type != "custom" || c.Rules.Groups[0].Key != "superior" {
		t.Errorf("custom with the village template: type %s, groups %v", c.Type, c.Rules.Groups)
	}
	// The number field, when filled, wins over the select.
	form.Set("type", "")
	form.Set("owner_org_other", strconv.FormatInt(street.ID, 10))
	if c := create(form); c.Type != "review" || c.OwnerOrgID != street.ID {
		t.Errorf("village template with the number of %s: type %s, owner %d", street.Name, c.Type, c.OwnerOrgID)
	}
	form.Set("owner_org_other", "民生")
	if st, _, body := b.status(t, "POST", "/evaluation/new", form); st != 422 || errAt(body, "owner_org_id") != "党组织编号应为数字，可在党组织详情页查看" {
		t.Errorf("a name in the number field: %d %q", st, errAt(body, "owner_org_id"))
	}
}

// TestEvalSubjectOrgPicker: the subject form offers the owner's children,
// greys out those already added, and takes a number for anything deeper.
func TestEvalSubjectOrgPicker(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	street, home, sibling := evalOrgs(t, f)
	b := f.browser(t, "street_admin")
	c, err := f.eval.CreateCampaign(ctx, testrig.Admin, evaluation.CampaignInput{Name: "2026年度民生街道社区党组织书记述职评议", Type: "review", Year: 2026,
		OwnerOrgID: street.ID, OpensAt: time.Now(), ClosesAt: time.Now().AddDate(0, 1, 0), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	base := "/evaluation/" + strconv.FormatInt(c.ID, 10)
	kids, total, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{Under: street.ID, ChildrenOnly: true, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	opts := selectOf(t, b.get(t, base), "s-org")
	if len(opts) != total+1 || opts[0] != " 请选择党组织" {
		t.Fatalf("the subject select offers %q; want a prompt and the %d children of %s", opts, total, street.Name)
	}
	for _, k := range kids {
		if !slicesContains(opts, fmt.Sprintf("%d %s", k.ID, k.Label())) {
			t.Errorf("the subject select lacks %s", k.Name)
		}
	}
	if st, _, body := b.status(t, "POST", base+"/subjects", url.Values{"kind": {"org"}, "org_id": {""}}); st != 422 || errAt(body, "org_id") != "请选择作为测评对象的党组织" {
		t.Errorf("no organization chosen: %d %q", st, errAt(body, "org_id"))
	}
	if st, at, _ := b.status(t, "POST", base+"/subjects", url.Values{"kind": {"org"}, "org_id": {strconv.FormatInt(home.ID, 10)}}); st != 200 || at != base {
		t.Fatalf("add %s: %d at %s", home.Name, st, at)
	}
	// The number field wins over the select.
	if st, at, _ := b.status(t, "POST", base+"/subjects", url.Values{"kind": {"org"}, "org_id": {""}, "org_other": {strconv.FormatInt(sibling.ID, 10)}}); st != 200 || at != base {
		t.Fatalf("add %s by number: %d at %s", sibling.Name, st, at)
	}
	body := b.get(t, base)
	opts = selectOf(t, body, "s-org")
	for _, o := range []org.Org{home, sibling} {
		if want := fmt.Sprintf("-%d %s（已添加）", o.ID, o.Label()); !slicesContains(opts, want) {
			t.Errorf("the subject select does not grey out %q: %q", want, opts)
		}
	}
	if r := row(t, body, sibling.Name); !strings.HasPrefix(r, "2 "+sibling.Name) {
		t.Errorf("the subject added by number reads %q", r)
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestEvalResultsNotRating: in a 千企议科长, a section chief rated by
// enterprises and project owners only shows 不参评 for the people served —
// on the page and in the export — not 不足k人, and is not short of ballots;
// a chief the people served could rate but whom too few did shows 不足k人.
func TestEvalResultsNotRating(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	street, _, _ := evalOrgs(t, f)
	c, err := f.eval.CreateCampaign(ctx, testrig.Admin, evaluation.CampaignInput{Name: "2026年度民生街道千企议科长", Type: "qianqi", Year: 2026,
		OwnerOrgID: street.ID, OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().AddDate(0, 1, 0), Rules: evaluation.TemplateQianQiYiKeZhang()})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := f.eval.AddSubjects(ctx, testrig.Admin, c.ID, []evaluation.SubjectInput{
		{Kind: "person", Name: "张三", Post: "科长", Unit: "兴宁区市场监督管理局", Section: "登记注册科"},
		{Kind: "person", Name: "李四", Post: "科长", Unit: "兴宁区市场监督管理局", Section: "综合执法科", Groups: []string{"enterprise", "owner"}},
		{Kind: "person", Name: "王五", Post: "副科长", Unit: "兴宁区住房和城乡建设局", Section: "建筑市场管理科"},
	})
	if err != nil {
		t.Fatal(err)
	}
	zhang, li, wang := subs[0].Key, subs[1].Key, subs[2].Key
	if _, err := f.eval.Open(ctx, testrig.Admin, c.ID); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"enterprise", "owner", "served"} {
		codes, err := f.eval.IssueTokens(ctx, testrig.Admin, c.ID, g, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range codes {
			sc := map[string]map[string]float64{zhang: qianqi(100, 90), li: qianqi(60, 70), wang: qianqi(60, 60)}
			if g == "served" {
				// The people served deal with 张三 only; 王五 they leave out.
				sc = map[string]map[string]float64{zhang: qianqi(100, 90)}
			}
			if _, err := f.eval.CastBallot(ctx, code, sc, ""); err != nil {
				t.Fatalf("cast %s: %v", g, err)
			}
		}
	}
	if _, err := f.eval.Close(ctx, testrig.Admin, c.ID); err != nil {
		t.Fatal(err)
	}

	b := f.browser(t, "street_admin")
	base := "/evaluation/" + strconv.FormatInt(c.ID, 10)
	body := b.get(t, base+"/results")
	// rank, name, post · unit section, total, grade, marks, satisfaction,
	// dissatisfaction, then per group its score and ballots or its mark.
	if r := row(t, body, "李四<"); !strings.HasSuffix(r, " 62.00 5 票 62.00 5 票 不参评") || strings.Contains(r, "不足k人") || strings.Contains(r, "票数不足") {
		t.Errorf("李四's row reads %q; want 不参评 for 服务对象 and no mark of too few ballots", r)
	}
	if !strings.Contains(body, `<span class="muted" title="该评委组不评价此测评对象，不计入其总分">不参评</span>`) {
		t.Error("the 不参评 mark lacks its explanation")
	}
	if r := row(t, body, "王五<"); !strings.HasSuffix(r, " 不足k人") || strings.Contains(r, "不参评") || !strings.Contains(r, "票数不足：服务对象") {
		t.Errorf("王五's row reads %q; want 不足k人 and 票数不足：服务对象", r)
	}
	if r := row(t, body, "张三<"); strings.Contains(r, "不参评") || strings.Contains(r, "不足k人") {
		t.Errorf("张三's row reads %q; every group rated him", r)
	}
	if !strings.Contains(text(body), "“不参评”：该评委组不评价此测评对象") {
		t.Error("the ranking does not explain 不参评")
	}

	_, rows := b.xlsx(t, base+"/results.xlsx")
	var head []string
	byName := map[string][]string{}
	for _, r := range rows {
		if len(r) > 1 && r[0] == "名次" {
			head = r
		}
		if len(r) > 1 {
			byName[r[1]] = r
		}
	}
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("the export has no column %s: %q", name, head)
		return 0
	}
	cell := func(r []string, i int) string {
		if i < len(r) {
			return r[i]
		}
		return ""
	}
	served, why := col("服务对象得分"), col("未定等原因")
	if r := byName["李四"]; cell(r, served) != "不参评" || cell(r, why) != "" {
		t.Errorf("李四 in the export: 服务对象得分 %q, 未定等原因 %q; want 不参评 and nothing", cell(r, served), cell(r, why))
	}
	if r := byName["王五"]; cell(r, served) != "少于k人，不显示" {
		t.Errorf("王五 in the export: 服务对象得分 %q", cell(r, served))
	}
	if r := byName["张三"]; cell(r, served) == "不参评" || cell(r, served) == "少于k人，不显示" {
		t.Errorf("张三 in the export: 服务对象得分 %q", cell(r, served))
	}
	if len(rows) < 2 || !strings.Contains(strings.Join(rows[1], " "), "“不参评”：该评委组不评价此测评对象") {
		t.Errorf("the export's filters do not explain 不参评: %q", rows[:min(2, len(rows))])
	}
}
