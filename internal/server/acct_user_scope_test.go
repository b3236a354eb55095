package server

import (
	"context"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/testrig"
)

// TestUserListShowsGrantsInScope is the finding that the user list and its
// export showed every grant of a listed user, including grants on
// organizations the reader cannot see. A street administrator lists a user
// of its street who also holds a city-level role: the page, the Excel
// export and the JSON list and record show the street grant only; the city
// administrator sees both.
func TestUserListShowsGrantsInScope(t *testing.T) {
	t.Parallel()
	f := newAcctFixture(t, nil)
	ctx := context.Background()
	street := f.homeOf(t, "street_admin")
	u, err := f.accounts.Create(ctx, testrig.Admin, account.NewUser{Username: "jianzhi", Password: "Two-posts-2026", HomeOrgID: street, Role: access.Secretary})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.accounts.Grant(ctx, testrig.Admin, u.ID, access.Auditor, f.root); err != nil {
		t.Fatal(err)
	}
	u, _ = f.accounts.Get(ctx, testrig.Admin, u.ID)
	if len(u.Grants) != 2 {
		t.Fatalf("grants %+v", u.Grants)
	}
	streetName, cityName := u.Grants[0].OrgName, u.Grants[1].OrgName
	secretary := access.RoleLabel(access.Secretary).ZH
	auditor := access.RoleLabel(access.Auditor).ZH

	b := f.browser(t, "street_admin")
	page := b.get(t, "/users?q=jianzhi")
	if !strings.Contains(page, "jianzhi") || !strings.Contains(page, secretary+" · "+streetName) || strings.Contains(page, auditor) || strings.Contains(page, cityName) {
		t.Errorf("the user list shows the city grant or hides the street one")
	}
	if page := b.get(t, "/users/"+itoa(u.ID)); !strings.Contains(page, streetName) || strings.Contains(page, cityName) || strings.Contains(page, auditor) {
		t.Errorf("the user page shows the city grant or hides the street one")
	}
	_, rows := b.xlsx(t, "/users/export.xlsx?q=jianzhi")
	found := 0
	for _, r := range rows {
		if len(r) > 4 && r[1] == "jianzhi" {
			found++
			if r[4] != secretary+"@"+streetName {
				t.Errorf("export roles %q, want %q", r[4], secretary+"@"+streetName)
			}
		}
	}
	if found != 1 {
		t.Errorf("export holds %d rows of jianzhi: %v", found, rows)
	}
	tok := f.token(t, "street_admin")
	st, out := f.call(t, "GET", "/api/v1/users?q=jianzhi", tok, "")
	items, _ := out["items"].([]any)
	if st != 200 || len(items) != 1 {
		t.Fatalf("API list: %d %v", st, out)
	}
	if gs := items[0].(map[string]any)["grants"].([]any); len(gs) != 1 || gs[0].(map[string]any)["role"] != "secretary" || gs[0].(map[string]any)["org_name"] != streetName {
		t.Errorf("API list grants %v", gs)
	}
	if st, out := f.call(t, "GET", "/api/v1/users/"+itoa(u.ID), tok, ""); st != 200 || len(out["grants"].([]any)) != 1 {
		t.Errorf("API user: %d %v", st, out["grants"])
	}

	// The city administrator sees both, everywhere.
	admin := f.browser(t, "admin")
	if page := admin.get(t, "/users?q=jianzhi"); !strings.Contains(page, auditor+" · "+cityName) {
		t.Errorf("the city's list lacks the city grant")
	}
	_, rows = admin.xlsx(t, "/users/export.xlsx?q=jianzhi")
	for _, r := range rows {
		if len(r) > 4 && r[1] == "jianzhi" && r[4] != secretary+"@"+streetName+"；"+auditor+"@"+cityName {
			t.Errorf("the city's export roles %q", r[4])
		}
	}
	if st, out := f.call(t, "GET", "/api/v1/users?q=jianzhi", f.token(t, "admin"), ""); st != 200 || len(out["items"].([]any)[0].(map[string]any)["grants"].([]any)) != 2 {
		t.Errorf("the city's API list: %d %v", st, out)
	}
}
