package cases_test

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/cases"
	"jiceng/internal/db"
)

// TestRetentionByKind: a closing case's reporter is kept for the days of
// its kind — mediation set to 30, service left at the default — and the
// purge takes each when its own days are over.
func TestRetentionByKind(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	if err := f.s.SetRetention(map[string]int{cases.KindMediation: 30}); err != nil {
		t.Fatal(err)
	}
	if got := []int{f.s.RetentionDays(cases.KindMediation), f.s.RetentionDays(cases.KindService), f.s.RetentionDays(cases.KindIntegrity)}; got[0] != 30 || got[1] != 180 || got[2] != 180 {
		t.Fatalf("retention days %v", got)
	}
	closeCase := func(kind string) int64 {
		rc := f.submit(t, cases.Report{Kind: kind, RegionCode: "450102001003", Phone: "13907712345"})
		for _, in := range []cases.StepInput{
			{Step: cases.StepAccept}, {Step: cases.StepStart}, {Step: cases.StepAnswer, Text: "路灯已经修好，请您查看。"},
			{Step: cases.StepVisit, Text: "电话回访，反映人表示满意。"}, {Step: cases.StepClose, Outcome: cases.Resolved},
		} {
			f.take(t, "comm.handler", rc.CaseID, in)
		}
		return rc.CaseID
	}
	mediation, service := closeCase(cases.KindMediation), closeCase(cases.KindService)
	for id, days := range map[int64]int{mediation: 30, service: 180} {
		var at string
		if err := f.d.QueryRow(ctx, "SELECT purge_after FROM case_vault WHERE case_id = ?", id).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if want := start.AddDate(0, 0, days); !db.ParseTime(at).Equal(want) {
			t.Errorf("case %d: purge after %s, want %s", id, at, want)
		}
	}
	f.clock.Set(start.Add(31 * 24 * time.Hour))
	if n, err := f.s.Purge(ctx); err != nil || n != 1 {
		t.Fatalf("after 31 days: purged %d (%v), want the mediation's reporter", n, err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_vault WHERE case_id = ?", service); n != 1 {
		t.Fatal("the service request's reporter went with the mediation's")
	}
	f.clock.Set(start.Add(181 * 24 * time.Hour))
	if n, err := f.s.Purge(ctx); err != nil || n != 1 {
		t.Fatalf("after 181 days: purged %d (%v)", n, err)
	}
}

// TestParseRetention: the setting's form, and what a wrong one is told.
func TestParseRetention(t *testing.T) {
	got, err := cases.ParseRetention(" integrity=365, opinion=90 ,")
	if err != nil || len(got) != 2 || got[cases.KindIntegrity] != 365 || got[cases.KindOpinion] != 90 {
		t.Fatalf("got %v %v", got, err)
	}
	if got, err := cases.ParseRetention(""); err != nil || len(got) != 0 {
		t.Fatalf("empty: %v %v", got, err)
	}
	for in, want := range map[string]string{
		"integrity=0":               `"integrity=0" 无效：保存天数应为 1 至 3650 之间的整数`,
		"opinion=3651":              `"opinion=3651" 无效：保存天数应为 1 至 3650 之间的整数`,
		"service=90d":               `"service=90d" 无效：保存天数应为 1 至 3650 之间的整数`,
		"integrity=365,petition=30": `"petition=30" 无效：案件类别应为 integrity、mediation、service、opinion 之一`,
		"integrity":                 `"integrity" 无效：应为 类别=天数，以逗号分隔，例如 integrity=365,opinion=90`,
		"opinion=90,opinion=30":     `"opinion=30" 无效：类别 opinion 重复`,
	} {
		if _, err := cases.ParseRetention(in); err == nil || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", in, err, want)
		}
	}
	f := newFx(t)
	if err := f.s.SetRetention(map[string]int{"petition": 30}); err == nil || err.Error() != "petition=30 无效：案件类别应为 integrity、mediation、service、opinion 之一" {
		t.Fatalf("SetRetention: %v", err)
	}
}

// TestRefusedAndDuplicatePurged: a case refused or closed as a duplicate
// is closed too — its reporter's identity is purged after the retention
// of its kind like that of a case handled to the end.
func TestRefusedAndDuplicatePurged(t *testing.T) {
	f := newFx(t)
	ctx := context.Background()
	first := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Phone: "13907712345"})
	refused := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Phone: "13907712346"})
	dup := f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: "450102001003", Phone: "13907712347"})
	f.take(t, "comm.handler", refused.CaseID, cases.StepInput{Step: cases.StepRefuse, Text: "不属于本社区的服务范围，请向物业公司反映。"})
	f.take(t, "comm.handler", dup.CaseID, cases.StepInput{Step: cases.StepDup, DuplicateOf: first.CaseID})
	f.clock.Set(start.Add(181 * 24 * time.Hour))
	if n, err := f.s.Purge(ctx); err != nil || n != 2 {
		t.Fatalf("purged %d (%v), want the refused and the duplicate case's reporters", n, err)
	}
	if n := f.count(t, "SELECT COUNT(*) FROM case_vault WHERE case_id = ?", first.CaseID); n != 1 {
		t.Fatal("the open case's reporter was purged")
	}
}
