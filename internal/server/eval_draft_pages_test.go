package server

import (
	"context"
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

var (
	inputRE  = regexp.MustCompile(`<input\b[^>]*>`)
	attrRE   = regexp.MustCompile(`\b(name|value|type)="([^"]*)"`)
	selectRE = regexp.MustCompile(`(?s)<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>`)
	chosenRE = regexp.MustCompile(`<option value="([^"]*)"[^>]*\bselected\b`)
)

// formOf reads the fields of the first form of body whose action is
// action, as a browser would submit it: inputs with their values, ticked
// checkboxes, the selected option of each select.
func formOf(t *testing.T, body, action string) url.Values {
	t.Helper()
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form posts to %s", action)
	}
	part := body[i:]
	part = part[:strings.Index(part, "</form>")]
	f := url.Values{}
	for _, in := range inputRE.FindAllString(part, -1) {
		a := map[string]string{}
		for _, m := range attrRE.FindAllStringSubmatch(in, -1) {
			a[m[1]] = html.UnescapeString(m[2])
		}
		if a["name"] == "" || (a["type"] == "checkbox" && !strings.Contains(in, " checked")) {
			continue
		}
		f.Add(a["name"], a["value"])
	}
	for _, m := range selectRE.FindAllStringSubmatch(part, -1) {
		if c := chosenRE.FindStringSubmatch(m[2]); c != nil {
			f.Set(m[1], html.UnescapeString(c[1]))
		}
	}
	return f
}

