package people

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
)

// DemoPerOrg is the demo's average number of members per organization,
// the density of a real register (Nanning: about 400,000 members in about
// 21,000 organizations). The demo's tree holds fewer organizations than
// the city's, so it holds fewer members, at the same density.
const DemoPerOrg = 19

// Demo incomes: the order of magnitude of Nanning's published per-capita
// disposable incomes of recent years (urban in the mid-40,000s, rural
// around 20,000 yuan; 南宁市国民经济和社会发展统计公报), varied by county. A
// real installation enters its counties' published figures.
const (
	demoUrban2025 = 45500
	demoRural2025 = 20500
)

// demoPeople is what the demo registered.
type demoPeople struct{ members, cadres, organizers, care int }

// Lines is the demo's line about the register.
func (d demoPeople) Lines(string) []string {
	if d.members == 0 {
		return nil
	}
	return []string{fmt.Sprintf("党员 %d 名，含书记、委员、任期和村（社区）干部基本报酬", d.members), demoCareLine(d.organizers, d.care)}
}

// demoWeight is an organization's share of the members: villages and
// communities hold most; a workplace branch a few.
func demoWeight(o org.Org) float64 {
	switch {
	case o.Level == "village" && o.Category == "rural":
		return 5
	case o.Level == "village":
		return 4.5
	case o.Level == "unit":
		return 1
	case o.Level == "township":
		return 1.5
	case o.Level == "county" || o.Level == "city":
		return 3
	}
	return 1.5
}

var (
	demoSurnames = []string{"黄", "韦", "李", "梁", "陆", "覃", "莫", "蒙", "农", "王", "陈", "张", "刘", "杨", "周", "吴", "罗", "林", "蓝", "潘",
		"卢", "谢", "何", "邓", "廖", "赵", "唐", "苏", "宁", "庞", "冯", "朱", "曾", "马", "秦", "施", "石", "甘", "闭", "麦"}
	demoMale   = []rune("伟强军勇峰明辉斌华建平杰涛超刚海波国荣志文德永军宁坤鹏飞东林生福庆祥")
	demoFemale = []rune("芳娜敏静丽娟艳霞玲燕红梅秀英兰凤琳婷雪萍莉桂花月颖慧洁")
	demoWhere  = []string{"广东省广州市白云区", "广东省深圳市宝安区", "广东省东莞市", "广东省佛山市南海区", "浙江省宁波市", "福建省厦门市", "广西柳州市", "海南省海口市"}
	// demoOrigins are places of birth outside the county, for the first
	// six digits of some ID numbers.
	demoOrigins = []string{"450202", "450305", "451002", "450802", "450103", "450107", "452101"}
)

// seedPeople registers about perOrg members per organization of the
// subtree of rootID, most in villages and communities, with their
// secretaries and committees, terms, and the village cadres' pay against
// the counties' incomes.
func seedPeople(ctx context.Context, s *Service, rootID int64, perOrg int) (demoPeople, error) {
	r := rand.New(rand.NewPCG(4501, 1921))
	sys := access.SystemActor("demo")
	all, _, err := s.orgs.List(ctx, sys, org.ListQuery{Under: rootID, Limit: 100000, Sort: "tree"})
	if err != nil {
		return demoPeople{}, err
	}
	byID := map[int64]org.Org{}
	var total float64
	for _, o := range all {
		byID[o.ID] = o
		total += demoWeight(o)
	}
	today := s.today()
	county := func(o org.Org) string {
		ids := org.PathIDs(o.Path)
		for i := len(ids) - 1; i >= 0; i-- {
			if c := byID[ids[i]].RegionCode; len(c) >= 6 {
				return c[:6]
			}
		}
		return "450102"
	}
	seen := map[string]bool{}
	var ms []newMember
	start := map[int64]int{} // an organization's first member in ms
	for _, o := range all {
		n := int(math.Round(demoWeight(o) * float64(perOrg*len(all)) / total * (0.7 + 0.6*r.Float64())))
		start[o.ID] = len(ms)
		for range n {
			ms = append(ms, demoMember(r, o, county(o), today, seen))
		}
	}
	var cadres, organizers, care int
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		pids, mids, err := s.insertMembers(ctx, tx, ms, "demo")
		if err != nil {
			return err
		}
		if cadres, err = s.seedPosts(ctx, tx, r, all, start, ms, pids, mids, today); err != nil {
			return err
		}
		if organizers, care, err = s.seedOrganizersAndCare(ctx, tx, all, ms, pids, mids, today); err != nil {
			return err
		}
		return s.seedTraining(ctx, tx, all, ms, pids, today)
	})
	if err != nil {
		return demoPeople{}, fmt.Errorf("demo members: %w", err)
	}
	if _, err := seedTransfers(ctx, s, r, all, today); err != nil {
		return demoPeople{}, fmt.Errorf("demo transfers: %w", err)
	}
	s.db.Analyze(ctx, "persons", "memberships", "membership_events", "people_agg", "posts", "org_terms", "cadre_pay", "organizers", "care_cases", "care_steps",
		"training_courses", "training_attendance")
	return demoPeople{members: len(ms), cadres: cadres, organizers: organizers, care: care}, nil
}

