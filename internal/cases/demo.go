package cases

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// DemoCases is how many cases the demo files over the year before it runs.
const DemoCases = 2400

// demoCases is what the demo prints of the channel.
type demoCases struct {
	cases, overdue, stations int
	receipt                  string
}

// Lines tells where residents report and how many cases the demo holds,
// with a receipt to try the follow-up with.
func (d demoCases) Lines(site string) []string {
	if d.cases == 0 {
		return nil
	}
	return []string{
		fmt.Sprintf("群众诉求 / residents' cases: %d 件（%d 件超期督办）, %d 个廉洁工作站 / workstations", d.cases, d.overdue, d.stations),
		fmt.Sprintf("  反映入口 / report: %s/report   查询进度 / follow-up: %s/track   示例查询码 / a receipt: %s", site, site, d.receipt),
	}
}

// demoTexts are what residents write, by kind; the demo picks among them.
var demoTexts = map[string][]string{
	KindService: {
		"小区路灯坏了好几盏，晚上出行不安全，请尽快维修。",
		"村里自来水近一周时有时无，请帮忙联系供水站排查。",
		"社区养老服务站想增加午餐助餐点，方便行动不便的老人。",
		"我家老人的医保报销材料不会填，请社区帮忙指导。",
		"村道有一段路面塌陷，雨后积水严重，请安排修补。",
		"楼道堆放杂物影响消防通道，请物业和社区督促清理。",
		"希望社区开设暑期青少年托管班，解决双职工家庭困难。",
		"垃圾清运不及时，天气炎热气味很大，请加密清运频次。",
	},
	KindMediation: {
		"邻居装修噪音扰民，多次沟通无果，请社区调解。",
		"与邻居因宅基地边界发生争议，请村委会组织调解。",
		"楼上漏水导致我家天花板受损，双方对赔偿有分歧，请调解。",
		"承包地流转租金对方拖欠半年，请村里帮助协调。",
		"小区停车位分配有纠纷，业主之间争执不下，请社区调解。",
	},
	KindOpinion: {
		"建议在新区增设公交线路，方便居民到市区就医。",
		"建议简化老年人高龄津贴申领手续，实现社区代办。",
		"建议对乡村道路安装更多减速带和警示标志。",
		"建议增加普惠性幼儿园学位，缓解入园难。",
		"建议加大对农村电商培训的支持，帮助农产品销售。",
		"建议在社区设立法律援助咨询点，定期有律师坐班。",
	},
	KindIntegrity: {
		"反映村干部在低保评定中优亲厚友，把不符合条件的亲属评为低保户。",
		"反映社区工作人员办理证明时收取好处费。",
		"反映村集体工程发包未公开招标，疑似有利益输送。",
		"反映村务公开栏长期不更新，集体收支情况不透明。",
	},
}

// demoTopics are the topics the demo's opinions are tagged with, in the
// order of demoTexts[KindOpinion].
var demoTopics = []string{"transport", "elderly", "transport", "education", "rural", "governance"}