// draftFixture creates a village 述职评议 draft run by 民生街道 and signs
// the street's administrator in.
func draftFixture(t *testing.T) (*fixture, *browser, org.Org, evaluation.Campaign) {
	t.Helper()
	f := newFixtureWith(t, func(d *Deps) { d.PublicURL = "http://dj.example.org" })
	street, _, _ := evalOrgs(t, f)
	opens := time.Now().Add(-time.Hour)
	c, err := f.eval.CreateCampaign(context.Background(), testrig.Admin, evaluation.CampaignInput{OwnerOrgID: street.ID, Name: "2026年度社区书记述职评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: opens, ClosesAt: opens.Add(48 * time.Hour), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	return f, f.browser(t, "street_admin"), street, c
}

// TestEvalDraftEditorPage edits a draft in the web editor: the form holds
// the tree, the live check answers with the domain's messages, a save
// shows every problem at its row, a row is added without script, a good
// save is kept, a stale page and an opened campaign are refused.
func TestEvalDraftEditorPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, b, _, c := draftFixture(t)
	base := "/evaluation/" + itoa(c.ID)

	body := b.get(t, base)
	if !strings.Contains(body, `href="`+base+`/edit"`) {
		t.Fatal("the draft's page offers no editor")
	}
	body = b.get(t, base+"/edit")
	form := formOf(t, body, base+"/edit")
	if form.Get("ind_n") != "8" || form.Get("grp_n") != "3" || form.Get("ind-2-key") != "team" || form.Get("ind-2-depth") != "2" ||
		form.Get("ind-0-weight") != "20" || form.Get("ind-0-levels") != "好=100，较好=85，一般=70，差=50" || form.Get("grp-2-masses") != "1" ||
		form.Get("grades") != "好=90，较好=80，一般=60，差=0" || form.Get("veto_threshold") != "50" || form.Get("name") != c.Name {
		t.Fatalf("editor form %v", form)
	}
	if !strings.Contains(body, `hx-post="`+base+`/edit/check"`) || strings.Contains(body, "<script>") {
		t.Fatal("the editor lacks its live check or carries inline script")
	}

	// The live check: the domain's messages, as a fragment.
	check := func(f url.Values) string {
		t.Helper()
		st, _, body := b.status(t, "POST", base+"/edit/check", f)
		if st != 200 || strings.Contains(body, "<html") {
			t.Fatalf("check: %d %.200s", st, body)
		}
		return text(body)
	}
	if got := check(form); got != "✓ 规则有效，可以保存" {
		t.Fatalf("check of the stored rules: %q", got)
	}
	bad := cloneForm(form)
	bad.Set("ind-0-weight", "35")
	bad.Set("grp-2-weight", "30")
	bad.Set("grp-0-weight", "40")
	if got := check(bad); got != "✗ 有 2 处需要修改 一级指标权重合计为 115%，应为 100% 村（社区）模板中群众类评委组权重合计应不低于 40%，现为 30%" {
		t.Fatalf("check of bad weights: %q", got)
	}

	// A save shows every problem at its place, the form as typed.
	bad.Set("name", "")
	bad.Set("ind-1-levels", "好100")
	bad.Set("ind-0-depth", "2")
	st, _, body := b.status(t, "POST", base+"/edit", bad)
	if st != 422 || errAt(body, "name") != "请填写测评名称（最多 100 字），如“2026年度村党组织书记抓基层党建述职评议”" ||
		errAt(body, "indicators") != "一级指标权重合计为 115%，应为 100%" ||
		errAt(body, "groups") != "村（社区）模板中群众类评委组权重合计应不低于 40%，现为 30%" ||
		errAt(body, "ind-0-depth") != "层级不能比上一行深一级以上：请先添加上一级指标" {
		t.Fatalf("bad save: %d name %q indicators %q groups %q depth %q", st, errAt(body, "name"), errAt(body, "indicators"), errAt(body, "groups"), errAt(body, "ind-0-depth"))
	}
	// The parent "org" has children, so its levels are not asked; a leaf's are.
	bad.Set("ind-0-depth", "1")
	bad.Set("ind-4-levels", "好100")
	st, _, body = b.status(t, "POST", base+"/edit", bad)
	if st != 422 || errAt(body, "ind-4-levels") != "等级应写作“名称=分值”，用逗号分隔，如 好=100，较好=85，一般=70，差=50" ||
		!strings.Contains(body, `value="35"`) || !strings.Contains(flashOf(body), "处需要修改") {
		t.Fatalf("bad levels: %d %q flash %q", st, errAt(body, "ind-4-levels"), flashOf(body))
	}

	// A row is added by its button, without script.
	add := cloneForm(form)
	add.Set("op", "add_ind")
	st, _, body = b.status(t, "POST", base+"/edit", add)
	if st != 200 || formOf(t, body, base+"/edit").Get("ind_n") != "9" || !strings.Contains(body, `name="ind-8-key" value=""`) {
		t.Fatalf("add a row: %d", st)
	}
	if got, _ := f.eval.Get(ctx, testrig.Admin, c.ID); got.Version != c.Version {
		t.Fatal("adding a row saved the campaign")
	}

	// A good save: a new name, the satisfaction row removed, a third
	// level under 班子建设, weights that sum to 100.
	good := cloneForm(form)
	good.Set("name", "2026年度社区书记述职评议（更正）")
	good.Set("ind-7-remove", "1")
	good.Set("ind-0-weight", "40")
	good.Set("ind_n", "10")
	good.Set("ind-8-depth", "3")
	good.Set("ind-8-key", "team_a")
	good.Set("ind-8-name", "班子团结")
	good.Set("ind-8-weight", "100")
	good.Set("ind-8-scale", "points")
	// Rows travel in order: the new row belongs after 班子建设 (row 2).
	moved := url.Values{}
	order := []int{0, 1, 2, 8, 3, 4, 5, 6, 7}
	for to, from := range order {
		for _, k := range []string{"depth", "key", "name", "weight", "scale", "levels", "remove"} {
			if v := good.Get("ind-" + strconv.Itoa(from) + "-" + k); v != "" {
				moved.Set("ind-"+strconv.Itoa(to)+"-"+k, v)
			}
		}
	}
	for k, v := range good {
		if !strings.HasPrefix(k, "ind-") {
			moved[k] = v
		}
	}
	st, at, body := b.status(t, "POST", base+"/edit", moved)
	if st != 200 || at != base || flashOf(body) != "已保存测评“2026年度社区书记述职评议（更正）”的修改" {
		t.Fatalf("good save: %d %s %q %q", st, at, flashOf(body), errAt(body, "indicators"))
	}
	got, _ := f.eval.Get(ctx, testrig.Admin, c.ID)
	if got.Name != "2026年度社区书记述职评议（更正）" || len(got.Rules.Indicators) != 5 || got.Rules.Indicators[1].Children[0].Children[0].Key != "team_a" ||
		got.Rules.Indicators[0].Weight != 0.4 || got.Rules.Indicators[1].Children[0].Children[0].Scale.Kind != evaluation.ScalePoints {
		t.Fatalf("saved %+v", got.Rules.Indicators)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.edit' AND target_id = ?", itoa(c.ID)); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	// The editor opens on what was saved: a save of it changes nothing but the version.
	again := formOf(t, b.get(t, base+"/edit"), base+"/edit")
	if again.Get("ind-3-depth") != "3" || again.Get("ind-3-key") != "team_a" || again.Get("ind-3-scale") != "points" {
		t.Fatalf("editor after the save %v", again)
	}

	// The page loaded before the save is stale.
	st, _, body = b.status(t, "POST", base+"/edit", form)
	if st != 409 || flashOf(body) != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" {
		t.Fatalf("stale save: %d %q", st, flashOf(body))
	}

	// Once open, the editor is refused with the reason.
	if _, err := f.eval.AddSubjects(ctx, testrig.Admin, c.ID, []evaluation.SubjectInput{{Kind: "person", Name: "张伟", Post: "书记", Unit: "民生街道"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eval.Open(ctx, testrig.Admin, c.ID); err != nil {
		t.Fatal(err)
	}
	st, at, body = b.status(t, "GET", base+"/edit", nil)
	if st != 200 || at != base || flashOf(body) != "测评已开始，名称、时间和规则不能再修改" || strings.Contains(body, `href="`+base+`/edit"`) {
		t.Fatalf("edit an open campaign: %d %s %q", st, at, flashOf(body))
	}
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// TestEvalDraftSubjectsAndDelete adds every community of the street in one
// step, removes one, refuses a stale removal, and deletes the draft.
func TestEvalDraftSubjectsAndDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, b, street, c := draftFixture(t)
	base := "/evaluation/" + itoa(c.ID)
	_, total, err := f.orgs.List(ctx, testrig.Admin, org.ListQuery{Under: street.ID, Level: "village", Limit: 1})
	if err != nil || total < 2 {
		t.Fatalf("communities: %d %v", total, err)
	}

	st, _, body := b.status(t, "POST", base+"/subjects/under", url.Values{"under": {itoa(street.ID)}})
	if st != 422 || errAt(body, "level") != "请选择层级或组织类别（至少一项）" {
		t.Fatalf("no level: %d %q", st, errAt(body, "level"))
	}
	st, at, body := b.status(t, "POST", base+"/subjects/under", url.Values{"under": {itoa(street.ID)}, "level": {"village"}})
	if st != 200 || at != base || flashOf(body) != "已添加测评对象 "+strconv.Itoa(total)+" 个" {
		t.Fatalf("add the communities: %d %s %q", st, at, flashOf(body))
	}
	st, _, body = b.status(t, "POST", base+"/subjects/under", url.Values{"under": {itoa(street.ID)}, "level": {"village"}})
	if st != 422 || errAt(body, "under") != "“"+street.Label()+"”下没有尚未添加的符合条件的党组织" {
		t.Fatalf("add them again: %d %q", st, errAt(body, "under"))
	}

	subs, _ := f.eval.Subjects(ctx, testrig.Admin, c.ID)
	c, _ = f.eval.Get(ctx, testrig.Admin, c.ID)
	removeAt := base + "/subjects/" + itoa(subs[0].ID) + "/remove"
	if body := b.get(t, base); !strings.Contains(body, `action="`+removeAt+`"`) {
		t.Fatal("the page offers no removal of a subject")
	}
	_, _, body = b.status(t, "POST", removeAt, url.Values{"version": {strconv.Itoa(c.Version - 1)}})
	if flashOf(body) != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" {
		t.Fatalf("stale removal: %q", flashOf(body))
	}
	st, at, body = b.status(t, "POST", removeAt, url.Values{"version": {strconv.Itoa(c.Version)}})
	if st != 200 || at != base || flashOf(body) != "已移除测评对象“"+subs[0].Name+"”" || strings.Contains(body, `action="`+removeAt+`"`) {
		t.Fatalf("remove: %d %s %q", st, at, flashOf(body))
	}
	if left, _ := f.eval.Subjects(ctx, testrig.Admin, c.ID); len(left) != total-1 {
		t.Fatalf("%d subjects left, want %d", len(left), total-1)
	}

	// Deleting: a stale page is refused, the current one deletes.
	c, _ = f.eval.Get(ctx, testrig.Admin, c.ID)
	_, _, body = b.status(t, "POST", base+"/delete", url.Values{"version": {strconv.Itoa(c.Version - 1)}})
	if flashOf(body) != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" {
		t.Fatalf("stale delete: %q", flashOf(body))
	}
	st, at, body = b.status(t, "POST", base+"/delete", url.Values{"version": {strconv.Itoa(c.Version)}})
	if st != 200 || at != "/evaluation" || flashOf(body) != "已删除测评草稿“"+c.Name+"”" {
		t.Fatalf("delete: %d %s %q", st, at, flashOf(body))
	}
	if st, _, _ := b.status(t, "GET", base, nil); st != 404 {
		t.Fatalf("deleted campaign: %d", st)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.delete' AND target_id = ?", itoa(c.ID)); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
}

// TestEvalBatchesPage lists the batches with their counts, voids one whose
// codes then cannot vote, and keeps the slips of an issue to the account
// that issued them.
func TestEvalBatchesPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, b, _, c := draftFixture(t)
	base := "/evaluation/" + itoa(c.ID)
	if _, err := f.eval.AddSubjects(ctx, testrig.Admin, c.ID, []evaluation.SubjectInput{{Kind: "person", Name: "张伟", Post: "书记", Unit: "民生街道"}}); err != nil {
		t.Fatal(err)
	}
	var slipsAt string
	var first []string
	for _, n := range []string{"6", "4"} {
		st, at, body := b.status(t, "POST", base+"/tokens", url.Values{"group": {"masses"}, "n": {n}})
		if st != 200 || !strings.HasPrefix(at, base+"/slips/") {
			t.Fatalf("issue %s: %d %s", n, st, at)
		}
		if first == nil {
			slipsAt = at
			for _, m := range slipCodeRE.FindAllStringSubmatch(body, -1) {
				first = append(first, m[1])
			}
		}
	}
	if len(first) != 6 {
		t.Fatalf("%d codes on the first slips", len(first))
	}
	// Another manager of the campaign does not see these slips.
	other := f.browser(t, "county_admin")
	st, at, body := other.status(t, "GET", slipsAt, nil)
	if st != 200 || at != base+"#tokens" && at != base || !strings.HasPrefix(flashOf(body), "这批测评票已不能再显示") || strings.Contains(body, first[0]) {
		t.Fatalf("another account opens the slips: %d %s %q", st, at, flashOf(body))
	}

	body = b.get(t, base)
	if r := row(t, body, "第 1 批"); !strings.HasPrefix(r, "第 1 批 群众代表 ") || !strings.HasSuffix(r, " 6 6 0 0 整批作废") {
		t.Fatalf("batch 1 %q", r)
	}
	if r := row(t, body, "第 2 批"); !strings.HasSuffix(r, " 4 4 0 0 整批作废") {
		t.Fatalf("batch 2 %q", r)
	}
	st, _, body = b.status(t, "POST", base+"/tokens/batches/1/void", nil)
	if st != 200 || flashOf(body) != "第 1 批测评码已整批作废，共 6 张，不能再用于投票" {
		t.Fatalf("void: %d %q", st, flashOf(body))
	}
	if r := row(t, body, "第 1 批"); !strings.HasSuffix(r, " 6 0 0 6 已整批作废") {
		t.Fatalf("voided batch %q", r)
	}
	if r := row(t, body, `群众代表 <span class="tag gold">`); r != "3 群众代表 群众类 40% 4 0 0.0% 6 0" {
		t.Fatalf("masses tokens %q", r)
	}
	_, _, body = b.status(t, "POST", base+"/tokens/batches/1/void", nil)
	if flashOf(body) != "第 1 批测评码已全部作废" {
		t.Fatalf("void twice: %q", flashOf(body))
	}
	_, _, body = b.status(t, "POST", base+"/tokens/batches/9/void", nil)
	if flashOf(body) != "本测评没有第 9 批测评码" {
		t.Fatalf("void batch 9: %q", flashOf(body))
	}

	// A voided code cannot vote: the ballot page answers as for any wrong code.
	if _, err := f.eval.Open(ctx, testrig.Admin, c.ID); err != nil {
		t.Fatal(err)
	}
	st, _, body = b.status(t, "POST", "/vote", url.Values{"code": {first[0]}})
	if st != 422 || errAt(body, "code") != "测评码无效，请核对后重新输入" {
		t.Fatalf("vote with a voided code: %d %q", st, errAt(body, "code"))
	}
}

// count runs a COUNT query on the fixture's database.
func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
