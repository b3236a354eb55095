package people

import (
	"context"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// CareQuery filters the care cases.
type CareQuery struct {
	Under    int64  // an organization's subtree; 0 for the actor's scope
	PersonID int64  // one person's cases
	State    string // a CareStates key, or "" for all
	Category string
	Year     int    // of the application; 0 for every year
	Q        string // part of the member's name
	Sort     string // applied_on (default: newest first), name, requested, approved, state; "-" before it reverses
	Limit    int
	Offset   int
}

// careSorts are the orders of the case list, each with a tie-breaker.
var careSorts = map[string]string{
	"applied_on": "c.applied_on %s, c.id %s",
	"name":       "p.name_key %s, c.id %s",
	"requested":  "c.requested %s, c.id %s",
	"approved":   "COALESCE(c.approved_amount, 0) %s, c.id %s",
	"state":      "CASE c.state WHEN 'applied' THEN 1 WHEN 'reviewed' THEN 2 WHEN 'approved' THEN 3 WHEN 'paid' THEN 4 ELSE 5 END %s, c.id %s",
}

// CareCases lists the cases the actor may read, with their total and the
// count of each state under the same filters but the state's.
func (s *Service) CareCases(ctx context.Context, actor access.Actor, q CareQuery) ([]CareCase, int, map[string]int, error) {
	if !actor.CanAnywhere(CareRead) {
		return nil, 0, nil, errs.New(errs.Forbidden, "您没有查看关爱帮扶案件的权限", "you may not read care cases")
	}
	scope, args := actor.ScopeSQL("o.path", CareRead)
	where := []string{scope}
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, CareRead)
		if err != nil {
			return nil, 0, nil, err
		}
		where = append(where, access.InSubtree("o.path", o.Path))
	}
	if q.PersonID != 0 {
		where, args = append(where, "c.person_id = ?"), append(args, q.PersonID)
	}
	if q.Category != "" {
		if _, ok := org.KeyOf(CareCategories, q.Category); !ok {
			return nil, 0, nil, errs.Field("category", "困难类别无效", "unknown kind of hardship")
		}
		where, args = append(where, "c.category = ?"), append(args, q.Category)
	}
	if q.Year != 0 {
		where, args = append(where, "c.year = ?"), append(args, q.Year)
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		where, args = append(where, "p.name LIKE ?"), append(args, db.Contains(q.Q))
	}
	if q.State != "" {
		if _, ok := org.KeyOf(CareStates, q.State); !ok {
			return nil, 0, nil, errs.Field("state", "状态只能是 applied、reviewed、approved、paid 或 rejected", "state must be applied, reviewed, approved, paid or rejected")
		}
	}
	counts := map[string]int{}
	rows, err := s.db.Query(ctx, "SELECT c.state, COUNT(*)"+careFrom+" WHERE "+strings.Join(where, " AND ")+" GROUP BY c.state", args...)
	if err != nil {
		return nil, 0, nil, errs.Wrap(err, "care counts")
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, 0, nil, errs.Wrap(err, "scan care counts")
		}
		counts[st] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, nil, errs.Wrap(err, "care counts")
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if q.State != "" {
		where, args = append(where, "c.state = ?"), append(args, q.State)
		total = counts[q.State]
	}
	key, desc := sortKey(q.Sort, "-applied_on")
	order, ok := careSorts[key]
	if !ok {
		return nil, 0, nil, errs.Field("sort", "排序只能是 applied_on、name、requested、approved 或 state", "sort must be applied_on, name, requested, approved or state")
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	sql := "SELECT " + careCols + careFrom + " WHERE " + strings.Join(where, " AND ") + " ORDER BY " + strings.ReplaceAll(order, "%s", dir)
	if q.Limit > 0 {
		sql += " LIMIT ? OFFSET ?"
		args = append(args, q.Limit, q.Offset)
	}
	rows, err = s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, 0, nil, errs.Wrap(err, "care cases")
	}
	defer rows.Close()
	var out []CareCase
	for rows.Next() {
		var c CareCase
		if err := scanCare(rows, &c); err != nil {
			return nil, 0, nil, errs.Wrap(err, "scan care case")
		}
		out = append(out, c)
	}
	return out, total, counts, errs.Wrap(rows.Err(), "care cases")
}

// CareTotal is one part of a subtree's care of a year: cases applied for,
// approved by the county (paid ones included) and paid, with their
// amounts in yuan.
type CareTotal struct {
	OrgID          int64  `json:"org_id"`
	OrgName        string `json:"org_name"`
	Cases          int    `json:"cases"`
	Approved       int    `json:"approved"`
	ApprovedAmount int    `json:"approved_amount"`
	Paid           int    `json:"paid"`
	PaidAmount     int    `json:"paid_amount"`
	Refused        int    `json:"refused"`
	Pending        int    `json:"pending"`
}

// CareTotals are the yearly totals of the cases applied for in a year (0:
// this year) under each child of under (a city's counties, a county's
// townships; 0 for the top of the actor's scope), in the children's order,
// and their sum.
func (s *Service) CareTotals(ctx context.Context, actor access.Actor, under int64, year int) ([]CareTotal, CareTotal, error) {
	under, err := scopeRoot(actor, under, CareRead, "您没有查看关爱帮扶案件的权限", "you may not read care cases")
	if err != nil {
		return nil, CareTotal{}, err
	}
	if year == 0 {
		year = s.today().Year()
	}
	o, err := s.orgs.Check(ctx, actor, under, CareRead)
	if err != nil {
		return nil, CareTotal{}, err
	}
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		return nil, CareTotal{}, err
	}
	idx := map[int64]int{}
	out := make([]CareTotal, len(kids))
	for i, k := range kids {
		idx[k.ID] = i
		out[i] = CareTotal{OrgID: k.ID, OrgName: k.Label()}
	}
	// Cases of the organization itself (its own members) form a row of
	// their own.
	own := -1
	depth := len(org.PathIDs(o.Path))
	rows, err := s.db.Query(ctx, `SELECT o.path, c.state, COALESCE(c.approved_amount, 0), COALESCE(c.paid_amount, 0) FROM care_cases c`+org.Join("o", "c.org_id")+
		` WHERE c.year = ? AND `+access.InSubtree("o.path", o.Path), year)
	if err != nil {
		return nil, CareTotal{}, errs.Wrap(err, "care totals")
	}
	defer rows.Close()
	var sum CareTotal
	sum.OrgID, sum.OrgName = o.ID, o.Label()
	for rows.Next() {
		var path, state string
		var approved, paid int
		if err := rows.Scan(&path, &state, &approved, &paid); err != nil {
			return nil, CareTotal{}, errs.Wrap(err, "scan care totals")
		}
		if !actor.Can(CareRead, path) {
			continue
		}
		ids := org.PathIDs(path)
		parts := []*CareTotal{&sum}
		if len(ids) > depth {
			// A dissolved child's cases count in the sum only.
			if i, ok := idx[ids[depth]]; ok {
				parts = append(parts, &out[i])
			}
		} else {
			if own < 0 {
				own = len(out)
				out = append(out, CareTotal{OrgID: o.ID, OrgName: o.Label()})
			}
			parts = append(parts, &out[own])
		}
		for _, x := range parts {
			x.Cases++
			switch state {
			case "approved", "paid":
				x.Approved++
				x.ApprovedAmount += approved
				if state == "paid" {
					x.Paid++
					x.PaidAmount += paid
				}
			case "rejected":
				x.Refused++
			default:
				x.Pending++
			}
		}
	}
	return out, sum, errs.Wrap(rows.Err(), "care totals")
}
