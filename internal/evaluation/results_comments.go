package evaluation

import (
	"context"
	"encoding/json"
	"math/rand/v2"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// GroupComments are the comments (意见建议) of one rater group's ballots.
// Shown is false when the group cast fewer than k ballots: then Comments is
// empty and Ballots 0, as its scores and its count are hidden everywhere
// (the bulletin shows no figure of it either), since a comment from a crowd
// of two is as good as signed.
type GroupComments struct {
	Group    string   `json:"group"`
	Ballots  int      `json:"ballots"`
	Shown    bool     `json:"shown"`
	Comments []string `json:"comments"`
}

// CommentsHidden answers a request for the comments of a campaign that has
// not closed.
func CommentsHidden() error {
	return errs.New(errs.Conflict, "测评结束前不显示意见建议", "comments are not shown before the campaign closes")
}

// Comments returns the comments of a closed campaign's counted ballots, to
// whoever may read its results, per rater group in the order of the rules.
// Like the scores they wait for the close (a reading between two batches
// would give the comments of the raters in between) and are withheld for a
// group below k. Within a group they come shuffled afresh on every read:
// neither the order of casting nor that of the ballots table, nor the
// order of one earlier reading, survives.
func (s *Service) Comments(ctx context.Context, actor access.Actor, campaignID int64) ([]GroupComments, error) {
	c, err := s.Get(ctx, actor, campaignID)
	if err != nil {
		return nil, err
	}
	if !ScoresVisible(c) {
		return nil, CommentsHidden()
	}
	rules := c.Rules.WithDefaults()
	byGroup := map[string]*GroupComments{}
	out := make([]GroupComments, len(rules.Groups))
	for i, g := range rules.Groups {
		out[i] = GroupComments{Group: g.Key, Comments: []string{}}
		byGroup[g.Key] = &out[i]
	}
	err = s.readTx(ctx, func(q db.Querier) error {
		rows, err := q.Query(ctx, "SELECT group_key, payload FROM ballots WHERE campaign_id = ?", campaignID)
		if err != nil {
			return errs.Wrap(err, "ballot comments")
		}
		defer rows.Close()
		for rows.Next() {
			var g, body string
			if err := rows.Scan(&g, &body); err != nil {
				return errs.Wrap(err, "scan ballot")
			}
			gc := byGroup[g]
			if gc == nil {
				continue
			}
			gc.Ballots++
			var p payload
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				return errs.Wrap(err, "decode ballot")
			}
			if p.Comment != "" {
				gc.Comments = append(gc.Comments, p.Comment)
			}
		}
		return errs.Wrap(rows.Err(), "ballot comments")
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		gc := &out[i]
		gc.Shown = gc.Ballots >= rules.K
		if !gc.Shown {
			gc.Comments, gc.Ballots = []string{}, 0
			continue
		}
		// math/rand/v2's global source is seeded from the system's
		// randomness, unpredictable to a reader of the page.
		rand.Shuffle(len(gc.Comments), func(a, b int) { gc.Comments[a], gc.Comments[b] = gc.Comments[b], gc.Comments[a] })
	}
	return out, nil
}
