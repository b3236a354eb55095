package programs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// The yearly review of first secretaries (三述三评) runs on the evaluation
// engine with its template TemplateFirstSecretary: the department opens a
// draft campaign for a year with the first secretaries of its subtree as
// subjects, and manages it (ballot codes, opening, closing, publishing)
// on the evaluation's pages. The engine grades them, keeping 优秀 to at most
// 10 %; each term's page shows the grades of the published reviews.

// FirstSecReview is a review a term is a subject of, with its grade once
// the results are published.
type FirstSecReview struct {
	CampaignID int64    `json:"campaign_id"`
	Name       string   `json:"name"`
	Year       int      `json:"year"`
	Status     string   `json:"status"`
	Grade      string   `json:"grade"` // empty until published, or when the engine left it ungraded
	Total      *float64 `json:"total,omitempty"`
	Capped     bool     `json:"capped"`     // the total earned 优秀, the cap moved it down
	Incomplete bool     `json:"incomplete"` // a rater group had too few ballots
}

// FirstSecReviewInput opens the review of a year for the first secretaries
// of an organization's subtree, between two dates (both included).
type FirstSecReviewInput struct {
	OrgID    int64  `json:"org_id"`
	Year     int    `json:"year"`
	OpensOn  string `json:"opens_on"`
	ClosesOn string `json:"closes_on"`
}

