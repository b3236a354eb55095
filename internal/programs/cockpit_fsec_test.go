package programs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/programs"
)

// fsStatsFx is 兴宁区 on 2026-03-10 with five first secretaries: 甲一 at
// 虎邱村 ending in 20 days, with four log entries; 乙二 ending in 60 days;
// 丙三 in 200; 丁四 over on 2026-03-01 and not recorded; 戊五 rotated out on
// 2026-02-01 with nobody sent since. The county's 2025 review of the
// five is published: 甲一's totals earn 优秀, which the cap
// (10 % of five is none) takes down to 合格; the others 基本合格.
func fsStatsFx(t *testing.T) *fsFx {
	t.Helper()
	f := newFsFx(t)
	ctx := context.Background()
	terms := []programs.FirstSec{
		f.dispatch(t, f.member(t, "甲一"), f.villages[0], "2024-04-01", "2026-03-30"),
		f.dispatch(t, f.member(t, "乙二"), f.villages[1], "2024-05-01", "2026-05-09"),
		f.dispatch(t, f.member(t, "丙三"), f.villages[2], "2025-01-01", "2026-09-26"),
		f.dispatch(t, f.member(t, "丁四"), f.villages[3], "2024-03-01", "2026-03-01"),
		f.dispatch(t, f.member(t, "戊五"), f.villages[4], "2025-01-01", "2026-12-31"),
	}
	for i, on := range []string{"2025-06-01", "2026-01-06", "2026-01-06", "2026-02-01"} {
		text := fmt.Sprintf("走访农户，了解产业发展需求（第 %d 次）", i+1)
		if _, err := f.pg.AddFirstSecLog(ctx, f.secretary, terms[0].ID, programs.FirstSecLogInput{LoggedOn: on, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.pg.EndFirstSec(ctx, f.countyA, terms[4].ID, programs.FirstSecEndInput{Kind: "rotated", EndedOn: "2026-02-01", Reason: "派出单位工作需要"}); err != nil {
		t.Fatal(err)
	}
	{
		c, n, err := f.pg.OpenFirstSecReview(ctx, f.countyA, programs.FirstSecReviewInput{OrgID: f.county.ID, Year: 2025, OpensOn: "2026-03-10", ClosesOn: "2026-03-20"})
		if err != nil || n != 5 {
			t.Fatalf("review of %d: %v", n, err)
		}
		ev := app.Service[*evaluation.Service](f.a)
		subs, err := ev.Subjects(ctx, f.countyA, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, g := range []string{"villagers", "township", "agency"} {
			cs, err := ev.IssueTokens(ctx, f.countyA, c.ID, g, 5)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, cs...)
		}
		if _, err := ev.Open(ctx, f.countyA, c.ID); err != nil {
			t.Fatal(err)
		}
		for _, code := range codes {
			scores := map[string]map[string]float64{}
			for _, sb := range subs {
				v := 60.0
				if sb.Name == "甲一" {
					v = 100
				}
				scores[sb.Key] = map[string]float64{"build": v, "develop": v, "serve": v, "govern": v, "stay": 100}
			}
			if _, err := ev.CastBallot(ctx, code, scores, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := ev.Close(ctx, f.countyA, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ev.Publish(ctx, f.countyA, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// fsStatsLine shows the subtree's figures of FirstSecStats.
func fsStatsLine(st programs.FirstSecStats) string {
	out := fmt.Sprintf("%d as of %s: in post %d, expiring %d (%d over), vacant %d, logs %d (%d days)", st.Year, st.AsOf,
		st.InPost, st.Expiring, st.Expired, st.Vacant, st.Logs, st.LogDays)
	if r := st.Review; r != nil {
		var gs []string
		for _, g := range r.Grades {
			gs = append(gs, fmt.Sprintf("%s %d", g.Grade, g.Count))
		}
		out += fmt.Sprintf("; review %d: %d reviewed, %s, ungraded %d", r.Year, r.Reviewed, strings.Join(gs, " "), r.Ungraded)
	}
	return out
}

// fsChildren shows the children with something, by id.
func fsChildren(st programs.FirstSecStats) map[int64]string {
	out := map[int64]string{}
	for _, c := range st.Children {
		if c.InPost+c.Expiring+c.Vacant+c.Logs > 0 {
			out[c.OrgID] = fmt.Sprintf("%d/%d/%d/%d", c.InPost, c.Expiring, c.Vacant, c.Logs)
		}
	}
	return out
}

// TestFirstSecStats: the cockpit's figures of the first secretaries of
// fsStatsFx: in post at the end of each year (today for this one), the
// expiry and vacant lists as the ledger's, the year's log, and the
// published review's grades; by child, each term under the town or street
// its village lies in; the village's secretary, who does not read the
// county's review, sees none; another street's reader is refused.
func TestFirstSecStats(t *testing.T) {
	f := fsStatsFx(t)
	ctx := context.Background()
	// The child (town or street) of the county each village lies under.
	childOf := func(o org.Org) int64 { return org.PathIDs(o.Path)[len(org.PathIDs(f.county.Path))] }
	want := map[int64][4]int{}
	add := func(v org.Org, inPost, expiring, vacant, logs int) {
		w := want[childOf(v)]
		w[0], w[1], w[2], w[3] = w[0]+inPost, w[1]+expiring, w[2]+vacant, w[3]+logs
		want[childOf(v)] = w
	}
	lines := func(m map[int64][4]int) map[int64]string {
		out := map[int64]string{}
		for id, w := range m {
			if w != [4]int{} {
				out[id] = fmt.Sprintf("%d/%d/%d/%d", w[0], w[1], w[2], w[3])
			}
		}
		return out
	}
	review := "; review 2025: 5 reviewed, 优秀 0 合格 1 基本合格 4 不合格 0, ungraded 0"
	for _, c := range []struct {
		year int
		want string
		// each village's in post, expiring, vacant, logs
		by [5][4]int
	}{
		{0, "2026 as of 2026-03-10: in post 3, expiring 3 (1 over), vacant 1, logs 3 (2 days)" + review,
			[5][4]int{{1, 1, 0, 3}, {1, 1, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}},
		{2025, "2025 as of 2025-12-31: in post 5, expiring 3 (1 over), vacant 1, logs 1 (1 days)" + review,
			[5][4]int{{1, 1, 0, 1}, {1, 1, 0, 0}, {1, 0, 0, 0}, {1, 1, 0, 0}, {1, 0, 1, 0}}},
		// No review of 2024 or before.
		{2024, "2024 as of 2024-12-31: in post 3, expiring 3 (1 over), vacant 1, logs 0 (0 days)",
			[5][4]int{{1, 1, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 0}}},
	} {
		t.Run(fmt.Sprint(c.year), func(t *testing.T) {
			st, err := f.pg.FirstSecStatsOf(ctx, f.countyA, f.county.ID, c.year)
			if err != nil {
				t.Fatal(err)
			}
			if got := fsStatsLine(st); got != c.want {
				t.Errorf("figures\n got %s\nwant %s", got, c.want)
			}
			clear(want)
			for i, v := range f.villages[:5] {
				add(v, c.by[i][0], c.by[i][1], c.by[i][2], c.by[i][3])
			}
			if got, w := fsChildren(st), lines(want); fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("children %v, want %v", got, w)
			}
		})
	}
	// The ledger's own list agrees for this year.
	l, err := f.pg.FirstSecTerms(ctx, f.countyA, programs.FirstSecQuery{})
	if err != nil || l.Counts["in_post"] != 3 || l.Expiring != 3 || l.Vacant != 1 {
		t.Errorf("the ledger: %v %d %d, %v", l.Counts, l.Expiring, l.Vacant, err)
	}

	// The street of 虎邱村: its first secretaries only, in the review too.
	street, err := f.pg.FirstSecStatsOf(ctx, f.countyA, f.street.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	mine := 0
	for _, v := range f.villages[:5] {
		if strings.HasPrefix(v.Path, f.street.Path) {
			mine++
		}
	}
	if street.Review == nil || street.Review.Reviewed != mine || street.Review.Grades[1].Count != 1 {
		t.Errorf("the street's review: %+v (%d of its villages)", street.Review, mine)
	}
	if got := fsChildren(street)[f.village.ID]; got != "1/1/0/3" {
		t.Errorf("虎邱村 under the street: %s, want 1/1/0/3", got)
	}

	// The village's secretary reads its own term and not the review.
	own, err := f.pg.FirstSecStatsOf(ctx, f.secretary, f.village.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := fsStatsLine(own); got != "2026 as of 2026-03-10: in post 1, expiring 1 (0 over), vacant 0, logs 3 (2 days)" || len(own.Children) != 0 {
		t.Errorf("the village: %s, %d children", got, len(own.Children))
	}
	other := f.a.Core().Perms.Bind(access.Actor{UserID: 30, Username: "other street", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: f.get(t, "450102001").Path}}})
	if _, err := f.pg.FirstSecStatsOf(ctx, other, f.county.ID, 0); !errs.Is(err, errs.NotFound) && !errs.Is(err, errs.Forbidden) {
		t.Errorf("another street's reader: %v", err)
	}
}
