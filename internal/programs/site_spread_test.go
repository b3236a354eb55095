package programs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/programs"
)

// siteSpreadFx runs three years of 兴宁区's sites: 兴宁社区 designated in
// 2024 and leading 北宁社区 from 2024, 人民中社区 from 2025 and 人民东社区
// from 2026; 高峰社区 designated in 2025, leading 四塘社区 (of 三塘镇) from
// 2025 and revoked at its 2026 re-check; 人民东社区 nominated and under
// cultivation in 2026; and the city's work committee nominating its
// finance bureau in 2026.
func siteSpreadFx(t *testing.T) (*siteFx, map[string]programs.Site) {
	t.Helper()
	f := newSiteFx(t)
	ctx := context.Background()
	xn := f.designated(t, f.xn, 2024)
	f.at("2024-12-01")
	xn = siteMust(t)(f.pg.AddLed(ctx, f.xnAdmin, xn.ID, programs.SiteLedInput{OrgID: f.beining.ID, Year: 2024}))
	third := f.designated(t, f.third, 2025)
	f.at("2025-12-01")
	siteMust(t)(f.pg.Recheck(ctx, f.cityAdmin, xn.ID, programs.SiteRecheckInput{Year: 2025, Result: "kept", Reason: "保持良好", OnDate: "2025-12-01"}))
	xn = siteMust(t)(f.pg.AddLed(ctx, f.xnAdmin, xn.ID, programs.SiteLedInput{OrgID: f.fourth.ID, Year: 2025}))
	third = siteMust(t)(f.pg.AddLed(ctx, f.xnAdmin, third.ID, programs.SiteLedInput{OrgID: f.sitang.ID, Year: 2025}))
	f.at("2026-03-10")
	fifth := f.nominate(t, f.xnAdmin, f.fifth, 2026)
	fifth = siteMust(t)(f.pg.Cultivate(ctx, f.xnAdmin, fifth.ID, programs.SiteNoteInput{OnDate: "2026-03-10", Text: "召开创建推进会，明确任务清单。"}))
	xn = siteMust(t)(f.pg.AddLed(ctx, f.xnAdmin, xn.ID, programs.SiteLedInput{OrgID: f.fifth.ID, Year: 2026}))
	third = siteMust(t)(f.pg.Recheck(ctx, f.cityAdmin, third.ID, programs.SiteRecheckInput{Year: 2026, Result: "revoked", Reason: "带动作用明显减弱", OnDate: "2026-03-10"}))
	finance := f.nominate(t, f.cityAdmin, f.finance, 2026)
	return f, map[string]programs.Site{"xn": xn, "third": third, "fifth": fifth, "finance": finance}
}

