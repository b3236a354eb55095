package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/audit"
	"jiceng/internal/coverage"
	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

func newApp(t *testing.T) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestRoutes lists every route with its auth level (go test -v shows the
// table) and checks that each is served once, by a handler.
func TestRoutes(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range newApp(t).Routes() {
		key := rt.Method + " " + rt.Pattern
		t.Logf("%-7s %-6s %s", rt.Method, rt.Auth, rt.Pattern)
		if seen[key] {
			t.Errorf("%s is routed twice", key)
		}
		seen[key] = true
		if rt.Handler == nil {
			t.Errorf("%s has no handler", key)
		}
	}
	if len(seen) < 100 {
		t.Errorf("only %d routes", len(seen))
	}
}

// TestModules: every module of the list is built once, with its service
// reachable by type and the background jobs serve runs.
func TestModules(t *testing.T) {
	a := newApp(t)
	if app.Service[*coverage.Service](a) == nil || app.Service[*evaluation.Service](a) == nil {
		t.Fatal("module services missing")
	}
	var names []string
	for _, d := range a.Domains() {
		if d.Name == "" || slices.Contains(names, d.Name) {
			t.Errorf("module %q: each module has a name of its own", d.Name)
		}
		names = append(names, d.Name)
	}
	if len(names) != len(app.ModuleList) || len(names) < 5 {
		t.Errorf("modules %v, want the %d of the module list", names, len(app.ModuleList))
	}
	// The platform's own background work; each module's tests check its own
	// (internal/<m>/module_test.go).
	jobs := map[string]time.Duration{}
	for _, d := range a.Domains() {
		for _, j := range d.Jobs {
			if _, dup := jobs[j.Name]; dup {
				t.Errorf("job %q is named twice", j.Name)
			}
			jobs[j.Name] = j.Every
		}
	}
	if every, ok := jobs["purge import sessions"]; !ok || every != time.Hour {
		t.Errorf("job %q every %v (present %v), want %v", "purge import sessions", every, ok, time.Hour)
	}
	if n := len(a.Jobs()); n != len(jobs) || n < 4 {
		t.Errorf("%d jobs to run, %d of the modules: %v", n, len(jobs), jobs)
	}
}

// TestPermissions spells out the platform's part of the permission
// catalogue: every action in order, and for every role which of them it
// holds. Each module's part follows, in the order of the module list, as
// the module declares it; the module's own tests spell it out
// (internal/<m>/permissions_test.go). Each sidebar entry needs an action
// of the catalogue.
func TestPermissions(t *testing.T) {
	a := newApp(t)
	perms := a.Core().Perms
	all := perms.Actions()
	const platform = "org.read org.create org.update org.move org.dissolve org.import org.export region.init user.read user.manage audit.read"
	n := len(strings.Fields(platform))
	var names []string
	for _, act := range all[:min(n, len(all))] {
		names = append(names, string(act))
	}
	if got := strings.Join(names, " "); got != platform {
		t.Fatalf("the platform's actions\n %s\nwant\n %s", got, platform)
	}
	want := map[access.Role]string{
		access.Admin:             "YYYYYYYYYYY",
		access.OrgAdmin:          "YYYYYYY.YYY",
		access.Secretary:         "Y.Y...Y....",
		access.EvaluationManager: "Y.....Y....",
		access.CaseHandler:       "Y..........",
		access.IntegrityOfficer:  "Y..........",
		access.Custodian:         "Y..........",
		access.Auditor:           "Y.....Y.Y.Y",
	}
	for _, role := range access.Roles {
		var got []byte
		for _, act := range all[:n] {
			got = append(got, ".Y"[boolInt(perms.Allows(role, act))])
		}
		if string(got) != want[role] {
			t.Errorf("%s holds %s of the platform's actions, want %s", role, got, want[role])
		}
	}
	rest := all[n:]
	for _, d := range a.Domains() {
		if len(d.Permissions.Actions) == 0 {
			continue
		}
		own := access.MustCatalogue(d.Permissions)
		k := min(len(d.Permissions.Actions), len(rest))
		if !slices.Equal(rest[:k], d.Permissions.Actions) {
			t.Errorf("the catalogue goes on with %v, want the actions of %s: %v", rest[:k], d.Name, d.Permissions.Actions)
			continue
		}
		for _, role := range access.Roles {
			for _, act := range rest[:k] {
				if perms.Allows(role, act) != own.Allows(role, act) {
					t.Errorf("%s: %s holds %s %v in the app, %v as the module declares it", d.Name, role, act, perms.Allows(role, act), own.Allows(role, act))
				}
			}
		}
		rest = rest[k:]
	}
	if len(rest) != 0 {
		t.Errorf("actions of no module: %v", rest)
	}
	if len(a.WebKit().Nav) < 5 {
		t.Errorf("%d sidebar entries, want one per module at least", len(a.WebKit().Nav))
	}
	for _, n := range a.WebKit().Nav {
		if !slices.Contains(all, n.Need) {
			t.Errorf("sidebar entry %s needs %q, which no part of the catalogue declares", n.Key, n.Need)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestAuditTakesTheClock checks that the audit log stamps its entries with
// the application's clock, as every domain time is, so that a test clock
// governs them too.
func TestAuditTakesTheClock(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)
	a, err := app.New(ctx, app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams,
		Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	sys := access.SystemActor("test")
	if _, err := a.Core().Orgs.InitRegion(ctx, sys, "450102"); err != nil {
		t.Fatal(err)
	}
	recs, _, err := a.Core().Audit.List(ctx, sys, audit.Query{Limit: 10})
	if err != nil || len(recs) != 1 {
		t.Fatalf("audit %v, %v; want the one entry of the init", recs, err)
	}
	if recs[0].At != "2026-03-01T08:30:00.000Z" {
		t.Errorf("entry at %s, want the app's clock 2026-03-01T08:30:00.000Z", recs[0].At)
	}
}
