package coverage

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// DemoUnits is the number of 两新 units seeded for Nanning.
const DemoUnits = 20000

// Coverage figures the demo aims at: the national 2017 shares of
// non-public enterprises and social organizations with a Party organization.
const (
	enterpriseOrgCoverage = 0.731
	socialOrgCoverage     = 0.617
)

// countyPlan describes one county-level unit of Nanning: its share of the
// units, how urban it is (more streets, better coverage) and the
// development zone whose work committee leads part of its enterprises.
type countyPlan struct {
	name   string
	weight float64
	effect float64 // added to the coverage score of its units
	park   string  // full name of the zone; "" when the county has none
	short  string  // short name of the zone's work committee
}

var nanningCounties = map[string]countyPlan{
	"450102": {"兴宁区", 2300, 0.12, "", ""},
	"450103": {"青秀区", 3700, 0.22, "", ""},
	"450105": {"江南区", 2500, 0.06, "南宁经济技术开发区", "南宁经开区党工委"},
	"450107": {"西乡塘区", 3100, 0.15, "南宁高新技术产业开发区", "南宁高新区党工委"},
	"450108": {"良庆区", 1700, 0.03, "中国（广西）自由贸易试验区南宁片区", "自贸试验区南宁片区党工委"},
	"450109": {"邕宁区", 800, -0.03, "", ""},
	"450110": {"武鸣区", 1200, -0.06, "南宁—东盟经济开发区", "东盟经开区党工委"},
	"450123": {"隆安县", 500, -0.20, "", ""},
	"450124": {"马山县", 400, -0.24, "", ""},
	"450125": {"上林县", 450, -0.18, "", ""},
	"450126": {"宾阳县", 1300, -0.12, "宾阳县黎塘工业园区", "黎塘工业园区党工委"},
	"450181": {"横州市", 1300, -0.09, "横州市六景工业园区", "六景工业园区党工委"},
}

// Unit kinds by the first two characters of the credit code.
type unitKind struct {
	prefix string
	share  float64
	social bool
}

var unitKinds = []unitKind{{"91", 0.85, false}, {"51", 0.09, true}, {"52", 0.05, true}, {"53", 0.01, true}}

type weighted struct {
	key    string
	weight float64
}

// enterpriseIndustries are GB/T 4754 sections with the weights of a
// city's non-public enterprises: trade first, then manufacturing and
// business services.
var enterpriseIndustries = []weighted{{"F", 28}, {"C", 11}, {"L", 11}, {"E", 8}, {"I", 7}, {"H", 7}, {"M", 5}, {"O", 5}, {"G", 5}, {"K", 4},
	{"R", 2.5}, {"A", 2.5}, {"Q", 1.2}, {"P", 1.2}, {"N", 0.8}, {"J", 0.8}, {"D", 0.5}, {"B", 0.3}}

var industryWords = map[string][]string{
	"A": {"农业发展", "生态农业", "农业科技", "林业发展", "水产养殖", "沃柑种植", "茉莉花种植"},
	"B": {"矿业", "石材"},
	"C": {"机械制造", "食品", "木业", "糖业", "电子科技", "新材料", "铝业", "制药", "饲料", "包装材料", "服装", "印务", "家具", "建材制造", "茶叶加工"},
	"D": {"新能源", "燃气", "电力工程", "水务"},
	"E": {"建筑工程", "建设工程", "装饰工程", "市政工程", "路桥工程", "园林绿化工程", "劳务"},
	"F": {"商贸", "贸易", "食品销售", "医药连锁", "建材", "五金机电", "农产品", "百货", "汽车销售", "电器", "酒业", "茶业", "供应链管理", "东盟进出口贸易"},
	"G": {"物流", "运输", "冷链物流", "货运代理", "快递服务"},
	"H": {"餐饮管理", "酒店管理", "餐饮服务", "老友粉餐饮", "食府"},
	"I": {"网络科技", "信息技术", "软件开发", "数据科技", "智能科技", "信息科技"},
	"J": {"小额贷款", "融资担保", "投资管理"},
	"K": {"房地产开发", "物业服务", "置业", "房地产经纪"},
	"L": {"企业管理咨询", "人力资源服务", "广告传媒", "会展服务", "商务服务", "财务咨询", "保安服务"},
	"M": {"检测技术", "工程设计", "生物科技", "环保科技", "测绘", "工程咨询"},
	"N": {"环境工程", "市政园林", "环境卫生服务"},
	"O": {"家政服务", "汽车维修", "美容美发", "洗涤服务", "搬家服务"},
	"P": {"教育科技", "教育咨询"},
	"Q": {"医疗管理", "健康管理", "康复医疗"},
	"R": {"文化传播", "体育发展", "影视传媒", "文化旅游", "演艺"},
}

