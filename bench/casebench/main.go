// Command casebench measures the residents' channel: reports filed through
// the whole HTTP stack (POST /api/v1/public/cases on server.NewServer, with
// the group committer running as `jiceng serve` runs it) against raw
// durable inserts of the same rows on the same database, one per
// transaction and 500 per transaction; and a county's staff case list
// with 100,000 cases, filtered by state and overdue.
//
//	go run ./bench/casebench -db sqlite:/tmp/jiceng-cases.db
//	go run ./bench/casebench -db postgres://postgres@127.0.0.1:5432/jiceng_cases
//
// The database is emptied first: the SQLite file is deleted, the PostgreSQL
// database (or the schema named by search_path) is dropped and recreated.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/db"
)

type config struct {
	url        string
	c, n       int
	singleRows int
	batchRows  int
	county     int
	elsewhere  int
	calls      int
	cpuprofile string
}

func main() {
	var c config
	flag.StringVar(&c.url, "db", "", "database URL: sqlite:PATH or postgres://… (emptied first)")
	flag.IntVar(&c.c, "c", 64, "concurrent HTTP clients")
	flag.IntVar(&c.n, "n", 20000, "reports filed through HTTP")
	flag.IntVar(&c.singleRows, "single-rows", 2000, "rows of the one-row-per-transaction baseline")
	flag.IntVar(&c.batchRows, "batch-rows", 20000, "rows of the 500-rows-per-transaction baseline")
	flag.IntVar(&c.county, "county", 100000, "cases of the county whose list is measured")
	flag.IntVar(&c.elsewhere, "elsewhere", 50000, "cases of the other counties")
	flag.IntVar(&c.calls, "calls", 100, "calls per list measurement")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the intake through HTTP to this file")
	flag.Parse()
	if c.url == "" {
		fmt.Fprintln(os.Stderr, "casebench: -db is required, e.g. -db sqlite:/tmp/jiceng-cases.db")
		os.Exit(2)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "casebench:", err)
		os.Exit(1)
	}
}

var sys = access.SystemActor("bench")

func run(ctx context.Context, c config) error {
	out := os.Stdout
	benchkit.Header(out, "casebench: reports through HTTP with group commit, raw inserts, a county's case list", "./bench/casebench")
	d, err := benchkit.Fresh(ctx, out, c.url)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := benchkit.App(ctx, d)
	if err != nil {
		return err
	}
	orgs := a.Core().Orgs
	if _, err := orgs.InitRegion(ctx, sys, "4501"); err != nil {
		return err
	}
	cs := app.Service[*cases.Service](a)
	villages, err := benchkit.Territorial(ctx, d, 12)
	if err != nil {
		return err
	}
	var county []string
	for _, v := range villages {
		if v[:6] == "450102" {
			county = append(county, v)
		}
	}
	fmt.Fprintf(out, "- HTTP run: %d reports from %d keep-alive clients on 127.0.0.1 (each request from its own resident's address, X-Forwarded-For behind a trusted proxy), no attachments, 4 in 10 with a phone; client and server share the %d CPUs\n",
		c.n, c.c, runtime.NumCPU())
	fmt.Fprintf(out, "- list: %d cases in 兴宁区 (%d villages and communities), %d elsewhere in Nanning; %d calls per measurement\n\n", c.county, len(county), c.elsewhere, c.calls)

	if err := intakeRun(ctx, out, c, d, a, cs, county); err != nil {
		return err
	}
	return listRun(ctx, out, c, d, a, cs, villages, county)
}

var bodies = []string{
	"小区路灯坏了好几盏，晚上出行不安全，请尽快维修。",
	"村道有一段路面塌陷，雨后积水严重，请安排修补。",
	"垃圾清运不及时，天气炎热气味很大，请加密清运频次。",
	"邻居装修噪音扰民，多次沟通无果，请社区调解。",
}

