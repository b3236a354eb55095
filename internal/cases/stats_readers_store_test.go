package cases_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// readersFx is 兴宁区 with eleven cases in three of its townships and at
// the county itself, seen on 2026-09-24 at 10:00:
//
//	A service at 兴宁社区, 2026-08-03: accepted, answered on time, rated 满意 with a comment, closed on 08-05
//	B mediation at 朝阳社区, 2026-09-01: accepted late, answered, rated 不满意 (reopened), answered again,
//	  rated 基本满意 with a comment of 2,000 characters, closed on 09-11
//	C service at 民生街道, 2026-09-15: accepted, dispatched to 兴宁社区, in progress
//	D opinion at 兴宁区, 2026-09-15: accepted, dispatched to 朝阳街道
//	E opinion at 兴宁区, 2026-09-16: accepted, dispatched to 民生街道
//	F integrity report about 兴宁社区 and its secretary, 2026-09-10: routed to 民生街道, accepted
//	G integrity report about 民生街道, 2026-09-17: routed to 兴宁区, accepted
//	H integrity report about 三塘镇, 2026-09-18: routed to 兴宁区, accepted, dispatched to 民生街道
//	I service at 三塘镇, 2026-09-14: never accepted — overdue and escalated
//	J service at 朝阳社区, 2026-09-21: refused the same day
//	K mediation at 兴宁社区, 2025-09-10: accepted, answered, closed on 2025-10-09
//
// The county's reader (case handler and integrity officer at 兴宁区) sees
// all eleven. The street's reader holds only the evaluation manager's role
// at the county, which reads the county but none of its cases, and both
// case roles at 民生街道: it sees the cases there and those dispatched
// there from the county — A, C, E, F, H and K — but not G, which is about
// 民生街道 itself.
type readersFx struct {
	*fx
	chaoyang, chaoyangComm org.Org // 朝阳街道, 朝阳社区
}