// memberRate is the expected share of full Party members among the
// employees, by section: higher in knowledge work, lower in trade and catering.
var memberRate = map[string]float64{"I": 0.09, "M": 0.09, "J": 0.10, "P": 0.08, "Q": 0.08, "D": 0.08, "C": 0.045, "E": 0.045,
	"F": 0.03, "H": 0.025, "O": 0.025, "S": 0.10}

const brandChars = "恒信达盛鑫源华邕德润金泰宏佳博瑞通联汇丰隆安兴昌嘉和鼎宸航卓越明远景新泽锦铭誉诚创东南绿桂荣壮骏凯顺志广益康力天海富宝裕晟弘睿祥"

var warmWords = []string{"爱心", "阳光", "博爱", "春晖", "同心", "和谐", "幸福", "星光", "启明", "长青", "康乐", "育才", "启智", "童心", "蓝天", "彩虹", "晨曦",
	"绿城", "邕城", "善行", "惠民", "乐龄", "暖阳", "向日葵", "木棉", "青禾", "益友", "明德", "致远", "桂花", "红豆", "扬帆"}

var trades = []string{"餐饮", "物流", "电子商务", "建筑业", "房地产业", "软件行业", "茶叶", "食品安全", "汽车流通", "物业管理", "家政服务", "养老服务", "旅游",
	"美容美发", "装饰装修", "广告", "会展", "中医药", "摄影", "书法", "围棋", "足球", "羽毛球", "龙舟", "山歌", "壮族文化", "民俗文化", "志愿服务",
	"慈善", "青年企业家", "女企业家", "物联网", "跨境电商", "东盟经贸", "甘蔗", "沃柑", "花卉", "水产", "蔬菜", "茉莉花", "广告传媒", "人力资源",
	"物流与采购", "质量管理", "安全生产", "小微企业", "个体私营经济", "乡村旅游", "民宿", "健身", "舞蹈", "诗词", "收藏", "工艺美术", "粉业", "烘焙"}

var groupSuffixes = []string{"协会", "协会", "协会", "商会", "促进会", "联合会", "研究会"}

var hometowns = []string{"福建", "浙江", "湖南", "广东", "江西", "四川", "湖北", "河南", "潮汕", "温州", "莆田", "重庆", "贵州", "云南", "安徽", "山东",
	"江苏", "台州", "晋江", "玉林", "桂林", "柳州", "梧州", "钦州", "北海", "百色", "河池", "贵港"}

const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁韦覃莫蒙陆潘农蓝谢唐邓冯曾宋蒋廖卢"
const givenChars = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红梅燕斌宇浩凯鹏辉婷雪琳宁海波春兰志坚东升"

// demoUnit is one generated unit before it is written.
type demoUnit struct {
	in         Input
	county     *demoCounty
	town       *demoTown
	social     bool
	affPath    string
	score      float64
	coverage   string
	covOrg     int64
	instructor string
	prevInstr  string
	reg        time.Time
	orgAt      time.Time
	instrAt    time.Time
}

type demoCounty struct {
	code    string
	plan    countyPlan
	org     terr
	towns   []*demoTown
	general terr // 两新组织综合党委
	park    terr // 园区党工委; id 0 when none
}

type demoTown struct {
	org         terr
	name        string
	weight      float64
	villages    []terr
	vweights    []float64
	instructors []string
}

type terr struct {
	id         int64
	path       string
	level      string
	code, name string
}

