package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"jiceng/internal/db"
	"jiceng/internal/testrig"
)

// TestPartitionByProvince converts a database holding rows and checks what
// an operator relies on afterwards: the rows are still there, each in its
// province's partition; ids go on from the largest; a credit code is still
// unique within a province; the replaced foreign keys still refuse an
// orphan and the deletion of a referenced row; a second run changes nothing.
func TestPartitionByProvince(t *testing.T) {
	if testrig.Engine() != "postgres" {
		d := testrig.NewTestDB(t)
		_, err := d.PartitionByProvince(context.Background(), []string{"45"})
		if err == nil || !strings.Contains(err.Error(), "needs PostgreSQL") {
			t.Fatalf("partition on SQLite: %v, want a refusal", err)
		}
		return
	}
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	var orgID int64
	if err := d.WriteQueryRow(ctx, `INSERT INTO orgs (path, depth, name, kind, category, level, created_at, updated_at)
		VALUES ('/', 0, '测试党委', 'committee', 'territorial', 'county', '', '') RETURNING id`).Scan(&orgID); err != nil {
		t.Fatal(err)
	}
	unit := func(code, region string) (int64, error) {
		var id int64
		err := d.WriteQueryRow(ctx, `INSERT INTO units (credit_code, name, category, size_class, region_code, province, affiliation_org_id, created_at, updated_at)
			VALUES (?, '某公司', 'company', 'small', ?, ?, ?, '', '') RETURNING id`, code, region, region[:2], orgID).Scan(&id)
		return id, err
	}
	first, err := unit("91450100000000001A", "450102")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unit("91110100000000001A", "110101"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		changed, err := d.PartitionByProvince(ctx, []string{"11", "45"})
		if err != nil {
			t.Fatalf("partition: %v", err)
		}
		if want := i == 0 && !testrig.Partitioned(); changed != want {
			t.Errorf("run %d changed %v, want %v", i+1, changed, want)
		}
	}
	for _, table := range db.PartitionedTables {
		var kind string
		var parts int
		if err := d.QueryRow(ctx, `SELECT c.relkind::text, (SELECT COUNT(*) FROM pg_inherits i WHERE i.inhparent = c.oid)
			FROM pg_class c WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace`, table).Scan(&kind, &parts); err != nil {
			t.Fatal(err)
		}
		// Under JICENG_TEST_PARTITIONED the test database came partitioned
		// with every province; here it has 11, 45 and the default.
		if kind != "p" || (parts != 3 && !testrig.Partitioned()) {
			t.Errorf("%s: relkind %s with %d partitions, want p with 3", table, kind, parts)
		}
	}
	where := map[string]string{}
	rows, err := d.Query(ctx, "SELECT credit_code, tableoid::regclass::text FROM units ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code, part string
		if err := rows.Scan(&code, &part); err != nil {
			t.Fatal(err)
		}
		where[code] = part
	}
	rows.Close()
	if where["91450100000000001A"] != "units_p45" || where["91110100000000001A"] != "units_p11" || len(where) != 2 {
		t.Errorf("units kept in %v, want 45's in units_p45 and 11's in units_p11", where)
	}
	third, err := unit("91450100000000002A", "450103")
	if err != nil || third <= first+1 {
		t.Errorf("unit after partitioning: id %d %v, want above %d", third, err, first+1)
	}
	if _, err := unit("91450100000000002A", "450107"); !db.IsUniqueViolation(err) {
		t.Errorf("second unit with a credit code in the same province: %v, want a unique violation", err)
	}
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM units_pdefault").Scan(&n); err != nil || n != 0 {
		t.Errorf("default partition holds %d units %v, want 0", n, err)
	}
	fk := func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23503"
	}
	_, err = d.Exec(ctx, "INSERT INTO unit_coverage_history (unit_id, coverage, changed_at, actor_name) VALUES (?, 'none', '', 'test')", third+1000)
	if !fk(err) {
		t.Errorf("history of a unit that does not exist: %v, want a foreign key violation", err)
	}
	if _, err := d.Exec(ctx, "INSERT INTO unit_coverage_history (unit_id, coverage, changed_at, actor_name) VALUES (?, 'none', '', 'test')", first); err != nil {
		t.Errorf("history of unit %d: %v", first, err)
	}
	// A unit moved to another province moves to its partition, history and all.
	if _, err := d.Exec(ctx, "UPDATE units SET region_code = '110101', province = '11' WHERE id = ?", first); err != nil {
		t.Errorf("move of a unit with history to another province: %v", err)
	}
	var part string
	if err := d.QueryRow(ctx, "SELECT tableoid::regclass::text FROM units WHERE id = ?", first).Scan(&part); err != nil || part != "units_p11" {
		t.Errorf("the moved unit is in %q %v, want units_p11", part, err)
	}
	if _, err := d.Exec(ctx, "DELETE FROM units WHERE id = ?", first); !fk(err) {
		t.Errorf("delete of a unit with history: %v, want a foreign key violation", err)
	}
	if _, err := d.Exec(ctx, "DELETE FROM units WHERE id = ?", third); err != nil {
		t.Errorf("delete of a unit without history: %v", err)
	}
}

