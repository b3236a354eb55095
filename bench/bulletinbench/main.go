// Command bulletinbench measures the public bulletin of a closed campaign
// with many ballots under load: an administrator's request (the campaign
// list of the API) alone, then the same request while concurrent anonymous
// readers load the bulletin page, each from an address of its own.
//
//	go run ./bench/bulletinbench -db sqlite:/tmp/jiceng-bulletin.db -ballots 200000 -readers 30
//	go run ./bench/bulletinbench -db postgres://postgres@127.0.0.1:5432/jiceng_bulletin
//
// The ballots are written straight into the ballots table (as the mixer
// leaves them, with their codes counted as spent), not cast through HTTP:
// the setup would otherwise take longer than the measurement. The database
// is emptied first: the SQLite file is deleted, the PostgreSQL database (or
// the schema named by search_path) is dropped and recreated.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
)

type config struct {
	url      string
	ballots  int
	readers  int
	alone    int
	duration time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.url, "db", "sqlite:/tmp/jiceng-bulletin.db", "database URL: sqlite:PATH or postgres://… (emptied first)")
	flag.IntVar(&c.ballots, "ballots", 200000, "counted ballots of the closed campaign")
	flag.IntVar(&c.readers, "readers", 30, "concurrent bulletin readers")
	flag.IntVar(&c.alone, "alone", 200, "administrator requests measured without readers")
	flag.DurationVar(&c.duration, "duration", 30*time.Second, "how long the readers read")
	flag.Parse()
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "bulletinbench:", err)
		os.Exit(1)
	}
}

var sys = access.SystemActor("bench")

func run(ctx context.Context, c config) error {
	out := os.Stdout
	benchkit.Header(out, "bulletinbench: the public bulletin of a closed campaign under load", "./bench/bulletinbench")
	d, err := benchkit.Fresh(ctx, out, c.url)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(out, "- load: %d readers of GET /bulletin/{id} (each request from another address through a trusted proxy, so no per-client limit applies) for %s; one administrator's GET /api/v1/campaigns at a time beside them; client and server share the %d CPUs\n\n",
		c.readers, c.duration, runtime.NumCPU())

	a, err := benchkit.App(ctx, d)
	if err != nil {
		return err
	}
	orgs := a.Core().Orgs
	if _, err := orgs.InitRegion(ctx, sys, "450102"); err != nil {
		return err
	}
	var owner int64
	if err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = ?", "450102").Scan(&owner); err != nil {
		return err
	}
	ev := app.Service[*evaluation.Service](a)
	accts := a.Core().Accounts
	pw := account.RandomPassword()
	if _, err := accts.Create(ctx, sys, account.NewUser{Username: "benchadmin", DisplayName: "性能测试管理员", Password: pw, HomeOrgID: owner, Role: access.Admin}); err != nil {
		return err
	}

	t0 := time.Now()
	id, err := closedCampaign(ctx, d, ev, owner, c.ballots)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "- setup: a closed campaign with %d counted ballots in %s\n\n", c.ballots, benchkit.Sec(time.Since(t0)))

	base, closeServer, err := benchkit.Serve(a, benchkit.LoopbackProxy)
	if err != nil {
		return err
	}
	defer closeServer()
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * c.readers, DisableCompression: true}, Timeout: 10 * time.Minute}
	token, err := benchkit.Login(cl, base, "benchadmin", pw)
	if err != nil {
		return err
	}
	admin := func() (time.Duration, error) {
		return get(cl, base+"/api/v1/campaigns", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) })
	}
	var seq atomic.Uint32
	board := fmt.Sprintf("%s/bulletin/%d", base, id)
	reader := func() (time.Duration, error) {
		n := seq.Add(1)
		return get(cl, board, func(r *http.Request) {
			r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
		})
	}

	// The first bulletin after the close, then the size of the page.
	first, err := reader()
	if err != nil {
		return err
	}
	resp, err := http.Get(board)
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("bulletin: %s", resp.Status)
	}

	// (a) The administrator alone.
	var alone []time.Duration
	for range c.alone {
		d, err := admin()
		if err != nil {
			return err
		}
		alone = append(alone, d)
	}

	// (b) The same beside the readers.
	var mu sync.Mutex
	var bulletins, loaded []time.Duration
	var failed atomic.Int64
	stop := time.Now().Add(c.duration)
	var wg sync.WaitGroup
	for range c.readers {
		wg.Go(func() {
			for time.Now().Before(stop) {
				d, err := reader()
				if err != nil {
					failed.Add(1)
					continue
				}
				mu.Lock()
				bulletins = append(bulletins, d)
				mu.Unlock()
			}
		})
	}
	for time.Now().Before(stop) {
		d, err := admin()
		if err != nil {
			failed.Add(1)
			continue
		}
		loaded = append(loaded, d)
	}
	wg.Wait()

	t := benchkit.Table{Head: []string{"measure", "requests", "p50", "p99", "max"}}
	t.Add("admin GET /api/v1/campaigns alone", fmt.Sprint(len(alone)), benchkit.Ms(benchkit.Percentile(alone, 0.5)), benchkit.Ms(benchkit.Percentile(alone, 0.99)), benchkit.Ms(benchkit.Max(alone)))
	t.Add(fmt.Sprintf("GET /bulletin/{id}, %d readers", c.readers), fmt.Sprint(len(bulletins)), benchkit.Ms(benchkit.Percentile(bulletins, 0.5)), benchkit.Ms(benchkit.Percentile(bulletins, 0.99)), benchkit.Ms(benchkit.Max(bulletins)))
	t.Add(fmt.Sprintf("admin GET /api/v1/campaigns beside %d readers", c.readers), fmt.Sprint(len(loaded)), benchkit.Ms(benchkit.Percentile(loaded, 0.5)), benchkit.Ms(benchkit.Percentile(loaded, 0.99)), benchkit.Ms(benchkit.Max(loaded)))
	t.Print(out)
	fmt.Fprintf(out, "\n- bulletin page: %d bytes; first request after the close %s; bulletins served %.1f/s; failed requests %d\n",
		len(page), benchkit.Ms(first), float64(len(bulletins))/c.duration.Seconds(), failed.Load())
	return nil
}

