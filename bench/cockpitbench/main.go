// Command cockpitbench measures the cockpit (领导驾驶舱): the home page of an
// organization with every module's card (GET /?org=…, this year and last
// year), its yearly workbook (GET /cockpit.xlsx) and the statistics API
// (GET /api/v1/orgs/{id}/stats), through the real handler
// (server.NewServer) on a loopback listener, beside the cockpit's headline
// figures counted by plain queries on the same database in the same run.
// It then times, in process, what the page is made of: the organization
// figures and each card's service calls, and each module's part of the
// statistics API, so that a slow card shows by name.
//
//	go run ./bench/cockpitbench -db sqlite:/tmp/jiceng-cockpit.db
//	go run ./bench/cockpitbench -db postgres://postgres@127.0.0.1:5432/jiceng_bench_cockpit
//	go run ./bench/cockpitbench -db sqlite:/tmp/jiceng-bench-people.db -root 45
//
// With -seed, the default for a database without organizations, the
// database is emptied (the SQLite file deleted, the PostgreSQL database
// dropped and recreated), filled with the Nanning demo as
// `jiceng serve --demo` fills it, and the cockpit of Nanning (4501) is
// measured as the demo's admin sees it. Without it the database is opened
// as it is (for instance the one bench/peoplebench leaves with Guangxi's
// 2.5 million members) and -root names the territorial organization
// measured. The passwords of the accounts already there are not known, so
// the requests are made by a system administrator of the bench's own,
// cockpitbench, created on the root at the first run and given a new
// password at the next ones.
package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/server"
	"jiceng/internal/web"
)

type config struct {
	url        string
	seed       bool
	seedSet    bool
	root       string
	n          int
	targetMs   int
	cpuprofile string
}

func main() {
	var c config
	flag.StringVar(&c.url, "db", "", "database URL: sqlite:PATH or postgres://…")
	flag.BoolVar(&c.seed, "seed", false, "empty the database and seed the Nanning demo first (the default when the database has no organizations)")
	flag.StringVar(&c.root, "root", "", "division code of the territorial organization measured (default: 4501 with -seed, else the top of the database's tree)")
	flag.IntVar(&c.n, "n", 100, "calls per measurement")
	flag.IntVar(&c.targetMs, "target-ms", 0, "target of the p99 in ms (default: 100 for 4501, 200 for any other root)")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the two cockpit page rows to this file")
	flag.Parse()
	flag.Visit(func(f *flag.Flag) { c.seedSet = c.seedSet || f.Name == "seed" })
	if c.url == "" {
		fmt.Fprintln(os.Stderr, "cockpitbench: -db is required, e.g. -db sqlite:/tmp/jiceng-cockpit.db")
		os.Exit(2)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "cockpitbench:", err)
		os.Exit(1)
	}
}

// benchUser is the administrator the bench creates on a database it did
// not seed.
const benchUser = "cockpitbench"

