package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// TermInput records the election of an organization's committee: the date
// and the length of the term in years (3 or 5, as the Party's rules set).
type TermInput struct {
	OrgID     int64  `json:"org_id"`
	ElectedOn string `json:"elected_on"`
	Years     int    `json:"years"`
}

// Term is an organization's present committee term.
type Term struct {
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	ElectedOn string `json:"elected_on"`
	Years     int    `json:"years"`
	DueOn     string `json:"due_on"`
	// DaysLeft is the number of days until the term ends; negative once
	// the next election is late.
	DaysLeft int `json:"days_left"`
}

// dueWithin is how long before its end a term is listed as due for
// election (换届): six months, for the preparation the rules ask for.
const dueWithin = 6

// RecordTerm records an election of the committee of an organization the
// actor manages; it begins the organization's present term.
func (s *Service) RecordTerm(ctx context.Context, actor access.Actor, in TermInput) (Term, error) {
	// The organization first: whoever may not manage it learns nothing
	// from the checks of the fields.
	o, err := s.orgs.Check(ctx, actor, in.OrgID, PeopleManage)
	if err != nil {
		return Term{}, err
	}
	var f errs.Fields
	elected, ok := parseDate(in.ElectedOn, "elected_on", "选举日期", "date of the election", &f)
	if ok && elected.After(s.today()) {
		f.Add("elected_on", "选举日期不能晚于今天", "the date of the election cannot be after today")
	}
	if in.Years != 3 && in.Years != 5 {
		f.Add("years", "每届任期应为 3 年或 5 年", "a term lasts 3 or 5 years")
	}
	if err := f.Err(); err != nil {
		return Term{}, err
	}
	on, due := elected.Format(dateLayout), elected.AddDate(in.Years, 0, 0).Format(dateLayout)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var last sql.NullString
		if err := tx.QueryRow(ctx, "SELECT MAX(elected_on) FROM org_terms WHERE org_id = ?", o.ID).Scan(&last); err != nil {
			return errs.Wrap(err, "last term")
		}
		if last.Valid && on <= last.String {
			return errs.Field("elected_on", fmt.Sprintf("%s上一届于 %s 选举产生，新一届的选举日期应在此之后", o.Label(), last.String),
				fmt.Sprintf("the last committee of %s was elected on %s: the new election comes after that", o.Label(), last.String))
		}
		if _, err := tx.Exec(ctx, "INSERT INTO org_terms (org_id, elected_on, years, due_on, created_at) VALUES (?, ?, ?, ?, ?)", o.ID, on, in.Years, due, db.FormatTime(tx.Now())); err != nil {
			return errs.Wrap(err, "insert term")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "term.record", TargetType: "org", TargetID: strconv.FormatInt(o.ID, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s换届：%s 选举产生，任期 %d 年，至 %s", o.Label(), on, in.Years, due),
				EN: fmt.Sprintf("%s elected its committee on %s for %d years, until %s", o.Label(), on, in.Years, due)},
			After: map[string]any{"elected_on": on, "years": in.Years, "due_on": due}})
	})
	if err != nil {
		return Term{}, err
	}
	return s.term(o.ID, o.Label(), on, in.Years, due), nil
}

func (s *Service) term(orgID int64, name, elected string, years int, due string) Term {
	return Term{OrgID: orgID, OrgName: name, ElectedOn: elected, Years: years, DueOn: due, DaysLeft: int(mustDate(due).Sub(s.today()) / (24 * time.Hour))}
}

// CurrentTerm is an organization's present term, nil when no election is
// recorded.
func (s *Service) CurrentTerm(ctx context.Context, actor access.Actor, orgID int64) (*Term, error) {
	o, err := s.orgs.Check(ctx, actor, orgID, PeopleRead)
	if err != nil {
		return nil, err
	}
	var elected, due string
	var years int
	err = s.db.QueryRow(ctx, "SELECT elected_on, years, due_on FROM org_terms WHERE org_id = ? ORDER BY elected_on DESC LIMIT 1", orgID).Scan(&elected, &years, &due)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "term")
	}
	t := s.term(o.ID, o.Label(), elected, years, due)
	return &t, nil
}

// TermsDue lists the organizations of a subtree the actor may read whose
// present term ends within six months or has ended without a new election,
// the most overdue first.
func (s *Service) TermsDue(ctx context.Context, actor access.Actor, under int64) ([]Term, error) {
	o, err := s.orgs.Check(ctx, actor, under, PeopleRead)
	if err != nil {
		return nil, err
	}
	scope, args := actor.ScopeSQL(org.PathCol("o"), PeopleRead)
	limit := s.today().AddDate(0, dueWithin, 0).Format(dateLayout)
	rows, err := s.db.Query(ctx, `SELECT t.org_id, `+org.LabelCol("o")+`, t.elected_on, t.years, t.due_on FROM org_terms t`+org.Join("o", "t.org_id")+`
		WHERE t.elected_on = (SELECT MAX(l.elected_on) FROM org_terms l WHERE l.org_id = t.org_id) AND t.due_on <= ? AND `+org.StatusCol("o")+` = 'active'
		AND `+access.InSubtree(org.PathCol("o"), o.Path)+` AND `+scope+` ORDER BY t.due_on, t.org_id`, append([]any{limit}, args...)...)
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
