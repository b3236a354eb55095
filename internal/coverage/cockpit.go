package coverage

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// Standing is the coverage of a subtree in a year, as the cockpit and the
// statistics API show it: the totals, each child's rates, the trend of the
// twelve months and the standing against the year's goals. For this year
// the figures are today's, from the aggregates; for a past year they are
// those recorded at the end of its last month with a record (Month). A
// month-end record keeps the units and those covered, not the kinds of
// organization, so for a past year Own counts every unit with an
// organization and Joint is 0.
type Standing struct {
	Summary
	Year int `json:"year"`
	// Month is the month (2025-12) whose end the figures of a past year
	// are of; "" for this year. NoRecord says a past year has no monthly
	// record at all, and its figures are zero.
	Month    string `json:"month,omitempty"`
	NoRecord bool   `json:"no_record,omitempty"`
	// Children are the active child organizations, each with the rates of
	// its subtree: those with units first, the lowest organizational
	// coverage first, then those without units.
	Children []ChildRate `json:"children"`
	// Trend holds the month-end figures of the twelve months up to the
	// figures', oldest first, those that have a record.
	Trend []MonthRate `json:"trend"`
	// Goals is the standing against the goal set of the year that applies
	// to the organization, nil when there is none.
	Goals *GoalStanding `json:"goals,omitempty"`
}

// ChildRate is the coverage of a child organization's subtree.
type ChildRate struct {
	OrgID       int64   `json:"org_id"`
	Name        string  `json:"name"`
	Units       int     `json:"units"`
	OrgCovered  int     `json:"org_covered"`
	WorkCovered int     `json:"work_covered"`
	OrgRate     float64 `json:"org_rate"`
	WorkRate    float64 `json:"work_rate"`
}

// GoalStanding is an organization's standing against a goal set: each
// indicator the set gives it a target for, with its value.
type GoalStanding struct {
	SetID      int64           `json:"set_id"`
	Name       string          `json:"name"`
	OwnerName  string          `json:"owner_name"`
	Indicators []GoalIndicator `json:"indicators"`
	// Assessed counts the indicators with a value, Met those at or above
	// their target.
	Assessed int `json:"assessed"`
	Met      int `json:"met"`
}

// GoalIndicator is one indicator of a GoalStanding. Value is nil when it
// is not read here: a past year's month-end record holds the two coverage
// rates only, and today's figures are those of the aggregates — the share
// of eligible units with their own organization and of units with a venue
// count the units of the subtree one by one (some 50 ms for a city's
// 20,000), which GoalProgress does.
type GoalIndicator struct {
	Key    string   `json:"key"`
	Value  *float64 `json:"value"`
	Target float64  `json:"target"`
	Behind bool     `json:"behind"`
}

