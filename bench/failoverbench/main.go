// Command failoverbench kills the PostgreSQL primary under a mixed load —
// ballots and residents' reports through the whole HTTP stack with their
// group committers, staff importing members and reading the statistics —
// and checks afterwards that every ballot acknowledged with a tracker is
// counted exactly once, every receipt handed out finds its case, and every
// acknowledged import is applied, all its members registered once. It reports the pause the writes
// saw, beside their latency before the kill in the same run, and every
// error the clients got.
//
//	scripts/ha-up.sh                                  # etcd + 3 × PostgreSQL under Patroni
//	go run ./bench/failoverbench -db "$(cat /tmp/jiceng-ha/url)"
//	scripts/ha-down.sh
//
// The primary is the server the write pool is connected to; its postmaster
// is found by the data directory's postmaster.pid and sent SIGKILL, so the
// program must run on the database's machine as root or as postgres.
package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
	"jiceng/internal/ids"
	"jiceng/internal/people"
)

type config struct {
	url                     string
	duration, killAfter     time.Duration
	ballots, cases, readers int
	imports, importRows     int
	codes                   int
	noKill                  bool
}

func main() {
	var c config
	flag.StringVar(&c.url, "db", "", "multi-host PostgreSQL URL of the cluster (scripts/ha-up.sh prints it); emptied first")
	flag.DurationVar(&c.duration, "duration", 40*time.Second, "how long the load runs")
	flag.DurationVar(&c.killAfter, "kill-after", 12*time.Second, "when the primary is killed, from the start of the load")
	flag.IntVar(&c.ballots, "ballot-clients", 16, "clients casting ballots")
	flag.IntVar(&c.cases, "case-clients", 8, "clients filing reports")
	flag.IntVar(&c.readers, "readers", 4, "staff clients reading the statistics")
	flag.IntVar(&c.imports, "import-clients", 2, "staff clients importing members (upload, then apply)")
	flag.IntVar(&c.importRows, "import-rows", 20, "members in each import file")
	flag.IntVar(&c.codes, "codes", 60000, "ballot codes issued (the ballot clients stop when they run out)")
	flag.BoolVar(&c.noKill, "no-kill", false, "run the load without killing the primary (a baseline run)")
	flag.Parse()
	if c.url == "" || !strings.HasPrefix(c.url, "postgres") {
		fmt.Fprintln(os.Stderr, "failoverbench: -db postgres://…,…/jiceng?target_session_attrs=read-write is required (scripts/ha-up.sh prints it)")
		os.Exit(2)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "failoverbench:", err)
		os.Exit(1)
	}
}

var sys = access.SystemActor("bench")

// sample is one request as its client saw it.
type sample struct {
	kind       string // ballot, case, read
	start, end time.Time
	status     int    // HTTP status, 0 when the request failed without one
	result     string // tracker or receipt of an acknowledged write
	fail       string // what the client saw when it was not acknowledged
}

