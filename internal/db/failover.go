package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"

	"github.com/jackc/pgx/v5/pgconn"
)

// FailoverWait is how long a write whose connection to the primary was
// lost waits for a primary to answer again: Patroni promotes a replica in a
// few seconds, and a leader key lapses after its ttl (20 s in
// scripts/ha-up.sh) when the whole machine died.
const FailoverWait = 45 * time.Second

// lostRetries is how many times one write is tried again after a loss.
const lostRetries = 3

// CommitAttempt bounds one try of a group commit (InTxLost) on PostgreSQL,
// and each read-back after a loss. A batch of ballots or reports commits in
// milliseconds; one that has had no answer for this long is taken for a
// primary that stopped answering without closing its connections — a host
// that died or a network cut, where no error comes for minutes — and is
// read back and tried again like a lost connection.
//
// An item found after that is acknowledged only once a commit of our own
// has been made after it (syncBarrier): pgx, when it gives up on a
// connection, sends the server a cancel request, which ends a COMMIT's
// wait for synchronous replication early and makes it visible before any
// standby has it. An item not found and written again while its first
// COMMIT is still to land meets that transaction's locks (the spent token,
// the receipt's unique key, the claimed import session) and fails instead
// of being stored twice.
const CommitAttempt = 15 * time.Second

// probeWait bounds one question of AwaitPrimary when it needs no new
// connection: an idle connection to a host that stopped answering would
// otherwise hold it for the whole wait. A question that opens a connection
// gets longer (DB.probe): connecting tries the URL's hosts one after
// another, each for its connect_timeout.
const probeWait = 2 * time.Second