// TestSiteSpread: the sites in force and the organizations they lead, by
// year and by nominating unit, for the city and for a county; every unit
// has its row.
func TestSiteSpread(t *testing.T) {
	t.Parallel()
	f, _ := siteSpreadFx(t)
	ctx := context.Background()
	sp, err := f.pg.SiteSpreadOf(ctx, f.cityAdmin, 0, 2024, 2026)
	if err != nil {
		t.Fatal(err)
	}
	cell := func(c programs.SiteSpreadCell) string {
		return fmt.Sprintf("%d:%d/%d/%d/%d+%d", c.Year, c.Nominated, c.Cultivating, c.Sites, c.Led, c.NewLed)
	}
	rows := map[string]string{}
	for _, u := range sp.Units {
		var cs []string
		for _, c := range u.Years {
			cs = append(cs, cell(c))
		}
		rows[u.OrgName] = strings.Join(cs, " ")
	}
	var total []string
	for _, c := range sp.Total {
		total = append(total, cell(c))
	}
	if len(sp.Units) != 13 || sp.Units[0].OrgName != f.xingning.Label() || sp.Units[12].OrgName != "市直机关工委" {
		t.Errorf("units: %d, first %s, last %s", len(sp.Units), sp.Units[0].OrgName, sp.Units[len(sp.Units)-1].OrgName)
	}
	for name, want := range map[string]string{
		f.xingning.Label(): "2024:1/0/1/1+1 2025:1/0/2/3+2 2026:1/1/1/3+1",
		"市直机关工委":           "2024:0/0/0/0+0 2025:0/0/0/0+0 2026:1/1/0/0+0",
		f.qingxiu.Label():  "2024:0/0/0/0+0 2025:0/0/0/0+0 2026:0/0/0/0+0",
	} {
		if rows[name] != want {
			t.Errorf("%s: %s, want %s", name, rows[name], want)
		}
	}
	if got := strings.Join(total, " "); got != "2024:1/0/1/1+1 2025:1/0/2/3+2 2026:2/2/1/3+1" {
		t.Errorf("total: %s", got)
	}

	// The county sees its own row; 青秀区 its own, empty.
	sp, err = f.pg.SiteSpreadOf(ctx, f.xnAdmin, 0, 0, 0)
	if err != nil || sp.OrgID != f.xingning.ID || sp.From != 2024 || sp.To != 2026 || len(sp.Units) != 1 || cell(sp.Units[0].Years[2]) != "2026:1/1/1/3+1" {
		t.Errorf("the county's spread: %v %+v", err, sp)
	}
	sp, err = f.pg.SiteSpreadOf(ctx, f.qxAdmin, 0, 2026, 2026)
	if err != nil || len(sp.Units) != 1 || sp.Units[0].OrgID != f.qingxiu.ID || cell(sp.Total[0]) != "2026:0/0/0/0+0" {
		t.Errorf("青秀区's spread: %v %+v", err, sp)
	}
	_, err = f.pg.SiteSpreadOf(ctx, f.cityAdmin, 0, 2026, 2024)
	refused(t, err, "年度范围应在 2000–2027 年之间，起始不晚于结束，最多 10 年")
	_, err = f.pg.SiteSpreadOf(ctx, f.qxAdmin, f.xingning.ID, 0, 0)
	refused(t, err, "不存在或不在您的管理范围内")
}

