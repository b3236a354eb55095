package server

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
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

// TestEvalNewFormOwnerAndType: the owner is picked by name from the user's
// scope, the root of it chosen to begin with, and the template decides the
// type unless one of the types without a template of its own is chosen.
func TestEvalNewFormOwnerAndType(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	street, _, _ := evalOrgs(t, f)
	ctx := context.Background()
	county, err := f.orgs.Get(ctx, testrig.Admin, *street.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser(t, "evaluator") // 评议考核管理员 of 南宁市委
	body := b.get(t, "/evaluation/new")
	if id, name, path := pickerOf(t, body, "owner_org_id"); id != strconv.FormatInt(f.root, 10) || name != "中共南宁市委员会" || path != "" {
		t.Fatalf("the owner picker starts at %q %q %q; want the city committee", id, name, path)
	}
	if strings.Contains(body, `name="owner_org_other"`) {
		t.Error("the form still offers a number field")
	}
	found := pickOptions(t, b, "/pick/orgs?field=owner_org_id&q="+url.QueryEscape(street.Name))
	if len(found) != 1 || !strings.HasPrefix(found[0], fmt.Sprintf("%d %s | 南宁市委 › ", street.ID, street.Name)) {
		t.Fatalf("searching %s offers %q", street.Name, found)
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
	if id, name, path := pickerOf(t, body, "owner_org_id"); id != strconv.FormatInt(county.ID, 10) || name != county.Name || path != "南宁市委" {
		t.Errorf("the form shown again does not keep the owner: %q %q %q", id, name, path)
	}
	// A custom campaign may use either template.
	form.Set("type", "custom")
	if c := create(form); c.Type != "custom" || c.Rules.Groups[0].Key != "superior" {
		t.Errorf("custom with the village template: type %s, groups %v", c.Type, c.Rules.Groups)
	}
	// A name typed without a choice (no JavaScript) is settled on submit.
	form.Set("type", "")
	form.Del("owner_org_id")
	form.Set("owner_org_id_q", street.Name)
	if c := create(form); c.Type != "review" || c.OwnerOrgID != street.ID {
		t.Errorf("village template with the name of %s: type %s, owner %d", street.Name, c.Type, c.OwnerOrgID)
	}
	form.Set("owner_org_id_q", "没有这个党组织")
	if st, _, body := b.status(t, "POST", "/evaluation/new", form); st != 422 || errAt(body, "owner_org_id") != "在您的管理范围内没有名称含“没有这个党组织”的党组织，请换个词查找" {
		t.Errorf("an unknown name: %d %q", st, errAt(body, "owner_org_id"))
	}
}

// TestEvalSubjectOrgPicker: the subject picker searches the owner's subtree
// only; a name typed without a choice is settled when the form is sent.
func TestEvalSubjectOrgPicker(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	street, home, sibling := evalOrgs(t, f)
	b := f.browser(t, "evaluator")
	c, err := f.eval.CreateCampaign(ctx, testrig.Admin, evaluation.CampaignInput{Name: "2026年度民生街道社区党组织书记述职评议", Type: "review", Year: 2026,
		OwnerOrgID: street.ID, OpensAt: time.Now(), ClosesAt: time.Now().AddDate(0, 1, 0), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	base := "/evaluation/" + strconv.FormatInt(c.ID, 10)
	body := b.get(t, base)
	src := regexp.MustCompile(`data-picker="([^"]*field=org_id[^"]*)"`).FindStringSubmatch(body)
	if src == nil || !strings.Contains(html.UnescapeString(src[1]), "under="+strconv.FormatInt(street.ID, 10)) {
		t.Fatalf("the subject picker does not search under %s: %q", street.Name, src)
	}
	under := html.UnescapeString(src[1])
	if got := pickOptions(t, b, under+"&q="+url.QueryEscape(home.Name)); len(got) != 1 || !strings.HasPrefix(got[0], fmt.Sprintf("%d %s | ", home.ID, home.Name)) {
		t.Errorf("searching %s under the owner offers %q", home.Name, got)
	}
	// The evaluator reads the whole city, but the owner's subtree bounds the search.
	if got := pickOptions(t, b, under+"&q="+url.QueryEscape("南宁市委")); len(got) != 0 {
		t.Errorf("searching the city committee under %s offers %q", street.Name, got)
	}
	if st, _, body := b.status(t, "POST", base+"/subjects", url.Values{"kind": {"org"}, "org_id": {""}}); st != 422 || errAt(body, "org_id") != "请选择作为测评对象的党组织" {
		t.Errorf("no organization chosen: %d %q", st, errAt(body, "org_id"))
	}
	if st, at, _ := b.status(t, "POST", base+"/subjects", url.Values{"kind": {"org"}, "org_id": {strconv.FormatInt(home.ID, 10)}}); st != 200 || at != base {
		t.Fatalf("add %s: %d at %s", home.Name, st, at)
	}
	// Without JavaScript the name is typed and the form sent: one match is taken.
	if st, at, _ := b.status(t, "POST", base+"/subjects", url.Values{"kind": {"org"}, "org_id": {""}, "org_id_q": {sibling.Name}}); st != 200 || at != base {
		t.Fatalf("add %s by name: %d at %s", sibling.Name, st, at)
	}
	if r := row(t, b.get(t, base), sibling.Name); !strings.HasPrefix(r, "2 "+sibling.Name) {
		t.Errorf("the subject added by name reads %q", r)
	}
	// A word that several organizations share: the form comes back with them to choose from.
	kids, total, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{Under: street.ID, Q: "社区", Sort: "tree", Limit: 100})
	if err != nil || total < 2 {
		t.Fatalf("communities of %s: %d %v", street.Name, total, err)
	}
	st, _, body := b.status(t, "POST", base+"/subjects", url.Values{"kind": {"org"}, "org_id": {""}, "org_id_q": {"社区"}})
	if st != 422 || errAt(body, "org_id") != "有多个党组织的名称含“社区”，请从下面选一个" {
		t.Fatalf("ambiguous name: %d %q", st, errAt(body, "org_id"))
	}
	radios := regexp.MustCompile(`<input type="radio" name="org_id" value="(\d+)">`).FindAllStringSubmatch(body, -1)
	if want := min(total, 12); len(radios) != want || radios[0][1] != strconv.FormatInt(kids[0].ID, 10) {
		t.Errorf("the form offers %d choices (first %v), want %d starting with %s", len(radios), radios, want, kids[0].Name)
	}
	if _, name, _ := pickerOf(t, body, "org_id"); name != "社区" {
		t.Errorf("the typed text became %q", name)
	}
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
		if i >= 0 && i < len(r) {
			return r[i]
		}
		return ""
	}
	// No subject is ungraded here, so the export leaves the column out.
	if slices.Contains(head, "未定等原因") {
		t.Errorf("the export keeps an empty column: %q", head)
	}
	served, why := col("服务对象得分"), -1
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
