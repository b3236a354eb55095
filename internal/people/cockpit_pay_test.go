package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// payFigures writes a subtree's compliance as the cockpit reads it:
// overall and each child with cadres counted.
func payFigures(f people.PayFigures) string {
	out := fmt.Sprintf("%d: %d counted, %d ok, %d below (%d yuan), %d no reference, %d no record, %.1f%%", f.Year, f.Counted, f.OK, f.Below, f.Shortfall, f.NoReference, f.NoRecord, f.Percent)
	for _, c := range f.Children {
		if c.Counted > 0 {
			out += fmt.Sprintf("; %s %d/%d %.1f%% (%d below, %d no record)", c.Name, c.OK, c.Counted, c.Percent, c.Below, c.NoRecord)
		}
	}
	return out
}

// agreesWithSummary checks the grouped figures of a subtree against the
// statistics' count of each pay, overall and for each child.
func agreesWithSummary(t *testing.T, ppl *people.Service, actor access.Actor, orgID int64, year int) people.PayFigures {
	t.Helper()
	ctx := context.Background()
	got, err := ppl.PayByChild(ctx, actor, orgID, year)
	if err != nil {
		t.Fatalf("pay of %d in %d: %v", orgID, year, err)
	}
	if want, err := ppl.PaySummary(ctx, actor, orgID, year); err != nil || got.PaySummary != want {
		t.Errorf("%d in %d: %+v, the statistics count %+v (%v)", orgID, year, got.PaySummary, want, err)
	}
	for _, c := range got.Children {
		want, err := ppl.PaySummary(ctx, actor, c.OrgID, year)
		if err != nil {
			t.Fatal(err)
		}
		if g := (people.PaySummary{Year: year, Cadres: c.Cadres, OK: c.OK, Below: c.Below, NoReference: c.NoReference, Shortfall: c.Shortfall}); g != want {
			t.Errorf("%s in %d: %+v, the statistics count %+v", c.Name, year, g, want)
		}
	}
	return got
}

