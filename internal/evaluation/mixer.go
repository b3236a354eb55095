package evaluation

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"log/slog"
	"sort"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// maxMixBatch bounds the ballots one mixing transaction moves, so that the
// mixer never holds the writer for long while ballots are being cast (a
// batch of ballots that rate ten subjects each takes about 0.1 s on
// SQLite); a larger inbox is moved in several transactions, each of a
// random subset.
const maxMixBatch = 250

// minGroupBatch is the fewest ballots of one rater group a batch may carry
// before close, whatever a campaign's k: a ballot hides only among the
// ballots of its own group, since the group is written on its token and on
// the ballot alike.
const minGroupBatch = 10

// groupFloor is the fewest ballots of each rater group that a batch of
// campaign rules r carries before close: max(k, 10).
func groupFloor(r Rules) int { return max(r.WithDefaults().K, minGroupBatch) }

// Mix moves ballots of a campaign's inbox to its counted ballots. Unless
// force is set, a batch takes only rater groups that have at least
// max(k, 10) ballots waiting (groupFloor), and of each group it takes at
// least that many, and it moves only when those groups hold at least
// minBatch ballots together; a group with fewer waits in the inbox, while
// the other groups are mixed, until it has enough or the campaign closes.
// Whoever can see which token was spent before which batch thus finds each
// ballot among at least max(k, 10) of its group. With force, Mix moves
// everything, groups below the floor included.
//
// The ballots of a batch are shuffled and get new random ids, in a
// transaction of their own, so that no counted ballot shares a transaction,
// a row order, an id sequence or a time with the token that cast it. A
// batch is at most maxMixBatch ballots; of each group it takes those with
// the lowest inbox ids, which are random: a random subset. Unless forced,
// Mix waits after each full batch as long as the batch took, so that
// ballots cast meanwhile get the writer at least half of the time. After
// moving ballots it has the engine scrub the deleted inbox rows (see
// db.Scrub). It returns the number of ballots moved.
func (s *Service) Mix(ctx context.Context, campaignID int64, minBatch int, force bool) (int, error) {
	total := 0
	for {
		moved := 0
		began := time.Now()
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			// Take the campaign before the inbox rows, as Close does: the
			// ballots' foreign key would otherwise ask for the campaign while
			// holding inbox rows that a closing transaction waits for. FOR NO
			// KEY UPDATE lets ballots be cast meanwhile (they hold FOR KEY
			// SHARE) but makes two mixers of a campaign take turns, so that
			// the groups counted below are still there to be moved.
			if err := tx.LockRow(ctx, "campaigns", campaignID, db.ForNoKeyUpdate); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return errs.Wrap(err, "lock campaign")
			}
			r, err := campaignRulesTx(ctx, tx, campaignID)
			if err != nil {
				return err
			}
			if force {
				moved, err = mixTx(ctx, tx, campaignID, r, nil, s.mixBatch)
				return err
			}
			take, err := planBatch(ctx, tx, campaignID, groupFloor(r), s.mixBatch, minBatch)
			if err != nil || len(take) == 0 {
				return err
			}
			moved, err = mixTx(ctx, tx, campaignID, r, take, 0)
			return err
		})
		total += moved
		if err != nil || moved < s.mixBatch {
			if total > 0 {
				// The ballots are moved whatever happens here; a scrub
				// that fails is done again by the next mix or close.
				if err := s.db.Scrub(ctx, "ballot_inbox"); err != nil && ctx.Err() == nil {
					slog.ErrorContext(ctx, "scrub after mixing", "campaign", campaignID, "err", err)
				}
			}
			return total, err
		}
		if !force {
			select {
			case <-ctx.Done():
				return total, nil
			case <-time.After(time.Since(began)):
			}
		}
	}
}

// campaignRulesTx loads the frozen rules of a campaign inside tx.
func campaignRulesTx(ctx context.Context, tx *db.Tx, campaignID int64) (Rules, error) {
	var rulesJSON string
	if err := tx.QueryRow(ctx, "SELECT rules_json FROM campaigns WHERE id = ?", campaignID).Scan(&rulesJSON); err != nil {
		return Rules{}, errs.Wrap(err, "load rules")
	}
	var r Rules
	if err := json.Unmarshal([]byte(rulesJSON), &r); err != nil {
		return Rules{}, errs.Wrap(err, "decode rules")
	}
	return r, nil
}

