package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/internal/errs"
)

// A read replica takes the reads of requests that may see data a little
// behind the primary — a staff member's pages and exports when they have
// written nothing lately — so that reports and statistics do not load the
// server that takes the writes. Everything else reads the primary: writes,
// transactions, the reads a write depends on, public pages, and the reads
// of a user who has just written (see AllowStale).

// replica is the pool of a standby and the bound on how far behind it may
// be before the reads go back to the primary.
type replica struct {
	pool   *sql.DB
	url    string
	maxLag time.Duration

	mu      sync.Mutex   // held by the one refreshing lag
	lag     atomic.Int64 // the last measured lag in ms, -1 when unusable
	checked atomic.Int64 // when lag was measured, unix ms
}

// staleRead marks a request whose reads may go to the replica, and records
// whether one did, so that its page can say how old its figures may be.
type staleRead struct {
	once    sync.Once
	replica bool         // decided at the request's first read, for all of them
	bound   atomic.Int64 // the replica's bound on its lag, once a read used it
}

type staleKey struct{}

// AllowStale marks ctx so that the reads made with it (Query, QueryRow,
// ReadTx) may be served by the read replica while it is within its bound.
func AllowStale(ctx context.Context) context.Context {
	return context.WithValue(ctx, staleKey{}, &staleRead{})
}

// StaleBound reports whether a read made with ctx was served by the read
// replica, and the bound on its lag that was in force.
func StaleBound(ctx context.Context) (time.Duration, bool) {
	s, _ := ctx.Value(staleKey{}).(*staleRead)
	if s == nil || s.bound.Load() == 0 {
		return 0, false
	}
	return time.Duration(s.bound.Load()), true
}

// AttachReplica opens the read replica at url (PostgreSQL; give it
// target_session_attrs=prefer-standby or standby) for the reads marked by
// AllowStale, as long as its lag stays within maxLag.
func (d *DB) AttachReplica(ctx context.Context, url string, maxLag time.Duration) error {
	if d.Dialect != Postgres {
		return errs.New(errs.Invalid, "只读副本（--db-read）仅用于 PostgreSQL", "a read replica (--db-read) is for PostgreSQL only")
	}
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return errs.Newf(errs.Invalid, "只读副本地址 %q 无效：应为 postgres://…?target_session_attrs=prefer-standby",
			"invalid read replica URL %q: use postgres://…?target_session_attrs=prefer-standby", Redact(url))
	}
	if maxLag < time.Second || maxLag > time.Hour {
		return errs.Newf(errs.Invalid, "只读副本的最大延迟 %s 无效：应在 1s 至 1h 之间", "the read replica's maximum lag %s is not valid: give 1s to 1h", maxLag)
	}
	p, err := openPostgres(ctx, url)
	if err != nil {
		return err
	}
	d.rep = &replica{pool: p.w, url: url, maxLag: maxLag}
	d.rep.fresh(ctx) // the first measure, for the caller to report (ReplicaLag)
	return nil
}

// ReplicaBound is the bound on the read replica's lag, and false without a
// replica.
func (d *DB) ReplicaBound() (time.Duration, bool) {
	if d.rep == nil {
		return 0, false
	}
	return d.rep.maxLag, true
}

// reader is the pool a read made with ctx goes to.
func (d *DB) reader(ctx context.Context) *sql.DB {
	if d.rep == nil {
		return d.r
	}
	s, _ := ctx.Value(staleKey{}).(*staleRead)
	if s == nil {
		return d.r
	}
	// One source for the whole request: figures read from both would not
	// add up (a status from one, the results it guards from the other).
	s.once.Do(func() {
		s.replica = d.rep.fresh(ctx)
		if s.replica {
			s.bound.Store(int64(d.rep.maxLag))
		}
	})
	if !s.replica {
		return d.r
	}
	return d.rep.pool
}

// fresh reports whether the replica is within its bound, measuring its lag
// at most once a second: the replay delay of a standby that has not yet
// replayed all it received; 0 for one that has (an idle primary writes
// nothing to replay) or for a primary (prefer-standby falls back to it).
// A standby whose WAL receiver is not streaming — cut off from the primary,
// or following a new one after a failover — has nothing more to replay
// and would look current: it is not fresh, nor is one that cannot answer.
func (r *replica) fresh(ctx context.Context) bool {
	now := time.Now().UnixMilli()
	if now-r.checked.Load() >= 1000 && r.mu.TryLock() {
		lag := int64(-1)
		qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		var secs float64
		err := r.pool.QueryRowContext(qctx, `SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
			WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN -1
			WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
			ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END`).Scan(&secs)
		cancel()
		if err == nil && secs >= 0 {
			lag = int64(secs * 1000)
		}
		r.lag.Store(lag)
		r.checked.Store(now)
		r.mu.Unlock()
	}
	lag := r.lag.Load()
	return lag >= 0 && time.Duration(lag)*time.Millisecond <= r.maxLag
}

// ReplicaLag is the replica's last measured lag, and false when there is no
// replica or it cannot be used.
func (d *DB) ReplicaLag() (time.Duration, bool) {
	if d.rep == nil || d.rep.checked.Load() == 0 {
		return 0, false
	}
	lag := d.rep.lag.Load()
	return time.Duration(lag) * time.Millisecond, lag >= 0
}
