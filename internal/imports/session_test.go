package imports_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/imports"
	"jiceng/internal/testrig"
)

func TestMain(m *testing.M) { testrig.Main(m) }

// sessionUser adds an organization and a user for sessions to belong to.
func sessionUser(t *testing.T, d *db.DB) int64 {
	t.Helper()
	ctx := context.Background()
	var org, user int64
	err := d.WriteQueryRow(ctx, d.Rebind(`INSERT INTO orgs (parent_id, path, depth, name, short_name, kind, kind_confirmed, category, level, territorial, status, note, created_at, updated_at)
		VALUES (NULL, '/1/', 0, '测试市委', '', 'committee', true, 'organ', 'city', false, 'active', '', '', '') RETURNING id`)).Scan(&org)
	if err != nil {
		t.Fatal(err)
	}
	err = d.WriteQueryRow(ctx, d.Rebind("INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES ('importer', 'x', ?, '', '') RETURNING id"), org).Scan(&user)
	if err != nil {
		t.Fatal(err)
	}
	return user
}

func save(t *testing.T, d *db.DB, now time.Time, user int64, name string, problems []imports.Problem) string {
	t.Helper()
	s, err := imports.Save(context.Background(), d, now, user, "unit", name, 1, []string{"91450102MA000001X"}, problems)
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func setCreated(t *testing.T, d *db.DB, id string, at time.Time, status string) {
	t.Helper()
	if _, err := d.Exec(context.Background(), d.Rebind("UPDATE import_sessions SET created_at = ?, status = ? WHERE id = ?"), db.FormatTime(at), status, id); err != nil {
		t.Fatal(err)
	}
}

func files(t *testing.T, d *db.DB) string {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT file_name FROM import_sessions")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestSessionsPurgedAfterADay: uploads carry credit codes and names, so a
// session older than 24 hours is deleted, applied, invalid or ready, and a
// younger one stays.
func TestSessionsPurgedAfterADay(t *testing.T) {
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	user := sessionUser(t, d)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	bad := []imports.Problem{{Row: 2, ZH: "第2行：统一社会信用代码有误"}}
	cases := []struct {
		name   string
		age    time.Duration
		status string
	}{
		{"old-ready.xlsx", 25 * time.Hour, "ready"},
		{"old-applied.xlsx", 24*time.Hour + time.Second, "applied"},
		{"old-invalid.xlsx", 30 * 24 * time.Hour, "invalid"},
		{"new-ready.xlsx", 23 * time.Hour, "ready"},
		{"new-applied.xlsx", time.Hour, "applied"},
		{"new-invalid.xlsx", 0, "invalid"},
	}
	// Saved first, dated after: each upload purges what is older than a day.
	ids := make([]string, len(cases))
	for i, c := range cases {
		var p []imports.Problem
		if c.status == "invalid" {
			p = bad
		}
		ids[i] = save(t, d, now, user, c.name, p)
	}
	for i, c := range cases {
		setCreated(t, d, ids[i], now.Add(-c.age), c.status)
	}
	var n int64
	err := d.InTx(ctx, func(tx *db.Tx) (err error) {
		n, err = imports.Purge(ctx, tx, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("purged %d sessions, want 3", n)
	}
	if got, want := files(t, d), "new-applied.xlsx new-invalid.xlsx new-ready.xlsx"; got != want {
		t.Errorf("sessions left: %s, want %s", got, want)
	}
}

// TestExpiredSessionRefused: a session older than a day cannot be loaded
// or applied, and the next upload deletes it.
func TestExpiredSessionRefused(t *testing.T) {
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	user := sessionUser(t, d)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	old := save(t, d, now.Add(-25*time.Hour), user, "old.xlsx", nil)
	var rows []string
	_, err := imports.Load(ctx, d, now, user, "unit", old, &rows)
	if e := errs.As(err); e == nil || e.ZH != "导入批次已过期（上传超过 24 小时），请重新上传文件" || e.Kind != errs.Conflict {
		t.Fatalf("load of an expired session: %v", err)
	}
	fresh := save(t, d, now, user, "fresh.xlsx", nil)
	if got := files(t, d); got != "fresh.xlsx" {
		t.Errorf("after a new upload the sessions are %q, want only fresh.xlsx", got)
	}
	if _, err := imports.Load(ctx, d, now, user, "unit", fresh, &rows); err != nil || len(rows) != 1 {
		t.Errorf("fresh session: %v, %d rows", err, len(rows))
	}
	// An apply that loaded the session just before it was purged is told
	// why, not that it was applied already.
	err = d.InTx(ctx, func(tx *db.Tx) error { return imports.Claim(ctx, tx, user, "unit", old) })
	if e := errs.As(err); e == nil || e.ZH != "导入批次已过期（上传超过 24 小时），请重新上传文件" {
		t.Errorf("claim of a purged session: %v", err)
	}
}

// TestSessionExpiresAfterExactlyADay: on a fixed clock a session loads up to
// SessionTTL after its upload, to the second, and is refused one second later.
func TestSessionExpiresAfterExactlyADay(t *testing.T) {
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	user := sessionUser(t, d)
	uploaded := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	id := save(t, d, uploaded, user, "day.xlsx", nil)
	var rows []string
	if _, err := imports.Load(ctx, d, uploaded.Add(imports.SessionTTL), user, "unit", id, &rows); err != nil {
		t.Fatalf("load exactly a day after the upload: %v", err)
	}
	_, err := imports.Load(ctx, d, uploaded.Add(imports.SessionTTL+time.Second), user, "unit", id, &rows)
	if e := errs.As(err); e == nil || e.Kind != errs.Conflict {
		t.Fatalf("load a day and a second after the upload: %v, want the expiry", err)
	}
}