// seedCoverage registers Nanning's 两新 units with their coverage, a year of
// monthly figures and the city's "4+1" goals. The data is pseudo-random
// with a fixed seed: the same every time, apart from the dates, which end
// in the current month of the coverage service's clock.
func seedCoverage(ctx context.Context, d *db.DB, orgs *org.Service, cov *Service, regionCode string, rootID int64) error {
	if cov == nil || regionCode != "4501" {
		return nil
	}
	now := cov.Now()
	r := rand.New(rand.NewPCG(4501, 2017))
	sys := access.SystemActor("demo")
	root, err := orgs.Get(ctx, sys, rootID)
	if err != nil {
		return err
	}
	counties, err := loadNanning(ctx, d, root)
	if err != nil {
		return err
	}
	// The leading bodies of the 两新 organizations outside the townships.
	for _, c := range counties {
		o, err := orgs.Create(ctx, sys, org.Input{ParentID: c.org.id, Name: "中共南宁市" + c.plan.name + "非公有制经济组织和社会组织综合委员会",
			ShortName: c.plan.name + "两新组织综合党委", Kind: "committee", Category: "other", FoundedOn: "2018-06-28"})
		if err != nil {
			return fmt.Errorf("demo general committee: %w", err)
		}
		c.general = terr{id: o.ID, path: o.Path}
		if c.plan.park != "" {
			o, err := orgs.Create(ctx, sys, org.Input{ParentID: c.org.id, Name: "中共" + c.plan.park + "工作委员会", ShortName: c.plan.short,
				Kind: "work_committee", Category: "organ", FoundedOn: "2016-03-18"})
			if err != nil {
				return fmt.Errorf("demo zone committee: %w", err)
			}
			c.park = terr{id: o.ID, path: o.Path}
		}
	}
	units := generateUnits(r, counties, now)
	assignCoverage(r, units)
	// The dates depend on today: they draw from a stream of their own, so
	// that everything else is the same whatever the day.
	assignDates(rand.New(rand.NewPCG(4501, 2026)), units, now)
	if err := createOrganizations(ctx, r, orgs, sys, units); err != nil {
		return err
	}
	batch := make([]BulkUnit, len(units))
	for i, u := range units {
		batch[i] = u.bulk(r)
	}
	if _, err := cov.BulkCreate(ctx, sys, batch); err != nil {
		return fmt.Errorf("demo units: %w", err)
	}
	if err := backfillMonths(ctx, d, units, now); err != nil {
		return err
	}
	if err := cov.Snapshot(ctx, now.Format("2006-01")); err != nil {
		return err
	}
	_, err = cov.CreateGoalSet(ctx, sys, GoalInput{Name: fmt.Sprintf("%d年“4+1”两新党建目标", now.Year()), Year: now.Year(), OwnerOrgID: root.ID,
		Targets: map[string]float64{"org_coverage": 75, "work_coverage": 95, "above_size_org_coverage": 90, "own_when_eligible": 85, "instructor_share": 90, "venue_share": 80}})
	return err
}

