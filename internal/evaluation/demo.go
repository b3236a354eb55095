package evaluation

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// DemoTrial is the demo's open campaign and one of its unused ballot codes,
// printed so that a visitor can cast a ballot from a phone.
type DemoTrial struct {
	CampaignID int64
	Campaign   string
	Group      string // the rater group of Code
	Code       string
}

// tier is how well a subject is judged: the chances of each answer on the
// four-level scale (好 较好 一般 差) and on the satisfaction scale (满意 基本满意
// 不满意), and the mean and spread of a 0–100 answer.
type tier struct {
	four, three []float64
	mean, sd    float64
}

var (
	tierGood = tier{[]float64{60, 32, 7, 1}, []float64{82, 16, 2}, 92, 5}
	tierFair = tier{[]float64{30, 45, 20, 5}, []float64{62, 31, 7}, 84, 7}
	tierMid  = tier{[]float64{15, 40, 35, 10}, []float64{50, 38, 12}, 78, 8}
	// tierWeak earns 一般 with the masses still mostly satisfied.
	tierWeak = tier{[]float64{6, 30, 44, 20}, []float64{30, 36, 34}, 72, 9}
	// tierDiscontent scores like tierWeak but the masses are mostly
	// dissatisfied: the veto makes it 差.
	tierDiscontent = tier{[]float64{6, 30, 44, 20}, []float64{16, 24, 60}, 66, 10}
	// tierPoor is graded 差 on its total and vetoed as well.
	tierPoor = tier{[]float64{3, 18, 44, 35}, []float64{14, 26, 60}, 58, 12}
)

// answer draws one answer of a leaf for a subject of tier t. Levels are
// listed from the best down in both templates.
func (t tier) answer(r *rand.Rand, sc Scale) float64 {
	if sc.Kind == ScalePoints {
		return math.Round(math.Max(0, math.Min(100, t.mean+t.sd*r.NormFloat64())))
	}
	probs := t.four
	if len(sc.Levels) == 3 {
		probs = t.three
	}
	return sc.Levels[min(pickIndex(r, probs), len(sc.Levels)-1)].Points
}

func leafScales(inds []Indicator, out map[string]Scale) {
	for _, in := range inds {
		if len(in.Children) > 0 {
			leafScales(in.Children, out)
		} else {
			out[in.Key] = in.Scale
		}
	}
}

// ballotFor draws a ballot rating subjects, each by its tier.
func ballotFor(r *rand.Rand, rules Rules, subjects []*evalSubject) map[string]map[string]float64 {
	scales := map[string]Scale{}
	leafScales(rules.Indicators, scales)
	keys := slices.Sorted(maps.Keys(scales))
	out := map[string]map[string]float64{}
	for _, sb := range subjects {
		m := map[string]float64{}
		for _, k := range keys {
			m[k] = sb.tier.answer(r, scales[k])
		}
		out[sb.key] = m
	}
	return out
}

type evalSubject struct {
	in   SubjectInput
	tier tier
	town int // index of the township whose representatives rate it
	key  string
}

// evalTown is a township or street whose village and community
// organizations are rated.
type evalTown struct {
	id       int64
	code     string
	name     string // 朝阳街道
	leader   string // 朝阳街道党工委
	villages []org.Org
}

