// Package errs defines the application error: a kind that decides the HTTP
// status, a machine code, and a message that is safe to show and says what to fix.
package errs

import (
	"errors"
	"fmt"
	"time"

	"jiceng/internal/i18n"
)

// Kind classifies an error for callers and for the HTTP layer.
type Kind string

// The kinds an error can have.
const (
	Invalid      Kind = "invalid"
	NotFound     Kind = "not_found"
	Conflict     Kind = "conflict"
	Forbidden    Kind = "forbidden"
	Unauthorized Kind = "unauthorized"
	TooMany      Kind = "too_many_requests"
	TooLarge     Kind = "too_large"
	// Method is a request by a method its address does not take.
	Method Kind = "method_not_allowed"
	// Unavailable is a request the database could not serve for a moment,
	// such as a write during a failover: the client may try again.
	Unavailable Kind = "unavailable"
	Internal    Kind = "internal"
)

// Error is an error whose message (the embedded Text) may be shown to the
// user; Field names the form field or JSON key at fault, when there is one.
type Error struct {
	Kind  Kind
	Field string
	i18n.Text
	Err error // the cause, never shown
	// Details lists every field error when a form had several.
	Details Fields
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.ZH + ": " + e.Err.Error()
	}
	return e.ZH
}

func (e *Error) Unwrap() error { return e.Err }

// Message returns the message in the language lang (i18n.EN or anything
// else for Chinese).
func (e *Error) Message(lang string) string { return e.In(lang) }

// New builds an error of kind k with a Chinese and an English message.
func New(k Kind, zh, en string) *Error { return &Error{Kind: k, Text: i18n.Text{ZH: zh, EN: en}} }

// Newf is New with fmt-style arguments applied to both messages.
func Newf(k Kind, zh, en string, args ...any) *Error {
	return &Error{Kind: k, Text: i18n.Textf(zh, en, args...)}
}

// TooManyWait is a too_many error that says how long to wait, in whole
// seconds rounded up (at least 1): zh and en say what happened
// ("登录失败次数过多", "too many failed logins").
func TooManyWait(zh, en string, wait time.Duration) *Error {
	n := WaitSeconds(wait)
	unit := "seconds"
	if n == 1 {
		unit = "second"
	}
	return &Error{Kind: TooMany, Text: i18n.Text{ZH: fmt.Sprintf("%s，请 %d 秒后再试", zh, n), EN: fmt.Sprintf("%s: try again in %d %s", en, n, unit)}}
}

// WaitSeconds is a wait in whole seconds, rounded up, at least 1, as
// Retry-After and the messages give it.
func WaitSeconds(wait time.Duration) int { return max(1, int(wait.Seconds()+0.999)) }

// errStale marks the refusal of Stale, so that IsStale does not depend on
// its wording.
var errStale = errors.New("stale version")

// Stale refuses an edit made from a version of a record (an organization,
// a unit, a campaign) that has changed since it was loaded — by someone
// else, or by the same user in another window.
func Stale() error {
	return &Error{Kind: Conflict, Err: errStale, Text: i18n.Text{
		ZH: "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改",
		EN: "this record was changed before your save (by someone else, or by you in another window): reload it and try again"}}
}

// IsStale tells whether err is the refusal of Stale, for forms that show
// the stored values beside what was typed.
func IsStale(err error) bool { return errors.Is(err, errStale) }

// CheckVersion refuses an edit whose version, when given, is not the
// record's current one.
func CheckVersion(given *int, current int) error {
	if given != nil && *given != current {
		return Stale()
	}
	return nil
}

// Field builds an invalid-input error attached to a field.
func Field(field, zh, en string) *Error {
	return &Error{Kind: Invalid, Field: field, Text: i18n.Text{ZH: zh, EN: en}}
}

// Wrap turns an unexpected error into an internal one with a generic message.
func Wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Kind: Internal, Text: internalText, Err: fmt.Errorf("%s: %w", what, err)}
}

// internalText is the message of an unexpected error: its cause may name
// tables or files, so it is never shown.
var internalText = i18n.Text{ZH: "系统内部错误，请稍后重试", EN: "internal error, please retry later"}

// KindOf reports the kind of err, Internal for foreign errors.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns err as an *Error, wrapping foreign errors as internal ones.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Text: internalText, Err: err}
}

// HTTPStatus is the status code that answers an error of kind k.
func HTTPStatus(k Kind) int {
	switch k {
	case Invalid:
		return 400
	case NotFound:
		return 404
	case Conflict:
		return 409
	case Forbidden:
		return 403
	case Unauthorized:
		return 401
	case TooMany:
		return 429
	case TooLarge:
		return 413
	case Method:
		return 405
	case Unavailable:
		return 503
	}
	return 500
}

// Is reports whether err has kind k.
func Is(err error, k Kind) bool { return KindOf(err) == k }

// Fields collects field errors so that a form can show each next to its
// field; Err returns nil when nothing was added.
type Fields []*Error

// Add records a problem with field.
func (f *Fields) Add(field, zh, en string) { *f = append(*f, Field(field, zh, en)) }

// Err returns an invalid-input error carrying every field error, whose own
// message is the first one's, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	e := *f[0]
	e.Field = f[0].Field
	e.Details = f
	return &e
}

// FieldMessages maps each field to its message in lang, for forms.
func FieldMessages(err error, lang string) map[string]string {
	e := As(err)
	out := map[string]string{}
	for _, d := range e.Details {
		if _, ok := out[d.Field]; !ok {
			out[d.Field] = d.Message(lang)
		}
	}
	if len(out) == 0 && e.Field != "" {
		out[e.Field] = e.Message(lang)
	}
	return out
}
