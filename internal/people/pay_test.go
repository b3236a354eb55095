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

// TestPayFloorByHand: three village and community cadres of 兴宁区 and their
// 2026 basic pay against the county's 2025 incomes (rural 21,000 yuan,
// urban 45,000 yuan), at the factor 1.0 and then 1.2, checked against a
// computation by hand; and the growth on 2025 by township.
func TestPayFloorByHand(t *testing.T) {
	t.Parallel()
	f := newFx(t)
	ctx := context.Background()
	county := *f.ms.ParentID
	get := func(code string) org.Org {
		l, _, _ := f.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		return l[0]
	}
	village := get("450102101201") // a village of 三塘镇
	if village.Category != "rural" || f.c3.Category != "community" {
		t.Fatalf("categories: %s %s", village.Category, f.c3.Category)
	}
	zhang := f.add(t, f.c3, "张伟", idNumber("450102", "19850312", 123), "full", "2010-07-01")
	li := f.add(t, f.c3, "李娜", idNumber("450103", "19950620", 124), "full", "2018-06-30")
	chen := f.add(t, village, "陈刚", idNumber("450102", "19700909", 441), "full", "1995-10-01")
	for _, in := range []people.PostInput{{PersonID: zhang.ID, OrgID: f.c3.ID, Post: "secretary", StartedOn: "2023-01-15"},
		{PersonID: li.ID, OrgID: f.c3.ID, Post: "committee_member", StartedOn: "2024-01-15"},
		{PersonID: chen.ID, OrgID: village.ID, Post: "village_committee", StartedOn: "2021-05-01"}} {
		if _, err := f.ppl.Appoint(ctx, f.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.ppl.SetReference(ctx, f.admin, people.RefInput{OrgID: county, Year: 2025, Rural: 21000, Urban: 45000}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []people.PayInput{
		{PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2025, BasicPay: 44000}, {PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: 48000},
		{PersonID: li.ID, OrgID: f.c3.ID, Year: 2025, BasicPay: 40000}, {PersonID: li.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: 42000},
		{PersonID: chen.ID, OrgID: village.ID, Year: 2025, BasicPay: 20000}, {PersonID: chen.ID, OrgID: village.ID, Year: 2026, BasicPay: 24000},
	} {
		if err := f.ppl.RecordPay(ctx, f.admin, in); err != nil {
			t.Fatalf("pay %+v: %v", in, err)
		}
	}
	report := func() string {
		rep, err := f.ppl.PayCompliance(ctx, f.admin, county, 2026)
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, r := range rep.Rows {
			rows = append(rows, fmt.Sprintf("%s %d/%d %s %d", r.Name, r.BasicPay, r.Floor, r.Status, r.Shortfall))
		}
		return fmt.Sprintf("%d ok %d below %d: %s", rep.Total, rep.OK, rep.Below, strings.Join(rows, ", "))
	}
	// Factor 1.0: 李娜 42,000 < 45,000 (urban) short by 3,000; 张伟 48,000 ≥ 45,000; 陈刚 24,000 ≥ 21,000 (rural).
	if got := report(); got != "3 ok 2 below 1: 李娜 42000/45000 below 3000, 陈刚 24000/21000 ok 0, 张伟 48000/45000 ok 0" {
		t.Errorf("factor 1.0: %s", got)
	}
	// Factor 1.2: floors 54,000 and 25,200: all three below.
	if err := f.ppl.SetPayFactor(ctx, f.street, 1.2); errs.KindOf(err) != errs.Forbidden {
		t.Errorf("a street set the factor: %v", err)
	}
	admin := testPerms.Bind(access.Actor{UserID: 9, Username: "city", Grants: []access.Grant{{Role: access.Admin, OrgPath: "/" + fmt.Sprint(org.PathIDs(f.ms.Path)[0]) + "/"}}})
	if err := f.ppl.SetPayFactor(ctx, admin, 1.2); err != nil {
		t.Fatal(err)
	}
	if got := report(); got != "3 ok 0 below 3: 李娜 42000/54000 below 12000, 张伟 48000/54000 below 6000, 陈刚 24000/25200 below 1200" {
		t.Errorf("factor 1.2: %s", got)
	}
	// Growth by township: 民生街道 (44,000 + 40,000)/2 = 42,000 → (48,000 + 42,000)/2 = 45,000, +7.1 %;
	// 三塘镇 20,000 → 24,000, +20 %.
	g, err := f.ppl.PayGrowth(ctx, f.admin, county, 2026)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range g {
		if r.Cadres > 0 {
			got = append(got, fmt.Sprintf("%s %d %.0f %.0f %.1f", r.OrgName, r.Cadres, r.LastAvg, r.Average, r.GrowthPc))
		}
	}
	if strings.Join(got, " | ") != "民生街道党工委 2 42000 45000 7.1 | 三塘镇党委 1 20000 24000 20.0" {
		t.Errorf("growth: %q", got)
	}

	// Bad input: nothing recorded.
	for _, c := range []struct {
		name string
		in   people.PayInput
		want string
	}{
		{"negative pay", people.PayInput{PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: -5}, "年基本报酬应在 1000–1000000 元之间，请核对（单位：元/年）"},
		{"a monthly figure typed", people.PayInput{PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2026, BasicPay: 800}, "年基本报酬应在 1000–1000000 元之间，请核对（单位：元/年）"},
		{"a year to come", people.PayInput{PersonID: zhang.ID, OrgID: f.c3.ID, Year: 2027, BasicPay: 50000}, "年度应为 2000–2026 之间的年份"},
		{"not a village", people.PayInput{PersonID: zhang.ID, OrgID: f.ms.ID, Year: 2026, BasicPay: 50000}, "基本报酬只登记村（社区）党组织的干部：民生街道党工委不是村或社区党组织"},
		{"no post that year", people.PayInput{PersonID: li.ID, OrgID: f.c3.ID, Year: 2023, BasicPay: 30000}, "李娜 2023 年未在兴宁社区党支部担任村（社区）干部职务：请先登记其任职"},
	} {
		err := f.ppl.RecordPay(ctx, f.admin, c.in)
		msg := errs.As(err).ZH
		for _, m := range errs.FieldMessages(err, "") {
			msg = m
		}
		if msg != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if err := f.ppl.SetReference(ctx, f.admin, people.RefInput{OrgID: county, Year: 2025, Rural: 210, Urban: 45000}); errs.FieldMessages(err, "")["rural"] != "农村居民人均可支配收入应在 1000–200000 元之间" {
		t.Errorf("implausible income: %v", err)
	}
	if got := report(); !strings.HasPrefix(got, "3 ok 0 below 3: 李娜 42000/54000") {
		t.Errorf("after the refusals: %s", got)
	}
}
