package cases_test

import (
	"context"
	"strings"
	"testing"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
)

// TestOpinionReport: the street's report of October 2026 counts its
// opinions by topic in the order of the topics, quotes the fullest first,
// tells answered from open and overdue, and gives September's total.
func TestOpinionReport(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	long := "建议在社区增设老年食堂，" + strings.Repeat("解决独居老人吃饭难的问题，", 12)
	f.clock.Set(beijing(2026, 9, 28, 10, 0))
	f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "elderly", Body: "九月的一条建议：增加社区医生上门服务。"})
	f.clock.Set(beijing(2026, 10, 9, 10, 0))
	a := f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "elderly", Body: "建议延长社区养老服务站的开放时间。"})
	f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "elderly", Body: long})
	f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001", Topic: "elderly", Body: "建议为高龄老人安装紧急呼叫设备。"})
	// two residents in the same words: counted twice, quoted once
	f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "transport", Body: "建议增开早高峰公交班次，方便上班族。"})
	f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "transport", Body: "建议增开早高峰公交班次，方便上班族。"})
	f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003"}) // not an opinion
	for _, step := range []string{cases.StepAccept, cases.StepStart} {
		f.take(t, "street.handler", a.CaseID, cases.StepInput{Step: step})
	}
	f.take(t, "street.handler", a.CaseID, cases.StepInput{Step: cases.StepAnswer, Text: "已将开放时间延长至晚上八点。"})
	// Past the two working days of acceptance: the rest are overdue.
	f.clock.Set(beijing(2026, 11, 2, 10, 0))
	rep, err := f.s.OpinionReportOf(ctx, f.as("street.handler"), f.street.ID, "2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 5 || rep.Previous != 1 || len(rep.Topics) != 2 {
		t.Fatalf("report %+v", rep)
	}
	e, tr := rep.Topics[0], rep.Topics[1]
	if e.Topic != "elderly" || e.Count != 3 || e.Answered != 1 || e.Open != 2 || e.Overdue != 2 || len(e.Quotes) != 3 {
		t.Fatalf("elderly %+v", e)
	}
	if !strings.HasPrefix(e.Quotes[0].Text, "建议在社区增设老年食堂") || !strings.HasSuffix(e.Quotes[0].Text, "…") || len([]rune(e.Quotes[0].Text)) != 121 || e.Quotes[0].Place != "兴宁社区居委会" {
		t.Fatalf("first quote %+v", e.Quotes[0])
	}
	if tr.Topic != "transport" || tr.Count != 2 || len(tr.Quotes) != 1 || tr.Quotes[0].Text != "建议增开早高峰公交班次，方便上班族。" {
		t.Fatalf("transport %+v", tr)
	}
	// The community's handler reports on the community only: the opinions
	// went to the street.
	rep, err = f.s.OpinionReportOf(ctx, f.as("comm.handler"), f.comm.ID, "2026-10")
	if err != nil || rep.Total != 0 {
		t.Fatalf("the community's report: %+v %v", rep, err)
	}
	_, err = f.s.OpinionReportOf(ctx, f.as("street.handler"), f.street.ID, "2026/10")
	wantErr(t, err, errs.Invalid, "月份格式应为 2026-10")
	_, err = f.s.OpinionReportOf(ctx, f.as("comm.handler"), f.street.ID, "2026-10")
	wantErr(t, err, errs.NotFound, "组织不存在或不在您的范围内")
}

