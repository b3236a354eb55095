package evaluation_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// actors returns a manager of 三塘镇, a manager of 民生街道 (outside it) and
// a secretary of 三塘镇, who may read campaigns but not manage them.
func (f *fx) actors() (townMgr, otherMgr, secretary access.Actor) {
	as := func(role access.Role, id int64, path string) access.Actor {
		return testPerms.Bind(access.Actor{UserID: 9, Username: string(role), Grants: []access.Grant{{Role: role, OrgID: id, OrgPath: path}}})
	}
	return as(access.EvaluationManager, f.town.ID, f.town.Path), as(access.EvaluationManager, f.other.ID, f.other.Path),
		as(access.Secretary, f.town.ID, f.town.Path)
}

// TestUpdateDraft edits a draft's name, window and rules — a three-level
// indicator tree — and checks that the live check and the save refuse bad
// rules with the very messages of UpdateRules (the API's), and refuse a
// stale page, a reader, a manager elsewhere and an opened campaign.
func TestUpdateDraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, _ := f.villageCampaign(t, 1)
	c, _ = f.ev.Get(ctx, f.admin, c.ID)
	_, otherMgr, secretary := f.actors()
	rules := evaluation.TemplateVillageSecretary()
	rules.Indicators = []evaluation.Indicator{
		{Key: "party", Name: "党建工作", Weight: 0.6, Children: []evaluation.Indicator{
			{Key: "org", Name: "组织建设", Weight: 0.5, Children: []evaluation.Indicator{
				{Key: "team", Name: "班子建设", Weight: 0.5, Scale: evaluation.Scale{Kind: evaluation.ScalePoints}},
				{Key: "life", Name: "组织生活", Weight: 0.5, Scale: evaluation.Scale{Kind: evaluation.ScalePoints}},
			}},
			{Key: "duty", Name: "责任落实", Weight: 0.5, Scale: evaluation.Scale{Kind: evaluation.ScalePoints}},
		}},
		{Key: "satisfaction", Name: "群众满意度", Weight: 0.4, Scale: evaluation.Scale{Kind: evaluation.ScaleLevels,
			Levels: []evaluation.Level{{Label: "满意", Points: 100}, {Label: "不满意", Points: 0}}}},
	}
	opens := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	edit := evaluation.DraftEdit{Name: "  2026年度述职评议（更正）  ", OpensAt: opens, ClosesAt: opens.Add(72 * time.Hour), Rules: rules}
	if err := f.ev.CheckDraftEdit(ctx, f.admin, c.ID, edit); err != nil {
		t.Fatalf("check: %v", err)
	}
	stale := c.Version - 1
	_, err := f.ev.UpdateDraft(ctx, f.admin, c.ID, edit, &stale)
	wantErr(t, "stale page", err, errs.Conflict, "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改")
	_, err = f.ev.UpdateDraft(ctx, secretary, c.ID, edit, nil)
	wantErr(t, "secretary edits", err, errs.Forbidden, "您没有管理该测评的权限")
	_, err = f.ev.UpdateDraft(ctx, otherMgr, c.ID, edit, nil)
	wantErr(t, "manager elsewhere edits", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	wantErr(t, "manager elsewhere checks", f.ev.CheckDraftEdit(ctx, otherMgr, c.ID, edit), errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	wantErr(t, "secretary checks", f.ev.CheckDraftEdit(ctx, secretary, c.ID, edit), errs.Forbidden, "您没有管理该测评的权限")

	got, err := f.ev.UpdateDraft(ctx, f.admin, c.ID, edit, &c.Version)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if got.Name != "2026年度述职评议（更正）" || !got.OpensAt.Equal(opens) || !got.ClosesAt.Equal(opens.Add(72*time.Hour)) || got.Version != c.Version+1 ||
		len(got.Rules.Indicators) != 2 || got.Rules.Indicators[0].Children[0].Children[1].Key != "life" || got.Type != evaluation.TypeReview {
		t.Fatalf("updated campaign %+v", got)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.edit' AND target_id = ?", itoa(c.ID)); n != 1 {
		t.Fatalf("%d audit entries", n)
	}

	// Bad rules: the check, the save and UpdateRules give the same answer.
	bad := rules
	bad.Indicators = append([]evaluation.Indicator(nil), rules.Indicators...)
	bad.Indicators[1].Weight = 0.3
	bad.Groups = []evaluation.Group{{Key: "superior", Name: "上级党组织", Weight: 0.7}, {Key: "masses", Name: "群众代表", Weight: 0.3, Masses: true}}
	edit.Rules = bad
	edit.Name = ""
	checkErr := f.ev.CheckDraftEdit(ctx, f.admin, c.ID, edit)
	_, saveErr := f.ev.UpdateDraft(ctx, f.admin, c.ID, edit, nil)
	_, apiErr := f.ev.UpdateRules(ctx, f.admin, c.ID, bad)
	want := map[string]string{
		"name":             "请填写测评名称（最多 100 字），如“2026年度村党组织书记抓基层党建述职评议”",
		"rules.indicators": "一级指标权重合计为 90%，应为 100%",
		"rules.groups":     "村（社区）模板中群众类评委组权重合计应不低于 40%，现为 30%",
	}
	for name, err := range map[string]error{"check": checkErr, "save": saveErr} {
		got := map[string]string{}
		for _, d := range errs.As(err).Details {
			got[d.Field] = d.ZH
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %v", name, got)
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("%s: %s = %q, want %q", name, k, got[k], v)
			}
		}
	}
	apiGot := map[string]string{}
	for _, d := range errs.As(apiErr).Details {
		apiGot[d.Field] = d.ZH
	}
	if apiGot["rules.indicators"] != want["rules.indicators"] || apiGot["rules.groups"] != want["rules.groups"] || len(apiGot) != 2 {
		t.Fatalf("UpdateRules: %v", apiGot)
	}

	// Dropping a group that has codes is refused by both.
	f.issue(t, c, "members", 2)
	edit = evaluation.DraftEdit{Name: "x", OpensAt: opens, ClosesAt: opens.Add(time.Hour), Rules: rules}
	edit.Rules.Groups = []evaluation.Group{{Key: "superior", Name: "上级党组织", Weight: 0.6}, {Key: "masses", Name: "群众代表", Weight: 0.4, Masses: true}}
	wantErr(t, "check drops members", f.ev.CheckDraftEdit(ctx, f.admin, c.ID, edit), errs.Invalid, "评委组“members”已发放测评码或已指定测评对象，不能删除")
	_, err = f.ev.UpdateDraft(ctx, f.admin, c.ID, edit, nil)
	wantErr(t, "save drops members", err, errs.Invalid, "评委组“members”已发放测评码或已指定测评对象，不能删除")

	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	edit.Rules = rules
	_, err = f.ev.UpdateDraft(ctx, f.admin, c.ID, edit, nil)
	wantErr(t, "edit an open campaign", err, errs.Conflict, "测评已开始，指标、评委组、权重和阈值不能再修改")
	wantErr(t, "check an open campaign", f.ev.CheckDraftEdit(ctx, f.admin, c.ID, edit), errs.Conflict, "测评已开始，指标、评委组、权重和阈值不能再修改")
}

