package access

import (
	"strings"
	"testing"
)

// TestRoleActionMatrix spells out, for every role and every action, whether
// a grant on an organization allows the action on that organization, on a
// descendant, and on an organization outside the subtree (never).
func TestRoleActionMatrix(t *testing.T) {
	// Columns: org.read create update move dissolve import export region.init user.read user.manage audit.read
	// unit.read unit.manage goal.manage | evaluation.read evaluation.manage
	want := map[Role]string{
		Admin:             "YYYYYYYYYYY" + "YYY" + "YY",
		OrgAdmin:          "YYYYYYY.YYY" + "YYY" + "YY",
		Secretary:         "Y.Y...Y...." + "YY." + "Y.",
		EvaluationManager: "Y.....Y...." + "..." + "YY",
		CaseHandler:       "Y.........." + "..." + "..",
		IntegrityOfficer:  "Y.........." + "..." + "..",
		Custodian:         "Y.........." + "..." + "..",
		Auditor:           "Y.....Y.Y.Y" + "Y.." + "Y.",
	}
	if len(want) != len(Roles) {
		t.Fatalf("matrix covers %d roles, catalogue has %d", len(want), len(Roles))
	}
	const grantPath, child, outside = "/1/5/", "/1/5/77/", "/1/6/"
	for _, role := range Roles {
		row := want[role]
		if len(row) != len(Actions) {
			t.Fatalf("%s: %d columns for %d actions", role, len(row), len(Actions))
		}
		a := Actor{UserID: 1, Grants: []Grant{{Role: role, OrgPath: grantPath}}}
		for i, action := range Actions {
			allowed := row[i] == 'Y'
			for _, target := range []string{grantPath, child} {
				if got := a.Can(action, target); got != allowed {
					t.Errorf("%s %s on %s: got %v, want %v", role, action, target, got, allowed)
				}
			}
			if a.Can(action, outside) {
				t.Errorf("%s %s outside its subtree allowed", role, action)
			}
		}
	}
}

func TestNoGrantDeniesEverything(t *testing.T) {
	a := Actor{UserID: 1}
	for _, action := range Actions {
		if a.Can(action, "/1/") || a.CanAnywhere(action) {
			t.Errorf("%s allowed without grants", action)
		}
	}
	if s, _ := a.ScopeSQL("path", OrgRead); s != "1=0" {
		t.Errorf("scope without grants %q", s)
	}
}

func TestScopesDropNestedRoots(t *testing.T) {
	a := Actor{Grants: []Grant{{Role: OrgAdmin, OrgPath: "/1/5/"}, {Role: Secretary, OrgPath: "/1/5/9/"}, {Role: Auditor, OrgPath: "/1/8/"}}}
	got := strings.Join(a.Scopes(OrgRead), " ")
	if got != "/1/5/ /1/8/" {
		t.Errorf("scopes %q", got)
	}
	if got := strings.Join(a.Scopes(OrgCreate), " "); got != "/1/5/" {
		t.Errorf("create scopes %q", got)
	}
}

func TestPathUpperBoundsTheSubtree(t *testing.T) {
	up := PathUpper("/1/5/")
	for _, p := range []string{"/1/5/", "/1/5/0/", "/1/5/999999/1/"} {
		if !(p >= "/1/5/" && p < up) {
			t.Errorf("%s not inside [/1/5/, %s)", p, up)
		}
	}
	for _, p := range []string{"/1/50/", "/1/6/", "/1/4/"} {
		if p >= "/1/5/" && p < up {
			t.Errorf("%s wrongly inside", p)
		}
	}
}

func TestOnlyAdminsGrantAdmin(t *testing.T) {
	oa := Actor{Grants: []Grant{{Role: OrgAdmin, OrgPath: "/1/"}}}
	if oa.CanGrant(Admin, "/1/2/") {
		t.Error("org_admin may grant admin")
	}
	if !oa.CanGrant(Auditor, "/1/2/") || oa.CanGrant(Auditor, "/3/") {
		t.Error("org_admin grant scope wrong")
	}
	ad := Actor{Grants: []Grant{{Role: Admin, OrgPath: "/1/"}}}
	if !ad.CanGrant(Admin, "/1/2/") {
		t.Error("admin may not grant admin")
	}
}

func TestInSubtreeWritesSafeLiterals(t *testing.T) {
	if got := InSubtree("o.path", "/1/5/"); got != "(o.path >= '/1/5/' AND o.path < '/1/50')" {
		t.Errorf("InSubtree = %s", got)
	}
	if got := InSubtree("path", "/1/' OR 1=1 --"); got != "1=0" {
		t.Errorf("non-path accepted: %s", got)
	}
}
