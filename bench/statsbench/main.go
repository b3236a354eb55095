// Command statsbench measures subtree statistics, the tree fragment of a
// township and the memory of `jiceng serve` on a database initialised with
// the whole country (go run ./bench/initbench -region all).
//
//	go run ./bench/statsbench -db sqlite:/tmp/jiceng-bench-all.db -n 1000
//	go run ./bench/statsbench -db postgres://postgres@127.0.0.1:5432/jiceng_bench -n 1000
//
// The requests go through the real handler (server.NewServer) on a real TCP
// listener and are timed by the client, one after another.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/server"
	"jiceng/internal/web"
)

type config struct {
	url        string
	n          int
	user       string
	cteBudget  time.Duration
	rssHits    int
	cpuprofile string
	skipRSS    bool
}

func main() {
	var c config
	flag.StringVar(&c.url, "db", "", "database URL of a database initialised with -region all")
	flag.IntVar(&c.n, "n", 1000, "requests per measurement")
	flag.StringVar(&c.user, "user", "benchadmin", "administrator used for the requests (created if missing, its password reset otherwise)")
	flag.DurationVar(&c.cteBudget, "cte-budget", 15*time.Second, "time budget of the recursive-CTE baseline per target (at least 5 runs)")
	flag.IntVar(&c.rssHits, "rss-hits", 30, "requests per URL against the serve process before reading its memory")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the in-process measurements to this file")
	flag.BoolVar(&c.skipRSS, "skip-rss", false, "skip building and measuring the serve binary")
	flag.Parse()
	if c.url == "" {
		fmt.Fprintln(os.Stderr, "statsbench: -db is required")
		os.Exit(2)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "statsbench:", err)
		os.Exit(1)
	}
}

type target struct {
	label string
	code  string // region code; "" for the national root
	id    int64
}

func run(ctx context.Context, c config) error {
	out := os.Stdout
	benchkit.Header(out, "statsbench: subtree statistics, tree fragment, serve memory", "./bench/statsbench")
	d, err := db.Open(ctx, c.url)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	var total int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM orgs").Scan(&total); err != nil {
		return err
	}
	fmt.Fprintf(out, "- database: %s, %s, %d organizations\n", benchkit.Redact(c.url), benchkit.EngineVersion(ctx, d), total)
	fmt.Fprintf(out, "- n = %d sequential requests per row, after 20 warm-up requests; one keep-alive connection\n\n", c.n)

	targets := []target{{label: "national root"}, {label: "province", code: "45"}, {label: "city", code: "4501"}, {label: "village", code: "450102001003"}}
	for i := range targets {
		if targets[i].id, err = orgID(ctx, d, targets[i].code); err != nil {
			return err
		}
	}
	township := target{label: "township", code: "450102001"}
	if township.id, err = orgID(ctx, d, township.code); err != nil {
		return err
	}

	a, err := benchkit.App(ctx, d)
	if err != nil {
		return err
	}
	orgs, accts := a.Core().Orgs, a.Core().Accounts
	pw, err := ensureAdmin(ctx, accts, c.user, targets[0].id)
	if err != nil {
		return err
	}
	h, err := server.NewServer(a, server.Options{})
	if err != nil {
		return err
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	cl := newClient()
	token, err := benchkit.Login(cl, ts.URL, c.user, pw)
	if err != nil {
		return err
	}

	stop, err := benchkit.StartCPUProfile(c.cpuprofile)
	if err != nil {
		return err
	}
	// The floor: an HTTP round trip through the same middleware, no login,
	// no database.
	floor, err := measure(cl, c.n, ts.URL+"/healthz", nil, nil)
	if err != nil {
		return err
	}
	var st benchkit.Table
	st.Head = []string{"target", "org id", "subtree total", "GET …/stats p50", "p99", "max", "RecountCTE runs", "CTE p50", "CTE p99", "total = CTE", "p99 < 20 ms"}
	st.Add("GET /healthz (HTTP floor)", "—", "—", benchkit.Ms(benchkit.Percentile(floor, .5)), benchkit.Ms(benchkit.Percentile(floor, .99)), benchkit.Ms(benchkit.Max(floor)), "—", "—", "—", "—", "—")
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	for _, t := range targets {
		var body []byte
		lat, err := measure(cl, c.n, fmt.Sprintf("%s/api/v1/orgs/%d/stats", ts.URL, t.id), bearer, &body)
		if err != nil {
			return fmt.Errorf("%s: %w", t.label, err)
		}
		var resp struct {
			Orgs org.Counts `json:"orgs"`
		}
		if err := json.Unmarshal(body, &resp); err != nil {
			return fmt.Errorf("%s: stats answer: %w", t.label, err)
		}
		cte, cteCount, err := measureCTE(ctx, orgs, t.id, c.n, c.cteBudget)
		if err != nil {
			return err
		}
		p99 := benchkit.Percentile(lat, .99)
		name := t.label
		if t.code != "" {
			name += " " + t.code
		}
		st.Add(name, strconv.FormatInt(t.id, 10), strconv.Itoa(resp.Orgs.Total),
			benchkit.Ms(benchkit.Percentile(lat, .5)), benchkit.Ms(p99), benchkit.Ms(benchkit.Max(lat)),
			strconv.Itoa(len(cte)), benchkit.Ms(benchkit.Percentile(cte, .5)), benchkit.Ms(benchkit.Percentile(cte, .99)),
			benchkit.PassFail(resp.Orgs.Total == cteCount)+fmt.Sprintf(" (%d)", cteCount), benchkit.Met(p99 < 20*time.Millisecond))
	}
	st.Print(out)
	fmt.Fprintf(out, "RecountCTE runs until %d runs or %s have passed, whichever comes first, and at least 5 times.\n\n", c.n, c.cteBudget)

	// The tree fragment of a township, with the cookie of the form login.
	cookie, err := formLogin(cl, ts.URL, c.user, pw)
	if err != nil {
		return err
	}
	var page []byte
	treeLat, err := measure(cl, c.n, fmt.Sprintf("%s/tree/%d", ts.URL, township.id), http.Header{"Cookie": {cookie.String()}}, &page)
	if err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	actor, err := accts.Authenticate(ctx, cookie.Value)
	if err != nil {
		return err
	}
	var kids []org.Org
	svcLat, err := timeN(c.n, func() error {
		var err error
		kids, _, err = orgs.List(ctx, actor, org.ListQuery{Under: township.id, ChildrenOnly: true, Limit: 5000})
		return err
	})
	if err != nil {
		return err
	}
	stop()
	items := bytes.Count(page, []byte("<li>"))
	var tt benchkit.Table
	tt.Head = []string{"measurement", "p50", "p99", "max", "answer", "p99 < 50 ms"}
	tt.Add(fmt.Sprintf("GET /tree/%d (township %s, login cookie)", township.id, township.code),
		benchkit.Ms(benchkit.Percentile(treeLat, .5)), benchkit.Ms(benchkit.Percentile(treeLat, .99)), benchkit.Ms(benchkit.Max(treeLat)),
		fmt.Sprintf("%d children, %d bytes", items, len(page)), benchkit.Met(benchkit.Percentile(treeLat, .99) < 50*time.Millisecond))
	tt.Add("baseline: org.Service.List children in process (no HTTP, no authentication, no template)",
		benchkit.Ms(benchkit.Percentile(svcLat, .5)), benchkit.Ms(benchkit.Percentile(svcLat, .99)), benchkit.Ms(benchkit.Max(svcLat)),
		fmt.Sprintf("%d children", len(kids)), "—")
	tt.Print(out)
	if items != len(kids) {
		fmt.Fprintf(out, "FAIL: the fragment lists %d children, the service %d\n\n", items, len(kids))
	}
	if c.cpuprofile != "" {
		fmt.Fprintf(out, "CPU profile of the in-process measurements: %s\n\n", c.cpuprofile)
	}
	ts.Close()
	if c.skipRSS {
		return nil
	}
	return measureServe(ctx, c, pw, targets[0].id)
}

