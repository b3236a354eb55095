// Command initbench measures the region initialisation (org.Service.InitRegion)
// on a fresh database against raw batched inserts of the same rows.
//
//	go run ./bench/initbench -db sqlite:/tmp/jiceng-bench.db -region all
//	go run ./bench/initbench -db postgres://postgres@127.0.0.1:5432/jiceng_bench -region 45
//
// The database is emptied first: the SQLite file is deleted, the PostgreSQL
// database (or the schema named by search_path) is dropped and recreated.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

func main() {
	dbURL := flag.String("db", "", "database URL: sqlite:PATH or postgres://…")
	code := flag.String("region", "45", "division code (2, 4, 6, 9 digits) or all")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the first initialisation to this file")
	memprofile := flag.String("memprofile", "", "write an allocation profile of the first initialisation to this file")
	keep := flag.Bool("keep-baseline", false, "keep the orgs_baseline table after the run")
	flag.Parse()
	if *dbURL == "" {
		fmt.Fprintln(os.Stderr, "initbench: -db is required, e.g. -db sqlite:/tmp/jiceng-bench.db")
		os.Exit(2)
	}
	if err := run(context.Background(), *dbURL, *code, *cpuprofile, *memprofile, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "initbench:", err)
		os.Exit(1)
	}
}

// cols is the column list of the skeleton insert in internal/org/region_init.go.
var cols = []string{"id", "parent_id", "path", "depth", "name", "short_name", "kind", "kind_confirmed", "category", "level",
	"region_code", "region_name", "territorial", "status", "note", "created_at", "updated_at"}

func run(ctx context.Context, url, code, cpuprofile, memprofile string, keep bool) error {
	out := os.Stdout
	benchkit.Header(out, "initbench: region initialisation", "./bench/initbench")

	did, err := benchkit.Reset(ctx, url)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	t0 := time.Now()
	d, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	openMigrate := time.Since(t0)
	fmt.Fprintf(out, "- database: %s, %s (%s)\n", benchkit.Redact(url), benchkit.EngineVersion(ctx, d), did)
	fmt.Fprintf(out, "- region: %s\n\n", code)

	// The division data is loaded once here for the expected count and the
	// baseline rows; InitRegion below loads its own copy through a fresh
	// holder, as `jiceng init` does, so its time includes that load.
	tl := time.Now()
	set, err := region.Load()
	if err != nil {
		return err
	}
	loadDur := time.Since(tl)
	divs, err := set.Subtree(code)
	if err != nil {
		return err
	}
	expected := len(divs)
	if code == "all" {
		expected++
	}

	svc := org.NewService(d, region.NewHolder())
	actor := access.SystemActor("bench")
	runtime.GC()
	stop, err := benchkit.StartCPUProfile(cpuprofile)
	if err != nil {
		return err
	}
	t1 := time.Now()
	res, err := svc.InitRegion(ctx, actor, code)
	initDur := time.Since(t1)
	stop()
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if err := benchkit.WriteAllocProfile(memprofile); err != nil {
		return err
	}
	_, hwm := benchkit.ProcStatus("self")
	var orgRows, aggRows int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM orgs").Scan(&orgRows); err != nil {
		return err
	}
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM org_agg").Scan(&aggRows); err != nil {
		return err
	}

	// Baseline: the same rows, raw, into a copy of the orgs table.
	rows := baselineRows(divs, code)
	if err := benchkit.CopyTable(ctx, d, 1, "orgs"); err != nil {
		return fmt.Errorf("baseline table: %w", err)
	}
	runtime.GC()
	t2 := time.Now()
	err = d.InTx(ctx, func(tx *db.Tx) error {
		return tx.BatchInsert(ctx, "orgs_baseline", cols, rows, 500)
	})
	baseDur := time.Since(t2)
	if err != nil {
		return fmt.Errorf("baseline insert: %w", err)
	}
	rows = nil
	if !keep {
		if _, err := d.Exec(ctx, "DROP TABLE orgs_baseline"); err != nil {
			return fmt.Errorf("drop baseline: %w", err)
		}
	}

	// Second run: everything exists, nothing is created.
	t3 := time.Now()
	res2, err := svc.InitRegion(ctx, actor, code)
	againDur := time.Since(t3)
	if err != nil {
		return fmt.Errorf("second init: %w", err)
	}

	rate := func(n int, d time.Duration) string { return fmt.Sprintf("%.0f", float64(n)/d.Seconds()) }
	var t benchkit.Table
	t.Head = []string{"step", "rows", "time", "rows/s", "vs baseline"}
	t.Add("InitRegion (first run, fresh db)", fmt.Sprint(res.Created), benchkit.Sec(initDur), rate(res.Created, initDur),
		fmt.Sprintf("%.2f×", initDur.Seconds()/baseDur.Seconds()))
	t.Add("baseline: BatchInsert into orgs_baseline, 500/stmt, 1 tx", fmt.Sprint(expected), benchkit.Sec(baseDur), rate(expected, baseDur), "1.00×")
	t.Add("InitRegion (second run)", fmt.Sprint(res2.Created), benchkit.Sec(againDur), "—",
		fmt.Sprintf("%.2f×", againDur.Seconds()/baseDur.Seconds()))
	t.Print(out)

	var c benchkit.Table
	c.Head = []string{"check", "expected", "got", "result"}
	c.Add("created = len(Subtree(code))"+map[bool]string{true: " + national root", false: ""}[code == "all"],
		fmt.Sprint(expected), fmt.Sprint(res.Created), benchkit.PassFail(res.Created == expected))
	c.Add("rows in orgs", fmt.Sprint(expected), fmt.Sprint(orgRows), benchkit.PassFail(orgRows == expected))
	c.Add("second run creates nothing (idempotence)", "0", fmt.Sprint(res2.Created), benchkit.PassFail(res2.Created == 0 && res2.Renamed == 0 && res2.Relinked == 0))
	c.Print(out)

	var x benchkit.Table
	x.Head = []string{"context", "value"}
	x.Add("open + migrate", benchkit.Ms(openMigrate))
	x.Add("division data load (region.Load, included in InitRegion)", benchkit.Ms(loadDur))
	x.Add("aggregate rows written by InitRegion (org_agg)", fmt.Sprint(aggRows))
	x.Add("peak RSS of this process after the first run (VmHWM)", benchkit.MB(hwm))
	if code == "all" && d.Dialect == db.SQLite {
		x.Add("target: national init on SQLite < 30 s", benchkit.Met(initDur < 30*time.Second)+" ("+benchkit.Sec(initDur)+")")
	}
	x.Print(out)
	if cpuprofile != "" {
		fmt.Fprintf(out, "CPU profile of the first run: %s (go tool pprof -top %s)\n", cpuprofile, cpuprofile)
	}
	if memprofile != "" {
		fmt.Fprintf(out, "allocation profile of the first run: %s (go tool pprof -sample_index=alloc_space -top %s)\n", memprofile, memprofile)
	}
	return nil
}

