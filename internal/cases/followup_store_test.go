package cases_test

import (
	"context"
	"strings"
	"testing"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
)

// TestWrongReceipts: every wrong receipt — mistyped, bad check character,
// well formed but unknown, another kind of code — gets the one answer and
// changes nothing; a right one typed loosely finds the case.
func TestWrongReceipts(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	rc := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003"})
	last := rc.Code[len(rc.Code)-1]
	other := byte('0')
	if last == '0' {
		other = '1'
	}
	fresh := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003"})
	for _, q := range []string{"DELETE FROM case_events WHERE case_id = ?", "DELETE FROM outbox WHERE case_id = ?"} {
		if _, err := f.d.Exec(ctx, q, fresh.CaseID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.d.Exec(ctx, "DELETE FROM cases WHERE id = ?", fresh.CaseID); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "hello", rc.Code[:len(rc.Code)-1] + string(other), fresh.Code, "8ABCD-EFGHJ-KMNPQ-RSTVW-XYZ01-23", strings.Repeat("汉", 100)} {
		before := f.count(t, "SELECT COUNT(*) FROM case_events")
		_, err := f.s.Follow(ctx, bad)
		wantErr(t, err, errs.Invalid, "查询码无效，请核对后重新输入")
		err = f.s.AddInfo(ctx, bad, "补充一下情况", nil)
		wantErr(t, err, errs.Invalid, "查询码无效，请核对后重新输入")
		_, err = f.s.Rate(ctx, bad, cases.Satisfied, "")
		wantErr(t, err, errs.Invalid, "查询码无效，请核对后重新输入")
		if after := f.count(t, "SELECT COUNT(*) FROM case_events"); after != before {
			t.Fatalf("a wrong receipt %q changed the history", bad)
		}
	}
	loose := strings.ToLower(strings.ReplaceAll(rc.Code, "-", " "))
	p, err := f.s.Follow(ctx, loose)
	if err != nil || p.ID != rc.CaseID || p.State != cases.Submitted || p.Place != "兴宁区 民生街道 兴宁社区居委会" {
		t.Fatalf("Follow(%q) = %+v, %v", loose, p, err)
	}
	// Adding information is an event the handlers see, by the reporter.
	if err := f.s.AddInfo(ctx, rc.Code, "坏的是3栋2单元门口那盏", nil); err != nil {
		t.Fatal(err)
	}
	p, _ = f.s.Follow(ctx, rc.Code)
	if e := p.Events[len(p.Events)-1]; !e.ByYou || e.Body != "坏的是3栋2单元门口那盏" {
		t.Fatalf("last event %+v", e)
	}
	// Rating before any answer is refused and changes nothing.
	_, err = f.s.Rate(ctx, rc.Code, cases.Unsatisfied, "")
	wantErr(t, err, errs.Conflict, "案件还没有答复，答复后才能评价")
	_, err = f.s.Rate(ctx, rc.Code, "great", "")
	wantErr(t, err, errs.Invalid, "请选择：满意、基本满意或不满意")
}
