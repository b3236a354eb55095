// Package db opens the SQLite or PostgreSQL database, applies the embedded
// migrations, and hides the few differences between the two engines.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/jackc/pgx/v5/pgconn"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"jiceng/internal/errs"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the database engine.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. On SQLite, the write pool w has exactly one
// connection so that writers queue in Go instead of failing with
// SQLITE_BUSY, and the read pool r holds read-only connections that WAL lets
// run beside the writer. On PostgreSQL both point at the same pool. The pools
// stay inside this package: callers go through the methods below, which
// rebind placeholders and keep each difference between the engines here.
type DB struct {
	Dialect Dialect
	w       *sql.DB
	r       *sql.DB
	// Path is the SQLite file, empty on PostgreSQL; URL is the PostgreSQL URL.
	Path string
	URL  string
	// now is the program's clock (SetClock), for the times that writes
	// stamp inside a transaction, such as the audit log's.
	now func() time.Time
	// probe bounds one question of AwaitPrimary: probeWait, plus the time
	// a new connection may take to pass every host of the URL.
	probe time.Duration
	// rep is the read replica, nil without one (see AttachReplica).
	rep *replica
	// lostFound and lostRewritten count the items of writes retried after
	// a lost connection (see RetryLost).
	lostFound, lostRewritten atomic.Int64
	// attemptLimit is CommitAttempt for this database when set (ns).
	attemptLimit atomic.Int64
}

// SetClock makes transactions read the time from now instead of the system
// clock; the application sets its one clock here before it serves.
func (d *DB) SetClock(now func() time.Time) { d.now = now }

// Open connects to url: "sqlite:PATH" or "postgres://…" / "postgresql://…".
func Open(ctx context.Context, url string) (*DB, error) {
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	}
	return nil, errs.Newf(errs.Invalid,
		"不支持的数据库地址 %q：请使用 sqlite:文件路径 或 postgres://用户@主机/库名",
		"unsupported database URL %q: use sqlite:PATH or postgres://user@host/dbname", Redact(url))
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errs.New(errs.Invalid, "sqlite: 后缺少数据库文件路径", "sqlite: needs a file path")
	}
	if err := makePrivate(path); err != nil {
		return nil, err
	}
	// synchronous=FULL: an acknowledged write survives power loss, not only a crash.
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	// secure_delete zeroes deleted content, so that rows removed on purpose
	// (ballots leaving the inbox) do not linger in free pages of the file.
	// The writer keeps a 64 MiB page cache, so that large transactions do not
	// spill pages before they commit, and checkpoints the WAL every 16,384
	// pages (64 MiB) instead of every 1,000: the commit that crosses the mark
	// pays the checkpoint, and pages written again and again between two
	// checkpoints (token and inbox index pages) reach the main file once.
	w, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=secure_delete(1)&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(16384)&"+common)
	if err != nil {
		return nil, errs.Wrap(err, "open sqlite")
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// The writer must exist first: it creates the file and switches it to WAL.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, errs.Newf(errs.Invalid, "无法打开 SQLite 数据库 %s：%v", "cannot open SQLite database %s: %v", path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		w.Close()
		return nil, errs.Wrap(err, "journal mode")
	}
	privateSidecars(path)
	r, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&"+common)
	if err != nil {
		w.Close()
		return nil, errs.Wrap(err, "open sqlite readers")
	}
	n := max(4, 2*runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{Dialect: SQLite, w: w, r: r, Path: path}, nil
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	// Without connect_timeout a connection to a host that died without a
	// word waits for the kernel (minutes): a multi-host URL would stall on
	// its dead first host through a whole failover.
	dsn := url // URL stays as given: backups hand it to pg_dump
	if !strings.Contains(dsn, "connect_timeout=") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "connect_timeout=5"
	}
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, errs.Newf(errs.Invalid, "PostgreSQL 地址无效：%v", "invalid PostgreSQL URL: %v", err)
	}
	p.SetMaxOpenConns(32)
	// As many idle as open: under load a smaller idle pool closes and
	// reopens connections, each a new server process and handshake.
	p.SetMaxIdleConns(32)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pctx); err != nil {
		p.Close()
		return nil, errs.Newf(errs.Invalid, "无法连接 PostgreSQL %s：%v", "cannot connect to PostgreSQL %s: %v", Redact(url), err)
	}
	probe := probeWait
	if cfg, err := pgconn.ParseConfig(dsn); err == nil {
		// Each host (and each TLS variant sslmode=prefer tries) gets the
		// connect timeout in turn.
		probe += cfg.ConnectTimeout * time.Duration(1+len(cfg.Fallbacks))
	}
	return &DB{Dialect: Postgres, w: p, r: p, URL: url, probe: probe}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.w.Close()
	if d.r != d.w {
		if e := d.r.Close(); err == nil {
			err = e
		}
	}
	if d.rep != nil {
		if e := d.rep.pool.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Rebind rewrites ? placeholders to $1, $2 … on PostgreSQL. Queries are
// written once with ?, outside string literals.
func (d *DB) Rebind(q string) string {
	if d.Dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Querier runs read queries: a *DB (on its read pool), a *Tx or a
// *Snapshot. Code that only reads takes one, so that it runs alike inside and
// outside a transaction.
type Querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// Scanner is a *sql.Row or *sql.Rows, for scanning functions that serve both.
type Scanner interface {
	Scan(dest ...any) error
}

// Query runs a read query on the read pool, or on the read replica when
// ctx allows it (AllowStale).
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.reader(ctx).QueryContext(ctx, d.Rebind(q), args...)
}

// QueryRow runs a single-row read query as Query does.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return d.reader(ctx).QueryRowContext(ctx, d.Rebind(q), args...)
}

