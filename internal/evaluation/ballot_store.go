package evaluation

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// MaxCommentRunes is the longest comment (意见建议) a ballot may carry.
const MaxCommentRunes = 500

// payload is what the inbox and the ballot table keep of a ballot: the
// answers and the comment, nothing about who or when. Answers are stored
// per subject as the points of each leaf indicator in the order of the
// leaves' keys sorted, which the campaign's rules, frozen once it opens,
// give back: the row stays under a kilobyte for twenty subjects, so SQLite
// keeps it in its B-tree page instead of overflow pages.
type payload struct {
	Scores  map[string][]float64 `json:"s"`
	Comment string               `json:"c,omitempty"`
	// V1 holds ballots stored before the compact form, with named answers.
	V1 map[string]map[string]float64 `json:"scores,omitempty"`
}

// EncodeBallot returns the stored form of a ballot's answers and comment.
// The answers of each subject must name every leaf indicator once, as a
// ballot accepted by CastBallot does.
func EncodeBallot(scores map[string]map[string]float64, comment string) (string, error) {
	p := payload{Scores: make(map[string][]float64, len(scores)), Comment: comment}
	for s, answers := range scores {
		vals := make([]float64, 0, len(answers))
		for _, k := range slices.Sorted(maps.Keys(answers)) {
			vals = append(vals, answers[k])
		}
		p.Scores[s] = vals
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", errs.Wrap(err, "ballot json")
	}
	return string(b), nil
}

// leafKeys returns the keys of the rules' leaf indicators, sorted: the
// order of the points in a stored ballot.
func leafKeys(r Rules) []string {
	var leaves []leaf
	collectLeaves(r.Indicators, &leaves)
	keys := make([]string, len(leaves))
	for i, l := range leaves {
		keys[i] = l.key
	}
	slices.Sort(keys)
	return keys
}

// decodeBallot reads a stored ballot's answers back, given the campaign's
// sorted leaf keys.
func decodeBallot(body string, keys []string) (map[string]map[string]float64, error) {
	var p payload
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return nil, errs.Wrap(err, "decode ballot")
	}
	if p.V1 != nil {
		return p.V1, nil
	}
	out := make(map[string]map[string]float64, len(p.Scores))
	for s, vals := range p.Scores {
		if len(vals) != len(keys) {
			return nil, errs.Wrap(fmt.Errorf("a stored ballot holds %d answers for %s, the campaign has %d indicators", len(vals), s, len(keys)), "decode ballot")
		}
		answers := make(map[string]float64, len(keys))
		for i, k := range keys {
			answers[k] = vals[i]
		}
		out[s] = answers
	}
	return out, nil
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
// It checks the code, the campaign and the answers, spends the token with
// an UPDATE that must change exactly one issued row — so that of many
// simultaneous submissions of one code exactly one wins on either engine —
// and writes the ballot to the inbox under a random id with a fresh random
// tracker, all in one transaction. The tracker and the ballot never meet
// the token again: the mixer later moves the ballot to the counted ballots.
//
// When the committer runs (StartCommitter), the ballot joins the batch of
// ballots being cast at the same moment and shares their transaction; the
// tracker is returned only once that transaction is committed and synced.
// Otherwise the ballot gets a transaction of its own.
func (s *Service) CastBallot(ctx context.Context, code string, scores map[string]map[string]float64, comment string) (string, error) {
	r, err := s.prepareCast(ctx, code, scores, comment)
	if err != nil {
		return "", err
	}
	if c := s.committer.Load(); c != nil {
		if res, ok := c.submit(ctx, r); ok {
			return res.tracker, res.err
		}
	}
	found := []bool{false}
	err = s.db.InTxLost(ctx, []int{0}, func(ctx context.Context, tx *db.Tx, _ []int) error {
		return s.castTx(ctx, tx, r, newCastCache())
	}, s.landedBallots([]*castReq{r}, found))
	if err != nil && !found[0] {
		return "", err
	}
	return r.tracker, nil
}

// prepareCast does the checks and the work of a ballot that need no
// database: the code's form and MAC, the comment, the payload, the ids.
func (s *Service) prepareCast(ctx context.Context, code string, scores map[string]map[string]float64, comment string) (*castReq, error) {
	raw, err := ParseCode(code)
	if err != nil {
		return nil, InvalidCode()
	}
	comment = strings.TrimSpace(comment)
	if n := utf8.RuneCountInString(comment); n > MaxCommentRunes {
		return nil, errs.Field("comment", fmt.Sprintf("意见建议最多 %d 字，现为 %d 字", MaxCommentRunes, n),
			fmt.Sprintf("the comment takes at most %d characters, not %d", MaxCommentRunes, n))
	}
	body, err := EncodeBallot(scores, comment)
	if err != nil {
		return nil, err
	}
	return &castReq{ctx: ctx, mac: TokenMAC(s.key, raw), scores: scores, body: body, id: randomID(), tracker: NewTracker()}, nil
}

// castReq is one ballot on its way into the inbox: everything that needs
// no database is prepared before it queues for the writer.
type castReq struct {
	ctx     context.Context
	mac     string
	scores  map[string]map[string]float64
	body    string // the payload as stored
	id      string // the inbox row's random id
	tracker string
	res     chan castRes // buffered: the committer never waits for a caller
}

type castRes struct {
	tracker string
	err     error
}

// castCampaign is what the checks of a ballot need of its campaign.
type castCampaign struct {
	status        string
	opens, closes time.Time
	rules         Rules
	subjects      []Subject
	province      string // fixed at its creation: the key its ballots are partitioned by
	loadedBy      int    // the step of the cache that loaded it
}

