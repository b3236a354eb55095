// Command peoplebench measures the member register (M3, M4, M7) at the
// scale of a province: Guangxi's territorial tree with generated branches
// and about 2.5 million members, registered through the member import.
// It measures subtree member statistics at the province, a city and a
// county beside a grouped count of the same members; a county's member
// list of about 100,000, filtered and in pinyin order, beside an unsorted
// page of the same rows; lookup by ID number beside the bare index probe;
// and the import of a 100,000-row .xlsx file beside raw batched inserts of
// the same rows. After the import the counts are compared with a recount.
//
//	go run ./bench/peoplebench -db sqlite:/tmp/jiceng-bench-people.db
//	go run ./bench/peoplebench -db postgres://postgres@127.0.0.1:5432/jiceng_bench_people
//
// The database is emptied first (the SQLite file deleted, the PostgreSQL
// database dropped and recreated).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/bench/internal/benchkit"
	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/xlsx"
)

func main() {
	dbURL := flag.String("db", "", "database URL: sqlite:PATH or postgres://…")
	members := flag.Int("members", 2500000, "members registered before the measurements")
	county := flag.Int("county", 100000, "of them, members of the measured county (兴宁区, 450102)")
	branches := flag.Int("branches", 2000, "generated Party branches added to the territorial tree")
	imp := flag.Int("import", 100000, "rows of the measured import file")
	calls := flag.Int("n", 200, "calls per measurement")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured import to this file")
	flag.Parse()
	if *dbURL == "" {
		fmt.Fprintln(os.Stderr, "peoplebench: -db is required, e.g. -db sqlite:/tmp/jiceng-bench-people.db")
		os.Exit(2)
	}
	if err := run(context.Background(), *dbURL, *members, *county, *branches, *imp, *calls, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "peoplebench:", err)
		os.Exit(1)
	}
}

// gen draws members: valid ID numbers of Guangxi's counties, names, dates
// and education in a register's proportions.
type gen struct {
	r    *rand.Rand
	used map[string]bool
}

var (
	surnames = []string{"李", "王", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高", "梁", "韦", "蒙", "覃", "莫", "农", "卢", "陆", "廖", "邓"}
	given    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "平", "刚", "桂英", "建华", "志强", "海燕", "春梅", "文", "斌", "宁", "红"}
	eths     = []string{"汉族", "汉族", "汉族", "汉族", "壮族", "壮族", "壮族", "瑶族", "苗族", "侗族"}
	edus     = []string{"大学本科", "大学本科", "大学专科", "大学专科", "普通高中", "初中", "硕士研究生", "中等专科"}
)

// member is one row of an import: the template's columns by name.
func (g *gen) member(countyCode string, orgID int64) map[string]string {
	var id string
	var birth time.Time
	for {
		birth = time.Date(1940+g.r.IntN(62), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC)
		first17 := countyCode + birth.Format("20060102") + fmt.Sprintf("%03d", g.r.IntN(1000))
		id = first17 + string(ids.IDCardCheckChar(first17))
		if !g.used[id] {
			g.used[id] = true
			break
		}
	}
	joined := birth.AddDate(19+g.r.IntN(20), g.r.IntN(12), 0)
	kind, full := "正式党员", ""
	if limit := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); joined.After(limit) {
		joined = limit.AddDate(0, -g.r.IntN(11), 0)
		kind = "预备党员"
	} else if g.r.IntN(3) == 0 && joined.Before(time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)) {
		full = joined.AddDate(1, 0, 0).Format(time.DateOnly)
	}
	return map[string]string{"姓名": surnames[g.r.IntN(len(surnames))] + given[g.r.IntN(len(given))], "公民身份号码": id, "民族": eths[g.r.IntN(len(eths))],
		"学历": edus[g.r.IntN(len(edus))], "人员类别": kind, "入党日期": joined.Format(time.DateOnly), "转为正式党员日期": full, "所在党组织编号": strconv.FormatInt(orgID, 10)}
}

// rows lays members out in the template's columns.
func rows(ms []map[string]string) ([]string, [][]string) {
	header := people.MemberImportHeader()
	out := make([][]string, len(ms))
	for i, m := range ms {
		line := make([]string, len(header))
		for j, h := range header {
			line[j] = m[h]
		}
		out[i] = line
	}
	return header, out
}

