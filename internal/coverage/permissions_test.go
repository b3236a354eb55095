package coverage_test

import (
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/coverage"
)

// TestPermissions spells out the coverage module's part of the permission
// catalogue: its actions in order, and for every role which of them it
// holds. The application's catalogue holds it as declared here (app's
// TestPermissions).
func TestPermissions(t *testing.T) {
	p := coverage.Permissions()
	perms := access.MustCatalogue(p)
	var names []string
	for _, act := range p.Actions {
		names = append(names, string(act))
	}
	if got, want := strings.Join(names, " "), "unit.read unit.manage goal.manage"; got != want {
		t.Fatalf("actions %s, want %s", got, want)
	}
	want := map[access.Role]string{
		access.Admin:             "YYY",
		access.OrgAdmin:          "YYY",
		access.Secretary:         "YY.",
		access.EvaluationManager: "...",
		access.CaseHandler:       "...",
		access.IntegrityOfficer:  "...",
		access.Custodian:         "...",
		access.Auditor:           "Y..",
	}
	for _, role := range access.Roles {
		var got []byte
		for _, act := range p.Actions {
			got = append(got, ".Y"[boolInt(perms.Allows(role, act))])
		}
		if string(got) != want[role] {
			t.Errorf("%s holds %s, want %s", role, got, want[role])
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