// loadNanning reads the territorial organizations of the city: its
// county-level units with their townships and villages.
func loadNanning(ctx context.Context, d *db.DB, root org.Org) ([]*demoCounty, error) {
	places, err := org.TerritorialUnder(ctx, d, root.Path)
	if err != nil {
		return nil, errs.Wrap(err, "demo territorial orgs")
	}
	var counties []*demoCounty
	byCounty := map[string]*demoCounty{}
	byTown := map[string]*demoTown{}
	for _, p := range places {
		t := terr{id: p.ID, path: p.Path, level: p.Level, code: p.Code, name: p.RegionName}
		switch t.level {
		case "county":
			plan, ok := nanningCounties[t.code]
			if !ok {
				plan = countyPlan{name: t.name, weight: 300}
			}
			c := &demoCounty{code: t.code, plan: plan, org: t}
			counties = append(counties, c)
			byCounty[t.code] = c
		case "township":
			c := byCounty[t.code[:6]]
			if c == nil {
				continue
			}
			name := strings.TrimSuffix(t.name, "办事处")
			w := 1.0
			switch n := t.code[6:9]; {
			case n < "100":
				w = 4 // 街道
			case n < "200":
				w = 1.2 // 镇
			case n < "400":
				w = 0.4 // 乡
			}
			town := &demoTown{org: t, name: name, weight: w}
			c.towns = append(c.towns, town)
			byTown[t.code] = town
		case "village":
			town := byTown[t.code[:9]]
			if town == nil || strings.Contains(t.name, "虚拟") {
				continue // statistical stand-ins host no units
			}
			w := 1.0
			if t.code[9:12] < "200" {
				w = 3 // 社区: more firms in town centres
			}
			town.villages = append(town.villages, t)
			town.vweights = append(town.vweights, w)
		}
	}
	var out []*demoCounty
	for _, c := range counties {
		var towns []*demoTown
		for _, t := range c.towns {
			if len(t.villages) > 0 {
				towns = append(towns, t)
			}
		}
		c.towns = towns
		if len(towns) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

func pick[T any](r *rand.Rand, items []T, weight func(T) float64) T {
	total := 0.0
	for _, it := range items {
		total += weight(it)
	}
	x := r.Float64() * total
	for _, it := range items {
		if x -= weight(it); x < 0 {
			return it
		}
	}
	return items[len(items)-1]
}

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

func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func personName(r *rand.Rand) string {
	s := []rune(surnames)
	g := []rune(givenChars)
	name := string(s[r.IntN(len(s))]) + string(g[r.IntN(len(g))])
	if r.IntN(3) > 0 {
		name += string(g[r.IntN(len(g))])
	}
	return name
}

func brand(r *rand.Rand) string {
	b := []rune(brandChars)
	i := r.IntN(len(b))
	j := r.IntN(len(b) - 1)
	if j >= i {
		j++
	}
	return string(b[i]) + string(b[j])
}

const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode builds a valid code registered in county: prefix, the county
// code, "MA" and six random characters, and both check characters.
func creditCode(r *rand.Rand, prefix, county string) string {
	body := []byte("MA")
	for range 6 {
		body = append(body, creditChars[r.IntN(len(creditChars))])
	}
	c9, _ := ids.OrgCodeCheckChar(string(body))
	first := prefix + county + string(body) + string(c9)
	c18, _ := ids.CreditCodeCheckChar(first)
	return first + string(c18)
}

// placeName is the name of a village or community without its committee
// suffix, as used in addresses and branch names.
func placeName(t terr) string {
	return strings.TrimSuffix(region.Skeleton(region.Division{Code: t.code, Name: t.name, Level: region.Village}).Name, "党支部")
}

// generateUnits builds DemoUnits units spread over the counties.
func generateUnits(r *rand.Rand, counties []*demoCounty, now time.Time) []*demoUnit {
	total := 0.0
	for _, c := range counties {
		total += c.plan.weight
	}
	// Largest remainders, so that the counts add up to DemoUnits exactly.
	counts := make([]int, len(counties))
	type rem struct {
		i int
		f float64
	}
	var rems []rem
	sum := 0
	for i, c := range counties {
		exact := c.plan.weight * DemoUnits / total
		counts[i] = int(exact)
		sum += counts[i]
		rems = append(rems, rem{i, exact - float64(counts[i])})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].f > rems[b].f })
	for k := 0; sum < DemoUnits; k++ {
		counts[rems[k%len(rems)].i]++
		sum++
	}
	usedCodes := map[string]bool{}
	usedNames := map[string]bool{}
	var out []*demoUnit
	for ci, c := range counties {
		for _, t := range c.towns {
			n := max(2, int(math.Round(float64(counts[ci])*t.weight/40)))
			for range n {
				t.instructors = append(t.instructors, personName(r))
			}
		}
		for range counts[ci] {
			kind := pick(r, unitKinds, func(k unitKind) float64 { return k.share })
			town := pick(r, c.towns, func(t *demoTown) float64 { return t.weight })
			village := town.villages[pickIndex(r, town.vweights)]
			u := &demoUnit{county: c, town: town, social: kind.social}
			in := &u.in
			for {
				in.CreditCode = creditCode(r, kind.prefix, c.code)
				if !usedCodes[in.CreditCode] {
					usedCodes[in.CreditCode] = true
					break
				}
			}
			// Employees: log-normal, most units 5–50, a few hundreds.
			mu, sigma := math.Log(14), 1.05
			switch kind.prefix {
			case "51":
				mu, sigma = math.Log(5), 0.7
			case "52":
				mu, sigma = math.Log(12), 0.8
			case "53":
				mu, sigma = math.Log(4), 0.5
			}
			if kind.prefix == "91" {
				in.Industry = pick(r, enterpriseIndustries, func(w weighted) float64 { return w.weight }).key
				if in.Industry == "C" || in.Industry == "E" {
					mu += 0.5
				}
			}
			in.Employees = min(8000, max(1, int(math.Round(math.Exp(mu+sigma*r.NormFloat64())))))
			for {
				in.Name = unitName(r, kind.prefix, c, town, in)
				if !usedNames[in.Name] {
					usedNames[in.Name] = true
					break
				}
			}
			rate := memberRate[in.Industry]
			switch kind.prefix {
			case "51":
				rate = 0.16
			case "52":
				rate = 0.07
			case "53":
				rate = 0.2
			}
			if rate == 0 {
				rate = 0.04
			}
			in.FullMembers = min(in.Employees, poisson(r, float64(in.Employees)*rate))
			in.ProbationaryMembers = min(in.Employees-in.FullMembers, poisson(r, 0.03+float64(in.FullMembers)*0.04))
			in.LegalRep = personName(r)
			in.LegalRepMember = in.FullMembers > 0 && r.Float64() < 0.3
			in.RegionCode = village.code
			in.Address = fmt.Sprintf("%s%s%s%d号", countyPrefix(c), town.name, placeName(village), 1+r.IntN(298))
			// Affiliation: the township, or a zone's work committee for
			// industry in a zone, or the county's 两新 committee.
			aff := town.org
			switch {
			case c.park.id != 0 && !u.social && strings.Contains("CIMDG", in.Industry) && r.Float64() < 0.45:
				aff = c.park
			case u.social && r.Float64() < 0.22, !u.social && r.Float64() < 0.06:
				aff = c.general
			}
			in.AffiliationOrgID = aff.id
			u.affPath = aff.path
			out = append(out, u)
		}
	}
	return out
}