func run(ctx context.Context, url string, nMembers, nCounty, nBranches, nImport, calls int, cpuprofile string) error {
	out := os.Stdout
	benchkit.Header(out, "peoplebench: the member register at the scale of a province", "./bench/peoplebench")
	d, err := benchkit.Fresh(ctx, out, url)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(out, "- members: %d (%d in 兴宁区); generated branches: %d; import file: %d rows; calls per measurement: %d\n\n", nMembers, nCounty, nBranches, nImport, calls)
	a, err := benchkit.App(ctx, d)
	if err != nil {
		return err
	}
	core := a.Core()
	orgs, ppl := core.Orgs, app.Service[*people.Service](a)
	sys := access.SystemActor("bench")
	t0 := time.Now()
	init, err := orgs.InitRegion(ctx, sys, "45")
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	initDur := time.Since(t0)
	// Every organization with its county's code; branches under random
	// townships.
	type place struct {
		id     int64
		county string
	}
	var all, inCounty []place
	var towns []place
	rs, err := d.Query(ctx, "SELECT id, region_code, level FROM orgs WHERE territorial = ?", true)
	if err != nil {
		return err
	}
	for rs.Next() {
		var id int64
		var code, level string
		if err := rs.Scan(&id, &code, &level); err != nil {
			rs.Close()
			return err
		}
		if len(code) < 6 {
			continue
		}
		p := place{id, code[:6]}
		all = append(all, p)
		if level == "township" {
			towns = append(towns, p)
		}
	}
	rs.Close()
	slices.SortFunc(all, func(x, y place) int { return int(x.id - y.id) })
	slices.SortFunc(towns, func(x, y place) int { return int(x.id - y.id) })
	g := &gen{r: rand.New(rand.NewPCG(45, 2500000)), used: map[string]bool{}}
	t1 := time.Now()
	for i := range nBranches {
		t := towns[g.r.IntN(len(towns))]
		o, err := orgs.Create(ctx, sys, org.Input{ParentID: t.id, Name: fmt.Sprintf("测试机关第%d党支部", i+1), Kind: "branch", Category: "organ"})
		if err != nil {
			return fmt.Errorf("branch: %w", err)
		}
		all = append(all, place{o.ID, t.county})
	}
	branchDur := time.Since(t1)
	for _, p := range all {
		if p.county == "450102" {
			inCounty = append(inCounty, p)
		}
	}
	var nOrgs int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM orgs").Scan(&nOrgs); err != nil {
		return err
	}
	root, err := orgs.Get(ctx, sys, init.RootID)
	if err != nil {
		return err
	}
	u, err := core.Accounts.Create(ctx, sys, account.NewUser{Username: "benchimport", DisplayName: "导入测试", Password: account.RandomPassword(), HomeOrgID: root.ID, Role: access.Admin})
	if err != nil {
		return fmt.Errorf("user: %w", err)
	}
	admin := core.Perms.Bind(access.Actor{UserID: u.ID, Username: "benchimport", Grants: []access.Grant{{Role: access.Admin, OrgID: root.ID, OrgPath: root.Path}}})

	// Register the members through the import, 100,000 to a file.
	register := func(ms []map[string]string) (prep, apply time.Duration, err error) {
		h, data := rows(ms)
		tp := time.Now()
		sess, err := ppl.PrepareMemberImport(ctx, admin, u.ID, "bench.xlsx", h, data)
		prep = time.Since(tp)
		if err != nil {
			return 0, 0, err
		}
		if sess.Status != "ready" {
			return 0, 0, fmt.Errorf("%d problems, the first: %s", len(sess.Problems), sess.Problems[0].ZH)
		}
		ta := time.Now()
		if _, err := ppl.ApplyMemberImport(ctx, admin, u.ID, sess.ID); err != nil {
			return 0, 0, err
		}
		return prep, time.Since(ta), nil
	}
	t2 := time.Now()
	const chunk = 100000
	var batch []map[string]string
	for i := range nMembers {
		p := all[g.r.IntN(len(all))]
		if i < nCounty {
			p = inCounty[g.r.IntN(len(inCounty))]
		} else {
			for p.county == "450102" {
				p = all[g.r.IntN(len(all))]
			}
		}
		batch = append(batch, g.member(p.county, p.id))
		if len(batch) == chunk || i == nMembers-1 {
			if _, _, err := register(batch); err != nil {
				return fmt.Errorf("register: %w", err)
			}
			batch = batch[:0]
		}
	}
	regDur := time.Since(t2)
	var setup benchkit.Table
	setup.Head = []string{"setup step", "rows", "time", "rows/s"}
	setup.Add("InitRegion 45", fmt.Sprint(init.Created), benchkit.Sec(initDur), fmt.Sprintf("%.0f", float64(init.Created)/initDur.Seconds()))
	setup.Add("org.Service.Create: generated branches", fmt.Sprint(nBranches), benchkit.Sec(branchDur), fmt.Sprintf("%.0f", float64(nBranches)/branchDur.Seconds()))
	setup.Add(fmt.Sprintf("member import (check + apply), %d per file", chunk), fmt.Sprint(nMembers), benchkit.Sec(regDur), fmt.Sprintf("%.0f", float64(nMembers)/regDur.Seconds()))
	setup.Add("organizations in the tree", fmt.Sprint(nOrgs), "—", "—")
	setup.Print(out)
	d.Analyze(ctx, "persons", "memberships", "people_agg", "orgs")
	if d.Dialect == db.Postgres {
		// As autovacuum would after so many inserts (this machine's server
		// runs without it): index-only scans need the visibility map.
		if _, err := d.Exec(ctx, "VACUUM persons, memberships, people_agg, orgs"); err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
	}

	// (a) Subtree statistics beside a grouped count of the same members.
	targets := []org.Org{root}
	for _, code := range []string{"4501", "450102", "451122"} {
		l, _, err := orgs.List(ctx, sys, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			return fmt.Errorf("organization of %s: %v", code, err)
		}
		targets = append(targets, l[0])
	}
	var st benchkit.Table
	st.Head = []string{"scope", "members", "measurement", "calls", "p50", "p99", "max", "agrees", "p99 < 20 ms"}
	allOK := true
	for _, o := range targets {
		reader := core.Perms.Bind(access.Actor{UserID: 9, Username: "reader", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: o.ID, OrgPath: o.Path}}})
		var s people.Stats
		statsT := benchkit.TimeN(calls, func() error { var err error; s, err = ppl.Stats(ctx, reader, o.ID); return err })
		var full, prob int
		baseT := benchkit.TimeN(calls, func() error {
			full, prob = 0, 0
			rows, err := d.Query(ctx, "SELECT m.kind, COUNT(*) FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.active = ? AND o.path >= ? AND o.path < ? GROUP BY m.kind",
				true, o.Path, access.PathUpper(o.Path))
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var k string
				var n int
				if err := rows.Scan(&k, &n); err != nil {
					return err
				}
				if k == "full" {
					full = n
				} else {
					prob = n
				}
			}
			return rows.Err()
		})
		if err := errors.Join(statsT.Err, baseT.Err); err != nil {
			return err
		}
		agree := s.Total == full+prob && s.Probationary == prob
		allOK = allOK && agree
		st.Add(o.Label()+" ("+o.RegionCode+")", fmt.Sprint(s.Total), "people.Service.Stats (people_agg)", fmt.Sprint(statsT.Calls), benchkit.Ms(statsT.P50), benchkit.Ms(statsT.P99),
			benchkit.Ms(statsT.Max), benchkit.PassFail(agree), benchkit.Met(statsT.P99 < 20*time.Millisecond))
		st.Add("", "", "baseline: COUNT(*) GROUP BY kind over the subtree's memberships", fmt.Sprint(baseT.Calls), benchkit.Ms(baseT.P50), benchkit.Ms(baseT.P99), benchkit.Ms(baseT.Max), "", "—")
	}
	st.Print(out)

	// (b) The county's member list and lookup by ID number.
	county := targets[2]
	reader := core.Perms.Bind(access.Actor{UserID: 9, Username: "reader", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: county.ID, OrgPath: county.Path}}})
	// The last row of the page before, where the pager's next link starts
	// the page measured.
	lastOf := func(q people.MemberQuery) (string, error) {
		q.Limit = 1
		last, _, err := ppl.Members(ctx, reader, q)
		if err != nil || len(last) != 1 {
			return "", fmt.Errorf("row %d of %+v: %d rows, %v", q.Offset+1, q, len(last), err)
		}
		return last[0].Position(), nil
	}
	page99, err := lastOf(people.MemberQuery{Under: county.ID, Offset: 4949})
	if err != nil {
		return err
	}
	women99, err := lastOf(people.MemberQuery{Under: county.ID, Gender: "female", Offset: 4949})
	if err != nil {
		return err
	}
	two1, err := lastOf(people.MemberQuery{Under: county.ID, AgeBand: "45", Education: "2", Offset: 49})
	if err != nil {
		return err
	}
	var lt benchkit.Table
	lt.Head = []string{"measurement", "rows matched", "calls", "p50", "p99", "max", "target"}
	for _, c := range []struct {
		what string
		q    people.MemberQuery
	}{
		{"Members: the county, pinyin order, first page", people.MemberQuery{Under: county.ID}},
		{"Members: the county, women, pinyin order", people.MemberQuery{Under: county.ID, Gender: "female"}},
		{"Members: the county, probationary, pinyin order", people.MemberQuery{Under: county.ID, Kind: "probationary"}},
		{"Members: the county, 36–45, 本科, pinyin order", people.MemberQuery{Under: county.ID, AgeBand: "45", Education: "2"}},
		{"Members: the county, page 100 in pinyin order, by its number (offset 4,950)", people.MemberQuery{Under: county.ID, Offset: 4950}},
		{"Members: the county, page 100 in pinyin order, by the next link of page 99 (after its last row)", people.MemberQuery{Under: county.ID, After: page99, Offset: 4950}},
		{"Members: the county, women, page 100 by the next link", people.MemberQuery{Under: county.ID, Gender: "female", After: women99, Offset: 4950}},
		{"Members: the county, 36–45, 本科, page 2 by the next link", people.MemberQuery{Under: county.ID, AgeBand: "45", Education: "2", After: two1, Offset: 50}},
	} {
		var total int
		m := benchkit.TimeN(calls, func() error { var err error; _, total, err = ppl.Members(ctx, reader, c.q); return err })
		if m.Err != nil {
			return m.Err
		}
		lt.Add(c.what, fmt.Sprint(total), fmt.Sprint(m.Calls), benchkit.Ms(m.P50), benchkit.Ms(m.P99), benchkit.Ms(m.Max), benchkit.Met(m.P99 < 50*time.Millisecond)+" (< 50 ms)")
	}
	base := benchkit.TimeN(calls, func() error {
		rows, err := d.Query(ctx, "SELECT m.id FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.active = ? AND o.path >= ? AND o.path < ? LIMIT 50",
			true, county.Path, access.PathUpper(county.Path))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	})
	lt.Add("baseline: 50 of the county's memberships, unsorted, no count", "—", fmt.Sprint(base.Calls), benchkit.Ms(base.P50), benchkit.Ms(base.P99), benchkit.Ms(base.Max), "—")
	// Lookup by whole ID number: numbers of the county drawn in order.
	var numbers []string
	for id := range g.used {
		if id[:6] == "450102" {
			numbers = append(numbers, id)
			if len(numbers) == 1000 {
				break
			}
		}
	}
	slices.Sort(numbers)
	i := 0
	var found int
	look := benchkit.TimeN(calls, func() error {
		_, n, err := ppl.Members(ctx, reader, people.MemberQuery{Q: numbers[i%len(numbers)]})
		i++
		found += n
		return err
	})
	if look.Err != nil {
		return look.Err
	}
	lt.Add("Members: a whole ID number (keyed index), the county's reader", fmt.Sprintf("%d of %d", found, look.Calls+3), fmt.Sprint(look.Calls), benchkit.Ms(look.P50), benchkit.Ms(look.P99), benchkit.Ms(look.Max),
		benchkit.Met(look.P99 < 5*time.Millisecond && found == look.Calls+3)+" (< 5 ms)")
	var idIndex string
	if err := d.QueryRow(ctx, "SELECT id_index FROM persons ORDER BY id LIMIT 1").Scan(&idIndex); err != nil {
		return err
	}
	probe := benchkit.TimeN(calls, func() error {
		var id int64
		return d.QueryRow(ctx, "SELECT id FROM persons WHERE id_index = ?", idIndex).Scan(&id)
	})
	lt.Add("baseline: SELECT id FROM persons WHERE id_index = ?", "1", fmt.Sprint(probe.Calls), benchkit.Ms(probe.P50), benchkit.Ms(probe.P99), benchkit.Ms(probe.Max), "—")
	lt.Print(out)

	// (c) The import of a .xlsx file of nImport members beside raw inserts.
	var ms []map[string]string
	for range nImport {
		p := all[g.r.IntN(len(all))]
		ms = append(ms, g.member(p.county, p.id))
	}
	h, data := rows(ms)
	file, err := writeXLSX(h, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Import file: %d rows, %.1f MB (.xlsx written with excelize's StreamWriter); organization given by number.\n\n", nImport, float64(len(file))/1e6)
	tr := time.Now()
	hdr, rowsRead, err := xlsx.Read(bytes.NewReader(file))
	readDur := time.Since(tr)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	ms = ms[:0]
	for _, r := range rowsRead {
		m := map[string]string{}
		for j, name := range hdr {
			if j < len(r) {
				m[name] = r[j]
			}
		}
		ms = append(ms, m)
	}
	// The header of a read file names the required columns with "*" only
	// in the template; this file has none, so the names are as written.
	stop, err := benchkit.StartCPUProfile(cpuprofile)
	if err != nil {
		return err
	}
	prep, apply, err := register(ms)
	stop()
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	total := readDur + prep + apply
	// Baseline: the same rows inserted raw into copies of the tables.
	for _, t := range []string{"persons", "memberships"} {
		if err := benchkit.CopyTable(ctx, d, 12, t); err != nil {
			return fmt.Errorf("baseline table: %w", err)
		}
	}
	tb := time.Now()
	err = d.InTx(ctx, func(tx *db.Tx) error {
		persons := make([][]any, len(data))
		members := make([][]any, len(data))
		for i, r := range data {
			persons[i] = []any{i + 1, r[0], r[0], "male", "1980-01-01", "01", "21", []byte(r[1]), r[1], r[1], nil, "", "t", "t"}
			members[i] = []any{i + 1, i + 1, root.ID, "full", r[5], nil, "normal", "", true, r[5]}
		}
		if err := tx.BatchInsert(ctx, "persons_baseline", []string{"id", "name", "name_key", "gender", "birth_date", "ethnicity", "education",
			"id_sealed", "id_index", "id_mask", "phone_sealed", "phone_mask", "created_at", "updated_at"}, persons, 200); err != nil {
			return err
		}
		return tx.BatchInsert(ctx, "memberships_baseline", []string{"id", "person_id", "org_id", "kind", "joined_on", "full_on", "status", "floating_where", "active", "started_on"}, members, 300)
	})
	baseDur := time.Since(tb)
	if err != nil {
		return fmt.Errorf("baseline insert: %w", err)
	}
	for _, t := range []string{"memberships_baseline", "persons_baseline"} {
		if _, err := d.Exec(ctx, "DROP TABLE "+t); err != nil {
			return err
		}
	}
	rate := func(dur time.Duration) string { return fmt.Sprintf("%.0f", float64(nImport)/dur.Seconds()) }
	var it benchkit.Table
	it.Head = []string{"phase", "rows", "time", "rows/s", "vs baseline"}
	it.Add("read the .xlsx (xlsx.Read)", fmt.Sprint(nImport), benchkit.Sec(readDur), rate(readDur), fmt.Sprintf("%.2f×", readDur.Seconds()/baseDur.Seconds()))
	it.Add("PrepareMemberImport: every row checked, numbers looked up, session sealed", fmt.Sprint(nImport), benchkit.Sec(prep), rate(prep), fmt.Sprintf("%.2f×", prep.Seconds()/baseDur.Seconds()))
	it.Add("ApplyMemberImport: persons, memberships, timelines, counts, audit", fmt.Sprint(nImport), benchkit.Sec(apply), rate(apply), fmt.Sprintf("%.2f×", apply.Seconds()/baseDur.Seconds()))
	it.Add("the whole import", fmt.Sprint(nImport), benchkit.Sec(total), rate(total), fmt.Sprintf("%.2f× %s (< 30 s)", total.Seconds()/baseDur.Seconds(), benchkit.Met(total < 30*time.Second)))
	it.Add("baseline: BatchInsert of the rows into copies of persons and memberships, 1 tx", fmt.Sprint(nImport), benchkit.Sec(baseDur), rate(baseDur), "1.00×")
	it.Print(out)

	// The counts after every import equal a recount, at the root and at
	// every county.
	recount := map[int64]int{}
	rs, err = d.Query(ctx, "SELECT o.path FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.active = ?", true)
	if err != nil {
		return err
	}
	for rs.Next() {
		var path string
		if err := rs.Scan(&path); err != nil {
			rs.Close()
			return err
		}
		for _, id := range org.PathIDs(path) {
			recount[id]++
		}
	}
	rs.Close()
	kept := map[int64]int{}
	rs, err = d.Query(ctx, "SELECT org_id, n FROM people_agg WHERE dim = 'all' AND n <> 0")
	if err != nil {
		return err
	}
	for rs.Next() {
		var id int64
		var n int
		if err := rs.Scan(&id, &n); err != nil {
			rs.Close()
			return err
		}
		kept[id] = n
	}
	rs.Close()
	same := len(kept) == len(recount)
	for id, n := range recount {
		same = same && kept[id] == n
	}
	allOK = allOK && same
	fmt.Fprintf(out, "Counts after the imports: %d organizations with members; people_agg equals a recount of the memberships at every one: %s\n", len(recount), benchkit.PassFail(same))
	if !allOK {
		return errors.New("a measurement disagrees with its baseline count")
	}
	return nil
}

// writeXLSX writes the import file with excelize's StreamWriter.
func writeXLSX(header []string, data [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter(f.GetSheetName(0))
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
	for i, r := range data {
		row := make([]any, len(r))
		for j, v := range r {
			row[j] = v
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
