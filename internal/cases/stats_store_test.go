package cases_test

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
)

// statsFx is 兴宁区 with seven cases of every kind and state, received
// from September 2025 to September 2026, seen on 2026-09-24 at 10:00:
//
//	A service at 兴宁社区, 2026-08-10: accepted and answered on time, rated 满意, closed on 08-12
//	B mediation at 民生街道, 2026-09-01: accepted late, dispatched to 兴宁社区, answered, rated 不满意, reopened
//	C service at 三塘镇, 2026-09-14: never accepted — overdue and escalated
//	D integrity report about 兴宁社区's secretary, 2026-09-10, routed to 民生街道 and accepted on time
//	E opinion at 兴宁区, 2025-09-15: refused the same day (before the twelve months)
//	F service at 兴宁社区, 2026-07-01: refused on 07-02
//	G opinion at 兴宁社区, 2026-09-22, routed to 民生街道: awaiting acceptance
type statsFx struct {
	*fx
	ids map[string]int64
}

func newStatsFx(t *testing.T) *statsFx {
	t.Helper()
	f := &statsFx{fx: newFx(t), ids: map[string]int64{}}
	ctx := context.Background()
	sec := f.cadre(t, f.comm, "李建国", "secretary", 11)
	at := func(y int, m time.Month, d int) { f.clock.Set(beijing(y, m, d, 10, 0)) }
	submit := func(name string, r cases.Report) string {
		rc := f.submit(t, r)
		f.ids[name] = rc.CaseID
		return rc.Code
	}
	step := func(who, name, step string, extra ...func(*cases.StepInput)) {
		in := cases.StepInput{Step: step}
		switch step {
		case cases.StepAnswer:
			in.Text = "已联系物业更换路灯，请您查看。"
		case cases.StepVisit:
			in.Text = "电话回访，居民确认已经修好。"
		case cases.StepRefuse:
			in.Text = "不属于本系统受理范围，请向有关部门反映。"
		case cases.StepClose:
			in.Outcome = cases.Resolved
		}
		for _, e := range extra {
			e(&in)
		}
		f.take(t, who, f.ids[name], in)
	}
	rate := func(code, rating string) {
		if _, err := f.s.Rate(ctx, code, rating, ""); err != nil {
			t.Fatalf("rate %s: %v", rating, err)
		}
	}

	at(2025, 9, 15)
	submit("E", cases.Report{Kind: cases.KindOpinion, RegionCode: "450102", Topic: "transport"})
	step("county.handler", "E", cases.StepRefuse)

	at(2026, 7, 1)
	submit("F", cases.Report{Kind: cases.KindService, RegionCode: "450102001003"})
	at(2026, 7, 2)
	step("comm.handler", "F", cases.StepRefuse)

	at(2026, 8, 10)
	a := submit("A", cases.Report{Kind: cases.KindService, RegionCode: "450102001003"})
	step("comm.handler", "A", cases.StepAccept)
	step("comm.handler", "A", cases.StepStart)
	at(2026, 8, 11)
	step("comm.handler", "A", cases.StepAnswer)
	rate(a, cases.Satisfied)
	step("comm.handler", "A", cases.StepVisit)
	at(2026, 8, 12)
	step("comm.handler", "A", cases.StepClose)

	at(2026, 9, 1)
	b := submit("B", cases.Report{Kind: cases.KindMediation, RegionCode: "450102001"})
	at(2026, 9, 8)
	step("street.handler", "B", cases.StepAccept)
	step("street.handler", "B", cases.StepDispatch, func(in *cases.StepInput) { in.OrgID = f.comm.ID })
	step("comm.handler", "B", cases.StepStart)
	at(2026, 9, 9)
	step("comm.handler", "B", cases.StepAnswer)
	at(2026, 9, 15)
	rate(b, cases.Unsatisfied)

	at(2026, 9, 10)
	submit("D", cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", SubjectOrgID: f.comm.ID, SubjectPersonID: sec.ID,
		Body: "社区书记在低保评定中优亲厚友，把自己亲戚评为低保户。"})
	step("street.officer", "D", cases.StepAccept)

	at(2026, 9, 14)
	submit("C", cases.Report{Kind: cases.KindService, RegionCode: "450102101"})

	at(2026, 9, 22)
	submit("G", cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "elderly"})

	at(2026, 9, 24)
	if n, err := f.s.Escalate(ctx); err != nil || n != 1 {
		t.Fatalf("escalated %d (%v), want C alone", n, err)
	}
	// The county reads both kinds of case; the secretary's own account
	// holds an integrity grant at the county too.
	both := f.user(t, "county.both", access.CaseHandler, f.county)
	if err := f.accounts.Grant(ctx, testrigAdmin(), both.UserID, access.IntegrityOfficer, f.county.ID); err != nil {
		t.Fatal(err)
	}
	self := f.user(t, "li.jianguo", access.IntegrityOfficer, f.county)
	if err := f.accounts.LinkPerson(ctx, testrigAdmin(), self.UserID, sec.ID); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"county.both", "li.jianguo"} {
		_, a, err := f.accounts.Login(ctx, name, "correct horse 42 battery", "test")
		if err != nil {
			t.Fatal(err)
		}
		f.users[name] = a
	}
	return f
}

