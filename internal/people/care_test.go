package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/testrig"
)

// careFx is the register of 兴宁区 with the accounts that take the steps of
// a case: the street's organization department (民生街道), two of the
// county's (兴宁区), a township's elsewhere (三塘镇) and a secretary.
type careFx struct {
	*fx
	county           int64
	countyA, countyB access.Actor
	sanTang          access.Actor
	village          org.Org
}

func newCareFx(t *testing.T) *careFx {
	f := &careFx{fx: newFx(t)}
	f.county = *f.ms.ParentID
	cp := "/" + fmt.Sprint(f.county) + "/"
	f.countyA = testPerms.Bind(access.Actor{UserID: 10, Username: "county_a", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: cp}}})
	f.countyB = testPerms.Bind(access.Actor{UserID: 11, Username: "county_b", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: cp}}})
	f.sanTang = testPerms.Bind(access.Actor{UserID: 12, Username: "santang", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: f.st.Path}}})
	f.village = f.get(t, "450102101201")
	return f
}

// careState is what the tables hold of care: cases with their states and
// amounts, steps, and audit entries.
func (f *careFx) careState(t *testing.T) string {
	t.Helper()
	rows, err := f.d.Query(context.Background(), "SELECT id, state, COALESCE(approved_amount, 0), COALESCE(paid_amount, 0), version FROM care_cases ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, a, p, v int
		var st string
		if err := rows.Scan(&id, &st, &a, &p, &v); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d %s %d %d v%d; ", id, st, a, p, v)
	}
	return fmt.Sprint(b.String(), f.count(t, "care_steps"), " steps ", f.count(t, "audit_log"), " entries")
}

func (f *careFx) apply(t *testing.T, actor access.Actor, p people.Person, cat string, yuan int, on string) people.CareCase {
	t.Helper()
	c, err := f.ppl.Apply(context.Background(), actor, people.CareInput{PersonID: p.ID, Category: cat, Reason: "家中遭遇困难，生活拮据", Requested: yuan, AppliedOn: on})
	if err != nil {
		t.Fatalf("apply for %s: %v", p.Name, err)
	}
	return c
}

