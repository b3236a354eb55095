package api

import (
	"net/http"
	"strings"

	"jiceng/internal/clientip"
)

// Login exchanges a username and password for a bearer token.
func (h *Handler) Login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	sess, _, err := h.Accounts.Login(r.Context(), in.Username, in.Password, clientip.From(r))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": sess.Token, "expires_at": sess.Expires.UTC().Format("2006-01-02T15:04:05Z")})
}

// Logout ends the bearer session.
func (h *Handler) Logout(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	h.Accounts.Logout(r.Context(), tok)
	w.WriteHeader(http.StatusNoContent)
}
