package server

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/testrig"
)

// TestStreetAdminCannotRevokeCityGrant is the revocation finding as it was
// reported: the city granted an auditor role on a street to a user homed in
// the county, and the street's administrator removed it with
// DELETE /api/v1/grants/{id}. Revoking now needs what granting needs: user
// management on the holder's home (the county, out of the street's reach)
// and the right to grant the role there. The street administrator is
// refused through the API and the user page, the grant stays, nothing is
// logged; the county administrator, who manages the holder, may revoke it.
func TestStreetAdminCannotRevokeCityGrant(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	ctx := context.Background()
	county, street := f.homeOf(t, "county_admin"), f.homeOf(t, "street_admin")
	u, err := f.accounts.Create(ctx, testrig.Admin, account.NewUser{Username: "xianwei", Password: "County-user-2026", HomeOrgID: county, Role: access.Secretary})
	if err != nil {
		t.Fatal(err)
	}
	// The city administrator grants the auditor role on the street.
	admin := f.token(t, "admin")
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/users/%d/grants", u.ID), admin, fmt.Sprintf(`{"role":"auditor","org_id":%d}`, street)); st != 201 {
		t.Fatalf("city grants auditor: %d %v", st, out)
	}
	u, _ = f.accounts.Get(ctx, testrig.Admin, u.ID)
	if len(u.Grants) != 2 || u.Grants[1].Role != access.Auditor || u.Grants[1].OrgID != street {
		t.Fatalf("grants %+v", u.Grants)
	}
	gid := u.Grants[1].ID

	sa := f.token(t, "street_admin")
	st, out := f.call(t, "DELETE", fmt.Sprintf("/api/v1/grants/%d", gid), sa, "")
	if want := fmt.Sprintf("授权 %d 不存在", gid); st != 404 || errMsg(out) != want {
		t.Errorf("street admin revokes through the API: %d %q, want 404 %q", st, errMsg(out), want)
	}
	// The holder's page is not the street's to see: the answer lands on
	// its "not found" page, with the refusal.
	b := f.browser(t, "street_admin")
	st, at, body := b.status(t, "POST", "/users/"+itoa(u.ID), url.Values{"op": {"revoke"}, "grant_id": {itoa(gid)}})
	if want := fmt.Sprintf("授权 %d 不存在", gid); st != 404 || at != "/users/"+itoa(u.ID) || flashOf(body) != want {
		t.Errorf("street admin revokes through the page: %d at %s %q, want %q", st, at, flashOf(body), want)
	}
	if got, _ := f.accounts.Get(ctx, testrig.Admin, u.ID); len(got.Grants) != 2 {
		t.Errorf("the holder has %d grants, want 2", len(got.Grants))
	}
	if n := f.auditCount(t, "grant.revoke", u.ID); n != 0 {
		t.Errorf("%d revocations logged", n)
	}

	// Nor can it remove its own last administrative grant through the API.
	selfID, _ := f.accounts.FindByUsername(ctx, "street_admin")
	self, _ := f.accounts.Get(ctx, testrig.Admin, selfID)
	st, out = f.call(t, "DELETE", fmt.Sprintf("/api/v1/grants/%d", self.Grants[0].ID), sa, "")
	if st != 409 || errMsg(out) != "不能撤销自己最后一个管理角色" {
		t.Errorf("street admin revokes its own last grant: %d %v", st, out)
	}

	// Who manages the holder may take it back.
	ca := f.token(t, "county_admin")
	if st, out := f.call(t, "DELETE", fmt.Sprintf("/api/v1/grants/%d", gid), ca, ""); st != 204 {
		t.Errorf("county admin revokes: %d %v", st, out)
	}
	if got, _ := f.accounts.Get(ctx, testrig.Admin, u.ID); len(got.Grants) != 1 || got.Grants[0].Role != access.Secretary {
		t.Errorf("after the county's revocation: %+v", got.Grants)
	}
	if n := f.auditCount(t, "grant.revoke", u.ID); n != 1 {
		t.Errorf("%d revocations logged, want 1", n)
	}
}