// demoMember draws one member of o.
func demoMember(r *rand.Rand, o org.Org, countyCode string, today time.Time, seen map[string]bool) newMember {
	female := r.Float64() < 0.3
	// Age bands as members' statistics show them: about a fifth 35 or
	// younger, a third past 60.
	var age int
	switch x := r.Float64(); {
	case x < 0.22:
		age = 20 + r.IntN(16)
	case x < 0.40:
		age = 36 + r.IntN(10)
	case x < 0.59:
		age = 46 + r.IntN(10)
	case x < 0.69:
		age = 56 + r.IntN(5)
	default:
		age = 61 + r.IntN(30)
	}
	birth := time.Date(today.Year()-age, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	region := countyCode
	if r.Float64() < 0.2 {
		region = demoOrigins[r.IntN(len(demoOrigins))]
	}
	var id string
	for {
		serial := r.IntN(500) * 2
		if !female {
			serial++
		}
		first17 := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), serial)
		id = first17 + string(ids.IDCardCheckChar(first17))
		if !seen[id] {
			seen[id] = true
			break
		}
	}
	name := demoSurnames[r.IntN(len(demoSurnames))]
	pool := demoMale
	if female {
		pool = demoFemale
	}
	for range 1 + r.IntN(2) {
		name += string(pool[r.IntN(len(pool))])
	}
	p := person{name: name, id: id, birth: birth.Format(dateLayout), gender: "male", ethnicity: "01", education: demoEducation(r, age, o.Category == "rural")}
	if female {
		p.gender = "female"
	}
	switch x := r.Float64(); {
	case x < 0.44:
		p.ethnicity = "08" // 壮族
	case x < 0.46:
		p.ethnicity = "13" // 瑶族
	case x < 0.47:
		p.ethnicity = "06" // 苗族
	}
	if r.Float64() < 0.7 {
		p.phone = fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1000000000))
	}
	m := newMember{p: p, orgID: o.ID, orgPath: o.Path, orgName: o.Label(), status: "normal"}
	// Joined between 20 and 45, never in the future; a few are in their
	// year of probation.
	if age >= 20 && r.Float64() < 0.025 {
		m.j = join{kind: "probationary", joined: today.AddDate(0, 0, -r.IntN(360)).Format(dateLayout)}
	} else {
		joinAge := 20 + r.IntN(min(age-19, 26))
		joined := birth.AddDate(joinAge, r.IntN(12), 0)
		if !joined.Before(today.AddDate(-1, 0, 0)) {
			joined = today.AddDate(-1, 0, -1-r.IntN(300))
		}
		m.j = join{kind: "full", joined: joined.Format(dateLayout), full: joined.AddDate(1, 0, 0).Format(dateLayout)}
	}
	switch x := r.Float64(); {
	case x < 0.05:
		m.status, m.where = "floating", demoWhere[r.IntN(len(demoWhere))]
	case x < 0.053:
		m.status = "lost"
	}
	return m
}

