package programs

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// The demo's pairings: the city's agencies (under the city's work
// committee of its organs and its state-assets commission) and an organ
// of each of the first counties, each paired with villages and
// communities — the city's across the counties, a county's in the county —
// some since earlier years. Each pairing commits funds, projects and
// activities this year, partly delivered with evidence (a few with a
// photo); the pairings of earlier years have last year's commitments done.

// prDemoAgency is an agency's organization the demo creates.
type prDemoAgency struct {
	name, short, kind, cat string
}

var prDemoCity = []struct {
	parent   prDemoAgency
	agencies []prDemoAgency
}{
	{prDemoAgency{"中共南宁市直属机关工作委员会", "市直机关工委", "work_committee", "organ"}, []prDemoAgency{
		{"中共南宁市财政局机关委员会", "市财政局机关党委", "committee", "organ"},
		{"中共南宁市农业农村局机关委员会", "市农业农村局机关党委", "committee", "organ"},
		{"中共南宁市住房和城乡建设局机关委员会", "市住建局机关党委", "committee", "organ"},
		{"中共南宁市第一人民医院委员会", "市一医院党委", "committee", "institution"},
		{"中共南宁职业技术学院委员会", "南宁职院党委", "committee", "institution"},
	}},
	{prDemoAgency{"中共南宁市人民政府国有资产监督管理委员会委员会", "市国资委党委", "committee", "organ"}, []prDemoAgency{
		{"中共南宁轨道交通集团有限责任公司委员会", "南宁轨道交通集团党委", "committee", "soe"},
		{"中共南宁建宁水务投资集团有限责任公司委员会", "建宁水务集团党委", "committee", "soe"},
	}},
}

var prDemoContent = map[string][]string{
	"funds":      {"支持村级集体经济项目建设", "资助党群服务中心提升改造", "用于村内道路亮化和人居环境整治", "设立困难党员群众帮扶基金"},
	"projects":   {"援建农产品冷链仓储项目", "援建社区长者饭堂", "协助引进特色种养项目", "援建村级光伏发电项目"},
	"activities": {"联合开展主题党日活动", "组织党员志愿服务进村（社区）", "开展政策宣讲和技能培训", "开展“我为群众办实事”走访"},
}

var prDemoEvidence = map[string][]string{
	"funds":      {"资金已拨付至村集体账户，附银行回单和村务公开照片", "已按协议拨付，村“两委”会议决定用途并张榜公示", "资金到位，项目已开工，附签收单"},
	"projects":   {"项目已竣工验收，投入使用，附验收单", "项目完成建设并移交村集体管理", "设备已安装调试完毕，附现场照片"},
	"activities": {"联合开展主题党日，双方党员 40 余人参加，附签到表", "组织志愿服务，慰问困难党员 12 户", "开展政策宣讲 1 场，群众 80 余人参加"},
}

// prDemoPhoto is a small generated photo for the evidence of a completion.
func prDemoPhoto(seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(200 - y*2), uint8(22 + x + seed*10), 30, 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // an in-memory image always encodes
	return b.Bytes()
}

