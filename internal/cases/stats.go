package cases

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
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
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return Stats{}, err
	}
	o, err := org.Lookup(ctx, s.db, orgID)
	if err != nil || !actor.Can(access.OrgRead, o.Path) {
		return Stats{}, errs.New(errs.NotFound, "组织不存在或不在您的范围内", "no such organization in your scope")
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
