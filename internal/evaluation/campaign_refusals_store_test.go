package evaluation_test

import (
	"context"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// TestPermissionBeforeInput checks that the list, the create and the token
// writes answer the actor's rights before its input: an account without
// evaluation.read gets no empty list, and one that may not manage the
// campaign (or the owner) learns nothing from the validation of a count, a
// code or a form it may not submit. Nothing is written.
func TestPermissionBeforeInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	c, _ := f.villageCampaign(t, 1)
	as := func(role access.Role, id int64, path string) access.Actor {
		return testPerms.Bind(access.Actor{UserID: 9, Username: string(role), Grants: []access.Grant{{Role: role, OrgID: id, OrgPath: path}}})
	}
	townMgr := as(access.EvaluationManager, f.town.ID, f.town.Path)
	otherMgr := as(access.EvaluationManager, f.other.ID, f.other.Path)
	secretary := as(access.Secretary, f.town.ID, f.town.Path)
	handler := as(access.CaseHandler, f.district.ID, f.district.Path)

	_, _, err := f.ev.List(ctx, handler, evaluation.CampaignQuery{})
	wantErr(t, "case handler lists", err, errs.Forbidden, "您没有查看评议考核的权限")
	wantErr(t, "case handler reads anywhere", f.ev.CheckReadAnywhere(handler), errs.Forbidden, "您没有查看评议考核的权限")
	if _, total, err := f.ev.List(ctx, secretary, evaluation.CampaignQuery{}); err != nil || total != 1 {
		t.Fatalf("secretary lists %d (%v)", total, err)
	}

	// An invalid campaign: no name, no year, no window, no rules.
	bad := func(owner int64) evaluation.CampaignInput { return evaluation.CampaignInput{OwnerOrgID: owner} }
	wantErr(t, "secretary manages anywhere", f.ev.CheckManageAnywhere(secretary), errs.Forbidden, "您没有管理评议考核的权限")
	_, err = f.ev.CreateCampaign(ctx, secretary, bad(f.town.ID))
	wantErr(t, "secretary creates", err, errs.Forbidden, "您没有管理评议考核的权限")
	_, err = f.ev.CreateCampaign(ctx, townMgr, bad(f.district.ID))
	wantErr(t, "manager creates above its subtree", err, errs.NotFound, "党组织 "+itoa(f.district.ID)+" 不存在或不在您的管理范围内")
	_, err = f.ev.CreateCampaign(ctx, townMgr, bad(0))
	wantErr(t, "manager creates without owner", err, errs.Invalid, "请选择组织测评的党组织")
	if e := errs.As(err); e.Field != "owner_org_id" {
		t.Fatalf("no owner: field %q", e.Field)
	}
	_, err = f.ev.CreateCampaign(ctx, townMgr, bad(f.town.ID))
	wantErr(t, "manager creates badly", err, errs.Invalid, "请填写测评名称（最多 100 字），如“2026年度村党组织书记抓基层党建述职评议”")
	if n := f.count(t, "SELECT COUNT(*) FROM campaigns"); n != 1 {
		t.Fatalf("%d campaigns", n)
	}

	_, err = f.ev.IssueTokens(ctx, secretary, c.ID, "", 0)
	wantErr(t, "secretary issues 0", err, errs.Forbidden, "您没有管理该测评的权限")
	_, err = f.ev.IssueTokens(ctx, otherMgr, c.ID, "", 0)
	wantErr(t, "other manager issues 0", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	err = f.ev.RevokeToken(ctx, secretary, c.ID, "")
	wantErr(t, "secretary revokes nothing", err, errs.Forbidden, "您没有管理该测评的权限")
	err = f.ev.RevokeToken(ctx, otherMgr, c.ID, "")
	wantErr(t, "other manager revokes nothing", err, errs.NotFound, "测评 "+itoa(c.ID)+" 不存在或不在您的管理范围内")
	_, err = f.ev.CheckManage(ctx, secretary, c.ID)
	wantErr(t, "secretary manages the campaign", err, errs.Forbidden, "您没有管理该测评的权限")

	// The manager still hears about its input.
	_, err = f.ev.IssueTokens(ctx, townMgr, c.ID, "masses", 0)
	wantErr(t, "manager issues 0", err, errs.Invalid, "每次发放测评码的数量应为 1–5000 张，现为 0 张")
	err = f.ev.RevokeToken(ctx, townMgr, c.ID, "")
	wantErr(t, "manager revokes nothing", err, errs.Invalid, errs.As(evaluation.InvalidCode()).ZH)
	if n := f.count(t, "SELECT COUNT(*) FROM ballot_tokens"); n != 0 {
		t.Fatalf("%d tokens", n)
	}
}
