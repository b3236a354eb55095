package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

// TestDissolvedOwnerDraftAPIAndPage: a draft whose owner was dissolved
// later takes no subjects and no ballot codes through the API (409 with the
// message of the opening), and its page says why it cannot go on.
func TestDissolvedOwnerDraftAPIAndPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	_, _, owner := evalOrgs(t, f)
	opens, closes := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	c, err := f.eval.CreateCampaign(ctx, testrig.Admin, evaluation.CampaignInput{OwnerOrgID: owner.ID, Name: "2026年度社区评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eval.AddSubjects(ctx, testrig.Admin, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "黄强", Post: "副书记", Unit: owner.Name}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.orgs.Dissolve(ctx, testrig.Admin, owner.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("“%s”已撤销，不能组织测评", owner.Label())
	tok := f.token(t, "street_admin")
	base := fmt.Sprintf("/api/v1/campaigns/%d", c.ID)
	st, out := f.call(t, "POST", base+"/subjects", tok, `{"subjects":[{"kind":"person","name":"李明","post":"委员","unit":"社区"}]}`)
	if st != 409 || errMsg(out) != want {
		t.Errorf("add a subject: %d %v", st, out)
	}
	st, out = f.call(t, "POST", base+"/tokens", tok, fmt.Sprintf(`{"group":%q,"count":10}`, c.Rules.Groups[0].Key))
	if st != 409 || errMsg(out) != want {
		t.Errorf("issue codes: %d %v", st, out)
	}
	body := f.browser(t, "street_admin").get(t, fmt.Sprintf("/evaluation/%d", c.ID))
	note := fmt.Sprintf("组织单位“%s”已撤销，本测评不能开始，也不能再添加测评对象、上传述职报告或发放测评码。", owner.Name)
	if !strings.Contains(text(body), note) {
		t.Errorf("the campaign page does not say the owner is dissolved:\n%s", text(body))
	}
	if strings.Contains(text(body), "草稿：可添加测评对象、发放测评码") {
		t.Error("the page still says subjects and codes can be added")
	}
	for _, action := range []string{"/open", "/subjects", "/tokens", "/files"} {
		if strings.Contains(body, fmt.Sprintf(`action="/evaluation/%d%s`, c.ID, action)) {
			t.Errorf("the page still offers a form to %s, which would be refused", action)
		}
	}
}
