package evaluation

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// MaxCommentRunes is the longest comment (意见建议) a ballot may carry.
const MaxCommentRunes = 500

// payload is what the inbox and the ballot table keep of a ballot: the
// answers and the comment, nothing about who or when.
type payload struct {
	Scores  map[string]map[string]float64 `json:"scores"`
	Comment string                        `json:"comment,omitempty"`
}

// usedCode answers a code that has already voted. It differs from
// InvalidCode on purpose: the holder of a real slip must learn that their
// ballot is in, and guessing a used code is as hard as guessing a fresh one.
func usedCode() error {
	return errs.New(errs.Conflict, "该测评码已经使用过，每张测评票只能提交一次", "this ballot code has already been used: each ballot can be cast once")
}

func notOpen() error {
	return errs.New(errs.Conflict, "测评未开始或已结束", "the campaign is not open for ballots")
}

// CastBallot casts a ballot with a code from a slip and returns the
// rater's tracker. It is public: the code is the only credential.
//
// In one transaction it checks the code, the campaign and the answers,
// spends the token with an UPDATE that must change exactly one issued row —
// so that of many simultaneous submissions of one code exactly one wins on
// either engine — and writes the ballot to the inbox under a random id with
// a fresh random tracker. The tracker and the ballot never meet the token
// again: the mixer later moves the ballot to the counted ballots.
func (s *Service) CastBallot(ctx context.Context, code string, scores map[string]map[string]float64, comment string) (string, error) {
	raw, err := ParseCode(code)
	if err != nil {
		return "", InvalidCode()
	}
	comment = strings.TrimSpace(comment)
	if n := utf8.RuneCountInString(comment); n > MaxCommentRunes {
		return "", errs.Field("comment", fmt.Sprintf("意见建议最多 %d 字，现为 %d 字", MaxCommentRunes, n),
			fmt.Sprintf("the comment takes at most %d characters, not %d", MaxCommentRunes, n))
	}
	mac := TokenMAC(s.key, raw)
	var tracker string
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var campaignID int64
		var group, status string
		err := tx.QueryRow(ctx, "SELECT campaign_id, group_key, status FROM ballot_tokens WHERE mac = ?", mac).Scan(&campaignID, &group, &status)
		if err == sql.ErrNoRows {
			return InvalidCode()
		}
		if err != nil {
			return errs.Wrap(err, "load token")
		}
		switch status {
		case TokenRevoked:
			return InvalidCode()
		case TokenUsed:
			return usedCode()
		}
		// FOR KEY SHARE lets ballots be cast side by side yet makes Close,
		// which locks the campaign FOR UPDATE, wait until they are in the inbox.
		q := "SELECT status, opens_at, closes_at, rules_json FROM campaigns WHERE id = ?"
		if tx.Dialect() == db.Postgres {
			q += " FOR KEY SHARE"
		}
		var cstatus, opens, closes, rulesJSON string
		if err := tx.QueryRow(ctx, q, campaignID).Scan(&cstatus, &opens, &closes, &rulesJSON); err != nil {
			return errs.Wrap(err, "load campaign")
		}
		now := s.now()
		if cstatus != StatusOpen || now.Before(db.ParseTime(opens)) || !now.Before(db.ParseTime(closes)) {
			return notOpen()
		}
		var rules Rules
		if err := json.Unmarshal([]byte(rulesJSON), &rules); err != nil {
			return errs.Wrap(err, "campaign rules")
		}
		subjects, err := loadSubjects(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		var mine []string
		for _, sb := range subjects {
			if sb.ratedBy(group) {
				mine = append(mine, sb.Key)
			} else if _, ok := scores[sb.Key]; ok {
				gname, _ := groupName(rules, group)
				return errs.Field("scores["+sb.Key+"]", fmt.Sprintf("“%s”不由%s评价，请只评价本组的测评对象", sb.Name, gname),
					fmt.Sprintf("“%s” is not rated by the group %s: rate only your group's subjects", sb.Name, gname))
			}
		}
		if err := ValidateBallot(rules, mine, Ballot{Group: group, Scores: scores}); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE ballot_tokens SET status = 'used' WHERE mac = ? AND status = 'issued'", mac)
		if err != nil {
			return errs.Wrap(err, "spend token")
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return usedCode()
		}
		body, err := json.Marshal(payload{Scores: scores, Comment: comment})
		if err != nil {
			return errs.Wrap(err, "ballot json")
		}
		tracker = NewTracker()
		_, err = tx.Exec(ctx, "INSERT INTO ballot_inbox (id, campaign_id, group_key, payload, tracker) VALUES (?, ?, ?, ?, ?)",
			randomID(), campaignID, group, string(body), tracker)
		return errs.Wrap(err, "insert ballot")
	})
	if err != nil {
		return "", err
	}
	return tracker, nil
}

// BallotForm is what a rater sees before voting: the campaign, the rater
// group of the code, the subjects that group rates and the rules.
type BallotForm struct {
	Campaign Campaign
	Group    string
	Subjects []Subject
}

// BallotForm looks a code up without spending it, for the page that shows
// the ballot before it is cast. It answers like CastBallot: InvalidCode for
// unknown and revoked codes, the used message for a spent one, and "not
// open" outside the campaign's window. CastBallot checks everything again.
func (s *Service) BallotForm(ctx context.Context, code string) (BallotForm, error) {
	raw, err := ParseCode(code)
	if err != nil {
		return BallotForm{}, InvalidCode()
	}
	mac := TokenMAC(s.key, raw)
	var out BallotForm
	err = s.readTx(ctx, func(q querier) error {
		var campaignID int64
		var group, status string
		err := q.QueryRow(ctx, "SELECT campaign_id, group_key, status FROM ballot_tokens WHERE mac = ?", mac).Scan(&campaignID, &group, &status)
		if err == sql.ErrNoRows {
			return InvalidCode()
		}
		if err != nil {
			return errs.Wrap(err, "load token")
		}
		switch status {
		case TokenRevoked:
			return InvalidCode()
		case TokenUsed:
			return usedCode()
		}
		c, err := scanCampaign(q.QueryRow(ctx, "SELECT "+campaignCols+campaignFrom+" WHERE c.id = ?", campaignID))
		if err != nil {
			return errs.Wrap(err, "load campaign")
		}
		now := s.now()
		if c.Status != StatusOpen || now.Before(c.OpensAt) || !now.Before(c.ClosesAt) {
			return notOpen()
		}
		subjects, err := loadSubjects(ctx, q, campaignID)
		if err != nil {
			return err
		}
		out = BallotForm{Campaign: c, Group: group}
		for _, sb := range subjects {
			if sb.ratedBy(group) {
				out.Subjects = append(out.Subjects, sb)
			}
		}
		return nil
	})
	return out, err
}

// GroupName returns the name of a rater group of the rules, or its key.
func (r Rules) GroupName(key string) string {
	if n, ok := groupName(r, key); ok {
		return n
	}
	return key
}
