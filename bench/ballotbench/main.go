// Command ballotbench measures casting ballots through the whole HTTP stack
// (POST /api/v1/public/ballots on server.NewServer, with the group
// committer and the mixer running as `jiceng serve` runs them) against raw
// durable inserts into a copy of the inbox on the same database, and the
// results of a large campaign.
//
//	go run ./bench/ballotbench -db sqlite:/tmp/jiceng-ballots.db -c 64 -n 20000
//	go run ./bench/ballotbench -db postgres://postgres@127.0.0.1:5432/jiceng_ballots -c 64 -n 20000
//
// The database is emptied first: the SQLite file is deleted, the PostgreSQL
// database (or the schema named by search_path) is dropped and recreated.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/server"
)

type config struct {
	url             string
	c, n            int
	subjects        int
	singleRows      int
	batchRows       int
	resultsSubjects int
	resultsBallots  int
	perBallot       int
	skipResults     bool
	mixEvery        time.Duration
	cpuprofile      string
}

func main() {
	var c config
	flag.StringVar(&c.url, "db", "", "database URL: sqlite:PATH or postgres://… (emptied first)")
	flag.IntVar(&c.c, "c", 64, "concurrent HTTP clients")
	flag.IntVar(&c.n, "n", 20000, "ballots cast through HTTP (each with its own code)")
	flag.IntVar(&c.subjects, "subjects", 20, "subjects of the ballot campaign (village template, 3 rater groups)")
	flag.IntVar(&c.singleRows, "single-rows", 2000, "rows of the one-row-per-transaction baseline")
	flag.IntVar(&c.batchRows, "batch-rows", 20000, "rows of the 500-rows-per-transaction baseline")
	flag.IntVar(&c.resultsSubjects, "results-subjects", 2000, "subjects of the results campaign")
	flag.IntVar(&c.resultsBallots, "results-ballots", 200000, "counted ballots of the results campaign")
	flag.IntVar(&c.perBallot, "results-per-ballot", 10, "subjects each ballot of the results campaign rates")
	flag.BoolVar(&c.skipResults, "skip-results", false, "skip the results measurement")
	flag.DurationVar(&c.mixEvery, "mix-every", time.Minute, "how often the mixer runs during the HTTP run (jiceng serve: every minute)")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the HTTP run to this file")
	flag.Parse()
	if c.url == "" {
		fmt.Fprintln(os.Stderr, "ballotbench: -db is required, e.g. -db sqlite:/tmp/jiceng-ballots.db")
		os.Exit(2)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "ballotbench:", err)
		os.Exit(1)
	}
}

var sys = access.SystemActor("bench")

