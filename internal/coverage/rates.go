package coverage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Counts are the units of a scope by coverage status.
type Counts struct {
	Units      int `json:"units"`
	Own        int `json:"own"`
	Joint      int `json:"joint"`
	Instructor int `json:"instructor"`
	None       int `json:"none"`
}

func (c *Counts) add(coverage string, n int) {
	c.Units += n
	switch coverage {
	case Own:
		c.Own += n
	case Joint:
		c.Joint += n
	case Instructor:
		c.Instructor += n
	case None:
		c.None += n
	}
}

// OrgCovered counts units with their own or a joint organization.
func (c Counts) OrgCovered() int { return c.Own + c.Joint }

// WorkCovered counts units with an organization or an instructor.
func (c Counts) WorkCovered() int { return c.Own + c.Joint + c.Instructor }

// OrgRate is 组织覆盖率 in percent, 0 when there are no units.
func (c Counts) OrgRate() float64 { return rate(c.OrgCovered(), c.Units) }

// WorkRate is 工作覆盖率 in percent, 0 when there are no units.
func (c Counts) WorkRate() float64 { return rate(c.WorkCovered(), c.Units) }

func rate(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) * 100 / float64(b)
}

// Summary is Counts with both rates, as the API shows them.
type Summary struct {
	Counts
	OrgCovered  int     `json:"org_covered"`
	WorkCovered int     `json:"work_covered"`
	OrgRate     float64 `json:"org_rate"`
	WorkRate    float64 `json:"work_rate"`
}

// Summarize adds the rates to c, rounded to 0.1 %.
func Summarize(c Counts) Summary {
	round := func(f float64) float64 { v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 1, 64), 64); return v }
	return Summary{Counts: c, OrgCovered: c.OrgCovered(), WorkCovered: c.WorkCovered(), OrgRate: round(c.OrgRate()), WorkRate: round(c.WorkRate())}
}

// ChildCounts are the counts of one child organization's subtree.
type ChildCounts struct {
	Org    org.Org `json:"org"`
	Counts Counts  `json:"counts"`
}

// Rates is the coverage picture of a subtree and its slices.
type Rates struct {
	Org        org.Org           `json:"org"`
	Total      Counts            `json:"total"`
	ByCategory map[string]Counts `json:"by_category"`
	BySize     map[string]Counts `json:"by_size"`
	ByIndustry map[string]Counts `json:"by_industry,omitempty"`
	Children   []ChildCounts     `json:"children"`
}

// Totals reads the coverage counts of an organization's subtree from the
// aggregates, for the statistics endpoint. Like Rates it needs unit.read on
// the organization; callers that add the figures only when allowed test for
// errs.Forbidden.
func (s *Service) Totals(ctx context.Context, actor access.Actor, orgID int64) (Counts, error) {
	var c Counts
	if _, err := s.readable(ctx, actor, orgID); err != nil {
		return c, err
	}
	rows, err := s.db.Query(ctx, "SELECT coverage, n FROM coverage_agg WHERE org_id = ? AND n <> 0", orgID)
	if err != nil {
		return c, errs.Wrap(err, "coverage totals")
	}
	defer rows.Close()
	for rows.Next() {
		var cov string
		var n int
		if err := rows.Scan(&cov, &n); err != nil {
			return c, errs.Wrap(err, "scan totals")
		}
		c.add(cov, n)
	}
	return c, errs.Wrap(rows.Err(), "totals rows")
}

// readable returns the organization whose coverage figures the actor asks
// for: outside its scope it does not exist (404), inside it the actor needs
// unit.read (403).
func (s *Service) readable(ctx context.Context, actor access.Actor, orgID int64) (org.Org, error) {
	o, err := s.orgs.Get(ctx, actor, orgID)
	if err != nil {
		return org.Org{}, err
	}
	if !actor.Can(UnitRead, o.Path) {
		return org.Org{}, errs.New(errs.Forbidden, "您没有查看两新组织覆盖情况的权限", "you may not read coverage here")
	}
	return o, nil
}