func run(ctx context.Context, c config) error {
	out := os.Stdout
	benchkit.Header(out, "cockpitbench: the cockpit (领导驾驶舱), its yearly workbook and the statistics API of a subtree", "./bench/cockpitbench")
	d, seed, err := open(ctx, out, c)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := benchkit.App(ctx, d)
	if err != nil {
		return err
	}
	core := a.Core()
	var user, pw string
	if seed {
		t0 := time.Now()
		res, err := a.Seed(ctx, "4501")
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		seedDur := time.Since(t0)
		for _, acc := range res.Accounts {
			if acc.Username == "admin" {
				user, pw = acc.Username, acc.Password
			}
		}
		if user == "" {
			return errors.New("seed: the demo has no admin account")
		}
		// A database that has lived a while has its planner statistics
		// (and on PostgreSQL its visibility map, for index-only scans);
		// one seeded a moment ago has not.
		how := "ANALYZE"
		if d.Dialect == db.Postgres {
			how = "VACUUM (ANALYZE)"
		}
		if _, err := d.Exec(ctx, how); err != nil {
			return fmt.Errorf("%s: %w", how, err)
		}
		fmt.Fprintf(out, "- seed: the Nanning demo (demo.Seed of 4501, as jiceng serve --demo seeds it): %d organizations in %s, then %s\n", res.Orgs, benchkit.Sec(seedDur), how)
		if c.root == "" {
			c.root = "4501"
		}
	}
	rootID, code, err := rootOf(ctx, d, c.root)
	if err != nil {
		return err
	}
	if !seed {
		user = benchUser
		did := ""
		if pw, did, err = ensureAdmin(ctx, core.Accounts, rootID); err != nil {
			return err
		}
		fmt.Fprintf(out, "- account: %s, system administrator on the root (%s)\n", user, did)
	} else {
		fmt.Fprintf(out, "- account: the demo's admin (system administrator on Nanning)\n")
	}
	target := time.Duration(c.targetMs) * time.Millisecond
	if target == 0 {
		target = 200 * time.Millisecond
		if code == "4501" {
			target = 100 * time.Millisecond
		}
	}

	// The real handler on a loopback listener, as jiceng serve runs it
	// (without its background jobs: the run reads, and they would only
	// add noise).
	base, closeServer, err := benchkit.Serve(a, server.Options{})
	if err != nil {
		return err
	}
	defer closeServer()
	cl := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 2, DisableCompression: true},
		// A redirect (to the login page) is an answer to report, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       5 * time.Minute,
	}
	cookie, err := formLogin(cl, base, user, pw)
	if err != nil {
		return err
	}
	token, err := benchkit.Login(cl, base, user, pw)
	if err != nil {
		return err
	}
	actor, err := core.Accounts.Authenticate(ctx, cookie.Value)
	if err != nil {
		return err
	}
	o, err := core.Orgs.Get(ctx, actor, rootID)
	if err != nil {
		return err
	}
	_, counts, err := core.Orgs.Stats(ctx, actor, o.ID)
	if err != nil {
		return err
	}
	now := core.Now()
	year := now.Year()
	fmt.Fprintf(out, "- root: %s (%s), org id %d, %d organizations in its subtree; year shown %d, last year %d\n", o.Label(), code, o.ID, counts.Total, year, year-1)
	fmt.Fprintf(out, "- each row: %d calls after 3 warm-up calls, or as many as 15 s allow (at least 5), one at a time (benchkit.TimeN)\n", c.n)
	fmt.Fprintf(out, "- HTTP rows: server.NewServer in this process on 127.0.0.1, a keep-alive Go client; the time is from sending the request to reading the last byte of the body, so it is the server's time plus a loopback round trip (the /healthz row); client and server share the %d CPUs\n\n", runtime.NumCPU())

	// (1) The cockpit through HTTP, beside the plain queries.
	cookieHdr := http.Header{"Cookie": {cookie.String()}}
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	var t benchkit.Table
	t.Head = []string{"measurement", "calls", "p50", "p99", "max", "answer", "target"}
	targetCell := func(tm benchkit.Timing) string {
		verdict := "PASS"
		if tm.P99 >= target {
			verdict = "MISSED"
		}
		return fmt.Sprintf("%s (p99 < %s)", verdict, benchkit.Ms(target))
	}
	row := func(label string, tm benchkit.Timing, answer, tgt string) {
		t.Add(label, strconv.Itoa(tm.Calls), benchkit.Ms(tm.P50), benchkit.Ms(tm.P99), benchkit.Ms(tm.Max), answer, tgt)
	}
	floor, _, err := timeGET(cl, c.n, base+"/healthz", nil)
	if err != nil {
		return err
	}
	row("GET /healthz (the HTTP floor: loopback round trip and middleware)", floor, "—", "—")
	var pageTimes []benchkit.Timing
	stop, err := benchkit.StartCPUProfile(c.cpuprofile)
	if err != nil {
		return err
	}
	for _, p := range []struct {
		path, what string
	}{
		{fmt.Sprintf("/?org=%d", o.ID), "the cockpit, this year (login cookie)"},
		{fmt.Sprintf("/?org=%d&year=%d", o.ID, year-1), "the cockpit, last year"},
	} {
		tm, body, err := timeGET(cl, c.n, base+p.path, cookieHdr)
		if err != nil {
			return err
		}
		cards := bytes.Count(body, []byte(`class="card panel"`))
		row("GET "+p.path+": "+p.what, tm, fmt.Sprintf("%s HTML, %d cards", kB(len(body)), cards), targetCell(tm))
		pageTimes = append(pageTimes, tm)
	}
	stop()
	statsT, statsBody, err := timeGET(cl, c.n, fmt.Sprintf("%s/api/v1/orgs/%d/stats", base, o.ID), bearer)
	if err != nil {
		return err
	}
	var parts map[string]json.RawMessage
	if err := json.Unmarshal(statsBody, &parts); err != nil {
		return fmt.Errorf("stats answer: %w", err)
	}
	var keys []string
	for k := range parts {
		if k != "org_id" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	row(fmt.Sprintf("GET /api/v1/orgs/%d/stats (bearer token of the JSON login)", o.ID), statsT,
		fmt.Sprintf("%s JSON: %s", kB(len(statsBody)), strings.Join(keys, ", ")), targetCell(statsT))
	xlsxT, book, err := timeGET(cl, c.n, fmt.Sprintf("%s/cockpit.xlsx?org=%d&year=%d", base, o.ID, year), cookieHdr)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(book, []byte("PK")) {
		return fmt.Errorf("cockpit.xlsx: the answer is no workbook: %.200s", book)
	}
	row(fmt.Sprintf("GET /cockpit.xlsx?org=%d&year=%d: the yearly workbook (each call writes its export to the audit log)", o.ID, year), xlsxT, kB(len(book))+" .xlsx", "—")
	today := now.In(org.Shanghai).Format(time.DateOnly)
	var fig figures
	plainT := benchkit.TimeN(c.n, func() error {
		var err error
		fig, err = plain(ctx, d, o, year, today)
		return err
	})
	if plainT.Err != nil {
		return fmt.Errorf("plain queries: %w", plainT.Err)
	}
	row(fmt.Sprintf("baseline: the headline figures by %d plain queries on the database (COUNT … GROUP BY over the subtree, no kept counts), one call", plainQueries), plainT, "see the figures below", "—")
	t.Print(out)

	// (2) The figures: the plain queries beside the statistics API.
	var api apiFigures
	if err := json.Unmarshal(statsBody, &api); err != nil {
		return fmt.Errorf("stats answer: %w", err)
	}
	agreeAll := true
	var ft benchkit.Table
	ft.Head = []string{"figure of the subtree", "plain queries", "GET …/stats", "agree"}
	check := func(label string, plainN int, apiN *int) {
		if apiN == nil {
			ft.Add(label, fmtInt(plainN), "—", "—")
			return
		}
		ok := plainN == *apiN
		agreeAll = agreeAll && ok
		ft.Add(label, fmtInt(plainN), fmtInt(*apiN), benchkit.PassFail(ok))
	}
	info := func(label string, plainV string, apiV string) { ft.Add(label, plainV, apiV, "—") }
	check("organizations, active, the root included", sum(fig.orgs), &api.Orgs.Total)
	info("  of them by level", byKey(fig.orgsByLevel), "")
	var pTotal *int
	if api.People != nil {
		pTotal = &api.People.Total
	}
	check("members (current memberships)", sum(fig.members), pTotal)
	info("  of them probationary", fmtInt(fig.members["probationary"]), "")
	casesAPI := ""
	if api.Cases != nil {
		casesAPI = fmt.Sprintf("%s, %s open (the kinds the reader sees)", fmtInt(api.Cases.Total), fmtInt(api.Cases.Open))
	}
	info("residents' cases, every kind, by state", fmt.Sprintf("%s: %s", fmtInt(sum(fig.cases)), byKey(fig.cases)), casesAPI)
	rectAPI := ""
	if api.Programs != nil {
		rectAPI = fmt.Sprintf("%s (every year)", fmtInt(api.Programs.Rectification.Total))
	}
	info(fmt.Sprintf("rectification cases of %d, by state", year), fmt.Sprintf("%s: %s", fmtInt(sum(fig.rect)), byKey(fig.rect)), rectAPI)
	sitesAPI := ""
	if api.Programs != nil && api.Programs.Sites != nil {
		sitesAPI = fmt.Sprintf("%s designated in force", fmtInt(api.Programs.Sites.Designated))
	}
	info("demonstration sites, every year, by state", fmt.Sprintf("%s: %s", fmtInt(sum(fig.sites)), byKey(fig.sites)), sitesAPI)
	var inPost *int
	if api.Programs != nil && api.Programs.FirstSecretaries != nil {
		inPost = &api.Programs.FirstSecretaries.InPost
	}
	check("first secretaries in post today", fig.inPost, inPost)
	var units, orgCov, workCov *int
	if api.Coverage != nil {
		units, orgCov, workCov = &api.Coverage.Units, &api.Coverage.OrgCovered, &api.Coverage.WorkCovered
	}
	check("两新 units, active", sum(fig.units), units)
	check("  covered by an organization (own or joint)", fig.units["own"]+fig.units["joint"], orgCov)
	check("  covered by work (an organization or an instructor)", sum(fig.units)-fig.units["none"], workCov)
	ft.Print(out)

	// (3) What the page is made of, in process: no HTTP, no template.
	req := httptest.NewRequest("GET", fmt.Sprintf("/?org=%d", o.ID), nil).WithContext(access.WithActor(ctx, actor))
	kit := a.WebKit()
	var panels []web.Panel
	var bt benchkit.Table
	bt.Head = []string{"part of the cockpit, in process with the same reader", "calls", "p50", "p99", "max", "note"}
	part := func(label string, f func() error) error {
		tm := benchkit.TimeN(c.n, f)
		if k := errs.KindOf(tm.Err); k == errs.Forbidden || k == errs.NotFound {
			bt.Add(label, "—", "—", "—", "—", "refused: no card for this reader")
			return nil
		}
		if tm.Err != nil {
			return fmt.Errorf("%s: %w", label, tm.Err)
		}
		bt.Add(label, strconv.Itoa(tm.Calls), benchkit.Ms(tm.P50), benchkit.Ms(tm.P99), benchkit.Ms(tm.Max), "")
		return nil
	}
	orgs := core.Orgs
	ppl, cs, pg := app.Service[*people.Service](a), app.Service[*cases.Service](a), app.Service[*programs.Service](a)
	cov, ev := app.Service[*coverage.Service](a), app.Service[*evaluation.Service](a)
	steps := []struct {
		label string
		f     func() error
	}{
		{"organization figures: org.Service Roots, Get, Stats, Breadcrumb, children (500)", func() error {
			if _, err := orgs.Roots(ctx, actor); err != nil {
				return err
			}
			if _, err := orgs.Get(ctx, actor, o.ID); err != nil {
				return err
			}
			if _, _, err := orgs.Stats(ctx, actor, o.ID); err != nil {
				return err
			}
			if _, err := orgs.Breadcrumb(ctx, actor, o); err != nil {
				return err
			}
			_, _, err := orgs.List(ctx, actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 500})
			return err
		}},
		{"web.Kit.OrgFacts: every module's facts about the root", func() error { _, err := kit.OrgFacts(req, o); return err }},
		{"web.Kit.Panels: every card together", func() error { var err error; panels, err = kit.Panels(req, o); return err }},
		{"  members: people.Service.Stats", func() error { _, err := ppl.Stats(ctx, actor, o.ID); return err }},
		{"  members: people.Service.ChildCounts", func() error { _, err := ppl.ChildCounts(ctx, actor, o.ID); return err }},
		{"  residents' cases: cases.Service.SubtreeStats", func() error { _, err := cs.SubtreeStats(ctx, actor, o.ID); return err }},
		{"  residents' cases: cases.Service.MonthlyStats", func() error { _, err := cs.MonthlyStats(ctx, actor, o.ID); return err }},
		{"  residents' cases: cases.Service.ChildrenStats", func() error { _, err := cs.ChildrenStats(ctx, actor, o.ID); return err }},
		{"  rectification: programs.Service.RectCases (the year)", func() error {
			_, err := pg.RectCases(ctx, actor, programs.RectQuery{Under: o.ID, Year: year})
			return err
		}},
		{"  rectification: programs.Service.RectByChild", func() error { _, err := pg.RectByChild(ctx, actor, o.ID, year); return err }},
		{"  demonstration sites: programs.Service.SiteStatsOf", func() error { _, err := pg.SiteStatsOf(ctx, actor, o.ID, year); return err }},
		{"  first secretaries: programs.Service.FirstSecStatsOf", func() error { _, err := pg.FirstSecStatsOf(ctx, actor, o.ID, year); return err }},
		{"  evaluation: evaluation.Service.Overview (its cache warmed)", func() error { _, err := ev.Overview(ctx, actor, o.ID, year); return err }},
		{"  coverage: coverage.Service.Standing", func() error { _, err := cov.Standing(ctx, actor, o.ID, year); return err }},
	}
	for _, s := range steps {
		if err := part(s.label, s.f); err != nil {
			return err
		}
	}
	for _, st := range a.APIKit().Stats() {
		if err := part(fmt.Sprintf("API part %q: its module.Stats Of", st.Key), func() error { _, err := st.Of(ctx, actor, o.ID); return err }); err != nil {
			return err
		}
	}
	bt.Print(out)
	titles := make([]string, len(panels))
	for i, p := range panels {
		titles[i] = p.Title
	}
	fmt.Fprintf(out, "Cards of the page (web.Kit.Panels): %s. The rows indented under it are the services each card calls, timed alone.\n\n", strings.Join(titles, "; "))

	worst := slices.MaxFunc(append(pageTimes, statsT), func(x, y benchkit.Timing) int { return cmp.Compare(x.P99, y.P99) })
	verdict := "PASS"
	if worst.P99 >= target {
		verdict = "MISSED"
	}
	fmt.Fprintf(out, "Target: the cockpit of %s (%s) with p99 under %s (the page, both years, and the statistics API): %s (worst p99 %s; plain queries p99 %s)\n",
		o.Label(), code, benchkit.Ms(target), verdict, benchkit.Ms(worst.P99), benchkit.Ms(plainT.P99))
	if !agreeAll {
		return errors.New("a figure of the statistics API disagrees with its plain query")
	}
	return nil
}

