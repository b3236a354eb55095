// Package benchkit holds what the benchmark programs under bench/ share: the
// header that names the machine, the date and the command, percentiles,
// tables, process memory readings and resetting a database before a run.
package benchkit

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
)

// Header prints the title, the machine, the date and the exact command.
func Header(w io.Writer, title, pkg string) {
	fmt.Fprintf(w, "# %s\n\n", title)
	fmt.Fprintf(w, "- machine: %d CPU (%s), %s, %s/%s, %s\n", runtime.NumCPU(), cpuModel(), memTotal(), runtime.GOOS, runtime.GOARCH, Kernel())
	fmt.Fprintf(w, "- go: %s\n", runtime.Version())
	fmt.Fprintf(w, "- date: %s\n", time.Now().Format("2006-01-02 15:04:05 -0700"))
	fmt.Fprintf(w, "- command: %s\n\n", Command(pkg))
}

// Command returns the command line that reproduces this run.
func Command(pkg string) string {
	parts := []string{"go", "run", pkg}
	for _, a := range os.Args[1:] {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r == '=' || r == '@' || r == ',' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Kernel returns the kernel release from /proc/version ("Linux 6.1.0-…").
func Kernel() string {
	b, err := os.ReadFile("/proc/version")
	if err != nil {
		return "kernel unknown"
	}
	f := strings.Fields(string(b))
	if len(f) >= 3 {
		return f[0] + " " + f[2]
	}
	return strings.TrimSpace(string(b))
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer func() { _ = f.Close() }() // read only
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	kb := procField("/proc/meminfo", "MemTotal")
	if kb == 0 {
		return "memory unknown"
	}
	return fmt.Sprintf("%.0f GiB RAM", float64(kb)/(1<<20))
}

// ProcStatus returns VmRSS and VmHWM of a process in KiB ("self" for this one).
func ProcStatus(pid string) (rss, hwm int64) {
	p := "/proc/" + pid + "/status"
	return procField(p, "VmRSS"), procField(p, "VmHWM")
}

func procField(path, key string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }() // read only
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) > 0 {
			n, _ := strconv.ParseInt(fs[0], 10, 64)
			return n
		}
	}
	return 0
}

// MB formats KiB as MB (10^6 bytes).
func MB(kib int64) string { return fmt.Sprintf("%.1f MB", float64(kib)*1024/1e6) }

// Percentile returns the nearest-rank p-quantile (0 < p ≤ 1) of ds, which it
// sorts in place.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	k := int(math.Ceil(p*float64(len(ds)))) - 1
	return ds[max(0, min(k, len(ds)-1))]
}

// Max returns the largest of ds.
func Max(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return slices.Max(ds)
}

// Timing is the percentiles of repeated calls.
type Timing struct {
	P50, P99, Max time.Duration
	Calls         int
	Err           error
}

// TimeN calls f n times after 3 warm-up calls, or as often as 15 s allow
// but at least 5 times, and returns the percentiles; the first error stops it.
func TimeN(n int, f func() error) Timing {
	for range 3 {
		if err := f(); err != nil {
			return Timing{Err: err}
		}
	}
	var ds []time.Duration
	start := time.Now()
	for len(ds) < n && (len(ds) < 5 || time.Since(start) < 15*time.Second) {
		t := time.Now()
		if err := f(); err != nil {
			return Timing{Err: err}
		}
		ds = append(ds, time.Since(t))
	}
	return Timing{P50: Percentile(ds, 0.5), P99: Percentile(ds, 0.99), Max: Max(ds), Calls: len(ds)}
}

// Ms formats a duration in milliseconds.
func Ms(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.0f ms", ms)
}