// closedCampaign opens a campaign of one subject, writes n ballots of the
// masses with their codes counted as spent, and closes it.
func closedCampaign(ctx context.Context, d *db.DB, ev *evaluation.Service, owner int64, n int) (int64, error) {
	now := time.Now()
	camp, err := ev.CreateCampaign(ctx, sys, evaluation.CampaignInput{OwnerOrgID: owner, Name: "性能测试：村（社区）党组织书记述职评议", Type: evaluation.TypeReview, Year: 2026,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		return 0, err
	}
	subs, err := ev.AddSubjects(ctx, sys, camp.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "书记0001", Post: "党组织书记", Unit: "第1村"}})
	if err != nil {
		return 0, err
	}
	if _, err := ev.IssueTokens(ctx, sys, camp.ID, "masses", 10); err != nil {
		return 0, err
	}
	if _, err := ev.Open(ctx, sys, camp.ID); err != nil {
		return 0, err
	}
	payload, err := evaluation.EncodeBallot(map[string]map[string]float64{subs[0].Key: {"satisfaction": 100, "duty": 85, "team": 85, "life": 70, "education": 85, "service": 100, "integrity": 85}}, "")
	if err != nil {
		return 0, err
	}
	for done := 0; done < n; {
		k := min(20000, n-done)
		rows := make([][]any, k)
		for i := range rows {
			var b [16]byte
			rand.Read(b[:])
			rows[i] = []any{hex.EncodeToString(b[:]), camp.ID, "45", "masses", payload, evaluation.NewTracker()}
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return tx.BatchInsert(ctx, "ballots", []string{"id", "campaign_id", "province", "group_key", "payload", "tracker"}, rows, 500)
		})
		if err != nil {
			return 0, err
		}
		done += k
	}
	if _, err := d.Exec(ctx, d.Rebind("UPDATE ballot_token_counts SET issued = issued + ?, used = used + ? WHERE campaign_id = ? AND group_key = 'masses'"), 0, n, camp.ID); err != nil {
		return 0, err
	}
	if _, err := ev.Close(ctx, sys, camp.ID); err != nil {
		return 0, err
	}
	return camp.ID, nil
}

// get times one GET through the whole body.
func get(cl *http.Client, u string, edit func(*http.Request)) (time.Duration, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return 0, err
	}
	edit(req)
	t0 := time.Now()
	resp, err := cl.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("GET %s: %s", strings.TrimPrefix(u, "http://"), resp.Status)
	}
	return d, err
}
