package account_test

import (
	"context"
	"fmt"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/errs"
	"jiceng/internal/testrig"
)

// TestAccountsRefuseBeforeInput: an account without user.read is refused
// the list rather than shown an empty one, and one that may not manage users
// (or this user, or users in this organization) learns that before anything
// about the fields it sent; nothing is written.
func TestAccountsRefuseBeforeInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, root, ms := setup(t)
	login := func(name string, role access.Role) access.Actor {
		t.Helper()
		if _, err := s.Create(ctx, testrig.Admin, account.NewUser{Username: name, Password: "Refused-pass-2026", HomeOrgID: ms.ID, Role: role}); err != nil {
			t.Fatal(err)
		}
		_, a, err := s.Login(ctx, name, "Refused-pass-2026", "c-"+name)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	handler := login("handler", access.CaseHandler) // no user.read, no user.manage
	auditor := login("auditor", access.Auditor)     // user.read, no user.manage
	street := login("street", access.OrgAdmin)      // user.manage on the street
	want := func(what string, err error, kind errs.Kind, zh string) {
		t.Helper()
		if e := errs.As(err); err == nil || e.Kind != kind || e.ZH != zh {
			t.Errorf("%s: %v, want %s %q", what, err, kind, zh)
		}
	}
	users := func() int {
		t.Helper()
		_, n, err := s.List(ctx, testrig.Admin, "", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := users()

	rows, total, err := s.List(ctx, handler, "", 50, 0)
	want("list without user.read", err, errs.Forbidden, "您没有查看用户的权限（需要 user.read 权限）")
	if rows != nil || total != 0 {
		t.Errorf("list without user.read: %d rows, total %d", len(rows), total)
	}
	if _, total, err := s.List(ctx, auditor, "", 50, 0); err != nil || total != before {
		t.Errorf("list with user.read: total %d, %v; want %d", total, err, before)
	}

	const noManage = "您没有管理用户的权限（需要 user.manage 权限）"
	bad := account.NewUser{Username: "", Password: "x", HomeOrgID: ms.ID, Role: "bogus"}
	for name, a := range map[string]access.Actor{"case handler": handler, "auditor": auditor} {
		want(name+" may create", s.CanCreate(ctx, a), errs.Forbidden, noManage)
		_, err := s.Create(ctx, a, bad)
		want(name+" creates with bad fields", err, errs.Forbidden, noManage)
		if d := errs.As(err).Details; len(d) != 0 {
			t.Errorf("%s creates with bad fields: field errors %v", name, errs.FieldMessages(err, "zh"))
		}
	}
	if err := s.CanCreate(ctx, street); err != nil {
		t.Errorf("street administrator may create: %v", err)
	}
	// A home above the street: answered at that field only, however bad
	// the other fields are.
	_, err = s.Create(ctx, street, account.NewUser{Username: "", Password: "x", HomeOrgID: root.ID, Role: "bogus"})
	want("home outside scope", err, errs.Invalid, fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", root.ID))
	if f := errs.FieldMessages(err, "zh"); len(f) != 1 || f["home_org_id"] == "" {
		t.Errorf("home outside scope: fields %v", f)
	}
	// Inside the scope the fields are checked as before.
	_, err = s.Create(ctx, street, account.NewUser{Username: "", Password: "x", HomeOrgID: ms.ID})
	if f := errs.FieldMessages(err, "zh"); len(f) != 2 || f["username"] == "" || f["password"] == "" {
		t.Errorf("bad fields inside the scope: %v", f)
	}

	// A grant: the account is checked before the role sent.
	want("grant by case handler", s.Grant(ctx, handler, street.UserID, "bogus", 0), errs.NotFound,
		fmt.Sprintf("用户 %d 不存在或不在您的管理范围内", street.UserID))
	want("grant by auditor", s.Grant(ctx, auditor, street.UserID, "bogus", 0), errs.Forbidden, "您没有管理该用户的权限（需要 user.manage 权限）")
	want("grant of an unknown role", s.Grant(ctx, testrig.Admin, street.UserID, "bogus", 0), errs.Invalid, "角色不存在：bogus")

	if n := users(); n != before {
		t.Errorf("%d users, want %d", n, before)
	}
	if u, _ := s.Get(ctx, testrig.Admin, street.UserID); len(u.Grants) != 1 {
		t.Errorf("street administrator has %d grants, want 1", len(u.Grants))
	}
}
