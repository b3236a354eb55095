package programs

import (
	"context"
	"fmt"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// The demo's demonstration sites: three years of them — the year before
// last, last year and this one — for six counties of Nanning and the
// city's two committees that the pairings' demo built (市直机关工委,
// 市国资委党委). The sites of the first two years were cultivated, accepted
// (one failing its first check) and designated; last year's sites were
// re-checked, this year's partly; one was revoked at its re-check and one
// nomination was revoked during its cultivation. This year's sites are
// nominated, under cultivation or accepted. Each designated site leads
// villages and communities of its township, more every year: the ripple
// the charts show. The first county nominates a third site this year on a
// quota the city raised to 2–4, and its first site is the community of the
// demo's secretary account. Dates are fixed days of those years (this
// year's no later than today); each step is taken by a service whose
// clock reads its day.

// siteDemoCounties are the counties whose sites the demo shows.
var siteDemoCounties = []string{"450102", "450103", "450105", "450107", "450110", "450126"}

var siteDemoMaterials = []string{
	"以“党建+网格”为抓手，建成党群服务中心和红色议事厅，党员联系户覆盖全部网格；计划用一年时间完善阵地功能、打造“15分钟服务圈”，形成可复制的基层治理经验。",
	"村党组织带领群众发展特色种养合作社，集体经济年收入超过 30 万元；计划以“支部+合作社+农户”模式带动周边村共同发展，建设产业党建示范带。",
	"推行“三会一课”标准化和党员积分管理，组织生活规范有序；计划打造党员教育实践基地，开展“书记讲党课”和志愿服务品牌活动。",
	"以“红色物业”推动小区治理，党组织领导下的业委会、物业公司协同议事；计划总结“小区党支部+三方联动”经验并在全街道推广。",
}

var siteDemoAgencyMaterials = "机关党建与业务工作深度融合，创建“模范机关”工作品牌；计划建设党员活动阵地、开展“党员先锋岗”评选，并结对帮带系统内党组织共同提升。"

var siteDemoNotes = []string{
	"召开培育工作推进会，明确创建任务清单和责任分工，完成阵地改造方案。",
	"组织部门实地指导，完善“三会一课”台账和党员积分管理制度。",
	"开展主题党日和志愿服务活动，整理特色做法和典型案例材料。",
	"对照验收标准开展自查，补齐阵地标识和制度上墙等短板。",
}

// siteDemo runs the steps of the demo's sites.
type siteDemo struct {
	s     *Service
	ctx   context.Context
	sys   access.Actor
	today time.Time
	img   []byte
	sites int
	led   int
}

// day is the date y-m-d, or today when it is later.
func (d *siteDemo) day(y, m, dd int) string {
	t := time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
	if t.After(d.today) {
		t = d.today
	}
	return t.Format(dateLayout)
}

// on is the service with its clock at noon in Beijing of the date.
func (d *siteDemo) on(date string) *Service {
	t, _ := time.Parse(dateLayout, date)
	t = t.Add(4 * time.Hour)
	c := *d.s
	c.now = func() time.Time { return t }
	return &c
}

// run takes a site through its life as far as upTo says: "nominated",
// "cultivating", "rejected" (a failed check, still cultivating),
// "accepted", "designated", or "revoked" (a nomination revoked while in
// cultivation). It answers the site.
func (d *siteDemo) run(o org.Ref, year int, materials, upTo string, seq int) (Site, error) {
	nom := d.day(year, 3, 3+seq)
	x, err := d.on(nom).Nominate(d.ctx, d.sys, SiteInput{OrgID: o.ID, Year: year, Materials: materials,
		Files: []cases.NamedFile{{Name: "创建方案.png", Data: d.img}}})
	if err != nil {
		return x, fmt.Errorf("nominate %s: %w", o.Label(), err)
	}
	d.sites++
	if upTo == "nominated" {
		return x, nil
	}
	for i, md := range [][2]int{{5, 10}, {8, 15}} {
		on := d.day(year, md[0], md[1]+seq)
		if i > 0 && upTo == "cultivating" && on == d.today.Format(dateLayout) {
			break
		}
		if x, err = d.on(on).Cultivate(d.ctx, d.sys, x.ID, SiteNoteInput{OnDate: on, Text: siteDemoNotes[(seq+i)%len(siteDemoNotes)]}); err != nil {
			return x, fmt.Errorf("cultivate %s: %w", o.Label(), err)
		}
	}
	switch upTo {
	case "cultivating":
		return x, nil
	case "revoked":
		on := d.day(year, 10, 10)
		return d.on(on).RevokeSite(d.ctx, d.sys, x.ID, SiteRevokeInput{OnDate: on, Reason: "培育期间村“两委”班子调整，创建基础不再具备，撤销推荐，下一年度另行推荐"})
	}
	if upTo == "rejected" || seq%4 == 1 {
		on := d.day(year, 10, 20)
		if x, err = d.on(on).AcceptSite(d.ctx, d.sys, x.ID, SiteAcceptInput{Decision: "fail", OnDate: on,
			Conclusion: "特色做法总结不够，台账资料不全，暂不通过验收，继续培育一个月后再验收。"}); err != nil {
			return x, fmt.Errorf("reject %s: %w", o.Label(), err)
		}
		if upTo == "rejected" {
			return x, nil
		}
		on = d.day(year, 11, 5)
		if x, err = d.on(on).Cultivate(d.ctx, d.sys, x.ID, SiteNoteInput{OnDate: on, Text: "按验收意见补齐台账资料，提炼形成“三联三促”工作法。"}); err != nil {
			return x, fmt.Errorf("cultivate %s: %w", o.Label(), err)
		}
	}
	acc := d.day(year, 11, 20+seq%5)
	if x, err = d.on(acc).AcceptSite(d.ctx, d.sys, x.ID, SiteAcceptInput{Decision: "pass", OnDate: acc,
		Conclusion: "阵地建设规范、制度落实到位、特色做法成效明显，群众满意度测评 95%，同意通过验收。",
		Files:      []cases.NamedFile{{Name: "验收报告.png", Data: d.img}, {Name: "现场照片.png", Data: d.img}}}); err != nil {
		return x, fmt.Errorf("accept %s: %w", o.Label(), err)
	}
	if upTo == "accepted" {
		return x, nil
	}
	on := d.day(year, 12, 20)
	if x, err = d.on(on).Designate(d.ctx, d.sys, x.ID, SiteDesignateInput{Year: year, OnDate: on, Note: fmt.Sprintf("南宁市委组织部关于命名 %d 年度基层党建示范点的通知", year)}); err != nil {
		return x, fmt.Errorf("designate %s: %w", o.Label(), err)
	}
	return x, nil
}

// lead adds the organizations a site leads from a year.
func (d *siteDemo) lead(x Site, year int, orgs []org.Ref) error {
	on := d.day(year, 12, 28)
	for _, o := range orgs {
		if _, err := d.on(on).AddLed(d.ctx, d.sys, x.ID, SiteLedInput{OrgID: o.ID, Year: year, Note: "学习示范点做法，结对共建、互学互促"}); err != nil {
			return fmt.Errorf("lead %s: %w", o.Label(), err)
		}
		d.led++
	}
	return nil
}

// recheck re-checks a site for a year, kept or revoked.
func (d *siteDemo) recheck(x Site, year int, result string) error {
	on := d.day(year, 3, 18)
	if year < d.today.Year() {
		on = d.day(year, 12, 10)
	}
	reason := "复核组织生活、阵地运行和带动作用，各项指标保持良好，保留命名。"
	if result == "revoked" {
		reason = "复核发现党组织书记调整后组织生活不规范、带动作用明显减弱，撤销示范点命名。"
	}
	_, err := d.on(on).Recheck(d.ctx, d.sys, x.ID, SiteRecheckInput{Year: year, Result: result, Reason: reason, OnDate: on})
	return err
}

// pick takes n organizations from the front of a pool.
func pick(pool *[]org.Ref, n int) []org.Ref {
	n = min(n, len(*pool))
	out := (*pool)[:n]
	*pool = (*pool)[n:]
	return out
}

// seedSites builds the demo's demonstration sites.
func (s *Service) seedSites(ctx context.Context, in module.Seeding) (string, error) {
	sys := access.SystemActor("demo")
	today := s.today()
	y0, y1, y2 := today.Year()-2, today.Year()-1, today.Year()
	d := &siteDemo{s: s, ctx: ctx, sys: sys, today: today, img: demoPhoto()}
	chain, err := s.ctDemoChain(ctx, sys, in.RootID)
	if err != nil {
		return "", err
	}
	for k, code := range siteDemoCounties {
		county, err := org.Territorial(ctx, s.db, code)
		if err != nil {
			continue // a tree without this county
		}
		// The first three townships with ten villages or more.
		towns, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: county.ID, ChildrenOnly: true, Level: "township", Limit: 40, Sort: "code"})
		if err != nil {
			return "", err
		}
		var pools [3][]org.Ref
		n := 0
		for _, t := range towns {
			if n == 3 {
				break
			}
			vs, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: t.ID, ChildrenOnly: true, Level: "village", Limit: 14, Sort: "code"})
			if err != nil {
				return "", err
			}
			if len(vs) < 10 {
				continue
			}
			for _, v := range vs {
				pools[n] = append(pools[n], org.Ref{ID: v.ID, Path: v.Path, Name: v.Name, ShortName: v.ShortName, Kind: v.Kind, Status: v.Status})
			}
			n++
		}
		if n < 3 {
			continue
		}
		if k == 0 && len(chain) == 3 && chain[0].ID == county.ID && pools[0][0].ID != chain[2].ID {
			// The secretary's community leads the first township's pool.
			for i, v := range pools[0] {
				if v.ID == chain[2].ID {
					pools[0][0], pools[0][i] = pools[0][i], pools[0][0]
				}
			}
		}
		mat := func(i int) string { return siteDemoMaterials[(k+i)%len(siteDemoMaterials)] }
		// The year before last: two sites, designated, re-checked last
		// year; this year one is kept, one revoked or due.
		a, err := d.run(pick(&pools[0], 1)[0], y0, mat(0), "designated", k)
		if err != nil {
			return "", err
		}
		b, err := d.run(pick(&pools[1], 1)[0], y0, mat(1), "designated", k+1)
		if err != nil {
			return "", err
		}
		for _, step := range []struct {
			x    Site
			year int
			n    int
		}{{a, y0, 2}, {b, y0, 1}, {a, y1, 2}, {b, y1, 2}} {
			pool := &pools[0]
			if step.x.ID == b.ID {
				pool = &pools[1]
			}
			if step.year == y1 {
				if err := d.recheck(step.x, y1, "kept"); err != nil {
					return "", err
				}
			}
			if err := d.lead(step.x, step.year, pick(pool, step.n)); err != nil {
				return "", err
			}
		}
		// Last year: a site designated (after failing its first check in
		// one county of four) and a second designated, or revoked in its
		// cultivation in every third county.
		c, err := d.run(pick(&pools[2], 1)[0], y1, mat(2), "designated", k+2)
		if err != nil {
			return "", err
		}
		if err := d.lead(c, y1, pick(&pools[2], 2)); err != nil {
			return "", err
		}
		second := "designated"
		if k%3 == 2 {
			second = "revoked"
		}
		e, err := d.run(pick(&pools[1], 1)[0], y1, mat(3), second, k+3)
		if err != nil {
			return "", err
		}
		// This year: the ripple grows, last year's sites are re-checked
		// (some still due), new sites are nominated.
		if err := d.lead(a, y2, pick(&pools[0], 2)); err != nil {
			return "", err
		}
		if k%2 == 0 {
			if err := d.recheck(a, y2, "kept"); err != nil {
				return "", err
			}
		}
		switch k {
		case 1:
			if err := d.recheck(b, y2, "revoked"); err != nil {
				return "", err
			}
		default:
			if err := d.lead(b, y2, pick(&pools[1], 1)); err != nil {
				return "", err
			}
		}
		if err := d.lead(c, y2, pick(&pools[2], 3)); err != nil {
			return "", err
		}
		if second == "designated" {
			if err := d.lead(e, y2, pick(&pools[1], 2)); err != nil {
				return "", err
			}
		}
		if k == 0 {
			if _, err := s.SetSiteQuota(ctx, sys, SiteQuotaInput{OrgID: county.ID, Year: y2, Min: 2, Max: 4}); err != nil {
				return "", fmt.Errorf("demo quota: %w", err)
			}
		}
		this := []string{"nominated", "cultivating", "accepted"}
		for i, upTo := range []string{this[k%3], "cultivating", "nominated"} {
			if i == 2 && k != 0 {
				break
			}
			pool := &pools[1+i%2]
			if _, err := d.run(pick(pool, 1)[0], y2, mat(i), upTo, k+i); err != nil {
				return "", err
			}
		}
	}
	if err := d.seedCitySites(in.RootID, y0, y1, y2); err != nil {
		return "", err
	}
	s.db.Analyze(ctx, "sites", "site_steps", "site_files", "site_led", "site_quotas")
	return fmt.Sprintf("示范点 %d 个（%d–%d 年），带动党组织 %d 个", d.sites, y0, y2, d.led), nil
}

