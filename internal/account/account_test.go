package account_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/audit"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

var regions = region.NewHolder()

// xingning is the tree of 兴宁区, seeded once for the package's tests.
var xingning = testrig.Tree(regions, "450102")

func TestMain(m *testing.M) { testrig.Main(m) }

func setup(t *testing.T) (*account.Service, *org.Service, org.Org, org.Org) {
	t.Helper()
	d, res := xingning.Open(t)
	orgs := org.NewService(d, regions)
	root, _ := orgs.Get(context.Background(), testrig.Admin, res.RootID)
	list, _, _ := orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: "450102001"})
	return account.NewService(d, testrig.FastParams, access.MustCatalogue()), orgs, root, list[0]
}

func TestPasswordRule(t *testing.T) {
	t.Parallel()
	for pw, ok := range map[string]bool{"short1": false, "onlyletterslong": false, "1234567890123": false, "Good-pass-2026": true, "hasadmin12345": false} {
		err := account.CheckStrength("admin", pw)
		if (err == nil) != ok {
			t.Errorf("%q: %v", pw, err)
		}
		if err != nil && errs.As(err).ZH != "密码强度不够：密码至少 10 位，须同时包含字母和数字，且不能包含用户名" {
			t.Errorf("message %q", errs.As(err).ZH)
		}
	}
	h, _ := account.HashPassword("Good-pass-2026", testrig.FastParams)
	if !strings.HasPrefix(h, "$argon2id$v=19$") || !account.CheckPassword(h, "Good-pass-2026") || account.CheckPassword(h, "Good-pass-2027") {
		t.Errorf("hash %q", h)
	}
}

func TestLimiterBacksOff(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	l := account.NewLimiter(func() time.Time { return now })
	for i := 0; i < 5; i++ {
		l.Fail("u:a")
	}
	if w := l.Wait("u:a"); w != 0 {
		t.Fatalf("wait after 5 failures %v", w)
	}
	l.Fail("u:a")
	if w := l.Wait("u:a"); w != 2*time.Second {
		t.Fatalf("wait after 6 failures %v", w)
	}
	l.Fail("u:a")
	l.Fail("u:a")
	if w := l.Wait("u:a", "c:x"); w != 8*time.Second {
		t.Fatalf("wait after 8 failures %v", w)
	}
	for i := 0; i < 40; i++ {
		l.Fail("u:a")
	}
	if w := l.Wait("u:a"); w != 15*time.Minute {
		t.Fatalf("cap %v", w)
	}
	l.Succeed("u:a")
	if w := l.Wait("u:a"); w != 0 {
		t.Fatalf("after success %v", w)
	}
}

func TestAccountsAndGrants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, root, ms := setup(t)
	admin, err := s.Create(ctx, testrig.Admin, account.NewUser{Username: "admin", Password: "Chief-pass-2026", HomeOrgID: root.ID, Role: access.Admin})
	if err != nil {
		t.Fatal(err)
	}
	_, actor, err := s.Login(ctx, "admin", "Chief-pass-2026", "c1")
	if err != nil || !actor.IsAdmin() || actor.UserID != admin.ID {
		t.Fatalf("login: %v %+v", err, actor)
	}
	street, err := s.Create(ctx, actor, account.NewUser{Username: "street", Password: "Jiedao-pass-2026", HomeOrgID: ms.ID, Role: access.OrgAdmin})
	if err != nil {
		t.Fatal(err)
	}
	_, sa, err := s.Login(ctx, "street", "Jiedao-pass-2026", "c2")
	if err != nil {
		t.Fatal(err)
	}
	// A street administrator cannot make anyone an administrator, nor reach above its street.
	if _, err := s.Create(ctx, sa, account.NewUser{Username: "boss", Password: "Leader-pass-2026", HomeOrgID: ms.ID, Role: access.Admin}); errs.As(err).ZH != "您不能在该党组织上授予“系统管理员”角色；可授予：“组织部门管理员”、“党组织书记”、“评议考核管理员”、“诉求办理员”、“廉洁工作站专员”、“身份信息保管人”、“审计员”" {
		t.Errorf("org_admin granting admin: %v", err)
	}
	if _, err := s.Create(ctx, sa, account.NewUser{Username: "boss", Password: "Leader-pass-2026", HomeOrgID: root.ID}); !errs.Is(err, errs.Invalid) {
		t.Errorf("user outside scope: %v", err)
	}
	if err := s.Grant(ctx, sa, street.ID, access.Auditor, root.ID); !errs.Is(err, errs.Invalid) {
		t.Errorf("grant above scope: %v", err)
	}
	users, total, _ := s.List(ctx, sa, "", 50, 0)
	if total != 1 || users[0].Username != "street" {
		t.Errorf("street admin sees %d users", total)
	}
	if _, err := s.Create(ctx, actor, account.NewUser{Username: "street", Password: "Other-pass-2026", HomeOrgID: ms.ID}); errs.As(err).ZH != "用户名 street 已被使用，请换一个" {
		t.Errorf("duplicate: %v", err)
	}
	if err := s.SetStatus(ctx, actor, street.ID, "disabled"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "street", "Jiedao-pass-2026", "c2"); errs.As(err).ZH != "该账号已停用，请联系管理员" {
		t.Errorf("disabled login: %v", err)
	}
	if _, _, err := s.Login(ctx, "nobody", "Jiedao-pass-2026", "c3"); errs.As(err).ZH != "用户名或密码错误" {
		t.Errorf("unknown user: %v", err)
	}
}

