package account_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/testrig"
)

// newestGrant returns the id of the newest grant of user id.
func newestGrant(t *testing.T, s *account.Service, id int64) int64 {
	t.Helper()
	u, err := s.Get(context.Background(), testrig.Admin, id)
	if err != nil || len(u.Grants) == 0 {
		t.Fatalf("user %d: %v %+v", id, err, u)
	}
	return u.Grants[len(u.Grants)-1].ID
}

// TestGrantIDsNeverReused: SQLite gave the next grant the id of the newest
// one revoked, so a revoke form left open on that id removed a grant given
// later. A grant made after a revocation now has a new id, on both engines,
// and the stale form finds nothing to remove.
func TestGrantIDsNeverReused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, root, street := setup(t)
	a, err := s.Create(ctx, testrig.Admin, account.NewUser{Username: "zhangsan", Password: "Zhang-san-2026", HomeOrgID: street.ID, Role: access.Secretary})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Create(ctx, testrig.Admin, account.NewUser{Username: "lisi", Password: "Li-si-pass-2026", HomeOrgID: street.ID})
	if err != nil {
		t.Fatal(err)
	}
	// The newest grant of the database, revoked.
	if err := s.Grant(ctx, testrig.Admin, a.ID, access.Auditor, root.ID); err != nil {
		t.Fatal(err)
	}
	revoked := newestGrant(t, s, a.ID)
	if err := s.Revoke(ctx, testrig.Admin, revoked); err != nil {
		t.Fatal(err)
	}
	// Another grant, to another user.
	if err := s.Grant(ctx, testrig.Admin, b.ID, access.Auditor, root.ID); err != nil {
		t.Fatal(err)
	}
	if fresh := newestGrant(t, s, b.ID); fresh == revoked {
		t.Fatalf("%s: the new grant took the revoked id %d", testrig.Engine(), revoked)
	}
	// The form left open still names the revoked id: nothing is removed.
	if err := s.Revoke(ctx, testrig.Admin, revoked); errs.As(err).ZH != fmt.Sprintf("授权 %d 不存在", revoked) {
		t.Errorf("stale revoke: %v", err)
	}
	if u, _ := s.Get(ctx, testrig.Admin, b.ID); len(u.Grants) != 1 {
		t.Errorf("lisi holds %d grants, want 1", len(u.Grants))
	}
}

// TestGrantIDMigrationKeepsRows: migration 0007 rebuilds the SQLite grants
// table with AUTOINCREMENT and keeps every row with its id, and its index.
func TestGrantIDMigrationKeepsRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ms, err := d.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SchemaVersion(ctx); err != nil {
		t.Fatal(err)
	}
	// The schema as it stood before 0007.
	for _, m := range ms {
		if m.Version >= 7 {
			break
		}
		if _, err := d.Exec(ctx, m.SQL); err != nil {
			t.Fatalf("%04d: %v", m.Version, err)
		}
		if _, err := d.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.Version, m.Name, db.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// Rows written with the schema of that time: later migrations add
	// columns the services of today expect, so the services run after it.
	now := db.Now()
	if _, err := d.Exec(ctx, `INSERT INTO orgs (id, path, depth, name, kind, category, level, created_at, updated_at)
		VALUES (1, '/1/', 0, '中共南宁市兴宁区委员会', 'committee', 'organ', 'county', ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, name := range []string{"zhangsan", "lisi", "wangwu"} {
		if _, err := d.Exec(ctx, "INSERT INTO users (id, username, password_hash, home_org_id, created_at, updated_at) VALUES (?, ?, 'x', 1, ?, ?)", i+2, name, now, now); err != nil {
			t.Fatal(err)
		}
		res, err := d.Exec(ctx, "INSERT INTO grants (user_id, role, org_id, created_at) VALUES (?, 'secretary', 1, ?)", i+2, now)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		ids = append(ids, id)
	}
	if n, err := d.Migrate(ctx); err != nil || n != len(ms)-6 {
		t.Fatalf("migrate: %d %v", n, err)
	}
	var got []int64
	rows, err := d.WriteQuery(ctx, "SELECT id FROM grants ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	rows.Close()
	if len(got) != 3 || got[0] != ids[0] || got[1] != ids[1] || got[2] != ids[2] {
		t.Errorf("grant ids after the migration %v, before %v", got, ids)
	}
	var sqlText string
	if err := d.WriteQueryRow(ctx, "SELECT sql FROM sqlite_master WHERE name = 'grants'").Scan(&sqlText); err != nil || !strings.Contains(strings.ToUpper(sqlText), "AUTOINCREMENT") {
		t.Errorf("grants table: %q %v", sqlText, err)
	}
	var idx int
	if err := d.WriteQueryRow(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'grants_org' AND tbl_name = 'grants'").Scan(&idx); err != nil {
		t.Fatal(err)
	}
	if idx != 1 {
		t.Errorf("index grants_org: %d", idx)
	}
	// The newest grant revoked, the next one still gets a new id.
	s := account.NewService(d, testrig.FastParams, access.MustCatalogue())
	last, _ := s.FindByUsername(ctx, "wangwu")
	if err := s.Revoke(ctx, testrig.Admin, ids[2]); err != nil {
		t.Fatal(err)
	}
	if err := s.Grant(ctx, testrig.Admin, last, access.Auditor, 1); err != nil {
		t.Fatal(err)
	}
	if id := newestGrant(t, s, last); id <= ids[2] {
		t.Errorf("grant after the migration got id %d, revoked %d", id, ids[2])
	}
}