// seedPairings creates the agencies' organizations and their pairings.
func (s *Service) seedPairings(ctx context.Context, in module.Seeding) (string, error) {
	sys := access.SystemActor("demo")
	r := rand.New(rand.NewPCG(4501, 55))
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
	if len(all) == 0 {
		return "", nil
	}
	founded := fmt.Sprintf("%d-03-01", s.today().Year()-8)
	mk := func(parent int64, a prDemoAgency) (org.Org, error) {
		return s.orgs.Create(ctx, sys, org.Input{ParentID: parent, Name: a.name, ShortName: a.short, Kind: a.kind, Category: a.cat, FoundedOn: founded})
	}
	// The first county's organ pairs first with the village of the
	// demo's secretary account, who records what it delivers.
	chain, err := s.ctDemoChain(ctx, sys, root.ID)
	if err != nil {
		return "", err
	}
	type side struct {
		agency org.Org
		pool   []org.Org
		first  org.Org
	}
	var sides []side
	for _, g := range prDemoCity {
		p, err := mk(root.ID, g.parent)
		if err != nil {
			return "", fmt.Errorf("demo agency: %w", err)
		}
		for _, a := range g.agencies {
			o, err := mk(p.ID, a)
			if err != nil {
				return "", fmt.Errorf("demo agency: %w", err)
			}
			sides = append(sides, side{agency: o, pool: all})
		}
	}
	for _, c := range counties[:min(4, len(counties))] {
		short := c.Label()
		if r := []rune(short); len(r) > 1 && r[len(r)-1] == '委' {
			short = string(r[:len(r)-1])
		}
		o, err := mk(c.ID, prDemoAgency{"中共南宁市" + short + "农业农村局机关支部委员会", short + "农业农村局机关党支部", "branch", "organ"})
		if err != nil {
			return "", fmt.Errorf("demo agency: %w", err)
		}
		sd := side{agency: o, pool: places[c.ID]}
		if len(chain) == 3 && chain[0].ID == c.ID {
			sd.first = chain[2]
		}
		sides = append(sides, sd)
	}
	this := s.today().Year()
	var pairings, commitments, completions int
	used := map[int64]bool{}
	for i, sd := range sides {
		for k := range 2 {
			if len(sd.pool) == 0 {
				break
			}
			g := sd.first
			for range 10 {
				if k == 0 && g.ID != 0 {
					break
				}
				g = sd.pool[r.IntN(len(sd.pool))]
				if !used[g.ID] {
					break
				}
			}
			if used[g.ID] {
				continue
			}
			used[g.ID] = true
			from := this - r.IntN(3)
			p, err := s.CreatePairing(ctx, sys, PairingInput{AgencyOrgID: sd.agency.ID, GrassrootsOrgID: g.ID, FromYear: from})
			if err != nil {
				return "", fmt.Errorf("demo pairing: %w", err)
			}
			pairings++
			for year := max(from, this-1); year <= this; year++ {
				for _, kind := range []string{"funds", "projects", "activities"} {
					if kind == "projects" && r.IntN(3) == 0 {
						continue
					}
					target := map[string]int{"funds": 10000 * (2 + r.IntN(19)), "projects": 1 + r.IntN(3), "activities": 4 + r.IntN(9)}[kind]
					cs := prDemoContent[kind]
					got, err := s.AddCommitment(ctx, sys, p.ID, CommitmentInput{Year: year, Kind: kind, Target: target, Content: cs[r.IntN(len(cs))]})
					if err != nil {
						return "", fmt.Errorf("demo commitment: %w", err)
					}
					commitments++
					var cid int64
					for _, c := range got.Commitments {
						if c.Year == year && c.Kind == kind {
							cid = c.ID
						}
					}
					// Last year's are done; this year's partly, in one
					// to three parts.
					done := target
					if year == this {
						done = int(float64(target) * []float64{0, 0.3, 0.5, 0.8, 1, 1}[r.IntN(6)])
						if kind == "funds" {
							done = done / 1000 * 1000
						}
					}
					parts := min(done, 1+r.IntN(3))
					for n := range parts {
						amount := done / parts
						if kind == "funds" {
							amount = amount / 1000 * 1000
						}
						if n == parts-1 {
							amount = done - amount*(parts-1)
						}
						on := fmt.Sprintf("%d-%02d-%02d", year, 3+n*3+r.IntN(2), 1+r.IntN(28))
						if year == this && on > s.today().Format(dateLayout) {
							on = s.today().Format(dateLayout)
						}
						ev := prDemoEvidence[kind]
						in := CompletionInput{CommitmentID: cid, DoneOn: on, Amount: amount, Evidence: ev[r.IntN(len(ev))]}
						if (i+k+n)%5 == 0 {
							in.Files = []cases.NamedFile{{Name: fmt.Sprintf("现场照片%d.png", n+1), Data: prDemoPhoto(i + n)}}
						}
						if _, err := s.RecordCompletion(ctx, sys, p.ID, in); err != nil {
							return "", fmt.Errorf("demo completion: %w", err)
						}
						completions++
					}
				}
			}
		}
	}
	s.db.Analyze(ctx, "pairings", "pairing_commitments", "pairing_completions", "pairing_files")
	return fmt.Sprintf("结对共建 %d 对（年度承诺 %d 项，完成登记 %d 次）", pairings, commitments, completions), nil
}