func run(ctx context.Context, c config) error {
	out := os.Stdout
	benchkit.Header(out, "ballotbench: ballots through HTTP with group commit, raw inserts, results", "./bench/ballotbench")
	d, err := benchkit.Fresh(ctx, out, c.url)
	if err != nil {
		return err
	}
	defer d.Close()
	if d.Dialect == db.SQLite {
		var sync string
		if err := d.WriteQueryRow(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			return err
		}
		fmt.Fprintf(out, "- durability: WAL, PRAGMA synchronous = %s (2 = FULL), one writer connection\n", sync)
	} else {
		var sc, fs string
		if err := d.QueryRow(ctx, "SHOW synchronous_commit").Scan(&sc); err != nil {
			return err
		}
		if err := d.QueryRow(ctx, "SHOW fsync").Scan(&fs); err != nil {
			return err
		}
		fmt.Fprintf(out, "- durability: synchronous_commit = %s, fsync = %s\n", sc, fs)
	}
	fmt.Fprintf(out, "- HTTP run: %d ballots from %d keep-alive clients on 127.0.0.1, each ballot rates %d subjects on 7 indicators; client and server share the %d CPUs\n\n",
		c.n, c.c, c.subjects, runtime.NumCPU())

	a, err := benchkit.App(ctx, d)
	if err != nil {
		return err
	}
	orgs := a.Core().Orgs
	if _, err := orgs.InitRegion(ctx, sys, "450102"); err != nil {
		return err
	}
	ev := app.Service[*evaluation.Service](a)
	owner, err := orgID(ctx, orgs, "450102")
	if err != nil {
		return err
	}

	// The campaign of the HTTP run.
	warm := 2 * c.c
	camp, subs, err := benchkit.NewCampaign(ctx, ev, owner, "性能测试：村（社区）党组织书记述职评议", c.subjects)
	if err != nil {
		return err
	}
	groups := []string{"superior", "members", "masses"}
	tIssue := time.Now()
	codes, err := benchkit.IssueCodes(ctx, ev, camp.ID, groups, warm+c.n)
	if err != nil {
		return err
	}
	issueDur := time.Since(tIssue)
	if _, err := ev.Open(ctx, sys, camp.ID); err != nil {
		return err
	}

	// The server, as `jiceng serve` runs it, with the mixer at the run's
	// own period.
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	ev.StartCommitter(sctx)
	go ev.RunMixer(sctx, c.mixEvery, 20)
	base, closeServer, err := benchkit.Serve(a, server.Options{})
	if err != nil {
		return err
	}
	defer closeServer()

	bodies := make([][]byte, len(codes))
	rng := rand.New(rand.NewPCG(7, 8))
	var stored string // the first ballot as the inbox stores it
	for i, code := range codes {
		scores := map[string]map[string]float64{}
		for _, s := range subs {
			scores[s.Key] = benchkit.Answers(rng)
		}
		bodies[i], _ = json.Marshal(map[string]any{"token": code, "scores": scores})
		if i == 0 {
			if stored, err = evaluation.EncodeBallot(scores, ""); err != nil {
				return err
			}
		}
	}
	cl := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * c.c, MaxIdleConnsPerHost: 2 * c.c, DisableCompression: true}, Timeout: time.Minute}
	if _, err := fire(cl, base, bodies[:warm], c.c); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	runtime.GC()
	stopProf, err := benchkit.StartCPUProfile(c.cpuprofile)
	if err != nil {
		return err
	}
	t0 := time.Now()
	res, err := fire(cl, base, bodies[warm:], c.c)
	httpDur := time.Since(t0)
	stopProf()
	if err != nil {
		return err
	}
	httpRate := float64(res.ok) / httpDur.Seconds()

	// Counts: close the campaign (flushes the inbox) and check the bulletin.
	if _, err := ev.Close(ctx, sys, camp.ID); err != nil {
		return err
	}
	b, err := ev.Bulletin(ctx, camp.ID)
	if err != nil {
		return err
	}
	stop()
	closeServer()
	var used, counted int
	okGroups := true
	for _, g := range b.Groups {
		if g.FewerThanK && g.Used == nil && g.Counted == nil {
			continue // a group the run cast (almost) nothing for: the bulletin hides it
		}
		if g.Used == nil || g.Counted == nil || *g.Used != *g.Counted {
			okGroups = false
			continue
		}
		used += *g.Used
		counted += *g.Counted
	}
	trackersOK := len(b.Trackers) == warm+res.ok
	seen := map[string]bool{}
	for _, t := range b.Trackers {
		seen[t] = true
	}
	for _, t := range res.trackers {
		if !seen[t] {
			trackersOK = false
		}
	}

	// Baselines on the same database, same durability.
	if err := createBaseline(ctx, d); err != nil {
		return fmt.Errorf("baseline table: %w", err)
	}
	payload := stored // a ballot as the inbox stores it
	t1 := time.Now()
	for i := range c.singleRows {
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO ballot_inbox_baseline (id, campaign_id, group_key, payload, tracker) VALUES (?, ?, ?, ?, ?)",
				fmt.Sprintf("s%031d", i), camp.ID, "masses", payload, evaluation.NewTracker())
			return err
		}); err != nil {
			return fmt.Errorf("single-row baseline: %w", err)
		}
	}
	singleDur := time.Since(t1)
	rows := make([][]any, c.batchRows)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("b%031d", i), camp.ID, "masses", payload, evaluation.NewTracker()}
	}
	t2 := time.Now()
	for start := 0; start < len(rows); start += 500 {
		chunk := rows[start:min(start+500, len(rows))]
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			return tx.BatchInsert(ctx, "ballot_inbox_baseline", []string{"id", "campaign_id", "group_key", "payload", "tracker"}, chunk, 500)
		}); err != nil {
			return fmt.Errorf("batched baseline: %w", err)
		}
	}
	batchDur := time.Since(t2)
	if _, err := d.Exec(ctx, "DROP TABLE ballot_inbox_baseline"); err != nil {
		return err
	}
	singleRate := float64(c.singleRows) / singleDur.Seconds()
	batchRate := float64(c.batchRows) / batchDur.Seconds()

	var t benchkit.Table
	t.Head = []string{"measurement", "rows / ballots", "time", "per second", "p50", "p99", "max", "vs one-row-per-tx"}
	t.Add(fmt.Sprintf("POST /api/v1/public/ballots, c=%d, group commit", c.c), fmt.Sprint(res.ok), benchkit.Sec(httpDur), fmt.Sprintf("%.0f", httpRate),
		benchkit.Ms(benchkit.Percentile(res.lat, 0.50)), benchkit.Ms(benchkit.Percentile(res.lat, 0.99)), benchkit.Ms(benchkit.Max(res.lat)),
		fmt.Sprintf("%.1f×", httpRate/singleRate))
	t.Add("baseline: raw INSERT into ballot_inbox copy, 1 row per durable tx", fmt.Sprint(c.singleRows), benchkit.Sec(singleDur), fmt.Sprintf("%.0f", singleRate),
		"—", "—", "—", "1.0×")
	t.Add("baseline: raw INSERT into ballot_inbox copy, 500 rows per durable tx", fmt.Sprint(c.batchRows), benchkit.Sec(batchDur), fmt.Sprintf("%.0f", batchRate),
		"—", "—", "—", fmt.Sprintf("%.1f×", batchRate/singleRate))
	t.Print(out)

	var k benchkit.Table
	k.Head = []string{"check", "expected", "got", "result"}
	k.Add("HTTP 201 answers (every code valid and used once)", fmt.Sprint(c.n), fmt.Sprint(res.ok), benchkit.PassFail(res.ok == c.n))
	k.Add("other answers", "0", fmt.Sprint(res.other), benchkit.PassFail(res.other == 0))
	k.Add("after close: tokens used = ballots counted, per group", "all groups", map[bool]string{true: "all groups", false: "mismatch"}[okGroups], benchkit.PassFail(okGroups))
	k.Add("ballots counted", fmt.Sprint(warm+c.n), fmt.Sprint(counted), benchkit.PassFail(counted == warm+c.n && used == counted))
	k.Add("every acknowledged tracker on the bulletin, no other", fmt.Sprint(warm+res.ok), fmt.Sprint(len(b.Trackers)), benchkit.PassFail(trackersOK))
	k.Print(out)

	var x benchkit.Table
	x.Head = []string{"context", "value"}
	x.Add("tokens issued before the run (IssueTokens, 5,000 per call)", fmt.Sprintf("%d in %s", len(codes), benchkit.Sec(issueDur)))
	x.Add("warm-up ballots (not timed)", fmt.Sprint(warm))
	x.Add("mixer (RunMixer, batches of at least 20) runs every", c.mixEvery.String())
	x.Add("request body size; stored ballot size", fmt.Sprintf("%d bytes; %d bytes", len(bodies[0]), len(stored)))
	if d.Dialect == db.SQLite {
		x.Add("target: ≥ 5,000 ballots/s on SQLite, p99 < 100 ms", fmt.Sprintf("%s (%.0f/s, p99 %s)", benchkit.Met(httpRate >= 5000 && benchkit.Percentile(res.lat, 0.99) < 100*time.Millisecond), httpRate, benchkit.Ms(benchkit.Percentile(res.lat, 0.99))))
	} else {
		x.Add("target: ≥ 5,000 ballots/s on PostgreSQL, p99 < 100 ms", fmt.Sprintf("%s (%.0f/s, p99 %s)", benchkit.Met(httpRate >= 5000 && benchkit.Percentile(res.lat, 0.99) < 100*time.Millisecond), httpRate, benchkit.Ms(benchkit.Percentile(res.lat, 0.99))))
	}
	x.Print(out)
	if c.cpuprofile != "" {
		fmt.Fprintf(out, "CPU profile of the HTTP run: %s (go tool pprof -top %s)\n\n", c.cpuprofile, c.cpuprofile)
	}
	if c.skipResults {
		return nil
	}
	return resultsRun(ctx, out, c, d, ev, owner)
}