// TestPayByChildByHand: the cadres of 兴宁区 of TestPayFloorByHand, with
// 王芳 in the community's "两委" since March without a record and 黄磊, who
// left a village's "两委" in June 2025 without one, by township, at the
// factor 1.0 and 1.2, and in 2025, whose floor has no income of 2024.
func TestPayByChildByHand(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	county := *f.ms.ParentID
	get := func(code string) org.Org {
		l, _, _ := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		return l[0]
	}
	village := get("450102101201")
	zhang := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	li := f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	wang := f.add(t, f.c3, "王芳", idNumber("450102", "19900101", 222), "full", "2015-01-10")
	chen := f.add(t, village, "陈刚", idNumber("450102", "19700909", 441), "full", "1995-10-01")
	huang := f.add(t, village, "黄磊", idNumber("450102", "19820202", 445), "full", "2006-07-01")
	for _, in := range []people.PostInput{{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2023-01-15"},
		{PersonID: li.ID, OrgID: f.c3.ID, Post: "committee_member", StartedOn: "2024-01-15"},
		{PersonID: wang.ID, OrgID: f.c3.ID, Post: "village_committee", StartedOn: "2026-03-01"},
		{PersonID: chen.ID, OrgID: village.ID, Post: "village_committee", StartedOn: "2021-05-01"}} {
		if _, err := f.ppl.Appoint(ctx, f.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	left, err := f.ppl.Appoint(ctx, f.admin, people.PostInput{PersonID: huang.ID, OrgID: village.ID, Post: "village_committee", StartedOn: "2021-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ppl.EndPost(ctx, f.admin, left.ID, "2025-06-30"); err != nil {
		t.Fatal(err)
	}
	if err := f.ppl.SetReference(ctx, f.admin, people.RefInput{OrgID: county, Year: 2025, Rural: 21000, Urban: 45000}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []people.PayInput{
		{PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2025, BasicPay: 44000}, {PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: 48000},
		{PersonID: li.ID, OrgID: f.c3.ID, Year: 2025, BasicPay: 40000}, {PersonID: li.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: 42000},
		{PersonID: chen.ID, OrgID: village.ID, Year: 2025, BasicPay: 20000}, {PersonID: chen.ID, OrgID: village.ID, Year: 2026, BasicPay: 24000},
	} {
		if err := f.ppl.RecordPay(ctx, f.admin, in); err != nil {
			t.Fatalf("pay %+v: %v", in, err)
		}
	}
	check := func(step string, actor access.Actor, orgID int64, year int, want string) {
		t.Helper()
		if got := payFigures(agreesWithSummary(t, f.ppl, actor, orgID, year)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", step, got, want)
		}
	}
	// Factor 1.0: 张伟 48,000 ≥ 45,000 and 陈刚 24,000 ≥ 21,000; 李娜
	// 42,000 short by 3,000; 王芳 unrecorded. 2 of 4: 50 %.
	check("factor 1.0", f.admin, county, 2026, "2026: 4 counted, 2 ok, 1 below (3000 yuan), 0 no reference, 1 no record, 50.0%; "+
		"民生街道党工委 1/3 33.3% (1 below, 1 no record); 三塘镇党委 1/1 100.0% (0 below, 0 no record)")
	check("the community", f.secretary, f.c3.ID, 2026, "2026: 3 counted, 1 ok, 1 below (3000 yuan), 0 no reference, 1 no record, 33.3%")
	// 2025: no income of 2024 to judge by; 黄磊 held his post half the year.
	check("2025", f.admin, county, 2025, "2025: 4 counted, 0 ok, 0 below (0 yuan), 3 no reference, 1 no record, 0.0%; "+
		"民生街道党工委 0/2 0.0% (0 below, 0 no record); 三塘镇党委 0/2 0.0% (0 below, 1 no record)")
	// Factor 1.2: floors 54,000 and 25,200: all three below.
	admin := testPerms.Bind(access.Actor{UserID: 9, Username: "city", Grants: []access.Grant{{Role: access.Admin, OrgPath: "/" + fmt.Sprint(org.PathIDs(f.ms.Path)[0]) + "/"}}})
	if err := f.ppl.SetPayFactor(ctx, admin, 1.2); err != nil {
		t.Fatal(err)
	}
	check("factor 1.2", f.admin, county, 2026, "2026: 4 counted, 0 ok, 3 below (19200 yuan), 0 no reference, 1 no record, 0.0%; "+
		"民生街道党工委 0/3 0.0% (2 below, 1 no record); 三塘镇党委 0/1 0.0% (1 below, 0 no record)")
	// 王芳's pay recorded: nobody is left without a record.
	if err := f.ppl.RecordPay(ctx, f.admin, people.PayInput{PersonID: wang.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: 60000}); err != nil {
		t.Fatal(err)
	}
	check("王芳 recorded", f.admin, county, 2026, "2026: 4 counted, 1 ok, 3 below (19200 yuan), 0 no reference, 0 no record, 25.0%; "+
		"民生街道党工委 1/3 33.3% (2 below, 0 no record); 三塘镇党委 0/1 0.0% (1 below, 0 no record)")

	if _, err := f.ppl.PayByChild(ctx, f.secretary, county, 2026); err == nil {
		t.Errorf("the community's secretary read the county's pay")
	}
	stranger := testPerms.Bind(access.Actor{UserID: 7, Username: "eval", Grants: []access.Grant{{Role: access.EvaluationManager, OrgPath: f.ms.Path}}})
	if _, err := f.ppl.PayByChild(ctx, stranger, f.ms.ID, 2026); err == nil {
		t.Errorf("an evaluator read the pay")
	}
}

// TestPayByChildSeeded: the demo's cadres of 兴宁区 and their pay of this
// year and the last agree with the statistics' count at the county, a
// street and a township; those without a record agree with a count of
// their posts in Go.
func TestPayByChildSeeded(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	county := *f.ms.ParentID
	if _, cadres, err := f.ppl.SeedForTest(ctx, county, 8); err != nil || cadres < 100 {
		t.Fatalf("seeded %d cadres: %v", cadres, err)
	}
	// Some cadres lose their record of this year.
	if _, err := f.d.Exec(ctx, "DELETE FROM cadre_pay WHERE year = 2026 AND person_id % 7 = 0"); err != nil {
		t.Fatal(err)
	}
	for _, year := range []int{2026, 2025} {
		for _, id := range []int64{county, f.ms.ID, f.st.ID} {
			got := agreesWithSummary(t, f.ppl, f.admin, id, year)
			if want := noRecordByChild(t, f, id, year); fmt.Sprint(noRecords(got)) != fmt.Sprint(want) {
				t.Errorf("without a record in %d: %v, counted in Go %v", year, noRecords(got), want)
			}
			if id == county && year == 2026 {
				t.Logf("兴宁区: %s", payFigures(got))
				if got.OK == 0 || got.Below == 0 || got.NoRecord == 0 {
					t.Errorf("the seed gives nothing to compare: %+v", got)
				}
			}
		}
	}
}

func noRecords(f people.PayFigures) []string {
	out := []string{fmt.Sprint("all ", f.NoRecord)}
	for _, c := range f.Children {
		out = append(out, fmt.Sprint(c.OrgID, " ", c.NoRecord))
	}
	return out
}

// noRecordByChild counts the cadres of a subtree without a record of the
// year from every post and pay, in Go: each under the child holding the
// first (in path order) village or community where they held a cadre's
// post during the year.
func noRecordByChild(t *testing.T, f *fx, orgID int64, year int) []string {
	t.Helper()
	ctx := context.Background()
	o, err := f.orgs.Get(ctx, f.admin, orgID)
	if err != nil {
		t.Fatal(err)
	}
	kids, _, err := f.orgs.List(ctx, f.admin, org.ListQuery{Under: orgID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		t.Fatal(err)
	}
	paid := map[int64]bool{}
	rows, err := f.d.Query(ctx, "SELECT person_id FROM cadre_pay WHERE year = ?", year)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		paid[id] = true
	}
	rows.Close()
	first := map[int64]string{}
	rows, err = f.d.Query(ctx, "SELECT po.person_id, po.post, po.started_on, po.ended_on, o.path, o.category FROM posts po JOIN orgs o ON o.id = po.org_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var post, start, path, category string
		var end *string
		if err := rows.Scan(&id, &post, &start, &end, &path, &category); err != nil {
			t.Fatal(err)
		}
		held := start <= fmt.Sprintf("%d-12-31", year) && (end == nil || *end >= fmt.Sprintf("%d-01-01", year))
		cadre := post == "secretary" || post == "deputy_secretary" || post == "committee_member" || post == "village_committee"
		if !held || !cadre || paid[id] || category != "rural" && category != "community" || !strings.HasPrefix(path, o.Path) {
			continue
		}
		if old, ok := first[id]; !ok || path < old {
			first[id] = path
		}
	}
	rows.Close()
	n := make([]int, len(kids))
	for _, path := range first {
		for i, c := range kids {
			if strings.HasPrefix(path, c.Path) {
				n[i]++
			}
		}
	}
	out := []string{fmt.Sprint("all ", len(first))}
	for i, c := range kids {
		out = append(out, fmt.Sprint(c.ID, " ", n[i]))
	}
	return out
}
