package cases

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// Stats are the figures of the cases of a subtree that the reader sees:
// integrity reports count only for those who may know of them.
type Stats struct {
	Total   int            `json:"total"`
	ByKind  map[string]int `json:"by_kind"`
	ByState map[string]int `json:"by_state"`
	// Open cases, and how many of them have a deadline that passed.
	Open      int `json:"open"`
	Overdue   int `json:"overdue"`
	Escalated int `json:"escalated"`
	// Accepted counts the cases accepted, AcceptedOnTime those accepted
	// by their acceptance deadline; Answered and AnsweredOnTime the same
	// for the answer of the last round.
	Accepted       int `json:"accepted"`
	AcceptedOnTime int `json:"accepted_on_time"`
	Answered       int `json:"answered"`
	AnsweredOnTime int `json:"answered_on_time"`
	// Closed counts closed and refused cases by outcome: closing is never
	// counted as resolving.
	ByOutcome map[string]int `json:"by_outcome"`
	// Ratings counts the reporters' ratings, every round's; Reopened the
	// cases reopened at least once.
	Ratings  map[string]int `json:"ratings"`
	Reopened int            `json:"reopened"`
}

// SubtreeStats returns the statistics of the cases of an organization's
// subtree that the actor sees.
func (s *Service) SubtreeStats(ctx context.Context, actor access.Actor, orgID int64) (Stats, error) {
	v, _, err := s.statsViewer(ctx, actor, orgID)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{ByKind: map[string]int{}, ByState: map[string]int{}, ByOutcome: map[string]int{}, Ratings: map[string]int{}}
	for _, integrity := range []bool{false, true} {
		if integrity && !v.CanAnywhere(IntegrityRead) || !integrity && !v.CanAnywhere(CasesRead) {
			continue
		}
		if err := s.addStats(ctx, v, &st, ListQuery{OrgID: orgID, Integrity: integrity}); err != nil {
			return Stats{}, err
		}
	}
	return st, nil
}

// addStats adds the figures of the cases of q to st.
func (s *Service) addStats(ctx context.Context, v viewer, st *Stats, q ListQuery) error {
	src, args, err := s.listSource(ctx, v, q, "c.*")
	if err != nil {
		return err
	}
	now := db.FormatTime(s.now())
	rows, err := s.db.Query(ctx, `SELECT c.kind, c.state, c.outcome, COUNT(*),
		SUM(CASE WHEN c.deadline <= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.escalated_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.accepted_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.accepted_at IS NOT NULL AND c.accepted_at < c.accept_due THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.answered_at IS NOT NULL AND c.answered_at < c.handle_due THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.round > 1 THEN 1 ELSE 0 END) FROM `+src+" c GROUP BY c.kind, c.state, c.outcome", append([]any{now}, args...)...)
	if err != nil {
		return errs.Wrap(err, "case stats")
	}
	for rows.Next() {
		var kind, state, outcome string
		var n, overdue, escalated, accepted, acceptedOnTime, answered, answeredOnTime, reopened int
		if err := rows.Scan(&kind, &state, &outcome, &n, &overdue, &escalated, &accepted, &acceptedOnTime, &answered, &answeredOnTime, &reopened); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan case stats")
		}
		st.Total += n
		st.ByKind[kind] += n
		st.ByState[state] += n
		if open(state) {
			st.Open += n
		} else {
			st.ByOutcome[outcome] += n
		}
		st.Overdue += overdue
		st.Escalated += escalated
		st.Accepted += accepted
		st.AcceptedOnTime += acceptedOnTime
		st.Answered += answered
		st.AnsweredOnTime += answeredOnTime
		st.Reopened += reopened
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "case stats")
	}
	// Ratings are events: every round's counts.
	ids, idArgs, err := s.listSource(ctx, v, q, "c.id")
	if err != nil {
		return err
	}
	rows, err = s.db.Query(ctx, `SELECT e.body, COUNT(*) FROM case_events e JOIN `+ids+` x ON x.id = e.case_id
		WHERE e.type = 'rate' GROUP BY e.body`, idArgs...)
	if err != nil {
		return errs.Wrap(err, "rating stats")
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		var n int
		if err := rows.Scan(&body, &n); err != nil {
			return errs.Wrap(err, "scan rating stats")
		}
		st.Ratings[ratingOf(body)] += n
	}
	return errs.Wrap(rows.Err(), "rating stats")
}