func countyPrefix(c *demoCounty) string {
	if strings.HasSuffix(c.plan.name, "市") {
		return c.plan.name
	}
	return "南宁市" + c.plan.name
}

// unitName invents a plausible registered name for a unit.
func unitName(r *rand.Rand, prefix string, c *demoCounty, t *demoTown, in *Input) string {
	urban := strings.HasSuffix(c.plan.name, "区")
	switch prefix {
	case "91":
		word := oneOf(r, industryWords[in.Industry])
		b := brand(r)
		switch x := r.Float64(); {
		case in.Employees >= 300 && x < 0.5:
			return "广西" + b + word + "股份有限公司"
		case x < 0.40:
			return "南宁市" + b + word + "有限公司"
		case x < 0.65:
			return "南宁" + b + word + "有限公司"
		case x < 0.85:
			return "广西" + b + word + "有限公司"
		case x < 0.93 || !urban:
			return "南宁" + b + word + "有限责任公司"
		default:
			return b + "（南宁）" + word + "有限公司"
		}
	case "51":
		in.Industry = "S"
		suffix := oneOf(r, groupSuffixes)
		switch x := r.Float64(); {
		case x < 0.12:
			return "南宁市" + oneOf(r, hometowns) + "商会"
		case x < 0.30:
			return "南宁市" + oneOf(r, trades) + suffix
		case x < 0.40:
			return countyPrefix(c) + oneOf(r, hometowns) + "商会"
		default:
			return countyPrefix(c) + oneOf(r, trades) + suffix
		}
	case "52":
		w := oneOf(r, warmWords)
		switch x := r.Float64(); {
		case x < 0.22:
			in.Industry = "Q"
			return "南宁" + w + "社会工作服务中心"
		case x < 0.30:
			in.Industry = "Q"
			return countyPrefix(c) + w + "社会工作服务中心"
		case x < 0.48:
			in.Industry = "P"
			return countyPrefix(c) + w + "培训学校"
		case x < 0.62:
			in.Industry = "P"
			return countyPrefix(c) + w + "幼儿园"
		case x < 0.72:
			in.Industry = "Q"
			return countyPrefix(c) + w + "养老院"
		case x < 0.80:
			in.Industry = "Q"
			return "南宁" + w + "康复中心"
		case x < 0.88:
			in.Industry = "P"
			return countyPrefix(c) + w + "职业技能培训学校"
		case x < 0.94:
			in.Industry = "R"
			return "南宁市" + brand(r) + "体育俱乐部"
		default:
			in.Industry = "S"
			return countyPrefix(c) + t.name + w + "社区服务中心"
		}
	default:
		in.Industry = "S"
		switch x := r.Float64(); {
		case x < 0.35:
			return "广西" + brand(r) + "公益基金会"
		case x < 0.65:
			return "南宁市" + brand(r) + "慈善基金会"
		case x < 0.85:
			return "南宁" + brand(r) + "教育基金会"
		default:
			return "广西" + brand(r) + "助学基金会"
		}
	}
}

