package people

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// The demo's organizers and care cases: every county recruits a batch of
// organizers a year for the last four years, placed in its communities and
// 两新 organizations, some of whom have left; and care cases of the last
// two years in every state across the counties. All of it is written in
// bulk inside the demo's seeding transaction.

// demoCareReasons are the words of the demo's applications, by category;
// %d is a sum in yuan.
var demoCareReasons = map[string][]string{
	"illness":    {"本人患病住院治疗，自付医疗费用约 %d 元，家庭收入微薄", "配偶患慢性病长期服药，自付费用约 %d 元，生活困难"},
	"disaster":   {"房屋受台风损毁，修缮需 %d 元左右，无力承担", "洪涝致农作物绝收，损失约 %d 元"},
	"accident":   {"因交通事故受伤，误工并自付医疗费约 %d 元", "劳动中意外受伤，治疗费用约 %d 元"},
	"disability": {"本人残疾，丧失主要劳动能力，年收入不足 %d 元"},
	"schooling":  {"两名子女在读，学费生活费每年约 %d 元，家庭负担重"},
	"elderly":    {"年老体弱独居，无固定收入，年生活费缺口约 %d 元"},
	"family":     {"家庭主要劳动力去世，子女年幼，生活缺口约 %d 元"},
	"other":      {"家庭突发困难，急需帮扶约 %d 元"},
}

// demoLevels finds, for every organization of the demo, its township and
// county (the levels that review and approve care).
type demoLevels struct {
	byID map[int64]org.Org
}

func (d demoLevels) up(o org.Org, level string) (org.Org, bool) {
	ids := org.PathIDs(o.Path)
	for i := len(ids) - 1; i >= 0; i-- {
		if a := d.byID[ids[i]]; a.Level == level {
			return a, true
		}
	}
	return org.Org{}, false
}