// Rates returns the coverage of an organization's subtree: totals, slices by
// category, size class and, when asked, industry, and each child
// organization's subtree — all read from the aggregates.
func (s *Service) Rates(ctx context.Context, actor access.Actor, orgID int64, withIndustry bool) (Rates, error) {
	o, err := s.readable(ctx, actor, orgID)
	if err != nil {
		return Rates{}, err
	}
	r := Rates{Org: o, ByCategory: map[string]Counts{}, BySize: map[string]Counts{}}
	if withIndustry {
		r.ByIndustry = map[string]Counts{}
	}
	rows, err := s.db.Query(ctx, "SELECT category, size_class, industry, coverage, n FROM coverage_agg WHERE org_id = ? AND n <> 0", orgID)
	if err != nil {
		return r, errs.Wrap(err, "rates")
	}
	for rows.Next() {
		var cat, size, ind, cov string
		var n int
		if err := rows.Scan(&cat, &size, &ind, &cov, &n); err != nil {
			rows.Close()
			return r, errs.Wrap(err, "scan rates")
		}
		r.Total.add(cov, n)
		for _, sl := range []struct {
			m   map[string]Counts
			key string
		}{{r.ByCategory, cat}, {r.BySize, size}, {r.ByIndustry, ind}} {
			if sl.m != nil {
				c := sl.m[sl.key]
				c.add(cov, n)
				sl.m[sl.key] = c
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, errs.Wrap(err, "rates rows")
	}
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: orgID, ChildrenOnly: true, Limit: 5000})
	if err != nil {
		return r, err
	}
	if len(kids) > 0 {
		idx := map[int64]int{}
		args := make([]any, len(kids))
		for i, k := range kids {
			idx[k.ID] = i
			args[i] = k.ID
			r.Children = append(r.Children, ChildCounts{Org: k})
		}
		ph := strings.TrimSuffix(strings.Repeat("?,", len(kids)), ",")
		rows, err := s.db.Query(ctx, "SELECT org_id, coverage, SUM(n) FROM coverage_agg WHERE org_id IN ("+ph+") GROUP BY org_id, coverage", args...)
		if err != nil {
			return r, errs.Wrap(err, "child rates")
		}
		for rows.Next() {
			var id int64
			var cov string
			var n int
			if err := rows.Scan(&id, &cov, &n); err != nil {
				rows.Close()
				return r, errs.Wrap(err, "scan child rates")
			}
			r.Children[idx[id]].Counts.add(cov, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return r, errs.Wrap(err, "child rows")
		}
	}
	return r, nil
}

// MonthRate is the coverage of a subtree at the end of a month.
type MonthRate struct {
	Month       string  `json:"month"`
	Units       int     `json:"units"`
	OrgCovered  int     `json:"org_covered"`
	WorkCovered int     `json:"work_covered"`
	OrgRate     float64 `json:"org_rate"`
	WorkRate    float64 `json:"work_rate"`
}

// Snapshot records every organization's current coverage as the figures of
// month (YYYY-MM). Run again within the month, it overwrites them, so the
// last run of a month holds its month-end figures.
func (s *Service) Snapshot(ctx context.Context, month string) error {
	if _, err := time.Parse("2006-01", month); err != nil {
		return errs.Field("month", "月份应写成 年-月，例如 2024-07", "write the month as year-month, e.g. 2024-07")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO coverage_monthly (org_id, month, units, org_covered, work_covered)
			SELECT org_id, ?, SUM(n), SUM(CASE WHEN coverage IN ('own', 'joint') THEN n ELSE 0 END), SUM(CASE WHEN coverage <> 'none' THEN n ELSE 0 END)
			FROM coverage_agg WHERE 1 = 1 GROUP BY org_id
			ON CONFLICT (org_id, month) DO UPDATE SET units = excluded.units, org_covered = excluded.org_covered, work_covered = excluded.work_covered`, month)
		return errs.Wrap(err, "snapshot")
	})
}

// Trend returns the month-end figures of an organization's subtree, oldest
// first, for the last n months that have them.
func (s *Service) Trend(ctx context.Context, actor access.Actor, orgID int64, n int) ([]MonthRate, error) {
	if _, err := s.readable(ctx, actor, orgID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT month, units, org_covered, work_covered FROM coverage_monthly WHERE org_id = ? ORDER BY month DESC LIMIT ?", orgID, n)
	if err != nil {
		return nil, errs.Wrap(err, "trend")
	}
	defer rows.Close()
	var out []MonthRate
	for rows.Next() {
		var m MonthRate
		if err := rows.Scan(&m.Month, &m.Units, &m.OrgCovered, &m.WorkCovered); err != nil {
			return nil, errs.Wrap(err, "scan trend")
		}
		c := Summarize(Counts{Units: m.Units, Own: m.OrgCovered, Instructor: m.WorkCovered - m.OrgCovered})
		m.OrgRate, m.WorkRate = c.OrgRate, c.WorkRate
		out = append([]MonthRate{m}, out...)
	}
	return out, errs.Wrap(rows.Err(), "trend rows")
}

// JointFlag is a joint branch whose units span townships or are too many.
type JointFlag struct {
	Org       org.Org `json:"org"`
	Units     int     `json:"units"`
	Townships int     `json:"townships"`
	// Reasons say why the branch is flagged, in the language chosen with In
	// (Chinese until then).
	Reasons []string `json:"reasons"`
	reasons []i18n.Text
}

// In returns the flag with its reasons in lang ("en" or Chinese).
func (f JointFlag) In(lang string) JointFlag {
	f.Reasons = nil
	for _, r := range f.reasons {
		f.Reasons = append(f.Reasons, r.In(lang))
	}
	return f
}

// JointFlags lists the joint branches of a subtree that the rules flag.
// They name units' organizations and counts, so they need unit.read like
// the rates.
func (s *Service) JointFlags(ctx context.Context, actor access.Actor, orgID int64) ([]JointFlag, error) {
	o, err := s.readable(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT u.coverage_org_id, COUNT(*), COUNT(DISTINCT substr(u.region_code, 1, 9)) FROM units u`+org.Join("c", "u.coverage_org_id")+`
		WHERE u.coverage = 'joint' AND u.status = 'active' AND `+access.InSubtree(org.PathCol("c"), o.Path)+` GROUP BY u.coverage_org_id
		HAVING COUNT(*) > ? OR COUNT(DISTINCT substr(u.region_code, 1, 9)) > 1`, st.JointMaxUnits)
	if err != nil {
		return nil, errs.Wrap(err, "joint flags")
	}
	type raw struct {
		id       int64
		n, towns int
	}
	var rs []raw
	for rows.Next() {
		var r raw
		if err := rows.Scan(&r.id, &r.n, &r.towns); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan joint")
		}
		rs = append(rs, r)
	}
	rows.Close()
	var out []JointFlag
	for _, r := range rs {
		jo, err := s.orgs.Get(ctx, actor, r.id)
		if err != nil {
			continue
		}
		f := JointFlag{Org: jo, Units: r.n, Townships: r.towns}
		if r.towns > 1 {
			f.reasons = append(f.reasons, i18n.Textf("所联合的单位分布在 %d 个乡镇（街道），应按属地就近调整联合范围",
				"its units lie in %d townships or streets: regroup them with their neighbours", r.towns))
		}
		if r.n > st.JointMaxUnits {
			f.reasons = append(f.reasons, i18n.Textf("联合了 %d 个单位，超过 %d 个，应拆分或推动党员多的单位单独组建",
				"it joins %d units, more than %d: split it, or help the units with more members form their own", r.n, st.JointMaxUnits))
		}
		out = append(out, f.In("zh-CN"))
	}
	return out, nil
}