// assignCoverage decides how each unit is covered. Within enterprises and
// within social organizations the units most likely to have an organization
// (members, size, an urban district) get one, exactly as many as the target
// shares; own organizations go to units with 3 or more full members, with a
// few left in joint branches; most of the rest have an instructor.
func assignCoverage(r *rand.Rand, units []*demoUnit) {
	for _, u := range units {
		s := 0.6*math.Log(float64(u.in.Employees))/math.Log(100) + u.county.plan.effect + 0.6*r.NormFloat64()
		switch f := u.in.FullMembers; {
		case f >= 3:
			s += 2.0
		case f >= 1:
			s += 0.9
		}
		u.score = s
	}
	for _, social := range []bool{false, true} {
		var group []*demoUnit
		for _, u := range units {
			if u.social == social {
				group = append(group, u)
			}
		}
		sort.SliceStable(group, func(i, j int) bool { return group[i].score > group[j].score })
		share := enterpriseOrgCoverage
		if social {
			share = socialOrgCoverage
		}
		k := int(math.Round(share * float64(len(group))))
		for i, u := range group {
			if i < k {
				if u.in.FullMembers >= 3 && r.Float64() < 0.9 {
					u.coverage = Own
				} else {
					u.coverage = Joint
				}
				continue
			}
			pNone := 0.085 - 0.2*u.county.plan.effect
			if social {
				pNone += 0.05
			}
			if r.Float64() < pNone {
				u.coverage = None
			} else {
				u.coverage = Instructor
				u.instructor = oneOf(r, u.town.instructors)
			}
		}
	}
}

