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
	if err := d.QueryRow(ctx, `INSERT INTO orgs (path, depth, name, kind, category, level, created_at, updated_at)
		VALUES ('/', 0, '测试党委', 'committee', 'territorial', 'county', '', '') RETURNING id`).Scan(&orgID); err != nil {
		t.Fatal(err)
	}
	unit := func(code, region string) (int64, error) {
		var id int64
		err := d.QueryRow(ctx, `INSERT INTO units (credit_code, name, category, size_class, region_code, province, affiliation_org_id, created_at, updated_at)
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
	if _, err := d.Exec(ctx, "DELETE FROM units WHERE id = ?", first); !fk(err) {
		t.Errorf("delete of a unit with history: %v, want a foreign key violation", err)
	}
	if _, err := d.Exec(ctx, "DELETE FROM units WHERE id = ?", third); err != nil {
		t.Errorf("delete of a unit without history: %v", err)
	}
}