func run(ctx context.Context, c config) error {
	out := os.Stdout
	benchkit.Header(out, "failoverbench: the primary killed under ballots, reports, member imports and staff reads", "./bench/failoverbench")
	// The database is dropped and created again on the primary; the
	// multi-host URL tries the standbys first, and a standby that has not
	// yet replayed the CREATE DATABASE refuses the connection.
	did, err := benchkit.Reset(ctx, c.url)
	if err != nil {
		return err
	}
	var d *db.DB
	for try := 0; ; try++ {
		if d, err = db.Open(ctx, c.url); err == nil || try == 50 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "- database: %s, %s (%s)\n", benchkit.Redact(c.url), benchkit.EngineVersion(ctx, d), did)
	for _, s := range []string{"synchronous_commit", "synchronous_standby_names"} {
		var v string
		if err := d.WriteQueryRow(ctx, "SELECT current_setting('"+s+"')").Scan(&v); err != nil {
			return err
		}
		fmt.Fprintf(out, "- %s = %q\n", s, v)
	}
	a, err := benchkit.App(ctx, d)
	if err != nil {
		return err
	}
	orgs := a.Core().Orgs
	if _, err := orgs.InitRegion(ctx, sys, "450102"); err != nil {
		return err
	}
	var county int64
	if err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = '450102'").Scan(&county); err != nil {
		return err
	}
	villages, err := benchkit.Territorial(ctx, d, 12)
	if err != nil {
		return err
	}
	ev := app.Service[*evaluation.Service](a)
	cs := app.Service[*cases.Service](a)
	camp, subs, err := benchkit.NewCampaign(ctx, ev, county, "故障切换测试：村（社区）党组织书记述职评议", 5)
	if err != nil {
		return err
	}
	codes, err := benchkit.IssueCodes(ctx, ev, camp.ID, []string{"superior", "members", "masses"}, c.codes)
	if err != nil {
		return err
	}
	if _, err := ev.Open(ctx, sys, camp.ID); err != nil {
		return err
	}
	if _, err := a.Core().Accounts.Create(ctx, sys, account.NewUser{Username: "county.staff", Password: "bench password 2026", HomeOrgID: county, Role: access.OrgAdmin}); err != nil {
		return err
	}
	var branch int64
	if err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = ?", villages[0]).Scan(&branch); err != nil {
		return err
	}
	fmt.Fprintf(out, "- load: %d ballot clients (5 subjects × 7 indicators each), %d report clients, %d staff clients importing %d members at a time (POST /api/v1/people/import, then /api/v1/imports/{id}/apply), %d staff clients reading GET /api/v1/orgs/{county}/stats; %s in all, the primary's postmaster killed (SIGKILL) at %s\n\n",
		c.ballots, c.cases, c.imports, c.importRows, c.readers, c.duration, c.killAfter)

	// The server as `jiceng serve` runs it: both committers and the mixer.
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	ev.StartCommitter(sctx)
	cs.StartCommitter(sctx)
	go ev.RunMixer(sctx, 5*time.Second, 20)
	base, closeServer, err := benchkit.Serve(a, benchkit.LoopbackProxy)
	if err != nil {
		return err
	}
	defer closeServer()
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}, Timeout: 90 * time.Second}
	token, err := benchkit.Login(cl, base, "county.staff", "bench password 2026")
	if err != nil {
		return err
	}

	var mu sync.Mutex
	var samples []sample
	record := func(s sample) {
		mu.Lock()
		samples = append(samples, s)
		mu.Unlock()
	}
	t0 := time.Now()
	end := t0.Add(c.duration)
	var wg sync.WaitGroup
	var next int
	var codeMu sync.Mutex
	for i := range c.ballots {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for time.Now().Before(end) {
				codeMu.Lock()
				if next == len(codes) {
					codeMu.Unlock()
					return
				}
				code := codes[next]
				next++
				codeMu.Unlock()
				scores := map[string]map[string]float64{}
				for _, s := range subs {
					scores[s.Key] = benchkit.Answers(rng)
				}
				body, _ := json.Marshal(map[string]any{"token": code, "scores": scores})
				record(post(cl, base+"/api/v1/public/ballots", body, "", "ballot", "tracker"))
			}
		})
	}
	for i := range c.cases {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 11))
			for n := 0; time.Now().Before(end); n++ {
				body, _ := json.Marshal(cases.Report{Kind: cases.KindService, RegionCode: villages[rng.IntN(len(villages))],
					Body: "小区路灯坏了好几盏，晚上出行不安全，请尽快维修。", Place: fmt.Sprintf("%d栋", 1+rng.IntN(30))})
				// Each report from a resident's address of its own, as behind a proxy.
				xff := fmt.Sprintf("10.%d.%d.%d", i, n/250%250, n%250+1)
				record(post(cl, base+"/api/v1/public/cases", body, xff, "case", "receipt"))
			}
		})
	}
	var members int
	var memberMu sync.Mutex
	for range c.imports {
		wg.Go(func() {
			for time.Now().Before(end) {
				memberMu.Lock()
				first := members
				members += c.importRows
				memberMu.Unlock()
				record(importMembers(cl, base, token, memberFile(first, c.importRows, branch)))
			}
		})
	}
	for range c.readers {
		wg.Go(func() {
			for time.Now().Before(end) {
				record(get(cl, base+"/api/v1/orgs/"+strconv.FormatInt(county, 10)+"/stats", token))
			}
		})
	}

	// The kill, and how long until a primary takes writes again.
	var killAt, promotedAt time.Time
	var killed string
	if !c.noKill {
		time.Sleep(time.Until(t0.Add(c.killAfter)))
		var err error
		killed, err = killPrimary(ctx, d)
		if err != nil {
			stop()
			wg.Wait()
			return err
		}
		killAt = time.Now()
		// A new pool each time: a connection opens only to a server that
		// takes writes (target_session_attrs=read-write).
		for {
			probe, err := db.Open(ctx, c.url)
			if err == nil {
				err = probe.AwaitPrimary(ctx, time.Second)
				probe.Close()
			}
			if err == nil {
				promotedAt = time.Now()
				break
			}
			if time.Since(killAt) > 2*time.Minute {
				stop()
				wg.Wait()
				return fmt.Errorf("no primary 2 minutes after the kill: %w", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	wg.Wait()

	// The checks, on the primary as it is now.
	if err := d.AwaitPrimary(ctx, 2*time.Minute); err != nil {
		return err
	}
	if _, err := ev.Close(ctx, sys, camp.ID); err != nil {
		return fmt.Errorf("close the campaign: %w", err)
	}
	stop()
	closeServer()
	counted := map[string]int{}
	rows, err := d.WriteQuery(ctx, "SELECT tracker FROM ballots WHERE campaign_id = ?", camp.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		counted[t]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var used, inbox, storedCases int
	if err := d.WriteQueryRow(ctx, "SELECT COUNT(*) FROM ballot_tokens WHERE campaign_id = ? AND status = 'used'", camp.ID).Scan(&used); err != nil {
		return err
	}
	if err := d.WriteQueryRow(ctx, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", camp.ID).Scan(&inbox); err != nil {
		return err
	}
	if err := d.WriteQueryRow(ctx, "SELECT COUNT(*) FROM cases").Scan(&storedCases); err != nil {
		return err
	}
	var persons int
	if err := d.WriteQueryRow(ctx, "SELECT COUNT(*) FROM persons").Scan(&persons); err != nil {
		return err
	}
	var ackBallots, ackCases, triedBallots, triedCases, lostBallots, dupBallots, lostCases int
	var ackImports, lostImports, appliedImports int
	for _, s := range samples {
		switch s.kind {
		case "ballot":
			triedBallots++
			if s.result != "" {
				ackBallots++
				switch counted[s.result] {
				case 0:
					lostBallots++
				case 1:
				default:
					dupBallots++
				}
			}
		case "import":
			if s.result != "" {
				ackImports++
				var status string
				if err := d.WriteQueryRow(ctx, "SELECT status FROM import_sessions WHERE id = ?", s.result).Scan(&status); err != nil || status != "applied" {
					lostImports++
				}
			}
		case "case":
			triedCases++
			if s.result != "" {
				ackCases++
				if _, err := cs.Follow(ctx, s.result); err != nil {
					lostCases++
				}
			}
		}
	}
	if err := d.WriteQueryRow(ctx, "SELECT COUNT(*) FROM import_sessions WHERE kind = 'member' AND status = 'applied'").Scan(&appliedImports); err != nil {
		return err
	}
	countedAll := 0
	for _, n := range counted {
		countedAll += n
	}

	// Latency before the kill, and the pause of the writes in flight or
	// started while there was no primary.
	if !c.noKill {
		fmt.Fprintf(out, "- killed %s at %s; a primary took writes again %s later\n\n", killed, benchkit.Sec(killAt.Sub(t0)), benchkit.Ms(promotedAt.Sub(killAt)))
	}
	var t benchkit.Table
	t.Head = []string{"requests", "phase", "sent", "acknowledged", "p50", "p99", "max", "errors seen"}
	for _, kind := range []string{"ballot", "case", "import", "read"} {
		for _, ph := range []string{"before the kill", "across the failover", "after"} {
			var lat []time.Duration
			sent, ok := 0, 0
			fails := map[string]int{}
			for _, s := range samples {
				if s.kind != kind || phase(s, killAt, promotedAt, c.noKill) != ph {
					continue
				}
				sent++
				lat = append(lat, s.end.Sub(s.start))
				if s.fail == "" {
					ok++
				} else {
					fails[s.fail]++
				}
			}
			if sent == 0 {
				continue
			}
			t.Add(map[string]string{"ballot": "POST /api/v1/public/ballots", "case": "POST /api/v1/public/cases", "import": "member import (upload + apply)", "read": "GET /api/v1/orgs/{id}/stats"}[kind], ph,
				fmt.Sprint(sent), fmt.Sprint(ok), benchkit.Ms(benchkit.Percentile(lat, 0.5)), benchkit.Ms(benchkit.Percentile(lat, 0.99)), benchkit.Ms(benchkit.Max(lat)), failText(fails))
		}
	}
	t.Print(out)
	found, rewritten := d.LostCounts()
	fmt.Fprintf(out, "- writes whose connection was lost: %d items found on the new primary (committed before the loss), %d written again\n", found, rewritten)
	fmt.Fprintf(out, "- longest time without an acknowledged ballot: %s; without an acknowledged report: %s\n\n", benchkit.Ms(longestGap(samples, "ballot")), benchkit.Ms(longestGap(samples, "case")))

	var k benchkit.Table
	k.Head = []string{"check", "expected", "got", "result"}
	k.Add("acknowledged ballots missing from the counted ballots", "0", fmt.Sprint(lostBallots), benchkit.PassFail(lostBallots == 0))
	k.Add("acknowledged ballots counted more than once", "0", fmt.Sprint(dupBallots), benchkit.PassFail(dupBallots == 0))
	k.Add("ballots counted = tokens used (the bulletin's figures)", fmt.Sprint(used), fmt.Sprint(countedAll), benchkit.PassFail(countedAll == used && inbox == 0))
	k.Add("ballots counted ≥ acknowledged, ≤ sent", fmt.Sprintf("%d … %d", ackBallots, triedBallots), fmt.Sprint(countedAll), benchkit.PassFail(countedAll >= ackBallots && countedAll <= triedBallots))
	k.Add("receipts handed out that do not find their case", "0", fmt.Sprint(lostCases), benchkit.PassFail(lostCases == 0))
	k.Add("cases stored ≥ receipts handed out, ≤ reports sent", fmt.Sprintf("%d … %d", ackCases, triedCases), fmt.Sprint(storedCases), benchkit.PassFail(storedCases >= ackCases && storedCases <= triedCases))
	k.Add("acknowledged member imports not applied", "0", fmt.Sprint(lostImports), benchkit.PassFail(lostImports == 0))
	k.Add("members registered = rows of the applied imports", fmt.Sprint(appliedImports*c.importRows), fmt.Sprint(persons), benchkit.PassFail(persons == appliedImports*c.importRows))
	k.Add("imports applied ≥ acknowledged", fmt.Sprintf("≥ %d", ackImports), fmt.Sprint(appliedImports), benchkit.PassFail(appliedImports >= ackImports))
	k.Print(out)
	if lostBallots+dupBallots+lostCases+lostImports > 0 || countedAll != used || persons != appliedImports*c.importRows || appliedImports < ackImports {
		return fmt.Errorf("acknowledged writes were lost or doubled")
	}
	return nil
}

// phase places a request against the failover: before the kill, across it
// (in flight at the kill or started before a primary took writes again),
// or after.
func phase(s sample, killAt, promotedAt time.Time, noKill bool) string {
	switch {
	case noKill || s.end.Before(killAt):
		return "before the kill"
	case s.start.Before(promotedAt):
		return "across the failover"
	}
	return "after"
}

func failText(fails map[string]int) string {
	if len(fails) == 0 {
		return "—"
	}
	var keys []string
	for k := range fails {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%d × %s", fails[k], k)
	}
	return b.String()
}

// longestGap is the longest time between two acknowledgements of kind.
func longestGap(samples []sample, kind string) time.Duration {
	var ends []time.Time
	for _, s := range samples {
		if s.kind == kind && s.result != "" {
			ends = append(ends, s.end)
		}
	}
	sort.Slice(ends, func(i, j int) bool { return ends[i].Before(ends[j]) })
	var gap time.Duration
	for i := 1; i < len(ends); i++ {
		gap = max(gap, ends[i].Sub(ends[i-1]))
	}
	return gap
}

// memberFile is an import file of n members of the branch, the first-th
// member of the run onwards: each with an ID number of its own (兴宁区's
// code, a birth date and a sequence number drawn from first).
func memberFile(first, n int, branch int64) []byte {
	header := people.MemberImportHeader()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header) // a bytes.Buffer takes every write
	for i := first; i < first+n; i++ {
		birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
		first17 := "450102" + birth.Format("20060102") + fmt.Sprintf("%03d", i%1000)
		m := map[string]string{"姓名": "测试党员", "公民身份号码": first17 + string(ids.IDCardCheckChar(first17)), "民族": "汉族",
			"学历": "大学本科", "人员类别": "正式党员", "入党日期": birth.AddDate(25, 0, 0).Format(time.DateOnly), "所在党组织编号": strconv.FormatInt(branch, 10)}
		line := make([]string, len(header))
		for j, h := range header {
			line[j] = m[h]
		}
		_ = w.Write(line)
	}
	w.Flush()
	return b.Bytes()
}

// importMembers uploads file and applies the session. It is acknowledged
// (result: the session's id) when the apply answers 200, or 409 saying the
// import was committed during the failover.
func importMembers(cl *http.Client, base, token string, file []byte) sample {
	s := sample{kind: "import", start: time.Now()}
	do := func(url, ctype string, body []byte) (int, []byte, error) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := cl.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	st, b, err := do(base+"/api/v1/people/import", "text/csv", file)
	s.end, s.status = time.Now(), st
	if err != nil {
		s.fail = "no answer"
		return s
	}
	var sess struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if st != http.StatusCreated || json.Unmarshal(b, &sess) != nil || sess.Status != "ready" {
		s.fail = "upload " + answer(st, b)
		return s
	}
	st, b, err = do(base+"/api/v1/imports/"+sess.ID+"/apply", "", nil)
	s.end, s.status = time.Now(), st
	switch {
	case err != nil:
		s.fail = "no answer"
	case st == http.StatusOK || st == http.StatusCreated:
		s.result = sess.ID
	case st == http.StatusConflict && strings.Contains(string(b), "已经提交"):
		s.result = sess.ID
	default:
		s.fail = "apply " + answer(st, b)
	}
	return s
}

// post sends body and reads the field key ("tracker", "receipt") of a 201.
func post(cl *http.Client, url string, body []byte, xff, kind, key string) sample {
	s := sample{kind: kind, start: time.Now()}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := cl.Do(req)
	s.end = time.Now()
	if err != nil {
		s.fail = "no answer"
		return s
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.end = time.Now()
	s.status = resp.StatusCode
	var got map[string]any
	if resp.StatusCode == http.StatusCreated && json.Unmarshal(b, &got) == nil {
		if v, _ := got[key].(string); v != "" {
			s.result = v
			return s
		}
	}
	s.fail = answer(resp.StatusCode, b)
	return s
}

func get(cl *http.Client, url, token string) sample {
	s := sample{kind: "read", start: time.Now()}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := cl.Do(req)
	if err != nil {
		s.end, s.fail = time.Now(), "no answer"
		return s
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.end, s.status = time.Now(), resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		s.fail = answer(resp.StatusCode, b)
		if resp.StatusCode != http.StatusServiceUnavailable {
			// Only 503 is an answer a failover may give a read.
			fmt.Fprintf(os.Stderr, "failoverbench: GET %s answered %d: %s\n", url, resp.StatusCode, b)
		}
	}
	return s
}

// answer names an error answer by its status and code.
func answer(status int, body []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e) // a body that is not the envelope is named by its status alone
	if e.Error.Code != "" {
		return fmt.Sprintf("%d %s", status, e.Error.Code)
	}
	return strconv.Itoa(status)
}

// killPrimary sends SIGKILL to the postmaster of the server the write pool
// reaches, found by the pid file in its data directory.
func killPrimary(ctx context.Context, d *db.DB) (string, error) {
	var dir, port string
	if err := d.WriteQueryRow(ctx, "SELECT current_setting('data_directory'), current_setting('port')").Scan(&dir, &port); err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return "", fmt.Errorf("the primary's pid file (run as root or postgres on the database's machine): %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return "", fmt.Errorf("postmaster.pid: %w", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return "", err
	}
	return fmt.Sprintf("the primary on port %s (postmaster pid %d)", port, pid), nil
}
