package coverage

import (
	"context"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// ListQuery selects units. Under restricts to the units affiliated to an
// organization's subtree (0: all of the actor's scopes).
type ListQuery struct {
	Under      int64
	Q          string
	Category   string
	Size       string
	Industry   string
	Coverage   string
	Rule       string // a rule key, or "any"
	RegionCode string // a division code prefix: county, township or village
	Status     string // "" = active, "closed", "all"
	// Members "mismatch" keeps the units with their own organization whose
	// declared members differ from those the member register counts there.
	Members string
	Sort    string // "name", "-name", "members", "-members", "employees", "-employees", "region", "created" (default region)
	Limit   int
	Offset  int
}

// List returns the units matching q that the actor may read, and their total.
func (s *Service) List(ctx context.Context, actor access.Actor, q ListQuery) ([]Unit, int, error) {
	if !actor.CanAnywhere(UnitRead) {
		return nil, 0, errNoRead
	}
	scope, args := actor.ScopeSQL(org.PathCol("a"), UnitRead)
	where := []string{scope}
	add := func(cond string, vs ...any) { where = append(where, cond); args = append(args, vs...) }
	if q.Under != 0 {
		root, err := s.orgs.Get(ctx, actor, q.Under)
		if err != nil {
			return nil, 0, err
		}
		add(access.InSubtree(org.PathCol("a"), root.Path))
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		like := db.Contains(q.Q)
		add("(u.name LIKE ? OR u.credit_code = ? OR u.legal_rep = ?)", like, strings.ToUpper(q.Q), q.Q)
	}
	for _, f := range []struct{ col, val string }{{"u.category", q.Category}, {"u.size_class", q.Size}, {"u.industry", q.Industry}, {"u.coverage", q.Coverage}} {
		if f.val != "" {
			add(f.col+" = ?", f.val)
		}
	}
	if q.Rule != "" {
		cond, ok := ruleSQL[q.Rule]
		if !ok {
			return nil, 0, errs.Field("rule", "规则应为 form_own、form_own_or_joint、send_instructor 或 any", "rule must be form_own, form_own_or_joint, send_instructor or any")
		}
		where = append(where, cond, "u.status = 'active'")
	}
	if q.RegionCode != "" {
		add("u.region_code LIKE ?", strings.TrimSpace(q.RegionCode)+"%")
	}
	switch q.Members {
	case "":
	case "mismatch":
		full, ok := s.orgs.MemberCountSQL("u.coverage_org_id", "full")
		prob, _ := s.orgs.MemberCountSQL("u.coverage_org_id", "probationary")
		if !ok {
			return nil, 0, errs.Field("members", "本系统未启用党员名册，不能核对党员人数", "the member register is not in use: members cannot be checked")
		}
		where = append(where, "u.coverage = 'own' AND u.coverage_org_id IS NOT NULL AND "+full+" + "+prob+" > 0 AND ("+full+" <> u.full_members OR "+prob+" <> u.probationary_members)")
	default:
		return nil, 0, errs.Field("members", "members 只能是 mismatch（与党员名册不一致）", "members must be mismatch")
	}
	switch q.Status {
	case "", "active":
		add("u.status = ?", "active")
	case "closed":
		add("u.status = ?", "closed")
	case "all":
	default:
		return nil, 0, errs.Field("status", "状态只能是 active、closed 或 all", "status must be active, closed or all")
	}
	order, ok := map[string]string{
		"": "u.region_code, u.id", "region": "u.region_code, u.id", "-region": "u.region_code DESC, u.id", "name": "u.name, u.id", "-name": "u.name DESC, u.id",
		"members": "u.full_members, u.id", "-members": "u.full_members DESC, u.id", "employees": "u.employees, u.id", "-employees": "u.employees DESC, u.id",
		"created": "u.id", "-created": "u.id DESC",
	}[q.Sort]
	if !ok {
		return nil, 0, errs.Field("sort", "排序方式不正确", "unknown sort")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*)"+unitFrom+" WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count units")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, "SELECT "+unitCols+unitFrom+" WHERE "+w+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list units")
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "scan unit")
		}
		out = append(out, u)
	}
	return out, total, errs.Wrap(rows.Err(), "unit rows")
}