// resultsRun creates a campaign of c.resultsSubjects subjects, inserts
// c.resultsBallots ballots straight into the inbox (a shortcut of this
// program only: casting them one by one would measure the casting again),
// mixes them in batches of 10,000 with Service.Mix, and times
// Service.Results against reading the ballots, the input of results
// computed without tallies.
func resultsRun(ctx context.Context, out io.Writer, c config, d *db.DB, ev *evaluation.Service, owner int64) error {
	camp, subs, err := benchkit.NewCampaign(ctx, ev, owner, "性能测试：大规模测评结果", c.resultsSubjects)
	if err != nil {
		return err
	}
	if _, err := ev.Open(ctx, sys, camp.ID); err != nil {
		return err
	}
	groups := []string{"superior", "members", "masses"}
	rng := rand.New(rand.NewPCG(9, 10))
	blocks := len(subs) / c.perBallot
	t0 := time.Now()
	var rows [][]any
	var mixDur time.Duration
	// flush puts rows into the inbox, as casting would, and mixes them with
	// the mixer's own code, which also adds them to the tallies.
	flush := func() error {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			return tx.BatchInsert(ctx, "ballot_inbox", []string{"id", "campaign_id", "province", "group_key", "payload", "tracker"}, rows, 500)
		})
		rows = rows[:0]
		if err != nil {
			return err
		}
		t := time.Now()
		_, err = ev.Mix(ctx, camp.ID, 0, true)
		mixDur += time.Since(t)
		return err
	}
	for i := range c.resultsBallots {
		// Ballot i rates the block i mod blocks: like the villages of one
		// township rated by that township's raters.
		blk := i % blocks
		scores := map[string]map[string]float64{}
		for _, s := range subs[blk*c.perBallot : (blk+1)*c.perBallot] {
			scores[s.Key] = benchkit.Answers(rng)
		}
		body, err := evaluation.EncodeBallot(scores, "")
		if err != nil {
			return err
		}
		rows = append(rows, []any{fmt.Sprintf("%032x", rng.Uint64()) + fmt.Sprint(i), camp.ID, "45", groups[i%3], body, evaluation.NewTracker()})
		if len(rows) == 10000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(rows) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	loadDur := time.Since(t0)
	if d.Dialect == db.Postgres {
		d.Analyze(ctx, "ballots", "ballot_tally")
	}
	var durs []time.Duration
	var res evaluation.Results
	for range 3 {
		runtime.GC()
		t := time.Now()
		res, err = ev.Results(ctx, sys, camp.ID)
		if err != nil {
			return err
		}
		durs = append(durs, time.Since(t))
	}
	// Baseline: read the same rows, without decoding or scoring them.
	var base []time.Duration
	for range 3 {
		t := time.Now()
		r, err := d.Query(ctx, "SELECT group_key, payload FROM ballots WHERE campaign_id = ? ORDER BY id", camp.ID)
		if err != nil {
			return err
		}
		n := 0
		for r.Next() {
			var g, p string
			if err := r.Scan(&g, &p); err != nil {
				r.Close()
				return err
			}
			n++
		}
		r.Close()
		base = append(base, time.Since(t))
	}
	med := func(ds []time.Duration) time.Duration {
		return benchkit.Percentile(append([]time.Duration(nil), ds...), 0.5)
	}
	var t benchkit.Table
	t.Head = []string{"measurement", "subjects", "ballots", "runs", "median", "max", "vs baseline"}
	t.Add("Service.Results (live, not published)", fmt.Sprint(len(subs)), fmt.Sprint(c.resultsBallots), "3", benchkit.Sec(med(durs)), benchkit.Sec(benchkit.Max(durs)),
		fmt.Sprintf("%.1f×", med(durs).Seconds()/med(base).Seconds()))
	t.Add("baseline: read the ballots (SELECT group_key, payload … ORDER BY id), scanned, not decoded", "—", fmt.Sprint(c.resultsBallots), "3", benchkit.Sec(med(base)), benchkit.Sec(benchkit.Max(base)), "1.0×")
	t.Print(out)
	var x benchkit.Table
	x.Head = []string{"context", "value"}
	x.Add("ballots inserted straight into the inbox and mixed in batches of 10,000 (setup)", fmt.Sprintf("%d in %s, of which Service.Mix %s (%.0f ballots/s)",
		c.resultsBallots, benchkit.Sec(loadDur), benchkit.Sec(mixDur), float64(c.resultsBallots)/mixDur.Seconds()))
	x.Add("subjects rated by each ballot", fmt.Sprint(c.perBallot))
	x.Add("subjects in the results", fmt.Sprint(len(res.Subjects)))
	x.Add("target: results of 2,000 subjects and 200,000 ballots under 2 s", fmt.Sprintf("%s (median %s)", benchkit.Met(med(durs) < 2*time.Second), benchkit.Sec(med(durs))))
	x.Print(out)
	return nil
}