// TestLoginsAudited: logins, failed logins and logouts are in the audit log,
// scoped to the account's organization; an unknown username is recorded
// without the name typed, and no entry holds the client's address.
func TestLoginsAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, res := xingning.Open(t)
	orgs := org.NewService(d, regions)
	list, _, _ := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: "450102001"})
	s := account.NewService(d, testrig.FastParams, access.MustCatalogue())
	if _, err := s.Create(ctx, testrig.Admin, account.NewUser{Username: "shiwei", Password: "Chief-pass-2026", HomeOrgID: res.RootID, Role: access.Admin}); err != nil {
		t.Fatal(err)
	}
	street, err := s.Create(ctx, testrig.Admin, account.NewUser{Username: "street", Password: "Jiedao-pass-2026", HomeOrgID: list[0].ID, Role: access.OrgAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "street", "wrong-pass-2026", "203.0.113.9"); !errs.Is(err, errs.Unauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, _, err := s.Login(ctx, "Secret-typed-here", "x", "203.0.113.9"); errs.As(err).ZH != "用户名或密码错误" {
		t.Fatalf("unknown user: %v", err)
	}
	sess, sa, err := s.Login(ctx, "street", "Jiedao-pass-2026", "203.0.113.9")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Logout(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	_, chief, err := s.Login(ctx, "shiwei", "Chief-pass-2026", "203.0.113.9")
	if err != nil {
		t.Fatal(err)
	}

	got := func(actor access.Actor) []string {
		t.Helper()
		recs, _, err := audit.NewService(d).List(ctx, actor, audit.Query{Q: "", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			if strings.HasPrefix(r.Action, "auth.") {
				out = append(out, r.Action+" "+r.ActorName+" "+r.TargetID+" "+r.Summary)
			}
			for _, s := range []string{r.Summary, r.ActorName, string(r.Before), string(r.After)} {
				if strings.Contains(s, "203.0.113.9") || strings.Contains(s, "Secret-typed-here") || strings.Contains(strings.ToLower(s), "secret-typed-here") {
					t.Errorf("entry %s holds the address or the typed name: %+v", r.Action, r)
				}
			}
		}
		return out
	}
	id := itoa(street.ID)
	// Newest first. The street administrator reads its own street's entries only.
	wantStreet := []string{
		"auth.logout street " + id + " 退出登录",
		"auth.login street " + id + " 登录",
		"auth.login_failed street " + id + " 密码错误，登录失败",
	}
	if g := got(sa); strings.Join(g, "\n") != strings.Join(wantStreet, "\n") {
		t.Errorf("street administrator reads:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(wantStreet, "\n"))
	}
	// The administrator also reads its own login and the unknown name's failure.
	g := got(chief)
	if len(g) != 5 || !strings.HasPrefix(g[0], "auth.login shiwei ") || g[1] != wantStreet[0] || g[3] != "auth.login_failed   以不存在的用户名登录失败" {
		t.Errorf("administrator reads:\n%s", strings.Join(g, "\n"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