// open returns the database and whether to seed it: emptied and ready for
// the demo with -seed (or without it when it has no organizations), else
// as it is. It writes the report's "- database:" line.
func open(ctx context.Context, out io.Writer, c config) (*db.DB, bool, error) {
	if c.seedSet && c.seed {
		d, err := benchkit.Fresh(ctx, out, c.url)
		return d, true, err
	}
	d, err := db.Open(ctx, c.url)
	if err != nil {
		if !c.seedSet && missingDatabase(err) {
			d, err := benchkit.Fresh(ctx, out, c.url)
			return d, true, err
		}
		return nil, false, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, false, err
	}
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM orgs").Scan(&n); err != nil {
		d.Close()
		return nil, false, err
	}
	if n == 0 && !c.seedSet {
		d.Close()
		d, err := benchkit.Fresh(ctx, out, c.url)
		return d, true, err
	}
	fmt.Fprintf(out, "- database: %s, %s (opened as it is: %d organizations)\n", benchkit.Redact(c.url), benchkit.EngineVersion(ctx, d), n)
	return d, false, nil
}

// missingDatabase tells a PostgreSQL database that does not exist yet
// (SQLSTATE 3D000), which -seed may create, from a server that cannot be
// reached.
func missingDatabase(err error) bool {
	return strings.Contains(err.Error(), "3D000")
}

