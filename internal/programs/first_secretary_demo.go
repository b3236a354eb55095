package programs

import (
	"context"
	"fmt"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// fsDemoCounties are the rural counties of Nanning the demo sends first
// secretaries to, with the agencies that send them.
var fsDemoCounties = []struct {
	code     string
	agencies []string
}{
	{"450126", []string{"南宁市财政局", "宾阳县农业农村局", "中国农业银行宾阳县支行"}},
	{"450110", []string{"南宁市农业农村局", "武鸣区教育局", "广西壮族自治区林业局"}},
	{"450124", []string{"南宁市发展和改革委员会", "马山县人民医院", "南宁市水利局"}},
	{"450125", []string{"南宁市住房和城乡建设局", "上林县市场监督管理局", "广西壮族自治区农业农村厅"}},
	{"450123", []string{"南宁市交通运输局", "隆安县自然资源局", "南宁市商务局"}},
	{"450181", []string{"南宁市卫生健康委员会", "横州市供销合作社", "南宁市乡村振兴局"}},
	{"450102", []string{"兴宁区农业农村局", "南宁市民政局", "兴宁区财政局"}},
}

var fsDemoNames = []string{"黄建华", "韦春燕", "覃志明", "梁海涛", "陆秀英", "蒙德辉", "卢永胜", "农丽娟", "黎文斌", "廖振宇", "潘桂芳", "莫少华",
	"甘立新", "杨开明", "谭晓玲", "罗国栋", "苏海燕", "邓承志", "李桂兰", "周永强", "韦丽华", "赵光荣", "滕秋萍", "马文忠", "唐春生", "骆海英"}

var fsDemoDuties = "建强村党组织，落实“三会一课”；推动发展村级集体经济和特色产业；为民办事服务，每月走访农户；提升乡村治理水平，化解矛盾纠纷。"

var fsDemoLogs = []string{
	"走访脱贫户和监测户 8 户，了解务工和产业情况，登记就业需求 3 条。",
	"参加村“两委”会议，研究集体经济合作社分红方案。",
	"组织党员开展主题党日活动，清理村道垃圾，党员 21 人参加。",
	"对接派出单位，落实产业帮扶资金 5 万元用于百香果种植基地。",
	"调解邻里宅基地纠纷 1 起，双方签订和解协议。",
	"到镇里参加乡村振兴工作推进会，汇报本村项目进展。",
	"入户宣讲医保和养老保险政策，帮 6 位老人办理认证。",
	"检查村级集体经济项目建设进度，督促施工方落实安全措施。",
	"召开村民小组会，征求村规民约修订意见 12 条。",
	"陪同农技人员指导砂糖橘病虫害防治，覆盖种植户 15 户。",
}

// seedFirstSecretaries sends Nanning's first secretaries: three to each of
// six rural counties and to 兴宁区 (whose department is a demo account),
// the first two villages of each county in code order among them (those
// the rectification demo lists), from agencies of the city, the county and
// the region. Most are halfway through a two-year term; some terms end
// within the next months, one is over with its end not recorded, one
// village's first secretary was rotated out and replaced, another's
// recalled with nobody sent yet. The work log runs over each term, more of
// it in the last four months; last year's review is published. Each step
// is taken on its own day by a service whose clock reads that day.
func (s *Service) seedFirstSecretaries(ctx context.Context, in module.Seeding) (string, error) {
	sys := access.SystemActor("demo")
	today := s.today()
	on := func(days int) *Service {
		c := *s
		t := today.AddDate(0, 0, -days).Add(4 * time.Hour) // noon in Beijing
		c.now = func() time.Time { return t }
		return &c
	}
	day := func(days int) string { return today.AddDate(0, 0, -days).Format(dateLayout) }
	img := demoPhoto()
	serial := 0
	member := func(countyCode string, county int64) (people.Person, error) {
		for try := 0; try < 20; try++ {
			serial++
			first17 := fmt.Sprintf("%s19%02d%02d%02d%03d", countyCode, 70+serial%18, 1+serial%12, 1+serial%28, 900+serial%99)
			p, err := s.ppl.AddMember(ctx, sys, people.MemberInput{
				PersonInput: people.PersonInput{Name: fsDemoNames[(serial-1)%len(fsDemoNames)], IDNumber: first17 + string(ids.IDCardCheckChar(first17)), Ethnicity: "汉族", Education: "大学本科"},
				OrgID:       county, Kind: "full", JoinedOn: fmt.Sprintf("%d-07-01", 1995+serial%15)})
			if err == nil {
				return p, nil
			}
			if !errs.Is(err, errs.Conflict) && !errs.Is(err, errs.Invalid) {
				return people.Person{}, err
			}
		}
		return people.Person{}, errs.Wrap(fmt.Errorf("no free ID number"), "demo first secretary")
	}
	terms, logs := 0, 0
	for ci, c := range fsDemoCounties {
		county, err := org.Territorial(ctx, s.db, c.code)
		if err != nil {
			return "", errs.Wrap(fmt.Errorf("county %s: %w", c.code, err), "demo first secretaries")
		}
		villages, err := s.fsDemoVillages(ctx, c.code, 3)
		if err != nil {
			return "", err
		}
		for vi, v := range villages {
			k := ci*3 + vi
			// The start of the term in days before today, its end in days
			// after today.
			start, end := 400-k*7, 330+k*7
			switch k {
			case 1, 8, 13:
				start, end = 700, 20+k*3 // ends within the next two months
			case 5:
				start, end = 735, -4 // over, its end not recorded
			}
			p, err := member(c.code, county.ID)
			if err != nil {
				return "", err
			}
			if k == 4 || k == 10 {
				// A first secretary sent earlier and rotated out (k 4) or
				// recalled (k 10) on the way.
				t, err := on(start).Dispatch(ctx, sys, FirstSecInput{PersonID: p.ID, OrgID: v.ID, HomeAgency: c.agencies[(vi+1)%3], StartedOn: day(start), EndsOn: day(start - 730), Duties: fsDemoDuties})
				if err != nil {
					return "", fmt.Errorf("dispatch: %w", err)
				}
				terms++
				kind, reason, left := "rotated", "派出单位工作需要，轮换回原单位任职，由派出单位另行选派接任人选", start-170
				if k == 10 {
					kind, reason, left = "recalled", "因病不能继续驻村工作，经派出单位申请召回", 25
				}
				logs += s.fsDemoLog(ctx, on, t, left+1, start-10, img)
				if _, err := on(left).EndFirstSec(ctx, sys, t.ID, FirstSecEndInput{Kind: kind, EndedOn: day(left), Reason: reason}); err != nil {
					return "", fmt.Errorf("end: %w", err)
				}
				if k == 10 {
					continue // recalled, nobody sent yet
				}
				if p, err = member(c.code, county.ID); err != nil {
					return "", err
				}
				start, end = left-1, 730-(left-1)
			}
			t, err := on(start).Dispatch(ctx, sys, FirstSecInput{PersonID: p.ID, OrgID: v.ID, HomeAgency: c.agencies[vi], StartedOn: day(start), EndsOn: day(-end), Duties: fsDemoDuties})
			if err != nil {
				return "", fmt.Errorf("dispatch: %w", err)
			}
			terms++
			logs += s.fsDemoLog(ctx, on, t, 1, start, img)
		}
	}
	graded, err := s.fsDemoReview(ctx, in.RootID)
	if err != nil {
		return "", fmt.Errorf("review: %w", err)
	}
	l, err := s.FirstSecTerms(ctx, sys, FirstSecQuery{View: "expiring"})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("第一书记任期 %d 个（宾阳、武鸣、马山、上林、隆安、横州、兴宁），在任 %d 名，驻村日志 %d 条；%d 个任期 %d 天内届满或已满待办理，%d 个村离任未接替；%d 年度“三述三评”已公布，评议 %d 人",
		terms, l.Counts["in_post"], logs, l.Expiring, DefaultExpiryDays, l.Vacant, today.Year()-1, graded), nil
}

// fsDemoLog writes a term's log from back days ago to upto days ago,
// about one day in five over the last four months and one in ten before,
// a photo every third entry; it answers the entries
// written. A refused entry is skipped: the demo's log is an illustration.
func (s *Service) fsDemoLog(ctx context.Context, on func(int) *Service, t FirstSec, upto, back int, img []byte) int {
	sys := access.SystemActor("demo")
	n := 0
	for d := back; d >= upto; d-- {
		if r := (d*7 + int(t.ID)) % 10; r >= 2 || r == 1 && d > 120 {
			continue
		}
		var files []cases.NamedFile
		if n%3 == 0 {
			files = []cases.NamedFile{{Name: "驻村工作照片.png", Data: img}}
		}
		date := on(d).today().Format(dateLayout)
		if _, err := on(d).AddFirstSecLog(ctx, sys, t.ID, FirstSecLogInput{LoggedOn: date, Text: fsDemoLogs[(n*3+int(t.ID))%len(fsDemoLogs)], Files: files}); err == nil {
			n++
		}
	}
	return n
}

// fsDemoVillages are the first n village organizations (村, not 社区) of a
// county in division-code order.
func (s *Service) fsDemoVillages(ctx context.Context, county string, n int) ([]org.Ref, error) {
	rows, err := s.db.Query(ctx, "SELECT id FROM orgs WHERE level = 'village' AND status = 'active' AND region_code LIKE ? AND region_code LIKE '%2__' ORDER BY region_code LIMIT ?", county+"%", n)
	if err != nil {
		return nil, errs.Wrap(err, "demo villages")
	}
	var idList []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "demo villages")
		}
		idList = append(idList, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "demo villages")
	}
	var out []org.Ref
	for _, id := range idList {
		r, err := org.Lookup(ctx, s.db, id)
		if err != nil {
			return nil, errs.Wrap(err, "demo village")
		}
		out = append(out, r)
	}
	return out, nil
}