// ratingOf reads the rating a rate event's body starts with.
func ratingOf(body string) string {
	for _, r := range Ratings {
		if len(body) >= len(r.ZH) && body[:len(r.ZH)] == r.ZH && (len(body) == len(r.ZH) || body[len(r.ZH):len(r.ZH)+3] == "：") {
			return r.Key
		}
	}
	return "other"
}

// statsViewer is the viewer of actor, with the organization whose subtree
// the statistics are of, which the actor must be able to read.
func (s *Service) statsViewer(ctx context.Context, actor access.Actor, orgID int64) (viewer, org.Ref, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return viewer{}, org.Ref{}, err
	}
	o, err := org.Lookup(ctx, s.db, orgID)
	if err != nil || !actor.Can(access.OrgRead, o.Path) {
		return viewer{}, org.Ref{}, errs.New(errs.NotFound, "组织不存在或不在您的范围内", "no such organization in your scope")
	}
	return v, o, nil
}

// statsSource is the source of the cases of the subtree of orgID that v
// sees, selecting cols: the residents' cases where v may read them and the
// integrity reports where v may know of them, each through listSource, so
// that the figures of the statistics page never count what the reader
// could not list.
func (s *Service) statsSource(ctx context.Context, v viewer, orgID int64, cols string) (string, []any, error) {
	var srcs []string
	var args []any
	for i, integrity := range []bool{false, true} {
		if integrity && !v.CanAnywhere(IntegrityRead) || !integrity && !v.CanAnywhere(CasesRead) {
			continue
		}
		src, a, err := s.listSource(ctx, v, ListQuery{OrgID: orgID, Integrity: integrity}, cols)
		if err != nil {
			return "", nil, err
		}
		srcs = append(srcs, "SELECT * FROM "+src+" s"+strconv.Itoa(i))
		args = append(args, a...)
	}
	if len(srcs) == 0 {
		return "(SELECT " + cols + " FROM cases c WHERE 1=0)", nil, nil
	}
	return "(" + strings.Join(srcs, " UNION ALL ") + ")", args, nil
}

// ChildStats are the figures of one child organization's subtree, as the
// statistics of that subtree count them: the cases its organizations are
// responsible for and those dispatched into it, so that a case dispatched
// from one child to another counts in both.
type ChildStats struct {
	OrgID          int64  `json:"org_id"`
	Name           string `json:"name"`
	Total          int    `json:"total"`
	Open           int    `json:"open"`
	Overdue        int    `json:"overdue"`
	Escalated      int    `json:"escalated"`
	Accepted       int    `json:"accepted"`
	AcceptedOnTime int    `json:"accepted_on_time"`
	Answered       int    `json:"answered"`
	AnsweredOnTime int    `json:"answered_on_time"`
	Reopened       int    `json:"reopened"`
	// Rated counts the reporters' ratings, every round's; Satisfied those
	// of them 满意 or 基本满意.
	Rated     int `json:"rated"`
	Satisfied int `json:"satisfied"`
}

