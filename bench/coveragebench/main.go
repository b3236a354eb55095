// Command coveragebench measures the coverage registry (M1) at the scale of
// a province: coverage rates of the province and of counties read from the
// aggregates, beside plain grouped counts over the same units; and the
// import of a large .xlsx file of units, phase by phase, beside raw batched
// inserts of the same rows.
//
//	go run ./bench/coveragebench -db sqlite:/tmp/jiceng-bench-cov.db -units 300000 -import 50000
//	go run ./bench/coveragebench -db postgres://postgres@127.0.0.1:5432/jiceng_bench_cov -units 300000 -import 50000
//
// The database is emptied first (the SQLite file deleted, the PostgreSQL
// database dropped and recreated), initialised with Guangxi (45), and
// filled with synthetic units across Guangxi's townships through
// coverage.Service.BulkCreate.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/xlsx"
)

func main() {
	dbURL := flag.String("db", "", "database URL: sqlite:PATH or postgres://…")
	units := flag.Int("units", 300000, "synthetic units registered before the measurements")
	imp := flag.Int("import", 50000, "rows of the imported .xlsx file")
	calls := flag.Int("n", 200, "calls per rates measurement")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the import to this file")
	flag.Parse()
	if *dbURL == "" {
		fmt.Fprintln(os.Stderr, "coveragebench: -db is required, e.g. -db sqlite:/tmp/jiceng-bench-cov.db")
		os.Exit(2)
	}
	if err := run(context.Background(), *dbURL, *units, *imp, *calls, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "coveragebench:", err)
		os.Exit(1)
	}
}

// place is a village with the territorial organizations above it.
type place struct {
	village   string
	county    string // 6-digit code
	township  int64  // organization id
	countyOrg int64
	townCode  string
}

const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

type gen struct {
	r     *rand.Rand
	used  map[string]bool
	seq   int
	place []place
}

// code returns a new valid credit code registered in county.
func (g *gen) code(prefix, county string) string {
	for {
		body := []byte("MA")
		for range 6 {
			body = append(body, creditChars[g.r.IntN(len(creditChars))])
		}
		c9, _ := ids.OrgCodeCheckChar(string(body))
		first := prefix + county + string(body) + string(c9)
		c18, _ := ids.CreditCodeCheckChar(first)
		c := first + string(c18)
		if !g.used[c] {
			g.used[c] = true
			return c
		}
	}
}

var industries = []string{"F", "F", "F", "C", "C", "L", "L", "E", "I", "H", "M", "O", "G", "K", "R", "A"}

// unit returns a synthetic unit: 85 % enterprises, log-normal employees,
// members in proportion, led by its township (one in ten by its county).
func (g *gen) unit() (coverage.Input, place) {
	g.seq++
	p := g.place[g.r.IntN(len(g.place))]
	prefix := "91"
	switch x := g.r.Float64(); {
	case x > 0.99:
		prefix = "53"
	case x > 0.94:
		prefix = "52"
	case x > 0.85:
		prefix = "51"
	}
	emp := max(1, min(5000, int(math.Round(math.Exp(math.Log(14)+1.05*g.r.NormFloat64())))))
	full := min(emp, int(math.Round(float64(emp)*0.05*g.r.ExpFloat64())))
	aff := p.township
	if g.r.IntN(10) == 0 {
		aff = p.countyOrg
	}
	return coverage.Input{CreditCode: g.code(prefix, p.county), Name: fmt.Sprintf("广西测试单位%07d有限公司", g.seq), Industry: industries[g.r.IntN(len(industries))],
		Employees: emp, FullMembers: full, RegionCode: p.village, AffiliationOrgID: aff, Address: "广西测试地址"}, p
}