// TestRemoveSubject removes a subject with its report file, and refuses a
// stale page, another campaign's subject, a reader, a manager elsewhere and
// an opened campaign.
func TestRemoveSubject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 3)
	_, otherMgr, secretary := f.actors()
	if _, err := f.ev.AttachFiles(ctx, f.admin, c.ID, subs[1].ID, []evaluation.Upload{{Name: "述职报告.pdf", Data: tinyPDF()}}); err != nil {
		t.Fatal(err)
	}
	c, _ = f.ev.Get(ctx, f.admin, c.ID)
	stale := c.Version - 1
	_, err := f.ev.RemoveSubject(ctx, f.admin, c.ID, subs[1].ID, &stale)
	wantErr(t, "stale page", err, errs.Conflict, "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改")
	_, err = f.ev.RemoveSubject(ctx, secretary, c.ID, subs[1].ID, nil)
	wantErr(t, "secretary removes", err, errs.Forbidden, "您没有管理该测评的权限")
	_, err = f.ev.RemoveSubject(ctx, otherMgr, c.ID, subs[1].ID, nil)
	wantErr(t, "manager elsewhere removes", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	_, err = f.ev.RemoveSubject(ctx, f.admin, c.ID, subs[1].ID+1000, nil)
	wantErr(t, "unknown subject", err, errs.NotFound, "测评对象 "+itoa(subs[1].ID+1000)+" 不在本次测评中")

	sb, err := f.ev.RemoveSubject(ctx, f.admin, c.ID, subs[1].ID, &c.Version)
	if err != nil || sb.Name != subs[1].Name {
		t.Fatalf("remove: %v %+v", err, sb)
	}
	left, _ := f.ev.Subjects(ctx, f.admin, c.ID)
	if len(left) != 2 || left[0].ID != subs[0].ID || left[1].ID != subs[2].ID {
		t.Fatalf("left %+v", left)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM subject_files WHERE campaign_id = ?", c.ID); n != 0 {
		t.Fatalf("%d files left", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.subject_remove' AND target_id = ?", itoa(c.ID)); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.RemoveSubject(ctx, f.admin, c.ID, subs[0].ID, nil)
	wantErr(t, "remove from an open campaign", err, errs.Conflict, "测评已开始，指标、评委组、权重和阈值不能再修改")
}

// TestAddSubjectsUnder adds every community of 三塘镇 in one step, passes
// over those already rated, and refuses a subtree outside the owner, an
// empty choice, a reader and a manager elsewhere.
func TestAddSubjectsUnder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, _ := f.villageCampaign(t, 2)
	_, otherMgr, secretary := f.actors()
	all := f.count(t, "SELECT COUNT(*) FROM orgs WHERE parent_id = ? AND level = 'village' AND status = 'active'", f.town.ID)
	if all < 5 {
		t.Fatalf("三塘镇 has %d villages", all)
	}
	_, _, err := f.ev.AddSubjectsUnder(ctx, secretary, c.ID, f.town.ID, "village", "")
	wantErr(t, "secretary adds", err, errs.Forbidden, "您没有管理该测评的权限")
	_, _, err = f.ev.AddSubjectsUnder(ctx, otherMgr, c.ID, f.town.ID, "village", "")
	wantErr(t, "manager elsewhere adds", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	_, _, err = f.ev.AddSubjectsUnder(ctx, f.admin, c.ID, f.town.ID, "", "")
	wantErr(t, "no level nor kind", err, errs.Invalid, "请选择层级或组织类别（至少一项）")
	_, _, err = f.ev.AddSubjectsUnder(ctx, f.admin, c.ID, f.town.ID, "planet", "")
	wantErr(t, "unknown level", err, errs.Invalid, "请选择列表中的层级")
	_, _, err = f.ev.AddSubjectsUnder(ctx, f.admin, c.ID, f.other.ID, "village", "")
	wantErr(t, "outside the owner", err, errs.Invalid, "“"+f.other.Label()+"”不在“"+c.OwnerName+"”的管辖范围内")

	subs, added, err := f.ev.AddSubjectsUnder(ctx, f.admin, c.ID, f.town.ID, "village", "")
	if err != nil {
		t.Fatal(err)
	}
	if added != all-2 || len(subs) != all {
		t.Fatalf("added %d, %d subjects; want %d, %d", added, len(subs), all-2, all)
	}
	_, _, err = f.ev.AddSubjectsUnder(ctx, f.admin, c.ID, f.town.ID, "village", "")
	wantErr(t, "again", err, errs.Invalid, "“"+f.town.Label()+"”下没有尚未添加的符合条件的党组织")
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.subjects' AND target_id = ?", itoa(c.ID)); n != 2 {
		t.Fatalf("%d audit entries", n)
	}
}

// TestDeleteDraft deletes a draft with its subjects and codes, audited,
// and refuses a stale page, a reader, a manager elsewhere and an opened
// campaign.
func TestDeleteDraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, _ := f.villageCampaign(t, 2)
	f.issue(t, c, "masses", 3)
	c, _ = f.ev.Get(ctx, f.admin, c.ID)
	_, otherMgr, secretary := f.actors()
	stale := c.Version + 1
	_, err := f.ev.DeleteDraft(ctx, f.admin, c.ID, &stale)
	wantErr(t, "stale page", err, errs.Conflict, "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改")
	_, err = f.ev.DeleteDraft(ctx, secretary, c.ID, nil)
	wantErr(t, "secretary deletes", err, errs.Forbidden, "您没有管理该测评的权限")
	_, err = f.ev.DeleteDraft(ctx, otherMgr, c.ID, nil)
	wantErr(t, "manager elsewhere deletes", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	if _, err := f.ev.DeleteDraft(ctx, f.admin, c.ID, &c.Version); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT COUNT(*) FROM campaigns", "SELECT COUNT(*) FROM campaign_subjects", "SELECT COUNT(*) FROM ballot_tokens", "SELECT COUNT(*) FROM ballot_token_counts"} {
		if n := f.count(t, q); n != 0 {
			t.Fatalf("%s: %d", q, n)
		}
	}
	var summary string
	if err := f.d.QueryRow(ctx, "SELECT summary FROM audit_log WHERE action = 'evaluation.delete' AND target_id = ?", itoa(c.ID)).Scan(&summary); err != nil {
		t.Fatal(err)
	}
	if summary != "删除测评草稿 "+c.Name+"（测评对象 2 个，测评码 3 张）" {
		t.Fatalf("summary %q", summary)
	}
	_, err = f.ev.Get(ctx, f.admin, c.ID)
	wantErr(t, "deleted", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")

	open, _ := f.villageCampaign(t, 1)
	if _, err := f.ev.Open(ctx, f.admin, open.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.DeleteDraft(ctx, f.admin, open.ID, nil)
	wantErr(t, "delete an open campaign", err, errs.Conflict, "只有草稿状态的测评可以删除；已开始的测评及其选票须保留")
}

// TestVoidBatch lists batches with their counts, voids an unused batch
// whose codes then cannot vote, and refuses a batch that has voted, a
// voided one, an unknown one, a reader and a manager elsewhere.
func TestVoidBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	first := f.issue(t, c, "masses", 4)
	second := f.issue(t, c, "members", 3)
	_, otherMgr, secretary := f.actors()
	if err := f.ev.RevokeToken(ctx, f.admin, c.ID, first[0]); err != nil {
		t.Fatal(err)
	}
	_, err := f.ev.VoidBatch(ctx, secretary, c.ID, 1)
	wantErr(t, "secretary voids", err, errs.Forbidden, "您没有管理该测评的权限")
	_, err = f.ev.VoidBatch(ctx, otherMgr, c.ID, 1)
	wantErr(t, "manager elsewhere voids", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	_, err = f.ev.VoidBatch(ctx, f.admin, c.ID, 3)
	wantErr(t, "unknown batch", err, errs.NotFound, "本测评没有第 3 批测评码")

	b, err := f.ev.VoidBatch(ctx, f.admin, c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != 4 || b.Revoked != 4 || b.Issued != 0 || !b.Voided() || b.Group != "masses" {
		t.Fatalf("voided batch %+v", b)
	}
	_, err = f.ev.VoidBatch(ctx, f.admin, c.ID, 1)
	wantErr(t, "void twice", err, errs.Conflict, "第 1 批测评码已全部作废")
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'evaluation.void_batch' AND target_id = ?", itoa(c.ID)); n != 1 {
		t.Fatalf("%d audit entries", n)
	}

	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	scores := map[string]map[string]float64{subs[0].Key: villageAnswers(rand.New(rand.NewPCG(5, 6)))}
	_, err = f.ev.CastBallot(ctx, first[1], scores, "")
	wantErr(t, "voided code votes", err, errs.Invalid, "测评码无效，请核对后重新输入")
	if _, err := f.ev.CastBallot(ctx, second[0], scores, ""); err != nil {
		t.Fatalf("code of the other batch: %v", err)
	}
	_, err = f.ev.VoidBatch(ctx, f.admin, c.ID, 2)
	wantErr(t, "void a batch that voted", err, errs.Conflict, "第 2 批测评码已有 1 张投过票，不能整批作废；可逐张作废其余未用的测评码")

	batches, err := f.ev.Batches(ctx, secretary, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 2 || batches[0].Batch != 1 || batches[0].Revoked != 4 || batches[0].Name != "群众代表" ||
		batches[1].Total != 3 || batches[1].Used != 1 || batches[1].Issued != 2 || batches[1].Voidable() || batches[1].Voided() {
		t.Fatalf("batches %+v", batches)
	}
	counts, _ := f.ev.TokenCounts(ctx, f.admin, c.ID)
	if m := counts[2]; m.Group != "masses" || m.Issued != 0 || m.Revoked != 4 {
		t.Fatalf("masses counts %+v", m)
	}
}