// Sec formats a duration in seconds.
func Sec(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// Table is a small Markdown table.
type Table struct {
	Head []string
	Rows [][]string
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// Print writes the table with aligned columns.
func (t *Table) Print(w io.Writer) {
	width := make([]int, len(t.Head))
	measure := func(cells []string) {
		for i, c := range cells {
			if i < len(width) {
				width[i] = max(width[i], displayWidth(c))
			}
		}
	}
	measure(t.Head)
	for _, r := range t.Rows {
		measure(r)
	}
	line := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for i := range width {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			b.WriteString(" " + c + strings.Repeat(" ", width[i]-displayWidth(c)) + " |")
		}
		fmt.Fprintln(w, b.String())
	}
	line(t.Head)
	sep := make([]string, len(width))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range t.Rows {
		line(r)
	}
	fmt.Fprintln(w)
}

// displayWidth counts CJK characters as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff || r >= 0xff00 && r <= 0xff60) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// PassFail renders a check.
func PassFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// Met renders a target check.
func Met(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// StartCPUProfile writes a CPU profile to path until the returned function
// is called; an empty path does nothing.
func StartCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close() // the profiler's refusal is the error to report
		return nil, err
	}
	// A profile is a by-product of the run: a failure to write its end
	// shows as a profile go tool pprof cannot read.
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

// WriteAllocProfile writes the allocation profile so far to path; an empty
// path does nothing.
func WriteAllocProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = pprof.Lookup("allocs").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// EngineVersion returns the engine and its version, e.g. "SQLite 3.50.4".
func EngineVersion(ctx context.Context, d *db.DB) string {
	var v string
	if d.Dialect == db.Postgres {
		if err := d.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil {
			return "PostgreSQL"
		}
		return "PostgreSQL " + strings.Fields(v)[0]
	}
	if err := d.QueryRow(ctx, "SELECT sqlite_version()").Scan(&v); err != nil {
		return "SQLite"
	}
	return "SQLite " + v + " (modernc.org/sqlite)"
}

// Reset empties the database at rawURL so that a run starts from nothing:
// the SQLite file and its -wal and -shm companions are deleted; on
// PostgreSQL the schema named by search_path is dropped and recreated when
// the URL has one, else the whole database is dropped and recreated through
// the postgres maintenance database. It returns what it did.
func Reset(ctx context.Context, rawURL string) (string, error) {
	if p, ok := strings.CutPrefix(rawURL, "sqlite:"); ok {
		for _, f := range []string{p, p + "-wal", p + "-shm", p + "-journal"} {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				return "", err
			}
		}
		return "deleted " + p, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	if sp := u.Query().Get("search_path"); sp != "" {
		if !isIdent(sp) {
			return "", fmt.Errorf("search_path %q: only a plain schema name is supported", sp)
		}
		c, err := sql.Open("pgx", rawURL)
		if err != nil {
			return "", err
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+sp+" CASCADE"); err != nil {
			return "", err
		}
		if _, err := c.ExecContext(ctx, "CREATE SCHEMA "+sp); err != nil {
			return "", err
		}
		return "dropped and recreated schema " + sp, nil
	}
	name := strings.TrimPrefix(u.Path, "/")
	if !isIdent(name) || name == "postgres" || strings.HasPrefix(name, "template") {
		return "", fmt.Errorf("refusing to drop database %q: use a database of its own such as jiceng_bench", name)
	}
	m := *u
	m.Path = "/postgres"
	c, err := sql.Open("pgx", m.String())
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := c.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return "dropped and recreated database " + name, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Redact hides a password in a database URL for printing (see db.Redact).
func Redact(rawURL string) string { return db.Redact(rawURL) }

// Fresh empties the database at rawURL (see Reset), opens it, creates the
// schema and writes the "- database:" line of the report to out.
func Fresh(ctx context.Context, out io.Writer, rawURL string) (*db.DB, error) {
	did, err := Reset(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("reset: %w", err)
	}
	d, err := db.Open(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	fmt.Fprintf(out, "- database: %s, %s (%s)\n", Redact(rawURL), EngineVersion(ctx, d), did)
	return d, nil
}

// Login signs in through the JSON API at base and returns the bearer token.
func Login(cl *http.Client, base, user, pw string) (string, error) {
	b, _ := json.Marshal(map[string]string{"username": user, "password": pw})
	resp, err := cl.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || out.Token == "" {
		return "", fmt.Errorf("login: %s %s", resp.Status, body)
	}
	return out.Token, nil
}

// CopyTable creates <table>_baseline with the CREATE TABLE statement and the
// indexes of table taken from migration version of the database's dialect,
// every name of the table renamed, so that a baseline inserts into exactly
// the shape the application writes to. An existing copy is dropped first.
func CopyTable(ctx context.Context, d *db.DB, version int, table string) error {
	ms, err := d.Migrations()
	if err != nil {
		return err
	}
	var mig string
	for _, m := range ms {
		if m.Version == version {
			mig = m.SQL
		}
	}
	q := regexp.QuoteMeta(table)
	tbl := regexp.MustCompile(`(?s)CREATE TABLE ` + q + ` \(.*?\n\);`).FindString(mig)
	idx := regexp.MustCompile(`(?m)^CREATE (UNIQUE )?INDEX `+q+`_\w+ ON `+q+`\(.*$`).FindAllString(mig, -1)
	if tbl == "" || len(idx) == 0 {
		return fmt.Errorf("CREATE TABLE %s or its indexes not found in migration %04d", table, version)
	}
	if _, err := d.Exec(ctx, "DROP TABLE IF EXISTS "+table+"_baseline"); err != nil {
		return err
	}
	word := regexp.MustCompile(`\b` + q + `\b|\b` + q + `_`)
	for _, s := range append([]string{tbl}, idx...) {
		s = word.ReplaceAllStringFunc(s, func(m string) string {
			if strings.HasSuffix(m, "_") {
				return table + "_baseline_"
			}
			return table + "_baseline"
		})
		if _, err := d.Exec(ctx, s); err != nil {
			return fmt.Errorf("%w in %s", err, s)
		}
	}
	return nil
}

// App builds the application on d as `jiceng serve` does, with a fresh
// ballot-token key and a logger that drops everything, so that the runs
// measure the server and services users get.
func App(ctx context.Context, d *db.DB) (*app.App, error) {
	key, err := evaluation.NewKey()
	if err != nil {
		return nil, err
	}
	return app.New(ctx, app.Config{DB: d, Key: key, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
}