func intakeRun(ctx context.Context, out io.Writer, c config, d *db.DB, a *app.App, cs *cases.Service, county []string) error {
	warm := 2 * c.c
	rng := mrand.New(mrand.NewPCG(13, 14))
	reqs := make([][]byte, warm+c.n)
	for i := range reqs {
		r := cases.Report{Kind: []string{cases.KindService, cases.KindService, cases.KindMediation}[rng.IntN(3)], RegionCode: county[rng.IntN(len(county))],
			Body: bodies[rng.IntN(len(bodies))], Place: fmt.Sprintf("%d栋%d单元", 1+rng.IntN(30), 1+rng.IntN(6))}
		if rng.IntN(10) < 4 {
			r.Phone = fmt.Sprintf("139%08d", rng.IntN(100000000))
		}
		reqs[i], _ = json.Marshal(r)
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	cs.StartCommitter(sctx)
	base, closeServer, err := benchkit.Serve(a, benchkit.LoopbackProxy)
	if err != nil {
		return err
	}
	defer closeServer()
	cl := &http.Client{Transport: &http.Transport{MaxIdleConns: 2 * c.c, MaxIdleConnsPerHost: 2 * c.c, DisableCompression: true}, Timeout: time.Minute}
	if _, err := fire(cl, base, reqs[:warm], c.c); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	runtime.GC()
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				fmt.Fprintln(os.Stderr, "casebench: cpu profile:", err)
			}
		}()
	}
	t0 := time.Now()
	res, err := fire(cl, base, reqs[warm:], c.c)
	httpDur := time.Since(t0)
	pprof.StopCPUProfile() // the profile is of the intake alone
	if err != nil {
		return err
	}
	stop()
	closeServer()
	httpRate := float64(res.ok) / httpDur.Seconds()

	// Every receipt handed out finds its case.
	found := 0
	sample := res.receipts
	if len(sample) > 500 {
		sample = sample[:500]
	}
	for _, r := range sample {
		if _, err := cs.Follow(ctx, r); err == nil {
			found++
		}
	}
	var stored int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM cases").Scan(&stored); err != nil {
		return err
	}

	// Baselines: the same rows, raw, into a copy of the cases table.
	if err := benchkit.CopyTable(ctx, d, 18, "cases"); err != nil {
		return err
	}
	var orgID int64
	if err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = ?", county[0]).Scan(&orgID); err != nil {
		return err
	}
	cols := []string{"kind", "state", "region_code", "place", "org_id", "title", "body", "receipt", "received_at", "accept_due", "deadline", "updated_at"}
	row := func() []any {
		now := db.FormatTime(time.Now())
		return []any{cases.KindService, cases.Submitted, county[0], "3栋2单元", orgID, bodies[0][:30], bodies[0], randBytes(32), now, now, now, now}
	}
	t1 := time.Now()
	for range c.singleRows {
		r := row()
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO cases_baseline (kind, state, region_code, place, org_id, title, body, receipt, received_at, accept_due, deadline, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r...)
			return err
		}); err != nil {
			return fmt.Errorf("single-row baseline: %w", err)
		}
	}
	singleDur := time.Since(t1)
	rows := make([][]any, c.batchRows)
	for i := range rows {
		rows[i] = row()
	}
	t2 := time.Now()
	for start := 0; start < len(rows); start += 500 {
		chunk := rows[start:min(start+500, len(rows))]
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			return tx.BatchInsert(ctx, "cases_baseline", cols, chunk, 500)
		}); err != nil {
			return fmt.Errorf("batched baseline: %w", err)
		}
	}
	batchDur := time.Since(t2)
	if _, err := d.Exec(ctx, "DROP TABLE cases_baseline"); err != nil {
		return err
	}
	singleRate := float64(c.singleRows) / singleDur.Seconds()
	batchRate := float64(c.batchRows) / batchDur.Seconds()

	var t benchkit.Table
	t.Head = []string{"measurement", "rows / reports", "time", "per second", "p50", "p99", "max", "vs one-row-per-tx"}
	t.Add(fmt.Sprintf("POST /api/v1/public/cases, c=%d, group commit (case, event, notices, receipt hash)", c.c), fmt.Sprint(res.ok), benchkit.Sec(httpDur), fmt.Sprintf("%.0f", httpRate),
		benchkit.Ms(benchkit.Percentile(res.lat, 0.50)), benchkit.Ms(benchkit.Percentile(res.lat, 0.99)), benchkit.Ms(benchkit.Max(res.lat)), fmt.Sprintf("%.1f×", httpRate/singleRate))
	t.Add("baseline: raw INSERT into a cases copy, 1 row per durable tx", fmt.Sprint(c.singleRows), benchkit.Sec(singleDur), fmt.Sprintf("%.0f", singleRate), "—", "—", "—", "1.0×")
	t.Add("baseline: raw INSERT into a cases copy, 500 rows per durable tx", fmt.Sprint(c.batchRows), benchkit.Sec(batchDur), fmt.Sprintf("%.0f", batchRate), "—", "—", "—", fmt.Sprintf("%.1f×", batchRate/singleRate))
	t.Print(out)
	var k benchkit.Table
	k.Head = []string{"check", "expected", "got", "result"}
	k.Add("HTTP 201 answers with a receipt", fmt.Sprint(c.n), fmt.Sprint(res.ok), benchkit.PassFail(res.ok == c.n))
	k.Add("other answers", "0", fmt.Sprint(res.other), benchkit.PassFail(res.other == 0))
	k.Add("cases stored (warm-up included)", fmt.Sprint(warm+res.ok), fmt.Sprint(stored), benchkit.PassFail(stored == warm+res.ok))
	k.Add("receipts that find their case (a sample)", fmt.Sprint(len(sample)), fmt.Sprint(found), benchkit.PassFail(found == len(sample)))
	k.Add("target: ≥ 2,000 reports/s", "2000", fmt.Sprintf("%.0f", httpRate), benchkit.Met(httpRate >= 2000))
	k.Print(out)
	return nil
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return b
}

