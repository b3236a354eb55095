package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// PartitionedTables are the large tables: each carries the province code
// (migration 0026) and can be partitioned by it.
var PartitionedTables = []string{"units", "memberships", "cases", "ballot_inbox", "ballots"}

// ProvinceSchema is the first schema version whose large tables carry the
// province: a database can be partitioned from it on.
const ProvinceSchema = 26

// PartitionByProvince turns the large tables of a PostgreSQL database into
// tables declaratively partitioned by LIST (province), with one partition
// per code in provinces and a default partition for any other (“00”, rows
// above every province). It runs in one transaction, takes the tables'
// locks for its length, copies their rows and is a no-op on a database
// already partitioned. docs/OPERATIONS.md (“Partitioning”) says when to run
// it and what it changes. It reports whether it changed anything.
//
//   - PostgreSQL requires a unique key of a partitioned table to include the
//     partition key, so each primary key and unique constraint gets the
//     province appended. The application checks the uniqueness that matters
//     across provinces (a unit's credit code, a person's one current
//     membership) before it writes; the database now backs that check within
//     a province only.
//   - A foreign key can only point at such a key, so the keys that pointed
//     at these tables by id alone are replaced by triggers that check the
//     same thing (jiceng_fk_*): a referencing row must find its row, and a
//     referenced row cannot be deleted or have its id changed while
//     referenced.
//   - Identity columns become columns with a sequence default (PostgreSQL 15
//     allows no identity column on a partitioned table), continuing from the
//     largest id.
func (d *DB) PartitionByProvince(ctx context.Context, provinces []string) (bool, error) {
	if d.Dialect != Postgres {
		return false, errors.New("partitioning needs PostgreSQL; an SQLite database is one file and is not partitioned")
	}
	for _, p := range provinces {
		if len(p) != 2 || strings.Trim(p, "0123456789") != "" {
			return false, fmt.Errorf("province code %q: want two digits, the start of a division code", p)
		}
	}
	changed := false
	err := d.InTx(ctx, func(tx *Tx) error {
		// A session still using the tables makes the renames wait; rather
		// than queue every later query behind them, give up with an error.
		if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '10s'"); err != nil {
			return err
		}
		var done bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'units' AND relkind = 'p'
			AND relnamespace = current_schema()::regnamespace)`).Scan(&done); err != nil {
			return err
		}
		if done {
			return nil
		}
		if _, err := tx.Exec(ctx, fkFunctions); err != nil {
			return fmt.Errorf("trigger functions: %w", err)
		}
		incoming, err := incomingKeys(ctx, tx)
		if err != nil {
			return err
		}
		for _, k := range incoming {
			if _, err := tx.Exec(ctx, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", k.child, k.name)); err != nil {
				return fmt.Errorf("drop %s: %w", k.name, err)
			}
		}
		for _, t := range PartitionedTables {
			if err := partitionTable(ctx, tx, t, provinces); err != nil {
				return fmt.Errorf("partition %s: %w", t, err)
			}
		}
		for _, k := range incoming {
			if err := k.addTriggers(ctx, tx); err != nil {
				return fmt.Errorf("triggers for %s: %w", k.name, err)
			}
		}
		changed = true
		return nil
	})
	return changed, err
}

// fkFunctions check a replaced foreign key. The child's trigger takes the
// referenced row FOR KEY SHARE, as a foreign key does, so that it cannot be
// deleted before the inserting transaction commits; the parent's refuses to
// delete or re-key a referenced row (NO ACTION, the only kind the schema
// uses). Both raise foreign_key_violation, the error a real key raises.
const fkFunctions = `
CREATE OR REPLACE FUNCTION jiceng_fk_child() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    one integer;
    parent text := TG_ARGV[0]; pcol text := TG_ARGV[1]; ccol text := TG_ARGV[2];
    val bigint;
BEGIN
    EXECUTE format('SELECT ($1).%I', ccol) INTO val USING NEW;
    IF val IS NULL THEN RETURN NULL; END IF;
    EXECUTE format('SELECT 1 FROM %I WHERE %I = $1 FOR KEY SHARE', parent, pcol) INTO one USING val;
    IF one IS NULL THEN
        RAISE foreign_key_violation USING MESSAGE = format('insert or update on table "%s" violates foreign key "%s": %s=%s is not present in table "%s"',
            TG_TABLE_NAME, TG_NAME, ccol, val, parent);
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION jiceng_fk_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    one integer;
    child text := TG_ARGV[0]; ccol text := TG_ARGV[1]; pcol text := TG_ARGV[2]; parent text := TG_ARGV[3];
    old_val bigint; new_val bigint;
BEGIN
    EXECUTE format('SELECT ($1).%I', pcol) INTO old_val USING OLD;
    IF TG_OP = 'UPDATE' THEN
        EXECUTE format('SELECT ($1).%I', pcol) INTO new_val USING NEW;
        IF new_val IS NOT DISTINCT FROM old_val THEN RETURN NULL; END IF;
    ELSE
        -- A row whose province changed moves to another partition as a
        -- DELETE here and an INSERT there: the key is still in the table.
        EXECUTE format('SELECT 1 FROM %I WHERE %I = $1', parent, pcol) INTO one USING old_val;
        IF one IS NOT NULL THEN RETURN NULL; END IF;
    END IF;
    EXECUTE format('SELECT 1 FROM %I WHERE %I = $1 LIMIT 1', child, ccol) INTO one USING old_val;
    IF one IS NOT NULL THEN
        RAISE foreign_key_violation USING MESSAGE = format('update or delete on table "%s" violates foreign key "%s" on table "%s": %s=%s is still referenced',
            TG_TABLE_NAME, TG_NAME, child, pcol, old_val);
    END IF;
    RETURN NULL;
END $$;`

// foreignKey is a single-column foreign key pointing at a table about to
// be partitioned.
type foreignKey struct {
	name, child, col, parent, pcol string
}

func incomingKeys(ctx context.Context, tx *Tx) ([]foreignKey, error) {
	rows, err := tx.Query(ctx, `SELECT c.conname, ch.relname, ca.attname, pa.relname, pat.attname
		FROM pg_constraint c
		JOIN pg_class ch ON ch.oid = c.conrelid
		JOIN pg_class pa ON pa.oid = c.confrelid
		JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = c.conkey[1]
		JOIN pg_attribute pat ON pat.attrelid = c.confrelid AND pat.attnum = c.confkey[1]
		WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND pa.relnamespace = current_schema()::regnamespace
		  AND pa.relname IN (`+marks(len(PartitionedTables))+`)
		ORDER BY c.conname`, anys(PartitionedTables)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []foreignKey
	for rows.Next() {
		var k foreignKey
		if err := rows.Scan(&k.name, &k.child, &k.col, &k.parent, &k.pcol); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (k foreignKey) addTriggers(ctx context.Context, tx *Tx) error {
	// The key's own name, with a suffix: a key from a table to itself
	// (cases.duplicate_of) puts both triggers on one table.
	for _, q := range []string{
		fmt.Sprintf("CREATE TRIGGER %s_c AFTER INSERT OR UPDATE OF %s ON %s FOR EACH ROW EXECUTE FUNCTION jiceng_fk_child('%s', '%s', '%s')",
			k.name, k.col, k.child, k.parent, k.pcol, k.col),
		fmt.Sprintf("CREATE TRIGGER %s_p AFTER DELETE OR UPDATE OF %s ON %s FOR EACH ROW EXECUTE FUNCTION jiceng_fk_parent('%s', '%s', '%s', '%s')",
			k.name, k.pcol, k.parent, k.child, k.col, k.pcol, k.parent),
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// partitionTable replaces table t by a table partitioned by province with
// the same columns, defaults, checks, indexes and outgoing foreign keys,
// and moves its rows over in their order (ballots keep the shuffled order
// the mixer gave them).
func partitionTable(ctx context.Context, tx *Tx, t string, provinces []string) error {
	type index struct {
		name, def string
		unique    bool
		con       string // p or u when the index backs a constraint
		cols      string // the constraint's columns
	}
	var idx []index
	rows, err := tx.Query(ctx, `SELECT i.relname, pg_get_indexdef(i.oid), x.indisunique, COALESCE(c.contype::text, ''),
			COALESCE((SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(att, n)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att), '')
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = x.indrelid
		LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.contype IN ('p', 'u')
		WHERE r.relname = ? AND r.relnamespace = current_schema()::regnamespace ORDER BY i.relname`, t)
	if err != nil {
		return err
	}
	for rows.Next() {
		var ix index
		if err := rows.Scan(&ix.name, &ix.def, &ix.unique, &ix.con, &ix.cols); err != nil {
			rows.Close()
			return err
		}
		idx = append(idx, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var fks [][2]string
	rows, err = tx.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE contype = 'f' AND conrelid = (SELECT oid FROM pg_class WHERE relname = ? AND relnamespace = current_schema()::regnamespace)`, t)
	if err != nil {
		return err
	}
	for rows.Next() {
		var fk [2]string
		if err := rows.Scan(&fk[0], &fk[1]); err != nil {
			rows.Close()
			return err
		}
		fks = append(fks, fk)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var identity bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
		AND table_name = ? AND column_name = 'id' AND is_identity = 'YES')`, t).Scan(&identity); err != nil {
		return err
	}

	old := t + "_unpartitioned"
	steps := []string{"ALTER TABLE " + t + " RENAME TO " + old}
	for _, ix := range idx {
		steps = append(steps, "ALTER INDEX "+ix.name+" RENAME TO "+ix.name+"_unpartitioned")
	}
	steps = append(steps, fmt.Sprintf("CREATE TABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) PARTITION BY LIST (province)", t, old))
	for _, p := range provinces {
		steps = append(steps, fmt.Sprintf("CREATE TABLE %s_p%s PARTITION OF %s FOR VALUES IN ('%s')", t, p, t, p))
	}
	steps = append(steps, fmt.Sprintf("CREATE TABLE %s_pdefault PARTITION OF %s DEFAULT", t, t),
		fmt.Sprintf("INSERT INTO %s SELECT * FROM %s", t, old),
		"DROP TABLE "+old)
	if identity {
		steps = append(steps, fmt.Sprintf("CREATE SEQUENCE %s_id_seq OWNED BY %s.id", t, t),
			fmt.Sprintf("ALTER TABLE %s ALTER COLUMN id SET DEFAULT nextval('%s_id_seq')", t, t),
			fmt.Sprintf("SELECT setval('%s_id_seq', COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)", t, t))
	}
	for _, ix := range idx {
		switch {
		case ix.con == "p":
			steps = append(steps, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s PRIMARY KEY (%s, province)", t, ix.name, ix.cols))
		case ix.con == "u":
			steps = append(steps, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s UNIQUE (%s, province)", t, ix.name, ix.cols))
		case ix.unique:
			def, err := withProvince(ix.def)
			if err != nil {
				return err
			}
			steps = append(steps, def)
		default:
			steps = append(steps, ix.def)
		}
	}
	for _, fk := range fks {
		steps = append(steps, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", t, fk[0], fk[1]))
	}
	for _, q := range steps {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// withProvince appends the province to the key of a unique index's
// definition, “CREATE UNIQUE INDEX … USING btree (person_id) WHERE active”.
func withProvince(def string) (string, error) {
	open := strings.Index(def, " USING ")
	if open < 0 {
		return "", fmt.Errorf("unexpected index definition %q", def)
	}
	start := strings.IndexByte(def[open:], '(')
	if start < 0 {
		return "", fmt.Errorf("unexpected index definition %q", def)
	}
	start += open
	depth := 0
	for i := start; i < len(def); i++ {
		switch def[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return def[:i] + ", province" + def[i:], nil
			}
		}
	}
	return "", fmt.Errorf("unbalanced index definition %q", def)
}

func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
