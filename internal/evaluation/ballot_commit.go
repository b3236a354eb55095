package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// MaxCommitBatch is the most ballots one group-commit transaction takes.
const MaxCommitBatch = 256

// committer is the single writer of ballots. Callers hand it prepared
// ballots over an unbuffered channel, so a ballot is either taken by the
// committer, which then always answers it, or not taken at all.
type committer struct {
	s    *Service
	reqs chan *castReq
	done chan struct{} // closed when the committer stops taking ballots
}

// StartCommitter starts the group committer of ballots, which runs until
// ctx ends; CastBallot then goes through it. The committer takes the
// ballots waiting at a moment — up to MaxCommitBatch, or as many as are
// queued when it looks — and applies them in one transaction, in a fixed
// number of statements for the whole batch (see applyBatch); a refused
// ballot changes nothing and never aborts the others. A ballot is acknowledged only after that transaction
// has been committed and synced: one fsync for the whole batch instead of
// one per ballot. If the commit fails, every ballot of the batch gets the
// error and none is acknowledged.
//
// Without StartCommitter every ballot has a transaction of its own (tests
// and the command-line tools use it that way). Calling it twice does nothing.
func (s *Service) StartCommitter(ctx context.Context) {
	c := &committer{s: s, reqs: make(chan *castReq), done: make(chan struct{})}
	if !s.committer.CompareAndSwap(nil, c) {
		return
	}
	go c.run(ctx)
}

// submit hands r to the committer and waits for its answer. It reports
// false when the committer has stopped before taking r: the caller then
// casts the ballot in a transaction of its own.
func (c *committer) submit(ctx context.Context, r *castReq) (castRes, bool) {
	r.res = make(chan castRes, 1)
	select {
	case c.reqs <- r:
	case <-c.done:
		return castRes{}, false
	case <-ctx.Done():
		return castRes{err: ctx.Err()}, true
	}
	select {
	case res := <-r.res:
		return res, true
	case <-ctx.Done():
		// The ballot may still be committed; it is simply not acknowledged.
		return castRes{err: ctx.Err()}, true
	}
}

func (c *committer) run(ctx context.Context) {
	defer c.s.committer.CompareAndSwap(c, nil)
	defer close(c.done)
	// A batch taken is always finished, even while the server shuts down.
	work := context.WithoutCancel(ctx)
	batch := make([]*castReq, 0, MaxCommitBatch)
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-c.reqs:
			batch = append(batch[:0], r)
		}
	gather:
		for len(batch) < MaxCommitBatch {
			select {
			case r := <-c.reqs:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		c.s.applyBatch(work, batch)
		clear(batch)
	}
}

// applyBatch casts the ballots of batch in one transaction and answers
// each of them.
//
// It first applies the batch as a whole, in a number of statements that
// does not grow with the batch (applyFast). Should one of those statements
// fail, or a token change under it, that transaction is rolled back and the
// batch is applied again in a new one, ballot by ballot, each under a
// savepoint of its own (applyEach): the answers are the same either way,
// and a ballot failing inside the database still fails alone.
//
// When the connection to PostgreSQL is lost (a failover), the ballots
// found on the new primary are answered with their trackers and the others
// cast again there (db.InTxLost); a ballot is never acknowledged unless it
// was committed or read back. Any other failure to begin or commit is not
// retried: every ballot of the batch gets it.
func (s *Service) applyBatch(ctx context.Context, batch []*castReq) {
	errsOf := make([]error, len(batch))
	found := make([]bool, len(batch)) // read back after a lost connection
	pending := make([]int, len(batch))
	for i := range batch {
		pending[i] = i
	}
	// apply runs fn on the ballots still pending, their answers in errsOf.
	apply := func(fn func(ctx context.Context, tx *db.Tx, batch []*castReq, out []error) error) func(ctx context.Context, tx *db.Tx, pending []int) error {
		return func(ctx context.Context, tx *db.Tx, pending []int) error {
			sub, out := make([]*castReq, len(pending)), make([]error, len(pending))
			for j, i := range pending {
				sub[j] = batch[i]
			}
			err := fn(ctx, tx, sub, out)
			for j, i := range pending {
				errsOf[i] = out[j]
			}
			return err
		}
	}
	retry := false
	fast := apply(s.applyFast)
	err := s.db.InTxLost(ctx, pending, func(ctx context.Context, tx *db.Tx, pending []int) error {
		err := fast(ctx, tx, pending)
		// A try cut off by its bound (ctx) is InTxLost's to retry, not a
		// ballot's failure.
		retry = err != nil && !db.Lost(err) && ctx.Err() == nil
		return err
	}, s.landedBallots(batch, found))
	if retry && err != nil {
		s.batchRetries.Add(1)
		if !errors.Is(err, errTokenMoved) {
			slog.WarnContext(ctx, "ballot batch retried ballot by ballot", "ballots", len(batch), "err", err)
		}
		pending = pending[:0]
		for i := range batch {
			if !found[i] {
				pending = append(pending, i)
			}
		}
		err = s.db.InTxLost(ctx, pending, apply(s.applyEach), s.landedBallots(batch, found))
	}
	for i, r := range batch {
		switch {
		case found[i]:
			r.res <- castRes{tracker: r.tracker}
		case err != nil:
			r.res <- castRes{err: err}
		case errsOf[i] != nil:
			r.res <- castRes{err: errsOf[i]}
		default:
			r.res <- castRes{tracker: r.tracker}
		}
	}
	if err != nil {
		slog.ErrorContext(ctx, "ballot group commit", "ballots", len(batch), "err", err)
	}
}

