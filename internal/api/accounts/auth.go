package accounts

import (
	"net/http"
	"strings"

	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/clientip"
)

// Login exchanges a username and password for a bearer token.
func (h *Handlers) Login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	sess, _, err := h.accounts.Login(r.Context(), in.Username, in.Password, clientip.From(r))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"token": sess.Token, "expires_at": sess.Expires.UTC().Format("2006-01-02T15:04:05Z")})
}

// Logout ends the session the request was authenticated by: the bearer
// token when one is sent, else the session cookie, in the order the
// server's authentication takes them. A cookie session's cookie is cleared
// as well, like the page's logout does.
func (h *Handlers) Logout(w http.ResponseWriter, r *http.Request) {
	tok, fromCookie := "", false
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		tok = strings.TrimPrefix(a, "Bearer ")
	} else if c, err := r.Cookie(account.SessionCookie); err == nil {
		tok, fromCookie = c.Value, true
	}
	if err := h.accounts.Logout(r.Context(), tok); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if fromCookie {
		http.SetCookie(w, &http.Cookie{Name: account.SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
	w.WriteHeader(http.StatusNoContent)
}
