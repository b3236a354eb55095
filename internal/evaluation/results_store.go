package evaluation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

func ptrInt(n int) *int { return &n }

// ScoresHidden answers a request for the scores of a campaign that has not
// closed yet.
func ScoresHidden() error {
	return errs.New(errs.Conflict, "测评结束前不显示任何得分，只显示计票进度",
		"no score is shown before the campaign closes: only the progress of the count")
}

// ScoresVisible reports whether any score of c may leave the server: only
// once it has closed. While ballots still arrive, two readings of the
// results taken a batch apart would give the answers of the raters of that
// batch — of one rater, for a manager who knows who voted in between.
func ScoresVisible(c Campaign) bool {
	return c.Status == StatusClosed || c.Status == StatusPublished
}

// Results returns a campaign's results, for its managers and readers, once
// it has closed. A published campaign gives its frozen results, checked
// against the stored SHA-256; a closed one those of all its ballots. Before
// that it answers ScoresHidden: TokenCounts gives the progress instead.
func (s *Service) Results(ctx context.Context, actor access.Actor, campaignID int64) (Results, error) {
	c, err := s.Get(ctx, actor, campaignID)
	if err != nil {
		return Results{}, err
	}
	if !ScoresVisible(c) {
		return Results{}, ScoresHidden()
	}
	if c.Status == StatusPublished {
		var body, sum string
		if err := s.db.QueryRow(ctx, "SELECT results_json, results_sha256 FROM campaigns WHERE id = ?", campaignID).Scan(&body, &sum); err != nil {
			return Results{}, errs.Wrap(err, "load results")
		}
		if h := sha256.Sum256([]byte(body)); hex.EncodeToString(h[:]) != sum {
			return Results{}, errs.Wrap(fmt.Errorf("campaign %d: results do not match their SHA-256", campaignID), "verify results")
		}
		var res Results
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			return Results{}, errs.Wrap(err, "decode results")
		}
		return res, nil
	}
	var res Results
	err = s.readTx(ctx, func(q db.Querier) error {
		res, err = computeTx(ctx, q, c)
		return err
	})
	return res, err
}

// Flags returns the subjects graded lowest or hit by a veto, in rank order:
// the candidates for rectification. Like Results, it answers ScoresHidden
// before the campaign closes.
func (s *Service) Flags(ctx context.Context, actor access.Actor, campaignID int64) ([]Subject, error) {
	res, err := s.Results(ctx, actor, campaignID)
	if err != nil {
		return nil, err
	}
	subjects, err := loadSubjects(ctx, s.db, campaignID)
	if err != nil {
		return nil, err
	}
	byKey := map[string]Subject{}
	for _, sb := range subjects {
		byKey[sb.Key] = sb
	}
	out := []Subject{}
	for _, k := range res.Flags {
		if sb, ok := byKey[k]; ok {
			out = append(out, sb)
		}
	}
	return out, nil
}

// computeTx computes the results of the campaign's counted ballots from
// their tallies.
func computeTx(ctx context.Context, q db.Querier, c Campaign) (Results, error) {
	subjects, err := loadSubjects(ctx, q, c.ID)
	if err != nil {
		return Results{}, err
	}
	keys, raters := scoredSubjects(subjects)
	tallies, err := loadTallies(ctx, q, c.ID)
	if err != nil {
		return Results{}, err
	}
	res, err := ComputeTallies(c.Rules, keys, raters, tallies)
	return res, errs.Wrap(err, "results")
}

// scoredSubjects gives the keys of subjects and, for those rated by only
// some groups, the groups, as Compute takes them.
func scoredSubjects(subjects []Subject) ([]string, map[string][]string) {
	keys := make([]string, len(subjects))
	raters := map[string][]string{}
	for i, sb := range subjects {
		keys[i] = sb.Key
		if len(sb.Groups) > 0 {
			raters[sb.Key] = sb.Groups
		}
	}
	return keys, raters
}

// loadTallies reads the ballot tallies of a campaign.
func loadTallies(ctx context.Context, q db.Querier, campaignID int64) ([]Tally, error) {
	rows, err := q.Query(ctx, "SELECT subject_key, group_key, indicator_key, points, n FROM ballot_tally WHERE campaign_id = ?", campaignID)
	if err != nil {
		return nil, errs.Wrap(err, "ballot tallies")
	}
	defer rows.Close()
	var out []Tally
	for rows.Next() {
		var t Tally
		if err := rows.Scan(&t.Subject, &t.Group, &t.Indicator, &t.Points, &t.N); err != nil {
			return nil, errs.Wrap(err, "scan ballot tally")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "ballot tallies")
}

// recount computes a campaign's results from its ballots and from its
// tallies and fails unless the two agree.
func (s *Service) recount(ctx context.Context, c Campaign) error {
	return s.readTx(ctx, func(q db.Querier) error {
		subjects, err := loadSubjects(ctx, q, c.ID)
		if err != nil {
			return err
		}
		keys, raters := scoredSubjects(subjects)
		ballots, err := loadBallots(ctx, q, c.ID, leafKeys(c.Rules))
		if err != nil {
			return err
		}
		fromBallots, err := Compute(c.Rules, keys, raters, ballots)
		if err != nil {
			return errs.Wrap(err, "recount ballots")
		}
		fromTallies, err := computeTx(ctx, q, c)
		if err != nil {
			return err
		}
		a, _, err := sealResults(fromBallots)
		if err != nil {
			return err
		}
		b, _, err := sealResults(fromTallies)
		if err != nil {
			return err
		}
		if !bytes.Equal(a, b) {
			return errs.Wrap(fmt.Errorf("campaign %d: the ballots and their tallies give different results", c.ID), "recount")
		}
		return nil
	})
}

// loadBallots reads the counted ballots of a campaign in id order, which
// is random; keys are the campaign's sorted leaf keys.
func loadBallots(ctx context.Context, q db.Querier, campaignID int64, keys []string) ([]Ballot, error) {
	rows, err := q.Query(ctx, "SELECT group_key, payload FROM ballots WHERE campaign_id = ? ORDER BY id", campaignID)
	if err != nil {
		return nil, errs.Wrap(err, "ballots")
	}
	defer rows.Close()
	var out []Ballot
	for rows.Next() {
		var g, body string
		if err := rows.Scan(&g, &body); err != nil {
			return nil, errs.Wrap(err, "scan ballot")
		}
		scores, err := decodeBallot(body, keys)
		if err != nil {
			return nil, err
		}
		out = append(out, Ballot{Group: g, Scores: scores})
	}
	return out, errs.Wrap(rows.Err(), "ballots")
}

// sealResults encodes results as stored and returns the encoding with its
// SHA-256 in hex; the stored bytes are exactly the ones hashed.
func sealResults(res Results) ([]byte, string, error) {
	b, err := json.Marshal(res)
	if err != nil {
		return nil, "", errs.Wrap(err, "encode results")
	}
	h := sha256.Sum256(b)
	return b, hex.EncodeToString(h[:]), nil
}

// Both a write transaction and the read pool serve the loaders above.
var _, _ db.Querier = (*db.Tx)(nil), (*db.DB)(nil)