// rootOf finds the territorial organization of a division code, or the top
// of the tree for "", and returns its id and code.
func rootOf(ctx context.Context, d *db.DB, code string) (int64, string, error) {
	var id int64
	if code == "" {
		var rc sql.NullString
		err := d.QueryRow(ctx, "SELECT id, region_code FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1").Scan(&id, &rc)
		return id, rc.String, err
	}
	err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE region_code = ? AND territorial = ?", code, true).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("-root %s: no territorial organization of that division in the database", code)
	}
	return id, code, err
}

// ensureAdmin creates the bench's administrator on the root, or gives it a
// new password, and returns the password and what it did.
func ensureAdmin(ctx context.Context, accts *account.Service, root int64) (string, string, error) {
	sys := access.SystemActor("bench")
	pw := account.RandomPassword()
	id, err := accts.FindByUsername(ctx, benchUser)
	if errs.Is(err, errs.NotFound) {
		_, err = accts.Create(ctx, sys, account.NewUser{Username: benchUser, DisplayName: "驾驶舱性能测试", Password: pw, HomeOrgID: root, Role: access.Admin})
		return pw, "created", err
	}
	if err != nil {
		return "", "", err
	}
	return pw, "existing account, new password", accts.SetPassword(ctx, sys, id, pw)
}

