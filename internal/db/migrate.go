package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"jiceng/internal/errs"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one embedded schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations of the dialect in order.
func (d *DB) Migrations() ([]Migration, error) {
	dir := "migrations/" + string(d.Dialect)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
		}
		b, err := migrationFS.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// SchemaVersion returns the highest applied migration, 0 on an empty database.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	if _, err := d.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return 0, errs.Wrap(err, "schema_migrations")
	}
	var v int
	err := d.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, errs.Wrap(err, "schema version")
}

// Migrate applies every pending migration, each in its own transaction, and
// refuses to touch a database whose schema is newer than this binary knows.
// It returns the number of migrations applied.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	return d.MigrateTo(ctx, 0)
}

// MigrateTo is Migrate up to schema version upTo (every one when 0): the
// partitioned test suites partition a database at ProvinceSchema, then
// apply the later migrations to it as an installation would.
func (d *DB) MigrateTo(ctx context.Context, upTo int) (int, error) {
	ms, err := d.Migrations()
	if err != nil {
		return 0, errs.Wrap(err, "read migrations")
	}
	cur, err := d.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	latest := ms[len(ms)-1].Version
	if cur > latest {
		return 0, errs.Newf(errs.Conflict,
			"数据库结构版本 %d 比本程序支持的版本 %d 更新：请使用更新版本的 jiceng，不要用旧版本打开此数据库",
			"database schema version %d is newer than version %d known to this binary: run a newer jiceng",
			cur, latest)
	}
	applied := 0
	for _, m := range ms {
		if m.Version <= cur {
			continue
		}
		if upTo > 0 && m.Version > upTo {
			break
		}
		err := d.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, Now())
			return err
		})
		if err != nil {
			return applied, errs.Wrap(err, "migrate")
		}
		applied++
	}
	return applied, nil
}
