package cases_test

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
)

// TestRouting sends each kind where it belongs.
func TestRouting(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	cadre := f.cadre(t, f.comm, "李建国", "secretary", 11)
	for _, tc := range []struct {
		name string
		r    cases.Report
		want int64
	}{
		{"service at a community stays there", cases.Report{Kind: cases.KindService, RegionCode: "450102001003"}, f.comm.ID},
		{"mediation at a township stays there", cases.Report{Kind: cases.KindMediation, RegionCode: "450102001"}, f.street.ID},
		{"opinion at a community goes to its township", cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "elderly"}, f.street.ID},
		{"opinion at the county stays there", cases.Report{Kind: cases.KindOpinion, RegionCode: "450102", Topic: "transport"}, f.county.ID},
		{"integrity about the community's cadre goes above it", cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", SubjectOrgID: f.comm.ID, SubjectPersonID: cadre.ID}, f.street.ID},
		{"integrity typed at a community goes above it", cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", SubjectText: "社区主任"}, f.street.ID},
		{"integrity about the township goes to the county", cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001", SubjectText: "街道某干部"}, f.county.ID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := f.submit(t, tc.r)
			c, _, err := f.s.Get(ctx, testrigAdmin(), rc.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if c.OrgID != tc.want {
				t.Fatalf("routed to %d (%s), want %d", c.OrgID, c.OrgName, tc.want)
			}
			if c.State != cases.Submitted || len(rc.Code) != 20 {
				t.Fatalf("state %s, receipt %q", c.State, rc.Code)
			}
		})
	}
	// A workstation at the county takes reports over the township's
	// parent-by-default: the nearest organization above with one.
	if _, err := f.d.Exec(ctx, "INSERT INTO integrity_stations (org_id, name, created_at, updated_at) VALUES (?, '兴宁区廉洁工作站', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')", f.county.ID); err != nil {
		t.Fatal(err)
	}
	rc := f.submit(t, cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", SubjectText: "社区主任"})
	c, _, _ := f.s.Get(ctx, testrigAdmin(), rc.CaseID)
	if c.OrgID != f.county.ID || c.SubjectOrgID != f.comm.ID {
		t.Fatalf("with a county workstation: routed to %s about %s", c.OrgName, c.SubjectOrgName)
	}
	// Refusals say what to fix.
	for _, tc := range []struct {
		r     cases.Report
		field string
		zh    string
	}{
		{cases.Report{Kind: "x", RegionCode: "450102001003", Body: "一二三四五六七八九十"}, "kind", "请选择反映类型：廉洁监督举报、矛盾纠纷调解、服务诉求或政策意见建议"},
		{cases.Report{Kind: cases.KindService, RegionCode: "450102", Body: "一二三四五六七八九十"}, "region_code", "调解和服务诉求请选择到乡镇（街道）或村（社区）"},
		{cases.Report{Kind: cases.KindService, RegionCode: "110101", Body: "一二三四五六七八九十"}, "", "东城区 不在本系统的服务范围内，请选择本地的地点"},
		{cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Body: "太短"}, "body", "请用 10 至 5000 个字说明事情经过、诉求或建议"},
		{cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Body: "一二三四五六七八九十", Phone: "12345"}, "phone", "请填写 11 位手机号或带区号的固定电话（如 0771-5551234），也可不填"},
		{cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", Body: "一二三四五六七八九十"}, "subject_text", "请选择或填写被反映的干部或组织"},
		{cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", Body: "一二三四五六七八九十", SubjectOrgID: f.other.ID}, "subject_org_id", "被反映的组织不在所选地点，请重新选择地点或组织"},
		{cases.Report{Kind: cases.KindIntegrity, RegionCode: "450102001003", Body: "一二三四五六七八九十", SubjectOrgID: f.comm.ID, SubjectPersonID: cadre.ID + 1000}, "subject_person_id", "所选干部不在该组织任职，请重新选择或直接填写"},
		{cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Body: "一二三四五六七八九十"}, "topic", "请选择意见建议涉及的政策领域"},
	} {
		before := f.count(t, "SELECT COUNT(*) FROM cases")
		_, err := f.s.Submit(ctx, tc.r)
		e := errs.As(err)
		msgs := errs.FieldMessages(err, "zh-CN")
		got := e.Message("zh-CN")
		if tc.field != "" {
			got = msgs[tc.field]
		}
		if e.Kind != errs.Invalid || got != tc.zh {
			t.Errorf("%+v: got %s %q (%v), want %q", tc.r, e.Kind, got, msgs, tc.zh)
		}
		if after := f.count(t, "SELECT COUNT(*) FROM cases"); after != before {
			t.Errorf("a refused report stored a case")
		}
	}
}

// TestWorkflow takes a service request from intake to closure, rating and
// reopening, with exact deadlines across the National Day holiday and 409s
// naming the allowed steps.
func TestWorkflow(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	// Thursday 24 September 2026, 10:00: Friday 25 is 中秋, 26–27 the
	// weekend, so two working days end on Tuesday 29.
	rc := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Phone: "13907710001"})
	c, _, err := f.s.Get(ctx, f.as("comm.handler"), rc.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if want := beijing(2026, 9, 30, 0, 0); !c.AcceptDue.Equal(want) || !c.Deadline.Equal(want) {
		t.Fatalf("accept due %v, want %v", c.AcceptDue, want)
	}
	// Out of order: answering a case not accepted.
	_, err = f.s.Take(ctx, f.as("comm.handler"), c.ID, cases.StepInput{Step: cases.StepAnswer, Text: "已经修好了"})
	wantErr(t, err, errs.Conflict, "案件当前状态为“待受理”，不能答复；可以：受理、不予受理、标记重复件")
	// Accepted on Wednesday 30 September: ten working days skip 1–7
	// October and count Saturday 10 October (调休): 8, 9, 10, 12–16, 19, 20
	// → the end of Tuesday 20 October.
	f.clock.Set(beijing(2026, 9, 30, 9, 0))
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepAccept})
	if want := beijing(2026, 10, 21, 0, 0); c.State != cases.Accepted || !c.HandleDue.Equal(want) {
		t.Fatalf("accepted: %s, due %v, want %v", c.State, c.HandleDue, want)
	}
	// Dispatch must go below.
	_, err = f.s.Take(ctx, f.as("street.handler"), c.ID, cases.StepInput{Step: cases.StepDispatch, OrgID: f.street.ID})
	wantErr(t, err, errs.Invalid, "请选择本组织下级的一个组织派单")
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepStart})
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepAnswer, Text: "路灯已于10月9日更换，感谢反映。"})
	if c.State != cases.Answered || !c.Deadline.IsZero() {
		t.Fatalf("answered: %s, deadline %v", c.State, c.Deadline)
	}
	// The reporter sees the answer and rates it unsatisfied: 重办.
	p, err := f.s.Follow(ctx, rc.Code)
	if err != nil {
		t.Fatal(err)
	}
	if !p.CanRate || p.Events[len(p.Events)-1].Body != "路灯已于10月9日更换，感谢反映。" {
		t.Fatalf("follow-up: %+v", p)
	}
	f.clock.Set(beijing(2026, 10, 12, 8, 0))
	p, err = f.s.Rate(ctx, rc.Code, cases.Unsatisfied, "只换了一个，另外两个还是坏的")
	if err != nil {
		t.Fatal(err)
	}
	if p.State != cases.InProgress || p.Round != 2 || p.CanRate {
		t.Fatalf("after 不满意: %s round %d can rate %v", p.State, p.Round, p.CanRate)
	}
	_, err = f.s.Rate(ctx, rc.Code, cases.Satisfied, "")
	wantErr(t, err, errs.Conflict, "案件还没有答复，答复后才能评价")
	c, _, _ = f.s.Get(ctx, f.as("comm.handler"), c.ID)
	// Reopened Monday 12 October: ten working days → Monday 26 October.
	if want := beijing(2026, 10, 27, 0, 0); !c.HandleDue.Equal(want) {
		t.Fatalf("reopened due %v, want %v", c.HandleDue, want)
	}
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepAnswer, Text: "三个路灯均已更换，经现场核实正常。"})
	p, err = f.s.Rate(ctx, rc.Code, cases.Satisfied, "")
	if err != nil || p.Rating != cases.Satisfied {
		t.Fatalf("rate: %v %+v", err, p)
	}
	_, err = f.s.Rate(ctx, rc.Code, cases.Fair, "")
	wantErr(t, err, errs.Conflict, "这次答复您已经评价过了")
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepVisit, Text: "电话回访，群众表示满意"})
	_, err = f.s.Take(ctx, f.as("comm.handler"), c.ID, cases.StepInput{Step: cases.StepClose})
	wantErr(t, err, errs.Invalid, "请选择办结结果：已解决、未解决或非本单位职责")
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepClose, Outcome: cases.Resolved})
	if c.State != cases.Closed || c.Outcome != cases.Resolved || c.Round != 2 {
		t.Fatalf("closed: %+v", c)
	}
	_, err = f.s.Take(ctx, f.as("comm.handler"), c.ID, cases.StepInput{Step: cases.StepAccept})
	wantErr(t, err, errs.Conflict, "案件当前状态为“已办结”，不能受理，也没有可办理的下一步")
	// Every step is an event, in order.
	_, evs, _ := f.s.Get(ctx, f.as("comm.handler"), c.ID)
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	want := []string{"submit", "accept", "start", "answer", "rate", "reopen", "answer", "rate", "visit", "close"}
	if len(types) != len(want) {
		t.Fatalf("events %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("events %v, want %v", types, want)
		}
	}
	// The events cannot be changed.
	if _, err := f.d.Exec(ctx, "UPDATE case_events SET body = 'x' WHERE case_id = ?", c.ID); err == nil {
		t.Fatal("an event was updated")
	}
	_ = time.Second
}
