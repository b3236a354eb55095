package evaluation

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"log/slog"
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

// Mix moves a campaign's inbox to its counted ballots when the inbox holds
// at least minBatch ballots, or whatever it holds when force is set. The
// ballots of a batch are shuffled and get new random ids, in a transaction
// of their own, so that no counted ballot shares a transaction, a row order,
// an id sequence or a time with the token that cast it; the batch is the
// crowd each ballot hides in. A batch is at most maxMixBatch ballots, those
// with the lowest inbox ids, which are random: a random subset of the
// inbox. Unless forced, Mix waits after each full batch as long as the
// batch took, so that ballots cast meanwhile get the writer at least half
// of the time. It returns the number of ballots moved.
func (s *Service) Mix(ctx context.Context, campaignID int64, minBatch int, force bool) (int, error) {
	total := 0
	for {
		moved := 0
		began := time.Now()
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			// Take the campaign before the inbox rows, as Close does: the
			// ballots' foreign key would otherwise ask for the campaign while
			// holding inbox rows that a closing transaction waits for.
			if tx.Dialect() == db.Postgres {
				if _, err := tx.Exec(ctx, "SELECT 1 FROM campaigns WHERE id = ? FOR KEY SHARE", campaignID); err != nil {
					return errs.Wrap(err, "lock campaign")
				}
			}
			if !force {
				var n int
				if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM ballot_inbox WHERE campaign_id = ?", campaignID).Scan(&n); err != nil {
					return errs.Wrap(err, "inbox size")
				}
				if n == 0 || n < minBatch {
					return nil
				}
			}
			var err error
			moved, err = mixTx(ctx, tx, campaignID, s.mixBatch)
			return err
		})
		total += moved
		if err != nil || moved < s.mixBatch {
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

// mixTx moves the inbox of a campaign inside tx, at most limit ballots of
// it when limit > 0. DELETE … RETURNING takes each row exactly once even
// when two mixers run at the same time: the second waits for the first and
// finds the rows gone. The counts of the moved ballots join the tallies in
// the same transaction.
func mixTx(ctx context.Context, tx *db.Tx, campaignID int64, limit int) (int, error) {
	q, args := "DELETE FROM ballot_inbox WHERE campaign_id = ? RETURNING group_key, payload, tracker", []any{campaignID}
	if limit > 0 {
		q = `DELETE FROM ballot_inbox WHERE campaign_id = ? AND id IN
			(SELECT id FROM ballot_inbox WHERE campaign_id = ? ORDER BY id LIMIT ?) RETURNING group_key, payload, tracker`
		args = []any{campaignID, campaignID, limit}
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return 0, errs.Wrap(err, "take inbox")
	}
	var batch [][]any
	for rows.Next() {
		var group, body, tracker string
		if err := rows.Scan(&group, &body, &tracker); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "scan inbox")
		}
		batch = append(batch, []any{"", campaignID, group, body, tracker})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "take inbox")
	}
	if len(batch) == 0 {
		return 0, nil
	}
	var rulesJSON string
	if err := tx.QueryRow(ctx, "SELECT rules_json FROM campaigns WHERE id = ?", campaignID).Scan(&rulesJSON); err != nil {
		return 0, errs.Wrap(err, "load rules")
	}
	var r Rules
	if err := json.Unmarshal([]byte(rulesJSON), &r); err != nil {
		return 0, errs.Wrap(err, "decode rules")
	}
	keys := leafKeys(r)
	tallies := map[tallyKey]int{}
	for _, row := range batch {
		scores, err := decodeBallot(row[3].(string), keys)
		if err != nil {
			return 0, err
		}
		for s, answers := range scores {
			for ind, v := range answers {
				tallies[tallyKey{s, row[2].(string), ind, v}]++
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
	if err := tx.BatchInsert(ctx, "ballots", []string{"id", "campaign_id", "group_key", "payload", "tracker"}, batch, 1000); err != nil {
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
// least minBatch ballots, until ctx ends. A campaign with fewer waits for
// more ballots or for Close, which moves the rest. On PostgreSQL the inbox
// is vacuumed after a round that moved ballots, so that the deleted rows,
// which carry the casting transaction's id, do not linger.
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
	total := 0
	for _, id := range ids {
		n, err := s.Mix(ctx, id, minBatch, false)
		if err != nil {
			return err
		}
		total += n
	}
	if total > 0 && s.db.Dialect == db.Postgres {
		if _, err := s.db.W.ExecContext(ctx, "VACUUM ballot_inbox"); err != nil {
			return errs.Wrap(err, "vacuum inbox")
		}
	}
	return nil
}