// seedEvaluation runs Nanning's evaluation campaigns: the 2025 述职评议 of
// village and community secretaries in two townships of 兴宁区 and the 2025
// 千企议科长 of ten city agencies, both cast, closed and published, and this
// year's 述职评议 of 兴东街道, left open with unused codes. Answers are
// pseudo-random with a fixed seed; ballot codes and trackers are random.
func seedEvaluation(ctx context.Context, d *db.DB, orgs *org.Service, ev *Service, rootID int64) (DemoTrial, error) {
	sys := access.SystemActor("demo")
	r := rand.New(rand.NewPCG(4501, 2019))
	towns, county, err := loadXingning(ctx, d, orgs)
	if err != nil {
		return DemoTrial{}, err
	}
	byCode := map[string]*evalTown{}
	for _, t := range towns {
		byCode[t.code] = t
	}
	a, b, open := byCode["450102002"], byCode["450102102"], byCode["450102003"]
	if a == nil || b == nil || open == nil || county == 0 {
		return DemoTrial{}, errs.Wrap(fmt.Errorf("兴宁区 (450102) or its streets 朝阳、五塘、兴东 are missing from the division data"), "demo evaluation")
	}
	now := ev.Now()
	if err := seedVillageReview(ctx, d, ev, sys, r, county, []*evalTown{a, b}, now); err != nil {
		return DemoTrial{}, fmt.Errorf("demo 述职评议: %w", err)
	}
	if err := seedQianQi(ctx, d, ev, sys, r, rootID, now); err != nil {
		return DemoTrial{}, fmt.Errorf("demo 千企议科长: %w", err)
	}
	trial, err := seedOpenReview(ctx, ev, sys, r, open, now)
	if err != nil {
		return DemoTrial{}, fmt.Errorf("demo open 述职评议: %w", err)
	}
	return trial, nil
}

// loadXingning reads 兴宁区委 and its townships with their villages and
// communities (statistical stand-ins left out).
func loadXingning(ctx context.Context, d *db.DB, orgs *org.Service) ([]*evalTown, int64, error) {
	sys := access.SystemActor("demo")
	xn, err := org.Territorial(ctx, d, "450102")
	if err != nil {
		return nil, 0, errs.Wrap(err, "demo 兴宁区")
	}
	places, err := org.TerritorialUnder(ctx, d, xn.Path)
	if err != nil {
		return nil, 0, errs.Wrap(err, "demo 兴宁区")
	}
	var county int64
	var towns []*evalTown
	byCode := map[string]*evalTown{}
	var villages []org.Place
	for _, p := range places {
		switch p.Level {
		case "county":
			county = p.ID
		case "township":
			t := &evalTown{id: p.ID, code: p.Code, name: strings.TrimSuffix(p.RegionName, "办事处"), leader: p.ShortName}
			towns = append(towns, t)
			byCode[p.Code] = t
		case "village":
			if !strings.Contains(p.RegionName, "虚拟") {
				villages = append(villages, p)
			}
		}
	}
	for _, v := range villages {
		t := byCode[v.Code[:min(9, len(v.Code))]]
		if t == nil {
			continue
		}
		o, err := orgs.Get(ctx, sys, v.ID)
		if err != nil {
			return nil, 0, err
		}
		t.villages = append(t.villages, o)
	}
	return towns, county, nil
}

// The village and community organizations the demo's 述职评议 finds weak, by
// division code; the others are judged good or fair.
var weakVillages = map[string]tier{
	"450102002201": tierPoor,       // 虎邱村
	"450102102208": tierDiscontent, // 沙平村
	"450102002023": tierWeak,       // 人民北一里社区
	"450102102211": tierMid,        // 王竹村
}