// OpenFirstSecReview opens the review of a year: a draft campaign of the
// organization, from the template of the first secretaries' review, with
// each first secretary of the subtree who served in the year as a subject
// (a recalled one is not reviewed; one already in a review of the year is
// not added twice). It answers the campaign and the number of subjects.
func (s *Service) OpenFirstSecReview(ctx context.Context, actor access.Actor, in FirstSecReviewInput) (evaluation.Campaign, int, error) {
	if !actor.CanAnywhere(ProgramsManage) {
		return evaluation.Campaign{}, 0, errs.New(errs.Forbidden, "您没有发起第一书记年度评议的权限", "you may not open the first secretaries' review")
	}
	if in.OrgID == 0 {
		return evaluation.Campaign{}, 0, errs.Field("org_id", "请选择组织评议的党组织", "choose the organization that runs the review")
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, ProgramsManage)
	if err != nil {
		return evaluation.Campaign{}, 0, contactAsField("org_id", err)
	}
	if _, err := s.eval.CheckOwner(ctx, actor, o.ID); err != nil {
		if e := errs.As(err); e.Field != "" {
			return evaluation.Campaign{}, 0, errs.Field("org_id", e.ZH, e.EN)
		}
		return evaluation.Campaign{}, 0, err
	}
	var f errs.Fields
	today := s.today()
	if in.Year < 2000 || in.Year > today.Year() {
		f.Add("year", fmt.Sprintf("评议年度应为 2000–%d 年", today.Year()), fmt.Sprintf("the year must be 2000 to %d", today.Year()))
	}
	opens, okOpens := fsDate(in.OpensOn, "opens_on", "测评开始日期", "first day of the review", &f)
	if okOpens && opens.Before(today) {
		f.Add("opens_on", "测评开始日期不能早于今天（"+today.Format(dateLayout)+"）", "the review cannot open before today ("+today.Format(dateLayout)+")")
	}
	closes, okCloses := fsDate(in.ClosesOn, "closes_on", "测评结束日期", "last day of the review", &f)
	if okOpens && okCloses && closes.Before(opens) {
		f.Add("closes_on", "测评结束日期不能早于开始日期 "+opens.Format(dateLayout), "the review cannot close before it opens, "+opens.Format(dateLayout))
	}
	if err := f.Err(); err != nil {
		return evaluation.Campaign{}, 0, err
	}
	all, err := s.firstSecScope(ctx, actor, o.ID)
	if err != nil {
		return evaluation.Campaign{}, 0, err
	}
	first, last := fmt.Sprintf("%d-01-01", in.Year), fmt.Sprintf("%d-12-31", in.Year)
	reviewed, err := s.reviewedIn(ctx, in.Year)
	if err != nil {
		return evaluation.Campaign{}, 0, err
	}
	var terms []FirstSec
	served, already := 0, int64(0)
	for _, t := range all {
		if t.StartedOn > last || t.lastDay() < first || t.EndKind == "recalled" {
			continue
		}
		served++
		if c, ok := reviewed[t.ID]; ok {
			already = c
			continue
		}
		terms = append(terms, t)
	}
	switch {
	case served == 0:
		return evaluation.Campaign{}, 0, &errs.Error{Kind: errs.Conflict, Field: "year", Text: i18n.Textf("%[1]s %[2]d 年没有在任的第一书记，无需评议", "%[1]s had no first secretary in post in %[2]d: there is nobody to review", o.Label(), in.Year)}
	case len(terms) == 0:
		return evaluation.Campaign{}, 0, &errs.Error{Kind: errs.Conflict, Field: "year", Text: i18n.Textf("%[1]s %[2]d 年的第一书记已全部列入年度评议（测评 %[3]d），不能重复发起",
			"every first secretary of %[1]s in %[2]d is in a review of the year already (campaign %[3]d)", o.Label(), in.Year, already)}
	}
	days, err := s.logDaysIn(ctx, first, last)
	if err != nil {
		return evaluation.Campaign{}, 0, err
	}
	c, err := s.eval.CreateCampaign(ctx, actor, evaluation.CampaignInput{OwnerOrgID: o.ID, Type: evaluation.TypeFirstSecretary, Year: in.Year,
		Name:    fmt.Sprintf("%d年度第一书记“三述三评”述职评议（%s）", in.Year, o.Label()),
		OpensAt: time.Date(opens.Year(), opens.Month(), opens.Day(), 0, 0, 0, 0, org.Shanghai), ClosesAt: time.Date(closes.Year(), closes.Month(), closes.Day()+1, 0, 0, 0, 0, org.Shanghai),
		Rules: evaluation.TemplateFirstSecretary()})
	if err != nil {
		return evaluation.Campaign{}, 0, err
	}
	subjects := make([]evaluation.SubjectInput, len(terms))
	for i, t := range terms {
		subjects[i] = evaluation.SubjectInput{Kind: evaluation.SubjectPerson, Name: t.PersonName, Post: "第一书记", Unit: t.OrgName, Section: t.HomeAgency,
			ReportText: fmt.Sprintf("派出单位：%s；任期：%s 至 %s；驻村工作职责：%s；%d 年驻村日志 %d 天。", t.HomeAgency, t.StartedOn, t.EndsOn, t.Duties, in.Year, days[t.ID])}
	}
	added, err := s.eval.AddSubjects(ctx, actor, c.ID, subjects)
	if err == nil && len(added) != len(terms) {
		err = errs.Wrap(fmt.Errorf("%d subjects added, %d stored", len(terms), len(added)), "review subjects")
	}
	if err == nil {
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			now := db.FormatTime(tx.Now())
			for i, t := range terms {
				if _, err := tx.Exec(ctx, "INSERT INTO fsec_reviews (term_id, campaign_id, subject_id, year, created_at) VALUES (?, ?, ?, ?, ?)",
					t.ID, c.ID, added[i].ID, in.Year, now); err != nil {
					if db.IsUniqueViolation(err) {
						// Another review of the year took the term since
						// it was found free.
						return &errs.Error{Kind: errs.Conflict, Field: "year", Text: i18n.Textf("%[1]s 已列入另一个 %[2]d 年度评议，请刷新后查看",
							"%[1]s is in another review of %[2]d already: reload to see it", t.PersonName, in.Year)}
					}
					return errs.Wrap(err, "review subject")
				}
			}
			return audit.Write(ctx, tx, actor, audit.Entry{Action: "firstsec.review", TargetType: "campaign", TargetID: strconv.FormatInt(c.ID, 10), OrgPath: o.Path,
				Summary: i18n.Textf("发起%[1]s %[2]d 年度第一书记评议，评议对象 %[3]d 人", "opened the %[2]d review of the first secretaries of %[1]s, %[3]d of them", o.Label(), in.Year, len(terms)),
				After:   map[string]any{"campaign_id": c.ID, "year": in.Year, "subjects": len(terms)}})
		})
	}
	if err != nil {
		// The draft goes with what failed, so that the review can be
		// opened again.
		if _, derr := s.eval.DeleteDraft(ctx, actor, c.ID, nil); derr != nil {
			return evaluation.Campaign{}, 0, errs.Wrap(fmt.Errorf("%w; dropping the draft: %w", err, derr), "first secretaries' review")
		}
		return evaluation.Campaign{}, 0, err
	}
	return c, len(terms), nil
}

