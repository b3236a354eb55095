package programs

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// The demo's contact points: the leaders of the city's committee and of
// every county's (their secretaries, deputies and committee members, as
// the register holds them) each keep one or two villages or communities
// of their scope this year, with visits across the year — most on
// schedule or done, about one in five behind. One county asks for 6 visits
// a year instead of 4. The first county's secretary keeps the village of
// the demo's secretary account, who logs its visits.

var ctDemoTopics = []string{
	"调研村（社区）“两委”班子建设和党员队伍管理", "督导基层党组织标准化规范化建设", "召开党员群众座谈会，听取意见建议",
	"调研村级集体经济发展和产业项目推进", "检查党群服务中心阵地建设和运行", "宣讲党的创新理论，讲专题党课",
	"调研软弱涣散党组织整顿提升", "走访困难党员和老党员，开展关爱帮扶", "调研基层治理和矛盾纠纷化解",
	"督导乡村振兴重点项目建设", "调研两新组织党建工作覆盖", "检查“三会一课”等组织生活制度落实",
}

var ctDemoSolved = []string{
	"协调解决村道硬化资金缺口", "推动解决社区党群服务中心场地不足问题", "协调落实产业项目用地", "解决灌溉水渠修缮问题",
	"协调供电部门解决片区供电不稳", "推动落实困难党员临时救助", "协调解决老旧小区加装电梯意见分歧", "督促落实村集体经济项目分红",
}

var ctDemoFollowUps = []string{"责成乡镇（街道）党委一个月内报送整改情况", "下次走访时听取项目进展汇报", "由区直部门牵头跟踪落实", "列入年度为民办实事清单", ""}

// ctDemoTitles are the posts of a committee's leaders, by post key.
var ctDemoTitles = map[string]string{"secretary": "书记", "deputy_secretary": "副书记", "committee_member": "常委"}

// ctDemoChain is the first county, its first township and that township's
// first village, where the demo's accounts are granted: the first by
// division code, as the demo found them before the modules added
// organizations of their own.
func (s *Service) ctDemoChain(ctx context.Context, sys access.Actor, root int64) ([]org.Org, error) {
	var chain []org.Org
	cur := root
	for _, level := range []string{"county", "township", "village"} {
		kids, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: cur, ChildrenOnly: true, Level: level, Limit: 1, Sort: "code"})
		if err != nil {
			return nil, err
		}
		if len(kids) == 0 {
			break
		}
		chain = append(chain, kids[0])
		cur = kids[0].ID
	}
	return chain, nil
}

// ctDemoLeader is a leader of a committee with the title they are known by.
type ctDemoLeader struct {
	person int64
	name   string
	title  string
	org    org.Org
}