// planBatch chooses how many ballots of each rater group the next batch of
// a campaign takes: only groups with at least floor ballots waiting, at
// least floor of each, at most limit (or floor, if larger) in all. The
// groups come in a random order, so that when they do not all fit none is
// always first. It returns nil when the groups that may go hold fewer than
// minBatch ballots together.
func planBatch(ctx context.Context, tx *db.Tx, campaignID int64, floor, limit, minBatch int) (map[string]int, error) {
	rows, err := tx.Query(ctx, "SELECT group_key, COUNT(*) FROM ballot_inbox WHERE campaign_id = ? GROUP BY group_key", campaignID)
	if err != nil {
		return nil, errs.Wrap(err, "inbox groups")
	}
	type waiting struct {
		group string
		n     int
	}
	var ready []waiting
	sum := 0
	for rows.Next() {
		var w waiting
		if err := rows.Scan(&w.group, &w.n); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "inbox groups")
		}
		if w.n >= floor {
			ready = append(ready, w)
			sum += w.n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "inbox groups")
	}
	if sum == 0 || sum < minBatch {
		return nil, nil
	}
	sort.Slice(ready, func(i, j int) bool { return ready[i].group < ready[j].group })
	shuffle(ready)
	room := max(limit, floor)
	take := map[string]int{}
	for _, w := range ready {
		if n := min(w.n, room); n >= floor {
			take[w.group] = n
			room -= n
		}
	}
	return take, nil
}

// errInboxMoved reports that a group's ballots left the inbox between
// planBatch and mixTx: the batch is rolled back rather than moved short.
var errInboxMoved = errors.New("inbox ballots moved during mixing")

// mixTx moves ballots of a campaign's inbox inside tx: take[g] ballots of
// each group g, a random subset of it, or, when take is nil, at most limit
// ballots of any groups (all of them when limit is 0). DELETE … RETURNING
// takes each row exactly once even when two mixers run at the same time:
// the second waits for the first and finds the rows gone. The counts of
// the moved ballots join the tallies in the same transaction.
func mixTx(ctx context.Context, tx *db.Tx, campaignID int64, r Rules, take map[string]int, limit int) (int, error) {
	const ret = " RETURNING province, group_key, payload, tracker"
	type step struct {
		q    string
		args []any
		want int
	}
	var steps []step
	switch {
	case take != nil:
		groups := make([]string, 0, len(take))
		for g := range take {
			groups = append(groups, g)
		}
		sort.Strings(groups) // a fixed order in which rows are locked
		for _, g := range groups {
			steps = append(steps, step{`DELETE FROM ballot_inbox WHERE campaign_id = ? AND group_key = ? AND id IN
				(SELECT id FROM ballot_inbox WHERE campaign_id = ? AND group_key = ? ORDER BY id LIMIT ?)` + ret,
				[]any{campaignID, g, campaignID, g, take[g]}, take[g]})
		}
	case limit > 0:
		steps = append(steps, step{`DELETE FROM ballot_inbox WHERE campaign_id = ? AND id IN
			(SELECT id FROM ballot_inbox WHERE campaign_id = ? ORDER BY id LIMIT ?)` + ret, []any{campaignID, campaignID, limit}, -1})
	default:
		steps = append(steps, step{"DELETE FROM ballot_inbox WHERE campaign_id = ?" + ret, []any{campaignID}, -1})
	}
	var batch [][]any
	for _, st := range steps {
		rows, err := tx.Query(ctx, st.q, st.args...)
		if err != nil {
			return 0, errs.Wrap(err, "take inbox")
		}
		got := 0
		for rows.Next() {
			var province, group, body, tracker string
			if err := rows.Scan(&province, &group, &body, &tracker); err != nil {
				rows.Close()
				return 0, errs.Wrap(err, "scan inbox")
			}
			batch = append(batch, []any{"", campaignID, province, group, body, tracker})
			got++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, errs.Wrap(err, "take inbox")
		}
		if st.want >= 0 && got != st.want {
			return 0, errInboxMoved
		}
	}
	if len(batch) == 0 {
		return 0, nil
	}
	keys := leafKeys(r)
	tallies := map[tallyKey]int{}
	for _, row := range batch {
		scores, err := decodeBallot(row[4].(string), keys)
		if err != nil {
			return 0, err
		}
		for s, answers := range scores {
			for ind, v := range answers {
				tallies[tallyKey{s, row[3].(string), ind, v}]++
			}
		}
	}
	if err := addTallies(ctx, tx, campaignID, tallies); err != nil {
		return 0, err
	}
	shuffle(batch)
	// New ids, drawn after the shuffle: nothing of the inbox row survives
	// but the ballot itself and its tracker.
	for _, r := range batch {
		r[0] = randomID()
	}
	if err := tx.BatchInsert(ctx, "ballots", []string{"id", "campaign_id", "province", "group_key", "payload", "tracker"}, batch, 1000); err != nil {
		return 0, errs.Wrap(err, "insert ballots")
	}
	return len(batch), nil
}

