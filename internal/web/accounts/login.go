package accounts

import (
	"net/http"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
)

// LoginForm shows the login page.
func (h *Pages) LoginForm(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "", h.T(i18n.FromRequest(r), "login.title"))
	p.Form.Set("next", web.SafeNext(r.URL.Query().Get("next")))
	h.render(w, r, http.StatusOK, "login", "bare", p)
}

// Login checks the credentials and opens a session.
func (h *Pages) Login(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "", h.T(i18n.FromRequest(r), "login.title"))
	if err := r.ParseForm(); err != nil {
		h.Fail(w, r, errs.New(errs.Invalid, "表单无效", "invalid form"))
		return
	}
	p.Form = r.PostForm
	next := web.SafeNext(r.PostForm.Get("next"))
	sess, _, err := h.accounts.Login(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"), web.ClientKey(r))
	if err != nil {
		e := errs.As(err)
		p.Flash = &web.Flash{Kind: "err", Text: e.Message(p.Lang)}
		p.Form.Del("password")
		h.render(w, r, web.Status(e.Kind), "login", "bare", p)
		return
	}
	// No Expires: the cookie ends with the browser session; the server ends
	// the session itself after the idle timeout or the absolute limit.
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: sess.Token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.Secure})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// Logout ends the session.
func (h *Pages) Logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		// A session that could not be ended stays valid: say so rather
		// than let the user believe they have left.
		if err := h.accounts.Logout(r.Context(), c.Value); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.Secure})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