// must is the case a step answers, failing the test on an error.
func must(t *testing.T) func(people.CareCase, error) people.CareCase {
	return func(c people.CareCase, err error) people.CareCase {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

func approve(yuan int, on string) people.DecisionInput {
	return people.DecisionInput{Decision: "approve", Amount: yuan, OnDate: on}
}

// TestCareTotalsByHand: six cases of 兴宁区 through their steps, and the
// totals of 2026 by township against a computation by hand:
//
//	case  member (organization)        year  asked   review         approval   paid
//	1     张伟 (兴宁社区, 民生街道)      2026   8,000   6,000          yes        6,000
//	2     李娜 (兴宁社区, 民生街道)      2026   3,000   3,000          yes        —
//	3     陈刚 (a village of 三塘镇)     2026   5,000   5,000          yes        4,500
//	4     刘洋 (民生街道 itself)         2026   2,000   refused        —          —
//	5     张伟                           2025  10,000  10,000          yes       10,000
//	6     李娜                           2026   1,500   —              —          —
//
// 民生街道: 4 cases (1, 2, 4, 6), 2 approved for 6,000 + 3,000 = 9,000, 1 paid
// 6,000, 1 refused, 1 pending. 三塘镇: 1 case, approved 5,000, paid 4,500.
// 兴宁区: 5 cases, 3 approved for 14,000, 2 paid for 10,500.
func TestCareTotalsByHand(t *testing.T) {
	t.Parallel()
	f := newCareFx(t)
	ctx := context.Background()
	zhang := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	li := f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	chen := f.add(t, f.village, "陈刚", idNumber("450102", "19700909", 441), "full", "1995-10-01")
	liu := f.add(t, f.ms, "刘洋", idNumber("452101", "19640808", 331), "full", "1990-05-04")

	c1 := f.apply(t, f.secretary, zhang, "illness", 8000, "2026-03-02")
	c1 = must(t)(f.ppl.Review(ctx, f.street, c1.ID, approve(6000, "2026-03-10")))
	c1 = must(t)(f.ppl.Approve(ctx, f.countyA, c1.ID, approve(0, "2026-03-20")))
	c1 = must(t)(f.ppl.Disburse(ctx, f.countyB, c1.ID, people.DisburseInput{PaidOn: "2026-04-01", Amount: 6000}))
	c2 := f.apply(t, f.secretary, li, "disaster", 3000, "2026-06-15")
	c2 = must(t)(f.ppl.Review(ctx, f.street, c2.ID, approve(3000, "2026-06-20")))
	c2 = must(t)(f.ppl.Approve(ctx, f.countyB, c2.ID, approve(0, "2026-06-25")))
	c3 := f.apply(t, f.countyB, chen, "accident", 5000, "2026-07-01")
	c3 = must(t)(f.ppl.Review(ctx, f.sanTang, c3.ID, approve(5000, "2026-07-03")))
	c3 = must(t)(f.ppl.Approve(ctx, f.countyA, c3.ID, approve(0, "2026-07-08")))
	c3 = must(t)(f.ppl.Disburse(ctx, f.countyA, c3.ID, people.DisburseInput{PaidOn: "2026-07-20", Amount: 4500}))
	c4 := f.apply(t, f.street, liu, "elderly", 2000, "2026-09-01")
	c4 = must(t)(f.ppl.Review(ctx, f.countyA, c4.ID, people.DecisionInput{Decision: "reject", Reason: "家庭人均收入高于当地帮扶标准", OnDate: "2026-09-05"}))
	c5 := f.apply(t, f.secretary, zhang, "illness", 10000, "2025-11-01")
	must(t)(f.ppl.Review(ctx, f.street, c5.ID, approve(10000, "2025-11-05")))
	must(t)(f.ppl.Approve(ctx, f.countyA, c5.ID, approve(0, "2025-11-10")))
	must(t)(f.ppl.Disburse(ctx, f.countyA, c5.ID, people.DisburseInput{PaidOn: "2025-12-01", Amount: 10000}))
	c6 := f.apply(t, f.secretary, li, "schooling", 1500, "2026-11-20")

	for _, c := range []struct {
		c     people.CareCase
		state string
		a, p  int
	}{{c1, "paid", 6000, 6000}, {c2, "approved", 3000, 0}, {c3, "paid", 5000, 4500}, {c4, "rejected", 0, 0}, {c6, "applied", 0, 0}} {
		if c.c.State != c.state || c.c.Approved != c.a || c.c.Paid != c.p {
			t.Errorf("case %d: %s %d %d, want %s %d %d", c.c.ID, c.c.State, c.c.Approved, c.c.Paid, c.state, c.a, c.p)
		}
	}
	// The case page: its reason for its readers, and its steps in order.
	got, err := f.ppl.CareCase(ctx, f.secretary, c1.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, s := range got.Steps {
		steps = append(steps, fmt.Sprintf("%s %s %d %s %s %s", s.Step, s.Decision, s.Amount, s.OrgName, s.OnDate, s.Actor))
	}
	if got.Reason != "家中遭遇困难，生活拮据" || got.ReviewOrg != f.ms.Label() || strings.Join(steps, " | ") != fmt.Sprintf("apply  8000 %s 2026-03-02 sec | review approved 6000 %s 2026-03-10 street | approve approved 6000 %s 2026-03-20 county_a | disburse  6000 %s 2026-04-01 county_b",
		f.c3.Label(), f.ms.Label(), got.ApproveOrg, got.ApproveOrg) {
		t.Errorf("case 1: %q %s %v", got.Reason, got.ReviewOrg, steps)
	}
	if got, _ := f.ppl.CareCase(ctx, f.admin, c4.ID, ""); got.Steps[1].Note != "家庭人均收入高于当地帮扶标准" {
		t.Errorf("the refusal's reason: %+v", got.Steps)
	}

	totals, sum, err := f.ppl.CareTotals(ctx, f.countyB, f.county, 2026)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, r := range totals {
		if r.Cases > 0 {
			rows = append(rows, fmt.Sprintf("%s %d cases, %d approved %d, %d paid %d, %d refused, %d pending", r.OrgName, r.Cases, r.Approved, r.ApprovedAmount, r.Paid, r.PaidAmount, r.Refused, r.Pending))
		}
	}
	want := []string{
		f.ms.Label() + " 4 cases, 2 approved 9000, 1 paid 6000, 1 refused, 1 pending",
		f.st.Label() + " 1 cases, 1 approved 5000, 1 paid 4500, 0 refused, 0 pending",
	}
	if strings.Join(rows, " | ") != strings.Join(want, " | ") {
		t.Errorf("totals of 2026:\n got %v\nwant %v", rows, want)
	}
	if sum.Cases != 5 || sum.Approved != 3 || sum.ApprovedAmount != 14000 || sum.Paid != 2 || sum.PaidAmount != 10500 {
		t.Errorf("the county's sum: %+v", sum)
	}
	if _, sum, _ := f.ppl.CareTotals(ctx, f.countyB, f.county, 2025); sum.Cases != 1 || sum.PaidAmount != 10000 {
		t.Errorf("2025: %+v", sum)
	}

	// The lists: by state, by person, and the counts of each state.
	list, total, counts, err := f.ppl.CareCases(ctx, f.countyA, people.CareQuery{Year: 2026, Sort: "requested"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, fmt.Sprint(c.Name, c.Requested))
	}
	if total != 5 || strings.Join(names, ",") != "李娜1500,刘洋2000,李娜3000,陈刚5000,张伟8000" || fmt.Sprint(counts) != "map[applied:1 approved:1 paid:2 rejected:1]" {
		t.Errorf("cases of 2026: %d %v %v", total, names, counts)
	}
	if _, total, _, _ := f.ppl.CareCases(ctx, f.secretary, people.CareQuery{State: "paid"}); total != 2 {
		t.Errorf("the secretary's paid cases: %d, want 张伟's two", total)
	}
	if _, total, _, _ := f.ppl.CareCases(ctx, f.admin, people.CareQuery{PersonID: zhang.ID}); total != 2 {
		t.Errorf("张伟's cases: %d", total)
	}
}

// TestCareBadSteps: every step out of order, outside its level's scope, by
// the account that reviewed, or with an implausible amount is refused with
// its message, and nothing changes.
func TestCareBadSteps(t *testing.T) {
	t.Parallel()
	f := newCareFx(t)
	ctx := context.Background()
	zhang := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	chen := f.add(t, f.village, "陈刚", idNumber("450102", "19700909", 441), "full", "1995-10-01")
	co, _ := f.orgs.Get(ctx, f.admin, f.county)

	before := f.careState(t)
	for _, c := range []struct {
		name  string
		actor access.Actor
		in    people.CareInput
		want  string
	}{
		{"nothing asked", f.secretary, people.CareInput{PersonID: zhang.ID, Category: "illness", Reason: "住院治疗费用高", Requested: 0, AppliedOn: "2026-03-02"}, "金额应为 1–100000 元之间的整数（单位：元）"},
		{"a negative amount", f.secretary, people.CareInput{PersonID: zhang.ID, Category: "illness", Reason: "住院治疗费用高", Requested: -500, AppliedOn: "2026-03-02"}, "金额应为 1–100000 元之间的整数（单位：元）"},
		{"an implausible amount", f.secretary, people.CareInput{PersonID: zhang.ID, Category: "illness", Reason: "住院治疗费用高", Requested: 100001, AppliedOn: "2026-03-02"}, "金额应为 1–100000 元之间的整数（单位：元）"},
		{"no category", f.secretary, people.CareInput{PersonID: zhang.ID, Category: "lottery", Reason: "住院治疗费用高", Requested: 500, AppliedOn: "2026-03-02"}, "请选择困难类别，如“因病致困”“因灾致困”"},
		{"no reason", f.secretary, people.CareInput{PersonID: zhang.ID, Category: "illness", Reason: " 病 ", Requested: 500, AppliedOn: "2026-03-02"}, "请用 4–500 字说明理由"},
		{"a member outside the secretary's scope", f.secretary, people.CareInput{PersonID: chen.ID, Category: "illness", Reason: "住院治疗费用高", Requested: 500, AppliedOn: "2026-03-02"}, fmt.Sprintf("人员 %d 不存在或不在您的管理范围内", chen.ID)},
		{"a date to come", f.secretary, people.CareInput{PersonID: zhang.ID, Category: "illness", Reason: "住院治疗费用高", Requested: 500, AppliedOn: "2026-12-04"}, "申请日期不能晚于今天"},
	} {
		if _, err := f.ppl.Apply(ctx, c.actor, c.in); msg(err) != c.want {
			t.Errorf("%s: %q, want %q", c.name, msg(err), c.want)
		}
	}
	if got := f.careState(t); got != before {
		t.Errorf("refused applications changed %s to %s", before, got)
	}

	c := f.apply(t, f.secretary, zhang, "illness", 8000, "2026-03-02")
	type step struct {
		name string
		do   func() error
		want string
	}
	review := func(a access.Actor, in people.DecisionInput) func() error {
		return func() error { _, err := f.ppl.Review(ctx, a, c.ID, in); return err }
	}
	approveBy := func(a access.Actor) func() error {
		return func() error { _, err := f.ppl.Approve(ctx, a, c.ID, approve(0, "2026-03-20")); return err }
	}
	disburse := func(a access.Actor, yuan int) func() error {
		return func() error {
			_, err := f.ppl.Disburse(ctx, a, c.ID, people.DisburseInput{PaidOn: "2026-04-01", Amount: yuan})
			return err
		}
	}
	check := func(steps []step) {
		t.Helper()
		before := f.careState(t)
		for _, s := range steps {
			if got := msg(s.do()); got != s.want {
				t.Errorf("%s: %q, want %q", s.name, got, s.want)
			}
		}
		if got := f.careState(t); got != before {
			t.Errorf("refused steps changed %s to %s", before, got)
		}
	}
	check([]step{
		{"approving before the review", approveBy(f.countyA), "该案件尚未经乡镇（街道）审核，不能审批"},
		{"paying before the approval", disburse(f.countyA, 100), "该案件尚未经县级审批（当前：待乡镇审核），不能发放"},
		{"a secretary reviewing", review(f.secretary, approve(6000, "2026-03-10")), "您没有审核该案件的权限：应由" + f.ms.Label() + "办理"},
		{"another township reviewing", review(f.sanTang, approve(6000, "2026-03-10")), fmt.Sprintf("关爱帮扶案件 %d 不存在或不在您的管理范围内", c.ID)},
		{"more than asked", review(f.street, approve(9000, "2026-03-10")), "核定金额不能超过申请金额 8000 元"},
		{"an implausible amount granted", review(f.street, approve(100001, "2026-03-10")), "金额应为 1–100000 元之间的整数（单位：元）"},
		{"a refusal without its reason", review(f.street, people.DecisionInput{Decision: "reject", OnDate: "2026-03-10"}), "请用 4–500 字说明理由"},
		{"no decision", review(f.street, people.DecisionInput{Decision: "maybe", OnDate: "2026-03-10"}), "请选择“同意”或“不同意”"},
		{"a review before the application", review(f.street, approve(6000, "2026-03-01")), "审核日期不能早于上一步的日期 2026-03-02"},
	})
	must(t)(f.ppl.Review(ctx, f.countyA, c.ID, approve(6000, "2026-03-10")))
	check([]step{
		{"reviewing twice", review(f.street, approve(6000, "2026-03-11")), "该案件已审核，当前状态为“待县级审批”，不能再次审核"},
		{"the reviewer approving", approveBy(f.countyA), "您已审核该案件：审核与审批须由不同的账号办理"},
		{"a street approving", approveBy(f.street), "您没有审批该案件的权限：应由" + co.Label() + "办理"},
		{"approving another amount", func() error { _, err := f.ppl.Approve(ctx, f.countyB, c.ID, approve(6500, "2026-03-20")); return err },
			"审批只能同意或不同意乡镇（街道）核定的 6000 元；如需调整金额，请不同意并说明理由"},
		{"paying before the approval", disburse(f.countyB, 6000), "该案件尚未经县级审批（当前：待县级审批），不能发放"},
	})
	must(t)(f.ppl.Approve(ctx, f.countyB, c.ID, approve(0, "2026-03-20")))
	check([]step{
		{"approving twice", approveBy(f.countyB), "该案件当前状态为“待发放”，不能审批"},
		{"paying more than approved", disburse(f.countyB, 6001), "发放金额不能超过核定金额 6000 元"},
		{"paying nothing", disburse(f.countyB, 0), "金额应为 1–100000 元之间的整数（单位：元）"},
		{"a street paying", disburse(f.street, 6000), "您没有登记发放该案件的权限：应由" + co.Label() + "办理"},
	})
	must(t)(f.ppl.Disburse(ctx, f.countyB, c.ID, people.DisburseInput{PaidOn: "2026-04-01", Amount: 6000}))
	check([]step{{"paying twice", disburse(f.countyB, 6000), "该案件当前状态为“已发放”，不能登记发放"}})

	// An account without care.read does not find the case at all.
	handler := testPerms.Bind(access.Actor{UserID: 5, Username: "handler", Grants: []access.Grant{{Role: access.CaseHandler, OrgPath: f.ms.Path}}})
	if _, err := f.ppl.CareCase(ctx, handler, c.ID, ""); msg(err) != fmt.Sprintf("关爱帮扶案件 %d 不存在或不在您的管理范围内", c.ID) {
		t.Errorf("a case handler reads the case: %v", err)
	}
}

// careCanary is the reason of a case and of its refusal that must never be
// found in clear outside the case page.
const (
	careCanary     = "金丝雀肺部手术自费部分"
	careNoteCanary = "金丝雀收入超标说明"
)

// TestCareReasonNotInTheFile: on SQLite the database file and its WAL
// hold the reasons of a case and of its refusal only sealed; the audit
// entries and the lists never carry them.
func TestCareReasonNotInTheFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path, d, orgs, ppl := fileRegister(t)
	l, _, _ := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	p, err := ppl.AddMember(ctx, testrig.Admin, people.MemberInput{PersonInput: people.PersonInput{Name: "金丝雀", IDNumber: canaryID, Ethnicity: "汉族", Education: "大学本科"},
		OrgID: l[0].ID, Kind: "full", JoinedOn: "2005-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ppl.Apply(ctx, testrig.Admin, people.CareInput{PersonID: p.ID, Category: "illness", Reason: careCanary, Requested: 3000, AppliedOn: "2026-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ppl.Review(ctx, testrig.Admin, c.ID, people.DecisionInput{Decision: "reject", Reason: careNoteCanary, OnDate: "2026-05-02"}); err != nil {
		t.Fatal(err)
	}
	got, err := ppl.CareCase(ctx, testrig.Admin, c.ID, "")
	if err != nil || got.Reason != careCanary || got.Steps[1].Note != careNoteCanary {
		t.Fatalf("the case page: %+v %v", got, err)
	}
	list, _, _, err := ppl.CareCases(ctx, testrig.Admin, people.CareQuery{})
	if err != nil {
		t.Fatal(err)
	}
	seen := fmt.Sprintf("%+v", list)
	for _, table := range []string{"care_cases", "care_steps", "audit_log"} {
		seen += testrig.DumpTable(t, ctx, d, table)
	}
	for _, s := range []string{careCanary, careNoteCanary} {
		if strings.Contains(seen, s) {
			t.Errorf("%s is in clear in a list, a table or the audit log", s)
		}
	}
	secretsInFiles(t, path, d, map[string]string{"the reason": careCanary, "the refusal's reason": careNoteCanary})
}

// TestCareReasonNeverInClear: on either engine, the rows of the cases and
// their steps and the audit log hold the reasons of an application and of
// its refusal only sealed, and the list does not carry them.
func TestCareReasonNeverInClear(t *testing.T) {
	t.Parallel()
	f := newCareFx(t)
	ctx := context.Background()
	p := f.add(t, f.c3, "金丝雀", canaryID, "full", "2005-07-01")
	c, err := f.ppl.Apply(ctx, f.secretary, people.CareInput{PersonID: p.ID, Category: "illness", Reason: careCanary, Requested: 3000, AppliedOn: "2026-05-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ppl.Review(ctx, f.street, c.ID, people.DecisionInput{Decision: "reject", Reason: careNoteCanary, OnDate: "2026-05-02"}); err != nil {
		t.Fatal(err)
	}
	got, err := f.ppl.CareCase(ctx, f.secretary, c.ID, "")
	if err != nil || got.Reason != careCanary || got.Steps[1].Note != careNoteCanary {
		t.Fatalf("the case for its reader: %+v %v", got, err)
	}
	list, _, _, err := f.ppl.CareCases(ctx, f.secretary, people.CareQuery{})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v", err)
	}
	seen := fmt.Sprintf("%+v", list)
	for _, table := range []string{"care_cases", "care_steps", "audit_log"} {
		seen += testrig.DumpTable(t, ctx, f.d, table)
	}
	for _, s := range []string{careCanary, careNoteCanary} {
		if strings.Contains(seen, s) {
			t.Errorf("%s is in clear in the list, a table or the audit log", s)
		}
	}
}

// TestCareApplicantDecidesNothing: the account that applied may neither
// review, approve nor pay the case, whatever its grants; another account
// of the county approves and a third pays.
func TestCareApplicantDecidesNothing(t *testing.T) {
	t.Parallel()
	f := newCareFx(t)
	ctx := context.Background()
	liu := f.add(t, f.ms, "刘洋", idNumber("452101", "19640808", 331), "full", "1990-05-04")
	c := f.apply(t, f.countyA, liu, "elderly", 2000, "2026-09-01")
	const own = "您提出了该申请：审核、审批和发放须由其他账号办理"
	if _, err := f.ppl.Review(ctx, f.countyA, c.ID, approve(2000, "2026-09-02")); errs.KindOf(err) != errs.Forbidden || errs.As(err).ZH != own {
		t.Errorf("the applicant reviewing: %v", err)
	}
	must(t)(f.ppl.Review(ctx, f.street, c.ID, approve(2000, "2026-09-02")))
	if _, err := f.ppl.Approve(ctx, f.countyA, c.ID, approve(0, "2026-09-03")); errs.KindOf(err) != errs.Forbidden || errs.As(err).ZH != own {
		t.Errorf("the applicant approving: %v", err)
	}
	must(t)(f.ppl.Approve(ctx, f.countyB, c.ID, approve(0, "2026-09-03")))
	if _, err := f.ppl.Disburse(ctx, f.countyA, c.ID, people.DisburseInput{PaidOn: "2026-09-04", Amount: 2000}); errs.KindOf(err) != errs.Forbidden || errs.As(err).ZH != own {
		t.Errorf("the applicant paying: %v", err)
	}
	if ok, err := f.ppl.CanTakeStep(ctx, f.countyA, must(t)(f.ppl.CareCase(ctx, f.countyA, c.ID, ""))); err != nil || ok {
		t.Errorf("the applicant is offered the payment: %v %v", ok, err)
	}
}
