package people

import (
	"context"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// TermQuery filters the terms due for election.
type TermQuery struct {
	Under int64  // 0 for the actor's scope
	Q     string // part of the organization's name
	// Overdue keeps only the terms already ended without a new election.
	Overdue bool
}

// DueTerms lists, like TermsDue, the present terms that end within six
// months or have ended, in the actor's scope or under an organization,
// optionally by name, the most overdue first.
func (s *Service) DueTerms(ctx context.Context, actor access.Actor, q TermQuery) ([]Term, error) {
	if !actor.CanAnywhere(PeopleRead) {
		return nil, errs.New(errs.Forbidden, "您没有查看党员名册的权限", "you may not read the member register")
	}
	scope, args := actor.ScopeSQL(org.PathCol("o"), PeopleRead)
	limit := s.today().AddDate(0, dueWithin, 0).Format(dateLayout)
	if q.Overdue {
		limit = s.today().AddDate(0, 0, -1).Format(dateLayout)
	}
	where := []string{"t.elected_on = (SELECT MAX(l.elected_on) FROM org_terms l WHERE l.org_id = t.org_id)", "t.due_on <= ?", org.StatusCol("o") + " = 'active'", scope}
	args = append([]any{limit}, args...)
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, PeopleRead)
		if err != nil {
			return nil, err
		}
		where = append(where, access.InSubtree(org.PathCol("o"), o.Path))
	}
	if name := strings.TrimSpace(q.Q); name != "" {
		like := db.Contains(name)
		where, args = append(where, "(o.name LIKE ? OR o.short_name LIKE ?)"), append(args, like, like)
	}
	rows, err := s.db.Query(ctx, `SELECT t.org_id, `+org.LabelCol("o")+`, t.elected_on, t.years, t.due_on FROM org_terms t`+org.Join("o", "t.org_id")+`
		WHERE `+strings.Join(where, " AND ")+` ORDER BY t.due_on, t.org_id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "terms due")
	}
	defer rows.Close()
	var out []Term
	for rows.Next() {
		var id int64
		var name, elected, due string
		var years int
		if err := rows.Scan(&id, &name, &elected, &years, &due); err != nil {
			return nil, errs.Wrap(err, "scan term")
		}
		out = append(out, s.term(id, name, elected, years, due))
	}
	return out, errs.Wrap(rows.Err(), "terms due")
}
