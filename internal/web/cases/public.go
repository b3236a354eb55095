package cases

import (
	"net/http"
	"strconv"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/web"
)

// The public pages of the residents' channel: the report form (/report),
// the follow-up by receipt (/track) and a workstation's page
// (/station/{id}). Residents open them on a phone, often inside WeChat,
// without an account; every step works without JavaScript.
//
// The receipt is the reporter's only credential, so it never travels in a
// URL: the receipt page answers the submission itself (200, not a
// redirect), and every later step posts the receipt in the body. The
// server counts requests under /report, /track and /station/ instead of
// logging them one by one, and these handlers log nothing of what a
// resident sends — no receipt, no identity, no client address, no user
// agent.

// publicRoutes are the public pages.
func (h *Pages) publicRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/report", module.Public, h.ReportForm),
		module.R("POST", "/report", module.Public, h.ReportPost),
		module.R("POST", "/report/saved", module.Public, h.ReportSaved),
		module.R("GET", "/track", module.Public, h.TrackForm),
		module.R("POST", "/track", module.Public, h.Track),
		module.R("POST", "/track/file", module.Public, h.TrackFile),
		module.R("POST", "/track/add", module.Public, h.TrackAdd),
		module.R("POST", "/track/rate", module.Public, h.TrackRate),
		module.R("GET", "/station/{id}", module.Public, h.StationPage),
	}
}

// publicHeaders sets the headers of every public page: nothing of the
// page's address leaves with a link, and no copy is kept by the browser or
// a proxy (the server already sends no-store; a page with a receipt must
// never be served from a cache).
func publicHeaders(w http.ResponseWriter) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
}

// publicPage starts a public page: no user, and path as the page the
// language switch comes back to — a plain address, never one holding what
// was posted.
func (h *Pages) publicPage(r *http.Request, titleKey, path string) *web.Page {
	p := h.Page(r, "", h.T(i18n.FromRequest(r), titleKey))
	p.User = nil
	p.Flash = nil // a flash left by a staff page is not for this one
	p.Path = path
	return p
}

// publicFail answers a public request with the public error page: the
// bare frame, the message, and the ways back.
func (h *Pages) publicFail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e.Kind == errs.Internal {
		// The path and the error only: the error of a store call names a
		// table, never what a resident sent (receipts are hashed and
		// identities sealed before any statement).
		h.Logger.Error("cases public page", "path", r.URL.Path, "err", err)
	}
	status := web.Status(e.Kind)
	p := h.publicPage(r, "csp.error_title", "/report")
	p.Data = map[string]any{"Message": e.Message(p.Lang), "Status": status}
	h.render(w, r, status, "cases_public_error", "bare", p)
}

// pubRetryAfter tells a client over a limit when to come back: the wait the
// message gives, in whole seconds.
func pubRetryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(errs.WaitSeconds(wait)))
}