// fsDemoQuality is how well the demo's raters judge the i-th first
// secretary of the review, in percent of 满意 answers.
var fsDemoQuality = []int{96, 88, 93, 80, 74, 91, 85, 66, 78, 95, 70, 83}

// fsDemoReview runs last year's review of the city's first secretaries
// from the template to publication: six raters of each group rate everyone,
// each first secretary judged as well as fsDemoQuality says; several earn
// 优秀 by their totals and the cap keeps 10 % of them. It answers the
// number reviewed.
func (s *Service) fsDemoReview(ctx context.Context, rootID int64) (int, error) {
	sys := access.SystemActor("demo")
	today := s.today().Format(dateLayout)
	c, n, err := s.OpenFirstSecReview(ctx, sys, FirstSecReviewInput{OrgID: rootID, Year: s.today().Year() - 1, OpensOn: today, ClosesOn: today})
	if err != nil {
		return 0, err
	}
	subs, err := s.eval.Subjects(ctx, sys, c.ID)
	if err != nil {
		return 0, err
	}
	codes := map[string][]string{}
	groups := []string{"villagers", "township", "agency"}
	for _, g := range groups {
		if codes[g], err = s.eval.IssueTokens(ctx, sys, c.ID, g, 6); err != nil {
			return 0, err
		}
	}
	if _, err := s.eval.Open(ctx, sys, c.ID); err != nil {
		return 0, err
	}
	keys := []string{"build", "develop", "serve", "govern", "stay"}
	for gi, g := range groups {
		for b, code := range codes[g] {
			scores := map[string]map[string]float64{}
			for i, sb := range subs {
				q := fsDemoQuality[i%len(fsDemoQuality)]
				a := map[string]float64{}
				for j, k := range keys {
					h := (i*31 + b*17 + j*7 + gi*13) % 100
					switch {
					case k == "stay" && h < q+15:
						a[k] = 100
					case k == "stay":
						a[k] = 0
					case h < q:
						a[k] = 100
					case h < q+(100-q)*2/3:
						a[k] = 60
					default:
						a[k] = 0
					}
				}
				scores[sb.Key] = a
			}
			if _, err := s.eval.CastBallot(ctx, code, scores, ""); err != nil {
				return 0, err
			}
		}
	}
	if _, err := s.eval.Close(ctx, sys, c.ID); err != nil {
		return 0, err
	}
	if _, err := s.eval.Publish(ctx, sys, c.ID); err != nil {
		return 0, err
	}
	return n, nil
}