// seedCases files a year of cases across the region's villages and
// communities, taken through every state by the handlers' steps at the
// times they would have happened, with workstations at the counties; cases
// of the demo's street are the most numerous, so that its handler has a
// full list. Only Nanning (4501) is seeded, like the member register.
func seedCases(ctx context.Context, s *Service, in module.Seeding) (module.Seeded, error) {
	if in.Region != "4501" {
		return demoCases{}, nil
	}
	root, err := org.Lookup(ctx, s.db, in.RootID)
	if err != nil {
		return nil, errs.Wrap(err, "demo root")
	}
	type place struct {
		code string
		path string
	}
	var villages []place
	rows, err := s.db.Query(ctx, `SELECT region_code, path FROM orgs WHERE territorial = ? AND status = 'active' AND LENGTH(region_code) = 12
		AND path >= ? AND path < ? ORDER BY path`, true, root.Path, access.PathUpper(root.Path))
	if err != nil {
		return nil, errs.Wrap(err, "demo places")
	}
	for rows.Next() {
		var p place
		if err := rows.Scan(&p.code, &p.path); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "demo place")
		}
		villages = append(villages, p)
	}
	rows.Close()
	if len(villages) == 0 {
		return demoCases{}, nil
	}
	// The demo's accounts sit on the first county and its first township
	// (internal/demo), found the way the demo found them: before the other
	// modules' demo data added organizations that are not territorial.
	sys0 := access.SystemActor("demo")
	street, under := root.Path, root.ID
	for range 2 {
		kids, _, err := s.orgs.List(ctx, sys0, org.ListQuery{Under: under, ChildrenOnly: true, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			if k.Territorial {
				ref, err := org.Lookup(ctx, s.db, k.ID)
				if err != nil {
					return nil, errs.Wrap(err, "demo street")
				}
				street, under = ref.Path, ref.ID
				break
			}
		}
	}
	var local []place
	for _, v := range villages {
		if access.Within(v.path, street) {
			local = append(local, v)
		}
	}
	if len(local) == 0 {
		local = villages
	}
	stations, err := s.demoStations(ctx, root)
	if err != nil {
		return nil, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(4501, 2026))
	now := s.now()
	type planned struct {
		at   time.Time
		kind string
		code string
	}
	plan := make([]planned, DemoCases)
	kinds := []string{KindService, KindService, KindService, KindService, KindMediation, KindMediation, KindOpinion, KindOpinion, KindIntegrity}
	for i := range plan {
		v := villages[r.IntN(len(villages))]
		if r.IntN(10) < 4 {
			v = local[r.IntN(len(local))]
		}
		// Reports come in during the day, more on working days.
		day := now.AddDate(0, 0, -1-r.IntN(365))
		at := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, calendarZone).Add(time.Duration(7*60+r.IntN(14*60)) * time.Minute)
		plan[i] = planned{at: at, kind: kinds[r.IntN(len(kinds))], code: v.code}
	}
	slices.SortFunc(plan, func(a, b planned) int { return a.at.Compare(b.at) })
	sys := viewer{Actor: access.SystemActor("demo")}
	out := demoCases{cases: len(plan), stations: stations}
	for start := 0; start < len(plan); start += 200 {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			for _, p := range plan[start:min(start+200, len(plan))] {
				texts := demoTexts[p.kind]
				n := r.IntN(len(texts))
				rep := Report{Kind: p.kind, RegionCode: p.code, Body: texts[n]}
				switch p.kind {
				case KindOpinion:
					rep.Topic = demoTopics[n]
				case KindIntegrity:
					rep.SubjectText = []string{"村委会主任", "社区工作人员", "村党支部书记", "村务监督委员会"}[r.IntN(4)]
				}
				if r.IntN(5) < 2 {
					rep.Phone = fmt.Sprintf("139%08d", r.IntN(100000000))
				}
				in, err := s.prepare(ctx, rep, p.at)
				if err != nil {
					return err
				}
				id, err := s.store(ctx, tx, in)
				if err != nil {
					return err
				}
				if out.receipt == "" && p.kind == KindService && now.Sub(p.at) > 60*24*time.Hour {
					out.receipt = in.receipt
				}
				if err := s.demoLife(ctx, tx, sys, r, id, in.receipt, p.at, now, cal); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if out.overdue, err = s.Escalate(ctx); err != nil {
		return nil, err
	}
	// The statistics of a subtree are planned on the tables' statistics:
	// without them PostgreSQL takes the year of cases for a handful.
	s.db.Analyze(ctx, "cases", "case_events")
	return out, nil
}

// demoLife takes case id from its receipt at received through the steps a
// case of its age would have taken by now: old cases are closed (some
// refused, some reopened after an unsatisfied rating), recent ones wait at
// every state, and a few were left to run past their deadlines.
func (s *Service) demoLife(ctx context.Context, tx *db.Tx, v viewer, r *rand.Rand, id int64, receipt string, received, now time.Time, cal *Calendar) error {
	age := now.Sub(received)
	t := received
	step := func(st string, hours int, in StepInput) error {
		t = t.Add(time.Duration(1+r.IntN(hours)) * time.Hour)
		if t.After(now) {
			t = now.Add(-time.Minute)
		}
		in.Step = st
		_, err := s.takeTx(ctx, tx, v, id, in, t, cal, nil)
		return err
	}
	rate := func(rating string) error {
		t = t.Add(time.Duration(2+r.IntN(48)) * time.Hour)
		if t.After(now) {
			t = now.Add(-time.Minute)
		}
		return s.rateTx(ctx, tx, id, rating, "", t, cal)
	}
	// Waiting for acceptance: the newest cases, and a few left too long.
	stage := 9
	switch days := age.Hours() / 24; {
	case days < 2:
		stage = r.IntN(2)
	case days < 12:
		stage = r.IntN(7)
	case days < 30:
		stage = 2 + r.IntN(8)
	}
	if r.IntN(60) == 0 && age < 40*24*time.Hour {
		stage = 0 // forgotten: it will be escalated
	}
	if stage == 0 {
		return nil
	}
	if r.IntN(14) == 0 {
		return step(StepRefuse, 20, StepInput{Text: "经核实，该事项已通过司法程序处理，不属于本级受理范围。"})
	}
	if err := step(StepAccept, 20, StepInput{}); err != nil {
		return err
	}
	if stage == 1 {
		return nil
	}
	if err := step(StepStart, 30, StepInput{}); err != nil {
		return err
	}
	if stage == 2 || (stage == 3 && r.IntN(3) == 0) {
		return nil // in progress; some of these will run out of time
	}
	answer := func() error {
		return step(StepAnswer, 24*6, StepInput{Text: "您反映的问题已核实并处理，具体情况已电话告知，如有疑问请继续反映。"})
	}
	if err := answer(); err != nil {
		return err
	}
	if stage <= 4 {
		return nil
	}
	if r.IntN(8) == 0 {
		if err := rate(Unsatisfied); err != nil {
			return err
		}
		if stage <= 5 {
			return nil
		}
		if err := answer(); err != nil {
			return err
		}
	}
	if err := rate([]string{Satisfied, Satisfied, Satisfied, Fair}[r.IntN(4)]); err != nil {
		return err
	}
	if stage <= 6 {
		return nil
	}
	if err := step(StepVisit, 48, StepInput{Text: "电话回访，反映人对办理结果表示认可。"}); err != nil {
		return err
	}
	if stage <= 7 {
		return nil
	}
	outcome := []string{Resolved, Resolved, Resolved, Resolved, NotResolved, NotResponsible}[r.IntN(6)]
	return step(StepClose, 24, StepInput{Outcome: outcome})
}

// demoStations registers a workstation at each county of the region and
// at the first township of each, with an activity.
func (s *Service) demoStations(ctx context.Context, root org.Ref) (int, error) {
	var orgs []int64
	rows, err := s.db.Query(ctx, `SELECT o.id FROM orgs o WHERE o.parent_id = ? AND o.status = 'active' AND o.territorial = ? ORDER BY o.region_code`, root.ID, true)
	if err != nil {
		return 0, errs.Wrap(err, "demo counties")
	}
	counties, err := scanIDs(rows)
	if err != nil {
		return 0, err
	}
	for _, c := range counties {
		orgs = append(orgs, c)
		rows, err := s.db.Query(ctx, `SELECT id FROM orgs WHERE parent_id = ? AND status = 'active' AND territorial = ? ORDER BY region_code LIMIT 1`, c, true)
		if err != nil {
			return 0, errs.Wrap(err, "demo township")
		}
		first, err := scanIDs(rows)
		if err != nil {
			return 0, err
		}
		orgs = append(orgs, first...)
	}
	sys := access.SystemActor("demo")
	for i, id := range orgs {
		o, err := org.Lookup(ctx, s.db, id)
		if err != nil {
			return 0, errs.Wrap(err, "demo station org")
		}
		st, err := s.SaveStation(ctx, sys, StationInput{OrgID: id, Name: o.Label() + "廉洁工作站", Address: o.Label() + "党群服务中心一楼",
			Staff: "纪检委员、村（居）务监督委员会主任", Hours: "工作日 8:30–12:00，14:30–17:30", Phone: fmt.Sprintf("0771-58%05d", 10000+i)})
		if err != nil {
			return 0, err
		}
		held := s.now().AddDate(0, -1-i%6, 0).In(calendarZone).Format(time.DateOnly)
		if _, err := s.AddActivity(ctx, sys, Activity{StationID: st.ID, HeldOn: held, Title: "廉洁文化进社区宣讲", Participants: 30 + i%40,
			Materials: "宣讲课件、廉洁家风宣传册"}); err != nil {
			return 0, err
		}
	}
	return len(orgs), nil
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "scan id")
		}
		out = append(out, id)
	}
	return out, errs.Wrap(rows.Err(), "ids")
}