// tallyKey is a row of ballot_tally without its count.
type tallyKey struct {
	subject, group, indicator string
	points                    float64
}

// addTallies adds the counts of a batch to the campaign's tallies. It runs
// in the mixer's transaction, so the tallies always count exactly the
// ballots in the ballots table, and, like them, they change a batch at a
// time, never a ballot at a time.
func addTallies(ctx context.Context, tx *db.Tx, campaignID int64, tallies map[tallyKey]int) error {
	rows := make([][]any, 0, len(tallies))
	for k, n := range tallies {
		rows = append(rows, []any{campaignID, k.subject, k.group, k.indicator, k.points, n})
	}
	err := tx.BatchInsertOn(ctx, "ballot_tally", []string{"campaign_id", "subject_key", "group_key", "indicator_key", "points", "n"}, rows, 500,
		"ON CONFLICT (campaign_id, subject_key, group_key, indicator_key, points) DO UPDATE SET n = ballot_tally.n + excluded.n")
	return errs.Wrap(err, "ballot tallies")
}

// shuffle is Fisher–Yates with crypto/rand: a predictable generator would
// let whoever knows its seed undo the shuffle.
func shuffle[T any](xs []T) {
	for i := len(xs) - 1; i > 0; i-- {
		j := randIndex(i + 1)
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// randIndex is uniform in [0, n), rejecting the top of the range that
// would favour small values.
func randIndex(n int) int {
	limit := ^uint64(0) - ^uint64(0)%uint64(n)
	var b [8]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
		if v := binary.LittleEndian.Uint64(b[:]); v < limit {
			return int(v % uint64(n))
		}
	}
}

// RunMixer mixes, every interval, the inbox of each campaign holding at
// least minBatch ballots, until ctx ends, in batches of groups that have
// at least max(k, 10) ballots waiting (see Mix). A campaign with fewer, and
// a group with fewer, waits for more ballots or for Close, which moves the
// rest. Mix scrubs the deleted inbox rows, which carry the casting
// transaction's id, after moving ballots.
func (s *Service) RunMixer(ctx context.Context, every time.Duration, minBatch int) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.mixRound(ctx, minBatch); err != nil && ctx.Err() == nil {
			slog.ErrorContext(ctx, "ballot mixer", "err", err)
		}
	}
}

// mixRound runs one round of RunMixer.
func (s *Service) mixRound(ctx context.Context, minBatch int) error {
	rows, err := s.db.Query(ctx, "SELECT campaign_id FROM ballot_inbox GROUP BY campaign_id HAVING COUNT(*) >= ?", max(minBatch, 1))
	if err != nil {
		return errs.Wrap(err, "inbox campaigns")
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return errs.Wrap(err, "inbox campaigns")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "inbox campaigns")
	}
	for _, id := range ids {
		if _, err := s.Mix(ctx, id, minBatch, false); err != nil {
			return err
		}
	}
	return nil
}
