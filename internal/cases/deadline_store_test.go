package cases_test

import (
	"context"
	"testing"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
)

// TestEscalationAndExtension: under a fake clock, a case received on
// Friday 18 September 2026 is due for acceptance at the end of Monday 21
// (Sunday 20 is a 调休 working day, so it counts: 20 and 21), is escalated
// to the street once when that passes, and an extension moves its handling
// deadline only when the street approves it, counted across the National
// Day holiday.
func TestEscalationAndExtension(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	f.clock.Set(beijing(2026, 9, 18, 16, 30))
	rc := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003"})
	c, _, _ := f.s.Get(ctx, f.as("comm.handler"), rc.CaseID)
	if want := beijing(2026, 9, 22, 0, 0); !c.AcceptDue.Equal(want) {
		t.Fatalf("accept due %v, want %v (Sunday 20 is worked)", c.AcceptDue, want)
	}
	// One second before the deadline nothing is escalated.
	f.clock.Set(beijing(2026, 9, 21, 23, 59).Add(59e9))
	if n, err := f.s.Escalate(ctx); err != nil || n != 0 {
		t.Fatalf("escalated %d early (%v)", n, err)
	}
	f.clock.Set(beijing(2026, 9, 22, 0, 0))
	if n, err := f.s.Escalate(ctx); err != nil || n != 1 {
		t.Fatalf("escalated %d, %v", n, err)
	}
	if n, _ := f.s.Escalate(ctx); n != 0 {
		t.Fatalf("escalated again: %d", n)
	}
	c, evs, _ := f.s.Get(ctx, f.as("street.handler"), rc.CaseID)
	if c.EscalatedAt.IsZero() || c.EscalatedOrgID != f.street.ID || !c.Overdue || evs[len(evs)-1].Type != "escalate" || evs[len(evs)-1].Body != "超过受理时限，提请上级督办" {
		t.Fatalf("escalated case %+v, last event %+v", c, evs[len(evs)-1])
	}
	list, total, err := f.s.List(ctx, f.as("street.handler"), cases.ListQuery{Overdue: true, State: cases.Submitted})
	if err != nil || total != 1 || list[0].ID != rc.CaseID {
		t.Fatalf("overdue list: %d %v", total, err)
	}
	if _, err := f.s.Deliver(ctx, nil); err != nil {
		t.Fatal(err)
	}
	notices, _, _ := f.s.Notices(ctx, f.as("street.handler"), 10)
	if len(notices) != 1 || notices[0].Kind != cases.NoticeEscalated {
		t.Fatalf("street notices %+v", notices)
	}
	// Accepted Tuesday 29 September: ten working days are 30 September,
	// 8, 9, 10 (Saturday, 调休), 12–16 and 19 October.
	f.clock.Set(beijing(2026, 9, 29, 9, 0))
	c = f.take(t, "comm.handler", c.ID, cases.StepInput{Step: cases.StepAccept})
	if want := beijing(2026, 10, 20, 0, 0); !c.HandleDue.Equal(want) || c.Overdue {
		t.Fatalf("handle due %v, want %v", c.HandleDue, want)
	}
	x, err := f.s.RequestExtension(ctx, f.as("comm.handler"), c.ID, 3, "需要协调供电公司更换线路")
	if err != nil {
		t.Fatal(err)
	}
	// The community cannot approve its own request; the county can (it is
	// above too), and so can the street.
	_, err = f.s.DecideExtension(ctx, f.as("comm.handler"), x.ID, true, "")
	wantErr(t, err, errs.Forbidden, "延期须由上级组织审批")
	c, _, _ = f.s.Get(ctx, f.as("comm.handler"), c.ID)
	if want := beijing(2026, 10, 20, 0, 0); !c.HandleDue.Equal(want) {
		t.Fatalf("an unapproved extension moved the deadline to %v", c.HandleDue)
	}
	_, err = f.s.RequestExtension(ctx, f.as("comm.handler"), c.ID, 2, "再多要两天")
	wantErr(t, err, errs.Conflict, "已有一项延期申请在等待上级审批")
	c, err = f.s.DecideExtension(ctx, f.as("street.handler"), x.ID, true, "同意")
	if err != nil {
		t.Fatal(err)
	}
	// Three working days after Monday 19 October: 20, 21, 22.
	if want := beijing(2026, 10, 23, 0, 0); !c.HandleDue.Equal(want) || !c.Deadline.Equal(want) {
		t.Fatalf("extended due %v, want %v", c.HandleDue, want)
	}
	_, err = f.s.DecideExtension(ctx, f.as("street.handler"), x.ID, false, "")
	wantErr(t, err, errs.Conflict, "这项延期申请已经审批过了")
	_, err = f.s.RequestExtension(ctx, f.as("comm.handler"), c.ID, 16, "")
	e := errs.As(err)
	if m := errs.FieldMessages(err, "zh-CN"); e.Kind != errs.Invalid || m["days"] != "延期天数应为 1 至 15 个工作日" || m["reason"] != "请说明延期理由（5 至 2000 字）" {
		t.Fatalf("bad extension: %v %v", err, m)
	}
	p, _ := f.s.Follow(ctx, rc.Code)
	if e := p.Events[len(p.Events)-1]; e.Type != "extension_approved" || e.Body != "经上级批准延期 3 个工作日，办理时限至 2026年10月22日" {
		t.Fatalf("the reporter sees %+v", e)
	}
}