// TestOpinionAnswerMany: one answer to several opinions of a topic answers
// each through the workflow — its own public event that its reporter reads
// with the receipt, its own notice and audit entry — and leaves with its
// reason each case that may not be answered: not yet being handled, not an
// opinion, another township's. A text too short is refused before any.
func TestOpinionAnswerMany(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	f.clock.Set(beijing(2026, 10, 9, 10, 0))
	var ids []int64
	var receipts []string
	for _, body := range []string{"建议延长社区养老服务站的开放时间。", "养老服务站下午五点就关门，希望晚一些。", "希望养老服务站周末也开放。"} {
		rc := f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: "450102001003", Topic: "elderly", Body: body})
		ids, receipts = append(ids, rc.CaseID), append(receipts, rc.Code)
	}
	for _, id := range ids[:2] {
		for _, step := range []string{cases.StepAccept, cases.StepStart} {
			f.take(t, "street.handler", id, cases.StepInput{Step: step})
		}
	}
	svc := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003"})
	for _, step := range []string{cases.StepAccept, cases.StepStart} {
		f.take(t, "street.handler", svc.CaseID, cases.StepInput{Step: step})
	}
	foreign := f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: "450102101", Topic: "elderly", Body: "三塘镇的老人希望增设日间照料中心。"})

	list, err := f.s.OpinionsOf(ctx, f.as("street.handler"), f.street.ID, "2026-10", "elderly")
	if err != nil || len(list) != 3 || !list[0].Answerable || !list[1].Answerable || list[2].Answerable || list[2].State != cases.Submitted {
		t.Fatalf("the topic's opinions: %+v %v", list, err)
	}
	_, err = f.s.OpinionsOf(ctx, f.as("street.handler"), f.street.ID, "2026-10", "nonsense")
	wantErr(t, err, errs.Invalid, "请选择政策领域")

	_, err = f.s.AnswerOpinions(ctx, f.as("county.officer"), ids, "已协调延长开放时间。")
	wantErr(t, err, errs.Forbidden, "您没有办理群众诉求的权限")
	_, err = f.s.OpinionReportOf(ctx, f.as("county.officer"), f.street.ID, "2026-10")
	wantErr(t, err, errs.Forbidden, "您没有查看群众诉求的权限")
	_, err = f.s.AnswerOpinions(ctx, f.as("street.handler"), ids, "好的")
	wantErr(t, err, errs.Invalid, "请填写答复内容，反映人会看到（5 至 2000 字）")
	if n := f.count(t, "SELECT COUNT(*) FROM cases WHERE state = 'answered'"); n != 0 {
		t.Fatalf("a refused answer answered %d", n)
	}
	audits := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.answer'")
	answer := "街道已协调养老服务站自11月起开放至晚上八点，周末照常开放。"
	res, err := f.s.AnswerOpinions(ctx, f.as("street.handler"), append(append([]int64{}, ids...), svc.CaseID, foreign.CaseID, ids[0]), answer)
	if err != nil || len(res) != 5 {
		t.Fatalf("answers %+v %v", res, err)
	}
	for i, want := range []string{"", "", "案件当前状态为“待受理”，不能答复；可以：受理、不予受理、标记重复件", "不是政策意见建议，请在案件页单独答复", "案件不存在或您无权查看"} {
		got := ""
		if res[i].Err != nil {
			got = errs.As(res[i].Err).Message("zh-CN")
		}
		if got != want {
			t.Errorf("case %d: %q, want %q", res[i].CaseID, got, want)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.answer'"); n != audits+2 {
		t.Errorf("audit entries of the answers: %d, want %d", n, audits+2)
	}
	for i, code := range receipts {
		p, err := f.s.Follow(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		var answered string
		for _, e := range p.Events {
			if e.Type == cases.StepAnswer {
				answered = e.Body
			}
		}
		if want := map[bool]string{true: answer, false: ""}[i < 2]; answered != want || (i < 2) != (p.State == cases.Answered) {
			t.Errorf("reporter %d reads %q in state %s", i, answered, p.State)
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_events WHERE type = 'answer' AND body = ?", answer); n != 2 {
		t.Errorf("answer events: %d", n)
	}
	// Someone who reads the street but does not handle there.
	res, err = f.s.AnswerOpinions(ctx, f.as("comm.handler"), []int64{ids[2]}, answer)
	if err != nil || len(res) != 1 || res[0].Err == nil {
		t.Fatalf("the community's handler answering the street's opinion: %+v %v", res, err)
	}
}