// Standing returns the coverage of the subtree of orgID in year, for a
// reader with unit.read on the organization. A year before this one (in
// Asia/Shanghai) is read from the monthly records.
func (s *Service) Standing(ctx context.Context, actor access.Actor, orgID int64, year int) (Standing, error) {
	o, err := s.readable(ctx, actor, orgID)
	if err != nil {
		return Standing{}, err
	}
	now := s.now().In(org.Shanghai)
	st := Standing{Year: year, Children: []ChildRate{}, Trend: []MonthRate{}}
	// The goals' values are read only when a goal set applies.
	var values func() (map[string]float64, error)
	upTo := now.Format("2006-01")
	if year < now.Year() {
		upTo = strconv.Itoa(year) + "-12"
		if err := s.pastStanding(ctx, o, &st); err != nil {
			return st, err
		}
		values = func() (map[string]float64, error) { return nil, nil }
		if st.Month != "" {
			upTo = st.Month
			values = func() (map[string]float64, error) {
				return map[string]float64{"org_coverage": st.OrgRate, "work_coverage": st.WorkRate}, nil
			}
		}
	} else {
		if err := s.liveStanding(ctx, o, &st); err != nil {
			return st, err
		}
		values = func() (map[string]float64, error) { return s.aggValues(ctx, o) }
	}
	slices.SortStableFunc(st.Children, func(a, b ChildRate) int {
		if (a.Units == 0) != (b.Units == 0) {
			return cmp.Compare(b.Units, a.Units)
		}
		return cmp.Or(cmp.Compare(a.OrgRate, b.OrgRate), strings.Compare(a.Name, b.Name))
	})
	rows, err := s.db.Query(ctx, "SELECT month, units, org_covered, work_covered FROM coverage_monthly WHERE org_id = ? AND month <= ? ORDER BY month DESC LIMIT 12", o.ID, upTo)
	if err != nil {
		return st, errs.Wrap(err, "trend")
	}
	for rows.Next() {
		var m MonthRate
		if err := rows.Scan(&m.Month, &m.Units, &m.OrgCovered, &m.WorkCovered); err != nil {
			rows.Close()
			return st, errs.Wrap(err, "scan trend")
		}
		c := Summarize(Counts{Units: m.Units, Own: m.OrgCovered, Instructor: m.WorkCovered - m.OrgCovered})
		m.OrgRate, m.WorkRate = c.OrgRate, c.WorkRate
		st.Trend = append(st.Trend, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, errs.Wrap(err, "trend")
	}
	slices.Reverse(st.Trend)
	st.Goals, err = s.goalStanding(ctx, actor, o, year, values)
	return st, err
}

// liveStanding fills in today's figures of o's subtree and its children
// from the aggregates, the children's in one query.
func (s *Service) liveStanding(ctx context.Context, o org.Org, st *Standing) error {
	var c Counts
	rows, err := s.db.Query(ctx, "SELECT coverage, SUM(n) FROM coverage_agg WHERE org_id = ? GROUP BY coverage", o.ID)
	if err != nil {
		return errs.Wrap(err, "coverage totals")
	}
	for rows.Next() {
		var cov string
		var n int
		if err := rows.Scan(&cov, &n); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan totals")
		}
		c.add(cov, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "coverage totals")
	}
	st.Summary = Summarize(c)
	rows, err = s.db.Query(ctx, "SELECT o.id, "+org.LabelCol("o")+", a.coverage, SUM(a.n) FROM orgs o LEFT JOIN coverage_agg a ON a.org_id = o.id"+
		" WHERE o.parent_id = ? AND o.status = ? GROUP BY o.id, o.name, o.short_name, a.coverage ORDER BY o.id", o.ID, org.StatusActive)
	if err != nil {
		return errs.Wrap(err, "children's coverage")
	}
	var kids []*ChildRate
	counts := map[int64]*Counts{}
	for rows.Next() {
		var id int64
		var name string
		var cov sql.NullString
		var n sql.NullInt64
		if err := rows.Scan(&id, &name, &cov, &n); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan children's coverage")
		}
		if counts[id] == nil {
			counts[id] = &Counts{}
			kids = append(kids, &ChildRate{OrgID: id, Name: name})
		}
		if cov.Valid {
			counts[id].add(cov.String, int(n.Int64))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "children's coverage")
	}
	for _, k := range kids {
		c := Summarize(*counts[k.OrgID])
		k.Units, k.OrgCovered, k.WorkCovered, k.OrgRate, k.WorkRate = c.Units, c.OrgCovered, c.WorkCovered, c.OrgRate, c.WorkRate
		st.Children = append(st.Children, *k)
	}
	return nil
}

// pastStanding fills in the figures of o's subtree and its children
// recorded at the end of the last month of st.Year that has a record, the
// children's in one query.
func (s *Service) pastStanding(ctx context.Context, o org.Org, st *Standing) error {
	y := strconv.Itoa(st.Year)
	var month sql.NullString
	if err := s.db.QueryRow(ctx, "SELECT MAX(month) FROM coverage_monthly WHERE org_id = ? AND month >= ? AND month <= ?", o.ID, y+"-01", y+"-12").Scan(&month); err != nil {
		return errs.Wrap(err, "last month of the year")
	}
	if !month.Valid {
		st.NoRecord = true
	} else {
		st.Month = month.String
		var units, orgCov, workCov int
		if err := s.db.QueryRow(ctx, "SELECT units, org_covered, work_covered FROM coverage_monthly WHERE org_id = ? AND month = ?", o.ID, st.Month).Scan(&units, &orgCov, &workCov); err != nil {
			return errs.Wrap(err, "month-end coverage")
		}
		st.Summary = Summarize(monthCounts(units, orgCov, workCov))
	}
	rows, err := s.db.Query(ctx, "SELECT o.id, "+org.LabelCol("o")+", COALESCE(m.units, 0), COALESCE(m.org_covered, 0), COALESCE(m.work_covered, 0) FROM orgs o"+
		" LEFT JOIN coverage_monthly m ON m.org_id = o.id AND m.month = ? WHERE o.parent_id = ? AND o.status = ? ORDER BY o.id", st.Month, o.ID, org.StatusActive)
	if err != nil {
		return errs.Wrap(err, "children's month-end coverage")
	}
	defer rows.Close()
	for rows.Next() {
		var k ChildRate
		if err := rows.Scan(&k.OrgID, &k.Name, &k.Units, &k.OrgCovered, &k.WorkCovered); err != nil {
			return errs.Wrap(err, "scan children's month-end coverage")
		}
		c := Summarize(monthCounts(k.Units, k.OrgCovered, k.WorkCovered))
		k.OrgRate, k.WorkRate = c.OrgRate, c.WorkRate
		st.Children = append(st.Children, k)
	}
	return errs.Wrap(rows.Err(), "children's month-end coverage")
}