// seedOrganizersAndCare writes the demo's organizers and care cases inside
// tx, for the members ms (ids pids, membership ids mids) of the
// organizations all.
func (s *Service) seedOrganizersAndCare(ctx context.Context, tx *db.Tx, all []org.Org, ms []newMember, pids, mids []int64, today time.Time) (int, int, error) {
	r := rand.New(rand.NewPCG(4501, 1937))
	lv := demoLevels{byID: map[int64]org.Org{}}
	for _, o := range all {
		lv.byID[o.ID] = o
	}
	// The members of each county, and its hosts for organizers.
	members := map[int64][]int{}
	hosts := map[int64][]org.Org{}
	var counties []org.Org
	for _, o := range all {
		if o.Level == "county" {
			counties = append(counties, o)
		}
		if c, ok := lv.up(o, "county"); ok && o.Active() && organizerHost(o.Category) {
			hosts[c.ID] = append(hosts[c.ID], o)
		}
	}
	for k, m := range ms {
		if m.status != "normal" || m.j.kind != "full" {
			continue
		}
		if c, ok := lv.up(lv.byID[m.orgID], "county"); ok {
			members[c.ID] = append(members[c.ID], k)
		}
	}
	used := map[int]bool{}
	now := db.FormatTime(tx.Now())
	var batches, organizers, posts, events [][]any
	bids, err := tx.NextIDs(ctx, "organizer_batches", len(counties)*4)
	if err != nil {
		return 0, 0, errs.Wrap(err, "batch ids")
	}
	nb := 0
	for _, c := range counties {
		var grads []int
		for _, k := range members[c.ID] {
			if Bachelor(ms[k].p.education) {
				grads = append(grads, k)
			}
		}
		r.Shuffle(len(grads), func(a, b int) { grads[a], grads[b] = grads[b], grads[a] })
		hs := hosts[c.ID]
		for y := today.Year() - 3; y <= today.Year(); y++ {
			planned := 6 + r.IntN(10)
			bid := bids[nb]
			nb++
			batches = append(batches, []any{bid, fmt.Sprintf("%d年%s社区和两新组织党建组织员", y, c.Label()), y, c.ID, planned, now})
			n := planned - r.IntN(3)
			recruited := time.Date(y, 7, 1+r.IntN(20), 0, 0, 0, 0, time.UTC)
			if recruited.After(today) {
				recruited = today.AddDate(0, 0, -30)
			}
			for range n {
				if len(grads) == 0 || len(hs) == 0 {
					break
				}
				k := grads[0]
				grads = grads[1:]
				if used[k] {
					continue
				}
				used[k] = true
				row := []any{pids[k], bid, recruited.Format(dateLayout), nil, nil, nil, nil, nil, nil, "", now}
				// This year's recruits wait for their placement for a while.
				placed := recruited.AddDate(0, 1, r.IntN(10))
				if placed.After(today) || y == today.Year() && r.Float64() < 0.3 {
					organizers = append(organizers, row)
					continue
				}
				h := hs[r.IntN(len(hs))]
				ends := placed.AddDate(3, 0, 0)
				post := int64(len(posts))
				row[3], row[4], row[5], row[6] = h.ID, placed.Format(dateLayout), 3, ends.Format(dateLayout)
				var left any
				switch x := r.Float64(); {
				case ends.Before(today) && x < 0.7:
					left, row[9] = ends.Format(dateLayout), "term_ended"
				case x < 0.12:
					l := placed.AddDate(0, 4+r.IntN(20), 0)
					if l.Before(today) {
						left, row[9] = l.Format(dateLayout), []string{"civil_service", "civil_service", "institution", "resigned"}[r.IntN(4)]
					}
				}
				row[8] = left
				row[7] = post // the post's index, made an id below
				organizers = append(organizers, row)
				posts = append(posts, []any{pids[k], h.ID, "organizer", "", placed.Format(dateLayout), left, now})
				ev := postText(h.Label(), "organizer")
				events = append(events, []any{pids[k], mids[k], "post", ev.ZH + fmt.Sprintf("（服务期 3 年，至 %s）", ends.Format(dateLayout)),
					ev.EN + fmt.Sprintf(" (for 3 years, to %s)", ends.Format(dateLayout)), placed.Format(dateLayout), now, "demo"})
				if left != nil {
					events = append(events, []any{pids[k], mids[k], "post_end", "离任" + h.Label() + "党建组织员（" + orgLabel(LeaveReasons, row[9].(string)) + "）",
						"left the post of organizer of " + h.Label(), left, now, "demo"})
				}
			}
		}
	}
	postIDs, err := tx.NextIDs(ctx, "posts", len(posts))
	if err != nil {
		return 0, 0, errs.Wrap(err, "post ids")
	}
	for i := range posts {
		posts[i] = append([]any{postIDs[i]}, posts[i]...)
	}
	for _, o := range organizers {
		if i, ok := o[7].(int64); ok {
			o[7] = postIDs[i]
		}
	}
	if err := tx.BatchInsert(ctx, "organizer_batches", []string{"id", "name", "year", "org_id", "planned", "created_at"}, batches[:nb], 300); err != nil {
		return 0, 0, errs.Wrap(err, "demo batches")
	}
	if err := tx.BatchInsert(ctx, "posts", []string{"id", "person_id", "org_id", "post", "home_agency", "started_on", "ended_on", "created_at"}, posts, 300); err != nil {
		return 0, 0, errs.Wrap(err, "demo organizer posts")
	}
	if err := tx.BatchInsert(ctx, "organizers", []string{"person_id", "batch_id", "recruited_on", "placed_org_id", "placed_on", "tenure_years", "ends_on", "post_id", "left_on", "leave_reason", "created_at"}, organizers, 300); err != nil {
		return 0, 0, errs.Wrap(err, "demo organizers")
	}
	if err := tx.BatchInsert(ctx, "membership_events", []string{"person_id", "membership_id", "kind", "detail", "detail_en", "on_date", "at", "actor_name"}, events, 300); err != nil {
		return 0, 0, errs.Wrap(err, "demo organizer timelines")
	}
	for _, t := range []string{"organizer_batches", "posts"} {
		if err := tx.ResetSequence(ctx, t); err != nil {
			return 0, 0, errs.Wrap(err, "sequence of "+t)
		}
	}
	cases, err := s.seedCare(ctx, tx, r, lv, counties, members, ms, pids, today)
	return len(organizers), cases, err
}

func orgLabel(cs []org.Choice, key string) string { return org.LabelOf(cs, key, "") }

