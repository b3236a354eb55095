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
	cs, err := s.statsCases(ctx, actor, orgID)
	if err != nil {
		return Stats{}, err
	}
	return s.subtreeStats(ctx, cs)
}

// subtreeStats is SubtreeStats of the cases cs.
func (s *Service) subtreeStats(ctx context.Context, cs subtreeCases) (Stats, error) {
	st := Stats{ByKind: map[string]int{}, ByState: map[string]int{}, ByOutcome: map[string]int{}, Ratings: map[string]int{}}
	src, args := cs.source("c.*")
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
		return Stats{}, errs.Wrap(err, "case stats")
	}
	for rows.Next() {
		var kind, state, outcome string
		var n, overdue, escalated, accepted, acceptedOnTime, answered, answeredOnTime, reopened int
		if err := rows.Scan(&kind, &state, &outcome, &n, &overdue, &escalated, &accepted, &acceptedOnTime, &answered, &answeredOnTime, &reopened); err != nil {
			rows.Close()
			return Stats{}, errs.Wrap(err, "scan case stats")
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
		return Stats{}, errs.Wrap(err, "case stats")
	}
	// Ratings are events: every round's counts.
	rated, ratedArgs := cs.rated("e.body")
	rows, err = s.db.Query(ctx, "SELECT x.body, COUNT(*) FROM "+rated+" x GROUP BY x.body", ratedArgs...)
	if err != nil {
		return Stats{}, errs.Wrap(err, "rating stats")
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		var n int
		if err := rows.Scan(&body, &n); err != nil {
			return Stats{}, errs.Wrap(err, "scan rating stats")
		}
		st.Ratings[ratingOf(body)] += n
	}
	return st, errs.Wrap(rows.Err(), "rating stats")
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

// statsKinds are the kinds of case the statistics count: each where the
// reader may read it, integrity reports where the reader may know of them.
var statsKinds = []string{KindMediation, KindService, KindOpinion, KindIntegrity}

// subtreeCases are the cases of the subtree at an organization that a
// reader sees, as the statistics read them: the parts the lists read, so
// that the figures never count what the reader could not list, read case
// by case when whole is set (see wholeTable).
type subtreeCases struct {
	v     viewer
	at    org.Ref
	whole bool
}

// statsCases returns the cases of the subtree of orgID that actor sees,
// which the actor must be able to read.
func (s *Service) statsCases(ctx context.Context, actor access.Actor, orgID int64) (subtreeCases, error) {
	v, o, err := s.statsViewer(ctx, actor, orgID)
	if err != nil {
		return subtreeCases{}, err
	}
	cs := subtreeCases{v: v, at: o}
	if cs.whole, err = s.wholeTable(ctx, v, o.Path); err != nil {
		return subtreeCases{}, err
	}
	return cs, nil
}

// source is the source of the cases, selecting cols from them (alias c).
func (cs subtreeCases) source(cols string) (string, []any) {
	return cs.from(cols, false)
}

// rated is the source of the rate events (alias e) of the cases, selecting
// cols from both. Each part of the cases joins its own events, so that no
// engine reads a part again for each event: PostgreSQL did, for four
// seconds, when without statistics it took the events to be few.
func (cs subtreeCases) rated(cols string) (string, []any) {
	return cs.from(cols, true)
}

// from is source, or rated with the events. Through the indexes, each part
// selects its cases (and their events, through the index on case_id) and
// the parts are joined with UNION ALL. Read whole, the parts are one
// condition on each case and the organization it belongs to (alias o), and
// the rate events, if wanted, are read first, all of them (the index
// case_events_rate holds them alone); CROSS JOIN keeps that order on
// SQLite, PostgreSQL plans it as any join.
func (cs subtreeCases) from(cols string, rated bool) (string, []any) {
	events, onEvents := "", ""
	if rated {
		events, onEvents = " JOIN case_events e ON e.case_id = c.id", " AND e.type = 'rate'"
	}
	var conds []string
	var args []any
	if !cs.whole {
		for _, p := range cs.v.parts(statsKinds, cs.at.Path) {
			conds = append(conds, "SELECT "+cols+" FROM cases c"+events+" WHERE "+p.cond+onEvents)
			args = append(args, p.args...)
		}
		if len(conds) == 0 {
			return "(SELECT " + cols + " FROM cases c" + events + " WHERE 1=0)", nil
		}
		return "(" + strings.Join(conds, " UNION ALL ") + ")", args
	}
	for _, p := range cs.v.partsBy(statsKinds, cs.at.Path, orgsByPath) {
		conds = append(conds, "("+p.cond+")")
		args = append(args, p.args...)
	}
	if len(conds) == 0 {
		conds = []string{"1=0"} // no part: no case
	}
	tables := "cases c CROSS JOIN orgs o WHERE o.id = c.org_id"
	if rated {
		tables = "case_events e CROSS JOIN cases c CROSS JOIN orgs o WHERE e.type = 'rate' AND c.id = e.case_id AND o.id = c.org_id"
	}
	return "(SELECT " + cols + " FROM " + tables + " AND (" + strings.Join(conds, " OR ") + "))", args
}

// orgPath is the path of a case's organization, for the columns of the
// source: the organization is at hand when the cases are read whole, and
// looked up otherwise.
func (cs subtreeCases) orgPath() string {
	if cs.whole {
		return "o.path"
	}
	return "(SELECT r.path FROM orgs r WHERE r.id = c.org_id)"
}

// wholeTable reports whether the statistics of the cases v sees in the
// subtree at under read every case of the table, with its organization,
// rather than the cases of each organization of the reader's subtrees
// through the indexes. Through the indexes, each organization costs a
// lookup per kind of case, even when it has no case — an administrator of
// a city with 6,773 organizations and 2,400 cases made 20,000 of them, and
// as many in the index of organizations dispatched to — and each case a
// read out of the table's order, which costs more than one in order once
// the table outgrows the cache; the table costs a read per case. It is
// read whole when
//
//	orgs × (kinds + 2 × cases / all orgs) ≥ cases
//
// taking a subtree's share of the cases to be its share of the
// organizations. Measured on the Nanning demo, the city is read whole
// (SQLite 20 ms against 63 for the three statistics of the cockpit) and a
// county's 624 organizations are not (10 ms against 12). Cases and
// organizations are estimated by their largest ids (both are numbered in
// sequence), and the reader's organizations are counted only as far as
// the decision needs.
func (s *Service) wholeTable(ctx context.Context, v viewer, under string) (bool, error) {
	var ats []string
	kinds := 0
	if v.System {
		ats, kinds = []string{under}, len(statsKinds)
	} else {
		for _, g := range []struct {
			action access.Action
			kinds  int // of statsKinds, read under action
		}{{CasesRead, 3}, {IntegrityRead, 1}} {
			scopes := narrow(v.Scopes(g.action), under)
			for _, sc := range scopes {
				ats = append(ats, sc.at)
			}
			if len(scopes) > 0 {
				kinds += g.kinds
			}
		}
	}
	if len(ats) == 0 {
		return false, nil // nothing to read
	}
	var orgs, cases int64
	if err := s.db.QueryRow(ctx, "SELECT COALESCE((SELECT MAX(id) FROM orgs), 0), COALESCE((SELECT MAX(id) FROM cases), 0)").Scan(&orgs, &cases); err != nil {
		return false, errs.Wrap(err, "case stats plan")
	}
	enough := wholeFrom(kinds, orgs, cases)
	if enough == 0 {
		return true, nil
	}
	conds := make([]string, len(ats))
	for i, p := range ats {
		conds[i] = access.InSubtree("path", p)
	}
	var n int64
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM orgs WHERE "+strings.Join(conds, " OR ")+" LIMIT ?) t", enough).Scan(&n); err != nil {
		return false, errs.Wrap(err, "case stats plan")
	}
	return n >= enough, nil
}