// landedBallots is db.InTxLost's question after a lost connection: which
// of the pending ballots of batch did the new primary get? A ballot is
// there when its token is spent and its row is in the inbox under its id,
// or, moved by the mixer since, among the campaign's counted ballots under
// its tracker. Those are marked in found; the others are returned, to be
// cast again.
func (s *Service) landedBallots(batch []*castReq, found []bool) func(ctx context.Context, pending []int) ([]int, error) {
	return func(ctx context.Context, pending []int) ([]int, error) {
		macs := make([]any, len(pending))
		for j, i := range pending {
			macs[j] = batch[i].mac
		}
		spent := map[string]int64{} // mac → campaign, of the spent tokens
		rows, err := s.db.WriteQuery(ctx, "SELECT mac, campaign_id FROM ballot_tokens WHERE status = 'used' AND mac IN ("+marks(len(macs))+")", macs...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var mac string
			var c int64
			if err := rows.Scan(&mac, &c); err != nil {
				rows.Close()
				return nil, err
			}
			spent[mac] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		var rest []int
		for _, i := range pending {
			r := batch[i]
			c, ok := spent[r.mac]
			if ok {
				var one int
				err := s.db.WriteQueryRow(ctx, "SELECT 1 FROM ballot_inbox WHERE id = ?", r.id).Scan(&one)
				if err == sql.ErrNoRows {
					err = s.db.WriteQueryRow(ctx, "SELECT 1 FROM ballots WHERE campaign_id = ? AND tracker = ?", c, r.tracker).Scan(&one)
				}
				switch {
				case err == nil:
					found[i] = true
					continue
				case err != sql.ErrNoRows:
					return nil, err
				}
			}
			rest = append(rest, i)
		}
		return rest, nil
	}
}

// applyEach applies the ballots of batch one by one inside tx, each under
// a savepoint, so that a refused ballot changes nothing and never aborts
// the others. It sets errsOf[i] to the answer of a refused ballot i.
func (s *Service) applyEach(ctx context.Context, tx *db.Tx, batch []*castReq, errsOf []error) error {
	cache := newCastCache()
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errsOf[i] = err // the caller has gone: cast nothing for it
			continue
		}
		cache.step = i
		if _, err := tx.Exec(ctx, "SAVEPOINT b"); err != nil {
			return errs.Wrap(err, "savepoint")
		}
		if err := s.castTx(ctx, tx, r, cache); err != nil {
			errsOf[i] = err
			cache.forget()
			if _, err := tx.Exec(ctx, "ROLLBACK TO b"); err != nil {
				return errs.Wrap(err, "rollback to savepoint")
			}
		}
		if _, err := tx.Exec(ctx, "RELEASE b"); err != nil {
			return errs.Wrap(err, "release savepoint")
		}
	}
	return nil
}