// Phrases of the 述职报告.
var (
	communityWork = []string{
		"推行“街道大工委、社区大党委”机制，与辖区 %d 家驻区单位签订共建协议",
		"划分网格党小组 %d 个，楼栋党员中心户亮身份、作表率",
		"组织在职党员回社区报到服务 %d 人次，认领微心愿、参与文明创建",
		"推进老旧小区改造和加装电梯，协调解决群众急难愁盼问题 %d 件",
		"依托党群服务中心开展养老托幼、就业帮扶等服务 %d 场次",
		"引导物业企业、业委会在党组织领导下协同治理，化解物业纠纷 %d 起",
	}
	villageWork = []string{
		"发展壮大村级集体经济，全年村集体经营性收入 %d 万元",
		"推广茉莉花、蔬菜等特色种植，带动 %d 户群众稳定增收",
		"落实“四议两公开”，全年召开村民代表会议 %d 次，村务财务按季公开",
		"开展人居环境整治，清理房前屋后 %d 处，建成“美丽南宁”示范片",
		"发展党员 %d 名，培养入党积极分子和村级后备力量",
		"推进法治乡村建设，调处邻里和土地纠纷 %d 起",
	}
	commonWork = []string{
		"严格落实“三会一课”、主题党日和组织生活会制度，全年开展主题党日 %d 次",
		"开展党员冬训和集中学习 %d 次，党员参学率保持在九成以上",
	}
	shortcomings = []string{
		"党员队伍年龄偏大，年轻党员和致富带头人偏少",
		"组织生活形式较为单一，吸引力有待增强",
		"联系服务群众还不够精细，回应群众诉求有时不够及时",
		"集体经济增收渠道较窄，发展后劲不足",
		"对驻区单位、两新组织的统筹引领作用发挥不够",
	}
	communityNext = []string{
		"下一步，将聚焦群众反映集中的问题逐项整改，推动党建引领基层治理提质增效。",
		"下一步，将深化“网格化+党建”，把服务做到群众家门口。",
		"下一步，将用好党群服务中心阵地，健全驻区单位共驻共建机制。",
	}
	villageNext = []string{
		"下一步，将持续抓好班子建设和后备力量培养，以高质量党建推动乡村振兴。",
		"下一步，将盘活集体资源资产，拓宽村集体经济增收渠道。",
		"下一步，将聚焦群众反映集中的问题逐项整改，把村里的事办到群众心坎上。",
	}
	weakAdmit = []string{
		"班子凝聚力不强，个别事项议而不决",
		"村务公开不及时，群众对部分项目有意见",
		"党员教育管理偏松，组织生活有时流于形式",
	}
)

// reportText writes a short 述职报告 for a village or community organization.
func reportText(r *rand.Rand, year int, o org.Org, leader string, t tier) string {
	community := strings.Contains(o.Name, "社区")
	pool, next := villageWork, villageNext
	if community {
		pool, next = communityWork, communityNext
	}
	idx := r.Perm(len(pool))[:2]
	num := func() int { return 3 + r.IntN(30) }
	parts := []string{
		fmt.Sprintf(pool[idx[0]], num()),
		fmt.Sprintf(pool[idx[1]], num()),
		fmt.Sprintf(oneOf(r, commonWork), 10+r.IntN(4)),
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d年，%s在%s的领导下，围绕抓党建促%s，主要做了以下工作：一是%s；二是%s；三是%s。",
		year, o.Name, leader, map[bool]string{true: "基层治理", false: "乡村振兴"}[community], parts[0], parts[1], parts[2])
	problem := oneOf(r, shortcomings)
	if t.four[0] < 10 {
		problem = oneOf(r, weakAdmit) + "；" + problem
	}
	fmt.Fprintf(&b, "存在的不足：%s。%s", problem, oneOf(r, next))
	return b.String()
}

// backdate moves a published campaign's dates to when such a campaign is
// held: ballots can only be cast inside the window, so the demo casts them
// today and then sets the window it stands for.
func backdate(ctx context.Context, d *db.DB, id int64, created, opens, closes, published time.Time, now time.Time) error {
	if !published.Before(now) {
		return nil // a clock before the demo's dates: keep today's
	}
	_, err := d.Exec(ctx, d.Rebind("UPDATE campaigns SET created_at = ?, opens_at = ?, closes_at = ?, published_at = ?, updated_at = ? WHERE id = ?"),
		db.FormatTime(created), db.FormatTime(opens), db.FormatTime(closes), db.FormatTime(published), db.FormatTime(published), id)
	return errs.Wrap(err, "demo campaign dates")
}

func shanghai(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, org.Shanghai)
}