// wholeFrom is the fewest organizations of a reader's subtrees from which
// the statistics read the whole table of cases (see wholeTable), for
// kinds of case read through the indexes among orgs organizations and
// cases cases in all.
func wholeFrom(kinds int, orgs, cases int64) int64 {
	if cases <= 0 || orgs <= 0 {
		return 0 // nothing to read: the table is read at once
	}
	per := int64(kinds)*orgs + 2*cases
	return (cases*orgs + per - 1) / per
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
	cs, err := s.statsCases(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	return s.childrenStats(ctx, cs)
}

// childrenStats is ChildrenStats of the cases cs.
func (s *Service) childrenStats(ctx context.Context, cs subtreeCases) ([]ChildStats, error) {
	rows, err := s.db.Query(ctx, "SELECT o.id, "+org.LabelCol("o")+", o.path FROM orgs o WHERE o.parent_id = ? AND o.status = ? ORDER BY o.id", cs.at.ID, org.StatusActive)
	if err != nil {
		return nil, errs.Wrap(err, "children")
	}
	var out []ChildStats
	kids := map[string]int{} // the children's paths
	for rows.Next() {
		var c ChildStats
		var path string
		if err := rows.Scan(&c.OrgID, &c.Name, &path); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan children")
		}
		kids[path] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "children")
	}
	if len(out) == 0 {
		return nil, nil
	}
	// Each case is put under the child of its responsible organization and
	// that of the organization it was dispatched to. The figures are read
	// per pair of organizations, by their paths; a path's child is the path
	// cut one step below the organization's own.
	childOf := func(path string) int {
		rest, ok := strings.CutPrefix(path, cs.at.Path)
		step := strings.IndexByte(rest, '/')
		if !ok || step <= 0 {
			return -1
		}
		if i, ok := kids[path[:len(cs.at.Path)+step+1]]; ok {
			return i
		}
		return -1
	}
	add := func(orgPath, handlerPath string, f func(c *ChildStats)) {
		rc, hc := childOf(orgPath), childOf(handlerPath)
		if rc >= 0 {
			f(&out[rc])
		}
		if hc >= 0 && hc != rc {
			f(&out[hc])
		}
	}
	byPaths := func(cols, figures string) string {
		return "SELECT t.org_path, COALESCE((SELECT h.path FROM orgs h WHERE h.id = t.handler_org_id), ''), " + cols +
			" FROM (" + figures + " GROUP BY x.org_path, x.handler_org_id) t"
	}
	now := db.FormatTime(s.now())
	cols := "t.n, t.open_n, t.overdue, t.escalated, t.accepted, t.accepted_on_time, t.answered, t.answered_on_time, t.reopened"
	figures := `COUNT(*) AS n,
		SUM(CASE WHEN x.state NOT IN ('` + Closed + `', '` + Refused + `') THEN 1 ELSE 0 END) AS open_n,
		SUM(CASE WHEN x.deadline <= '` + now + `' THEN 1 ELSE 0 END) AS overdue,
		SUM(CASE WHEN x.escalated_at IS NOT NULL THEN 1 ELSE 0 END) AS escalated,
		SUM(CASE WHEN x.accepted_at IS NOT NULL THEN 1 ELSE 0 END) AS accepted,
		SUM(CASE WHEN x.accepted_at IS NOT NULL AND x.accepted_at < x.accept_due THEN 1 ELSE 0 END) AS accepted_on_time,
		SUM(CASE WHEN x.answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered,
		SUM(CASE WHEN x.answered_at IS NOT NULL AND x.answered_at < x.handle_due THEN 1 ELSE 0 END) AS answered_on_time,
		SUM(CASE WHEN x.round > 1 THEN 1 ELSE 0 END) AS reopened`
	// Ratings are events: every round's counts. Read whole, they come with
	// the other figures, the rate events (all of them) counted per case
	// first: one read of the cases instead of two, which took the city's
	// figures on PostgreSQL from 16 ms to 13 (the same on SQLite). Through
	// the indexes they are read apart, each part with its own cases'
	// events (see rated).
	from := " x"
	if cs.whole {
		cols += ", t.rated, t.satisfied"
		figures += ", SUM(COALESCE(r.rated, 0)) AS rated, SUM(COALESCE(r.satisfied, 0)) AS satisfied"
		from = ` x LEFT JOIN (SELECT e.case_id, COUNT(*) AS rated, SUM(CASE WHEN ` + ratingSQL("e.body", Satisfied, Fair) + ` THEN 1 ELSE 0 END) AS satisfied
			FROM case_events e WHERE e.type = 'rate' AND ` + ratingSQL("e.body", Satisfied, Fair, Unsatisfied) + ` GROUP BY e.case_id) r ON r.case_id = x.id`
	}
	src, args := cs.source("c.id, " + cs.orgPath() + " AS org_path, c.handler_org_id, c.state, c.deadline, c.escalated_at, c.accepted_at, c.accept_due, c.answered_at, c.handle_due, c.round")
	rows, err = s.db.Query(ctx, byPaths(cols, "SELECT x.org_path, x.handler_org_id, "+figures+" FROM "+src+from), args...)
	if err != nil {
		return nil, errs.Wrap(err, "children's case stats")
	}
	for rows.Next() {
		var orgPath, handlerPath string
		var n [11]int // the last two, rated and satisfied, when read whole
		dest := []any{&orgPath, &handlerPath}
		for i := range 9 {
			dest = append(dest, &n[i])
		}
		if cs.whole {
			dest = append(dest, &n[9], &n[10])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan children's case stats")
		}
		add(orgPath, handlerPath, func(c *ChildStats) {
			c.Total += n[0]
			c.Open += n[1]
			c.Overdue += n[2]
			c.Escalated += n[3]
			c.Accepted += n[4]
			c.AcceptedOnTime += n[5]
			c.Answered += n[6]
			c.AnsweredOnTime += n[7]
			c.Reopened += n[8]
			c.Rated += n[9]
			c.Satisfied += n[10]
		})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "children's case stats")
	}
	if !cs.whole {
		rated, args := cs.rated("e.body, " + cs.orgPath() + " AS org_path, c.handler_org_id")
		rows, err = s.db.Query(ctx, byPaths("t.rated, t.satisfied", `SELECT x.org_path, x.handler_org_id, COUNT(*) AS rated,
			SUM(CASE WHEN `+ratingSQL("x.body", Satisfied, Fair)+` THEN 1 ELSE 0 END) AS satisfied
			FROM `+rated+` x WHERE `+ratingSQL("x.body", Satisfied, Fair, Unsatisfied)), args...)
		if err != nil {
			return nil, errs.Wrap(err, "children's ratings")
		}
		defer rows.Close()
		for rows.Next() {
			var orgPath, handlerPath string
			var rated, good int
			if err := rows.Scan(&orgPath, &handlerPath, &rated, &good); err != nil {
				return nil, errs.Wrap(err, "scan children's ratings")
			}
			add(orgPath, handlerPath, func(c *ChildStats) { c.Rated += rated; c.Satisfied += good })
		}
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "children's ratings")
		}
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
	cs, err := s.statsCases(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	return s.monthlyStats(ctx, cs)
}

// monthlyStats is MonthlyStats of the cases cs.
func (s *Service) monthlyStats(ctx context.Context, cs subtreeCases) ([]MonthStats, error) {
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
	src, args := cs.source("c.kind, c.received_at, c.closed_at")
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
	cs, err := s.statsCases(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	return s.placesStats(ctx, cs)
}

// placesStats is PlacesStats of the cases cs.
func (s *Service) placesStats(ctx context.Context, cs subtreeCases) ([]PlaceStats, error) {
	o, err := s.orgs.Get(ctx, cs.v.Actor, cs.at.ID)
	if err != nil {
		return nil, err
	}
	set, err := s.regions.Get()
	if err != nil {
		return nil, errs.Wrap(err, "regions")
	}
	src, args := cs.source("c.region_code, c.kind")
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
