package server

import (
	"strings"
	"testing"
)

// TestUserFormOffersGrantableRoles: the new-user form offers only the
// roles its user may grant — a county administrator is not offered the
// system administrator, which it would be refused — while the system
// administrator is.
func TestUserFormOffersGrantableRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, c := range []struct {
		user  string
		admin bool
	}{{"county_admin", false}, {"admin", true}} {
		body := f.browser(t, c.user).get(t, "/users/new")
		if !strings.Contains(body, `<option value="org_admin">组织部门管理员</option>`) || !strings.Contains(body, `<option value="auditor">审计员</option>`) {
			t.Errorf("%s: the role select lacks the roles it may grant", c.user)
		}
		if got := strings.Contains(body, `<option value="admin">`); got != c.admin {
			t.Errorf("%s: the system administrator offered: %v, want %v", c.user, got, c.admin)
		}
	}
}
