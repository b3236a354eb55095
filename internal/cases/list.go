package cases

import (
	"context"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// ListQuery filters and pages the staff's case list. Integrity reports and
// the residents' other cases are listed apart: they are read under
// different permissions, by different people.
type ListQuery struct {
	// Integrity lists integrity reports (IntegrityRead); otherwise the
	// mediation, service and opinion cases are listed (CasesRead).
	Integrity bool
	// OrgID narrows the list to an organization's subtree (0: all the
	// reader sees).
	OrgID     int64
	Kind      string
	State     string
	Overdue   bool
	Escalated bool
	// Q finds a case by its number or by words of its text.
	Q string
	// Sort is "received" (newest first, the default) or "deadline"
	// (soonest first).
	Sort   string
	Limit  int
	Offset int
	// since keeps the cases received from this time on (db.FormatTime),
	// for the first try of a newest-first page (see List).
	since string
}

// recentWindow is how far back List first looks for a newest-first page
// of a long list, and recentMin how long a list must be for it to try.
const (
	recentWindow = 31 * 24 * time.Hour
	recentMin    = 2000
)

// maxPage is the most cases one page holds.
const maxPage = 200

// List returns a page of the cases the actor sees and how many match.
func (s *Service) List(ctx context.Context, actor access.Actor, q ListQuery) ([]Case, int, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 || q.Limit > maxPage {
		q.Limit = 50
	}
	countSrc, countArgs, err := s.listSource(ctx, v, q, "c.id")
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM "+countSrc+" x", countArgs...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count cases")
	}
	if q.Sort != "deadline" && total >= recentMin {
		// The newest cases of a long list are among the last weeks': the
		// index of (organization, kind, time received) reads those alone,
		// where the whole list would be sorted (PostgreSQL does not merge
		// the index's ranges of many organizations in time order). When
		// the window holds a full page, it is the page of the whole list.
		recent := q
		recent.since = db.FormatTime(s.now().Add(-recentWindow))
		out, err := s.page(ctx, v, recent)
		if err != nil || len(out) == q.Limit {
			return out, total, err
		}
	}
	out, err := s.page(ctx, v, q)
	return out, total, err
}

// page returns the cases of q's page that v sees.
func (s *Service) page(ctx context.Context, v viewer, q ListQuery) ([]Case, error) {
	// The page is chosen among the ids and the sort key alone, which an
	// index holds, then its cases are read with their organizations.
	key, order := "received_at", " ORDER BY x.received_at DESC, x.id DESC"
	if q.Sort == "deadline" {
		key, order = "deadline", " ORDER BY x.deadline IS NULL, x.deadline, x.id"
	}
	src, args, err := s.listSource(ctx, v, q, "c.id, c."+key)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+caseCols+" FROM (SELECT x.id, x."+key+" FROM "+src+" x"+order+" LIMIT ? OFFSET ?) x JOIN cases c ON c.id = x.id"+
		strings.TrimPrefix(caseFrom, " FROM cases c")+order, append(args, q.Limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, errs.Wrap(err, "list cases")
	}
	defer rows.Close()
	now := s.now()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows, now)
		if err != nil {
			return nil, errs.Wrap(err, "scan case")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "list cases")
}

// listSource builds the source of the cases of q that v sees, selecting
// cols (see union), with its arguments.
func (s *Service) listSource(ctx context.Context, v viewer, q ListQuery, cols string) (string, []any, error) {
	return s.listSourceBy(ctx, v, q, cols, "")
}

// listSourceBy is listSource with a suffix to each part (see union).
func (s *Service) listSourceBy(ctx context.Context, v viewer, q ListQuery, cols, suffix string) (string, []any, error) {
	kinds := []string{KindMediation, KindService, KindOpinion}
	need := CasesRead
	if q.Integrity {
		kinds, need = []string{KindIntegrity}, IntegrityRead
	}
	if !v.CanAnywhere(need) {
		if q.Integrity {
			return "", nil, errs.New(errs.Forbidden, "您没有查看廉洁监督举报的权限", "you may not read integrity reports")
		}
		return "", nil, errs.New(errs.Forbidden, "您没有查看群众诉求的权限", "you may not read residents' cases")
	}
	if q.Kind != "" {
		if !validChoice(Kinds, q.Kind) || (q.Kind == KindIntegrity) != q.Integrity {
			return "", nil, errs.Field("kind", "未知的案件类型", "unknown kind of case")
		}
		kinds = []string{q.Kind}
	}
	under := ""
	if q.OrgID > 0 {
		o, err := org.Lookup(ctx, s.db, q.OrgID)
		if err != nil || !v.Can(access.OrgRead, o.Path) {
			return "", nil, errs.New(errs.NotFound, "组织不存在或不在您的范围内", "no such organization in your scope")
		}
		under = o.Path
	}
	var conds []string
	var args []any
	if q.State != "" {
		if !validChoice(States, q.State) {
			return "", nil, errs.Field("state", "未知的案件状态", "unknown state")
		}
		conds = append(conds, "c.state = ?")
		args = append(args, q.State)
	}
	if q.Overdue {
		conds = append(conds, "c.deadline <= ?")
		args = append(args, db.FormatTime(s.now()))
	}
	if q.Escalated {
		conds = append(conds, "c.escalated_at IS NOT NULL")
	}
	if q.since != "" {
		conds = append(conds, "c.received_at >= ?")
		args = append(args, q.since)
	}
	if t := strings.TrimSpace(q.Q); t != "" {
		if id, err := strconv.ParseInt(strings.TrimPrefix(t, "#"), 10, 64); err == nil {
			conds = append(conds, "c.id = ?")
			args = append(args, id)
		} else {
			conds = append(conds, "(c.body LIKE ? OR c.subject_text LIKE ?)")
			args = append(args, db.Contains(t), db.Contains(t))
		}
	}
	src, srcArgs := union(v.parts(kinds, under), cols, strings.Join(conds, " AND "), args, suffix)
	return src, srcArgs, nil
}

// Counts returns how many of the cases q finds are in each state (q's own
// state filter aside), with the overdue and escalated ones under the keys
// "overdue" and "escalated".
func (s *Service) Counts(ctx context.Context, actor access.Actor, q ListQuery) (map[string]int, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	q.State, q.Overdue, q.Escalated = "", false, false
	// Each part counts in the order of the index it reads (organization,
	// kind, state), so that no part sorts; the states are summed here. The
	// time is a literal: db.FormatTime writes digits and punctuation only.
	now := db.FormatTime(s.now())
	src, args, err := s.listSourceBy(ctx, v, q, "c.state, COUNT(*) AS n, SUM(CASE WHEN c.deadline <= '"+now+"' THEN 1 ELSE 0 END) AS overdue, "+
		"SUM(CASE WHEN c.escalated_at IS NOT NULL THEN 1 ELSE 0 END) AS escalated", " GROUP BY c.org_id, c.kind, c.state")
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT x.state, x.n, x.overdue, x.escalated FROM "+src+" x", args...)
	if err != nil {
		return nil, errs.Wrap(err, "count cases")
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var state string
		var n, overdue, escalated int
		if err := rows.Scan(&state, &n, &overdue, &escalated); err != nil {
			return nil, errs.Wrap(err, "scan counts")
		}
		out[state] += n
		out["overdue"] += overdue
		out["escalated"] += escalated
	}
	return out, errs.Wrap(rows.Err(), "count cases")
}
