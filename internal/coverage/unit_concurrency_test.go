package coverage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestAggregatesUnderConcurrentTreeChanges writes, closes, reopens and
// imports units while general branches move between townships and fresh
// branches are created and dissolved, all at once against the real
// database. Afterwards every coverage_agg and org_agg row equals a recount
// from the units and organizations, and no active unit belongs to a
// dissolved organization.
func TestAggregatesUnderConcurrentTreeChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	towns, _, err := f.orgs.List(ctx, f.admin, org.ListQuery{Under: f.xn.ID, ChildrenOnly: true, Limit: 6})
	if err != nil || len(towns) != 6 {
		t.Fatalf("townships: %v %d", err, len(towns))
	}
	var gbs []org.Org
	var mu sync.Mutex
	var leaves, fresh []int64
	for i := 0; i < 4; i++ {
		gb, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: towns[i].ID, Name: fmt.Sprintf("测试商圈第%d党总支", i+1), Kind: "general_branch", Category: "private"})
		if err != nil {
			t.Fatal(err)
		}
		gbs = append(gbs, gb)
		for j := 0; j < 2; j++ {
			b, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: gb.ID, Name: fmt.Sprintf("测试商圈第%d党总支第%d党支部", i+1, j+1), Kind: "branch", Category: "private"})
			if err != nil {
				t.Fatal(err)
			}
			leaves = append(leaves, b.ID)
		}
	}
	uid := user(t, f, "importer")

	var serial atomic.Int64
	serial.Store(20000)
	var units sync.Map // id → true
	var failures []string
	fail := func(what string, err error) {
		if err == nil {
			return
		}
		// Refusals (a dissolved organization, a unit already closed …)
		// are the expected outcome of a race; anything else is a fault.
		switch errs.KindOf(err) {
		case errs.Conflict, errs.Invalid, errs.NotFound:
			return
		}
		mu.Lock()
		failures = append(failures, what+": "+err.Error())
		mu.Unlock()
	}
	// target is a stable branch, or the branch most recently created for
	// dissolution, the one a dissolve is racing against.
	target := func(r *rand.Rand) int64 {
		mu.Lock()
		defer mu.Unlock()
		if len(fresh) > 0 && r.IntN(2) == 0 {
			return fresh[len(fresh)-1]
		}
		return leaves[r.IntN(len(leaves))]
	}
	anyUnit := func(r *rand.Rand) int64 {
		var ids []int64
		units.Range(func(k, _ any) bool { ids = append(ids, k.(int64)); return true })
		if len(ids) == 0 {
			return 0
		}
		// The newest few, so that both writers often change the same unit.
		sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
		return ids[r.IntN(min(len(ids), 4))]
	}
	input := func(r *rand.Rand, aff int64) coverage.Input {
		n := int(serial.Add(1))
		return coverage.Input{CreditCode: code("91", "450102", n), Name: fmt.Sprintf("并发测试企业%05d有限公司", n), Industry: string(rune('A' + r.IntN(5))),
			Employees: r.IntN(100), FullMembers: r.IntN(4), RegionCode: "450102001003", AffiliationOrgID: aff}
	}

	var wg sync.WaitGroup
	run := func(seed uint64, fn func(r *rand.Rand)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(rand.New(rand.NewPCG(seed, 9)))
		}()
	}
	run(1, func(r *rand.Rand) { // moves
		for i := 0; i < 30; i++ {
			_, err := f.orgs.Move(ctx, f.admin, gbs[r.IntN(len(gbs))].ID, towns[r.IntN(len(towns))].ID)
			fail("move", err)
		}
	})
	run(2, func(r *rand.Rand) { // fresh branches, dissolved as soon as made
		for i := 0; i < 30; i++ {
			b, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: gbs[r.IntN(len(gbs))].ID, Name: fmt.Sprintf("临时测试党支部%02d", i), Kind: "branch", Category: "private"})
			if err != nil {
				fail("create branch", err)
				continue
			}
			mu.Lock()
			fresh = append(fresh, b.ID)
			mu.Unlock()
			_, err = f.orgs.Dissolve(ctx, f.admin, b.ID, "", "")
			fail("dissolve", err)
		}
	})
	for w := uint64(0); w < 2; w++ {
		run(10+w, func(r *rand.Rand) { // unit writes
			for i := 0; i < 40; i++ {
				switch op := r.IntN(10); {
				case op < 5:
					u, err := f.cov.Create(ctx, f.admin, input(r, target(r)))
					fail("create unit", err)
					if err == nil {
						units.Store(u.ID, true)
					}
				case op < 7:
					if id := anyUnit(r); id != 0 {
						emp, aff := r.IntN(100), target(r)
						_, err := f.cov.Update(ctx, f.admin, id, coverage.Patch{Employees: &emp, AffiliationOrgID: &aff})
						fail("update unit", err)
					}
				case op < 8:
					if id := anyUnit(r); id != 0 {
						_, err := f.cov.SetCoverage(ctx, f.admin, id, coverage.CoverageInput{Coverage: coverage.Instructor, Instructor: "张指导"})
						fail("coverage", err)
					}
				case op < 9:
					if id := anyUnit(r); id != 0 {
						_, err := f.cov.Close(ctx, f.admin, id, coverage.CloseInput{Reason: coverage.CloseDeregistered, EffectiveOn: "2026-01-05"})
						fail("close", err)
					}
				default:
					if id := anyUnit(r); id != 0 {
						_, err := f.cov.Reopen(ctx, f.admin, id, coverage.ReopenInput{Note: "注销有误"})
						fail("reopen", err)
					}
				}
			}
		})
	}
	run(20, func(r *rand.Rand) { // imports
		for i := 0; i < 8; i++ {
			var rows [][]string
			for j := 0; j < 5; j++ {
				in := input(r, target(r))
				rows = append(rows, row(map[string]string{"名称": in.Name, "统一社会信用代码": in.CreditCode, "所在区划代码": "450102001003",
					"隶属党组织编号": fmt.Sprint(in.AffiliationOrgID), "行业": in.Industry, "从业人数": fmt.Sprint(in.Employees)}))
			}
			sess, err := f.cov.PrepareImport(ctx, f.admin, uid, "并发.xlsx", importHeader, rows)
			if err != nil || sess.Status != "ready" {
				fail("prepare import", err)
				continue
			}
			_, err = f.cov.ApplyImport(ctx, f.admin, uid, sess.ID)
			fail("apply import", err)
		}
	})
	wg.Wait()
	for _, s := range failures {
		t.Error(s)
	}

	d := f.d
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM units").Scan(&n); err != nil || n < 20 {
		t.Fatalf("only %d units written (%v): the test did too little", n, err)
	}
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM orgs WHERE status = 'dissolved'").Scan(&n); err != nil || n == 0 {
		t.Fatalf("no organization dissolved (%v): the test did too little", err)
	}
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM units u JOIN orgs o ON o.id = u.affiliation_org_id
		WHERE u.status = 'active' AND o.status <> 'active'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d active units belong to dissolved organizations (%v)", n, err)
	}
	checkAggregates(t, d)
}

