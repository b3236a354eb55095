package access

import (
	"strings"
	"testing"
)

// notes is a module's part for these tests: a module whose notes secretaries
// write and auditors read.
var notes = Permissions{Module: "notes", Actions: []Action{"note.read", "note.write"},
	Roles: map[Role][]Action{Secretary: {"note.read", "note.write"}, Auditor: {"note.read"}}}

var perms = MustCatalogue(notes)

// TestRoleActionMatrix spells out, for every role and every action of the
// platform and a module's part, whether a grant on an organization allows
// the action on that organization, on a descendant, and on an organization
// outside the subtree (never). The application's full catalogue is spelled
// out in internal/server's route matrix.
func TestRoleActionMatrix(t *testing.T) {
	// Columns: org.read create update move dissolve import export region.init user.read user.manage audit.read
	// | note.read note.write
	want := map[Role]string{
		Admin:             "YYYYYYYYYYY" + "YY",
		OrgAdmin:          "YYYYYYY.YYY" + "..",
		Secretary:         "Y.Y...Y...." + "YY",
		EvaluationManager: "Y.....Y...." + "..",
		CaseHandler:       "Y.........." + "..",
		IntegrityOfficer:  "Y.........." + "..",
		Custodian:         "Y.........." + "..",
		Auditor:           "Y.....Y.Y.Y" + "Y.",
	}
	if len(want) != len(Roles) {
		t.Fatalf("matrix covers %d roles, catalogue has %d", len(want), len(Roles))
	}
	const grantPath, child, outside = "/1/5/", "/1/5/77/", "/1/6/"
	actions := perms.Actions()
	for _, role := range Roles {
		row := want[role]
		if len(row) != len(actions) {
			t.Fatalf("%s: %d columns for %d actions", role, len(row), len(actions))
		}
		a := perms.Bind(Actor{UserID: 1, Grants: []Grant{{Role: role, OrgPath: grantPath}}})
		unbound := Actor{UserID: 1, Grants: []Grant{{Role: role, OrgPath: grantPath}}}
		for i, action := range actions {
			if unbound.Can(action, grantPath) || unbound.CanAnywhere(action) {
				t.Errorf("%s %s allowed to an actor no catalogue was bound to", role, action)
			}
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
	a := perms.Bind(Actor{UserID: 1})
	for _, action := range perms.Actions() {
		if a.Can(action, "/1/") || a.CanAnywhere(action) {
			t.Errorf("%s allowed without grants", action)
		}
	}
	if s, _ := a.ScopeSQL("path", OrgRead); s != "1=0" {
		t.Errorf("scope without grants %q", s)
	}
}

func TestScopesDropNestedRoots(t *testing.T) {
	a := perms.Bind(Actor{Grants: []Grant{{Role: OrgAdmin, OrgPath: "/1/5/"}, {Role: Secretary, OrgPath: "/1/5/9/"}, {Role: Auditor, OrgPath: "/1/8/"}}})
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
	oa := perms.Bind(Actor{Grants: []Grant{{Role: OrgAdmin, OrgPath: "/1/"}}})
	if oa.CanGrant(Admin, "/1/2/") {
		t.Error("org_admin may grant admin")
	}
	if !oa.CanGrant(Auditor, "/1/2/") || oa.CanGrant(Auditor, "/3/") {
		t.Error("org_admin grant scope wrong")
	}
	ad := perms.Bind(Actor{Grants: []Grant{{Role: Admin, OrgPath: "/1/"}}})
	if !ad.CanGrant(Admin, "/1/") || !ad.IsAdmin() {
		t.Error("a system administrator may not grant admin at the top")
	}
	if ad.CanGrant(Admin, "/1/2/") {
		t.Error("admin granted below the top of the tree")
	}
	// An administrator grant below the top (granted before the rule, or
	// by the command line) holds every action in its subtree and no
	// system-wide power: it is not IsAdmin and cannot hand out admin.
	street := perms.Bind(Actor{Grants: []Grant{{Role: Admin, OrgPath: "/1/5/"}}})
	if street.IsAdmin() || street.CanGrant(Admin, "/1/5/") || street.CanGrant(Admin, "/1/") {
		t.Error("an administrator grant on a street acts system-wide")
	}
	if !street.Can(UserManage, "/1/5/9/") || street.Can(OrgRead, "/1/6/") {
		t.Error("an administrator grant on a street does not hold its subtree, or reaches outside it")
	}
	if unbound := (Actor{Grants: ad.Grants}); unbound.IsAdmin() || unbound.CanGrant(Admin, "/1/2/") {
		t.Error("an administrator's grant counts without a catalogue")
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

// TestCatalogueRefusesBadParts checks that a module's part cannot take
// another's action, give one it does not declare, or name a role that does
// not exist, each with a message that says which part and what.
func TestCatalogueRefusesBadParts(t *testing.T) {
	for _, tc := range []struct {
		part Permissions
		want string
	}{
		{Permissions{Module: "m", Actions: []Action{"org.read"}}, "access: m: action org.read is already declared by platform"},
		{Permissions{Module: "m", Actions: []Action{"x.read"}, Roles: map[Role][]Action{Auditor: {"x.write"}}}, "access: m: role auditor is given x.write, which the part does not declare"},
		{Permissions{Module: "m", Actions: []Action{"x.read"}, Roles: map[Role][]Action{"reader": {"x.read"}}}, `access: m: role "reader" cannot be given actions (unknown, or the administrator, who holds every action)`},
		{Permissions{Module: "m", Actions: []Action{"x.read"}, Roles: map[Role][]Action{Admin: {"x.read"}}}, `access: m: role "admin" cannot be given actions (unknown, or the administrator, who holds every action)`},
		{Permissions{Module: "m", Actions: []Action{"Read"}}, `access: m: action "Read" is not of the form thing.verb`},
	} {
		_, err := NewCatalogue(notes, tc.part)
		if err == nil || err.Error() != tc.want {
			t.Errorf("part %+v: error %v, want %q", tc.part, err, tc.want)
		}
	}
	for _, tc := range []struct {
		part Permissions
		want string
	}{
		{Permissions{Module: "m", Actions: []Action{"x.read", "x.read"}}, "access: m: action x.read is declared twice"},
		{Permissions{Module: "m", Actions: []Action{"x.read"}, Reserved: []Action{"x.reveal"}}, "access: m: reserved action x.reveal is not one the part declares"},
	} {
		_, err := NewCatalogue(tc.part)
		if err == nil || err.Error() != tc.want {
			t.Errorf("part %+v: error %v, want %q", tc.part, err, tc.want)
		}
	}
	sealed := MustCatalogue()
	sealed.Seal()
	if err := sealed.Add(notes); err == nil || err.Error() != "access: notes: the catalogue is sealed once the application is built" {
		t.Errorf("a part added after Seal: %v", err)
	}
	if sealed.Allows(Secretary, "note.read") {
		t.Error("the refused part was added anyway")
	}
	if _, err := NewCatalogue(notes, notes); err == nil || err.Error() != "access: notes: action note.read is already declared by notes" {
		t.Errorf("a part added twice: %v", err)
	}
	if got := perms.Actions(); len(got) != 13 || got[11] != "note.read" {
		t.Errorf("actions %v", got)
	}
}

// TestReservedActionsSkipTheAdministrator: a part may keep an action from
// the administrator, as a cases module keeps revealing a reporter's
// identity for the custodian.
func TestReservedActionsSkipTheAdministrator(t *testing.T) {
	cases := Permissions{Module: "cases", Actions: []Action{"case.read", "identity.reveal"},
		Roles:    map[Role][]Action{CaseHandler: {"case.read"}, Custodian: {"identity.reveal"}},
		Reserved: []Action{"identity.reveal"}}
	c := MustCatalogue(cases)
	admin := c.Bind(Actor{Grants: []Grant{{Role: Admin, OrgPath: "/1/"}}})
	custodian := c.Bind(Actor{Grants: []Grant{{Role: Custodian, OrgPath: "/1/"}}})
	if admin.Can("identity.reveal", "/1/5/") || !admin.Can("case.read", "/1/5/") {
		t.Error("the administrator holds a reserved action, or lost an ordinary one")
	}
	if !custodian.Can("identity.reveal", "/1/5/") || custodian.Can("case.read", "/1/5/") {
		t.Error("the custodian's reserved action is not theirs alone")
	}
}