// seedCare writes about forty care cases per county over this year and
// the last, in every state, with their steps.
func (s *Service) seedCare(ctx context.Context, tx *db.Tx, r *rand.Rand, lv demoLevels, counties []org.Org, members map[int64][]int, ms []newMember, pids []int64, today time.Time) (int, error) {
	type demoCase struct {
		k             int
		county, town  org.Org
		cat, state    string
		asked, amount int
		paid          int
		days          [4]time.Time
	}
	var cs []demoCase
	for _, c := range counties {
		pool := members[c.ID]
		if len(pool) == 0 {
			continue
		}
		n := 30 + r.IntN(25)
		for range n {
			k := pool[r.IntN(len(pool))]
			o := lv.byID[ms[k].orgID]
			town, ok := lv.up(o, "township")
			if !ok {
				town = c
			}
			dc := demoCase{k: k, county: c, town: town, cat: CareCategories[r.IntN(len(CareCategories))].Key}
			dc.asked = (2 + r.IntN(36)) * 500
			switch x := r.Float64(); {
			case x < 0.12:
				dc.state = "applied"
			case x < 0.24:
				dc.state = "reviewed"
			case x < 0.36:
				dc.state = "approved"
			case x < 0.5:
				dc.state = "rejected"
			default:
				dc.state = "paid"
			}
			// Cases still under way began in the last two months; the
			// others over this year and the last.
			start := today.AddDate(0, 0, -20-r.IntN(40))
			if dc.state == "paid" || dc.state == "rejected" {
				start = today.AddDate(-1, -r.IntN(11), -r.IntN(28))
				if r.Float64() < 0.45 {
					start = time.Date(today.Year(), time.Month(1+r.IntN(int(today.Month()))), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
				}
			}
			if start.After(today.AddDate(0, 0, -20)) {
				start = today.AddDate(0, 0, -20)
			}
			for i := range dc.days {
				dc.days[i] = start.AddDate(0, 0, 5*i+r.IntN(4))
			}
			if dc.state != "applied" {
				dc.amount = int(float64(dc.asked)*(0.6+0.4*r.Float64())/100) * 100
			}
			if dc.state == "paid" {
				dc.paid = dc.amount
			}
			cs = append(cs, dc)
		}
	}
	ids, err := tx.NextIDs(ctx, "care_cases", len(cs))
	if err != nil {
		return 0, errs.Wrap(err, "care ids")
	}
	now := db.FormatTime(tx.Now())
	var cases, steps [][]any
	for i, c := range cs {
		m := ms[c.k]
		reasons := demoCareReasons[c.cat]
		reason := fmt.Sprintf(reasons[r.IntN(len(reasons))], c.asked*(2+r.IntN(4)))
		applied := c.days[0].Format(dateLayout)
		var approved, paid, paidOn any
		if c.amount > 0 && c.state != "rejected" {
			approved = c.amount
		}
		if c.paid > 0 {
			paid, paidOn = c.paid, c.days[3].Format(dateLayout)
		}
		cases = append(cases, []any{ids[i], pids[c.k], m.orgID, c.cat, s.seal.seal("care_reason", reason), c.asked, c.state, applied, c.days[0].Year(),
			approved, paid, paidOn, now, now})
		steps = append(steps, []any{ids[i], "apply", "", c.asked, nil, m.orgID, applied, now, "demo"})
		rejectAt := -1
		if c.state == "rejected" {
			rejectAt = 1 + r.IntN(2)
		}
		last := map[string]int{"applied": 0, "reviewed": 1, "approved": 2, "paid": 3, "rejected": rejectAt}[c.state]
		for st := 1; st <= last; st++ {
			name, at := []string{"", "review", "approve", "disburse"}[st], c.county
			if st == 1 {
				at = c.town
			}
			decision, amount, note := "approved", any(c.amount), any(nil)
			switch {
			case st == rejectAt:
				decision, amount = "rejected", nil
				note = s.seal.seal("care_note", []string{"家庭人均收入高于当地帮扶标准", "已于本年度获得同类帮扶", "材料不全，请补充医疗费用票据后重新申请"}[r.IntN(3)])
			case st == 3:
				decision, amount = "", c.paid
			}
			steps = append(steps, []any{ids[i], name, decision, amount, note, at.ID, c.days[st].Format(dateLayout), now, "demo"})
		}
	}
	if err := tx.BatchInsert(ctx, "care_cases", []string{"id", "person_id", "org_id", "category", "reason_sealed", "requested", "state", "applied_on", "year",
		"approved_amount", "paid_amount", "paid_on", "created_at", "updated_at"}, cases, 200); err != nil {
		return 0, errs.Wrap(err, "demo care cases")
	}
	if err := tx.BatchInsert(ctx, "care_steps", []string{"case_id", "step", "decision", "amount", "note_sealed", "org_id", "on_date", "at", "actor_name"}, steps, 300); err != nil {
		return 0, errs.Wrap(err, "demo care steps")
	}
	return len(cases), errs.Wrap(tx.ResetSequence(ctx, "care_cases"), "sequence of care_cases")
}

// demoCareLine is the demo's line about organizers and care.
func demoCareLine(organizers, cases int) string {
	return "党建组织员 " + strconv.Itoa(organizers) + " 名，关爱帮扶案件 " + strconv.Itoa(cases) + " 件"
}