// TestProvinceBackfill upgrades a database holding rows of every large
// table to the schema that carries the province, and checks the value each
// row got: a unit's and a case's from their region, a membership's from
// its organization or, for a branch without a region, the nearest
// ancestor's, a ballot's from its campaign's owner; 00 above every province.
func TestProvinceBackfill(t *testing.T) {
	if testrig.Partitioned() {
		t.Skip("the province is the partition key of a partitioned database: it cannot be dropped to replay the upgrade")
	}
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	// Back to the schema before the province, then rows as it held them.
	for _, table := range append([]string{"campaigns"}, db.PartitionedTables...) {
		if _, err := d.Exec(ctx, "ALTER TABLE "+table+" DROP COLUMN province"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Exec(ctx, "DELETE FROM schema_migrations WHERE version >= 26"); err != nil {
		t.Fatal(err)
	}
	org := func(parent any, path, region any) int64 {
		t.Helper()
		var id int64
		if err := d.WriteQueryRow(ctx, `INSERT INTO orgs (parent_id, path, depth, name, kind, category, level, region_code, created_at, updated_at)
			VALUES (?, ?, 0, '党组织', 'committee', 'territorial', 'county', ?, '', '') RETURNING id`, parent, path, region).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	national := org(nil, "/n/", nil)
	gx := org(national, "/n/gx/", "45")
	firm := org(gx, "/n/gx/f/", nil)
	cell := org(firm, "/n/gx/f/c/", nil)
	bj := org(nil, "/bj/", "11")
	var person int64
	if err := d.WriteQueryRow(ctx, `INSERT INTO persons (name, name_key, gender, birth_date, ethnicity, education, id_sealed, id_index, id_mask, created_at, updated_at)
		VALUES ('张三', 'zs', 'male', '1980-01-01', '汉族', '大学本科', ?, ?, '4501**', '', '')  RETURNING id`, []byte{1}, []byte{2}).Scan(&person); err != nil {
		t.Fatal(err)
	}
	for i, o := range []int64{cell, national, bj} {
		if _, err := d.Exec(ctx, `INSERT INTO memberships (person_id, org_id, kind, joined_on, status, active, started_on) VALUES (?, ?, 'full', '2000-01-01', 'normal', ?, '2000-01-01')`,
			person, o, i == 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Exec(ctx, `INSERT INTO units (credit_code, name, category, size_class, region_code, affiliation_org_id, created_at, updated_at)
		VALUES ('91450100000000001A', '某公司', 'company', 'small', '450102', ?, '', '')`, firm); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `INSERT INTO cases (kind, state, region_code, org_id, title, body, receipt, received_at, accept_due, updated_at)
		VALUES ('service', 'submitted', '110101001001', ?, '路灯', '路灯坏了', ?, '', '', '')`, bj, []byte{3}); err != nil {
		t.Fatal(err)
	}
	for i, owner := range []int64{cell, national} {
		var c int64
		if err := d.WriteQueryRow(ctx, `INSERT INTO campaigns (owner_org_id, name, type, year, opens_at, closes_at, rules_json, created_at, updated_at)
			VALUES (?, '测评', 'org', 2026, '', '', '{}', '', '') RETURNING id`, owner).Scan(&c); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"ballot_inbox", "ballots"} {
			if _, err := d.Exec(ctx, "INSERT INTO "+table+" (id, campaign_id, group_key, payload, tracker) VALUES (?, ?, 'masses', '{}', 't')", table+string(rune('a'+i)), c); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n, err := d.Migrate(ctx); err != nil || n != 1 {
		t.Fatalf("migrate: %d applied %v, want 1", n, err)
	}
	got := map[string]string{}
	for _, table := range db.PartitionedTables {
		rows, err := d.Query(ctx, "SELECT province FROM "+table+" ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				t.Fatal(err)
			}
			got[table] += p + " "
		}
		rows.Close()
	}
	want := map[string]string{"units": "45 ", "cases": "11 ", "memberships": "00 11 45 ", "ballot_inbox": "00 45 ", "ballots": "00 45 "}
	for table, w := range want {
		if got[table] != w {
			t.Errorf("%s provinces %q, want %q", table, got[table], w)
		}
	}
}

// TestProvinceSchema: the version the partitioned suites partition at is
// the migration that adds the province.
func TestProvinceSchema(t *testing.T) {
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		ms, err := (&db.DB{Dialect: d}).Migrations()
		if err != nil || len(ms) < db.ProvinceSchema || ms[db.ProvinceSchema-1].Name != "province" {
			t.Errorf("%s: migration %d is not the province's (%v)", d, db.ProvinceSchema, err)
		}
	}
}