// applyFast applies batch inside tx in a fixed number of statements: one
// SELECT of all the batch's tokens, one load of each campaign (FOR KEY
// SHARE on PostgreSQL, as castTx), the checks in Go, one UPDATE spending
// every accepted token and one multi-row INSERT into the inbox. Within the
// batch the first ballot of a code that passes the checks wins, and later
// ones get the used answer, as they would ballot by ballot. It sets out[i]
// to the answer of a refused ballot i.
//
// The UPDATE spends only issued tokens, so if it changes fewer rows than
// there are accepted ballots, a token changed after the SELECT (another
// writer on PostgreSQL; SQLite has a single writer). applyFast then returns
// errTokenMoved, and if one of its statements fails, that error; either way
// tx must be rolled back and the batch applied ballot by ballot. It takes
// no savepoint: on SQLite one would copy every page the batch changes into
// the sub-journal.
func (s *Service) applyFast(ctx context.Context, tx *db.Tx, batch []*castReq, out []error) error {
	type token struct {
		campaignID    int64
		group, status string
	}
	macs := make([]any, 0, len(batch))
	tokens := make(map[string]token, len(batch))
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			out[i] = err // the caller has gone: cast nothing for it
			continue
		}
		if _, ok := tokens[r.mac]; !ok {
			tokens[r.mac] = token{}
			macs = append(macs, r.mac)
		}
	}
	if len(macs) == 0 {
		return nil
	}
	clear(tokens)
	rows, err := tx.Query(ctx, "SELECT mac, campaign_id, group_key, status FROM ballot_tokens WHERE mac IN ("+marks(len(macs))+")", macs...)
	if err != nil {
		return errs.Wrap(err, "load tokens")
	}
	for rows.Next() {
		var mac string
		var t token
		if err := rows.Scan(&mac, &t.campaignID, &t.group, &t.status); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan token")
		}
		tokens[mac] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "load tokens")
	}

	cache := newCastCache()
	spent := make(map[string]bool, len(macs))
	spend := make([]any, 0, len(macs))
	inbox := make([][]any, 0, len(macs))
	counts := map[groupRef]tokenDelta{}
	for i, r := range batch {
		if out[i] != nil {
			continue
		}
		t, ok := tokens[r.mac]
		switch {
		case !ok || t.status == TokenRevoked:
			out[i] = InvalidCode()
			continue
		case t.status != TokenIssued || spent[r.mac]:
			out[i] = usedCode()
			continue
		}
		c, err := castCampaignTx(ctx, tx, t.campaignID, cache)
		if err != nil {
			return err
		}
		if err := s.checkCast(c, t.group, r.scores); err != nil {
			out[i] = err
			continue
		}
		spent[r.mac] = true
		spend = append(spend, r.mac)
		d := counts[groupRef{t.campaignID, t.group}]
		d.issued, d.used = d.issued-1, d.used+1
		counts[groupRef{t.campaignID, t.group}] = d
		inbox = append(inbox, []any{r.id, t.campaignID, c.province, t.group, r.body, r.tracker})
	}
	if len(spend) == 0 {
		return nil
	}
	if s.beforeSpend != nil {
		s.beforeSpend(ctx, tx)
	}
	res, err := tx.Exec(ctx, "UPDATE ballot_tokens SET status = 'used' WHERE status = 'issued' AND mac IN ("+marks(len(spend))+")", spend...)
	if err != nil {
		return errs.Wrap(err, "spend tokens")
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(spend)) {
		return errTokenMoved
	}
	if err := addTokenCounts(ctx, tx, counts); err != nil {
		return err
	}
	// One statement for the whole batch: per is above the row count, so
	// BatchInsert neither splits the rows nor prepares a statement for them.
	err = tx.BatchInsert(ctx, "ballot_inbox", []string{"id", "campaign_id", "province", "group_key", "payload", "tracker"}, inbox, len(inbox)+1)
	return errs.Wrap(err, "insert ballots")
}

// errTokenMoved is applyFast's report that a token changed between its
// SELECT and its UPDATE.
var errTokenMoved = errors.New("a ballot token changed during the batch")

// marks returns n comma-separated placeholders.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