// Exec runs a statement on the write pool, outside any transaction.
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.w.ExecContext(ctx, d.Rebind(q), args...)
}

// WriteQuery runs a query on the write pool: a statement that returns rows
// (INSERT … RETURNING), or a read that must see the latest commit before the
// read pool does.
func (d *DB) WriteQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.w.QueryContext(ctx, d.Rebind(q), args...)
}

// WriteQueryRow is WriteQuery for a single row.
func (d *DB) WriteQueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return d.w.QueryRowContext(ctx, d.Rebind(q), args...)
}

// LimitConns caps both pools at n open connections. Tests use it to show
// that a long reader or writer does not starve the others.
func (d *DB) LimitConns(n int) {
	d.r.SetMaxOpenConns(n)
	d.w.SetMaxOpenConns(n)
}

// Tx is a write transaction whose methods rebind placeholders.
type Tx struct {
	tx *sql.Tx
	d  *DB
}

// Now is the time of the database's clock (see SetClock).
func (t *Tx) Now() time.Time {
	if t.d.now == nil {
		return time.Now()
	}
	return t.d.now()
}

// Exec runs a statement inside the transaction.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.Rebind(q), args...)
}

// Query runs a query inside the transaction.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.Rebind(q), args...)
}

// QueryRow runs a single-row query inside the transaction.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.Rebind(q), args...)
}

// Snapshot is a read-only transaction of the read pool: every query in it
// sees the database as it stood at one moment.
type Snapshot struct {
	tx *sql.Tx
	d  *DB
}

// Query runs a query inside the snapshot.
func (s *Snapshot) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.tx.QueryContext(ctx, s.d.Rebind(q), args...)
}

// QueryRow runs a single-row query inside the snapshot.
func (s *Snapshot) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.tx.QueryRowContext(ctx, s.d.Rebind(q), args...)
}

// ReadTx gives fn one consistent snapshot (of the read replica when ctx
// allows it, see AllowStale), so that figures that must match
// (tokens used and ballots counted) are read from the same moment. A SQLite
// read transaction sees one state of the WAL by itself; PostgreSQL needs
// REPEATABLE READ for that, its default READ COMMITTED takes a new view per
// statement.
func (d *DB) ReadTx(ctx context.Context, fn func(q *Snapshot) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.reader(ctx).BeginTx(ctx, opts)
	if err != nil {
		return errs.Wrap(err, "begin read")
	}
	defer tx.Rollback()
	return fn(&Snapshot{tx: tx, d: d})
}

// InTx runs fn in a write transaction and commits it when fn returns nil.
// The commit returns only once the engine has made it durable
// (synchronous=FULL on SQLite, synchronous_commit on PostgreSQL).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return errs.Wrap(err, "begin")
	}
	tx := &Tx{tx: stx, d: d}
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return errs.Wrap(err, "commit")
	}
	return nil
}

// LockTree serialises changes to the organization tree. SQLite already has a
// single writer; PostgreSQL takes a transaction-scoped advisory lock so that a
// move and a create cannot compute paths from each other's stale rows.
func (t *Tx) LockTree(ctx context.Context) error {
	if t.d.Dialect != Postgres {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7105001)")
	return err
}

// LockTreeShared lets writes that rely on the tree as it stands (a unit
// counted under its organization's ancestors, a campaign for an active
// owner) run beside each other but never beside a move or a dissolution,
// which hold LockTree. SQLite's single writer serialises them already.
func (t *Tx) LockTreeShared(ctx context.Context) error {
	if t.d.Dialect != Postgres {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock_shared(7105001)")
	return err
}

// Now returns the timestamp format stored in every *_at column: UTC,
// millisecond precision, fixed width so that text order is time order.
func Now() string { return FormatTime(time.Now()) }

// FormatTime formats t as stored in the database.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ParseTime parses a stored timestamp.
func ParseTime(s string) time.Time {
	t, _ := time.Parse("2006-01-02T15:04:05.000Z", s)
	return t
}
