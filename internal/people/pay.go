package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// The pay floor (M3): a village or community cadre's yearly basic pay must
// not fall below the local per-capita disposable income of the year before
// — rural for villages, urban for communities — times a factor (1.0 unless
// the department sets another).

// DefaultPayFactor is the floor's factor until the department sets one.
const DefaultPayFactor = 1.0

// payPosts are the posts whose holders are paid as village cadres.
var payPosts = []string{"secretary", "deputy_secretary", "committee_member", "village_committee"}

// RefInput gives a county's (or city's) per-capita disposable incomes of a
// year, in yuan.
type RefInput struct {
	OrgID int64 `json:"org_id"`
	Year  int   `json:"year"`
	Rural int   `json:"rural"`
	Urban int   `json:"urban"`
}

// PayInput records a cadre's basic pay of a year, in yuan.
type PayInput struct {
	PersonID int64 `json:"person_id"`
	OrgID    int64 `json:"org_id"` // the village or community that pays
	Year     int   `json:"year"`
	BasicPay int   `json:"basic_pay"`
}

// checkYear adds a problem when year is not a plausible year of records.
func (s *Service) checkYear(year int, f *errs.Fields) {
	if y := s.today().Year(); year < 2000 || year > y {
		f.Add("year", fmt.Sprintf("年度应为 2000–%d 之间的年份", y), fmt.Sprintf("the year must be between 2000 and %d", y))
	}
}