// monthCounts are the counts of a month-end record, which keeps the units
// with an organization as one number: Own holds them all.
func monthCounts(units, orgCovered, workCovered int) Counts {
	return Counts{Units: units, Own: orgCovered, Instructor: workCovered - orgCovered, None: units - workCovered}
}

// goalStanding is o's standing against the goal set of year that applies
// to it — the one owned by o or by the nearest organization above it, the
// newest of those — with the values that values gives (those it leaves
// out are not known), or nil when the reader sees no such set.
func (s *Service) goalStanding(ctx context.Context, actor access.Actor, o org.Org, year int, values func() (map[string]float64, error)) (*GoalStanding, error) {
	ids := pathIDs(o.Path)
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{year}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.db.Query(ctx, "SELECT id, owner_org_id FROM goal_sets WHERE year = ? AND owner_org_id IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+") ORDER BY id DESC", args...)
	if err != nil {
		return nil, errs.Wrap(err, "goal sets of the year")
	}
	type cand struct{ id, depth int64 }
	var cands []cand
	for rows.Next() {
		var id, owner int64
		if err := rows.Scan(&id, &owner); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan goal set")
		}
		cands = append(cands, cand{id, int64(slices.Index(ids, owner))})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "goal sets of the year")
	}
	// The nearest owner first; the newest set among one owner's.
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(b.depth, a.depth) })
	for _, c := range cands {
		g, err := s.GoalSet(ctx, actor, c.id)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		nearer, err := s.nearerSets(ctx, g, []org.Org{o})
		if err != nil {
			return nil, err
		}
		vals, err := values()
		if err != nil {
			return nil, err
		}
		out := &GoalStanding{SetID: g.ID, Name: g.Name, OwnerName: g.OwnerName, Indicators: []GoalIndicator{}}
		for _, k := range g.Indicators {
			t, _, ok := g.targetFor(o, k, nearer)
			if !ok {
				continue
			}
			gi := GoalIndicator{Key: k, Target: t}
			if v, ok := vals[k]; ok {
				gi.Value = &v
				gi.Behind = v < t
				out.Assessed++
				if !gi.Behind {
					out.Met++
				}
			}
			out.Indicators = append(out.Indicators, gi)
		}
		return out, nil
	}
	return nil, nil
}

// aggValues are the goal indicators of o's subtree that its aggregates
// give, computed as indicatorValues computes them: the two coverage rates,
// the organizational coverage of units above the size threshold and the
// share of units without an organization that have an instructor.
func (s *Service) aggValues(ctx context.Context, o org.Org) (map[string]float64, error) {
	var total, above Counts
	rows, err := s.db.Query(ctx, "SELECT size_class, coverage, SUM(n) FROM coverage_agg WHERE org_id = ? GROUP BY size_class, coverage", o.ID)
	if err != nil {
		return nil, errs.Wrap(err, "indicator agg")
	}
	defer rows.Close()
	for rows.Next() {
		var size, cov string
		var n int
		if err := rows.Scan(&size, &cov, &n); err != nil {
			return nil, errs.Wrap(err, "scan indicator")
		}
		total.add(cov, n)
		if size == "above" {
			above.add(cov, n)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "indicator agg")
	}
	round := func(a, b int) float64 { return Summarize(Counts{Units: b, Own: a}).OrgRate }
	return map[string]float64{
		"org_coverage":            round(total.OrgCovered(), total.Units),
		"work_coverage":           round(total.WorkCovered(), total.Units),
		"above_size_org_coverage": round(above.OrgCovered(), above.Units),
		"instructor_share":        round(total.Instructor, total.Instructor+total.None),
	}, nil
}