// baselineRows builds the rows InitRegion inserts into a fresh database, in
// the same shape: ids from 1, materialized paths, the skeleton names.
func baselineRows(divs []region.Division, code string) [][]any {
	type node struct {
		id    int64
		path  string
		depth int
	}
	kinds := map[string]string{"党委": "committee", "党工委": "work_committee", "党支部": "branch"}
	categories := map[string]string{"机关": "organ", "社区": "community", "农村": "rural", "其他": "other"}
	now := db.Now()
	rows := make([][]any, 0, len(divs)+1)
	byCode := make(map[string]node, len(divs)+1)
	var next int64 = 1
	var national *node
	if code == "all" {
		n := node{id: next, path: fmt.Sprintf("/%d/", next)}
		national = &n
		next++
		rows = append(rows, []any{n.id, nil, n.path, 0, "中国共产党中央委员会", "中共中央", "committee", true, "organ", "national", nil, "", true, "active", "", now, now})
	}
	for _, dv := range divs {
		spec := region.Skeleton(dv)
		var parent *node
		if p, ok := byCode[dv.Parent]; ok {
			parent = &p
		} else if dv.Parent == "" && national != nil {
			parent = national
		}
		n := node{id: next, path: fmt.Sprintf("/%d/", next)}
		next++
		var pid any
		if parent != nil {
			pid = parent.id
			n.path = fmt.Sprintf("%s%d/", parent.path, n.id)
			n.depth = parent.depth + 1
		}
		byCode[dv.Code] = n
		rows = append(rows, []any{n.id, pid, n.path, n.depth, spec.Name, spec.ShortName, kinds[spec.Kind], spec.KindConfirmed,
			categories[spec.Category], dv.Level.Key(), dv.Code, dv.Name, true, "active", "", now, now})
	}
	return rows
}
