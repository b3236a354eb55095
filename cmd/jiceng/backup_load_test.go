package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
)

// TestBackupUnderBallotsAndCases takes `jiceng backup` while raters cast
// ballots and residents file reports through the group committers, with the
// mixer moving ballots, on the engine the tests run on (a SQLite VACUUM
// INTO, or pg_dump under JICENG_TEST_POSTGRES), restores it, and checks the
// copy: SQLite's integrity and foreign-key checks (PostgreSQL's restore
// validates every constraint), the ballots counted and in the inbox equal
// the tokens spent and the per-group counts, every case has its one submit
// event, and every ballot and report acknowledged before the backup began
// is in it.
func TestBackupUnderBallotsAndCases(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "jiceng.key")
	live, restore := backupDatabases(t, dir)
	if _, e := runCLI(t, "", "init", "--region", "450102", "--db", live, "--key-file", keyFile); e != "" {
		t.Fatal(e)
	}
	env := cmdEnv{getenv: func(string) string { return "" }}
	a, err := openApp(ctx, env, live, keyFile, app.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	d := a.Core().DB
	ev, cs := app.Service[*evaluation.Service](a), app.Service[*cases.Service](a)
	sys := access.SystemActor("test")
	var town int64
	if err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = '450102101'").Scan(&town); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c, err := ev.CreateCampaign(ctx, sys, evaluation.CampaignInput{OwnerOrgID: town, Name: "备份测试：村（社区）党组织书记述职评议", Type: evaluation.TypeReview, Year: 2026,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := ev.AddSubjects(ctx, sys, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "张三", Post: "党组织书记", Unit: "第一村"}})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, g := range []string{"superior", "members", "masses"} {
		cs, err := ev.IssueTokens(ctx, sys, c.ID, g, 400)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, cs...)
	}
	if _, err := ev.Open(ctx, sys, c.ID); err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	ev.StartCommitter(wctx)
	cs.StartCommitter(wctx)
	go ev.RunMixer(wctx, 50*time.Millisecond, 10)

	// The writers; what each was acknowledged, and when.
	type ack struct {
		at  time.Time
		key string // a tracker, or a case id
	}
	var mu sync.Mutex
	var ballots, reports []ack
	var wg sync.WaitGroup
	scores := map[string]map[string]float64{subs[0].Key: {"satisfaction": 100, "duty": 85, "team": 85, "life": 70, "education": 85, "service": 100, "integrity": 85}}
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(codes) && wctx.Err() == nil; i += 4 {
				tr, err := ev.CastBallot(wctx, codes[i], scores, "")
				if err == nil {
					mu.Lock()
					ballots = append(ballots, ack{time.Now(), tr})
					mu.Unlock()
				}
			}
		})
	}
	for w := range 2 {
		wg.Go(func() {
			for i := 0; wctx.Err() == nil; i++ {
				rc, err := cs.Submit(wctx, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Body: fmt.Sprintf("第 %d-%d 号：楼道灯坏了，请维修。", w, i)})
				if err == nil {
					mu.Lock()
					reports = append(reports, ack{time.Now(), fmt.Sprint(rc.CaseID)})
					mu.Unlock()
				}
			}
		})
	}
	// The backup starts once both kinds of writes are flowing, however
	// loaded the machine is, and the writers go on while it runs.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		nb, nr := len(ballots), len(reports)
		mu.Unlock()
		if nb >= 100 && nr >= 50 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the writers wrote %d ballots and %d reports in 30 s", nb, nr)
		}
	}
	began := time.Now()
	out := filepath.Join(dir, "backup")
	if _, e := runCLI(t, "", "backup", "--out", out, "--db", live); e != "" {
		t.Fatal(e)
	}
	mu.Lock()
	during := len(ballots)
	mu.Unlock()
	stop()
	wg.Wait()

	// Restore, and open the copy as the server would.
	if strings.HasPrefix(live, "sqlite:") {
		if err := os.Rename(out, strings.TrimPrefix(restore, "sqlite:")); err != nil {
			t.Fatal(err)
		}
	} else if b, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "-d", restore, out).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, b)
	}
	r, err := openApp(ctx, env, restore, keyFile, app.Config{})
	if err != nil {
		t.Fatalf("the restored copy does not open: %v", err)
	}
	defer r.Close()
	rd := r.Core().DB
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := rd.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	if rd.Dialect == db.SQLite {
		if s, err := db.IntegrityCheck(ctx, rd); err != nil || s != "ok" {
			t.Fatalf("integrity check of the copy: %q %v", s, err)
		}
		if n := count("SELECT COUNT(*) FROM pragma_foreign_key_check"); n != 0 {
			t.Fatalf("%d rows of the copy break a foreign key", n)
		}
	}
	used := count("SELECT COUNT(*) FROM ballot_tokens WHERE campaign_id = ? AND status = 'used'", c.ID)
	cast := count("SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", c.ID) + count("SELECT COUNT(*) FROM ballots WHERE campaign_id = ?", c.ID)
	usedCounts := count("SELECT COALESCE(SUM(used), 0) FROM ballot_token_counts WHERE campaign_id = ?", c.ID)
	if used != cast || used != usedCounts || used == 0 {
		t.Fatalf("the copy: %d tokens used, %d ballots cast, %d used in the counts; want them equal and above 0", used, cast, usedCounts)
	}
	nCases, submits := count("SELECT COUNT(*) FROM cases"), count("SELECT COUNT(*) FROM case_events WHERE type = 'submit'")
	if nCases != submits || count("SELECT COUNT(*) FROM cases c WHERE (SELECT COUNT(*) FROM case_events e WHERE e.case_id = c.id AND e.type = 'submit') <> 1") != 0 {
		t.Fatalf("the copy: %d cases, %d submit events", nCases, submits)
	}
	for _, b := range ballots {
		if b.at.Before(began) && count("SELECT COUNT(*) FROM ballot_inbox WHERE tracker = ?", b.key)+count("SELECT COUNT(*) FROM ballots WHERE tracker = ?", b.key) != 1 {
			t.Fatalf("ballot %s, acknowledged before the backup began, is not in it once", b.key)
		}
	}
	before := 0
	for _, rep := range reports {
		if rep.at.Before(began) {
			before++
			if count("SELECT COUNT(*) FROM cases WHERE id = ?", rep.key) != 1 {
				t.Fatalf("case %s, acknowledged before the backup began, is not in it", rep.key)
			}
		}
	}
	t.Logf("%s: the backup holds %d ballots (%d acknowledged when it ended) and %d cases (%d acknowledged before it began)", rd.Dialect, cast, during, nCases, before)
}

// backupDatabases are the live database and the empty one the backup is
// restored to: SQLite files in dir, or two PostgreSQL databases of their
// own (pg_dump takes a whole database) under JICENG_TEST_POSTGRES.
func backupDatabases(t *testing.T, dir string) (live, restore string) {
	t.Helper()
	base := os.Getenv("JICENG_TEST_POSTGRES")
	if base == "" {
		return "sqlite:" + filepath.Join(dir, "live.db"), "sqlite:" + filepath.Join(dir, "restored.db")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	suffix := fmt.Sprintf("%d_%d", os.Getpid(), time.Now().UnixNano())
	var urls []string
	for _, name := range []string{"jiceng_bk_live_" + suffix, "jiceng_bk_restore_" + suffix} {
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") // best effort: the names are the test's own
		})
		v := *u
		v.Path = "/" + name
		urls = append(urls, v.String())
	}
	return urls[0], urls[1]
}