// orgID returns the territorial organization of a division, or the national
// root for "".
func orgID(ctx context.Context, d *db.DB, code string) (int64, error) {
	var id int64
	var err error
	if code == "" {
		err = d.QueryRow(ctx, "SELECT id FROM orgs WHERE level = 'national' AND parent_id IS NULL ORDER BY id LIMIT 1").Scan(&id)
	} else {
		err = d.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = ? AND territorial = ?", code, true).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("no organization for %q: initialise the database with go run ./bench/initbench -region all first", code)
	}
	return id, err
}

// ensureAdmin creates the administrator on the root, or gives an existing
// one a new password, and returns the password.
func ensureAdmin(ctx context.Context, accts *account.Service, user string, root int64) (string, error) {
	sys := access.SystemActor("bench")
	pw := account.RandomPassword()
	id, err := accts.FindByUsername(ctx, user)
	if errs.Is(err, errs.NotFound) {
		_, err = accts.Create(ctx, sys, account.NewUser{Username: user, DisplayName: "性能测试管理员", Password: pw, HomeOrgID: root, Role: access.Admin})
		return pw, err
	}
	if err != nil {
		return "", err
	}
	return pw, accts.SetPassword(ctx, sys, id, pw)
}

func newClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 2, DisableCompression: true},
		// Keep the 303 of the form login and its cookie.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       5 * time.Minute,
	}
}

func formLogin(cl *http.Client, base, user, pw string) (*http.Cookie, error) {
	resp, err := cl.PostForm(base+"/login", url.Values{"username": {user}, "password": {pw}, "next": {"/"}})
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body) // drained only to reuse the connection
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == web.SessionCookie && c.Value != "" {
			return &http.Cookie{Name: c.Name, Value: c.Value}, nil
		}
	}
	return nil, fmt.Errorf("form login: %s without a login cookie", resp.Status)
}