// assignDates places registration and coverage in time: most units were
// registered before the last twelve months, and about one in eight of the
// organizations was formed within them, so the rates rise month by month.
func assignDates(r *rand.Rand, units []*demoUnit, now time.Time) {
	window := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.Local).AddDate(0, -11, 0)
	start := time.Date(2015, 1, 5, 0, 0, 0, 0, time.Local)
	between := func(a, b time.Time) time.Time {
		f := r.Float64() // one draw whatever the span
		if !b.After(a) {
			return a
		}
		return a.Add(time.Duration(f * float64(b.Sub(a))))
	}
	event := func(reg time.Time, pRecent float64) time.Time {
		recent := r.Float64() < pRecent
		if !reg.Before(window) || recent {
			return between(maxTime(reg, window), now)
		}
		return between(reg, window)
	}
	for _, u := range units {
		if r.Float64() < 0.12 {
			u.reg = between(window, now)
		} else {
			u.reg = between(start, window)
		}
		switch u.coverage {
		case Own, Joint:
			u.orgAt = event(u.reg, 0.11)
			if r.Float64() < 0.35 {
				u.instrAt = between(u.reg, u.orgAt)
				u.prevInstr = u.town.instructors[int(r.Float64()*float64(len(u.town.instructors)))]
			}
		case Instructor:
			u.instrAt = event(u.reg, 0.10)
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

var numerals = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func ordinal(n int) string {
	switch {
	case n <= 10:
		return numerals[n]
	case n < 20:
		return "十" + numerals[n-10]
	case n%10 == 0:
		return numerals[n/10] + "十"
	}
	return numerals[n/10] + "十" + numerals[n%10]
}

// createOrganizations creates the own organizations and the joint branches
// through the organization service, founded on the day their units were
// covered: joint branches of 3–8 neighbouring units of one township, under
// the organization that leads them.
func createOrganizations(ctx context.Context, r *rand.Rand, orgs *org.Service, sys access.Actor, units []*demoUnit) error {
	create := func(in org.Input) (int64, error) {
		o, err := orgs.Create(ctx, sys, in)
		if err != nil {
			return 0, fmt.Errorf("demo organization %s: %w", in.Name, err)
		}
		return o.ID, nil
	}
	category := func(u *demoUnit) string {
		if u.social {
			return "social"
		}
		return "private"
	}
	for _, u := range units {
		if u.coverage != Own {
			continue
		}
		in := org.Input{ParentID: u.in.AffiliationOrgID, Name: u.in.Name + "党支部", Kind: "branch", Category: category(u), FoundedOn: u.orgAt.Format("2006-01-02")}
		switch f := u.in.FullMembers; {
		case f >= 100:
			in.Name, in.ShortName, in.Kind = "中共"+u.in.Name+"委员会", u.in.Name+"党委", "committee"
		case f >= 50:
			in.Name, in.Kind = u.in.Name+"党总支", "general_branch"
		}
		id, err := create(in)
		if err != nil {
			return err
		}
		u.covOrg = id
	}
	// Joint branches: by leading organization and township, neighbours
	// (same village first) together.
	type bucketKey struct {
		aff  int64
		town string
	}
	buckets := map[bucketKey][]*demoUnit{}
	var keys []bucketKey
	for _, u := range units {
		if u.coverage != Joint {
			continue
		}
		k := bucketKey{u.in.AffiliationOrgID, u.town.org.code}
		if _, ok := buckets[k]; !ok {
			keys = append(keys, k)
		}
		buckets[k] = append(buckets[k], u)
	}
	names := map[string]int{}
	oversize := 2 // a couple of branches too large to work well, for the joint-branch checks
	for _, k := range keys {
		b := buckets[k]
		sort.SliceStable(b, func(i, j int) bool {
			if b[i].social != b[j].social {
				return !b[i].social
			}
			return b[i].in.RegionCode < b[j].in.RegionCode
		})
		if len(b) == 1 {
			// Nobody to join: the unit keeps the instructor it had.
			u := b[0]
			u.coverage, u.instrAt, u.instructor = Instructor, u.orgAt, oneOf(r, u.town.instructors)
			u.orgAt, u.prevInstr = time.Time{}, ""
			continue
		}
		for len(b) > 0 {
			size := 3 + r.IntN(6)
			if oversize > 0 && len(b) >= 14 && b[0].county.plan.effect > 0 {
				size, oversize = 12, oversize-1
			}
			switch {
			case size >= len(b), len(b) <= 10 && len(b)-size < 3:
				size = len(b)
			case len(b)-size < 3:
				size = len(b) - 3
			}
			group := b[:size]
			b = b[size:]
			first := group[0]
			founded := first.orgAt
			social := 0
			for _, u := range group {
				if u.orgAt.Before(founded) {
					founded = u.orgAt
				}
				if u.social {
					social++
				}
			}
			kind := "非公企业"
			cat := "private"
			if social*2 > len(group) {
				kind, cat = "社会组织", "social"
			}
			place := first.town.name + placeName(terr{code: first.in.RegionCode, name: villageName(first)})
			if first.in.AffiliationOrgID != first.town.org.id {
				place = strings.TrimSuffix(strings.TrimSuffix(affShort(first), "党工委"), "两新组织综合党委") + first.town.name
			}
			base := place + kind
			names[base]++
			name := base + "联合党支部"
			if n := names[base]; n > 1 {
				name = place + "第" + ordinal(n) + kind + "联合党支部"
			}
			id, err := create(org.Input{ParentID: first.in.AffiliationOrgID, Name: name, Kind: "joint_branch", Category: cat, FoundedOn: founded.Format("2006-01-02")})
			if err != nil {
				return err
			}
			for _, u := range group {
				u.covOrg = id
			}
		}
	}
	return nil
}

// villageName returns the division name of the unit's village.
func villageName(u *demoUnit) string {
	for _, v := range u.town.villages {
		if v.code == u.in.RegionCode {
			return v.name
		}
	}
	return ""
}

func affShort(u *demoUnit) string {
	c := u.county
	if u.in.AffiliationOrgID == c.park.id {
		return c.plan.short
	}
	return c.plan.name + "两新组织综合党委"
}

func stamp(t time.Time) string { return db.FormatTime(t) }

// bulk turns a generated unit into its registration with its history.
func (u *demoUnit) bulk(r *rand.Rand) BulkUnit {
	b := BulkUnit{Input: u.in, Coverage: u.coverage, CoverageOrgID: u.covOrg, Instructor: u.instructor, CreatedAt: stamp(u.reg), Confirmed: r.Float64() < 0.8}
	b.History = []BulkChange{{Coverage: None, At: stamp(u.reg), Note: "登记"}}
	if !u.instrAt.IsZero() {
		name := u.instructor
		if u.prevInstr != "" {
			name = u.prevInstr
		}
		b.History = append(b.History, BulkChange{Coverage: Instructor, Instructor: name, At: stamp(u.instrAt), Note: "选派党建指导员"})
	}
	switch u.coverage {
	case Own:
		b.History = append(b.History, BulkChange{Coverage: Own, OrgID: u.covOrg, At: stamp(u.orgAt), Note: "单独组建党组织"})
	case Joint:
		b.History = append(b.History, BulkChange{Coverage: Joint, OrgID: u.covOrg, At: stamp(u.orgAt), Note: "纳入联合党支部"})
	}
	return b
}

// backfillMonths writes the month-end figures of the eleven months before
// the current one from the dated history of each unit, for every
// organization above a leading organization, as the monthly snapshot would
// have recorded them.
func backfillMonths(ctx context.Context, d *db.DB, units []*demoUnit, now time.Time) error {
	type fig struct{ units, org, work int }
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.Local)
	var out [][]any
	for m := 11; m >= 1; m-- {
		end := first.AddDate(0, -m+1, 0) // the first instant of the next month
		month := first.AddDate(0, -m, 0).Format("2006-01")
		byPath := map[string]*fig{}
		var paths []string
		for _, u := range units {
			if !u.reg.Before(end) {
				continue
			}
			f := byPath[u.affPath]
			if f == nil {
				f = &fig{}
				byPath[u.affPath] = f
				paths = append(paths, u.affPath)
			}
			f.units++
			orgCovered := !u.orgAt.IsZero() && u.orgAt.Before(end)
			if orgCovered {
				f.org++
			}
			if orgCovered || (!u.instrAt.IsZero() && u.instrAt.Before(end)) {
				f.work++
			}
		}
		byOrg := map[int64]*fig{}
		var orgIDs []int64
		for _, p := range paths {
			for _, id := range org.PathIDs(p) {
				g := byOrg[id]
				if g == nil {
					g = &fig{}
					byOrg[id] = g
					orgIDs = append(orgIDs, id)
				}
				g.units += byPath[p].units
				g.org += byPath[p].org
				g.work += byPath[p].work
			}
		}
		sort.Slice(orgIDs, func(i, j int) bool { return orgIDs[i] < orgIDs[j] })
		for _, id := range orgIDs {
			g := byOrg[id]
			out = append(out, []any{id, month, g.units, g.org, g.work})
		}
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		return errs.Wrap(tx.BatchInsert(ctx, "coverage_monthly", []string{"org_id", "month", "units", "org_covered", "work_covered"}, out, 500), "demo months")
	})
}
