// Package server assembles the HTTP handler: the route table, the
// authentication levels and the middleware every request passes through.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/api"
	"jiceng/internal/app"
	"jiceng/internal/clientip"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/module"
	"jiceng/internal/web"
)

// Options are the server's own settings; everything else comes from the app.
type Options struct {
	// PublicLogEvery is the period of the count of public ballot and
	// bulletin requests in the log; zero means a minute.
	PublicLogEvery time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client, for rate limits (see clientip).
	TrustedProxies []netip.Prefix
}

// ParsePublicURL checks a public address: http or https, a host and an
// optional port, nothing else. It returns the address without a trailing
// slash.
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	bad := err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Host, ":")
	if bad {
		return "", fmt.Errorf("%q 无效：应为用户访问本系统的地址，只含协议、域名和端口，例如 https://dj.example.gov.cn", s)
	}
	return u.Scheme + "://" + u.Host, nil
}

// NewServer returns the whole application as one handler: the route
// table of a's modules behind the middleware every request passes through.
func NewServer(a *app.App, o Options) (http.Handler, error) {
	c := a.Core()
	mux := http.NewServeMux()
	s := &srv{core: c, opts: o, api: a.APIKit()}
	for _, rt := range a.Routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, s.auth(rt))
	}
	var h http.Handler = s.fallback(mux, a.WebKit())
	h = a.WebKit().RefuseBadUTF8(h, s.api.Fail)
	h = clientip.Middleware(o.TrustedProxies, c.Logger)(h)
	h = http.NewCrossOriginProtection().Handler(h)
	h = s.headers(h)
	h = s.logRequests(h)
	h = s.recoverPanics(h)
	return h, nil
}

// fallback answers what no route serves, an unknown address (404) or a
// method its address does not take (405, with the Allow header net/http
// works out), in the product's own words: the error page for a browser, the
// error envelope under /api/, instead of net/http's bare text.
func (s *srv) fallback(mux *http.ServeMux, k *web.Kit) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		var err error
		switch probe.status {
		case http.StatusNotFound:
			err = errs.New(errs.NotFound, "页面不存在，请检查地址", "There is no page at this address: check it")
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", probe.header.Get("Allow"))
			err = errs.Newf(errs.Method, "此地址不接受 %s 请求", "This address does not take %s requests", r.Method)
		default: // a redirect to the address with or without its slash
			h.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.api.Fail(w, r, err)
			return
		}
		k.Fail(w, r, err)
	})
}

// statusProbe keeps the status and headers net/http's own answer would
// have, and drops its body.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(status int)      { p.status = status }

type srv struct {
	core *module.Core
	opts Options
	api  *api.Kit
	// wrote holds, by user id, when each user's last write ended (a
	// time.Time), while a read replica is attached: for as long as the
	// replica may lag, that user's reads stay on the primary, so that they
	// see what they have just done.
	wrote sync.Map
}

// auth resolves the actor of the request according to the route's level.
func (s *srv) auth(rt module.Route) http.Handler {
	if rt.Auth == module.Public {
		return rt.Handler
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			token = strings.TrimPrefix(h, "Bearer ")
		} else if c, err := r.Cookie(web.SessionCookie); err == nil {
			token = c.Value
		}
		actor, err := s.core.Accounts.Authenticate(r.Context(), token)
		if err != nil {
			if rt.Auth == module.API {
				s.api.Fail(w, r, err)
				return
			}
			if errs.Is(err, errs.Unauthorized) {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		ctx := access.WithActor(r.Context(), actor)
		bound, replica := s.core.DB.ReplicaBound()
		if !replica {
			rt.Handler.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// The lag was measured up to a second ago: a margin on top.
			if t, ok := s.wrote.Load(actor.UserID); !ok || time.Since(t.(time.Time)) > bound+2*time.Second {
				ctx = db.AllowStale(ctx)
			}
			rt.Handler.ServeHTTP(staleHeader{w, ctx}, r.WithContext(ctx))
			return
		}
		// Before the handler too: its answer may reach the client, and the
		// client's next request the server, before the handler returns.
		s.wrote.Store(actor.UserID, time.Now())
		rt.Handler.ServeHTTP(w, r.WithContext(ctx))
		s.wrote.Store(actor.UserID, time.Now())
	})
}

