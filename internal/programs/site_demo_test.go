package programs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// TestSiteDemo: the demo's sites of Nanning cover three years and every
// state, the organizations they lead grow year by year, and whatever day
// it is run on (early January too) every step goes through.
func TestSiteDemo(t *testing.T) {
	t.Parallel()
	for _, day := range []string{"2026-09-30", "2026-01-02"} {
		t.Run(day, func(t *testing.T) {
			f := newSiteFx(t)
			ctx := context.Background()
			f.at(day)
			// The city's committees as the pairings' demo builds them.
			for _, c := range []struct{ name, short, kind string }{{"中共南宁市人民政府国有资产监督管理委员会委员会", "市国资委党委", "committee"}} {
				p, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: f.city.ID, Name: c.name, ShortName: c.short, Kind: c.kind, Category: "organ"})
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range []string{"南宁轨道交通集团党委", "建宁水务集团党委"} {
					if _, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: p.ID, Name: n, Kind: "committee", Category: "soe"}); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, n := range []string{"市住建局机关党委", "市一医院党委", "南宁职院党委"} {
				if _, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: f.organs.ID, Name: n, Kind: "committee", Category: "organ"}); err != nil {
					t.Fatal(err)
				}
			}
			line, err := f.pg.SeedSites(ctx, module.Seeding{Region: "4501", RootID: f.city.ID})
			if err != nil {
				t.Fatal(err)
			}
			y := f.clock.t.Year()
			l, err := f.pg.Sites(ctx, f.cityAdmin, programs.SiteQuery{})
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range programs.SiteStates {
				if l.States[st.Key] == 0 {
					t.Errorf("no site is %s: %v", st.Key, l.States)
				}
			}
			want := fmt.Sprintf("示范点 %d 个（%d–%d 年），带动党组织 ", l.Total, y-2, y)
			if !strings.HasPrefix(line, want) || l.Due == 0 {
				t.Errorf("line %q, want %q…; %d due", line, want, l.Due)
			}
			years := map[int]bool{}
			units := map[string]bool{}
			for _, x := range l.Items {
				years[x.Year] = true
				units[x.NominatorName] = true
			}
			if len(years) != 3 || !units["市直机关工委"] || !units["市国资委党委"] || len(units) != 8 {
				t.Errorf("years %v, units %v", years, units)
			}
			sp, err := f.pg.SiteSpreadOf(ctx, f.cityAdmin, 0, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			// The organizations led grow every year; this year's sites are
			// not designated yet, and one was revoked at its re-check.
			if tt := sp.Total; len(tt) != 3 || tt[0].Sites != 13 || tt[1].Sites != 25 || tt[2].Sites != 24 || tt[2].Cultivating != 15 ||
				tt[0].Led >= tt[1].Led || tt[1].Led >= tt[2].Led || tt[2].NewLed == 0 {
				t.Errorf("the spread: %+v", sp.Total)
			}
			var steps []string
			rows, err := f.d.Query(ctx, "SELECT DISTINCT step || ' ' || result FROM site_steps ORDER BY 1")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				steps = append(steps, s)
			}
			if got := strings.Join(steps, ", "); got != "accept , cultivate , designate , nominate , recheck kept, recheck revoked, reject , revoke " {
				t.Errorf("steps: %s", got)
			}
		})
	}
}
