package cases

import (
	"context"
	"log/slog"
	"sync"

	"jiceng/internal/db"
)

// maxCommitBatch is the most submissions one group commit takes, and
// pgCommitWriters how many batches are written at once on PostgreSQL.
const (
	maxCommitBatch  = 128
	pgCommitWriters = 4
)

// committer writes the public submissions under serve, so that a burst of
// reports costs one durable commit per batch instead of one per report.
// Submissions are handed over an unbuffered channel: one is either taken,
// and then always answered, or not taken at all. On SQLite one writer takes
// the batches, as the database has one; on PostgreSQL a few take them side
// by side, since each batch mostly waits for the server's answers and the
// server commits concurrent transactions together.
type committer struct {
	s    *Service
	reqs chan *commitReq
	done chan struct{}
}

type commitReq struct {
	in  *intake
	res chan commitRes
}

type commitRes struct {
	id  int64
	err error
}

// StartCommitter starts the group committer of submissions, which runs
// until ctx ends. A submission's receipt is handed out only after the
// batch's transaction is committed and synced. Calling it twice does
// nothing; without it every submission has a transaction of its own.
func (s *Service) StartCommitter(ctx context.Context) {
	c := &committer{s: s, reqs: make(chan *commitReq), done: make(chan struct{})}
	if !s.committer.CompareAndSwap(nil, c) {
		return
	}
	writers := 1
	if s.db.Dialect == db.Postgres {
		writers = pgCommitWriters
	}
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() { c.run(ctx) })
	}
	go func() {
		wg.Wait()
		c.s.committer.CompareAndSwap(c, nil)
		close(c.done)
	}()
}

// submit hands in to the committer and waits for its answer; ok is false
// when the committer stopped before taking it.
func (c *committer) submit(ctx context.Context, in *intake) (id int64, ok bool, err error) {
	r := &commitReq{in: in, res: make(chan commitRes, 1)}
	select {
	case c.reqs <- r:
	case <-c.done:
		return 0, false, nil
	case <-ctx.Done():
		return 0, true, ctx.Err()
	}
	select {
	case res := <-r.res:
		return res.id, true, res.err
	case <-ctx.Done():
		// The case may still be committed; its receipt is simply not
		// handed out, as when the connection drops.
		return 0, true, ctx.Err()
	}
}

func (c *committer) run(ctx context.Context) {
	work := context.WithoutCancel(ctx) // a batch taken is always finished
	batch := make([]*commitReq, 0, maxCommitBatch)
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-c.reqs:
			batch = append(batch[:0], r)
		}
	gather:
		for len(batch) < maxCommitBatch {
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

// applyBatch stores the submissions of batch in one transaction. Should
// one fail inside the database, the transaction is rolled back and each is
// stored in a transaction of its own, so that one bad submission fails
// alone.
func (s *Service) applyBatch(ctx context.Context, batch []*commitReq) {
	ids := make([]int64, len(batch))
	var live []*intake // the submissions whose client still waits
	var at []int       // and their places in batch
	for i, r := range batch {
		if r.in.ctx.Err() == nil {
			live, at = append(live, r.in), append(at, i)
		}
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if len(live) == 0 {
			return nil
		}
		stored, err := s.storeBatch(ctx, tx, live)
		for j, id := range stored {
			ids[at[j]] = id
		}
		return err
	})
	if err == nil {
		for i, r := range batch {
			if ids[i] == 0 {
				r.res <- commitRes{err: r.in.ctx.Err()}
				continue
			}
			r.res <- commitRes{id: ids[i]}
		}
		return
	}
	slog.WarnContext(ctx, "case batch stored one by one", "cases", len(batch), "err", err)
	for _, r := range batch {
		var id int64
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = s.store(ctx, tx, r.in)
			return err
		})
		r.res <- commitRes{id: id, err: err}
	}
}
