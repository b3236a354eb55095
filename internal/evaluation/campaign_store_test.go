package evaluation_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// testPerms is the permission catalogue of the evaluation module's part; the actors these
// tests build are bound to it, as the accounts service binds real ones.
var testPerms = access.MustCatalogue(evaluation.Permissions())

// TestVillageLifecycle runs a 述职评议 of three communities from creation to
// publication: three rater groups above k, every token used, ballots mixed
// in batches, and the published results equal to Compute over the very
// ballots the raters cast.
func TestVillageLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 3)
	if c.Status != evaluation.StatusDraft || len(subs) != 3 {
		t.Fatalf("created %s with %d subjects", c.Status, len(subs))
	}
	if subs[0].Name != f.villages[0].Name || subs[0].Key != "s"+itoa(subs[0].ID) || *subs[0].OrgID != f.villages[0].ID {
		t.Fatalf("subject %+v", subs[0])
	}
	// Rules may change while the campaign is a draft.
	r := c.Rules
	r.Trim = false
	if c2, err := f.ev.UpdateRules(ctx, f.admin, c.ID, r); err != nil || c2.Rules.Trim {
		t.Fatalf("update rules in draft: %v", err)
	}
	sizes := map[string]int{"superior": 6, "members": 9, "masses": 12}
	codes := map[string][]string{}
	for _, g := range []string{"superior", "members", "masses"} {
		codes[g] = f.issue(t, c, g, sizes[g])
	}
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}

	r.Trim = true
	_, err := f.ev.UpdateRules(ctx, f.admin, c.ID, r)
	wantErr(t, "rules after opening", err, errs.Conflict, "测评已开始，指标、评委组、权重和阈值不能再修改")
	_, err = f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectOrg, OrgID: f.villages[4].ID}})
	wantErr(t, "subjects after opening", err, errs.Conflict, "测评已开始，指标、评委组、权重和阈值不能再修改")

	rng := rand.New(rand.NewPCG(7, 11))
	var cast []evaluation.Ballot
	var trackers []string
	mixed := 0
	for _, g := range []string{"masses", "superior", "members"} {
		for _, code := range codes[g] {
			scores := map[string]map[string]float64{}
			for _, s := range subs {
				scores[s.Key] = villageAnswers(rng)
			}
			tr, err := f.ev.CastBallot(ctx, code, scores, "希望加强村务公开")
			if err != nil {
				t.Fatalf("cast %s: %v", g, err)
			}
			cast = append(cast, evaluation.Ballot{Group: g, Scores: scores})
			trackers = append(trackers, tr)
			n, err := f.ev.Mix(ctx, c.ID, 10, false)
			if err != nil {
				t.Fatal(err)
			}
			if n != 0 && n != 10 {
				t.Fatalf("mixed a batch of %d, want 10", n)
			}
			mixed += n
		}
	}
	// Only the masses reach ten ballots of their group; the superiors (6),
	// the members (9) and the last two of the masses wait for close.
	if mixed != 10 || f.count(t, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID) != 17 {
		t.Fatalf("mixed %d before close, want 10 and 17 waiting", mixed)
	}
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_inbox"); n != 0 {
		t.Fatalf("inbox holds %d after close", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballots WHERE campaign_id = ?", c.ID); n != 27 {
		t.Fatalf("%d ballots counted, want 27", n)
	}

	b, err := f.ev.Bulletin(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range b.Groups {
		n := sizes[g.Group]
		if g.FewerThanK || *g.Issued != n || *g.Used != n || *g.Counted != n {
			t.Errorf("bulletin %s: %+v, want %d issued, used and counted", g.Group, g, n)
		}
	}
	slices.Sort(trackers)
	if !slices.Equal(b.Trackers, trackers) {
		t.Errorf("bulletin trackers differ from the raters'")
	}

	live, err := f.ev.Results(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The stored rules are those of the draft, with Trim off.
	r.Trim = false
	want, err := evaluation.Compute(r.WithDefaults(), keys(subs), nil, cast)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	if got, _ := json.Marshal(live); string(got) != string(wantJSON) {
		t.Fatalf("live results\n%s\nwant\n%s", got, wantJSON)
	}

	p, err := f.ev.Publish(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var stored, sum string
	if err := f.d.QueryRow(ctx, "SELECT results_json, results_sha256 FROM campaigns WHERE id = ?", c.ID).Scan(&stored, &sum); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte(stored))
	if p.Status != evaluation.StatusPublished || sum != hex.EncodeToString(h[:]) || p.ResultsSHA256 != sum || p.PublishedAt == "" {
		t.Fatalf("published %s sha %s (stored %s)", p.Status, p.ResultsSHA256, sum)
	}
	if stored != string(wantJSON) {
		t.Fatalf("stored results\n%s\nwant\n%s", stored, wantJSON)
	}
	frozen, err := f.ev.Results(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(frozen); string(got) != string(wantJSON) {
		t.Fatalf("frozen results differ")
	}
	flags, err := f.ev.Flags(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(flags) != len(want.Flags) {
		t.Fatalf("%d flags, want %v", len(flags), want.Flags)
	}
	for i, s := range flags {
		if s.Key != want.Flags[i] {
			t.Errorf("flag %d: %s, want %s", i, s.Key, want.Flags[i])
		}
	}

	_, err = f.ev.Publish(ctx, f.admin, c.ID)
	wantErr(t, "publish twice", err, errs.Conflict, "测评结果已发布，不能重复发布")

	// A changed byte in the stored results is caught, not shown.
	if _, err := f.d.Exec(ctx, f.d.Rebind("UPDATE campaigns SET results_json = REPLACE(results_json, '\"rank\":1', '\"rank\":2') WHERE id = ?"), c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ev.Results(ctx, f.admin, c.ID); errs.KindOf(err) != errs.Internal {
		t.Fatalf("tampered results: %v", err)
	}

	// The audit log has every step and never a code, a MAC or a tracker.
	var log []string
	rows, err := f.d.Query(ctx, "SELECT action, summary, COALESCE(after_json, '') FROM audit_log WHERE target_type = 'campaign' AND target_id = ? ORDER BY id", itoa(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, s, after string
		if err := rows.Scan(&a, &s, &after); err != nil {
			t.Fatal(err)
		}
		log = append(log, a)
		for _, secret := range append(append(append([]string{}, codes["masses"]...), codes["members"]...), trackers...) {
			if strings.Contains(s+after, secret) {
				t.Fatalf("audit %s holds a code or tracker", a)
			}
		}
	}
	rows.Close()
	wantLog := []string{"evaluation.create", "evaluation.subjects", "evaluation.rules", "evaluation.tokens", "evaluation.tokens", "evaluation.tokens",
		"evaluation.open", "evaluation.close", "evaluation.publish"}
	if !slices.Equal(log, wantLog) {
		t.Fatalf("audit %v, want %v", log, wantLog)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE summary LIKE '%' || ? || '%'", trackers[0]); n != 0 {
		t.Fatal("tracker in the audit log")
	}
}

// TestCampaignInputErrors checks the exact field errors of bad campaigns,
// and that nothing is stored.
func TestCampaignInputErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	opens, closes := window()
	base := func() evaluation.CampaignInput {
		return evaluation.CampaignInput{OwnerOrgID: f.town.ID, Name: "述职评议", Type: evaluation.TypeReview, Year: 2026,
			OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateVillageSecretary()}
	}
	cases := []struct {
		name  string
		edit  func(*evaluation.CampaignInput)
		field string
		msg   string
	}{
		{"weights", func(in *evaluation.CampaignInput) { in.Rules.Groups[2].Weight = 0.3 }, "rules.groups", "评委组权重合计为 90%，应为 100%"},
		{"k below 3", func(in *evaluation.CampaignInput) { in.Rules.K = 2 }, "rules.k", "最小评委组人数 k 不能小于 3，现为 2"},
		{"closes before opens", func(in *evaluation.CampaignInput) { in.ClosesAt = in.OpensAt }, "closes_at", "测评结束时间应晚于开始时间"},
		{"no name", func(in *evaluation.CampaignInput) { in.Name = " " }, "name", "请填写测评名称（最多 100 字），如“2026年度村党组织书记抓基层党建述职评议”"},
		{"type", func(in *evaluation.CampaignInput) { in.Type = "vote" }, "type", "请选择测评类型（述职评议考核、千企议科长、群众满意度测评、第一书记评议或自定义）"},
		{"masses below 40%", func(in *evaluation.CampaignInput) {
			in.Rules.Groups[1].Weight, in.Rules.Groups[2].Weight = 0.4, 0.3
		}, "rules.groups", "村（社区）模板中群众类评委组权重合计应不低于 40%，现为 30%"},
	}
	for _, tc := range cases {
		in := base()
		tc.edit(&in)
		_, err := f.ev.CreateCampaign(ctx, f.admin, in)
		wantErr(t, tc.name, err, errs.Invalid, tc.msg)
		if e := errs.As(err); e.Field != tc.field {
			t.Errorf("%s: field %q, want %q", tc.name, e.Field, tc.field)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM campaigns"); n != 0 {
		t.Fatalf("%d campaigns stored after errors", n)
	}

	c, _ := f.villageCampaign(t, 1)
	r := c.Rules
	r.K = 2
	_, err := f.ev.UpdateRules(ctx, f.admin, c.ID, r)
	wantErr(t, "rules k", err, errs.Invalid, "最小评委组人数 k 不能小于 3，现为 2")
	f.issue(t, c, "masses", 5)
	r = c.Rules
	r.Groups = r.Groups[:2]
	r.Groups[1].Weight = 0.7
	r.VillageTemplate = false
	_, err = f.ev.UpdateRules(ctx, f.admin, c.ID, r)
	wantErr(t, "drop a group with tokens", err, errs.Invalid, "评委组“masses”已发放测评码或已指定测评对象，不能删除")

	_, err = f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{
		{Kind: evaluation.SubjectOrg, OrgID: f.other.ID},
		{Kind: evaluation.SubjectPerson, Name: "张三"},
		{Kind: evaluation.SubjectOrg, OrgID: f.villages[0].ID},
	})
	wantErr(t, "subjects", err, errs.Invalid, "第 1 个测评对象：“"+f.other.Name+"”不在“"+f.town.Name+"”的管辖范围内，不能作为本次测评的对象")
	if d := errs.As(err).Details; len(d) != 4 || d[1].ZH != "第 2 个测评对象：请填写职务" || d[2].ZH != "第 2 个测评对象：请填写所在单位或部门" ||
		d[3].ZH != "第 3 个测评对象：“"+f.villages[0].Name+"”已是本次测评的对象" {
		for _, x := range d {
			t.Log(x.Field, x.ZH)
		}
		t.Fatal("subject errors differ")
	}
	if n := f.count(t, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", c.ID); n != 1 {
		t.Fatalf("%d subjects after refused additions", n)
	}

	_, err = f.ev.Publish(ctx, f.admin, c.ID)
	wantErr(t, "publish a draft", err, errs.Conflict, "请先结束测评再发布结果")
	_, err = f.ev.Close(ctx, f.admin, c.ID)
	wantErr(t, "close a draft", err, errs.Conflict, "只有进行中的测评可以结束")
	empty, err := f.ev.CreateCampaign(ctx, f.admin, base())
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.Open(ctx, f.admin, empty.ID)
	wantErr(t, "open without subjects", err, errs.Invalid, "请至少添加一个测评对象后再开始测评")
}

// TestCampaignScope checks who sees and who runs a campaign.
func TestCampaignScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, _ := f.villageCampaign(t, 2)
	as := func(role access.Role, id int64, path string) access.Actor {
		return testPerms.Bind(access.Actor{UserID: 9, Username: string(role), Grants: []access.Grant{{Role: role, OrgID: id, OrgPath: path}}})
	}
	townMgr := as(access.EvaluationManager, f.town.ID, f.town.Path)
	otherMgr := as(access.EvaluationManager, f.other.ID, f.other.Path)
	auditor := as(access.Auditor, f.district.ID, f.district.Path)
	secretary := as(access.Secretary, f.town.ID, f.town.Path)

	if _, err := f.ev.Get(ctx, townMgr, c.ID); err != nil {
		t.Fatalf("manager of the owner: %v", err)
	}
	_, err := f.ev.Get(ctx, otherMgr, c.ID)
	wantErr(t, "manager elsewhere", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	for _, a := range []access.Actor{auditor, secretary} {
		if _, err := f.ev.Get(ctx, a, c.ID); err != nil {
			t.Fatalf("%s reads: %v", a.Username, err)
		}
		_, err := f.ev.IssueTokens(ctx, a, c.ID, "masses", 5)
		wantErr(t, a.Username+" issues", err, errs.Forbidden, "您没有管理该测评的权限")
	}
	if _, err := f.ev.IssueTokens(ctx, townMgr, c.ID, "masses", 5); err != nil {
		t.Fatal(err)
	}
	list, total, err := f.ev.List(ctx, otherMgr, evaluation.CampaignQuery{})
	if err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("other manager lists %d (%v)", total, err)
	}
	list, total, err = f.ev.List(ctx, auditor, evaluation.CampaignQuery{Year: 2026})
	if err != nil || total != 1 || list[0].ID != c.ID || list[0].OwnerName != f.town.Name {
		t.Fatalf("auditor lists %d (%v)", total, err)
	}
	_, err = f.ev.CreateCampaign(ctx, townMgr, evaluation.CampaignInput{OwnerOrgID: f.district.ID, Name: "区级测评", Type: evaluation.TypeReview, Year: 2026,
		OpensAt: c.OpensAt, ClosesAt: c.ClosesAt, Rules: evaluation.TemplateVillageSecretary()})
	wantErr(t, "create above own subtree", err, errs.NotFound, "党组织 "+itoa(f.district.ID)+" 不存在或不在您的管理范围内")
}
