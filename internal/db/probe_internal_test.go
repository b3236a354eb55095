package db

import (
	"context"
	"net"
	"net/url"
	"os"
	"testing"
	"time"
)

// TestAwaitPrimaryBehindSilentFirstHost: the first host of a multi-host URL
// takes the TCP handshake and never answers (a dead machine behind a
// firewall), so every new connection spends its connect_timeout there
// before it reaches the primary. The wait for a primary must let a
// question take that long; with a 2 s bound and connect_timeout=5 it gave
// up although the primary answered.
func TestAwaitPrimaryBehindSilentFirstHost(t *testing.T) {
	base := os.Getenv("JICENG_TEST_POSTGRES")
	if base == "" {
		t.Skip("needs PostgreSQL (set JICENG_TEST_POSTGRES)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // never accepts: the kernel completes handshakes, nothing answers
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = ln.Addr().String() + "," + u.Host
	q := u.Query()
	q.Set("target_session_attrs", "read-write")
	q.Set("connect_timeout", "3")
	u.RawQuery = q.Encode()
	ctx := context.Background()
	d, err := Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.probe < probeWait+3*time.Second {
		t.Fatalf("probe bound %v, want at least %v for two hosts of 3 s", d.probe, probeWait+3*time.Second)
	}
	d.w.SetMaxIdleConns(0) // as after a failover: the connections to the old primary are gone
	if err := d.AwaitPrimary(ctx, 20*time.Second); err != nil {
		t.Fatalf("AwaitPrimary gave up although the primary answers: %v", err)
	}
}