// checkAggregates compares every coverage_agg and org_agg row with a
// recount from the units and organizations.
func checkAggregates(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	compare := func(name, stored, recount string) {
		read := func(q string) map[string]int {
			rows, err := d.Query(ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			defer rows.Close()
			out := map[string]int{}
			for rows.Next() {
				var k string
				var v int
				if err := rows.Scan(&k, &v); err != nil {
					t.Fatal(err)
				}
				if v != 0 {
					out[k] = v
				}
			}
			return out
		}
		got, want := read(stored), read(recount)
		var diffs []string
		for k, v := range want {
			if got[k] != v {
				diffs = append(diffs, fmt.Sprintf("%s: %d, recount %d", k, got[k], v))
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: %d, recount 0", k, v))
			}
		}
		sort.Strings(diffs)
		if len(diffs) > 0 {
			t.Errorf("%s on %s: %d rows differ from a recount:\n%s", name, testrig.Engine(), len(diffs), strings.Join(diffs, "\n"))
		}
	}
	compare("coverage_agg",
		`SELECT CAST(org_id AS TEXT) || ' ' || category || ' ' || size_class || ' ' || industry || ' ' || coverage, n FROM coverage_agg`,
		`SELECT CAST(a.id AS TEXT) || ' ' || u.category || ' ' || u.size_class || ' ' || u.industry || ' ' || u.coverage, COUNT(*)
			FROM orgs a JOIN orgs o ON o.path LIKE a.path || '%' JOIN units u ON u.affiliation_org_id = o.id
			WHERE u.status = 'active' GROUP BY a.id, u.category, u.size_class, u.industry, u.coverage`)
	compare("org_agg",
		`SELECT CAST(org_id AS TEXT) || ' ' || kind || ' ' || level, n FROM org_agg`,
		`SELECT CAST(a.id AS TEXT) || ' ' || o.kind || ' ' || o.level, COUNT(*)
			FROM orgs a JOIN orgs o ON o.path LIKE a.path || '%' AND o.id <> a.id
			WHERE o.status = 'active' GROUP BY a.id, o.kind, o.level`)
}

// TestConcurrentEditsOfOneUnit: two writers change the same unit's leading
// organization and size at once; each must move the unit's count from
// where the other left it.
func TestConcurrentEditsOfOneUnit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	var leaves []int64
	for i := 0; i < 4; i++ {
		b, err := f.orgs.Create(ctx, f.admin, org.Input{ParentID: f.ms.ID, Name: fmt.Sprintf("测试商圈第%d党支部", i+1), Kind: "branch", Category: "private"})
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, b.ID)
	}
	u := f.unit(t, 1, f.ms, "450102001003", 10, 0)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				aff, emp := leaves[(i+w)%len(leaves)], 10+80*((i+w)%2)
				if _, err := f.cov.Update(ctx, f.admin, u.ID, coverage.Patch{Employees: &emp, AffiliationOrgID: &aff}); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	checkAggregates(t, f.d)
}
