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
	if rep.Total != 4 || rep.Previous != 1 || len(rep.Topics) != 2 {
		t.Fatalf("report %+v", rep)
	}
	e, tr := rep.Topics[0], rep.Topics[1]
	if e.Topic != "elderly" || e.Count != 3 || e.Answered != 1 || e.Open != 2 || e.Overdue != 2 || len(e.Quotes) != 3 {
		t.Fatalf("elderly %+v", e)
	}
	if !strings.HasPrefix(e.Quotes[0].Text, "建议在社区增设老年食堂") || !strings.HasSuffix(e.Quotes[0].Text, "…") || len([]rune(e.Quotes[0].Text)) != 121 || e.Quotes[0].Place != "兴宁社区居委会" {
		t.Fatalf("first quote %+v", e.Quotes[0])
	}
	if tr.Topic != "transport" || tr.Count != 1 || tr.Quotes[0].Text != "建议增开早高峰公交班次，方便上班族。" {
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