// measure GETs u n times after 20 warm-up requests and returns the
// client-side latencies; the last body is kept in last when it is not nil.
func measure(cl *http.Client, n int, u string, hdr http.Header, last *[]byte) ([]time.Duration, error) {
	get := func() ([]byte, error) {
		req, _ := http.NewRequest("GET", u, nil)
		for k, v := range hdr {
			req.Header[k] = v
		}
		resp, err := cl.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s %.200s", u, resp.Status, body)
		}
		return body, err
	}
	for range 20 {
		if _, err := get(); err != nil {
			return nil, err
		}
	}
	lat := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		body, err := get()
		lat = append(lat, time.Since(t))
		if err != nil {
			return nil, err
		}
		if last != nil {
			*last = body
		}
	}
	return lat, nil
}

func timeN(n int, fn func() error) ([]time.Duration, error) {
	for range 20 {
		if err := fn(); err != nil {
			return nil, err
		}
	}
	lat := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		if err := fn(); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t))
	}
	return lat, nil
}

// measureCTE runs RecountCTE up to n times within budget, at least 5 times.
func measureCTE(ctx context.Context, orgs *org.Service, id int64, n int, budget time.Duration) ([]time.Duration, int, error) {
	var lat []time.Duration
	var count int
	start := time.Now()
	for i := 0; i < n && (i < 5 || time.Since(start) < budget); i++ {
		t := time.Now()
		c, err := orgs.RecountCTE(ctx, id)
		if err != nil {
			return nil, 0, err
		}
		lat = append(lat, time.Since(t))
		count = c
	}
	return lat, count, nil
}

// measureServe builds the binary, serves the database with it, sends it a
// few dozen requests per URL and reads its memory from /proc.
func measureServe(ctx context.Context, c config, pw string, root int64) error {
	out := os.Stdout
	dir, err := os.MkdirTemp("", "jiceng-statsbench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }() // a temporary folder: best effort
	bin := filepath.Join(dir, "jiceng")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/jiceng")
	build.Dir, err = moduleRoot()
	if err != nil {
		return err
	}
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	defer func() { _ = logf.Close() }() // the server's log, read only when it fails
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", c.url)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return err
	}
	// Stopping the server after the run: it is killed when it does not stop
	// in time, and how it ended does not change the figures.
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	pid := strconv.Itoa(cmd.Process.Pid)
	base := "http://" + addr
	cl := newClient()
	up := false
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := cl.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			up = resp.StatusCode == http.StatusOK
			break
		}
	}
	if !up {
		b, _ := os.ReadFile(logf.Name())
		return fmt.Errorf("jiceng serve did not answer on %s:\n%s", addr, b)
	}
	rssIdle, hwmIdle := benchkit.ProcStatus(pid)
	token, err := benchkit.Login(cl, base, c.user, pw)
	if err != nil {
		return err
	}
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	var mt benchkit.Table
	mt.Head = []string{"serve phase", "VmRSS", "VmHWM", "< 300 MB"}
	mt.Add("started, idle (baseline)", benchkit.MB(rssIdle), benchkit.MB(hwmIdle), benchkit.Met(hwmIdle*1024 < 300e6))
	var lt benchkit.Table
	lt.Head = []string{"URL (serve process)", "requests", "p50", "p99", "max"}
	for _, p := range []string{fmt.Sprintf("/api/v1/orgs/%d/stats", root), fmt.Sprintf("/tree/%d", root), "/orgs?q=" + url.QueryEscape("社区")} {
		lat, err := measureFew(cl, c.rssHits, base+p, bearer)
		if err != nil {
			return err
		}
		lt.Add(strings.Replace(p, url.QueryEscape("社区"), "社区", 1), strconv.Itoa(len(lat)), benchkit.Ms(benchkit.Percentile(lat, .5)),
			benchkit.Ms(benchkit.Percentile(lat, .99)), benchkit.Ms(benchkit.Max(lat)))
	}
	rss, hwm := benchkit.ProcStatus(pid)
	mt.Add(fmt.Sprintf("after login and %d requests per URL", c.rssHits), benchkit.MB(rss), benchkit.MB(hwm), benchkit.Met(rss*1024 < 300e6 && hwm*1024 < 300e6))
	fmt.Fprintf(out, "jiceng serve --addr %s --db %s (pid %s, binary built with go build -o %s ./cmd/jiceng)\n\n", addr, benchkit.Redact(c.url), pid, bin)
	lt.Print(out)
	mt.Print(out)
	return nil
}

// measureFew GETs u n times without warm-up: the first requests are part of
// what the memory reading should include.
func measureFew(cl *http.Client, n int, u string, hdr http.Header) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, n)
	for range n {
		req, _ := http.NewRequest("GET", u, nil)
		for k, v := range hdr {
			req.Header[k] = v
		}
		t := time.Now()
		resp, err := cl.Do(req)
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(t))
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s %.200s", u, resp.Status, body)
		}
	}
	return lat, nil
}

func moduleRoot() (string, error) {
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(b))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run statsbench from inside the jiceng module")
	}
	return filepath.Dir(gomod), nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