// reviewedIn gives the terms in a review of the year, with the campaign.
func (s *Service) reviewedIn(ctx context.Context, year int) (map[int64]int64, error) {
	rows, err := s.db.Query(ctx, "SELECT term_id, campaign_id FROM fsec_reviews WHERE year = ?", year)
	if err != nil {
		return nil, errs.Wrap(err, "reviews")
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var t, c int64
		if err := rows.Scan(&t, &c); err != nil {
			return nil, errs.Wrap(err, "scan review")
		}
		out[t] = c
	}
	return out, errs.Wrap(rows.Err(), "reviews")
}

// dropReview frees the terms of the subjects the evaluation takes out of a
// review's draft (subjectID) or deletes with the draft (0), in its
// transaction: they may be reviewed again.
func (s *Service) dropReview(ctx context.Context, tx *db.Tx, campaignID, subjectID int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM fsec_reviews WHERE campaign_id = ? AND (? = 0 OR subject_id = ?)", campaignID, subjectID, subjectID)
	return errs.Wrap(err, "drop review")
}

// logDaysIn counts each term's days with a log entry between two dates.
func (s *Service) logDaysIn(ctx context.Context, first, last string) (map[int64]int, error) {
	rows, err := s.db.Query(ctx, "SELECT term_id, COUNT(DISTINCT logged_on) FROM fsec_logs WHERE logged_on >= ? AND logged_on <= ? GROUP BY term_id", first, last)
	if err != nil {
		return nil, errs.Wrap(err, "log days")
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var t int64
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, errs.Wrap(err, "scan log days")
		}
		out[t] = n
	}
	return out, errs.Wrap(rows.Err(), "log days")
}

// firstSecReviews are the reviews of a term the actor may read, the latest
// first, each with the term's grade once its results are published.
func (s *Service) firstSecReviews(ctx context.Context, actor access.Actor, termID int64) ([]FirstSecReview, error) {
	if s.eval == nil {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, "SELECT campaign_id, subject_id FROM fsec_reviews WHERE term_id = ? ORDER BY year DESC, campaign_id DESC", termID)
	if err != nil {
		return nil, errs.Wrap(err, "reviews")
	}
	type link struct{ campaign, subject int64 }
	var links []link
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.campaign, &l.subject); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan review")
		}
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "reviews")
	}
	var out []FirstSecReview
	for _, l := range links {
		c, err := s.eval.Get(ctx, actor, l.campaign)
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			continue // deleted, or not the reader's to see
		}
		if err != nil {
			return nil, err
		}
		r := FirstSecReview{CampaignID: c.ID, Name: c.Name, Year: c.Year, Status: c.Status}
		if c.Status == evaluation.StatusPublished {
			subs, err := s.eval.Subjects(ctx, actor, c.ID)
			if err != nil {
				return nil, err
			}
			key := ""
			for _, sb := range subs {
				if sb.ID == l.subject {
					key = sb.Key
				}
			}
			if key == "" {
				continue // the subject was removed from the draft
			}
			res, err := s.eval.Results(ctx, actor, c.ID)
			if err != nil {
				return nil, err
			}
			for _, sr := range res.Subjects {
				if sr.Subject == key {
					r.Grade, r.Total, r.Capped, r.Incomplete = sr.Grade, sr.Total, sr.Capped, sr.Incomplete
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}
