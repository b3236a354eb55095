package cases

import (
	"context"
	"strconv"
	"strings"

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
}

// maxPage is the most cases one page holds.
const maxPage = 200

// List returns a page of the cases the actor sees and how many match.
func (s *Service) List(ctx context.Context, actor access.Actor, q ListQuery) ([]Case, int, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := s.listWhere(ctx, v, q)
	if err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 || q.Limit > maxPage {
		q.Limit = 50
	}
	order := " ORDER BY c.received_at DESC, c.id DESC"
	if q.Sort == "deadline" {
		order = " ORDER BY c.deadline IS NULL, c.deadline, c.id"
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*)"+caseFrom+" WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count cases")
	}
	rows, err := s.db.Query(ctx, "SELECT "+caseCols+caseFrom+" WHERE "+where+order+" LIMIT ? OFFSET ?", append(args, q.Limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list cases")
	}
	defer rows.Close()
	now := s.now()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows, now)
		if err != nil {
			return nil, 0, errs.Wrap(err, "scan case")
		}
		out = append(out, c)
	}
	return out, total, errs.Wrap(rows.Err(), "list cases")
}

// listWhere builds the condition of q for v.
func (s *Service) listWhere(ctx context.Context, v viewer, q ListQuery) (string, []any, error) {
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
	vis, args := v.visibleSQL(kinds...)
	conds := []string{vis}
	if q.OrgID > 0 {
		o, err := org.Lookup(ctx, s.db, q.OrgID)
		if err != nil {
			return "", nil, errs.New(errs.NotFound, "组织不存在或不在您的范围内", "no such organization in your scope")
		}
		conds = append(conds, "("+access.InSubtree("o.path", o.Path)+" OR "+access.InSubtree("ho.path", o.Path)+")")
	}
	if q.Kind != "" {
		conds = append(conds, "c.kind = ?")
		args = append(args, q.Kind)
	}
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
	if t := strings.TrimSpace(q.Q); t != "" {
		if id, err := strconv.ParseInt(strings.TrimPrefix(t, "#"), 10, 64); err == nil {
			conds = append(conds, "c.id = ?")
			args = append(args, id)
		} else {
			conds = append(conds, "(c.body LIKE ? OR c.subject_text LIKE ?)")
			args = append(args, db.Contains(t), db.Contains(t))
		}
	}
	return strings.Join(conds, " AND "), args, nil
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
	where, args, err := s.listWhere(ctx, v, q)
	if err != nil {
		return nil, err
	}
	now := db.FormatTime(s.now())
	rows, err := s.db.Query(ctx, `SELECT c.state, COUNT(*), SUM(CASE WHEN c.deadline <= ? THEN 1 ELSE 0 END), SUM(CASE WHEN c.escalated_at IS NOT NULL THEN 1 ELSE 0 END)`+
		caseFrom+" WHERE "+where+" GROUP BY c.state", append([]any{now}, args...)...)
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
		out[state] = n
		out["overdue"] += overdue
		out["escalated"] += escalated
	}
	return out, errs.Wrap(rows.Err(), "count cases")
}
