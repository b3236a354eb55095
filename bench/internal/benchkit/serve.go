package benchkit

import (
	"net"
	"net/http"
	"net/netip"
	"time"

	"jiceng/internal/app"
	"jiceng/internal/server"
)

// Serve serves a's whole HTTP stack (server.NewServer with o) on a loopback
// port of its own, as `jiceng serve` does, and returns its address and the
// function that closes it (safe to call more than once).
func Serve(a *app.App, o server.Options) (base string, stop func(), err error) {
	h, err := server.NewServer(a, o)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { _ = srv.Serve(ln) }() // ErrServerClosed once the run is over
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// LoopbackProxy trusts 127.0.0.1 as a reverse proxy, so that a bench's
// clients can each name a resident's address of their own in
// X-Forwarded-For and the per-client limits do not stop the run.
var LoopbackProxy = server.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