// formLogin signs in through the login form and returns the session cookie.
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

// timeGET times GETs of u with benchkit.TimeN, each up to the last byte of
// the body, and returns the last body; any answer but 200 stops it.
func timeGET(cl *http.Client, n int, u string, hdr http.Header) (benchkit.Timing, []byte, error) {
	var last []byte
	tm := benchkit.TimeN(n, func() error {
		req, err := http.NewRequest("GET", u, nil)
		if err != nil {
			return err
		}
		for k, v := range hdr {
			req.Header[k] = v
		}
		resp, err := cl.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s %.300s", u, resp.Status, body)
		}
		last = body
		return err
	})
	return tm, last, tm.Err
}

// figures are the cockpit's headline figures of a subtree, counted by plain
// queries: each map is a count by state, kind or level.
type figures struct {
	orgs, orgsByLevel, members, cases, rect, sites, units map[string]int
	inPost                                                int
}

// plainQueries is the number of statements plain runs.
const plainQueries = 7

// plain counts the headline figures of the subtree of o directly from the
// tables, without the modules' kept counts: the organizations by level and
// kind, the current members by kind, the residents' cases by state, the
// rectification cases of year by state, the demonstration sites by state,
// the first secretaries in post on today and the active 两新 units by
// coverage. The subtree's bounds are written into the SQL, as the
// services write them (access.InSubtree).
func plain(ctx context.Context, d *db.DB, o org.Org, year int, today string) (figures, error) {
	in := access.InSubtree("o.path", o.Path)
	var f figures
	var err error
	if f.orgs, err = grouped(ctx, d, "SELECT o.level || '/' || o.kind, COUNT(*) FROM orgs o WHERE "+in+" AND o.status = ? GROUP BY o.level, o.kind", org.StatusActive); err != nil {
		return f, err
	}
	f.orgsByLevel = map[string]int{}
	for k, n := range f.orgs {
		level, _, _ := strings.Cut(k, "/")
		f.orgsByLevel[level] += n
	}
	if f.members, err = grouped(ctx, d, "SELECT m.kind, COUNT(*) FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.active = ? AND "+in+" GROUP BY m.kind", true); err != nil {
		return f, err
	}
	if f.cases, err = grouped(ctx, d, "SELECT c.state, COUNT(*) FROM cases c JOIN orgs o ON o.id = c.org_id WHERE "+in+" GROUP BY c.state"); err != nil {
		return f, err
	}
	if f.rect, err = grouped(ctx, d, "SELECT r.state, COUNT(*) FROM rect_cases r JOIN orgs o ON o.id = r.org_id WHERE r.year = ? AND "+in+" GROUP BY r.state", year); err != nil {
		return f, err
	}
	if f.sites, err = grouped(ctx, d, "SELECT s.state, COUNT(*) FROM sites s JOIN orgs o ON o.id = s.org_id WHERE "+in+" GROUP BY s.state"); err != nil {
		return f, err
	}
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM fsec_terms t JOIN orgs o ON o.id = t.org_id WHERE t.post_id IS NOT NULL AND t.started_on <= ? AND t.ends_on >= ? AND t.ended_on IS NULL AND "+in,
		today, today).Scan(&f.inPost); err != nil {
		return f, err
	}
	f.units, err = grouped(ctx, d, "SELECT u.coverage, COUNT(*) FROM units u JOIN orgs o ON o.id = u.affiliation_org_id WHERE u.status = 'active' AND "+in+" GROUP BY u.coverage")
	return f, err
}