type fired struct {
	ok, other int
	lat       []time.Duration
	receipts  []string
}

// fire posts the reports from c clients, each request from an address of
// its own.
func fire(cl *http.Client, base string, reqs [][]byte, c int) (fired, error) {
	var next atomic.Int64
	var mu sync.Mutex
	var out fired
	var firstErr error
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			var f fired
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					break
				}
				r, _ := http.NewRequest("POST", base+"/api/v1/public/cases", bytes.NewReader(reqs[i]))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
				t := time.Now()
				resp, err := cl.Do(r)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				var body struct {
					Receipt string `json:"receipt"`
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				f.lat = append(f.lat, time.Since(t))
				if resp.StatusCode == http.StatusCreated && json.Unmarshal(b, &body) == nil && body.Receipt != "" {
					f.ok++
					f.receipts = append(f.receipts, body.Receipt)
				} else {
					f.other++
					if f.other == 1 {
						fmt.Fprintf(os.Stderr, "casebench: answer %d: %s\n", resp.StatusCode, b)
					}
				}
			}
			mu.Lock()
			out.ok += f.ok
			out.other += f.other
			out.lat = append(out.lat, f.lat...)
			out.receipts = append(out.receipts, f.receipts...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return out, firstErr
}

// listRun fills the county with a year of cases — 85 in 100 closed, the
// others at every state, a fifth of those with a running deadline past it
// — and the rest of Nanning with more, and times the county's case
// handler's list.
func listRun(ctx context.Context, out io.Writer, c config, d *db.DB, a *app.App, cs *cases.Service, villages, county []string) error {
	orgOf := map[string]int64{}
	rows, err := d.Query(ctx, "SELECT region_code, id FROM orgs WHERE territorial = ? AND LENGTH(region_code) = 12", true)
	if err != nil {
		return err
	}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			rows.Close()
			return err
		}
		orgOf[code] = id
	}
	rows.Close()
	rng := mrand.New(mrand.NewPCG(15, 16))
	now := time.Now()
	// A year of cases: most are closed; the open ones wait at every state.
	states := make([]string, 0, 100)
	for range 85 {
		states = append(states, cases.Closed)
	}
	states = append(states, cases.Submitted, cases.Submitted, cases.Submitted, cases.Accepted, cases.Accepted, cases.Dispatched, cases.Dispatched,
		cases.InProgress, cases.InProgress, cases.InProgress, cases.InProgress, cases.InProgress, cases.Answered, cases.Answered, cases.Visited)
	cols := []string{"kind", "state", "outcome", "region_code", "province", "org_id", "title", "body", "receipt", "received_at", "accept_due", "deadline", "closed_at", "updated_at"}
	fill := func(n int, places []string) (time.Duration, error) {
		t0 := time.Now()
		batch := make([][]any, 0, 500)
		for i := range n {
			code := places[rng.IntN(len(places))]
			received := now.Add(-time.Duration(rng.IntN(365*24)) * time.Hour)
			state := states[rng.IntN(len(states))]
			var deadline, closed any
			outcome := ""
			switch state {
			case cases.Closed:
				closed, outcome = db.FormatTime(received.Add(240*time.Hour)), cases.Resolved
			case cases.Answered, cases.Visited:
			default:
				due := now.Add(time.Duration(1+rng.IntN(300)) * time.Hour)
				if rng.IntN(5) == 0 {
					due = now.Add(-time.Duration(1+rng.IntN(300)) * time.Hour)
				}
				deadline = db.FormatTime(due)
			}
			ts := db.FormatTime(received)
			batch = append(batch, []any{[]string{cases.KindService, cases.KindMediation, cases.KindOpinion}[rng.IntN(3)], state, outcome, code, code[:2], orgOf[code],
				bodies[i%len(bodies)][:30], bodies[i%len(bodies)], randBytes(32), ts, ts, deadline, closed, ts})
			if len(batch) == cap(batch) || i == n-1 {
				if err := d.InTx(ctx, func(tx *db.Tx) error { return tx.BatchInsert(ctx, "cases", cols, batch, 500) }); err != nil {
					return 0, err
				}
				batch = batch[:0]
			}
		}
		return time.Since(t0), nil
	}
	countyDur, err := fill(c.county, county)
	if err != nil {
		return err
	}
	if _, err := fill(c.elsewhere, villages); err != nil {
		return err
	}
	d.Analyze(ctx, "cases")
	if d.Dialect == db.Postgres {
		// A table that has lived a while has been vacuumed by autovacuum,
		// so that counts read the index without visiting every row; a
		// table filled a moment ago has not.
		if _, err := d.Exec(ctx, "VACUUM (ANALYZE) cases"); err != nil {
			return err
		}
	}

	// The county's case handler, as a user of the pages would be.
	var countyID int64
	if err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = '450102' AND territorial = ?", true).Scan(&countyID); err != nil {
		return err
	}
	accounts := a.Core().Accounts
	if _, err := accounts.Create(ctx, sys, account.NewUser{Username: "county.handler", Password: "bench password 2026", HomeOrgID: countyID, Role: access.CaseHandler}); err != nil {
		return err
	}
	_, actor, err := accounts.Login(ctx, "county.handler", "bench password 2026", "bench")
	if err != nil {
		return err
	}
	var t benchkit.Table
	t.Head = []string{"measurement", "rows matched", "calls", "p50", "p99", "max", "target"}
	measure := func(label string, q cases.ListQuery) error {
		var total int
		tm := benchkit.TimeN(c.calls, func() error {
			_, n, err := cs.List(ctx, actor, q)
			total = n
			return err
		})
		if tm.Err != nil {
			return tm.Err
		}
		t.Add(label, fmt.Sprint(total), fmt.Sprint(tm.Calls), benchkit.Ms(tm.P50), benchkit.Ms(tm.P99), benchkit.Ms(tm.Max),
			benchkit.Met(tm.P99 < 50*time.Millisecond)+" (< 50 ms)")
		return nil
	}
	for _, m := range []struct {
		label string
		q     cases.ListQuery
	}{
		{"List: the county, in progress and overdue, soonest deadline first", cases.ListQuery{State: cases.InProgress, Overdue: true, Sort: "deadline"}},
		{"List: the county, waiting for acceptance, newest first", cases.ListQuery{State: cases.Submitted}},
		{"List: the county, every overdue case, soonest deadline first", cases.ListQuery{Overdue: true, Sort: "deadline"}},
		{"List: the county, everything, newest first (first page)", cases.ListQuery{}},
		{"List: the county, everything, page 20", cases.ListQuery{Offset: 950}},
	} {
		if err := measure(m.label, m.q); err != nil {
			return err
		}
	}
	ct := benchkit.TimeN(c.calls, func() error { _, err := cs.Counts(ctx, actor, cases.ListQuery{}); return err })
	if ct.Err != nil {
		return ct.Err
	}
	t.Add("Counts: the county's cases by state, overdue and escalated (the list's tabs)", fmt.Sprint(c.county), fmt.Sprint(ct.Calls),
		benchkit.Ms(ct.P50), benchkit.Ms(ct.P99), benchkit.Ms(ct.Max), "—")
	bl := benchkit.TimeN(c.calls, func() error {
		rows, err := d.Query(ctx, "SELECT id, state, deadline FROM cases WHERE org_id = ? LIMIT 50", orgOf[county[0]])
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		rows.Close()
		return rows.Err()
	})
	if bl.Err != nil {
		return bl.Err
	}
	t.Add("baseline: 50 cases of one village, unsorted, no count", "—", fmt.Sprint(bl.Calls), benchkit.Ms(bl.P50), benchkit.Ms(bl.P99), benchkit.Ms(bl.Max), "—")
	t.Print(out)
	fmt.Fprintf(out, "Filling the county's %d cases with BatchInsert took %s.\n\n", c.county, benchkit.Sec(countyDur))
	return nil
}
