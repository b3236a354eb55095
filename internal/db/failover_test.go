package db_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// TestLost tells a connection that went away, whose transaction's outcome
// may be unknown, from a statement the server refused.
func TestLost(t *testing.T) {
	for _, c := range []struct {
		err  error
		lost bool
	}{
		{nil, false},
		{&pgconn.PgError{Code: "57P01"}, true},  // admin_shutdown: the server stops
		{&pgconn.PgError{Code: "08006"}, true},  // connection_failure
		{&pgconn.PgError{Code: "25006"}, true},  // read_only_sql_transaction: the server became a standby
		{&pgconn.PgError{Code: "23505"}, false}, // unique_violation
		{&pgconn.PgError{Code: "40001"}, false}, // serialization_failure: refused, and known to be rolled back
		{io.ErrUnexpectedEOF, true},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{errs.Wrap(errors.New("commit: conn closed"), "commit"), true},
		{errs.Wrap(&pgconn.PgError{Code: "57P01"}, "insert"), true},
		{context.Canceled, false},
		{errs.Wrap(context.DeadlineExceeded, "query"), false}, // the caller's deadline, though it is a net.Error
		{fmt.Errorf("read: %w", os.ErrDeadlineExceeded), false},
		{errs.New(errs.Conflict, "已存在", "exists"), false},
	} {
		if got := db.Lost(c.err); got != c.lost {
			t.Errorf("Lost(%v) = %v, want %v", c.err, got, c.lost)
		}
	}
}

// TestRetryLost: a write that lost its connection is written again for the
// items the server does not have, and not for those it has; an error that
// is not a lost connection is returned at once; a connection lost on every
// try ends in a 503 that claims nothing was stored.
func TestRetryLost(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, "sqlite:"+t.TempDir()+"/x.db")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var calls [][]int
	err = d.RetryLost(ctx, []int{0, 1, 2}, func(_ context.Context, p []int) error {
		calls = append(calls, p)
		if len(calls) == 1 {
			return fmt.Errorf("commit: %w", io.ErrUnexpectedEOF)
		}
		return nil
	}, func(_ context.Context, p []int) ([]int, error) {
		return []int{p[1]}, nil // 0 and 2 committed before the loss
	})
	if err != nil || fmt.Sprint(calls) != "[[0 1 2] [1]]" {
		t.Fatalf("writes %v, %v; want [[0 1 2] [1]], nil", calls, err)
	}
	if found, rewritten := d.LostCounts(); found != 2 || rewritten != 1 {
		t.Fatalf("counts %d found, %d rewritten; want 2, 1", found, rewritten)
	}

	refused := errs.New(errs.Conflict, "已存在", "exists")
	n := 0
	err = d.RetryLost(ctx, []int{0}, func(context.Context, []int) error { n++; return refused }, nil)
	if err != refused || n != 1 {
		t.Fatalf("a refusal: %v after %d writes", err, n)
	}

	n = 0
	err = d.RetryLost(ctx, []int{0}, func(context.Context, []int) error { n++; return io.EOF }, func(_ context.Context, p []int) ([]int, error) { return p, nil })
	if e := errs.As(err); e.Kind != errs.Unavailable || e.ZH != "数据库暂时不可用（可能正在切换主库），请稍后重试" || n != 4 {
		t.Fatalf("lost every time: %v after %d writes, want unavailable after 4", err, n)
	}
}
