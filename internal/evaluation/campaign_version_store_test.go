package evaluation_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

const staleMsg = "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改"

// TestSubjectChangesRaiseCampaignVersion: a manager loads a draft; a
// colleague then adds a subject, imports subjects, attaches or removes a
// report file. Each change raises the campaign's version, so opening from
// the page loaded before it is refused and the campaign stays a draft.
func TestSubjectChangesRaiseCampaignVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, subs := f.villageCampaign(t, 1)
	uid := f.user(t, "importer")
	header := []string{"类型", "姓名或名称", "职务*", "单位(部门)", "科室", "党组织代码或id", "评委组", "述职报告"}
	var fileID string
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"add a subject", func() error {
			_, err := f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectOrg, OrgID: f.villages[1].ID}})
			return err
		}},
		{"import subjects", func() error {
			sess, err := f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "名单.csv", header, [][]string{{"党组织", "", "", "", "", fmt.Sprint(f.villages[2].ID), "", ""}})
			if err != nil {
				return err
			}
			_, err = f.ev.ApplySubjectImport(ctx, f.admin, uid, sess.ID)
			return err
		}},
		{"attach a report", func() error {
			fs, err := f.ev.AttachFiles(ctx, f.admin, c.ID, subs[0].ID, []evaluation.Upload{{Name: "述职报告.pdf", Data: tinyPDF()}})
			if err == nil {
				fileID = fs[0].ID
			}
			return err
		}},
		{"remove a report", func() error {
			_, err := f.ev.RemoveFile(ctx, f.admin, c.ID, subs[0].ID, fileID)
			return err
		}},
	} {
		loaded, _ := f.ev.Get(ctx, f.admin, c.ID)
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, _ := f.ev.Get(ctx, f.admin, c.ID)
		if got.Version != loaded.Version+1 {
			t.Errorf("%s: version %d, loaded %d", step.name, got.Version, loaded.Version)
		}
		_, err := f.ev.OpenAt(ctx, f.admin, c.ID, &loaded.Version)
		wantErr(t, "open from before "+step.name, err, errs.Conflict, staleMsg)
		if got, _ := f.ev.Get(ctx, f.admin, c.ID); got.Status != evaluation.StatusDraft {
			t.Fatalf("%s: status %s after a stale open", step.name, got.Status)
		}
	}
	// A refused change leaves the version as it was.
	before, _ := f.ev.Get(ctx, f.admin, c.ID)
	if _, err := f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectOrg, OrgID: f.villages[1].ID}}); err == nil {
		t.Fatal("the same organization added twice")
	}
	if got, _ := f.ev.Get(ctx, f.admin, c.ID); got.Version != before.Version {
		t.Errorf("version %d after a refused addition, was %d", got.Version, before.Version)
	}
	if _, err := f.ev.OpenAt(ctx, f.admin, c.ID, &before.Version); err != nil {
		t.Errorf("open from the current page: %v", err)
	}
}

// TestDissolvedOwnerDraftTakesNothing: a draft whose owner was dissolved
// after it was created can never open; adding or importing subjects,
// attaching reports and issuing ballot codes are refused with the message
// of the opening, and nothing is written.
func TestDissolvedOwnerDraftTakesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	owner := f.villages[4]
	opens, closes := window()
	c, err := f.ev.CreateCampaign(ctx, f.admin, evaluation.CampaignInput{OwnerOrgID: owner.ID, Name: "2026年度社区干部评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "黄强", Post: "副书记", Unit: owner.Name}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.orgs.Dissolve(ctx, f.admin, owner.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("“%s”已撤销，不能组织测评", owner.Label())
	got, _ := f.ev.Get(ctx, f.admin, c.ID)
	if !got.OwnerDissolved {
		t.Error("the campaign does not say its owner is dissolved")
	}
	_, err = f.ev.Open(ctx, f.admin, c.ID)
	wantErr(t, "open", err, errs.Conflict, want)

	_, err = f.ev.AddSubjects(ctx, f.admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "李明", Post: "委员", Unit: owner.Name}})
	wantErr(t, "add a subject", err, errs.Conflict, want)
	uid := f.user(t, "importer")
	header := []string{"类型", "姓名或名称", "职务*", "单位(部门)", "科室", "党组织代码或id", "评委组", "述职报告"}
	_, err = f.ev.PrepareSubjectImport(ctx, f.admin, uid, c.ID, "名单.csv", header, [][]string{{"个人", "李明", "委员", owner.Name, "", "", "", ""}})
	wantErr(t, "import subjects", err, errs.Conflict, want)
	_, err = f.ev.AttachFiles(ctx, f.admin, c.ID, subs[0].ID, []evaluation.Upload{{Name: "述职报告.pdf", Data: tinyPDF()}})
	wantErr(t, "attach a report", err, errs.Conflict, want)
	for _, g := range c.Rules.Groups {
		_, err = f.ev.IssueTokens(ctx, f.admin, c.ID, g.Key, 10)
		wantErr(t, "issue codes for "+g.Key, err, errs.Conflict, want)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM campaign_subjects WHERE campaign_id = ?", c.ID); n != 1 {
		t.Errorf("%d subjects, want 1", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_tokens WHERE campaign_id = ?", c.ID); n != 0 {
		t.Errorf("%d ballot codes issued", n)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM subject_files WHERE campaign_id = ?", c.ID); n != 0 {
		t.Errorf("%d report files kept", n)
	}
}