// SetReference records the per-capita disposable incomes a county (or a
// city, for counties without their own) published for a year.
func (s *Service) SetReference(ctx context.Context, actor access.Actor, in RefInput) error {
	if err := s.refProblems(in).Err(); err != nil {
		return err
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, PeopleManage)
	if err != nil {
		return err
	}
	if err := refLevel(o); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var before any
		var r, u int
		if err := tx.QueryRow(ctx, "SELECT rural, urban FROM reference_incomes WHERE org_id = ? AND year = ?", o.ID, in.Year).Scan(&r, &u); err == nil {
			before = map[string]int{"rural": r, "urban": u}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reference_incomes (org_id, year, rural, urban) VALUES (?, ?, ?, ?)
			ON CONFLICT (org_id, year) DO UPDATE SET rural = excluded.rural, urban = excluded.urban`, o.ID, in.Year, in.Rural, in.Urban); err != nil {
			return errs.Wrap(err, "reference income")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "pay.reference", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s %d 年人均可支配收入：农村 %d 元，城镇 %d 元", o.Label(), in.Year, in.Rural, in.Urban),
				EN: fmt.Sprintf("%s per-capita disposable income of %d: rural %d yuan, urban %d yuan", o.Label(), in.Year, in.Rural, in.Urban)},
			Before: before, After: map[string]int{"rural": in.Rural, "urban": in.Urban}})
	})
}

// refProblems are what is wrong with the figures of an income, checked
// before any organization is looked up.
func (s *Service) refProblems(in RefInput) errs.Fields {
	var f errs.Fields
	s.checkYear(in.Year, &f)
	if in.Rural < 1000 || in.Rural > 200000 {
		f.Add("rural", "农村居民人均可支配收入应在 1000–200000 元之间", "the rural income must be between 1,000 and 200,000 yuan")
	}
	if in.Urban < 1000 || in.Urban > 300000 {
		f.Add("urban", "城镇居民人均可支配收入应在 1000–300000 元之间", "the urban income must be between 1,000 and 300,000 yuan")
	}
	return f
}

// refLevel refuses an income for anything but a county's or a city's
// organization: the statistics bureau publishes the incomes by county, and
// the floor of a village is read from the nearest one above it.
func refLevel(o org.Org) error {
	if o.Level != "county" && o.Level != "city" {
		return errs.Field("org_id", "人均可支配收入按县（市、区）登记："+o.Label()+"不是县级或市级党组织", "incomes are recorded for a county or a city: "+o.Label()+" is neither")
	}
	return nil
}

// payProblems are what is wrong with the figures of a pay record.
func (s *Service) payProblems(in PayInput) errs.Fields {
	var f errs.Fields
	s.checkYear(in.Year, &f)
	if in.BasicPay < 1000 || in.BasicPay > 1000000 {
		f.Add("basic_pay", "年基本报酬应在 1000–1000000 元之间，请核对（单位：元/年）", "the yearly basic pay must be between 1,000 and 1,000,000 yuan: check it (yuan a year)")
	}
	return f
}

// payOrg refuses pay recorded in anything but a village or community.
func payOrg(o org.Org) error {
	if o.Category != "rural" && o.Category != "community" {
		return errs.Field("org_id", "基本报酬只登记村（社区）党组织的干部："+o.Label()+"不是村或社区党组织", "basic pay is recorded for village and community cadres only: "+o.Label()+" is neither")
	}
	return nil
}

// heldCadrePost reports whether the person held a cadre's post in the
// organization at some time of the year.
func heldCadrePost(ctx context.Context, q db.Querier, personID, orgID int64, year int) (bool, error) {
	var n int
	args := []any{personID, orgID, fmt.Sprintf("%d-12-31", year), fmt.Sprintf("%d-01-01", year)}
	for _, k := range payPosts {
		args = append(args, k)
	}
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM posts WHERE person_id = ? AND org_id = ? AND started_on <= ? AND (ended_on IS NULL OR ended_on >= ?) AND post IN ("+
		db.Marks(len(payPosts))+")", args...).Scan(&n); err != nil {
		return false, errs.Wrap(err, "posts of the year")
	}
	return n > 0, nil
}

// noPost is the refusal of pay for a person without a cadre's post.
func noPost(name, orgName string, year int) error {
	return errs.Field("person_id", fmt.Sprintf("%s %d 年未在%s担任村（社区）干部职务：请先登记其任职", name, year, orgName),
		fmt.Sprintf("%s held no cadre's post in %s in %d: record the post first", name, orgName, year))
}

// writePay upserts one pay record inside tx and returns the earlier
// amount, if any.
func writePay(ctx context.Context, tx *db.Tx, personID, orgID int64, year, pay int) (sql.NullInt64, error) {
	var old sql.NullInt64
	if err := tx.QueryRow(ctx, "SELECT basic_pay FROM cadre_pay WHERE person_id = ? AND year = ?", personID, year).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return old, errs.Wrap(err, "earlier pay")
	}
	now := db.FormatTime(tx.Now())
	if _, err := tx.Exec(ctx, `INSERT INTO cadre_pay (person_id, year, org_id, basic_pay, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (person_id, year) DO UPDATE SET org_id = excluded.org_id, basic_pay = excluded.basic_pay, updated_at = excluded.updated_at`,
		personID, year, orgID, pay, now, now); err != nil {
		return old, errs.Wrap(err, "record pay")
	}
	return old, nil
}

// RecordPay records (or corrects) a cadre's basic pay of a year. The
// organization is a village or community in which the person held a
// cadre's post during that year.
func (s *Service) RecordPay(ctx context.Context, actor access.Actor, in PayInput) error {
	if err := s.payProblems(in).Err(); err != nil {
		return err
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, PeopleManage)
	if err != nil {
		return err
	}
	if err := payOrg(o); err != nil {
		return err
	}
	p, err := s.Person(ctx, actor, in.PersonID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		held, err := heldCadrePost(ctx, tx, p.ID, o.ID, in.Year)
		if err != nil {
			return err
		}
		if !held {
			return noPost(p.Name, o.Label(), in.Year)
		}
		old, err := writePay(ctx, tx, p.ID, o.ID, in.Year, in.BasicPay)
		if err != nil {
			return err
		}
		var before any
		if old.Valid {
			before = map[string]any{"basic_pay": old.Int64}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "pay.record", TargetType: "person", TargetID: strconv.FormatInt(p.ID, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s %d 年基本报酬 %d 元（%s）", p.Name, in.Year, in.BasicPay, o.Label()),
				EN: fmt.Sprintf("%s basic pay of %d: %d yuan (%s)", p.Name, in.Year, in.BasicPay, o.Label())},
			Before: before, After: map[string]any{"basic_pay": in.BasicPay, "org_id": o.ID}})
	})
}

// PayFactor is the floor's factor in force.
func (s *Service) PayFactor(ctx context.Context) (float64, error) {
	var v string
	err := s.db.QueryRow(ctx, "SELECT value FROM settings WHERE key = 'people.pay_factor'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultPayFactor, nil
	}
	if err != nil {
		return 0, errs.Wrap(err, "pay factor")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, errs.Wrap(err, "pay factor")
	}
	return f, nil
}

// SetPayFactor sets the floor's factor for the whole system; only a system
// administrator may.
func (s *Service) SetPayFactor(ctx context.Context, actor access.Actor, factor float64) error {
	if !actor.IsAdmin() {
		return errs.New(errs.Forbidden, "只有系统管理员可以设置报酬标准系数", "only a system administrator may set the pay factor")
	}
	if factor < 0.5 || factor > 3 || math.IsNaN(factor) {
		return errs.Field("factor", "系数应在 0.5–3 之间，如 1.0 或 1.2", "the factor must be between 0.5 and 3, such as 1.0 or 1.2")
	}
	old, err := s.PayFactor(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES ('people.pay_factor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", strconv.FormatFloat(factor, 'f', -1, 64)); err != nil {
			return errs.Wrap(err, "set pay factor")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "pay.factor", TargetType: "settings", TargetID: "people.pay_factor",
			Summary: i18n.Textf("村（社区）干部基本报酬标准系数 %.2f → %.2f", "village cadres' pay factor %.2f → %.2f", old, factor),
			Before:  map[string]float64{"factor": old}, After: map[string]float64{"factor": factor}})
	})
}

// PayRow is one cadre's pay against the floor.
type PayRow struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	Category string `json:"category"` // rural | community: which income applies
	BasicPay int    `json:"basic_pay"`
	// Reference is the income of the year before the pay's year, from the
	// nearest organization above with one recorded; 0 when none is.
	Reference int `json:"reference"`
	Floor     int `json:"floor"` // Reference × factor, rounded to the yuan
	// Status is "ok", "below" (under the floor by Shortfall yuan) or
	// "no_reference".
	Status    string `json:"status"`
	Shortfall int    `json:"shortfall"`
	// IDMask is the person's masked ID number; Posts are the cadre's posts
	// in the organization during the year.
	IDMask string   `json:"id_number_masked"`
	Posts  []string `json:"posts"`
}

// PayReport is the compliance of a subtree's cadres with the floor in a year.
type PayReport struct {
	Year        int      `json:"year"`
	Factor      float64  `json:"factor"`
	Rows        []PayRow `json:"rows"`
	Total       int      `json:"total"`
	OK          int      `json:"ok"`
	Below       int      `json:"below"`
	NoReference int      `json:"no_reference"`
}

// PayCompliance checks every recorded basic pay of a year in a subtree the
// actor may read against the floor, those below it first.
func (s *Service) PayCompliance(ctx context.Context, actor access.Actor, under int64, year int) (PayReport, error) {
	o, err := s.orgs.Check(ctx, actor, under, PeopleRead)
	if err != nil {
		return PayReport{}, err
	}
	factor, err := s.PayFactor(ctx)
	if err != nil {
		return PayReport{}, err
	}
	refs, err := s.references(ctx, year-1)
	if err != nil {
		return PayReport{}, err
	}
	posts, err := s.yearPosts(ctx, o.Path, year)
	if err != nil {
		return PayReport{}, err
	}
	rows, err := s.db.Query(ctx, `SELECT c.person_id, p.name, p.id_mask, c.org_id, `+org.LabelCol("o")+`, `+org.PathCol("o")+`, o.category, c.basic_pay
		FROM cadre_pay c JOIN persons p ON p.id = c.person_id`+org.Join("o", "c.org_id")+` WHERE c.year = ? AND `+access.InSubtree(org.PathCol("o"), o.Path)+` ORDER BY p.name_key, c.person_id`, year)
	if err != nil {
		return PayReport{}, errs.Wrap(err, "pay")
	}
	defer rows.Close()
	rep := PayReport{Year: year, Factor: factor}
	for rows.Next() {
		var r PayRow
		var path string
		if err := rows.Scan(&r.PersonID, &r.Name, &r.IDMask, &r.OrgID, &r.OrgName, &path, &r.Category, &r.BasicPay); err != nil {
			return PayReport{}, errs.Wrap(err, "scan pay")
		}
		r.Posts = posts[[2]int64{r.PersonID, r.OrgID}]
		if r.Posts == nil {
			r.Posts = []string{}
		}
		if !actor.Can(PeopleRead, path) {
			continue
		}
		r.Reference, r.Floor, r.Status, r.Shortfall = judge(refs, factor, path, r.Category, r.BasicPay)
		switch r.Status {
		case "no_reference":
			rep.NoReference++
		case "ok":
			rep.OK++
		default:
			rep.Below++
		}
		rep.Rows = append(rep.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return PayReport{}, errs.Wrap(err, "pay")
	}
	rep.Total = len(rep.Rows)
	rank := map[string]int{"below": 0, "no_reference": 1, "ok": 2}
	slices.SortStableFunc(rep.Rows, func(a, b PayRow) int {
		if rank[a.Status] != rank[b.Status] {
			return rank[a.Status] - rank[b.Status]
		}
		return b.Shortfall - a.Shortfall
	})
	return rep, nil
}

// judge holds one pay against the floor: the income of the nearest
// organization above the paying one (path) with one recorded, rural or
// urban by its category, times the factor.
func judge(refs map[int64][2]int, factor float64, path, category string, pay int) (ref, floor int, status string, shortfall int) {
	ids := org.PathIDs(path)
	for i := len(ids) - 1; i >= 0; i-- {
		if r, ok := refs[ids[i]]; ok {
			ref = r[0]
			if category == "community" {
				ref = r[1]
			}
			break
		}
	}
	if ref == 0 {
		return 0, 0, "no_reference", 0
	}
	floor = int(math.Round(float64(ref) * factor))
	if pay >= floor {
		return ref, floor, "ok", 0
	}
	return ref, floor, "below", floor - pay
}

// yearPosts reads the cadres' posts held during a year in a subtree, by
// person and organization, in the order of PostKinds: one query for the
// whole compliance list.
func (s *Service) yearPosts(ctx context.Context, path string, year int) (map[[2]int64][]string, error) {
	args := []any{fmt.Sprintf("%d-12-31", year), fmt.Sprintf("%d-01-01", year)}
	for _, k := range payPosts {
		args = append(args, k)
	}
	rows, err := s.db.Query(ctx, "SELECT DISTINCT po.person_id, po.org_id, po.post FROM posts po"+org.Join("o", "po.org_id")+
		" WHERE po.started_on <= ? AND (po.ended_on IS NULL OR po.ended_on >= ?) AND po.post IN ("+db.Marks(len(payPosts))+") AND "+
		access.InSubtree(org.PathCol("o"), path), args...)
	if err != nil {
		return nil, errs.Wrap(err, "posts of the year")
	}
	defer rows.Close()
	out := map[[2]int64][]string{}
	for rows.Next() {
		var k [2]int64
		var post string
		if err := rows.Scan(&k[0], &k[1], &post); err != nil {
			return nil, errs.Wrap(err, "scan post")
		}
		out[k] = append(out[k], post)
	}
	order := map[string]int{}
	for i, k := range PostKinds {
		order[k.Key] = i
	}
	for _, ps := range out {
		slices.SortFunc(ps, func(a, b string) int { return order[a] - order[b] })
	}
	return out, errs.Wrap(rows.Err(), "posts of the year")
}

// references reads every recorded income of a year: org id → rural, urban.
func (s *Service) references(ctx context.Context, year int) (map[int64][2]int, error) {
	rows, err := s.db.Query(ctx, "SELECT org_id, rural, urban FROM reference_incomes WHERE year = ?", year)
	if err != nil {
		return nil, errs.Wrap(err, "reference incomes")
	}
	defer rows.Close()
	out := map[int64][2]int{}
	for rows.Next() {
		var id int64
		var r, u int
		if err := rows.Scan(&id, &r, &u); err != nil {
			return nil, errs.Wrap(err, "scan reference income")
		}
		out[id] = [2]int{r, u}
	}
	return out, errs.Wrap(rows.Err(), "reference incomes")
}

// Growth is the basic pay of one part of a subtree in a year and the year
// before.
type Growth struct {
	OrgID    int64   `json:"org_id"`
	OrgName  string  `json:"org_name"`
	Cadres   int     `json:"cadres"`
	Average  float64 `json:"average"`      // yuan, this year
	LastAvg  float64 `json:"last_average"` // yuan, the year before; 0 when none was recorded
	GrowthPc float64 `json:"growth_pct"`   // percent; 0 without last year's figure
}

// PayGrowth compares the average basic pay of a year with the year before
// for each child organization of under (a city's counties, a county's
// townships), in the children's order.
func (s *Service) PayGrowth(ctx context.Context, actor access.Actor, under int64, year int) ([]Growth, error) {
	o, err := s.orgs.Check(ctx, actor, under, PeopleRead)
	if err != nil {
		return nil, err
	}
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	out := make([]Growth, len(kids))
	for i, k := range kids {
		idx[k.ID] = i
		out[i] = Growth{OrgID: k.ID, OrgName: k.Label()}
	}
	depth := len(org.PathIDs(o.Path))
	rows, err := s.db.Query(ctx, `SELECT c.year, c.basic_pay, `+org.PathCol("o")+` FROM cadre_pay c`+org.Join("o", "c.org_id")+`
		WHERE c.year IN (?, ?) AND `+access.InSubtree(org.PathCol("o"), o.Path), year, year-1)
	if err != nil {
		return nil, errs.Wrap(err, "pay growth")
	}
	defer rows.Close()
	sum := map[int64][2]float64{}
	n := map[int64][2]int{}
	for rows.Next() {
		var y, pay int
		var path string
		if err := rows.Scan(&y, &pay, &path); err != nil {
			return nil, errs.Wrap(err, "scan pay growth")
		}
		ids := org.PathIDs(path)
		if len(ids) <= depth || !actor.Can(PeopleRead, path) {
			continue
		}
		child := ids[depth]
		k := 0
		if y == year-1 {
			k = 1
		}
		s, c := sum[child], n[child]
		s[k] += float64(pay)
		c[k]++
		sum[child], n[child] = s, c
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "pay growth")
	}
	for id, c := range n {
		i, ok := idx[id]
		if !ok {
			continue
		}
		g := &out[i]
		g.Cadres = c[0]
		if c[0] > 0 {
			g.Average = math.Round(sum[id][0]/float64(c[0])*10) / 10
		}
		if c[1] > 0 {
			g.LastAvg = math.Round(sum[id][1]/float64(c[1])*10) / 10
		}
		if g.LastAvg > 0 && g.Average > 0 {
			g.GrowthPc = math.Round((g.Average/g.LastAvg-1)*1000) / 10
		}
	}
	return out, nil
}