// ChildrenStats returns the figures of each active child of an
// organization, over the child's subtree, with the cases the actor sees,
// the most cases first. A child without cases is listed with zeros.
func (s *Service) ChildrenStats(ctx context.Context, actor access.Actor, orgID int64) ([]ChildStats, error) {
	v, _, err := s.statsViewer(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT o.id, "+org.LabelCol("o")+", o.path FROM orgs o WHERE o.parent_id = ? AND o.status = ? ORDER BY o.id", orgID, org.StatusActive)
	if err != nil {
		return nil, errs.Wrap(err, "children")
	}
	var out []ChildStats
	var paths []string
	for rows.Next() {
		var c ChildStats
		var path string
		if err := rows.Scan(&c.OrgID, &c.Name, &path); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan children")
		}
		out = append(out, c)
		paths = append(paths, path)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "children")
	}
	if len(out) == 0 {
		return nil, nil
	}
	// Each case is put under the child of its responsible organization and
	// that of the organization it was dispatched to, by the children's
	// subtree bounds written as literals; one query counts every pair.
	childOf := func(col string) string {
		var b strings.Builder
		b.WriteString("CASE")
		for i, p := range paths {
			b.WriteString(" WHEN " + access.InSubtree(col, p) + " THEN " + strconv.Itoa(i))
		}
		b.WriteString(" ELSE -1 END")
		return b.String()
	}
	add := func(rc, hc int, f func(c *ChildStats)) {
		if rc >= 0 && rc < len(out) {
			f(&out[rc])
		}
		if hc >= 0 && hc < len(out) && hc != rc {
			f(&out[hc])
		}
	}
	pairs := func(cols string) string {
		return "SELECT " + childOf("ro.path") + " AS rc, " + childOf("ho.path") + " AS hc, " + cols + " FROM "
	}
	now := db.FormatTime(s.now())
	src, args, err := s.statsSource(ctx, v, orgID, "c.id, c.org_id, c.handler_org_id, c.state, c.deadline, c.escalated_at, c.accepted_at, c.accept_due, c.answered_at, c.handle_due, c.round")
	if err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT t.rc, t.hc, COUNT(*),
		SUM(CASE WHEN t.state NOT IN ('`+Closed+`', '`+Refused+`') THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.deadline <= '`+now+`' THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.escalated_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.accepted_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.accepted_at IS NOT NULL AND t.accepted_at < t.accept_due THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.answered_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.answered_at IS NOT NULL AND t.answered_at < t.handle_due THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.round > 1 THEN 1 ELSE 0 END)
		FROM (`+pairs("x.*")+src+" x"+org.Join("ro", "x.org_id")+org.LeftJoin("ho", "x.handler_org_id")+`) t GROUP BY t.rc, t.hc`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "children's case stats")
	}
	for rows.Next() {
		var rc, hc int
		var n [9]int
		if err := rows.Scan(&rc, &hc, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8]); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan children's case stats")
		}
		add(rc, hc, func(c *ChildStats) {
			c.Total += n[0]
			c.Open += n[1]
			c.Overdue += n[2]
			c.Escalated += n[3]
			c.Accepted += n[4]
			c.AcceptedOnTime += n[5]
			c.Answered += n[6]
			c.AnsweredOnTime += n[7]
			c.Reopened += n[8]
		})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "children's case stats")
	}
	// Ratings are events: every round's counts.
	src, args, err = s.statsSource(ctx, v, orgID, "c.id, c.org_id, c.handler_org_id")
	if err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT t.rc, t.hc, COUNT(*), SUM(CASE WHEN `+ratingSQL("t.body", Satisfied, Fair)+` THEN 1 ELSE 0 END)
		FROM (`+pairs("e.body")+src+" x"+org.Join("ro", "x.org_id")+org.LeftJoin("ho", "x.handler_org_id")+` JOIN case_events e ON e.case_id = x.id
		WHERE e.type = 'rate' AND `+ratingSQL("e.body", Satisfied, Fair, Unsatisfied)+`) t GROUP BY t.rc, t.hc`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "children's ratings")
	}
	defer rows.Close()
	for rows.Next() {
		var rc, hc, rated, good int
		if err := rows.Scan(&rc, &hc, &rated, &good); err != nil {
			return nil, errs.Wrap(err, "scan children's ratings")
		}
		add(rc, hc, func(c *ChildStats) { c.Rated += rated; c.Satisfied += good })
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "children's ratings")
	}
	// The most cases first; equal ones in the order of their names.
	slices.SortStableFunc(out, func(a, b ChildStats) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// ratingSQL is the condition that the body of a rate event in col gives
// one of ratings: the rating's words, alone or before "：" and a comment
// (see rateTx). The words are the module's own constants.
func ratingSQL(col string, ratings ...string) string {
	var conds []string
	for _, r := range ratings {
		zh := org.LabelOf(Ratings, r, "zh")
		conds = append(conds, col+" = '"+zh+"'", col+" LIKE '"+zh+"：%'")
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// MonthStats are the cases of one month in Beijing time: those received,
// in all and by kind, and those closed or not accepted in the month.
type MonthStats struct {
	Month    string         `json:"month"` // 2026-09
	Received int            `json:"received"`
	ByKind   map[string]int `json:"by_kind"`
	Closed   int            `json:"closed"`
}

// TrendMonths is how many months MonthlyStats covers, the current one last.
const TrendMonths = 12

// MonthlyStats returns the cases of the subtree of an organization that
// the actor sees, month by month over the last TrendMonths months in
// Beijing time, the oldest first.
func (s *Service) MonthlyStats(ctx context.Context, actor access.Actor, orgID int64) ([]MonthStats, error) {
	v, _, err := s.statsViewer(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	now := s.now().In(calendarZone)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, calendarZone)
	out := make([]MonthStats, TrendMonths)
	bounds := make([]string, TrendMonths)
	for i := range out {
		m := first.AddDate(0, i-(TrendMonths-1), 0)
		out[i] = MonthStats{Month: m.Format("2006-01"), ByKind: map[string]int{}}
		bounds[i] = db.FormatTime(m) // digits and punctuation: safe as literals
	}
	// The month of a time is found by comparing it with the months' first
	// instants, written as literals, latest first.
	monthOf := func(col string) string {
		var b strings.Builder
		b.WriteString("CASE")
		for i := TrendMonths - 1; i >= 0; i-- {
			b.WriteString(" WHEN " + col + " >= '" + bounds[i] + "' THEN " + strconv.Itoa(i))
		}
		b.WriteString(" ELSE -1 END")
		return b.String()
	}
	src, args, err := s.statsSource(ctx, v, orgID, "c.kind, c.received_at, c.closed_at")
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT t.kind, t.rm, t.cm, COUNT(*) FROM (SELECT x.kind, `+monthOf("x.received_at")+` AS rm, `+monthOf("x.closed_at")+` AS cm
		FROM `+src+` x WHERE x.received_at >= '`+bounds[0]+`' OR x.closed_at >= '`+bounds[0]+`') t GROUP BY t.kind, t.rm, t.cm`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "monthly case stats")
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var rm, cm, n int
		if err := rows.Scan(&kind, &rm, &cm, &n); err != nil {
			return nil, errs.Wrap(err, "scan monthly case stats")
		}
		if rm >= 0 && rm < TrendMonths {
			out[rm].Received += n
			out[rm].ByKind[kind] += n
		}
		if cm >= 0 && cm < TrendMonths {
			out[cm].Closed += n
		}
	}
	return out, errs.Wrap(rows.Err(), "monthly case stats")
}

// PlaceStats are the cases of one place: a division one level below the
// organization's own (the townships of a county, the villages of a
// township), or the township where the organization has no division of its
// own. Code "" gathers the places outside the organization's division.
type PlaceStats struct {
	Code   string         `json:"code"`
	Name   string         `json:"name"`
	Total  int            `json:"total"`
	ByKind map[string]int `json:"by_kind"`
}

// PlacesStats returns the cases of the subtree of an organization that the
// actor sees by the place they were reported at, the most cases first and
// those outside the organization's division last.
func (s *Service) PlacesStats(ctx context.Context, actor access.Actor, orgID int64) ([]PlaceStats, error) {
	v, _, err := s.statsViewer(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	o, err := s.orgs.Get(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	set, err := s.regions.Get()
	if err != nil {
		return nil, errs.Wrap(err, "regions")
	}
	src, args, err := s.statsSource(ctx, v, orgID, "c.region_code, c.kind")
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT x.region_code, x.kind, COUNT(*) FROM "+src+" x GROUP BY x.region_code, x.kind", args...)
	if err != nil {
		return nil, errs.Wrap(err, "case stats by place")
	}
	defer rows.Close()
	by := map[string]*PlaceStats{}
	var out []*PlaceStats
	for rows.Next() {
		var code, kind string
		var n int
		if err := rows.Scan(&code, &kind, &n); err != nil {
			return nil, errs.Wrap(err, "scan case stats by place")
		}
		d, _ := placeOf(set, o.RegionCode, code)
		p := by[d.Code]
		if p == nil {
			p = &PlaceStats{Code: d.Code, Name: d.Name, ByKind: map[string]int{}}
			by[d.Code] = p
			out = append(out, p)
		}
		p.Total += n
		p.ByKind[kind] += n
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "case stats by place")
	}
	res := make([]PlaceStats, len(out))
	for i, p := range out {
		res[i] = *p
	}
	slices.SortFunc(res, func(a, b PlaceStats) int {
		if (a.Code == "") != (b.Code == "") {
			if a.Code == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(b.Total, a.Total), strings.Compare(a.Code, b.Code))
	})
	return res, nil
}

// placeOf is the place a case at the division code is counted under, for
// an organization whose division is under ("" for none): the division
// whose parent is under, or under itself for a case reported there; the
// township (or the division itself, above townships) when under is "".
// A division outside under, or unknown, gives false and no division.
func placeOf(set *region.Set, under, code string) (region.Division, bool) {
	d, ok := set.Lookup(code)
	if !ok {
		return region.Division{}, false
	}
	chain := append(set.Ancestors(code), d)
	for _, a := range chain {
		if under == "" && a.Level == region.Township || under != "" && a.Parent == under {
			return a, true
		}
	}
	if under == "" || code == under {
		return d, true
	}
	return region.Division{}, false
}
