package accounts

import (
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/api"
)

// ListUsers lists the accounts in the caller's scope.
func (h *Handlers) ListUsers(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, total, err := h.accounts.List(r.Context(), api.Actor(r), r.URL.Query().Get("q"), limit, offset)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []account.User{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": api.NextCursor(offset, len(rows), total)})
}

// CreateUser creates an account, optionally with a first role.
func (h *Handlers) CreateUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username    string      `json:"username"`
		DisplayName string      `json:"display_name"`
		Password    string      `json:"password"`
		HomeOrgID   int64       `json:"home_org_id"`
		Role        access.Role `json:"role"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.accounts.Create(r.Context(), api.Actor(r), account.NewUser(in))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, u)
}

// GetUser returns one account with its grants.
func (h *Handlers) GetUser(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.accounts.Get(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, u)
}

// AddGrant grants a role on an organization to a user.
func (h *Handlers) AddGrant(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Role  access.Role `json:"role"`
		OrgID int64       `json:"org_id"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.accounts.Grant(r.Context(), api.Actor(r), id, in.Role, in.OrgID); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.accounts.Get(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, u)
}

// SetUserPassword sets a user's password: one's own with current_password,
// another's when the caller may manage that account.
func (h *Handlers) SetUserPassword(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Password        string `json:"password"`
		CurrentPassword string `json:"current_password"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.accounts.ChangePassword(r.Context(), api.Actor(r), id, in.CurrentPassword, in.Password); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// RevokeGrant removes a grant.
func (h *Handlers) RevokeGrant(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.accounts.Revoke(r.Context(), api.Actor(r), id); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