// demoEducation draws an education by age: the young studied longer.
func demoEducation(r *rand.Rand, age int, rural bool) string {
	type w struct {
		code string
		p    float64
	}
	var dist []w
	switch {
	case age <= 35:
		dist = []w{{"14", 6}, {"21", 45}, {"31", 30}, {"41", 6}, {"61", 8}, {"71", 5}}
	case age <= 55:
		dist = []w{{"14", 3}, {"21", 28}, {"31", 27}, {"41", 10}, {"61", 17}, {"71", 15}}
	default:
		dist = []w{{"14", 1}, {"21", 10}, {"31", 12}, {"41", 8}, {"61", 22}, {"71", 35}, {"81", 12}}
	}
	if rural {
		dist = append(dist, w{"71", 25}, w{"81", 8})
	}
	var sum float64
	for _, d := range dist {
		sum += d.p
	}
	x := r.Float64() * sum
	for _, d := range dist {
		if x -= d.p; x < 0 {
			return d.code
		}
	}
	return dist[len(dist)-1].code
}

// seedPosts appoints a secretary to every organization with three full
// members, a committee, and in villages and communities the "两委" and
// their pay; records each committee's term; and the counties' incomes.
func (s *Service) seedPosts(ctx context.Context, tx *db.Tx, r *rand.Rand, all []org.Org, start map[int64]int, ms []newMember, pids, mids []int64, today time.Time) (int, error) {
	now := db.FormatTime(tx.Now())
	var posts, ended, events, terms, pay [][]any
	ref := map[int64][2]float64{} // county organization → 2025 rural, urban
	for _, o := range all {
		if o.Level == "county" || o.Level == "city" {
			f := 0.85 + 0.3*r.Float64()
			if o.Level == "city" {
				f = 1
			}
			ref[o.ID] = [2]float64{math.Round(demoRural2025 * f), math.Round(demoUrban2025 * f)}
		}
	}
	var end int
	for i, o := range all {
		end = len(ms)
		if i+1 < len(all) {
			end = start[all[i+1].ID]
		}
		var full []int
		for k := start[o.ID]; k < end; k++ {
			if ms[k].j.kind == "full" && ms[k].status == "normal" {
				full = append(full, k)
			}
		}
		if len(full) < 3 {
			continue
		}
		r.Shuffle(len(full), func(a, b int) { full[a], full[b] = full[b], full[a] })
		village := o.Level == "village"
		appoint := func(k int, post string) {
			since := today.AddDate(-1-r.IntN(7), -r.IntN(12), 0)
			if j := mustDate(ms[k].j.joined); since.Before(j) {
				since = j.AddDate(1, 0, 0)
			}
			on := since.Format(dateLayout)
			posts = append(posts, []any{pids[k], o.ID, post, "", on, now})
			ev := postText(o.Label(), post)
			events = append(events, []any{pids[k], mids[k], "post", ev.ZH, ev.EN, on, now, "demo"})
			if village {
				pay = append(pay, []any{pids[k], o.ID, post})
			}
		}
		// About one organization in forty has lost its secretary, who left
		// a few months ago, and has no successor yet: the vacancies list
		// and the posts page show a former holder and a gap.
		if r.IntN(40) == 0 {
			k := full[0]
			since := today.AddDate(-3-r.IntN(4), -r.IntN(12), 0)
			if j := mustDate(ms[k].j.joined); since.Before(j) {
				since = j.AddDate(1, 0, 0)
			}
			left := today.AddDate(0, -1-r.IntN(8), -r.IntN(28))
			if left.After(since) {
				on, off := since.Format(dateLayout), left.Format(dateLayout)
				ended = append(ended, []any{pids[k], o.ID, "secretary", "", on, off, now})
				ev, gone := postText(o.Label(), "secretary"), postEndText(o.Label(), "secretary")
				events = append(events, []any{pids[k], mids[k], "post", ev.ZH, ev.EN, on, now, "demo"}, []any{pids[k], mids[k], "post_end", gone.ZH, gone.EN, off, now, "demo"})
			} else {
				appoint(full[0], "secretary")
			}
		} else {
			appoint(full[0], "secretary")
		}
		n := 0
		switch {
		case len(full) >= 30:
			appoint(full[1], "deputy_secretary")
			n = 4
		case len(full) >= 7:
			n = 2
		}
		for k := 2; k < 2+n && k < len(full); k++ {
			appoint(full[k], "committee_member")
		}
		// One village in twenty has not filled its "两委" in the register.
		if village && len(full) > 2+n+2 && r.IntN(20) != 0 {
			appoint(full[2+n], "village_committee")
			appoint(full[3+n], "village_committee")
		}
		if len(full) >= 7 {
			years := 3
			if o.Territorial {
				years = 5
			}
			// Most committees are within their term; a few elections are
			// due within six months, fewer are late.
			elected := today.AddDate(0, -r.IntN(years*12+1), -r.IntN(28))
			terms = append(terms, []any{o.ID, elected.Format(dateLayout), years, elected.AddDate(years, 0, 0).Format(dateLayout), now})
		}
	}
	if err := tx.BatchInsert(ctx, "posts", []string{"person_id", "org_id", "post", "home_agency", "started_on", "created_at"}, posts, 300); err != nil {
		return 0, errs.Wrap(err, "demo posts")
	}
	if err := tx.BatchInsert(ctx, "posts", []string{"person_id", "org_id", "post", "home_agency", "started_on", "ended_on", "created_at"}, ended, 300); err != nil {
		return 0, errs.Wrap(err, "demo ended posts")
	}
	if err := tx.BatchInsert(ctx, "membership_events", []string{"person_id", "membership_id", "kind", "detail", "detail_en", "on_date", "at", "actor_name"}, events, 300); err != nil {
		return 0, errs.Wrap(err, "demo post timelines")
	}
	if err := tx.BatchInsert(ctx, "org_terms", []string{"org_id", "elected_on", "years", "due_on", "created_at"}, terms, 300); err != nil {
		return 0, errs.Wrap(err, "demo terms")
	}
	// Incomes of 2024 and 2025; pay of 2025 and 2026, most above the floor.
	var refs [][]any
	for id, v := range ref {
		refs = append(refs, []any{id, 2025, int(v[0]), int(v[1])}, []any{id, 2024, int(v[0] / 1.055), int(v[1] / 1.04)})
	}
	if err := tx.BatchInsert(ctx, "reference_incomes", []string{"org_id", "year", "rural", "urban"}, refs, 300); err != nil {
		return 0, errs.Wrap(err, "demo incomes")
	}
	byOrg := map[int64]org.Org{}
	for _, o := range all {
		byOrg[o.ID] = o
	}
	var rows [][]any
	seen := map[int64]bool{}
	for _, p := range pay {
		pid, oid, post := p[0].(int64), p[1].(int64), p[2].(string)
		if seen[pid] {
			continue
		}
		seen[pid] = true
		o := byOrg[oid]
		base := 0.0
		for _, id := range org.PathIDs(o.Path) {
			if v, ok := ref[id]; ok {
				base = v[0]
				if o.Category == "community" {
					base = v[1]
				}
			}
		}
		// Most pay is above the floor, the secretaries' most of all; about
		// one cadre in fifteen is paid below it.
		f := 1.05 + 0.5*r.Float64()
		if post != "secretary" {
			f = 1.0 + 0.25*r.Float64()
		}
		if r.IntN(15) == 0 {
			f = 0.82 + 0.16*r.Float64()
		}
		p26 := int(math.Round(base*f/100) * 100)
		p25 := int(math.Round(float64(p26)/(1.02+0.08*r.Float64())/100) * 100)
		rows = append(rows, []any{pid, 2026, oid, p26, now, now}, []any{pid, 2025, oid, p25, now, now})
	}
	if err := tx.BatchInsert(ctx, "cadre_pay", []string{"person_id", "year", "org_id", "basic_pay", "created_at", "updated_at"}, rows, 300); err != nil {
		return 0, errs.Wrap(err, "demo pay")
	}
	return len(posts), nil
}
