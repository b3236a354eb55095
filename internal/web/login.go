package web

import (
	"net"
	"net/http"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "jiceng_session"

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
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sess.Token, Path: "/", Expires: sess.Expires,
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

// safeNext keeps redirects on this site.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/"
	}
	return s
}

// ClientKey identifies the client for rate limits; it is kept in memory only.
func ClientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