// seedCitySites runs the sites of the city's committees that the
// pairings' demo built, when they are there.
func (d *siteDemo) seedCitySites(root int64, y0, y1, y2 int) error {
	kids, _, err := d.s.orgs.List(d.ctx, d.sys, org.ListQuery{Under: root, ChildrenOnly: true, Limit: 100, Sort: "tree"})
	if err != nil {
		return err
	}
	ref := func(o org.Org) org.Ref {
		return org.Ref{ID: o.ID, Path: o.Path, Name: o.Name, ShortName: o.ShortName, Kind: o.Kind, Status: o.Status}
	}
	for _, k := range kids {
		if k.Level != "unit" || k.ShortName != "市直机关工委" && k.ShortName != "市国资委党委" {
			continue
		}
		subs, _, err := d.s.orgs.List(d.ctx, d.sys, org.ListQuery{Under: k.ID, ChildrenOnly: true, Limit: 20, Sort: "tree"})
		if err != nil {
			return err
		}
		var pool []org.Ref
		for _, o := range subs {
			pool = append(pool, ref(o))
		}
		if k.ShortName == "市直机关工委" && len(pool) >= 5 {
			a, err := d.run(pool[0], y0, siteDemoAgencyMaterials, "designated", 0)
			if err != nil {
				return err
			}
			if err := d.lead(a, y0, pool[1:2]); err != nil {
				return err
			}
			if err := d.recheck(a, y1, "kept"); err != nil {
				return err
			}
			if err := d.lead(a, y1, pool[2:3]); err != nil {
				return err
			}
			b, err := d.run(pool[4], y1, siteDemoAgencyMaterials, "designated", 1)
			if err != nil {
				return err
			}
			if err := d.recheck(a, y2, "kept"); err != nil {
				return err
			}
			if err := d.lead(a, y2, pool[3:4]); err != nil {
				return err
			}
			if err := d.lead(b, y2, pool[1:3]); err != nil {
				return err
			}
			if _, err := d.run(pool[3], y2, siteDemoAgencyMaterials, "cultivating", 2); err != nil {
				return err
			}
		}
		if k.ShortName == "市国资委党委" && len(pool) >= 2 {
			a, err := d.run(pool[0], y1, siteDemoAgencyMaterials, "designated", 3)
			if err != nil {
				return err
			}
			if err := d.lead(a, y2, pool[1:2]); err != nil {
				return err
			}
			if _, err := d.run(pool[1], y2, siteDemoAgencyMaterials, "nominated", 4); err != nil {
				return err
			}
		}
	}
	return nil
}