// grouped runs a query of (key, count) rows.
func grouped(ctx context.Context, d *db.DB, q string, args ...any) (map[string]int, error) {
	rows, err := d.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		m[k] = n
	}
	return m, rows.Err()
}

// apiFigures is what the check reads of GET /api/v1/orgs/{id}/stats; a
// module's part is absent when the reader may not read it.
type apiFigures struct {
	Orgs struct {
		Total int `json:"total"`
	} `json:"orgs"`
	People *struct {
		Total int `json:"total"`
	} `json:"people"`
	Cases *struct {
		Total int `json:"total"`
		Open  int `json:"open"`
	} `json:"cases"`
	Programs *struct {
		Rectification struct {
			Total int `json:"total"`
		} `json:"rectification"`
		Sites *struct {
			Designated int `json:"designated"`
		} `json:"sites"`
		FirstSecretaries *struct {
			InPost int `json:"in_post"`
		} `json:"first_secretaries"`
	} `json:"programs"`
	Coverage *struct {
		Units       int `json:"units"`
		OrgCovered  int `json:"org_covered"`
		WorkCovered int `json:"work_covered"`
	} `json:"coverage"`
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// byKey lists a count by key, largest first.
func byKey(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + fmtInt(m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func fmtInt(n int) string { return web.FormatInt(n) }

func kB(n int) string { return fmt.Sprintf("%.1f kB", float64(n)/1000) }