func run(ctx context.Context, url string, nUnits, nImport, calls int, cpuprofile string) error {
	out := os.Stdout
	benchkit.Header(out, "coveragebench: coverage rates and unit import", "./bench/coveragebench")
	d, err := benchkit.Fresh(ctx, out, url)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(out, "- synthetic units: %d; import file: %d rows; rates calls per target: %d\n\n", nUnits, nImport, calls)

	a, err := benchkit.App(ctx, d)
	if err != nil {
		return err
	}
	orgs := a.Core().Orgs
	cov, regions := app.Service[*coverage.Service](a), a.Core().Regions
	sys := access.SystemActor("bench")
	t0 := time.Now()
	init, err := orgs.InitRegion(ctx, sys, "45")
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	initDur := time.Since(t0)

	// Villages with their township and county organizations.
	g := &gen{r: rand.New(rand.NewPCG(45, 300000)), used: map[string]bool{}}
	terr := map[string]int64{}
	rows, err := d.Query(ctx, "SELECT id, region_code FROM orgs WHERE territorial = ? AND level IN ('county', 'township')", true)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return err
		}
		terr[code] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	set, _ := regions.Get()
	divs, _ := set.Subtree("45")
	for _, dv := range divs {
		if dv.Level != region.Village {
			continue
		}
		town, county := terr[dv.Code[:9]], terr[dv.Code[:6]]
		if town == 0 || county == 0 {
			continue
		}
		g.place = append(g.place, place{village: dv.Code, county: dv.Code[:6], township: town, countyOrg: county, townCode: dv.Code[:9]})
	}
	// One joint branch per township covers part of its units.
	t1 := time.Now()
	joint := map[int64]int64{}
	var towns []int64
	for code, id := range terr {
		if len(code) == 9 {
			towns = append(towns, id)
		}
	}
	for _, id := range sortedIDs(towns) {
		o, err := orgs.Create(ctx, sys, org.Input{ParentID: id, Name: fmt.Sprintf("测试联合党支部%d", id), Kind: "joint_branch", Category: "private"})
		if err != nil {
			return fmt.Errorf("joint branch: %w", err)
		}
		joint[id] = o.ID
	}
	jointDur := time.Since(t1)
	t2 := time.Now()
	const chunk = 50000
	for done := 0; done < nUnits; done += chunk {
		batch := make([]coverage.BulkUnit, 0, min(chunk, nUnits-done))
		for range cap(batch) {
			in, p := g.unit()
			b := coverage.BulkUnit{Input: in}
			switch x := g.r.Float64(); {
			case x < 0.45 && in.AffiliationOrgID == p.township:
				b.Coverage, b.CoverageOrgID = coverage.Joint, joint[p.township]
			case x < 0.85:
				b.Coverage, b.Instructor = coverage.Instructor, "测试指导员"
			}
			batch = append(batch, b)
		}
		if _, err := cov.BulkCreate(ctx, sys, batch); err != nil {
			return fmt.Errorf("bulk create: %w", err)
		}
	}
	bulkDur := time.Since(t2)
	var aggRows int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM coverage_agg").Scan(&aggRows); err != nil {
		return err
	}

	var setup benchkit.Table
	setup.Head = []string{"setup step", "rows", "time", "rows/s"}
	setup.Add("InitRegion 45", fmt.Sprint(init.Created), benchkit.Sec(initDur), fmt.Sprintf("%.0f", float64(init.Created)/initDur.Seconds()))
	setup.Add("org.Service.Create: one joint branch per township", fmt.Sprint(len(joint)), benchkit.Sec(jointDur), fmt.Sprintf("%.0f", float64(len(joint))/jointDur.Seconds()))
	setup.Add(fmt.Sprintf("coverage.Service.BulkCreate, %d per call", chunk), fmt.Sprint(nUnits), benchkit.Sec(bulkDur), fmt.Sprintf("%.0f", float64(nUnits)/bulkDur.Seconds()))
	setup.Add("coverage_agg rows", fmt.Sprint(aggRows), "—", "—")
	setup.Print(out)

	// (a) Rates beside grouped counts over the same units.
	root, err := orgs.Get(ctx, sys, init.RootID)
	if err != nil {
		return err
	}
	targets := []org.Org{root}
	for _, code := range []string{"450102", "450103", "450305", "451122"} {
		if id, ok := terr[code]; ok {
			o, _ := orgs.Get(ctx, sys, id)
			targets = append(targets, o)
		}
	}
	var rt benchkit.Table
	rt.Head = []string{"scope", "units", "measurement", "calls", "p50", "p99", "max", "agrees", "p99 < 50 ms"}
	allOK := true
	for _, o := range targets {
		var r coverage.Rates
		ratesT := benchkit.TimeN(calls, func() error { var err error; r, err = cov.Rates(ctx, sys, o.ID, false); return err })
		var ri coverage.Rates
		indT := benchkit.TimeN(calls, func() error { var err error; ri, err = cov.Rates(ctx, sys, o.ID, true); return err })
		var count coverage.Counts
		var baseQ string
		var args []any
		if o.ID == root.ID {
			baseQ = "SELECT coverage, COUNT(*) FROM units GROUP BY coverage"
		} else {
			baseQ = "SELECT u.coverage, COUNT(*) FROM units u JOIN orgs a ON a.id = u.affiliation_org_id WHERE a.path >= ? AND a.path < ? GROUP BY u.coverage"
			args = []any{o.Path, access.PathUpper(o.Path)}
		}
		baseT := benchkit.TimeN(calls, func() error {
			count = coverage.Counts{}
			rows, err := d.Query(ctx, baseQ, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var c string
				var n int
				if err := rows.Scan(&c, &n); err != nil {
					return err
				}
				count.Units += n
				switch c {
				case coverage.Own:
					count.Own += n
				case coverage.Joint:
					count.Joint += n
				case coverage.Instructor:
					count.Instructor += n
				case coverage.None:
					count.None += n
				}
			}
			return rows.Err()
		})
		indQ := "SELECT industry, coverage, COUNT(*) FROM units GROUP BY industry, coverage"
		if o.ID != root.ID {
			indQ = "SELECT u.industry, u.coverage, COUNT(*) FROM units u JOIN orgs a ON a.id = u.affiliation_org_id WHERE a.path >= ? AND a.path < ? GROUP BY u.industry, u.coverage"
		}
		indBaseT := benchkit.TimeN(calls, func() error {
			rows, err := d.Query(ctx, indQ, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		})
		for _, m := range []benchkit.Timing{ratesT, indT, baseT, indBaseT} {
			if m.Err != nil {
				return m.Err
			}
		}
		agree := r.Total == count && ri.Total == count
		allOK = allOK && agree
		label := o.Label() + " (" + o.RegionCode + ")"
		row := func(first, what string, m benchkit.Timing, agrees, target string) {
			units := ""
			if first != "" {
				units = fmt.Sprint(count.Units)
			}
			rt.Add(first, units, what, fmt.Sprint(m.Calls), benchkit.Ms(m.P50), benchkit.Ms(m.P99), benchkit.Ms(m.Max), agrees, target)
		}
		row(label, "Rates (aggregates + children)", ratesT, benchkit.PassFail(agree), benchkit.Met(ratesT.P99 < 50*time.Millisecond))
		what := "baseline: SELECT coverage, COUNT(*) FROM units GROUP BY coverage"
		if o.ID != root.ID {
			what = "baseline: same, JOIN orgs ON the county's path range"
		}
		row("", what, baseT, "", "—")
		row("", "Rates with by_industry slices", indT, "", benchkit.Met(indT.P99 < 50*time.Millisecond))
		row("", "baseline: the by_industry GROUP BY alone (root: without the join)", indBaseT, "", "—")
	}
	rt.Print(out)

	// (b) Import of an .xlsx file.
	accts := a.Core().Accounts
	u, err := accts.Create(ctx, sys, account.NewUser{Username: "benchimport", DisplayName: "导入测试", Password: account.RandomPassword(), HomeOrgID: root.ID, Role: access.Admin})
	if err != nil {
		return fmt.Errorf("user: %w", err)
	}
	actor := a.Core().Perms.Bind(access.Actor{UserID: u.ID, Username: "benchimport", Grants: []access.Grant{{Role: access.Admin, OrgID: root.ID, OrgPath: root.Path}}})
	header := coverage.ImportHeader()
	var inputs []coverage.Input
	var places []place
	for range nImport {
		in, p := g.unit()
		in.AffiliationOrgID = 0
		inputs = append(inputs, in)
		places = append(places, p)
	}
	file, err := writeXLSX(header, inputs, places)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Import file: %d rows, %.1f MB (.xlsx written with excelize's StreamWriter); affiliation given by the township's division code.\n\n", nImport, float64(len(file))/1e6)
	var before int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM units").Scan(&before); err != nil {
		return err
	}
	runtime.GC()
	stop, err := benchkit.StartCPUProfile(cpuprofile)
	if err != nil {
		return err
	}
	tr := time.Now()
	hdr, data, err := xlsx.Read(bytes.NewReader(file))
	readDur := time.Since(tr)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	tp := time.Now()
	sess, err := cov.PrepareImport(ctx, actor, u.ID, "bench.xlsx", hdr, data)
	prepDur := time.Since(tp)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if sess.Status != "ready" {
		return fmt.Errorf("prepare: %d problems, first %v", len(sess.Problems), sess.Problems[0])
	}
	ta := time.Now()
	n, err := cov.ApplyImport(ctx, actor, u.ID, sess.ID)
	applyDur := time.Since(ta)
	stop()
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	total := readDur + prepDur + applyDur
	_, hwm := benchkit.ProcStatus("self")
	var after int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM units").Scan(&after); err != nil {
		return err
	}
	rr, _ := cov.Rates(ctx, sys, root.ID, false)

	// Baseline: the same rows, raw, into a copy of the units table.
	if err := benchkit.CopyTable(ctx, d, 2, "units"); err != nil {
		return fmt.Errorf("baseline table: %w", err)
	}
	now := db.Now()
	base := make([][]any, len(inputs))
	for i, in := range inputs {
		base[i] = []any{int64(10_000_000 + i), in.CreditCode, in.Name, "private", false, in.Industry, in.Employees, "below", in.RegionCode, in.Address,
			"", false, in.FullMembers, 0, places[i].township, "none", nil, "", "active", now, now}
	}
	tb := time.Now()
	err = d.InTx(ctx, func(tx *db.Tx) error { return tx.BatchInsert(ctx, "units_baseline", baselineCols, base, 500) })
	baseDur := time.Since(tb)
	if err != nil {
		return fmt.Errorf("baseline insert: %w", err)
	}
	if _, err := d.Exec(ctx, "DROP TABLE units_baseline"); err != nil {
		return fmt.Errorf("drop baseline table: %w", err)
	}

	var it benchkit.Table
	it.Head = []string{"phase", "rows", "time", "rows/s", "vs baseline"}
	ratio := func(x time.Duration) string { return fmt.Sprintf("%.2f×", x.Seconds()/baseDur.Seconds()) }
	rate := func(x time.Duration) string { return fmt.Sprintf("%.0f", float64(nImport)/x.Seconds()) }
	it.Add("xlsx.Read", fmt.Sprint(len(data)), benchkit.Sec(readDur), rate(readDur), ratio(readDur))
	it.Add("PrepareImport (validate, look up, store session)", fmt.Sprint(sess.Total), benchkit.Sec(prepDur), rate(prepDur), ratio(prepDur))
	it.Add("ApplyImport (recheck, insert, history, aggregates, audit)", fmt.Sprint(n), benchkit.Sec(applyDur), rate(applyDur), ratio(applyDur))
	it.Add("**total**", fmt.Sprint(n), "**"+benchkit.Sec(total)+"**", rate(total), ratio(total))
	it.Add("baseline: BatchInsert into units_baseline, 500/stmt, 1 tx", fmt.Sprint(nImport), benchkit.Sec(baseDur), rate(baseDur), "1.00×")
	it.Print(out)

	var c benchkit.Table
	c.Head = []string{"check", "expected", "got", "result"}
	c.Add("units after import", fmt.Sprint(before+nImport), fmt.Sprint(after), benchkit.PassFail(after == before+nImport))
	c.Add("Rates(root).Total.Units = COUNT(*) FROM units", fmt.Sprint(after), fmt.Sprint(rr.Total.Units), benchkit.PassFail(rr.Total.Units == after))
	c.Add("every Rates total equals its grouped count", "PASS", benchkit.PassFail(allOK), benchkit.PassFail(allOK))
	c.Add("target: import under 10 s", "< 10 s", benchkit.Sec(total), benchkit.Met(total < 10*time.Second))
	c.Print(out)
	fmt.Fprintf(out, "Peak RSS of this process (VmHWM) after the import: %s\n", benchkit.MB(hwm))
	if cpuprofile != "" {
		fmt.Fprintf(out, "CPU profile of the import: %s (go tool pprof -top %s)\n", cpuprofile, cpuprofile)
	}
	return nil
}

func sortedIDs(ids []int64) []int64 {
	out := append([]int64{}, ids...)
	slices.Sort(out)
	return out
}

// writeXLSX writes the import file in the template's column order.
func writeXLSX(header []string, inputs []coverage.Input, places []place) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		return nil, err
	}
	for i, in := range inputs {
		vals := map[string]any{"名称": in.Name, "统一社会信用代码": in.CreditCode, "所在区划代码": in.RegionCode, "隶属党组织区划代码": places[i].townCode,
			"法定代表人": "测试", "住所": in.Address, "行业": in.Industry, "从业人数": in.Employees, "正式党员": in.FullMembers, "预备党员": 0, "法定代表人是否党员": "否"}
		row := make([]any, len(header))
		for j, h := range header {
			if v, ok := vals[h]; ok {
				row[j] = v
			} else {
				row[j] = ""
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var baselineCols = []string{"id", "credit_code", "name", "category", "category_confirmed", "industry", "employees", "size_class", "region_code", "address",
	"legal_rep", "legal_rep_member", "full_members", "probationary_members", "affiliation_org_id", "coverage", "coverage_org_id", "instructor", "status",
	"created_at", "updated_at"}