// TestSiteTree: the subtree pruned to what is marked in a year, in the
// tree's order, with each node's counts.
func TestSiteTree(t *testing.T) {
	t.Parallel()
	f, _ := siteSpreadFx(t)
	ctx := context.Background()
	show := func(tr programs.SiteTree) string {
		var b strings.Builder
		for _, n := range tr.Nodes {
			b.WriteString(strings.Repeat("  ", n.Depth) + n.OrgName)
			if n.Site != nil {
				if n.Site.Designated {
					fmt.Fprintf(&b, " ★%d", n.Site.DesignatedYear)
				} else {
					fmt.Fprintf(&b, " ☆%d", n.Site.Year)
				}
			}
			for _, l := range n.LedBy {
				fmt.Fprintf(&b, " ◎%s/%d", l.SiteName, l.Year)
			}
			fmt.Fprintf(&b, " [%d %d %d]\n", n.Count.Sites, n.Count.Cultivating, n.Count.Led)
		}
		return b.String()
	}
	tr, err := f.pg.SiteTreeOf(ctx, f.xnAdmin, 0, 2025)
	if err != nil {
		t.Fatal(err)
	}
	want := f.xingning.Label() + ` [2 0 3]
  ` + f.minsheng.Label() + ` [2 0 2]
    兴宁社区党支部 ★2024 [1 0 0]
    北宁社区党支部 ◎兴宁社区党支部/2024 [0 0 1]
    高峰社区党支部 ★2025 [1 0 0]
    人民中社区党支部 ◎兴宁社区党支部/2025 [0 0 1]
  ` + f.santang.Label() + ` [0 0 1]
    四塘社区党支部 ◎高峰社区党支部/2025 [0 0 1]
`
	if got := show(tr); got != want {
		t.Errorf("2025:\n%s\nwant\n%s", got, want)
	}
	tr, err = f.pg.SiteTreeOf(ctx, f.cityAdmin, f.xingning.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want = f.xingning.Label() + ` [1 1 3]
  ` + f.minsheng.Label() + ` [1 1 3]
    兴宁社区党支部 ★2024 [1 0 0]
    北宁社区党支部 ◎兴宁社区党支部/2024 [0 0 1]
    人民中社区党支部 ◎兴宁社区党支部/2025 [0 0 1]
    人民东社区党支部 ☆2026 ◎兴宁社区党支部/2026 [0 1 1]
`
	if got := show(tr); tr.Year != 2026 || got != want {
		t.Errorf("2026:\n%s\nwant\n%s", got, want)
	}
	// A street sees its own part; 青秀区 nothing but itself.
	if tr, err = f.pg.SiteTreeOf(ctx, f.streetAdmin, 0, 2025); err != nil || len(tr.Nodes) != 5 || tr.Nodes[0].OrgID != f.minsheng.ID {
		t.Errorf("the street's tree: %v\n%s", err, show(tr))
	}
	if tr, err = f.pg.SiteTreeOf(ctx, f.qxAdmin, 0, 2025); err != nil || show(tr) != f.qingxiu.Label()+" [0 0 0]\n" {
		t.Errorf("青秀区's tree: %v\n%s", err, show(tr))
	}
	_, err = f.pg.SiteTreeOf(ctx, f.cityAdmin, 0, 1999)
	refused(t, err, "年度应为 2000–2027 年")
}

// TestSiteList: the list of the sites with its counts, filters, search and
// sorts, each reader seeing its own.
func TestSiteList(t *testing.T) {
	t.Parallel()
	f, s := siteSpreadFx(t)
	ctx := context.Background()
	names := func(l programs.SiteList) string {
		var out []string
		for _, x := range l.Items {
			out = append(out, fmt.Sprintf("%s %d %s %d", x.OrgName, x.Year, x.State, x.Led))
		}
		return strings.Join(out, "; ")
	}
	l, err := f.pg.Sites(ctx, f.cityAdmin, programs.SiteQuery{Sort: "-led"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != 4 || l.Due != 1 || fmt.Sprint(l.States) != "map[cultivating:1 designated:1 nominated:1 revoked:1]" ||
		names(l) != "兴宁社区党支部 2024 designated 3; 高峰社区党支部 2025 revoked 1; 市财政局机关党委 2026 nominated 0; 人民东社区党支部 2026 cultivating 0" {
		t.Errorf("all: %d %d %v %s", l.Total, l.Due, l.States, names(l))
	}
	for _, tc := range []struct {
		q    programs.SiteQuery
		want string
	}{
		{programs.SiteQuery{State: "live", Sort: "year"}, "兴宁社区党支部 2024 designated 3; 人民东社区党支部 2026 cultivating 0; 市财政局机关党委 2026 nominated 0"},
		{programs.SiteQuery{Flag: "recheck_due"}, "兴宁社区党支部 2024 designated 3"},
		{programs.SiteQuery{Q: "工委"}, "市财政局机关党委 2026 nominated 0"},
		{programs.SiteQuery{Unit: f.xingning.ID, Year: 2026}, "人民东社区党支部 2026 cultivating 0"},
		{programs.SiteQuery{Under: f.santang.ID}, ""},
	} {
		l, err := f.pg.Sites(ctx, f.cityAdmin, tc.q)
		if err != nil || names(l) != tc.want {
			t.Errorf("%+v: %v %s, want %s", tc.q, err, names(l), tc.want)
		}
	}
	if l, err := f.pg.Sites(ctx, f.xnAdmin, programs.SiteQuery{}); err != nil || l.Total != 3 {
		t.Errorf("the county's: %v %d", err, l.Total)
	}
	if l, err := f.pg.Sites(ctx, f.secretary, programs.SiteQuery{}); err != nil || names(l) != "兴宁社区党支部 2024 designated 3" || l.Items[0].ID != s["xn"].ID {
		t.Errorf("the secretary's: %v %s", err, names(l))
	}
	_, err = f.pg.Sites(ctx, f.cityAdmin, programs.SiteQuery{Sort: "size"})
	refused(t, err, "排序只能是 name、unit、year、state、designated 或 led")
	_, err = f.pg.Sites(ctx, f.cityAdmin, programs.SiteQuery{State: "lost"})
	refused(t, err, "状态只能是 nominated、cultivating、accepted、designated、revoked 或 live")
}
