package evaluation_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// TestDissolveRefusedWhileCampaignOpen: an organization that runs an open
// campaign, or is rated in one, keeps its place until the campaign closes.
func TestDissolveRefusedWhileCampaignOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, _ := f.villageCampaign(t, 2)
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	rated := f.villages[0]
	_, err := f.orgs.Dissolve(ctx, f.admin, rated.ID, "", "")
	wantErr(t, "dissolve a subject", err, errs.Conflict, fmt.Sprintf("“%s”是进行中的测评“%s”的测评对象，请先结束该测评再撤销", rated.Label(), c.Name))

	// A community runs its own campaign of one person.
	owner := f.villages[4]
	opens, closes := window()
	own, err := f.ev.CreateCampaign(ctx, f.admin, evaluation.CampaignInput{OwnerOrgID: owner.ID, Name: "2026年度社区干部评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ev.AddSubjects(ctx, f.admin, own.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "黄强", Post: "副书记", Unit: owner.Name}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ev.Open(ctx, f.admin, own.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.orgs.Dissolve(ctx, f.admin, owner.ID, "", "")
	wantErr(t, "dissolve an owner", err, errs.Conflict, fmt.Sprintf("“%s”正在组织测评“%s”，请先结束该测评再撤销", owner.Label(), own.Name))
	if n := f.count(t, "SELECT COUNT(*) FROM orgs WHERE status = 'dissolved'"); n != 0 {
		t.Fatalf("%d organizations dissolved", n)
	}

	// Once the campaigns are closed, both may go.
	for _, id := range []int64{c.ID, own.ID} {
		if _, err := f.ev.Close(ctx, f.admin, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{rated.ID, owner.ID} {
		if _, err := f.orgs.Dissolve(ctx, f.admin, id, "", ""); err != nil {
			t.Fatalf("dissolve after close: %v", err)
		}
	}
}

// TestDissolvedOrganizationsTakeNoPart: a dissolved organization cannot run
// a new campaign nor be added or imported as a subject, and a draft whose
// subject was dissolved does not open.
func TestDissolvedOrganizationsTakeNoPart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, _ := f.villageCampaign(t, 1)
	gone := f.villages[3]
	if _, err := f.orgs.Dissolve(ctx, f.admin, gone.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	opens, closes := window()
	_, err := f.ev.CreateCampaign(ctx, f.admin, evaluation.CampaignInput{OwnerOrgID: gone.ID, Name: "2026年度社区干部评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateVillageSecretary()})
	wantErr(t, "create for a dissolved owner", err, errs.Invalid, fmt.Sprintf("“%s”已撤销，不能组织测评", gone.Label()))
	if e := errs.As(err); e.Field != "owner_org_id" {
		t.Errorf("field %q, want owner_org_id", e.Field)
	}

	_, err = f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectOrg, OrgID: gone.ID}})
	wantErr(t, "add a dissolved subject", err, errs.Invalid, fmt.Sprintf("第 1 个测评对象：“%s”已撤销，不能作为测评对象", gone.Name))

	uid := f.user(t, "importer")
	header := []string{"类型", "姓名或名称", "职务*", "单位(部门)", "科室", "党组织代码或id", "评委组", "述职报告"}
	sess, err := f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "名单.csv", header, [][]string{{"党组织", "", "", "", "", fmt.Sprint(gone.ID), "", ""}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sess.Problems) != 1 || sess.Problems[0].ZH != fmt.Sprintf("第 2 行“党组织代码或ID”：“%s”已撤销，不能作为测评对象", gone.Name) {
		t.Errorf("import of a dissolved subject: %+v", sess.Problems)
	}

	// A subject dissolved after it was added keeps the draft from opening.
	v := f.villages[1]
	if _, err := f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectOrg, OrgID: v.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.orgs.Dissolve(ctx, f.admin, v.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.Open(ctx, f.admin, c.ID)
	wantErr(t, "open with a dissolved subject", err, errs.Conflict, fmt.Sprintf("测评对象“%s”已撤销，不能开始测评", v.Name))
	if got, _ := f.ev.Get(ctx, f.admin, c.ID); got.Status != evaluation.StatusDraft {
		t.Errorf("status %s, want draft", got.Status)
	}
}

// TestConcurrentRuleEditsDetected: two managers load the same draft and
// save its rules in turn; the second save is refused and the first one's
// rules stay. Opening the campaign changes its version too.
func TestConcurrentRuleEditsDetected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, _ := f.villageCampaign(t, 1)
	first, _ := f.ev.Get(ctx, f.admin, c.ID)
	second, _ := f.ev.Get(ctx, f.admin, c.ID)
	r1, r2 := first.Rules, second.Rules
	r1.MinBallots, r2.MinBallots = 21, 22
	saved, err := f.ev.UpdateRulesAt(ctx, f.admin, c.ID, r1, &first.Version)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.ev.UpdateRulesAt(ctx, f.admin, c.ID, r2, &second.Version)
	wantErr(t, "second save", err, errs.Conflict, "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改")
	got, _ := f.ev.Get(ctx, f.admin, c.ID)
	if got.Rules.MinBallots != 21 || got.Version != saved.Version || saved.Version != first.Version+1 {
		t.Errorf("after the refused save: min ballots %d, version %d (saved %d, loaded %d)", got.Rules.MinBallots, got.Version, saved.Version, first.Version)
	}
	opened, err := f.ev.Open(ctx, f.admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if opened.Version != saved.Version+1 {
		t.Errorf("version %d after opening, want %d", opened.Version, saved.Version+1)
	}
}