func newReadersFx(t *testing.T) *readersFx {
	t.Helper()
	f := &readersFx{fx: newFx(t)}
	ctx := context.Background()
	f.chaoyang, f.chaoyangComm = f.orgOf(t, "450102002"), f.orgOf(t, "450102002001")
	sec := f.cadre(t, f.comm, "李建国", "secretary", 11)
	codes := map[string]string{}
	ids := map[string]int64{}
	at := func(y int, m time.Month, d int) { f.clock.Set(beijing(y, m, d, 10, 0)) }
	submit := func(name string, r cases.Report) {
		rc := f.submit(t, r)
		ids[name], codes[name] = rc.CaseID, rc.Code
	}
	step := func(name, step string, to ...org.Org) {
		in := cases.StepInput{Step: step}
		switch step {
		case cases.StepAnswer:
			in.Text = "已联系有关部门处理，请您查看。"
		case cases.StepVisit:
			in.Text = "电话回访，居民确认已经处理。"
		case cases.StepRefuse:
			in.Text = "不属于本系统受理范围，请向有关部门反映。"
		case cases.StepClose:
			in.Outcome = cases.Resolved
		case cases.StepDispatch:
			in.OrgID = to[0].ID
		}
		f.system(t, ids[name], in)
	}
	rate := func(name, rating, comment string) {
		if _, err := f.s.Rate(ctx, codes[name], rating, comment); err != nil {
			t.Fatalf("rate %s %s: %v", name, rating, err)
		}
	}

	at(2025, 9, 10)
	submit("K", cases.Report{Kind: cases.KindMediation, RegionCode: "450102001003"})
	step("K", cases.StepAccept)
	step("K", cases.StepStart)
	at(2025, 9, 11)
	step("K", cases.StepAnswer)
	at(2025, 10, 9)
	step("K", cases.StepVisit)
	step("K", cases.StepClose)

	at(2026, 8, 3)
	submit("A", cases.Report{Kind: cases.KindService, RegionCode: "450102001003"})
	step("A", cases.StepAccept)
	step("A", cases.StepStart)
	at(2026, 8, 4)
	step("A", cases.StepAnswer)
	rate("A", cases.Satisfied, "路灯已经修好了")
	at(2026, 8, 5)
	step("A", cases.StepVisit)
	step("A", cases.StepClose)

	at(2026, 9, 1)
	submit("B", cases.Report{Kind: cases.KindMediation, RegionCode: "450102002001"})
	at(2026, 9, 8)
	step("B", cases.StepAccept)
	step("B", cases.StepStart)
	at(2026, 9, 9)
	step("B", cases.StepAnswer)
	rate("B", cases.Unsatisfied, "")
	at(2026, 9, 10)
	step("B", cases.StepAnswer)
	rate("B", cases.Fair, strings.Repeat("调", 2000))
	at(2026, 9, 11)
	step("B", cases.StepVisit)
	step("B", cases.StepClose)

	at(2026, 9, 10)
	submit("F", cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", SubjectOrgID: f.comm.ID, SubjectPersonID: sec.ID,
		Body: "社区书记在低保评定中优亲厚友，把自己亲戚评为低保户。"})
	at(2026, 9, 11)
	step("F", cases.StepAccept)

	at(2026, 9, 14)
	submit("I", cases.Report{Kind: cases.KindService, RegionCode: "450102101"})

	at(2026, 9, 15)
	submit("C", cases.Report{Kind: cases.KindService, RegionCode: "450102001"})
	step("C", cases.StepAccept)
	step("C", cases.StepDispatch, f.comm)
	submit("D", cases.Report{Kind: cases.KindOpinion, RegionCode: "450102", Topic: "transport"})
	step("D", cases.StepAccept)
	step("D", cases.StepDispatch, f.chaoyang)
	at(2026, 9, 16)
	step("C", cases.StepStart)
	submit("E", cases.Report{Kind: cases.KindOpinion, RegionCode: "450102", Topic: "elderly"})
	step("E", cases.StepAccept)
	step("E", cases.StepDispatch, f.street)

	at(2026, 9, 17)
	submit("G", cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001", SubjectOrgID: f.street.ID, SubjectText: "街道干部"})
	step("G", cases.StepAccept)
	at(2026, 9, 18)
	submit("H", cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102101", SubjectOrgID: f.other.ID, SubjectText: "镇干部"})
	step("H", cases.StepAccept)
	step("H", cases.StepDispatch, f.street)

	at(2026, 9, 21)
	submit("J", cases.Report{Kind: cases.KindService, RegionCode: "450102002001"})
	step("J", cases.StepRefuse)

	at(2026, 9, 24)
	if n, err := f.s.Escalate(ctx); err != nil || n != 1 {
		t.Fatalf("escalated %d (%v), want I alone", n, err)
	}
	// Where the cases went, as the figures below take them to be.
	for name, want := range map[string][2]int64{
		"A": {f.comm.ID, 0}, "B": {f.chaoyangComm.ID, 0}, "C": {f.street.ID, f.comm.ID}, "D": {f.county.ID, f.chaoyang.ID},
		"E": {f.county.ID, f.street.ID}, "F": {f.street.ID, 0}, "G": {f.county.ID, 0}, "H": {f.county.ID, f.street.ID},
		"I": {f.other.ID, 0}, "J": {f.chaoyangComm.ID, 0}, "K": {f.comm.ID, 0},
	} {
		c, _, err := f.s.Get(ctx, testrigAdmin(), ids[name])
		if err != nil || c.OrgID != want[0] || c.HandlerOrgID != want[1] {
			t.Fatalf("case %s at %d, dispatched to %d (%v), want %v", name, c.OrgID, c.HandlerOrgID, err, want)
		}
	}

	// The readers; grants are read at login.
	grant := func(name string, role access.Role, at org.Org) {
		t.Helper()
		if err := f.accounts.Grant(ctx, testrigAdmin(), f.users[name].UserID, role, at.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.user(t, "county.both", access.CaseHandler, f.county)
	grant("county.both", access.IntegrityOfficer, f.county)
	f.user(t, "street.both", access.EvaluationManager, f.county)
	grant("street.both", access.CaseHandler, f.street)
	grant("street.both", access.IntegrityOfficer, f.street)
	// The secretary's own account, with the county's integrity grant.
	self := f.user(t, "li.jianguo", access.IntegrityOfficer, f.county)
	if err := f.accounts.LinkPerson(ctx, testrigAdmin(), self.UserID, sec.ID); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"county.both", "street.both", "li.jianguo"} {
		_, a, err := f.accounts.Login(ctx, name, "correct horse 42 battery", "test")
		if err != nil {
			t.Fatal(err)
		}
		f.users[name] = a
	}
	return f
}

// system takes a step as the system: the fixture's readers are what the
// test is about, not who handles the cases.
func (f *readersFx) system(t *testing.T, id int64, in cases.StepInput) {
	t.Helper()
	if _, err := f.s.Take(context.Background(), testrigAdmin(), id, in); err != nil {
		t.Fatalf("%s case %d: %v", in.Step, id, err)
	}
}

// month is the expected line of one month: cases received, by kind, and
// cases closed or refused.
type month struct {
	received int
	byKind   map[string]int
	closed   int
}

// TestStatsOfFullAndPartialReaders: the figures of the county for a
// reader of all of it and for a reader of one township, counted by hand,
// read both ways — the whole table of cases, and each organization's
// cases through the indexes — and the same as the service chooses.
func TestStatsOfFullAndPartialReaders(t *testing.T) {
	f := newReadersFx(t)
	ctx := context.Background()
	// 民生街道's line: A, C (at the street, dispatched to 兴宁社区), E and H
	// (dispatched there from the county), F (routed there) and K.
	street := cases.ChildStats{OrgID: f.street.ID, Total: 6, Open: 4, Accepted: 6, AcceptedOnTime: 6, Answered: 2, AnsweredOnTime: 2, Rated: 1, Satisfied: 1}
	for _, r := range []struct {
		reader   string
		stats    cases.Stats
		children []cases.ChildStats // the townships with cases, the most first; the others count nothing
		months   map[string]month   // months not listed count nothing
	}{{
		reader: "county.both",
		stats: cases.Stats{Total: 11, Open: 7, Overdue: 1, Escalated: 1, Accepted: 9, AcceptedOnTime: 8, Answered: 3, AnsweredOnTime: 3, Reopened: 1,
			ByKind:    map[string]int{cases.KindService: 4, cases.KindMediation: 2, cases.KindOpinion: 2, cases.KindIntegrity: 3},
			ByState:   map[string]int{cases.Closed: 3, cases.InProgress: 1, cases.Dispatched: 3, cases.Accepted: 2, cases.Submitted: 1, cases.Refused: 1},
			ByOutcome: map[string]int{cases.Resolved: 3, cases.Refused: 1},
			Ratings:   map[string]int{cases.Satisfied: 1, cases.Fair: 1, cases.Unsatisfied: 1}},
		children: []cases.ChildStats{street,
			// 朝阳街道: B and J at 朝阳社区, D dispatched there from the county.
			{OrgID: f.chaoyang.ID, Total: 3, Open: 1, Accepted: 2, AcceptedOnTime: 1, Answered: 1, AnsweredOnTime: 1, Reopened: 1, Rated: 2, Satisfied: 1},
			{OrgID: f.other.ID, Total: 1, Open: 1, Overdue: 1, Escalated: 1}},
		months: map[string]month{
			"2025-10": {closed: 1},
			"2026-08": {received: 1, byKind: map[string]int{cases.KindService: 1}, closed: 1},
			"2026-09": {received: 9, byKind: map[string]int{cases.KindService: 3, cases.KindMediation: 1, cases.KindOpinion: 2, cases.KindIntegrity: 3}, closed: 2},
		},
	}, {
		reader: "street.both",
		stats: cases.Stats{Total: 6, Open: 4, Accepted: 6, AcceptedOnTime: 6, Answered: 2, AnsweredOnTime: 2,
			ByKind:    map[string]int{cases.KindService: 2, cases.KindMediation: 1, cases.KindOpinion: 1, cases.KindIntegrity: 2},
			ByState:   map[string]int{cases.Closed: 2, cases.InProgress: 1, cases.Dispatched: 2, cases.Accepted: 1},
			ByOutcome: map[string]int{cases.Resolved: 2},
			Ratings:   map[string]int{cases.Satisfied: 1}},
		children: []cases.ChildStats{street},
		months: map[string]month{
			"2025-10": {closed: 1},
			"2026-08": {received: 1, byKind: map[string]int{cases.KindService: 1}, closed: 1},
			"2026-09": {received: 4, byKind: map[string]int{cases.KindService: 1, cases.KindOpinion: 1, cases.KindIntegrity: 2}},
		},
	}} {
		a := f.as(r.reader)
		check := func(way string, st cases.Stats, ms []cases.MonthStats, kids []cases.ChildStats) {
			t.Helper()
			if !reflect.DeepEqual(st, r.stats) {
				t.Errorf("%s, %s: county stats\n got %+v\nwant %+v", r.reader, way, st, r.stats)
			}
			if len(kids) < 3 {
				t.Fatalf("%s, %s: %d children of the county", r.reader, way, len(kids))
			}
			for i, k := range kids {
				var w cases.ChildStats
				if i < len(r.children) {
					w = r.children[i]
				} else {
					w.OrgID = k.OrgID
				}
				w.Name = k.Name
				if k != w {
					t.Errorf("%s, %s: child %d\n got %+v\nwant %+v", r.reader, way, i, k, w)
				}
			}
			if len(ms) != cases.TrendMonths || ms[0].Month != "2025-10" || ms[11].Month != "2026-09" {
				t.Fatalf("%s, %s: months %+v", r.reader, way, ms)
			}
			for _, m := range ms {
				w := r.months[m.Month]
				if w.byKind == nil {
					w.byKind = map[string]int{}
				}
				if m.Received != w.received || m.Closed != w.closed || !reflect.DeepEqual(m.ByKind, w.byKind) {
					t.Errorf("%s, %s: %s received %d %v, closed %d; want %d %v, %d", r.reader, way, m.Month, m.Received, m.ByKind, m.Closed, w.received, w.byKind, w.closed)
				}
			}
		}
		for _, whole := range []bool{true, false} {
			st, ms, kids, _, err := cases.StatsReadBy(f.s, ctx, a, f.county.ID, whole)
			if err != nil {
				t.Fatalf("%s: %v", r.reader, err)
			}
			check(map[bool]string{true: "the whole table", false: "through the indexes"}[whole], st, ms, kids)
		}
		st, err := f.s.SubtreeStats(ctx, a, f.county.ID)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := f.s.MonthlyStats(ctx, a, f.county.ID)
		if err != nil {
			t.Fatal(err)
		}
		kids, err := f.s.ChildrenStats(ctx, a, f.county.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("as chosen", st, ms, kids)
	}
}

// TestStatsReadBothWays: for every account of the fixture and every
// organization, the statistics read from the whole table of cases and
// through the indexes are the same — the integrity reports left out for
// the accounts that may not know of them, the secretary's own account
// among them, and the cases dispatched into a subtree from outside counted
// in it — or refused alike.
func TestStatsReadBothWays(t *testing.T) {
	f := newReadersFx(t)
	ctx := context.Background()
	for name, a := range f.users {
		for _, o := range []org.Org{f.county, f.street, f.comm, f.other, f.chaoyang, f.chaoyangComm} {
			st, ms, kids, ps, err := cases.StatsReadBy(f.s, ctx, a, o.ID, true)
			st2, ms2, kids2, ps2, err2 := cases.StatsReadBy(f.s, ctx, a, o.ID, false)
			if errs.KindOf(err) != errs.KindOf(err2) || (err == nil) != (err2 == nil) {
				t.Fatalf("%s at %s: %v, through the indexes %v", name, o.Name, err, err2)
			}
			if err != nil {
				if errs.KindOf(err) != errs.NotFound {
					t.Errorf("%s at %s: %v", name, o.Name, err)
				}
				continue
			}
			if !reflect.DeepEqual(st, st2) || !reflect.DeepEqual(ms, ms2) || !reflect.DeepEqual(kids, kids2) || !reflect.DeepEqual(ps, ps2) {
				t.Errorf("%s at %s: the whole table gives\n%+v\n%+v\n%+v\n%+v\nthe indexes\n%+v\n%+v\n%+v\n%+v", name, o.Name, st, ms, kids, ps, st2, ms2, kids2, ps2)
			}
		}
	}
	// The secretary's account counts neither F, about the secretary, nor
	// any report it may not know of; the county's officer counts all three.
	for name, want := range map[string]int{"li.jianguo": 2, "county.officer": 3, "street.officer": 2, "comm.officer": 0} {
		st, err := f.s.SubtreeStats(ctx, f.as(name), f.county.ID)
		if name == "comm.officer" || name == "street.officer" {
			// They read their own subtree: the county is outside it.
			wantErr(t, err, errs.NotFound, "组织不存在或不在您的范围内")
			at := map[string]org.Org{"comm.officer": f.comm, "street.officer": f.street}[name]
			st, err = f.s.SubtreeStats(ctx, f.as(name), at.ID)
		}
		if err != nil || st.Total != want || st.ByKind[cases.KindIntegrity] != want {
			t.Errorf("%s counts %+v (%v), want %d integrity reports", name, st, err, want)
		}
	}
}

// TestStatsReadWhole: the statistics read the whole table of cases when
// the reader's organizations are many for the cases there are, and each
// organization's cases through the indexes when they are few.
func TestStatsReadWhole(t *testing.T) {
	for _, c := range []struct {
		kinds       int
		orgs, cases int64
		subtree     int64
		whole       bool
		what        string
	}{
		{3, 6773, 2400, 6773, true, "the Nanning demo's administrator at the city"},
		{3, 6773, 2400, 624, false, "its county with the most cases: 624 organizations for 2,400 cases"},
		{4, 6773, 2400, 1000, true, "a reader of both kinds at a district of 1,000 organizations"},
		{1, 6773, 2400, 30, false, "an integrity officer at a township"},
		{4, 20000, 100000, 20000, true, "Guangxi's root"},
		{3, 20000, 100000, 10000, true, "half of Guangxi"},
		{3, 20000, 100000, 6000, false, "a city of Guangxi"},
		{3, 20000, 100000, 600, false, "a county of Guangxi"},
		{3, 20000, 100000, 30, false, "a township of Guangxi"},
		{3, 20000, 0, 1, true, "no case at all"},
	} {
		if got := c.subtree >= cases.WholeFrom(c.kinds, c.orgs, c.cases); got != c.whole {
			t.Errorf("%s: whole table %v, want %v (from %d organizations)", c.what, got, c.whole, cases.WholeFrom(c.kinds, c.orgs, c.cases))
		}
	}
	// The fixture's readers of the county: the county reads its cases
	// whole, a reader without a case permission reads nothing.
	f := newReadersFx(t)
	ctx := context.Background()
	for name, want := range map[string]bool{"county.both": true, "county.admin": true} {
		got, err := cases.ReadsWhole(f.s, ctx, f.as(name), f.county.ID)
		if err != nil || got != want {
			t.Errorf("%s: whole %v (%v), want %v", name, got, err, want)
		}
	}
	noCases := f.user(t, "evaluator", access.EvaluationManager, f.county)
	if got, err := cases.ReadsWhole(f.s, ctx, noCases, f.county.ID); err != nil || got {
		t.Errorf("a reader of no case: whole %v (%v)", got, err)
	}
}
