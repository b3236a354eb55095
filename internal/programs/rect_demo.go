package programs

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// seedRect runs Nanning's rectification: last year's list, named from the
// published 述职评议 of 兴宁区 and by the department's judgement elsewhere,
// planned early this year and reported on monthly, now accepted, struck
// off, failed at acceptance and past its deadline, or behind with its
// reports; and this year's list with a candidate waiting, one listed
// without a plan, one listed two years running, one not listed. Dates are
// counted back from today, so that the demo looks the same whenever it
// runs; each step is taken on its own day by a service whose clock reads
// that day.
func (s *Service) seedRect(ctx context.Context, in module.Seeding) (string, error) {
	sys := access.SystemActor("demo")
	today := s.today()
	last, this := today.Year()-1, today.Year()
	on := func(days int) *Service {
		c := *s
		t := today.AddDate(0, 0, -days).Add(4 * time.Hour) // noon in Beijing
		c.now = func() time.Time { return t }
		return &c
	}
	day := func(days int) string { return today.AddDate(0, 0, -days).Format(dateLayout) }
	// Last year's candidates from the published evaluation results, and
	// by judgement in two rural counties.
	if _, err := on(300).Identify(ctx, sys, in.RootID, last); err != nil {
		return "", fmt.Errorf("identify: %w", err)
	}
	villages, err := s.demoVillages(ctx, []string{"450126", "450110", "450124"}, 6)
	if err != nil {
		return "", err
	}
	if len(villages) < 6 {
		return "", errs.Wrap(fmt.Errorf("%d villages in 宾阳县, 武鸣区 and 马山县", len(villages)), "demo rectification")
	}
	manual := []struct {
		reason, note string
	}{
		{"weak_economy", "村集体经济年收入不足 5 万元，连续两年无增长，班子带富能力弱"},
		{"secretary_unfit", "村党组织书记年龄偏大、履职不力，群众多次反映办事难"},
		{"clan_religion", "换届中出现宗族势力拉票，班子成员间矛盾突出"},
	}
	for i, m := range manual {
		if _, err := on(298).AddCandidate(ctx, sys, CandidateInput{OrgID: villages[i].ID, Year: last, Reason: m.reason, Note: m.note}); err != nil {
			return "", fmt.Errorf("candidate: %w", err)
		}
	}
	l, err := s.RectCases(ctx, sys, RectQuery{Year: last, State: "candidate"})
	if err != nil {
		return "", err
	}
	reasons := []string{"life_irregular", "team_disunited", "secretary_unfit"}
	var listed []Rect
	for i, r := range l.Rects {
		if i == len(l.Rects)-1 {
			// One candidate is looked into and found sound.
			if _, err := on(290).Decide(ctx, sys, r.ID, DecideInput{Decision: "dismiss", Note: "经实地核查，班子运转正常，群众反映问题已解决", OnDate: day(290)}); err != nil {
				return "", fmt.Errorf("dismiss: %w", err)
			}
			continue
		}
		reason := r.Reason
		if reason == "" {
			reason = reasons[i%len(reasons)]
		}
		d, err := on(290).Decide(ctx, sys, r.ID, DecideInput{Decision: "list", Reason: reason, OnDate: day(290)})
		if err != nil {
			return "", fmt.Errorf("list: %w", err)
		}
		listed = append(listed, d)
	}
	measures := map[string]string{
		"life_irregular":  "严格落实“三会一课”、主题党日和组织生活会制度，乡镇党委派员列席指导；建立党员积分管理，每月公示。",
		"team_disunited":  "调整充实村“两委”班子，开展谈心谈话，建立班子议事规则和分工责任清单，乡镇党委每季度研判一次。",
		"secretary_unfit": "选优配强村党组织书记，由第一书记协助抓党建；开展书记履职培训，每月向乡镇党委报告工作。",
		"weak_economy":    "制定村级集体经济发展规划，盘活闲置资产，发展特色种养合作社，力争年底集体经济收入达到 10 万元。",
		"clan_religion":   "依法整治宗族势力干扰，加强村务监督委员会建设，重大事项严格执行“四议两公开”。",
	}
	leaders := []string{"黄志强（区委常委、组织部部长）", "韦丽萍（县委副书记）", "覃建军（区委常委、政法委书记）", "陆海峰（县委常委、组织部部长）", "蒙秋菊（副县长）"}
	deadline := fmt.Sprintf("%d-12-31", this)
	img := demoPhoto()
	for i, r := range listed {
		fs := int64(0)
		if posted, err := s.FirstSecretaries(ctx, sys, r.OrgID); err == nil && len(posted) > 0 {
			fs = posted[0].PersonID
		}
		due := deadline
		if i == 2 {
			due = day(10) // the case that fails its check is past its deadline too
		}
		if _, err := on(280).Plan(ctx, sys, r.ID, PlanInput{Measures: measures[r.Reason], Leader: leaders[i%len(leaders)], FirstSecretaryID: fs, Deadline: due}); err != nil {
			return "", fmt.Errorf("plan: %w", err)
		}
		// Monthly reports from the plan's month; the case that falls
		// behind stops three months ago.
		stop := 0
		if i == 3 {
			stop = 95
		}
		for back := 270; back >= stop+25; back -= 30 {
			month := today.AddDate(0, 0, -back).Format("2006-01")
			var files []cases.NamedFile
			if back%90 < 30 {
				files = []cases.NamedFile{{Name: "整顿进展照片.png", Data: img}}
			}
			if _, err := on(back-3).Progress(ctx, sys, r.ID, ProgressInput{Month: month, Text: progressText[(back/30+i)%len(progressText)], Files: files}); err != nil && !errs.Is(err, errs.Conflict) {
				return "", fmt.Errorf("progress %s: %w", month, err)
			}
		}
		evidence := []cases.NamedFile{{Name: "验收报告.png", Data: img}}
		switch i {
		case 0: // accepted and struck off
			if _, err := on(20).Accept(ctx, sys, r.ID, AcceptInput{Decision: "pass", Conclusion: "班子健全、制度落实，群众满意度测评 92%，同意验收。", OnDate: day(20), Files: evidence}); err != nil {
				return "", fmt.Errorf("accept: %w", err)
			}
			if _, err := on(6).Close(ctx, sys, r.ID, CloseInput{OnDate: day(6), Note: "经区委组织部审定销号"}); err != nil {
				return "", fmt.Errorf("close: %w", err)
			}
		case 1: // accepted, to be struck off
			if _, err := on(8).Accept(ctx, sys, r.ID, AcceptInput{Decision: "pass", Conclusion: "整顿措施全部落实，组织生活恢复正常，同意验收。", OnDate: day(8), Files: evidence}); err != nil {
				return "", fmt.Errorf("accept: %w", err)
			}
		case 2: // failed at acceptance, still under rectification
			if _, err := on(15).Accept(ctx, sys, r.ID, AcceptInput{Decision: "fail", Conclusion: "集体经济收入仍未达到目标，班子分工未落实，继续整顿一个季度。", OnDate: day(15)}); err != nil {
				return "", fmt.Errorf("fail: %w", err)
			}
		}
	}
	// This year's list: one waiting, one listed without a plan, and last
	// year's first case listed again.
	if _, err := on(40).AddCandidate(ctx, sys, CandidateInput{OrgID: villages[3].ID, Year: this, Reason: "life_irregular", Note: "半年未召开支部党员大会，党员流动在外多"}); err != nil {
		return "", fmt.Errorf("candidate: %w", err)
	}
	r, err := on(35).AddCandidate(ctx, sys, CandidateInput{OrgID: villages[4].ID, Year: this, Reason: "team_disunited", Note: "村“两委”成员公开争执，村务长期无法决策"})
	if err != nil {
		return "", fmt.Errorf("candidate: %w", err)
	}
	if _, err := on(30).Decide(ctx, sys, r.ID, DecideInput{Decision: "list", Reason: "team_disunited", OnDate: day(30)}); err != nil {
		return "", fmt.Errorf("list: %w", err)
	}
	if len(listed) > 0 {
		r, err := on(4).AddCandidate(ctx, sys, CandidateInput{OrgID: listed[0].OrgID, Year: this, Reason: "weak_economy", Note: "销号后集体经济收入再次下滑，产业项目停滞"})
		if err != nil {
			return "", fmt.Errorf("candidate: %w", err)
		}
		if _, err := on(3).Decide(ctx, sys, r.ID, DecideInput{Decision: "list", Reason: "weak_economy", OnDate: day(3)}); err != nil {
			return "", fmt.Errorf("list again: %w", err)
		}
	}
	all, err := s.RectCases(ctx, sys, RectQuery{})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("软弱涣散党组织整顿台账 %d 个（%d、%d 年），其中整顿中 %d 个、已销号 %d 个", all.Total, last, this, all.States["rectifying"], all.States["closed"]), nil
}

