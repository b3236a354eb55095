package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"jiceng/internal/account"
	"jiceng/internal/clientip"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = account.SessionCookie

// LoginForm shows the login page.
func (h *Handler) LoginForm(w http.ResponseWriter, r *http.Request) {
	p := h.page(r, "", i18n.T(i18n.FromRequest(r), "login.title"))
	p.Form.Set("next", safeNext(r.URL.Query().Get("next")))
	h.render(w, r, http.StatusOK, "login", "bare", p)
}

// Login checks the credentials and opens a session.
func (h *Handler) Login(w http.ResponseWriter, r *http.Request) {
	p := h.page(r, "", i18n.T(i18n.FromRequest(r), "login.title"))
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errs.New(errs.Invalid, "表单无效", "invalid form"))
		return
	}
	p.Form = r.PostForm
	next := safeNext(r.PostForm.Get("next"))
	sess, _, err := h.Accounts.Login(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"), ClientKey(r))
	if err != nil {
		e := errs.As(err)
		p.Flash = &Flash{Kind: "err", Text: e.Message(p.Lang)}
		p.Form.Del("password")
		h.render(w, r, Status(e.Kind), "login", "bare", p)
		return
	}
	// No Expires: the cookie ends with the browser session; the server ends
	// the session itself after the idle timeout or the absolute limit.
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sess.Token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.Secure})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// Logout ends the session.
func (h *Handler) Logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		h.Accounts.Logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.Secure})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// Lang switches the language and goes back.
func (h *Handler) Lang(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if to != i18n.EN {
		to = i18n.ZH
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: to, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: h.Secure})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// safeNext keeps redirects on this site: s must be a path here, such as
// /orgs?q=民生. Browsers drop tabs and newlines from a URL and read a
// backslash as a slash, so "/\t/host" or "/\\host" would lead to another
// host; such targets, and any whose decoded form has a control character,
// a backslash or a leading "//", give "/".
func safeNext(s string) string {
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