type fired struct {
	ok, other int
	lat       []time.Duration
	trackers  []string
}

// fire posts bodies from c clients, each taking the next body in turn.
func fire(cl *http.Client, base string, bodies [][]byte, c int) (fired, error) {
	var next atomic.Int64
	var mu sync.Mutex
	var out fired
	var firstErr error
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var trs []string
			ok, other := 0, 0
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					break
				}
				t := time.Now()
				resp, err := cl.Post(base+"/api/v1/public/ballots", "application/json", bytes.NewReader(bodies[i]))
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				var body struct {
					Tracker string `json:"tracker"`
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t))
				if resp.StatusCode == http.StatusCreated && json.Unmarshal(b, &body) == nil && body.Tracker != "" {
					ok++
					trs = append(trs, body.Tracker)
				} else {
					other++
					if other == 1 {
						fmt.Fprintf(os.Stderr, "ballotbench: answer %d: %s\n", resp.StatusCode, b)
					}
				}
			}
			mu.Lock()
			out.ok += ok
			out.other += other
			out.lat = append(out.lat, lat...)
			out.trackers = append(out.trackers, trs...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out, firstErr
}

func orgID(ctx context.Context, orgs *org.Service, code string) (int64, error) {
	l, _, err := orgs.List(ctx, sys, org.ListQuery{RegionCode: code})
	if err != nil {
		return 0, err
	}
	if len(l) != 1 {
		return 0, fmt.Errorf("organization %s: %d found", code, len(l))
	}
	return l[0].ID, nil
}

// createBaseline creates a copy of ballot_inbox (same columns, key and
// index; no foreign key) for the raw insert baselines.
func createBaseline(ctx context.Context, d *db.DB) error {
	ddl := []string{"DROP TABLE IF EXISTS ballot_inbox_baseline"}
	if d.Dialect == db.SQLite {
		ddl = append(ddl, `CREATE TABLE ballot_inbox_baseline (id TEXT PRIMARY KEY, campaign_id INTEGER NOT NULL, group_key TEXT NOT NULL,
			payload TEXT NOT NULL, tracker TEXT NOT NULL) WITHOUT ROWID`)
	} else {
		ddl = append(ddl, `CREATE TABLE ballot_inbox_baseline (id TEXT PRIMARY KEY, campaign_id BIGINT NOT NULL, group_key TEXT NOT NULL,
			payload TEXT NOT NULL, tracker TEXT NOT NULL)`)
	}
	ddl = append(ddl, "CREATE INDEX ballot_inbox_baseline_campaign ON ballot_inbox_baseline(campaign_id, group_key)")
	for _, s := range ddl {
		if _, err := d.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
