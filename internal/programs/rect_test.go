package programs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// TestPermissions spells out the programmes' part of the permission
// catalogue: its actions in order, and for every role which it holds.
func TestPermissions(t *testing.T) {
	p := programs.Permissions()
	perms := access.MustCatalogue(p)
	var names []string
	for _, act := range p.Actions {
		names = append(names, string(act))
	}
	if got, want := strings.Join(names, " "), "programs.read programs.report programs.manage programs.accept"; got != want {
		t.Fatalf("actions %s, want %s", got, want)
	}
	want := map[access.Role]string{
		access.Admin: "YYYY", access.OrgAdmin: "YYYY", access.Secretary: "YY..", access.EvaluationManager: "....",
		access.CaseHandler: "....", access.IntegrityOfficer: "....", access.Custodian: "....", access.Auditor: "Y...",
	}
	for _, role := range access.Roles {
		var got []byte
		for _, act := range p.Actions {
			if perms.Allows(role, act) {
				got = append(got, 'Y')
			} else {
				got = append(got, '.')
			}
		}
		if string(got) != want[role] {
			t.Errorf("%s holds %s, want %s", role, got, want[role])
		}
	}
}

// TestIdentifyFromEvaluation: the organizations the published 2025
// 述职评议 grades lowest or vetoes — as the evaluation module's own
// rectification list names them — become candidates, each with the
// campaign, its grade and total as evidence; a second run names nobody
// twice.
func TestIdentifyFromEvaluation(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	want := f.flaggedOrgs(t, 2025)
	if len(want) < 2 {
		t.Fatalf("the demo's 2025 述职评议 flags %d organizations, want at least 2", len(want))
	}
	if _, ok := want[f.village.ID]; !ok {
		t.Fatalf("虎邱村 is not on the evaluation's rectification list: %v", want)
	}
	res, err := f.pg.Identify(ctx, f.countyA, f.county.ID, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != len(want) || res.Updated != 0 {
		t.Fatalf("identified %+v, want %d added", res, len(want))
	}
	l, err := f.pg.RectCases(ctx, f.countyA, programs.RectQuery{Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != len(want) || l.States["candidate"] != len(want) {
		t.Fatalf("ledger of 2025: %d cases, states %v; want %d candidates", l.Total, l.States, len(want))
	}
	for _, r := range l.Rects {
		campaign, ok := want[r.OrgID]
		if !ok {
			t.Fatalf("%s is a candidate but not on the evaluation's list", r.OrgName)
		}
		full := must(t)(f.pg.Rect(ctx, f.countyA, r.ID))
		if len(full.Evidence) != 1 || full.Evidence[0].Source != "evaluation" || !strings.HasPrefix(full.Evidence[0].Detail, campaign+"：等次“差”，总分 ") {
			t.Fatalf("evidence of %s: %+v", r.OrgName, full.Evidence)
		}
		if len(full.Steps) != 1 || full.Steps[0].Step != "identify" || full.Steps[0].OnDate != "2026-03-10" {
			t.Fatalf("steps of %s: %+v", r.OrgName, full.Steps)
		}
	}
	again, err := f.pg.Identify(ctx, f.countyA, f.county.ID, 2025)
	if err != nil || again != (programs.IdentifyResult{}) {
		t.Fatalf("second run: %+v, %v; want nothing new", again, err)
	}
	// The street sees the candidates of its own villages only.
	sl, err := f.pg.RectCases(ctx, f.streetA, programs.RectQuery{Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sl.Rects {
		if _, ok := want[r.OrgID]; !ok {
			t.Fatalf("the street sees %s", r.OrgName)
		}
	}
	if sl.Total == 0 || sl.Total >= l.Total {
		t.Fatalf("the street sees %d of the county's %d candidates", sl.Total, l.Total)
	}
}

// caseAbout files a resident's case and takes it to its answer as the
// system; integrity reports are closed as resolved (found true).
func (f *fx) caseAbout(t *testing.T, kind string, code string, subject int64) cases.Receipt {
	t.Helper()
	ctx := context.Background()
	rep := cases.Report{Kind: kind, RegionCode: code, Body: "村里的事情长期没人管，群众反映多次没有结果，请上级关注。"}
	if kind == cases.KindIntegrity {
		rep.SubjectOrgID = subject
	}
	rc, err := f.cs.Submit(ctx, rep)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	sys := access.SystemActor("test")
	for _, in := range []cases.StepInput{{Step: cases.StepAccept}, {Step: cases.StepStart}, {Step: cases.StepAnswer, Text: "已核实情况并作出处理。"}} {
		if _, err := f.cs.Take(ctx, sys, rc.CaseID, in); err != nil {
			t.Fatalf("%s: %v", in.Step, err)
		}
	}
	if kind == cases.KindIntegrity {
		for _, in := range []cases.StepInput{{Step: cases.StepVisit, Text: "回访举报人，对处理结果表示认可"}, {Step: cases.StepClose, Outcome: cases.Resolved}} {
			if _, err := f.cs.Take(ctx, sys, rc.CaseID, in); err != nil {
				t.Fatalf("%s: %v", in.Step, err)
			}
		}
	}
	return rc
}

// TestIdentifyFromCases: an integrity report about 虎邱村 found true, and
// three residents dissatisfied with 兴宁社区's answers, make both
// candidates of 2026 with the counts as evidence; two dissatisfied make
// none. The integrity report counts only for an account that may know of
// it (integrity.read strictly above the village): the county's
// organization department alone names the community, the county's
// department that also reads integrity reports names the village too.
// The village's case and its evidence are kept from the village while it
// is a candidate; once listed, the village reads the case, never why.
func TestIdentifyFromCases(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	both := f.a.Core().Perms.Bind(access.Actor{UserID: 22, Username: "county_int", Grants: []access.Grant{
		{Role: access.OrgAdmin, OrgPath: f.county.Path}, {Role: access.IntegrityOfficer, OrgPath: f.county.Path}}})
	f.caseAbout(t, cases.KindIntegrity, f.village.RegionCode, f.village.ID)
	var receipts []cases.Receipt
	for range 3 {
		receipts = append(receipts, f.caseAbout(t, cases.KindService, f.other.RegionCode, 0))
	}
	for i, rc := range receipts {
		if _, err := f.cs.Rate(ctx, rc.Code, cases.Unsatisfied, ""); err != nil {
			t.Fatalf("rate %d: %v", i, err)
		}
		if i == 1 {
			// Two are not yet a pattern; the department does not know of
			// the integrity report.
			if res, err := f.pg.Identify(ctx, f.countyA, f.county.ID, 2026); err != nil || res.Added != 0 {
				t.Fatalf("with two ratings: %+v, %v; want nobody", res, err)
			}
		}
	}
	if res, err := f.pg.Identify(ctx, f.countyA, f.county.ID, 2026); err != nil || res.Added != 1 || res.Updated != 0 {
		t.Fatalf("identified %+v, %v; want the community added", res, err)
	}
	if res, err := f.pg.Identify(ctx, both, f.county.ID, 2026); err != nil || res.Added != 1 || res.Updated != 0 {
		t.Fatalf("identified by an integrity reader %+v, %v; want the village added", res, err)
	}
	l, err := f.pg.RectCases(ctx, f.countyA, programs.RectQuery{Year: 2026})
	if err != nil || l.Total != 2 {
		t.Fatalf("ledger of 2026: %+v, %v", l, err)
	}
	details := func(actor access.Actor) map[int64]string {
		out := map[int64]string{}
		for _, r := range l.Rects {
			full := must(t)(f.pg.Rect(ctx, actor, r.ID))
			var d []string
			for _, e := range full.Evidence {
				d = append(d, e.Source+" "+e.Detail)
			}
			out[r.OrgID] = strings.Join(d, " | ")
		}
		return out
	}
	byBoth, byDept := details(both), details(f.countyA)
	if got, want := byBoth[f.village.ID], "cases 2026 年有 1 件反映该组织的廉洁监督件查实办结"; got != want {
		t.Fatalf("evidence of 虎邱村 for an integrity reader: %q, want %q", got, want)
	}
	if got := byDept[f.village.ID]; got != "" {
		t.Fatalf("evidence of 虎邱村 for the department alone: %q, want none", got)
	}
	if got, want := byDept[f.other.ID], "cases 2026 年群众对该组织办理的诉求 3 次评价“不满意”"; got != want {
		t.Fatalf("evidence of 兴宁社区: %q, want %q", got, want)
	}
	var id int64
	for _, r := range l.Rects {
		if r.OrgID == f.village.ID {
			id = r.ID
		}
	}
	// A candidate is kept from its own organization: not in its list, its
	// counts or its statistics, not found by id.
	if _, err := f.pg.Rect(ctx, f.secretary, id); errs.KindOf(err) != errs.NotFound {
		t.Fatalf("the village reads its candidacy: %v", err)
	}
	if own, err := f.pg.RectCases(ctx, f.secretary, programs.RectQuery{}); err != nil || own.Total != 0 || len(own.States) != 0 {
		t.Fatalf("the village's ledger: %+v, %v", own, err)
	}
	// Listed, the village reads its case and none of its evidence.
	must(t)(f.pg.Decide(ctx, f.countyA, id, programs.DecideInput{Decision: "list", Reason: "life_irregular", OnDate: "2026-03-10"}))
	r := must(t)(f.pg.Rect(ctx, f.secretary, id))
	if r.ShowEvidence || len(r.Evidence) != 0 {
		t.Fatalf("the village's secretary sees %+v", r.Evidence)
	}
	if b, _ := json.Marshal(r); strings.Contains(string(b), "廉洁") || strings.Contains(string(b), "evidence") {
		t.Fatalf("the secretary's case: %s", b)
	}
	// The street above sees that there is evidence, not the integrity
	// report, which it may not know of.
	if r := must(t)(f.pg.Rect(ctx, f.streetA, id)); !r.ShowEvidence || len(r.Evidence) != 0 {
		t.Fatalf("the street sees %v %+v", r.ShowEvidence, r.Evidence)
	}
}

// TestRectLifeCycle walks a case by hand through every step, with each
// wrong step refused with its message and nothing changed, to the public
// page; the next year the organization is flagged as listed again.
func TestRectLifeCycle(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	unchanged := func(t *testing.T, err error, want string) {
		t.Helper()
		before := f.state(t)
		refused(t, err, want)
		if after := f.state(t); after != before {
			t.Fatalf("a refused step changed the ledger:\n%s\nto\n%s", before, after)
		}
	}
	// Bad candidates.
	before := f.state(t)
	_, err := f.pg.AddCandidate(ctx, f.countyA, programs.CandidateInput{OrgID: f.village.ID, Year: 2030, Reason: "lazy", Note: "差"})
	refused(t, err, "year: 请填写整顿年度：2025–2027 年; reason: 请选择软弱涣散类型")
	if !strings.Contains(errText(err), "note: 请用 4–500 字填写研判依据") {
		t.Fatalf("no note error: %s", errText(err))
	}
	if f.state(t) != before {
		t.Fatal("a refused candidate changed the ledger")
	}
	_, err = f.pg.AddCandidate(ctx, f.secretary, programs.CandidateInput{OrgID: f.village.ID, Year: 2026, Reason: "other", Note: "班子长期不开会"})
	unchanged(t, err, "您没有对“")

	r := must(t)(f.pg.AddCandidate(ctx, f.countyA, programs.CandidateInput{OrgID: f.village.ID, Year: 2026, Reason: "life_irregular", Note: "全年仅召开 2 次支部党员大会"}))
	if r.State != "candidate" || r.Reason != "life_irregular" || len(r.Evidence) != 1 || r.Evidence[0].Detail != "组织生活不正常：全年仅召开 2 次支部党员大会" || r.AcceptingOrg != "兴宁区委" {
		t.Fatalf("candidate: %+v", r)
	}
	// The steps the case is not at, and steps by those who may not take them.
	_, err = f.pg.Plan(ctx, f.countyA, r.ID, programs.PlanInput{Measures: "调整充实村党组织班子，规范三会一课", Leader: "张三 区委常委", Deadline: "2026-12-31"})
	unchanged(t, err, "该整顿台账当前状态为“待研判”，不能制定或修改整顿方案")
	_, err = f.pg.Close(ctx, f.countyA, r.ID, programs.CloseInput{OnDate: "2026-03-10"})
	unchanged(t, err, "该整顿台账当前状态为“待研判”，不能销号")
	_, err = f.pg.Decide(ctx, f.streetA, r.ID, programs.DecideInput{Decision: "list", Reason: "life_irregular", OnDate: "2026-03-10"})
	unchanged(t, err, "您没有办理此事项的权限：应由兴宁区委办理")
	_, err = f.pg.Decide(ctx, f.countyA, r.ID, programs.DecideInput{Decision: "list", OnDate: "2026-03-11"})
	unchanged(t, err, "on_date: 研判日期不能晚于今天; reason: 列入整顿须选择软弱涣散类型")

	r = must(t)(f.pg.Decide(ctx, f.countyA, r.ID, programs.DecideInput{Decision: "list", Reason: "life_irregular", OnDate: "2026-03-10"}))
	if r.State != "listed" || r.Repeated {
		t.Fatalf("listed: %+v", r)
	}
	_, err = f.pg.Progress(ctx, f.secretary, r.ID, programs.ProgressInput{Month: "2026-03", Text: "召开支部党员大会，学习有关文件精神"})
	unchanged(t, err, "整顿方案尚未制定，不能报送进展")
	_, err = f.pg.Accept(ctx, f.countyA, r.ID, programs.AcceptInput{Decision: "pass", Conclusion: "整顿成效明显，同意验收", OnDate: "2026-03-10"})
	unchanged(t, err, "整顿方案尚未制定，不能验收")

	// The plan: measures, leader, deadline.
	plan := programs.PlanInput{Measures: "调整", Leader: "张", Deadline: "2028-01-01"}
	_, err = f.pg.Plan(ctx, f.countyA, r.ID, plan)
	unchanged(t, err, "measures: 请用 10–2000 字填写整顿措施; leader: 请用 2–50 字填写包联县级领导（姓名和职务）; deadline: 整顿时限不能晚于 2027-12-31")
	plan = programs.PlanInput{Measures: "调整充实村党组织班子，规范落实三会一课制度，每月开展主题党日", Leader: "张三（区委常委、组织部部长）", Deadline: "2026-03-10"}
	_, err = f.pg.Plan(ctx, f.countyA, r.ID, plan)
	unchanged(t, err, "deadline: 整顿时限应晚于今天")
	_, err = f.pg.Plan(ctx, f.secretary, r.ID, programs.PlanInput{Measures: plan.Measures, Leader: plan.Leader, Deadline: "2026-12-31"})
	unchanged(t, err, "您没有办理此事项的权限：应由兴宁区委办理")
	plan.Deadline = "2026-12-31"
	// The first secretary is one in post at the village, from the register.
	first17 := "450102198501010" + "12"
	fs, err := f.ppl.AddMember(ctx, testrig.Admin, people.MemberInput{PersonInput: people.PersonInput{Name: "韦第一", IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "壮族", Education: "大学本科"},
		OrgID: f.county.ID, Kind: "full", JoinedOn: "2008-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	plan.FirstSecretaryID = fs.ID
	_, err = f.pg.Plan(ctx, f.countyA, r.ID, plan)
	unchanged(t, err, "first_secretary_id: 请选择在虎邱村党支部任职的第一书记")
	if _, err := f.ppl.Appoint(ctx, testrig.Admin, people.PostInput{PersonID: fs.ID, OrgID: f.village.ID, Post: "first_secretary", HomeAgency: "兴宁区财政局", StartedOn: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	r = must(t)(f.pg.Plan(ctx, f.countyA, r.ID, plan))
	if r.FirstSecretary != "韦第一" {
		t.Fatalf("first secretary %q", r.FirstSecretary)
	}
	if r.State != "rectifying" || r.Deadline != "2026-12-31" || r.PlannedOn != "2026-03-10" || r.Behind || r.Overdue {
		t.Fatalf("planned: %+v", r)
	}
	stale := 1
	_, err = f.pg.Plan(ctx, f.countyA, r.ID, programs.PlanInput{Measures: plan.Measures, Leader: plan.Leader, Deadline: "2026-11-30", Version: &stale})
	unchanged(t, err, "")
	_, err = f.pg.Plan(ctx, f.countyA, r.ID, programs.PlanInput{Measures: plan.Measures, Leader: plan.Leader, Deadline: "2026-11-30"})
	unchanged(t, err, "修改整顿方案须提供台账的版本号（version），以免覆盖他人的修改")

	// Progress, once a month, by the village's secretary.
	_, err = f.pg.Progress(ctx, f.secretary, r.ID, programs.ProgressInput{Month: "2026-02", Text: "召开支部党员大会，学习有关文件精神"})
	unchanged(t, err, "month: 整顿方案于 2026-03-10 制定，不能报送此前月份的进展")
	_, err = f.pg.Progress(ctx, f.secretary, r.ID, programs.ProgressInput{Month: "2026-04", Text: "短"})
	unchanged(t, err, "month: 不能报送以后月份的进展; text: 请用 10–2000 字填写本月整顿进展")
	r = must(t)(f.pg.Progress(ctx, f.secretary, r.ID, programs.ProgressInput{Month: "2026-03", Text: "召开支部党员大会，补选支部委员 1 名，制定组织生活计划",
		Files: []cases.NamedFile{{Name: "会议.png", Data: photo(t)}}}))
	if r.LastProgress != "2026-03" || len(r.Steps) != 4 || len(r.Steps[3].Files) != 1 || r.Steps[3].Files[0].Name != "会议.png" {
		t.Fatalf("after the report: %+v", r)
	}
	_, err = f.pg.Progress(ctx, f.secretary, r.ID, programs.ProgressInput{Month: "2026-03", Text: "再次报送三月份的整顿进展情况"})
	unchanged(t, err, "虎邱村党支部的 2026-03 整顿进展已报送，每月报送一次：请选择其他月份")

	// Two months later April and May have no report: behind.
	f.clock.t = time.Date(2026, 6, 2, 2, 0, 0, 0, time.UTC)
	if r = must(t)(f.pg.Rect(ctx, f.countyA, r.ID)); !r.Behind || r.Overdue {
		t.Fatalf("in June without a May report: behind %v, overdue %v", r.Behind, r.Overdue)
	}
	l, err := f.pg.RectCases(ctx, f.countyA, programs.RectQuery{Flag: "behind"})
	if err != nil || l.Total != 1 || l.Flags["behind"] != 1 {
		t.Fatalf("behind list: %+v, %v", l, err)
	}
	r = must(t)(f.pg.Progress(ctx, f.secretary, r.ID, programs.ProgressInput{Month: "2026-05", Text: "规范三会一课，主题党日活动按月开展"}))
	if r.Behind {
		t.Fatal("still behind after the May report")
	}

	// Acceptance: evidence required to pass; a failed check stays open.
	_, err = f.pg.Accept(ctx, f.countyA, r.ID, programs.AcceptInput{Decision: "pass", Conclusion: "整顿成效明显，同意验收", OnDate: "2026-06-02"})
	unchanged(t, err, "attachments: 验收通过须上传至少一份验收材料（验收报告、会议记录或照片）")
	_, err = f.pg.Accept(ctx, f.secretary, r.ID, programs.AcceptInput{Decision: "pass", Conclusion: "整顿成效明显，同意验收", OnDate: "2026-06-02",
		Files: []cases.NamedFile{{Name: "验收.png", Data: photo(t)}}})
	unchanged(t, err, "您没有办理此事项的权限：应由兴宁区委办理")
	_, err = f.pg.Close(ctx, f.countyA, r.ID, programs.CloseInput{OnDate: "2026-06-02"})
	unchanged(t, err, "虎邱村党支部尚未验收通过，不能销号：请先验收")
	r = must(t)(f.pg.Accept(ctx, f.countyA, r.ID, programs.AcceptInput{Decision: "fail", Conclusion: "组织生活仍不规范，继续整顿一个月", OnDate: "2026-06-02"}))
	if r.State != "rectifying" || r.Steps[len(r.Steps)-1].Step != "reject" {
		t.Fatalf("after a failed check: %+v", r)
	}
	r = must(t)(f.pg.Accept(ctx, f.countyA, r.ID, programs.AcceptInput{Decision: "pass", Conclusion: "班子健全，组织生活正常，同意验收", OnDate: "2026-06-02",
		Files: []cases.NamedFile{{Name: "验收.png", Data: photo(t)}}}))
	if r.State != "accepted" || r.AcceptedOn != "2026-06-02" {
		t.Fatalf("accepted: %+v", r)
	}
	_, err = f.pg.Close(ctx, f.countyA, r.ID, programs.CloseInput{OnDate: "2026-06-01"})
	unchanged(t, err, "on_date: 销号日期不能早于上一步的日期 2026-06-02")
	r = must(t)(f.pg.Close(ctx, f.countyA, r.ID, programs.CloseInput{OnDate: "2026-06-02"}))
	if r.State != "closed" || r.ClosedOn != "2026-06-02" {
		t.Fatalf("closed: %+v", r)
	}
	var steps []string
	for _, st := range r.Steps {
		steps = append(steps, st.Step)
	}
	if got := strings.Join(steps, " "); got != "identify list plan progress progress reject accept close" {
		t.Fatalf("timeline: %s", got)
	}

	// The audit log names the case by its organization and year.
	recs, _, err := f.a.Core().Audit.List(ctx, f.countyA, audit.Query{TargetType: "rect", Action: "rect.close"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("audit of the close: %v, %v", recs, err)
	}
	if err := f.a.Core().Audit.NameTargets(ctx, f.countyA, recs); err != nil || recs[0].TargetName != f.village.ShortName+" 2026" && recs[0].TargetName != f.village.Name+" 2026" {
		t.Fatalf("the audit names the case %q (%v)", recs[0].TargetName, err)
	}

	// The public page: state, measures, months; no person.
	p, err := f.pg.PublicRect(ctx, f.village.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(p)
	if got, want := string(b), `{"org_name":"`+f.village.Name+`","year":2026,"state":"closed","reason":"life_irregular","measures":"`+plan.Measures+`","deadline":"2026-12-31","months":["2026-03","2026-05"],"accepted_on":"2026-06-02","closed_on":"2026-06-02","accepting_org":"兴宁区委"}`; got != want {
		t.Fatalf("public page:\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(string(b), "张三") {
		t.Fatal("the public page names the leader")
	}

	// Listed again the next year: flagged.
	f.clock.t = time.Date(2027, 2, 1, 2, 0, 0, 0, time.UTC)
	again := must(t)(f.pg.AddCandidate(ctx, f.countyA, programs.CandidateInput{OrgID: f.village.ID, Year: 2027, Reason: "team_disunited", Note: "换届后班子成员不团结"}))
	again = must(t)(f.pg.Decide(ctx, f.countyA, again.ID, programs.DecideInput{Decision: "list", Reason: "team_disunited", OnDate: "2027-02-01"}))
	if !again.Repeated {
		t.Fatal("an organization listed two years running is not flagged")
	}
	_, err = f.pg.AddCandidate(ctx, f.countyA, programs.CandidateInput{OrgID: f.village.ID, Year: 2027, Reason: "other", Note: "再次列为候选"})
	unchanged(t, err, "已在 2027 年整顿台账中（已列入，待定方案），不能重复列为候选")

	// The statistics of the county: both years' cases.
	st, err := f.pg.SubtreeStats(ctx, f.auditr, f.county.ID)
	if err != nil {
		t.Fatal(err)
	}
	kids := st.Rectification.Children
	st.Rectification.Children = nil
	if b, _ := json.Marshal(st.Rectification); string(b) != `{"total":2,"states":{"closed":1,"listed":1},"flags":{"behind":0,"overdue":0,"repeated":1},"children":null}` {
		t.Fatalf("statistics: %s", b)
	}
	// Both cases are of the village, under 朝阳街道; the county's other
	// children count none.
	for _, k := range kids {
		want := programs.RectChild{OrgID: k.OrgID, Name: k.Name}
		if k.OrgID == f.street.ID {
			want.Total, want.Open, want.Closed = 2, 1, 1
		}
		if k != want {
			t.Errorf("the county's child %s counts %+v, want %+v", k.Name, k, want)
		}
	}
	if !slices.ContainsFunc(kids, func(k programs.RectChild) bool { return k.OrgID == f.street.ID }) || len(kids) < 2 {
		t.Errorf("the county's children %+v lack 朝阳街道", kids)
	}
	noPrograms := f.a.Core().Perms.Bind(access.Actor{UserID: 21, Username: "evaluator", Grants: []access.Grant{{Role: access.EvaluationManager, OrgPath: f.county.Path}}})
	if _, err := f.pg.SubtreeStats(ctx, noPrograms, f.county.ID); errs.KindOf(err) != errs.Forbidden {
		t.Fatalf("an evaluation manager's statistics: %v, want forbidden", err)
	}
}

// TestPublicRectOnlyListed: the accountability page of an organization
// that was never listed, of a candidate, or of one not listed is not
// found, with no personal data, and of an id that is nobody's too.
func TestPublicRectOnlyListed(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	for _, id := range []int64{f.village.ID, f.other.ID, 999999} {
		if _, err := f.pg.PublicRect(ctx, id); err == nil || errText(err) != "该党组织不在软弱涣散党组织整顿名单中" {
			t.Fatalf("org %d: %v", id, err)
		}
	}
	r := must(t)(f.pg.AddCandidate(ctx, f.countyA, programs.CandidateInput{OrgID: f.village.ID, Year: 2026, Reason: "other", Note: "群众反映强烈"}))
	if _, err := f.pg.PublicRect(ctx, f.village.ID); err == nil {
		t.Fatal("a candidate has a public page")
	}
	must(t)(f.pg.Decide(ctx, f.countyA, r.ID, programs.DecideInput{Decision: "dismiss", Note: "经核查问题已解决", OnDate: "2026-03-10"}))
	if _, err := f.pg.PublicRect(ctx, f.village.ID); err == nil {
		t.Fatal("an organization not listed has a public page")
	}
	// Outside the actor's scope the case does not exist.
	if _, err := f.pg.Rect(ctx, f.streetA, r.ID); err != nil {
		t.Fatalf("the street reads its village's case: %v", err)
	}
	other := f.a.Core().Perms.Bind(access.Actor{UserID: 20, Username: "other", Grants: []access.Grant{{Role: access.OrgAdmin, OrgPath: f.get(t, "450102001").Path}}})
	if _, err := f.pg.Rect(ctx, other, r.ID); errText(err) != fmt.Sprintf("整顿台账 %d 不存在或不在您的管理范围内", r.ID) {
		t.Fatalf("another street reads it: %v", err)
	}
}

// TestPublicReason: the public reads no verdict on the secretary.
func TestPublicReason(t *testing.T) {
	for in, want := range map[string]string{"secretary_unfit": "leadership", "weak_economy": "weak_economy"} {
		if got := programs.PublicReason(in); got != want {
			t.Errorf("PublicReason(%s) = %s, want %s", in, got, want)
		}
	}
	var keys []string
	for _, c := range programs.PublicRectReasons {
		keys = append(keys, c.Key+"="+c.Text.ZH)
	}
	if got := strings.Join(keys, " "); got != "leadership=带头人队伍建设需加强 team_disunited=班子不团结 life_irregular=组织生活不正常 clan_religion=宗族宗教势力干扰 weak_economy=集体经济薄弱 other=其他" {
		t.Errorf("public reasons: %s", got)
	}
}