// ctDemoLeaders reads the leaders of a committee from the register, or
// appoints a secretary when the register has none.
func (s *Service) ctDemoLeaders(ctx context.Context, sys access.Actor, o org.Org, serial *int) ([]ctDemoLeader, error) {
	posts, err := s.ppl.OrgPosts(ctx, sys, o.ID)
	if err != nil {
		return nil, err
	}
	prefix := ctDemoCommitteeWord(o)
	var out []ctDemoLeader
	for _, p := range posts {
		if t, ok := ctDemoTitles[p.Post]; ok && len(out) < 3 {
			out = append(out, ctDemoLeader{person: p.PersonID, name: p.PersonName, title: prefix + t, org: o})
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	// No leader in the register: one is registered and appointed, as
	// the organization department would.
	today := s.today()
	for range 20 {
		*serial++
		first17 := fmt.Sprintf("%s1970%02d%02d%03d", ctDemoRegion(o), 1+*serial%12, 1+*serial%28, 901+2*(*serial%49))
		p, err := s.ppl.AddMember(ctx, sys, people.MemberInput{
			PersonInput: people.PersonInput{Name: []string{"黄立群", "韦振华", "陆建明", "覃海峰", "蒙志刚"}[*serial%5], IDNumber: first17 + string(ids.IDCardCheckChar(first17)),
				Ethnicity: "壮族", Education: "研究生"},
			OrgID: o.ID, Kind: "full", JoinedOn: "1994-07-01"})
		if errs.Is(err, errs.Conflict) {
			continue // an ID number the register holds already
		}
		if err != nil {
			return nil, err
		}
		if _, err := s.ppl.Appoint(ctx, sys, people.PostInput{PersonID: p.ID, OrgID: o.ID, Post: "secretary", StartedOn: today.AddDate(-2, 0, 0).Format(dateLayout)}); err != nil {
			return nil, err
		}
		return []ctDemoLeader{{person: p.ID, name: p.Name, title: prefix + "书记", org: o}}, nil
	}
	return nil, fmt.Errorf("no free ID number for a leader of %s", o.Label())
}

// ctDemoRegion is the six-digit division code of an organization's region.
func ctDemoRegion(o org.Org) string {
	if len(o.RegionCode) >= 6 {
		return o.RegionCode[:6]
	}
	return (o.RegionCode + "010000")[:6]
}

// ctDemoCommitteeWord is how a committee's leaders are titled: 市委, 区委,
// 县委.
func ctDemoCommitteeWord(o org.Org) string {
	l := o.Label()
	if strings.HasSuffix(l, "委") && utf8.RuneCountInString(l) >= 2 {
		r := []rune(l)
		return string(r[len(r)-2:])
	}
	return "党委"
}

// seedContacts sets the contact points of the year with their visits.
func (s *Service) seedContacts(ctx context.Context, in module.Seeding) (string, error) {
	sys := access.SystemActor("demo")
	r := rand.New(rand.NewPCG(4501, 54))
	root, err := s.orgs.Get(ctx, sys, in.RootID)
	if err != nil {
		return "", err
	}
	kids, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: root.ID, ChildrenOnly: true, Limit: 100, Sort: "tree"})
	if err != nil {
		return "", err
	}
	var counties []org.Org
	for _, k := range kids {
		if k.Level == "county" {
			counties = append(counties, k)
		}
	}
	if len(counties) == 0 {
		return "", nil
	}
	chain, err := s.ctDemoChain(ctx, sys, root.ID)
	if err != nil {
		return "", err
	}
	// The grassroots organizations of each county: its villages and
	// communities.
	places := map[int64][]org.Org{}
	var all []org.Org
	for _, c := range counties {
		l, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: c.ID, Level: "village", Limit: 5000, Sort: "tree"})
		if err != nil {
			return "", err
		}
		places[c.ID] = l
		all = append(all, l...)
	}
	// The second county asks more of its leaders.
	if len(counties) > 1 {
		if _, err := s.SetContactRule(ctx, sys, ContactRuleInput{OrgID: counties[1].ID, MinVisits: 6}); err != nil {
			return "", err
		}
	}
	today := s.today()
	year := today.Year()
	serial := 0
	type plan struct {
		leader ctDemoLeader
		point  org.Org
	}
	var plans []plan
	used := map[[2]int64]bool{}
	pick := func(l ctDemoLeader, pool []org.Org, n int) {
		for range n {
			if len(pool) == 0 {
				return
			}
			p := pool[r.IntN(len(pool))]
			if used[[2]int64{l.person, p.ID}] {
				continue
			}
			used[[2]int64{l.person, p.ID}] = true
			plans = append(plans, plan{l, p})
		}
	}
	leaders, err := s.ctDemoLeaders(ctx, sys, root, &serial)
	if err != nil {
		return "", err
	}
	for _, l := range leaders {
		pick(l, all, 2)
	}
	for i, c := range counties {
		ls, err := s.ctDemoLeaders(ctx, sys, c, &serial)
		if err != nil {
			return "", err
		}
		for j, l := range ls {
			if i == 0 && j == 0 && len(chain) == 3 && chain[0].ID == c.ID {
				used[[2]int64{l.person, chain[2].ID}] = true
				plans = append(plans, plan{l, chain[2]})
				pick(l, places[c.ID], 1)
				continue
			}
			pick(l, places[c.ID], 1+r.IntN(2))
		}
	}
	rules, err := s.contactRuleTable(ctx, s.db)
	if err != nil {
		return "", err
	}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int(today.Sub(start).Hours()/24) + 1
	var visits, behind int
	var batch [][]any
	type count struct {
		n    int
		last string
	}
	counts := map[int64]count{}
	for _, p := range plans {
		c, err := s.CreateContact(ctx, sys, ContactInput{PersonID: p.leader.person, LeaderOrgID: p.leader.org.ID, OrgID: p.point.ID, Year: year, Post: p.leader.title})
		if err != nil {
			return "", fmt.Errorf("contact point of %s: %w", p.leader.name, err)
		}
		s.standing(&c, rules)
		// About one in five behind, the rest on schedule or done; the
		// demo's secretary's village is on schedule, a visit short.
		var n int
		switch x := r.Float64(); {
		case p.point.ID == ctChainID(chain, 2) && c.Expected > 0:
			n = max(c.Expected, c.Required-1)
		case x < 0.2 && c.Expected > 0:
			n = max(0, c.Expected-1-r.IntN(2))
			behind++
		case x < 0.6:
			n = c.Required + r.IntN(3)
		default:
			n = c.Expected + r.IntN(max(1, c.Required-c.Expected))
		}
		n = min(n, span)
		days := r.Perm(span)[:n]
		slices.Sort(days)
		now := db.FormatTime(s.now())
		for _, d := range days {
			on := start.AddDate(0, 0, d).Format(dateLayout)
			solved, text := 0, ""
			if r.IntN(3) > 0 {
				solved = 1 + r.IntN(3)
				var parts []string
				for k := range solved {
					parts = append(parts, ctDemoSolved[(r.IntN(len(ctDemoSolved))+k)%len(ctDemoSolved)])
				}
				text = strings.Join(parts, "；")
			}
			batch = append(batch, []any{c.ID, on, ctDemoTopics[r.IntN(len(ctDemoTopics))], solved, text, ctDemoFollowUps[r.IntN(len(ctDemoFollowUps))], now, "demo"})
			counts[c.ID] = count{counts[c.ID].n + 1, on}
			visits++
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.BatchInsert(ctx, "contact_visits", []string{"contact_id", "visited_on", "topics", "solved", "solved_text", "follow_up", "at", "actor_name"}, batch, 200); err != nil {
			return errs.Wrap(err, "demo visits")
		}
		for id, c := range counts {
			if _, err := tx.Exec(ctx, "UPDATE contact_points SET visits = ?, last_visit_on = ? WHERE id = ?", c.n, c.last, id); err != nil {
				return errs.Wrap(err, "demo visit counts")
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	s.db.Analyze(ctx, "contact_points", "contact_visits", "contact_rules")
	return fmt.Sprintf("领导干部基层联系点 %d 个（走访 %d 次，约 %d 个进度落后）", len(plans), visits, behind), nil
}

// ctChainID is the id of the i-th organization of the chain, 0 when it is
// shorter.
func ctChainID(chain []org.Org, i int) int64 {
	if i < len(chain) {
		return chain[i].ID
	}
	return 0
}