// staleHeader adds to a response whose reads went to the read replica the
// bound on their lag, in seconds, for API clients and exports:
// X-Jiceng-Stale-Bound (pages say it in words, see web.Kit.Render).
type staleHeader struct {
	http.ResponseWriter
	ctx context.Context
}

func (h staleHeader) WriteHeader(status int) {
	h.mark()
	h.ResponseWriter.WriteHeader(status)
}

func (h staleHeader) Write(b []byte) (int, error) {
	h.mark()
	return h.ResponseWriter.Write(b)
}

// mark sets the header before the response's head goes out.
func (h staleHeader) mark() {
	if bound, ok := db.StaleBound(h.ctx); ok && h.Header().Get("X-Jiceng-Stale-Bound") == "" {
		h.Header().Set("X-Jiceng-Stale-Bound", strconv.Itoa(int(bound.Seconds())))
	}
}

func (h staleHeader) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// headers sets the security headers of every response.
func (s *srv) headers(next http.Handler) http.Handler {
	hsts := strings.HasPrefix(s.core.PublicURL, "https://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if hsts {
			// Only when the operator declared an https address: a plain-HTTP
			// trial install must not teach browsers to refuse it for a year.
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// logRequests logs method, path (never the query, which may carry search
// terms), status and duration; no client address or user agent is logged.
// Public ballot and bulletin requests are not logged one by one: the time
// of a line would date a ballot. Nor are the residents' reports and their
// follow-up (a line's time beside a case's would tie a reporter to a
// report), nor /lang, linked from those pages. They are counted, and the
// count is logged once a minute (see publicCounter).
func (s *srv) logRequests(next http.Handler) http.Handler {
	every := s.opts.PublicLogEvery
	if every <= 0 {
		every = time.Minute
	}
	public := &publicCounter{every: every, logger: s.core.Logger}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		next.ServeHTTP(sw, r)
		p := r.URL.Path
		if strings.HasPrefix(p, "/static/") || p == "/healthz" {
			return
		}
		if publicPath(p) {
			public.add()
			return
		}
		s.core.Logger.Info("request", "method", r.Method, "path", p, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

// publicPath reports whether p is a public page or API path whose requests
// are only counted.
func publicPath(p string) bool {
	for _, prefix := range []string{"/vote", "/bulletin", "/api/v1/public/", "/report", "/track", "/station/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return p == "/lang"
}

// publicCounter counts public requests and logs the count at the end of
// each period that had any, at the period's boundary, so that the line's
// time says nothing of the requests it counts. Its goroutine runs only
// while requests come in: it ends after a period without any, and the next
// request starts it again.
type publicCounter struct {
	n       atomic.Int64
	running atomic.Bool
	every   time.Duration
	logger  *slog.Logger
}

func (c *publicCounter) add() {
	c.n.Add(1)
	if c.running.CompareAndSwap(false, true) {
		go c.run()
	}
}

func (c *publicCounter) run() {
	for {
		now := time.Now()
		time.Sleep(now.Truncate(c.every).Add(c.every).Sub(now))
		if n := c.n.Swap(0); n > 0 {
			c.logger.Info("public requests", "count", n, "period", c.every.String())
			continue
		}
		c.running.Store(false)
		// A request that came after the swap and found the goroutine
		// running is counted by this one, unless a new one has started.
		if c.n.Load() == 0 || !c.running.CompareAndSwap(false, true) {
			return
		}
	}
}

func (s *srv) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.core.Logger.Error("panic", "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
