package people_test

import (
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/people"
)

// TestPermissions spells out the people module's part of the permission
// catalogue: its actions in order, and for every role which it holds.
func TestPermissions(t *testing.T) {
	p := people.Permissions()
	perms := access.MustCatalogue(p)
	var names []string
	for _, act := range p.Actions {
		names = append(names, string(act))
	}
	if got, want := strings.Join(names, " "), "people.read people.manage people.reveal people.training_set care.read care.approve"; got != want {
		t.Fatalf("actions %s, want %s", got, want)
	}
	want := map[access.Role]string{
		access.Admin:             "YYYYYY",
		access.OrgAdmin:          "YYYYYY",
		access.Secretary:         "YY..Y.",
		access.EvaluationManager: "......",
		access.CaseHandler:       "......",
		access.IntegrityOfficer:  "......",
		access.Custodian:         "......",
		access.Auditor:           "Y...Y.",
	}
	for _, role := range access.Roles {
		var got []byte
		for _, act := range p.Actions {
			if perms.Allows(role, act) {
				got = append(got, 'Y')
			} else {
				got = append(got, '.')
			}
		}
		if string(got) != want[role] {
			t.Errorf("%s holds %s, want %s", role, got, want[role])
		}
	}
}