// seedVillageReview runs the 2025 述职评议 of the village and community
// secretaries of two townships, owned by 兴宁区委: the superiors rate every
// organization, each township's Party members' and masses' representatives
// rate their own township's.
func seedVillageReview(ctx context.Context, d *db.DB, ev *Service, sys access.Actor, r *rand.Rand, county int64, towns []*evalTown, now time.Time) error {
	const year = 2025
	rules := TemplateVillageSecretary()
	names := make([]string, len(towns))
	for i, t := range towns {
		names[i] = t.name
	}
	opens := shanghai(2026, time.January, 8, 9)
	c, err := ev.CreateCampaign(ctx, sys, CampaignInput{OwnerOrgID: county, Type: TypeReview, Year: year, Rules: rules,
		Name:    fmt.Sprintf("%d年度兴宁区%s村（社区）党组织书记抓基层党建工作述职评议", year, strings.Join(names, "、")),
		OpensAt: minTime(opens, now.Add(-time.Hour)), ClosesAt: now.Add(24 * time.Hour)})
	if err != nil {
		return err
	}
	var subjects []*evalSubject
	for ti, t := range towns {
		for _, v := range t.villages {
			tr, weak := weakVillages[v.RegionCode]
			if !weak {
				tr = tierGood
				if r.IntN(100) < 40 {
					tr = tierFair
				}
			}
			subjects = append(subjects, &evalSubject{tier: tr, town: ti, in: SubjectInput{Kind: SubjectOrg, OrgID: v.ID,
				Unit: t.name, ReportText: reportText(r, year, v, t.leader, tr)}})
		}
	}
	if err := addSubjects(ctx, ev, sys, c.ID, subjects); err != nil {
		return err
	}
	// Tokens: the superiors' for the whole campaign; the representatives'
	// split between the townships in proportion to their organizations.
	issued := map[string]int{"superior": 8, "members": 40, "masses": 60}
	codes := map[string][]string{}
	for _, g := range []string{"superior", "members", "masses"} {
		if codes[g], err = ev.IssueTokens(ctx, sys, c.ID, g, issued[g]); err != nil {
			return err
		}
	}
	if _, err := ev.Open(ctx, sys, c.ID); err != nil {
		return err
	}
	var ballots []map[string]map[string]float64
	var used []string
	// Seven of eight superiors vote on every organization.
	for i := range 7 {
		ballots = append(ballots, ballotFor(r, rules, subjects))
		used = append(used, codes["superior"][i])
	}
	for _, g := range []string{"members", "masses"} {
		next := 0
		for ti := range towns {
			var mine []*evalSubject
			for _, sb := range subjects {
				if sb.town == ti {
					mine = append(mine, sb)
				}
			}
			share := issued[g] * len(mine) / len(subjects)
			if ti == len(towns)-1 {
				share = issued[g] - next
			}
			// About nine in ten representatives turn up.
			turnout := share - 1 - share/12
			for i := range turnout {
				ballots = append(ballots, ballotFor(r, rules, mine))
				used = append(used, codes[g][next+i])
			}
			next += share
		}
	}
	if err := castMixed(ctx, ev, c.ID, used, ballots); err != nil {
		return err
	}
	if _, err := ev.Close(ctx, sys, c.ID); err != nil {
		return err
	}
	if _, err := ev.Publish(ctx, sys, c.ID); err != nil {
		return err
	}
	return backdate(ctx, d, c.ID, shanghai(2026, time.January, 5, 10), opens, shanghai(2026, time.January, 20, 18), shanghai(2026, time.January, 23, 10), now)
}

