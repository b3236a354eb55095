package audit_test

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

// testPerms is the permission catalogue of the platform's part alone; the actors these
// tests build are bound to it, as the accounts service binds real ones.
var testPerms = access.MustCatalogue()

var regions = region.NewHolder()

// xingning is the tree of 兴宁区, seeded once for the package's tests.
var xingning = testrig.Tree(regions, "450102")

func TestMain(m *testing.M) { testrig.Main(m) }

// actions lists what the actor reads about the target, oldest first, with
// whether the entry shows its before/after records.
func actions(t *testing.T, s *org.Service, actor access.Actor, target string) []string {
	t.Helper()
	rows, total, err := s.Audit().List(context.Background(), actor, audit.Query{TargetType: "org", TargetID: target, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(rows) {
		t.Fatalf("total %d but %d rows", total, len(rows))
	}
	var out []string
	for i := len(rows) - 1; i >= 0; i-- {
		out = append(out, rows[i].Action)
	}
	return out
}

// An organization's history follows it when it moves: the street it left
// keeps only the move, the street it joined reads everything.
func TestAuditFollowsMovedOrganization(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, res := xingning.Open(t)
	s := org.NewService(d, regions)
	streets, _, err := s.List(ctx, testrig.Admin, org.ListQuery{Under: res.RootID, ChildrenOnly: true, Limit: 2})
	if err != nil || len(streets) != 2 {
		t.Fatalf("two streets: %v %d", err, len(streets))
	}
	a, b := streets[0], streets[1]
	admin := func(o org.Org) access.Actor {
		return testPerms.Bind(access.Actor{UserID: 1000 + o.ID, Username: "admin_of_" + o.Name, Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Name}}})
	}
	adminA, adminB := admin(a), admin(b)

	o, err := s.Create(ctx, adminA, org.Input{ParentID: a.ID, Name: "迁出测试党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	name := "迁出测试党支部（改）"
	if _, err := s.Update(ctx, adminA, o.ID, org.Patch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	target := strconv.FormatInt(o.ID, 10)
	if got := actions(t, s, adminA, target); strings.Join(got, ",") != "org.create,org.update" {
		t.Fatalf("before the move street A reads %v", got)
	}
	if got := actions(t, s, adminB, target); len(got) != 0 {
		t.Fatalf("before the move street B reads %v", got)
	}

	// The county moves it from street A to street B; street B dissolves it.
	county := testPerms.Bind(access.Actor{UserID: 999, Username: "county", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: res.RootID, OrgPath: "/" + strconv.FormatInt(res.RootID, 10) + "/"}}})
	if _, err := s.Move(ctx, county, o.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Dissolve(ctx, adminB, o.ID, "2026-11-30", ""); err != nil {
		t.Fatal(err)
	}

	if got := actions(t, s, adminA, target); strings.Join(got, ",") != "org.move" {
		t.Errorf("after the move street A reads %v, want only org.move", got)
	}
	if got := actions(t, s, adminB, target); strings.Join(got, ",") != "org.create,org.update,org.move,org.dissolve" {
		t.Errorf("after the move street B reads %v, want org.create,org.update,org.move,org.dissolve", got)
	}
	got := actions(t, s, county, target)
	sort.Strings(got)
	if strings.Join(got, ",") != "org.create,org.dissolve,org.move,org.update" {
		t.Errorf("the county reads %v", got)
	}
	// Street A's filtered list counts the same as it shows.
	rows, total, err := s.Audit().List(ctx, adminA, audit.Query{Action: "org.create", Q: "迁出测试", Limit: 50})
	if err != nil || total != 0 || len(rows) != 0 {
		t.Errorf("street A searching the creation: %v %d %d", err, total, len(rows))
	}
}

// The migration that introduced org_id places the entries written before it
// the same way: by the last organization of their path, and a move also by
// its old parent.
func TestAuditBackfillPlacesOldEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, res := xingning.Open(t)
	s := org.NewService(d, regions)
	streets, _, err := s.List(ctx, testrig.Admin, org.ListQuery{Under: res.RootID, ChildrenOnly: true, Limit: 2})
	if err != nil || len(streets) != 2 {
		t.Fatalf("two streets: %v %d", err, len(streets))
	}
	a, b := streets[0], streets[1]
	o, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: a.ID, Name: "迁出测试党支部", Kind: "branch", Category: "private"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Move(ctx, testrig.Admin, o.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	// As the log was before the migration: paths only.
	if _, err := d.Exec(ctx, "UPDATE audit_log SET org_id = NULL, from_org_id = NULL"); err != nil {
		t.Fatal(err)
	}
	ms, err := d.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, m := range ms {
		if m.Version != 8 {
			continue
		}
		for _, stmt := range strings.Split(m.SQL, ";") {
			var lines []string
			for _, l := range strings.Split(stmt, "\n") {
				if !strings.HasPrefix(strings.TrimSpace(l), "--") {
					lines = append(lines, l)
				}
			}
			if stmt = strings.TrimSpace(strings.Join(lines, "\n")); strings.HasPrefix(stmt, "UPDATE") {
				if _, err := d.Exec(ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
				ran++
			}
		}
	}
	if ran != 2 {
		t.Fatalf("%d backfill statements, want 2", ran)
	}
	var missing int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE org_path <> '' AND org_id IS NULL").Scan(&missing); err != nil || missing != 0 {
		t.Fatalf("%d entries left without an organization (%v)", missing, err)
	}
	admin := func(o org.Org) access.Actor {
		return testPerms.Bind(access.Actor{UserID: 1000 + o.ID, Username: "admin_of_" + o.Name, Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: o.ID, OrgPath: o.Path}}})
	}
	target := strconv.FormatInt(o.ID, 10)
	if got := actions(t, s, admin(a), target); strings.Join(got, ",") != "org.move" {
		t.Errorf("street A reads %v, want only org.move", got)
	}
	if got := actions(t, s, admin(b), target); strings.Join(got, ",") != "org.create,org.move" {
		t.Errorf("street B reads %v, want org.create,org.move", got)
	}
}
