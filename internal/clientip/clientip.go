// Package clientip finds the address of the client behind a request, for
// rate limits. Behind a reverse proxy every connection comes from the proxy;
// the proxy names the client in X-Forwarded-For, a header anyone can also
// send, so it is believed only when the connecting peer is a proxy the
// operator trusts. The address is kept in memory only, never logged.
package clientip

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
)

// Parse reads a comma-separated list of trusted proxies: networks in CIDR
// notation (10.0.0.0/8, fd00::/8) or single addresses (127.0.0.1).
func Parse(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q 无效：应为以逗号分隔的 IP 地址或网段，例如 127.0.0.1/32,10.0.0.0/8", part)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Addr returns the client's address: the connecting peer, or, when the peer
// is a trusted proxy, the right-most address of X-Forwarded-For that is not
// itself a trusted proxy. Addresses to its left were written by whoever
// sent the request first and could be anything, so they are never used.
func Addr(r *http.Request, trusted []netip.Prefix) string {
	peer := peerOf(r)
	if len(trusted) == 0 {
		return peer
	}
	p, err := netip.ParseAddr(peer)
	if err != nil || !isTrusted(p, trusted) {
		return peer
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				// The header is malformed where a trusted proxy wrote it:
				// fall back to the peer, which at worst shares one key.
				return peer
			}
			a = a.Unmap()
			if !isTrusted(a, trusted) {
				return a.String()
			}
		}
	}
	return peer
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return host
}

type ctxKey struct{}

// Middleware finds each request's client address once, with the trusted
// proxies, so that every handler reads the same one through From.
//
// The first request that carries X-Forwarded-For from a peer that is not a
// trusted proxy is reported once to logger (nil: not at all): behind a proxy
// the operator did not declare, every client shares the proxy's address and
// its limits. The line names neither the peer nor the header's value.
func Middleware(trusted []netip.Prefix, logger *slog.Logger) func(http.Handler) http.Handler {
	var warned atomic.Bool
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if logger != nil && !warned.Load() && r.Header.Get("X-Forwarded-For") != "" && !peerTrusted(r, trusted) && warned.CompareAndSwap(false, true) {
				logger.Warn("X-Forwarded-For received from an untrusted peer: set --trusted-proxies to the proxy's address, or per-client limits count the proxy")
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, Addr(r, trusted))))
		})
	}
}

func peerTrusted(r *http.Request, trusted []netip.Prefix) bool {
	p, err := netip.ParseAddr(peerOf(r))
	return err == nil && isTrusted(p, trusted)
}

// From returns the client address Middleware found, or the connecting peer
// when the request did not pass through it.
func From(r *http.Request) string {
	if a, ok := r.Context().Value(ctxKey{}).(string); ok {
		return a
	}
	return peerOf(r)
}
