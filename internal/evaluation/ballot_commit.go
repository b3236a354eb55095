package evaluation

import (
	"context"
	"log/slog"

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
// queued when it looks — and applies them in one transaction, each under a
// savepoint of its own, so that a refused ballot changes nothing and never
// aborts the others. A ballot is acknowledged only after that transaction
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
func (s *Service) applyBatch(ctx context.Context, batch []*castReq) {
	errsOf := make([]error, len(batch))
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
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
	})
	for i, r := range batch {
		switch {
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
