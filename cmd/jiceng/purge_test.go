package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/testrig"
)

func TestMain(m *testing.M) { testrig.Main(m) }

// TestServePurgesExpiredImports: import sessions past their day, with the
// credit codes and names of their files, were deleted only by the next
// upload; serve deletes them at start and every hour, and leaves the
// sessions still in their day.
func TestServePurgesExpiredImports(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	url := "sqlite:" + path
	var out, errb testrig.Buffer
	env := func(k string) string {
		if k == "JICENG_KEY_FILE" {
			return path + ".key"
		}
		return ""
	}
	if err := run(ctx, []string{"init", "--region", "450102", "--db", url, "--admin", "admin", "--password-stdin"}, env, strings.NewReader("Jiceng-pass-2026\n"), &out, &errb); err != nil {
		t.Fatalf("init: %v\n%s", err, errb.String())
	}
	d, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, s := range []struct {
		id  string
		age time.Duration
	}{{"old-applied", 49 * time.Hour}, {"old-ready", 25 * time.Hour}, {"fresh", 23 * time.Hour}} {
		if _, err := d.Exec(ctx, `INSERT INTO import_sessions (id, user_id, kind, file_name, status, total_rows, payload, problems, created_at)
			VALUES (?, 1, 'units', '两新组织.xlsx', 'ready', 1, '[{"credit_code":"91450100MA5KXXXX0X","legal_rep":"张三"}]', '[]', ?)`, s.id, db.FormatTime(now.Add(-s.age))); err != nil {
			t.Fatal(err)
		}
	}
	d.Close()

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--db", url, "--addr", "127.0.0.1:0"}, env, strings.NewReader(""), &out, &errb)
	}()
	left := func() []string {
		d, err := db.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		rows, err := d.Query(ctx, "SELECT id FROM import_sessions ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	var ids []string
	for i := 0; i < 600; i++ {
		if ids = left(); len(ids) == 1 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, errb.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if len(ids) != 1 || ids[0] != "fresh" {
		t.Errorf("import sessions left after serve started: %v, want [fresh]", ids)
	}
}
