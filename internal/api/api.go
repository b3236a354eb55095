// Package api is the kit of the JSON API under /api/v1: strict decoding,
// the error envelope {"error": {"code", "message"}}, JSON answers, paging,
// path ids, the caller's actor and the merged OpenAPI document. Each
// module's handlers live in a package of their own below this one; they
// decode input with the kit, call the same domain functions as the HTML
// pages, and answer with the kit.
package api

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/ratelimit"
)

// Kit is what every module's handlers share: the logger of failures, the
// merged OpenAPI document, the limits shared with the pages and what every
// module adds to the platform's own handlers.
type Kit struct {
	logger *slog.Logger
	spec   []byte
	// Codes slows down guessing of public codes, per client; Reads limits
	// bulletin reads. The pages share both.
	Codes *account.Limiter
	Reads *ratelimit.Limiter
	// stats and imports are every module's, gathered by Use.
	stats   []module.Stats
	imports []ImportKind
}

// Module is what a module's JSON handlers hand the platform: their routes,
// their part of an organization's statistics and their kinds of import
// session.
type Module struct {
	Routes  []module.Route
	Stats   []module.Stats
	Imports []ImportKind
}

// Use gathers the statistics and import kinds of every module, in the
// module list's order, for the handlers that serve them all (GET
// /api/v1/orgs/{id}/stats, POST /api/v1/imports/{id}/apply). The app calls
// it once, before the server takes requests.
func (k *Kit) Use(ms []Module) {
	for _, m := range ms {
		k.stats = append(k.stats, m.Stats...)
		k.imports = append(k.imports, m.Imports...)
	}
}

// Stats are every module's parts of an organization's statistics.
func (k *Kit) Stats() []module.Stats { return k.stats }

// Imports are every module's kinds of import session.
func (k *Kit) Imports() []ImportKind { return k.imports }

// New returns the kit. It fails when two modules' OpenAPI fragments define
// the same path or schema.
func New(logger *slog.Logger) (*Kit, error) {
	if logger == nil {
		logger = slog.Default()
	}
	spec, err := document()
	if err != nil {
		return nil, err
	}
	return &Kit{logger: logger, spec: spec}, nil
}

// Fail writes err as the JSON error envelope.
func (k *Kit) Fail(w http.ResponseWriter, r *http.Request, err error) {
	e := Failure(w, r, err)
	switch e.Kind {
	case errs.Internal:
		k.logger.Error("api failed", "path", r.URL.Path, "err", err)
	case errs.Unavailable:
		k.logger.Warn("api unavailable", "path", r.URL.Path, "err", err)
	}
	k.JSON(w, r, errs.HTTPStatus(e.Kind), Envelope(e, i18n.FromRequest(r)))
}

// Failure is err as the error to answer r with, pages and API alike: a
// lost connection to the database (a failover under way) is a 503, not an
// internal error. A read may simply be sent again (Retry-After); a write
// cut off that way may have committed, and its answer says to check first.
func Failure(w http.ResponseWriter, r *http.Request, err error) *errs.Error {
	e := errs.As(err)
	if e.Kind == errs.Internal && db.Lost(err) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			e = errs.As(db.Unavailable(err))
		} else {
			e = errs.As(db.Interrupted(err))
		}
	}
	if e.Kind == errs.Unavailable && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		w.Header().Set("Retry-After", "5")
	}
	return e
}

// Envelope is the JSON error envelope of e in lang: its code, message and
// the field at fault, or every field when there are several. The Excel
// exports the API serves from the page handlers answer their errors with
// it too.
func Envelope(e *errs.Error, lang string) map[string]any {
	body := map[string]any{"code": string(e.Kind), "message": e.Message(lang)}
	if e.Field != "" {
		body["field"] = e.Field
	}
	if len(e.Details) > 1 {
		fields := map[string]string{}
		for _, d := range e.Details {
			fields[d.Field] = d.Message(lang)
		}
		body["fields"] = fields
	}
	return map[string]any{"error": body}
}

// JSON answers with status and v as JSON.
func (k *Kit) JSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// The status is sent: a value that cannot be encoded is a bug to
		// find in the log, a failed write a client that went away.
		k.Log(r, "api answer cut short", err)
	}
}

// Log records a failure that happened after the status was sent, when the
// client can no longer be told.
func (k *Kit) Log(r *http.Request, msg string, err error) {
	k.logger.Warn(msg, "path", r.URL.Path, "err", err)
}

// Actor returns the caller, resolved by the server's authentication.
func Actor(r *http.Request) access.Actor {
	a, _ := access.FromContext(r.Context())
	return a
}

// IntField is the error of a query parameter that is not an integer.
func IntField(field string) error {
	return errs.Field(field, field+" 应为整数", field+" must be an integer")
}
