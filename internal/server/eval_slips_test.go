package server

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

// slipCampaign creates an open 千企议科长 campaign owned by the root.
func (f *fixture) slipCampaign(t *testing.T) evaluation.Campaign {
	t.Helper()
	now := time.Now()
	c, err := f.eval.CreateCampaign(context.Background(), testrig.Admin, evaluation.CampaignInput{OwnerOrgID: f.root, Name: "2026年千企议科长", Type: evaluation.TypeQianQi,
		Year: 2026, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), Rules: evaluation.TemplateQianQiYiKeZhang()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const noPublicURL = "未设置公开网址，不能打印测评票：请用 jiceng serve --public-url https://评委访问的地址 重新启动服务后再发放"

// TestSlipsNeedPublicURL: a server started without --public-url printed
// slips with the request's Host header, which the client chooses. Now it
// issues no codes for slips, says how to fix it, and exports none.
func TestSlipsNeedPublicURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.slipCampaign(t)
	b := f.browser(t, "admin")
	base := fmt.Sprintf("/evaluation/%d", c.ID)
	if body := b.get(t, base); !strings.Contains(body, `<p class="flash warn" role="note">`+noPublicURL+`</p>`) {
		t.Errorf("the campaign page does not warn that no slips can be printed:\n%s", text(body))
	}
	st, at, body := b.status(t, "POST", base+"/tokens", url.Values{"group": {"enterprise"}, "n": {"2"}})
	if st != 200 || at != base || !strings.Contains(text(body), noPublicURL) || strings.Contains(body, "slip-qr") {
		t.Fatalf("slips without a public address: %d at %s\n%s", st, at, text(body))
	}
	counts, err := f.eval.TokenCounts(context.Background(), testrig.Admin, c.ID)
	if err != nil || counts[0].Group != "enterprise" || counts[0].Issued != 0 {
		t.Errorf("codes issued for slips that cannot be printed: %+v %v", counts, err)
	}
	codes, err := f.eval.IssueTokens(context.Background(), testrig.Admin, c.ID, "enterprise", 2)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := b.c.PostForm(b.base+base+"/tokens/export.xlsx", url.Values{"group": {"enterprise"}, "code": codes})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 409 || !strings.Contains(text(string(x)), noPublicURL) {
		t.Errorf("code export without a public address: %d\n%s", resp.StatusCode, text(string(x)))
	}
}

// TestSlipQRCarriesCodeInFragment: a slip's address, in its QR code and in
// the export, holds the code in the fragment, never in a query.
func TestSlipQRCarriesCodeInFragment(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.PublicURL = "http://dj.example.org" })
	c := f.slipCampaign(t)
	b := f.browser(t, "admin")
	base := fmt.Sprintf("/evaluation/%d", c.ID)
	st, _, body := b.status(t, "POST", base+"/tokens", url.Values{"group": {"enterprise"}, "n": {"2"}})
	if st != 200 || !strings.Contains(text(body), "扫码或访问 http://dj.example.org/vote 输入测评码") {
		t.Fatalf("slips: %d\n%s", st, text(body))
	}
	var codes []string
	for _, m := range slipCodeRE.FindAllStringSubmatch(body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 2 || strings.Count(body, `class="slip-qr"`) != 2 {
		t.Fatalf("slips hold %d codes and %d QR codes, want 2 and 2", len(codes), strings.Count(body, `class="slip-qr"`))
	}
	_, rows := b.xlsxPost(t, base+"/tokens/export.xlsx", url.Values{"group": {"enterprise"}, "code": codes})
	var got []string
	for _, r := range rows {
		if len(r) == 4 && r[0] != "序号" {
			got = append(got, r[3])
		}
	}
	want := []string{"http://dj.example.org/vote#c=" + strings.ReplaceAll(codes[0], "-", ""), "http://dj.example.org/vote#c=" + strings.ReplaceAll(codes[1], "-", "")}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("exported addresses %q, want %q", got, want)
	}
}

// TestSlipExportChecksInDomain: the export of slips is refused by the
// domain call itself to a reader who may not manage the campaign.
func TestSlipExportChecksInDomain(t *testing.T) {
	t.Parallel()
	f := newFixtureWith(t, func(d *Deps) { d.PublicURL = "http://dj.example.org" })
	c := f.slipCampaign(t)
	ctx := context.Background()
	root, err := f.orgs.Get(ctx, testrig.Admin, f.root)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := f.eval.IssueTokens(ctx, testrig.Admin, c.ID, "enterprise", 2)
	if err != nil {
		t.Fatal(err)
	}
	reader := f.perms.Bind(access.Actor{UserID: 99, Username: "reader", Grants: []access.Grant{{Role: access.Auditor, OrgID: root.ID, OrgPath: root.Path}}})
	if _, err := f.eval.SlipExport(ctx, reader, c.ID, "enterprise", codes); errs.KindOf(err) != errs.Forbidden || err.Error() != "您没有管理该测评的权限" {
		t.Errorf("SlipExport by a reader: %v, want forbidden", err)
	}
	sl, err := f.eval.SlipExport(ctx, testrig.Admin, c.ID, "enterprise", []string{strings.ToLower(strings.ReplaceAll(codes[0], "-", ""))})
	if err != nil || sl.GroupName != "企业" || fmt.Sprint(sl.Codes) != fmt.Sprint(codes[:1]) {
		t.Errorf("SlipExport by the owner: %+v %v", sl, err)
	}
	if _, err := f.eval.SlipExport(ctx, testrig.Admin, c.ID, "enterprise", []string{otherCode(codes[0])[:10]}); err == nil || err.Error() != "导出的测评码无效，请重新发放" {
		t.Errorf("SlipExport of a malformed code: %v", err)
	}
	b := f.browser(t, "auditor")
	st, _, body := b.status(t, "POST", fmt.Sprintf("/evaluation/%d/tokens/export.xlsx", c.ID), url.Values{"group": {"enterprise"}, "code": codes})
	if st != 403 || !strings.Contains(text(body), "您没有管理该测评的权限") {
		t.Errorf("export by the auditor: %d\n%s", st, text(body))
	}
}
