package api

import (
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/audit"
)

// ListUsers lists the accounts in the caller's scope.
func (h *Handler) ListUsers(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := page(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	rows, total, err := h.Accounts.List(r.Context(), actorOf(r), r.URL.Query().Get("q"), limit, offset)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []account.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": nextCursor(offset, len(rows), total)})
}

// CreateUser creates an account, optionally with a first role.
func (h *Handler) CreateUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username    string      `json:"username"`
		DisplayName string      `json:"display_name"`
		Password    string      `json:"password"`
		HomeOrgID   int64       `json:"home_org_id"`
		Role        access.Role `json:"role"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Accounts.Create(r.Context(), actorOf(r), account.NewUser(in))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

// GetUser returns one account with its grants.
func (h *Handler) GetUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Accounts.Get(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

// AddGrant grants a role on an organization to a user.
func (h *Handler) AddGrant(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in struct {
		Role  access.Role `json:"role"`
		OrgID int64       `json:"org_id"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	if err := h.Accounts.Grant(r.Context(), actorOf(r), id, in.Role, in.OrgID); err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Accounts.Get(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

// SetUserPassword sets a user's password: one's own with current_password,
// another's when the caller may manage that account.
func (h *Handler) SetUserPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in struct {
		Password        string `json:"password"`
		CurrentPassword string `json:"current_password"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	if err := h.Accounts.ChangePassword(r.Context(), actorOf(r), id, in.CurrentPassword, in.Password); err != nil {
		h.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// RevokeGrant removes a grant.
func (h *Handler) RevokeGrant(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if err := h.Accounts.Revoke(r.Context(), actorOf(r), id); err != nil {
		h.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Audit lists audit entries of the caller's scope.
func (h *Handler) Audit(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := page(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	rows, total, err := h.Orgs.Audit().List(r.Context(), actorOf(r), audit.Query{Actor: v.Get("actor"), Action: v.Get("action"),
		TargetType: v.Get("target_type"), TargetID: v.Get("target_id"), Q: v.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []audit.Record{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": nextCursor(offset, len(rows), total)})
}
