package cases

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"jiceng/internal/db"
	"jiceng/internal/errs"
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
// alone. A connection lost to a failover is not such a failure: storeLost
// finds what the new primary has and stores the rest there.
func (s *Service) applyBatch(ctx context.Context, batch []*commitReq) {
	errsOf := make([]error, len(batch))
	var live []*intake // the submissions whose client still waits
	var at []int       // and their places in batch
	for i, r := range batch {
		if err := r.in.ctx.Err(); err != nil {
			errsOf[i] = err
			continue
		}
		live, at = append(live, r.in), append(at, i)
	}
	ids := make([]int64, len(live))
	err := s.storeLost(ctx, live, ids)
	if err != nil && !errs.Is(err, errs.Unavailable) {
		slog.WarnContext(ctx, "case batch stored one by one", "cases", len(live), "err", err)
	}
	for j, in := range live {
		switch {
		case ids[j] != 0:
		case errs.Is(err, errs.Unavailable):
			errsOf[at[j]] = err
		default:
			one := []int64{0}
			if e := s.storeLost(ctx, []*intake{in}, one); e != nil && one[0] == 0 {
				errsOf[at[j]] = e
			}
			ids[j] = one[0]
		}
	}
	idOf := make([]int64, len(batch))
	for j, i := range at {
		idOf[i] = ids[j]
	}
	for i, r := range batch {
		r.res <- commitRes{id: idOf[i], err: errsOf[i]}
	}
}

// storeLost stores ins in one transaction and sets ids to their case ids;
// across a failover it reads back, by their receipts (stored UNIQUE), the
// cases the new primary has and stores the others there (db.InTxLost). On
// an error ids holds the cases that are stored nonetheless, 0 for the
// others: a receipt is handed out only for a case known to be stored.
func (s *Service) storeLost(ctx context.Context, ins []*intake, ids []int64) error {
	if len(ins) == 0 {
		return nil
	}
	pending := make([]int, len(ins))
	for i := range ins {
		pending[i] = i
	}
	got := make([]int64, len(ins)) // ids of the last transaction, valid once it commits
	err := s.db.InTxLost(ctx, pending, func(ctx context.Context, tx *db.Tx, pending []int) error {
		sub := make([]*intake, len(pending))
		for j, i := range pending {
			sub[j] = ins[i]
		}
		stored, err := s.storeBatch(ctx, tx, sub)
		if err != nil {
			return err
		}
		for j, i := range pending {
			got[i] = stored[j]
		}
		return nil
	}, func(ctx context.Context, pending []int) ([]int, error) {
		hashes := make([]any, len(pending))
		for j, i := range pending {
			hashes[j] = ins[i].hash
			got[i] = 0
		}
		rows, err := s.db.WriteQuery(ctx, "SELECT id, receipt FROM cases WHERE receipt IN ("+strings.TrimSuffix(strings.Repeat("?,", len(hashes)), ",")+")", hashes...)
		if err != nil {
			return nil, err
		}
		byHash := map[string]int64{}
		for rows.Next() {
			var id int64
			var h []byte
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return nil, err
			}
			byHash[string(h)] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		var rest []int
		for _, i := range pending {
			if id, ok := byHash[string(ins[i].hash)]; ok {
				ids[i] = id
				continue
			}
			rest = append(rest, i)
		}
		return rest, nil
	})
	if err == nil {
		for i, id := range got {
			if ids[i] == 0 {
				ids[i] = id
			}
		}
	}
	return err
}
