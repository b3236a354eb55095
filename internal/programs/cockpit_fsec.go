package programs

import (
	"context"
	"fmt"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

// FirstSecStats are the first secretaries of a subtree in a year, for the
// cockpit and the statistics API. InPost counts at AsOf, the year's last
// day or today for this year; the expiring terms and the vacant villages
// exist only as of today, as the ledger's lists show them; the log counts
// the year's entries.
type FirstSecStats struct {
	Year int    `json:"year"`
	AsOf string `json:"as_of"`
	// InPost counts the terms in post at AsOf: started by then, not over
	// and not ended.
	InPost int `json:"in_post"`
	// Expiring counts the terms not ended whose end falls within
	// DefaultExpiryDays of today or has passed, Expired those past it
	// with their end not recorded: the ledger's expiry list.
	Expiring int `json:"expiring"`
	Expired  int `json:"expired"`
	// Vacant counts the terms ended with nobody taking over: the villages
	// waiting for a first secretary, the ledger's vacant list.
	Vacant int `json:"vacant"`
	// Logs counts the work log's entries of the year, LogDays the days
	// with an entry summed over the terms.
	Logs    int `json:"logs"`
	LogDays int `json:"log_days"`
	// Review is the latest published yearly review (三述三评) of the year
	// or before that reviewed first secretaries of the subtree and that
	// the reader may read, nil for none.
	Review   *FirstSecReviewResult `json:"review"`
	Children []FirstSecChild       `json:"children"`
}

// FirstSecChild is a direct child's share of FirstSecStats: the terms at
// the organizations of its subtree.
type FirstSecChild struct {
	OrgID    int64  `json:"org_id"`
	Name     string `json:"name"`
	InPost   int    `json:"in_post"`
	Expiring int    `json:"expiring"`
	Vacant   int    `json:"vacant"`
	Logs     int    `json:"logs"`
}

// FirstSecReviewResult is what a published review gave the first
// secretaries of a subtree: how many it reviewed, how many earned each
// grade of its rules (best first) and how many it left ungraded.
type FirstSecReviewResult struct {
	CampaignID int64             `json:"campaign_id"`
	Name       string            `json:"name"`
	Year       int               `json:"year"`
	Reviewed   int               `json:"reviewed"`
	Grades     []FirstSecGradeOf `json:"grades"`
	Ungraded   int               `json:"ungraded"`
}

// FirstSecGradeOf is how many first secretaries earned a grade.
type FirstSecGradeOf struct {
	Grade string `json:"grade"`
	Count int    `json:"count"`
}

// FirstSecStatsOf counts the first secretaries of the subtree of orgID in
// year (this year when 0), in total and by child, with one grouped query
// over the subtree's terms (a city sends a few hundred), and reads the
// latest published review of the subtree. A reader who may not read the
// programmes there is refused.
func (s *Service) FirstSecStatsOf(ctx context.Context, actor access.Actor, orgID int64, year int) (FirstSecStats, error) {
	year, err := s.cockpitYear(year)
	if err != nil {
		return FirstSecStats{}, err
	}
	o, err := s.orgs.Check(ctx, actor, orgID, ProgramsRead)
	if err != nil {
		return FirstSecStats{}, err
	}
	kids, err := s.cockpitKids(ctx, o.ID)
	if err != nil {
		return FirstSecStats{}, err
	}
	today := s.today()
	asOf := fmt.Sprintf("%d-12-31", year)
	if year == today.Year() {
		asOf = today.Format(dateLayout)
	}
	out := FirstSecStats{Year: year, AsOf: asOf, Children: make([]FirstSecChild, len(kids))}
	for i, k := range kids {
		out.Children[i] = FirstSecChild{OrgID: k.ID, Name: k.Name}
	}
	now, soon := today.Format(dateLayout), today.AddDate(0, 0, DefaultExpiryDays).Format(dateLayout)
	first, last := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	// Each term gives its figures in the inner query, the log's through
	// the index on (term_id, logged_on); the outer one sums them by child.
	rows, err := s.db.Query(ctx, `SELECT x.k, SUM(x.in_post), SUM(x.expiring), SUM(x.expired), SUM(x.vacant), SUM(x.logs), SUM(x.log_days) FROM (
		SELECT `+kidOf("o.path", kids)+` AS k,
			CASE WHEN t.started_on <= ? AND t.ends_on >= ? AND (t.ended_on IS NULL OR t.ended_on > ?) THEN 1 ELSE 0 END AS in_post,
			CASE WHEN t.ended_on IS NULL AND t.ends_on <= ? THEN 1 ELSE 0 END AS expiring,
			CASE WHEN t.ended_on IS NULL AND t.ends_on < ? THEN 1 ELSE 0 END AS expired,
			CASE WHEN t.ended_on IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fsec_terms nx WHERE nx.predecessor_id = t.id AND nx.post_id IS NOT NULL) THEN 1 ELSE 0 END AS vacant,
			(SELECT COUNT(*) FROM fsec_logs l WHERE l.term_id = t.id AND l.logged_on >= ? AND l.logged_on <= ?) AS logs,
			(SELECT COUNT(DISTINCT l.logged_on) FROM fsec_logs l WHERE l.term_id = t.id AND l.logged_on >= ? AND l.logged_on <= ?) AS log_days
		FROM fsec_terms t JOIN orgs o ON o.id = t.org_id WHERE `+fsDone+` AND `+access.InSubtree("o.path", o.Path)+`) x GROUP BY x.k`,
		asOf, asOf, asOf, soon, now, first, last, first, last)
	if err != nil {
		return FirstSecStats{}, errs.Wrap(err, "first secretaries by child")
	}
	for rows.Next() {
		var k int
		var c FirstSecChild
		var expired, days int
		if err := rows.Scan(&k, &c.InPost, &c.Expiring, &expired, &c.Vacant, &c.Logs, &days); err != nil {
			rows.Close()
			return FirstSecStats{}, errs.Wrap(err, "scan first secretaries by child")
		}
		out.InPost += c.InPost
		out.Expiring += c.Expiring
		out.Expired += expired
		out.Vacant += c.Vacant
		out.Logs += c.Logs
		out.LogDays += days
		if k >= 0 && k < len(kids) {
			c.OrgID, c.Name = kids[k].ID, kids[k].Name
			out.Children[k] = c
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return FirstSecStats{}, errs.Wrap(err, "first secretaries by child")
	}
	if out.Review, err = s.latestFirstSecReview(ctx, actor, o.Path, year); err != nil {
		return FirstSecStats{}, err
	}
	return out, nil
}

// latestFirstSecReview finds the latest published review of year or before
// with first secretaries of the subtree at path among its subjects, that
// the actor may read on the evaluation's side, and counts the grades they
// earned. The results of a published review are frozen, so reading them
// costs one row.
func (s *Service) latestFirstSecReview(ctx context.Context, actor access.Actor, path string, year int) (*FirstSecReviewResult, error) {
	if s.eval == nil {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT r.campaign_id, MAX(r.year) FROM fsec_reviews r JOIN fsec_terms t ON t.id = r.term_id JOIN orgs o ON o.id = t.org_id
		WHERE r.year <= ? AND `+access.InSubtree("o.path", path)+` GROUP BY r.campaign_id ORDER BY 2 DESC, 1 DESC`, year)
	if err != nil {
		return nil, errs.Wrap(err, "reviews of the subtree")
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var y int
		if err := rows.Scan(&id, &y); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan review")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "reviews of the subtree")
	}
	for _, id := range ids {
		c, err := s.eval.Get(ctx, actor, id)
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			continue // deleted, or not the reader's to see
		}
		if err != nil {
			return nil, err
		}
		if c.Status != evaluation.StatusPublished {
			continue
		}
		return s.firstSecReviewOf(ctx, actor, c, path)
	}
	return nil, nil
}

// firstSecReviewOf counts the grades a published review gave the first
// secretaries of the subtree at path.
func (s *Service) firstSecReviewOf(ctx context.Context, actor access.Actor, c evaluation.Campaign, path string) (*FirstSecReviewResult, error) {
	rows, err := s.db.Query(ctx, "SELECT r.subject_id FROM fsec_reviews r JOIN fsec_terms t ON t.id = r.term_id JOIN orgs o ON o.id = t.org_id WHERE r.campaign_id = ? AND "+access.InSubtree("o.path", path), c.ID)
	if err != nil {
		return nil, errs.Wrap(err, "review subjects of the subtree")
	}
	mine := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan review subject")
		}
		mine[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "review subjects of the subtree")
	}
	subs, err := s.eval.Subjects(ctx, actor, c.ID)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, sb := range subs {
		if mine[sb.ID] {
			keys[sb.Key] = true
		}
	}
	res, err := s.eval.Results(ctx, actor, c.ID)
	if err != nil {
		return nil, err
	}
	out := &FirstSecReviewResult{CampaignID: c.ID, Name: c.Name, Year: c.Year, Grades: []FirstSecGradeOf{}}
	idx := map[string]int{}
	for _, g := range c.Rules.WithDefaults().Grades {
		idx[g.Grade] = len(out.Grades)
		out.Grades = append(out.Grades, FirstSecGradeOf{Grade: g.Grade})
	}
	for _, r := range res.Subjects {
		if !keys[r.Subject] {
			continue
		}
		out.Reviewed++
		i, ok := idx[r.Grade]
		if r.Grade == "" || !ok {
			out.Ungraded++
			continue
		}
		out.Grades[i].Count++
	}
	return out, nil
}