// castMixed casts the ballots and lets the mixer move them in batches of
// twenty, as the server does; Close moves the rest.
func castMixed(ctx context.Context, ev *Service, id int64, codes []string, ballots []map[string]map[string]float64) error {
	for i, scores := range ballots {
		if _, err := ev.CastBallot(ctx, codes[i], scores, ""); err != nil {
			return fmt.Errorf("ballot %d: %w", i+1, err)
		}
		if (i+1)%serveMinBatch == 0 {
			if _, err := ev.Mix(ctx, id, serveMinBatch, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// serveMinBatch is the batch size of `jiceng serve`'s mixer.
const serveMinBatch = 20

func addSubjects(ctx context.Context, ev *Service, sys access.Actor, id int64, subjects []*evalSubject) error {
	in := make([]SubjectInput, len(subjects))
	for i, sb := range subjects {
		in[i] = sb.in
	}
	added, err := ev.AddSubjects(ctx, sys, id, in)
	if err != nil {
		return err
	}
	if len(added) != len(subjects) {
		return errs.Wrap(fmt.Errorf("%d subjects added, %d stored", len(subjects), len(added)), "demo subjects")
	}
	for i, sb := range added {
		subjects[i].key = sb.Key
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// qianqiAgencies are the sections rated in the demo's 千企议科长, with how the
// enterprises judge them.
var qianqiAgencies = []struct {
	unit, section, post string
	tier                tier
}{
	{"南宁市行政审批局", "企业登记科", "科长", tierGood},
	{"南宁市市场监督管理局", "行政审批科", "科长", tierFair},
	{"国家税务总局南宁市税务局", "纳税服务科", "科长", tierGood},
	{"南宁市自然资源局", "建设用地审批科", "科长", tierMid},
	{"南宁市住房和城乡建设局", "建筑市场监管科", "科长", tierDiscontent},
	{"南宁市生态环境局", "环境影响评价科", "科长", tierFair},
	{"南宁市人力资源和社会保障局", "劳动关系科", "科长", tierFair},
	{"南宁市公安局交通警察支队", "车辆管理所", "所长", tierMid},
	{"南宁市消防救援支队", "防火监督科", "科长", tierGood},
	{"南宁市投资促进局", "项目服务科", "科长", tierGood},
}

// qianqiFewOwners is the agency that few project owners dealt with: their
// group stays below k there, so its figures are withheld and the others
// renormalised.
const qianqiFewOwners = 8

// seedQianQi runs the 2025 千企议科长 of ten city agencies, owned by 南宁市委.
// Each rater rates the few agencies they dealt with.
func seedQianQi(ctx context.Context, d *db.DB, ev *Service, sys access.Actor, r *rand.Rand, rootID int64, now time.Time) error {
	const year = 2025
	rules := TemplateQianQiYiKeZhang()
	opens := shanghai(2025, time.November, 20, 9)
	c, err := ev.CreateCampaign(ctx, sys, CampaignInput{OwnerOrgID: rootID, Type: TypeQianQi, Year: year, Rules: rules,
		Name:    fmt.Sprintf("%d年度南宁市“千企议科长”评议活动", year),
		OpensAt: minTime(opens, now.Add(-time.Hour)), ClosesAt: now.Add(24 * time.Hour)})
	if err != nil {
		return err
	}
	subjects := make([]*evalSubject, len(qianqiAgencies))
	for i, a := range qianqiAgencies {
		subjects[i] = &evalSubject{tier: a.tier, in: SubjectInput{Kind: SubjectPerson,
			Name: personName(r), Post: a.post, Unit: a.unit, Section: a.section}}
	}
	if err := addSubjects(ctx, ev, sys, c.ID, subjects); err != nil {
		return err
	}
	plan := []struct {
		group          string
		issued, cast   int
		least, atMost  int // agencies per ballot
		withoutFewOnly bool
	}{
		{"enterprise", 90, 82, 2, 4, false},
		{"owner", 40, 34, 2, 3, true},
		{"served", 60, 52, 1, 3, false},
	}
	var ballots []map[string]map[string]float64
	var used []string
	for _, p := range plan {
		codes, err := ev.IssueTokens(ctx, sys, c.ID, p.group, p.issued)
		if err != nil {
			return err
		}
		for i := range p.cast {
			pool := subjects
			if p.withoutFewOnly {
				pool = append(append([]*evalSubject{}, subjects[:qianqiFewOwners]...), subjects[qianqiFewOwners+1:]...)
			}
			n := p.least + r.IntN(p.atMost-p.least+1)
			// Each ballot names one agency in turn, so that every agency
			// hears from each group, and a few more drawn at random.
			mine := []*evalSubject{pool[i%len(pool)]}
			for _, j := range r.Perm(len(pool)) {
				if len(mine) == n {
					break
				}
				if j != i%len(pool) {
					mine = append(mine, pool[j])
				}
			}
			// Three project owners did deal with the few-owners agency: too
			// few for their figures to be shown.
			if p.withoutFewOnly && i%11 == 5 {
				mine = append(mine, subjects[qianqiFewOwners])
			}
			ballots = append(ballots, ballotFor(r, rules, mine))
			used = append(used, codes[i])
		}
	}
	if _, err := ev.Open(ctx, sys, c.ID); err != nil {
		return err
	}
	// Ballots arrive mixed from the three groups, as they would online.
	r.Shuffle(len(ballots), func(i, j int) {
		ballots[i], ballots[j] = ballots[j], ballots[i]
		used[i], used[j] = used[j], used[i]
	})
	if err := castMixed(ctx, ev, c.ID, used, ballots); err != nil {
		return err
	}
	if _, err := ev.Close(ctx, sys, c.ID); err != nil {
		return err
	}
	if _, err := ev.Publish(ctx, sys, c.ID); err != nil {
		return err
	}
	return backdate(ctx, d, c.ID, shanghai(2025, time.November, 10, 10), opens, shanghai(2025, time.December, 19, 18), shanghai(2025, time.December, 26, 10), now)
}

// seedOpenReview opens this year's 述职评议 of 兴东街道's organizations, owned
// by the street's work committee, with part of the ballots already cast and
// the rest of the codes unused; one masses' code is returned for a visitor.
func seedOpenReview(ctx context.Context, ev *Service, sys access.Actor, r *rand.Rand, t *evalTown, now time.Time) (DemoTrial, error) {
	year := now.In(org.Shanghai).Year()
	rules := TemplateVillageSecretary()
	day := now.In(org.Shanghai)
	opens := time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, org.Shanghai).AddDate(0, 0, -3)
	c, err := ev.CreateCampaign(ctx, sys, CampaignInput{OwnerOrgID: t.id, Type: TypeReview, Year: year, Rules: rules,
		Name:    fmt.Sprintf("%d年度%s社区（村）党组织书记抓基层党建工作述职评议", year, t.name),
		OpensAt: opens, ClosesAt: opens.AddDate(0, 0, 30).Add(10 * time.Hour)})
	if err != nil {
		return DemoTrial{}, err
	}
	var subjects []*evalSubject
	for _, v := range t.villages {
		tr := tierGood
		if r.IntN(100) < 45 {
			tr = tierFair
		}
		subjects = append(subjects, &evalSubject{tier: tr, in: SubjectInput{Kind: SubjectOrg, OrgID: v.ID,
			Unit: t.name, ReportText: reportText(r, year, v, t.leader, tr)}})
	}
	if err := addSubjects(ctx, ev, sys, c.ID, subjects); err != nil {
		return DemoTrial{}, err
	}
	plan := []struct {
		group        string
		issued, cast int
	}{{"superior", 6, 5}, {"members", 25, 14}, {"masses", 40, 23}}
	var ballots []map[string]map[string]float64
	var used []string
	var trial string
	for _, p := range plan {
		codes, err := ev.IssueTokens(ctx, sys, c.ID, p.group, p.issued)
		if err != nil {
			return DemoTrial{}, err
		}
		for i := range p.cast {
			ballots = append(ballots, ballotFor(r, rules, subjects))
			used = append(used, codes[i])
		}
		if p.group == "masses" {
			trial = codes[len(codes)-1]
		}
	}
	if _, err := ev.Open(ctx, sys, c.ID); err != nil {
		return DemoTrial{}, err
	}
	if err := castMixed(ctx, ev, c.ID, used, ballots); err != nil {
		return DemoTrial{}, err
	}
	return DemoTrial{CampaignID: c.ID, Campaign: c.Name, Group: rules.GroupName("masses"), Code: trial}, nil
}

// The demo's names and draws, the same as the coverage demo's so that the
// people of one demo look alike; each module's demo stands on its own.
const (
	surnames   = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁韦覃莫蒙陆潘农蓝谢唐邓冯曾宋蒋廖卢"
	givenChars = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红梅燕斌宇浩凯鹏辉婷雪琳宁海波春兰志坚东升"
)

func pickIndex(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x -= w; x < 0 {
			return i
		}
	}
	return len(weights) - 1
}

func oneOf[T any](r *rand.Rand, items []T) T { return items[r.IntN(len(items))] }

func personName(r *rand.Rand) string {
	s := []rune(surnames)
	g := []rune(givenChars)
	name := string(s[r.IntN(len(s))]) + string(g[r.IntN(len(g))])
	if r.IntN(3) > 0 {
		name += string(g[r.IntN(len(g))])
	}
	return name
}
