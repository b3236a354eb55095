package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/testrig"
)

// TestHousekeepAtFixedClock: at 00:30 on 1 December in Shanghai, which is
// still 30 November in UTC, the hourly round records December's figures
// and deletes exactly the import sessions uploaded more than 24 hours
// before.
func TestHousekeepAtFixedClock(t *testing.T) {
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	now := time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	var orgID, userID int64
	if err := d.WriteQueryRow(ctx, `INSERT INTO orgs (parent_id, path, depth, name, short_name, kind, kind_confirmed, category, level, territorial, status, note, created_at, updated_at)
		VALUES (NULL, '/1/', 0, '测试市委', '', 'committee', true, 'organ', 'city', false, 'active', '', '', '') RETURNING id`).Scan(&orgID); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteQueryRow(ctx, "INSERT INTO users (username, password_hash, home_org_id, created_at, updated_at) VALUES ('importer', 'x', ?, '', '') RETURNING id", orgID).Scan(&userID); err != nil {
		t.Fatal(err)
	}
	exec("INSERT INTO coverage_agg (org_id, category, size_class, industry, coverage, n) VALUES (?, 'enterprise', 'large', 'C', 'own', 3)", orgID)
	for _, s := range []struct {
		id  string
		age time.Duration
	}{{"day-and-a-second", 24*time.Hour + time.Second}, {"one-day", 24 * time.Hour}} {
		exec(`INSERT INTO import_sessions (id, user_id, kind, file_name, status, total_rows, payload, problems, created_at)
			VALUES (?, ?, 'unit', 'u.xlsx', 'ready', 1, '[]', '[]', ?)`, s.id, userID, db.FormatTime(now.Add(-s.age)))
	}
	var log testrig.Buffer
	a, err := app.New(ctx, app.Config{DB: d, Key: []byte("test-key-for-ballot-token-macs-0"), Now: clock, Logger: slog.New(slog.NewTextHandler(&log, nil)), Params: testrig.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	hourly := 0
	for _, j := range a.Jobs() {
		if j.Every != time.Hour {
			continue
		}
		hourly++
		if err := j.Run(ctx); err != nil {
			t.Fatalf("%s: %v", j.Name, err)
		}
	}
	if hourly != 3 {
		t.Fatalf("%d hourly jobs, want the coverage snapshot, the purge of import sessions and that of reporters' identities", hourly)
	}
	var month string
	var units int
	if err := d.QueryRow(ctx, "SELECT month, units FROM coverage_monthly WHERE org_id = ?", orgID).Scan(&month, &units); err != nil {
		t.Fatal(err)
	}
	if month != "2026-12" || units != 3 {
		t.Errorf("snapshot: month %s with %d units, want 2026-12 with 3", month, units)
	}
	rows, err := d.Query(ctx, "SELECT id FROM import_sessions ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var left []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		left = append(left, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(left, " "); got != "one-day" {
		t.Errorf("import sessions left: %s, want one-day", got)
	}
}
