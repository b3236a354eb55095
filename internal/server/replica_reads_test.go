package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/testrig"
)

// TestReplicaReads: with a read replica attached (serve --db-read), a staff
// member's reads go to it — the statistics API says how stale they may be
// in X-Jiceng-Stale-Bound, the cockpit page says it in words — except right
// after that member wrote something, when their reads stay on the primary
// so that they see it; public pages never read the replica. Here the
// primary stands in for the standby: prefer-standby falls back to it, and
// what is tested is which requests may go there.
func TestReplicaReads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if testrig.Engine() != "postgres" {
		err := f.d.AttachReplica(ctx, "postgres://x@127.0.0.1/x", 10*time.Second)
		if e := errs.As(err); e.ZH != "只读副本（--db-read）仅用于 PostgreSQL" {
			t.Fatalf("a replica beside SQLite: %v", err)
		}
		return
	}
	if err := f.d.AttachReplica(ctx, f.d.URL, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	stats := fmt.Sprintf("/api/v1/orgs/%d/stats", f.root)
	bound := func(token string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", f.srv.URL+stats, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("stats: %d", resp.StatusCode)
		}
		return resp.Header.Get("X-Jiceng-Stale-Bound")
	}
	admin, auditor := f.token(t, "admin"), f.token(t, "auditor")
	if got := bound(admin); got != "10" {
		t.Fatalf("the admin's statistics: stale bound %q, want 10", got)
	}
	const note = `<p class="stale-note" role="note">本页数据读自只读副本，可能比最新数据晚至多 10 秒</p>`
	if page := f.browser(t, "county_admin").get(t, "/"); strings.Count(page, note) != 1 {
		t.Fatalf("the cockpit does not say its figures may be 10 s old")
	}

	// A write pins its author's reads to the primary; others read on.
	st, out := f.call(t, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", f.root), admin, `{"short_name":"南宁市委"}`)
	if st != 200 {
		t.Fatalf("patch: %d %v", st, out)
	}
	if got := bound(admin); got != "" {
		t.Fatalf("right after their write the admin read the replica (bound %q)", got)
	}
	if got := bound(auditor); got != "10" {
		t.Fatalf("the auditor, who wrote nothing: bound %q, want 10", got)
	}
	// Public pages never do, even for a signed-in user's browser.
	req, _ := http.NewRequest("GET", f.srv.URL+"/report", nil)
	resp, err := f.browser(t, "auditor").c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Jiceng-Stale-Bound") != "" {
		t.Fatalf("the public report form: %d, stale bound %q", resp.StatusCode, resp.Header.Get("X-Jiceng-Stale-Bound"))
	}
}