// progressText are the demo's monthly reports.
var progressText = []string{
	"召开支部党员大会，传达上级会议精神，补选支部委员 1 名。",
	"开展主题党日活动，组织党员为群众办实事 6 件。",
	"乡镇党委班子成员列席组织生活会，开展批评与自我批评。",
	"建立党员积分管理台账，本月公示积分情况。",
	"第一书记走访农户 42 户，收集意见建议 11 条，已办结 8 条。",
	"召开村“两委”联席会议，研究集体经济项目推进事宜。",
}

// demoVillages are up to n villages of the counties with the division
// codes given, in the order of their codes.
func (s *Service) demoVillages(ctx context.Context, counties []string, n int) ([]org.Ref, error) {
	var out []org.Ref
	for _, c := range counties {
		rows, err := s.db.Query(ctx, "SELECT id FROM orgs WHERE level = 'village' AND status = 'active' AND region_code LIKE ? AND region_code LIKE '%2__' ORDER BY region_code LIMIT 2", c+"%")
		if err != nil {
			return nil, errs.Wrap(err, "demo villages")
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "demo villages")
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			r, err := org.Lookup(ctx, s.db, id)
			if err != nil {
				return nil, errs.Wrap(err, "demo village")
			}
			out = append(out, r)
		}
	}
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// demoPhoto is a small picture standing in for the photos of a report.
func demoPhoto() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for y := range 80 {
		for x := range 120 {
			img.Set(x, y, color.RGBA{R: uint8(180 + x/3), G: uint8(40 + y), B: 40, A: 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // encoding to memory cannot fail
	return b.Bytes()
}
