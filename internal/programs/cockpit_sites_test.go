package programs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/programs"
)

// siteStatsLine shows the subtree's figures of SiteStats.
func siteStatsLine(st programs.SiteStats) string {
	var ys []string
	for _, y := range st.ByYear {
		ys = append(ys, fmt.Sprintf("%d:%d", y.Year, y.Designated))
	}
	return fmt.Sprintf("%d designated %d (%d named), cultivating %d, nominated %d, revoked %d/%d, led %d; %s", st.Year,
		st.Designated, st.DesignatedInYear, st.Cultivating, st.Nominated, st.Revoked, st.RevokedAll, st.Led, strings.Join(ys, " "))
}

// siteChildren shows the children with something, by name.
func siteChildren(st programs.SiteStats) string {
	var out []string
	for _, c := range st.Children {
		if c.Designated+c.Cultivating+c.Nominated+c.Led > 0 {
			out = append(out, fmt.Sprintf("%s %d/%d/%d/%d", c.Name, c.Designated, c.Cultivating, c.Nominated, c.Led))
		}
	}
	return strings.Join(out, ", ")
}

// TestSiteStats: the cockpit's figures of the sites of siteSpreadFx, for
// the city and a county, this year and the last, agree with the spread;
// the drill-down puts each site under the child its organization lies
// under and each organization led under its own; a reader of another
// county is refused.
func TestSiteStats(t *testing.T) {
	t.Parallel()
	f, _ := siteSpreadFx(t)
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		actor    access.Actor
		org      int64
		year     int
		want     string
		children string
		kids     int
	}{
		// 2026: 兴宁社区 in force leading three; 高峰社区 revoked at its
		// re-check; 人民东社区 and the finance bureau nominated.
		{"the city this year", f.cityAdmin, f.city.ID, 0,
			"2026 designated 1 (0 named), cultivating 2, nominated 2, revoked 1/1, led 3; 2022:0 2023:0 2024:1 2025:2 2026:1",
			f.xingning.Label() + " 1/1/1/3, 市直机关工委 0/1/1/0", -1},
		{"the city in 2025", f.cityAdmin, f.city.ID, 2025,
			"2025 designated 2 (1 named), cultivating 0, nominated 1, revoked 0/1, led 3; 2021:0 2022:0 2023:0 2024:1 2025:2",
			f.xingning.Label() + " 2/0/1/3", -1},
		{"the county in 2025", f.xnAdmin, f.xingning.ID, 2025,
			"2025 designated 2 (1 named), cultivating 0, nominated 1, revoked 0/1, led 3; 2021:0 2022:0 2023:0 2024:1 2025:2",
			f.minsheng.Label() + " 2/0/1/2, " + f.santang.Label() + " 0/0/0/1", -1},
		{"the street this year", f.streetAdmin, f.minsheng.ID, 2026,
			"2026 designated 1 (0 named), cultivating 1, nominated 1, revoked 1/1, led 3; 2022:0 2023:0 2024:1 2025:2 2026:1",
			f.xn.Label() + " 1/0/0/0, " + f.beining.Label() + " 0/0/0/1, " + f.fourth.Label() + " 0/0/0/1, " + f.fifth.Label() + " 0/1/1/1", -1},
		{"the work committee", f.cityAdmin, f.organs.ID, 0,
			"2026 designated 0 (0 named), cultivating 1, nominated 1, revoked 0/0, led 0; 2022:0 2023:0 2024:0 2025:0 2026:0",
			"市财政局机关党委 0/1/1/0", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, err := f.pg.SiteStatsOf(ctx, c.actor, c.org, c.year)
			if err != nil {
				t.Fatal(err)
			}
			if got := siteStatsLine(st); got != c.want {
				t.Errorf("figures\n got %s\nwant %s", got, c.want)
			}
			if got := siteChildren(st); got != c.children {
				t.Errorf("children\n got %s\nwant %s", got, c.children)
			}
			if c.kids >= 0 && len(st.Children) != c.kids {
				t.Errorf("%d children, want %d", len(st.Children), c.kids)
			}
		})
	}
	// Every active child has its bar, with or without sites: the city's
	// counties and its work committee.
	st, err := f.pg.SiteStatsOf(ctx, f.cityAdmin, f.city.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	kids, _, err := f.orgs.List(ctx, f.cityAdmin, org.ListQuery{Under: f.city.ID, ChildrenOnly: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Children) != len(kids) || len(kids) < 3 {
		t.Errorf("%d bars for %d children", len(st.Children), len(kids))
	}

	_, err = f.pg.SiteStatsOf(ctx, f.qxAdmin, f.xingning.ID, 0)
	if !errs.Is(err, errs.NotFound) && !errs.Is(err, errs.Forbidden) {
		t.Errorf("another county's reader: %v", err)
	}
	_, err = f.pg.SiteStatsOf(ctx, f.cityAdmin, f.city.ID, 2027)
	refused(t, err, "年度应为 2000–2026 年")
}