// Lost reports whether err means that the connection to the PostgreSQL
// primary went away — the server died, restarted or was demoted in a
// failover — rather than that the statement was refused. After such an
// error a transaction's outcome is unknown when its COMMIT had been sent.
func Lost(err error) bool {
	// A deadline or a cancellation is the caller's, not the server's
	// going away (a deadline also looks like a net.Error).
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P01–57P03: the server shuts down or
		// is starting; 25006: a write reached a server that became a
		// standby under it.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") || pe.Code == "25006"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	// pgx's own words for a connection it already found dead.
	return pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// LostCounts reports, since the database was opened, how many items of
// writes whose connection was lost were found on the primary afterwards
// (committed before the loss) and how many were written again.
func (d *DB) LostCounts() (found, rewritten int64) {
	return d.lostFound.Load(), d.lostRewritten.Load()
}

// Unavailable is the answer to a request whose write could not be brought
// to a primary: 503, with nothing claimed about whether it was stored.
func Unavailable(err error) error {
	return &errs.Error{Kind: errs.Unavailable, Err: err, Text: i18n.Text{
		ZH: "数据库暂时不可用（可能正在切换主库），请稍后重试",
		EN: "the database is unavailable for a moment (it may be switching to a new primary): try again shortly"}}
}

// Interrupted is the answer to a write of a request whose connection to
// the primary was lost without RetryLost behind it: its transaction may
// have committed, so the user is told to check before sending it again.
func Interrupted(err error) error {
	return &errs.Error{Kind: errs.Unavailable, Err: err, Text: i18n.Text{
		ZH: "数据库连接中断（可能正在切换主库），您的操作可能已经保存：请刷新页面核对后再决定是否重新提交",
		EN: "the connection to the database was cut (it may be switching to a new primary) and your change may have been saved: reload and check before sending it again"}}
}

// AwaitPrimary waits until a connection of the write pool reaches a
// server that takes writes, for at most limit. On SQLite it returns at once.
func (d *DB) AwaitPrimary(ctx context.Context, limit time.Duration) error {
	if d.Dialect != Postgres {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		var standby bool
		pctx, pcancel := context.WithTimeout(ctx, d.probe)
		err := d.w.QueryRowContext(pctx, "SELECT pg_is_in_recovery()").Scan(&standby)
		pcancel()
		if err == nil && !standby {
			return nil
		}
		if err == nil {
			err = errors.New("connected to a standby")
		}
		select {
		case <-ctx.Done():
			return Unavailable(err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// InTxLost writes a batch of items, the indexes pending, in one transaction
// and survives a failover in between: it is RetryLost with write run in a
// transaction of its own on each try, each try bounded by CommitAttempt on
// PostgreSQL. write must run its statements with the ctx it is given.
func (d *DB) InTxLost(ctx context.Context, pending []int,
	write func(ctx context.Context, tx *Tx, pending []int) error,
	landed func(ctx context.Context, pending []int) ([]int, error),
) error {
	bound := time.Duration(0)
	if d.Dialect == Postgres {
		bound = d.commitAttempt()
	}
	return d.retryLost(ctx, bound, pending, func(ctx context.Context, pending []int) error {
		return d.InTx(ctx, func(tx *Tx) error { return write(ctx, tx, pending) })
	}, landed)
}

// SetCommitAttempt changes CommitAttempt for this database; tests shorten it.
func (d *DB) SetCommitAttempt(limit time.Duration) { d.attemptLimit.Store(int64(limit)) }

func (d *DB) commitAttempt() time.Duration {
	if v := d.attemptLimit.Load(); v > 0 {
		return time.Duration(v)
	}
	return CommitAttempt
}

// RetryLost runs write, a transaction that stores the items pending, and
// survives a failover in between. When the connection to the primary is
// lost, whether the transaction committed is unknown: RetryLost waits for a
// primary and asks landed which of the items are on it — committed before
// the loss, and so on the new primary's timeline — and runs write again for
// the others, up to lostRetries times. landed returns the items still to
// write, having marked the others found itself. The caller acknowledges an
// item only once it was committed or found, so a lost item is answered with
// an error (Unavailable), never with success. Any other error is returned
// as it is.
func (d *DB) RetryLost(ctx context.Context, pending []int,
	write func(ctx context.Context, pending []int) error,
	landed func(ctx context.Context, pending []int) ([]int, error),
) error {
	return d.retryLost(ctx, 0, pending, write, landed)
}

// retryLost is RetryLost with each try of write bounded by bound (none when
// 0): a try that outlives it is treated as lost. Read-backs are bounded by
// CommitAttempt on PostgreSQL either way.
func (d *DB) retryLost(ctx context.Context, bound time.Duration, pending []int,
	write func(ctx context.Context, pending []int) error,
	landed func(ctx context.Context, pending []int) ([]int, error),
) error {
	// stalled tells a try cut off by its own bound from one whose caller
	// gave up (ctx), which is returned as it is.
	try := func(bound time.Duration, f func(ctx context.Context) error) (stalled bool, err error) {
		if bound <= 0 {
			return false, f(ctx)
		}
		actx, cancel := context.WithTimeout(ctx, bound)
		defer cancel()
		err = f(actx)
		return err != nil && actx.Err() != nil && ctx.Err() == nil, err
	}
	readBound := time.Duration(0)
	if d.Dialect == Postgres {
		readBound = d.commitAttempt()
	}
	// readBack asks landed which of pending the primary has, and counts
	// and vouches for those (syncBarrier); it returns the others.
	readBack := func(pending []int) ([]int, error) {
		var rest []int
		stalled, err := try(readBound, func(ctx context.Context) error {
			var err error
			rest, err = landed(ctx, pending)
			return err
		})
		if err != nil {
			if Lost(err) || stalled {
				return nil, Unavailable(err)
			}
			return nil, err
		}
		if len(rest) < len(pending) {
			if berr := d.syncBarrier(ctx, readBound); berr != nil {
				return nil, Unavailable(berr)
			}
		}
		d.lostFound.Add(int64(len(pending) - len(rest)))
		return rest, nil
	}
	for attempt := 0; ; attempt++ {
		stalled, err := try(bound, func(ctx context.Context) error { return write(ctx, pending) })
		if !Lost(err) && !stalled {
			if err != nil && attempt > 0 {
				// A rewrite refused after a loss may have met the first
				// try's COMMIT landing late — the token it spent, the
				// receipt it stored, the session it claimed: what the
				// primary has now is found, not failed.
				if rest, lerr := readBack(pending); lerr == nil {
					if len(rest) == 0 {
						return nil
					}
				}
			}
			return err
		}
		if attempt == lostRetries {
			return Unavailable(err)
		}
		if werr := d.AwaitPrimary(ctx, FailoverWait); werr != nil {
			return werr
		}
		rest, lerr := readBack(pending)
		if lerr != nil {
			return lerr
		}
		d.lostRewritten.Add(int64(len(rest)))
		slog.WarnContext(ctx, "write retried after the connection to the primary was lost or stopped answering",
			"items", len(pending), "found_on_primary", len(pending)-len(rest), "err", err)
		if len(rest) == 0 {
			return nil
		}
		pending = rest
	}
}

// syncBarrier commits a transaction of its own on the primary and returns
// once it is committed, bounded by limit (none when 0). Its commit waits
// for the synchronous standbys like any other, and WAL is replayed in
// order, so when it returns they hold every commit made before it — a
// found item whose own wait was cut short by a cancel request included.
// A transaction id makes its COMMIT write a commit record, and so wait.
func (d *DB) syncBarrier(ctx context.Context, limit time.Duration) error {
	if d.Dialect != Postgres {
		return nil
	}
	if limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	return d.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "SELECT txid_current()")
		return err
	})
}
