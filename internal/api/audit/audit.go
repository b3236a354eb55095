// Package audit serves the JSON API of the audit log.
package audit

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/audit"
	"jiceng/internal/module"
)

// Handlers are the audit log's JSON handlers.
type Handlers struct {
	k   *api.Kit
	log *audit.Service
}

// Module builds the audit log's JSON handlers, reading log.
func Module(k *api.Kit, log *audit.Service) api.Module {
	h := &Handlers{k: k, log: log}
	return api.Module{Routes: h.Routes()}
}

// Routes are the audit log's API routes.
func (h *Handlers) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/audit", module.API, h.Audit),
	}
}

// Audit lists audit entries of the caller's scope.
func (h *Handlers) Audit(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	rows, total, err := h.log.List(r.Context(), api.Actor(r), audit.Query{Actor: v.Get("actor"), Action: v.Get("action"),
		TargetType: v.Get("target_type"), TargetID: v.Get("target_id"), Q: v.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []audit.Record{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": api.NextCursor(offset, len(rows), total)})
}