// castCache keeps, within one transaction, the campaigns that ballots of
// that transaction have loaded. On PostgreSQL the first load takes the
// campaign FOR KEY SHARE, which holds until the transaction ends, so the
// campaign cannot close between the ballots of one batch. step numbers the
// ballot being applied: a ballot rolled back to its savepoint also loses
// the lock it took, so forget drops what that ballot loaded.
type castCache struct {
	m    map[int64]*castCampaign
	step int
}

func newCastCache() *castCache { return &castCache{m: map[int64]*castCampaign{}} }

// forget drops the campaigns loaded by the current step.
func (cc *castCache) forget() {
	for id, c := range cc.m {
		if c.loadedBy == cc.step {
			delete(cc.m, id)
		}
	}
}

// issuedToken finds the campaign and rater group of a token that may still
// vote: unknown and revoked tokens answer like any wrong code, used ones say so.
func issuedToken(ctx context.Context, q db.Querier, mac string) (campaignID int64, group string, err error) {
	var status string
	err = q.QueryRow(ctx, "SELECT campaign_id, group_key, status FROM ballot_tokens WHERE mac = ?", mac).Scan(&campaignID, &group, &status)
	if err == sql.ErrNoRows {
		return 0, "", InvalidCode()
	}
	if err != nil {
		return 0, "", errs.Wrap(err, "load token")
	}
	switch status {
	case TokenRevoked:
		return 0, "", InvalidCode()
	case TokenUsed:
		return 0, "", usedCode()
	}
	return campaignID, group, nil
}

// castTx applies one ballot inside tx: the per-ballot logic shared by the
// one-transaction-per-ballot path and the committer's batches.
func (s *Service) castTx(ctx context.Context, tx *db.Tx, r *castReq, cache *castCache) error {
	campaignID, group, err := issuedToken(ctx, tx, r.mac)
	if err != nil {
		return err
	}
	c, err := castCampaignTx(ctx, tx, campaignID, cache)
	if err != nil {
		return err
	}
	if err := s.checkCast(c, group, r.scores); err != nil {
		return err
	}
	res, err := tx.Exec(ctx, "UPDATE ballot_tokens SET status = 'used' WHERE mac = ? AND status = 'issued'", r.mac)
	if err != nil {
		return errs.Wrap(err, "spend token")
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return usedCode()
	}
	if err := addTokenCounts(ctx, tx, map[groupRef]tokenDelta{{campaignID, group}: {issued: -1, used: 1}}); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO ballot_inbox (id, campaign_id, province, group_key, payload, tracker) VALUES (?, ?, ?, ?, ?, ?)",
		r.id, campaignID, c.province, group, r.body, r.tracker)
	return errs.Wrap(err, "insert ballot")
}

// castCampaignTx returns the campaign of a ballot from cache, loading it
// on first use.
func castCampaignTx(ctx context.Context, tx *db.Tx, campaignID int64, cache *castCache) (*castCampaign, error) {
	if c := cache.m[campaignID]; c != nil {
		return c, nil
	}
	// FOR KEY SHARE lets ballots be cast side by side yet makes Close,
	// which locks the campaign FOR UPDATE, wait until they are in the inbox.
	q := "SELECT status, opens_at, closes_at, rules_json, province FROM campaigns WHERE id = ?" + tx.Lock(db.ForKeyShare)
	var cstatus, opens, closes, rulesJSON, province string
	if err := tx.QueryRow(ctx, q, campaignID).Scan(&cstatus, &opens, &closes, &rulesJSON, &province); err != nil {
		return nil, errs.Wrap(err, "load campaign")
	}
	c := &castCampaign{status: cstatus, opens: db.ParseTime(opens), closes: db.ParseTime(closes), province: province}
	if err := json.Unmarshal([]byte(rulesJSON), &c.rules); err != nil {
		return nil, errs.Wrap(err, "campaign rules")
	}
	var err error
	if c.subjects, err = loadSubjects(ctx, tx, campaignID); err != nil {
		return nil, err
	}
	c.loadedBy = cache.step
	cache.m[campaignID] = c
	return c, nil
}

// checkCast checks, without the database, a ballot of the rater group
// group against its campaign: the window and the answers.
func (s *Service) checkCast(c *castCampaign, group string, scores map[string]map[string]float64) error {
	now := s.now()
	if c.status != StatusOpen || now.Before(c.opens) || !now.Before(c.closes) {
		return notOpen()
	}
	var mine []string
	for _, sb := range c.subjects {
		if sb.ratedBy(group) {
			mine = append(mine, sb.Key)
		} else if _, ok := scores[sb.Key]; ok {
			gname, _ := groupName(c.rules, group)
			return errs.Field("scores["+sb.Key+"]", fmt.Sprintf("“%s”不由%s评价，请只评价本组的测评对象", sb.Name, gname),
				fmt.Sprintf("\"%s\" is not rated by the group %s: rate only your group's subjects", sb.Name, gname))
		}
	}
	return ValidateBallot(c.rules, mine, Ballot{Group: group, Scores: scores})
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
	err = s.readTx(ctx, func(q db.Querier) error {
		campaignID, group, err := issuedToken(ctx, q, mac)
		if err != nil {
			return err
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
	if err != nil {
		return out, err
	}
	// The leaders are read after the code's snapshot: a rater sees who
	// leads each organization now.
	out.Subjects, err = s.withLeaders(ctx, out.Subjects)
	return out, err
}

// GroupName returns the name of a rater group of the rules, or its key.
func (r Rules) GroupName(key string) string {
	if n, ok := groupName(r, key); ok {
		return n
	}
	return key
}