// TestSubtreeStatsFigures: the county's figures, with and without the
// integrity report, exactly.
func TestSubtreeStatsFigures(t *testing.T) {
	f := newStatsFx(t)
	ctx := context.Background()
	st, err := f.s.SubtreeStats(ctx, f.as("county.both"), f.county.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 7 || st.Open != 4 || st.Overdue != 1 || st.Escalated != 1 || st.Accepted != 3 || st.AcceptedOnTime != 2 ||
		st.Answered != 1 || st.AnsweredOnTime != 1 || st.Reopened != 1 || st.ByKind[cases.KindIntegrity] != 1 ||
		st.Ratings[cases.Satisfied] != 1 || st.Ratings[cases.Unsatisfied] != 1 || st.ByOutcome[cases.Refused] != 2 || st.ByOutcome[cases.Resolved] != 1 {
		t.Fatalf("county stats %+v", st)
	}
	st, err = f.s.SubtreeStats(ctx, f.as("county.handler"), f.county.ID)
	if err != nil || st.Total != 6 || st.Open != 3 || st.ByKind[cases.KindIntegrity] != 0 {
		t.Fatalf("handler's county stats %+v %v", st, err)
	}
}

// TestChildrenStats: each township's figures over its subtree, B counted
// at 民生街道 once though it lies at the street and was dispatched to the
// community, and the townships without cases listed with zeros.
func TestChildrenStats(t *testing.T) {
	f := newStatsFx(t)
	ctx := context.Background()
	kids, err := f.s.ChildrenStats(ctx, f.as("county.both"), f.county.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) < 3 {
		t.Fatalf("%d children", len(kids))
	}
	want := []cases.ChildStats{
		{OrgID: f.street.ID, Total: 5, Open: 3, Accepted: 3, AcceptedOnTime: 2, Answered: 1, AnsweredOnTime: 1, Reopened: 1, Rated: 2, Satisfied: 1},
		{OrgID: f.other.ID, Total: 1, Open: 1, Overdue: 1, Escalated: 1},
	}
	for i, w := range want {
		got := kids[i]
		w.Name = got.Name
		if got != w {
			t.Errorf("child %d: got %+v, want %+v", i, got, w)
		}
	}
	if kids[0].Name != "民生街道党工委" && kids[0].Name != "民生街道" {
		t.Errorf("first child named %q", kids[0].Name)
	}
	for _, k := range kids[2:] {
		if k.Total != 0 {
			t.Errorf("%s counts %d", k.Name, k.Total)
		}
	}
	// The street's children: 兴宁社区 holds A, F and B (dispatched there).
	kids, err = f.s.ChildrenStats(ctx, f.as("county.both"), f.street.ID)
	if err != nil {
		t.Fatal(err)
	}
	if kids[0].OrgID != f.comm.ID || kids[0].Total != 3 || kids[0].Open != 1 || kids[0].Rated != 2 || kids[0].Satisfied != 1 || kids[0].Reopened != 1 {
		t.Fatalf("the street's first child %+v", kids[0])
	}
}

// TestMonthlyStats: the twelve months from October 2025, by kind, with
// what was closed in each; E, of September 2025, is before them.
func TestMonthlyStats(t *testing.T) {
	f := newStatsFx(t)
	ms, err := f.s.MonthlyStats(context.Background(), f.as("county.both"), f.county.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 12 || ms[0].Month != "2025-10" || ms[11].Month != "2026-09" {
		t.Fatalf("months %+v", ms)
	}
	want := map[string][2]int{"2026-07": {1, 1}, "2026-08": {1, 1}, "2026-09": {4, 0}}
	for _, m := range ms {
		w := want[m.Month]
		if m.Received != w[0] || m.Closed != w[1] {
			t.Errorf("%s: received %d, closed %d, want %v", m.Month, m.Received, m.Closed, w)
		}
	}
	sep := ms[11].ByKind
	if sep[cases.KindMediation] != 1 || sep[cases.KindService] != 1 || sep[cases.KindIntegrity] != 1 || sep[cases.KindOpinion] != 1 {
		t.Errorf("September by kind %v", sep)
	}
}

// TestPlacesStats: the county's cases by township, the one reported at
// the county itself under the county's name.
func TestPlacesStats(t *testing.T) {
	f := newStatsFx(t)
	ps, err := f.s.PlacesStats(context.Background(), f.as("county.both"), f.county.ID)
	if err != nil {
		t.Fatal(err)
	}
	type place struct {
		code, name string
		n          int
	}
	want := []place{{"450102001", "民生街道", 5}, {"450102", "兴宁区", 1}, {"450102101", "三塘镇", 1}}
	if len(ps) != len(want) {
		t.Fatalf("places %+v", ps)
	}
	for i, w := range want {
		if ps[i].Code != w.code || ps[i].Name != w.name || ps[i].Total != w.n {
			t.Errorf("place %d: %+v, want %+v", i, ps[i], w)
		}
	}
	if k := ps[0].ByKind; k[cases.KindService] != 2 || k[cases.KindMediation] != 1 || k[cases.KindIntegrity] != 1 || k[cases.KindOpinion] != 1 {
		t.Errorf("民生街道 by kind %v", k)
	}
	// The street's cases by community: D, F, A and G at 兴宁社区, B at the
	// street itself.
	ps, err = f.s.PlacesStats(context.Background(), f.as("county.both"), f.street.ID)
	if err != nil || len(ps) != 2 || ps[0].Code != "450102001003" || ps[0].Total != 4 || ps[1].Code != "450102001" || ps[1].Total != 1 {
		t.Fatalf("the street's places %+v %v", ps, err)
	}
}

// TestStatsLeaveOutTheReport: the secretary's own account, granted the
// integrity reports of the whole county, counts nothing of the report
// about the secretary — not in the totals, not in the street's line, not
// in September, not at the community — nor does the community's integrity
// officer, while the county's officer counts it everywhere.
func TestStatsLeaveOutTheReport(t *testing.T) {
	f := newStatsFx(t)
	ctx := context.Background()
	for name, want := range map[string]int{"county.officer": 1, "li.jianguo": 0, "comm.officer": 0, "street.officer": 1} {
		a := f.as(name)
		at := f.county
		if name == "comm.officer" {
			at = f.comm
		} else if name == "street.officer" {
			at = f.street
		}
		st, err := f.s.SubtreeStats(ctx, a, at.ID)
		if err != nil || st.Total != want || st.ByKind[cases.KindIntegrity] != want {
			t.Errorf("%s: totals %+v %v", name, st, err)
		}
		kids, err := f.s.ChildrenStats(ctx, a, at.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range kids {
			n += k.Total + k.Open + k.Accepted
		}
		if name == "street.officer" || name == "comm.officer" {
			want = 0 // the report lies at the street, above its communities
		}
		if n != want*3 {
			t.Errorf("%s: children %+v", name, kids)
		}
		ms, err := f.s.MonthlyStats(ctx, a, at.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want, got := min(1, st.Total), ms[11].ByKind[cases.KindIntegrity]; got != want {
			t.Errorf("%s: September counts %d integrity reports, want %d", name, got, want)
		}
		ps, err := f.s.PlacesStats(ctx, a, at.ID)
		if err != nil {
			t.Fatal(err)
		}
		n = 0
		for _, p := range ps {
			n += p.ByKind[cases.KindIntegrity]
		}
		if n != st.Total {
			t.Errorf("%s: places %+v", name, ps)
		}
	}
}
