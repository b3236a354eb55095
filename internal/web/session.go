package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"jiceng/internal/account"
	"jiceng/internal/clientip"
	"jiceng/internal/i18n"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = account.SessionCookie

// Lang switches the language and goes back.
func (k *Kit) Lang(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if to != i18n.EN {
		to = i18n.ZH
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: to, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: k.Secure})
	http.Redirect(w, r, SafeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// SafeNext keeps redirects on this site: s must be a path here, such as
// /orgs?q=民生. Browsers drop tabs and newlines from a URL and read a
// backslash as a slash, so "/\t/host" or "/\\host" would lead to another
// host; such targets, and any whose decoded form has a control character,
// a backslash or a leading "//", give "/".
func SafeNext(s string) string {
	if !onSite(s) {
		return "/"
	}
	return s
}

func onSite(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || !utf8.ValidString(s) || badChars(s) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// The decoded path and query, as a browser or a later hop may see them.
	for _, enc := range []string{u.EscapedPath(), u.RawQuery} {
		dec, err := url.PathUnescape(enc)
		if err != nil || badChars(dec) {
			return false
		}
	}
	dec, _ := url.PathUnescape(u.EscapedPath())
	return !strings.HasPrefix(dec, "//")
}

// badChars reports control characters and backslashes.
func badChars(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// ClientKey identifies the client for rate limits: the address
// clientip.Middleware found (the client behind a trusted proxy). It is kept
// in memory only.
func ClientKey(r *http.Request) string { return clientip.From(r) }
