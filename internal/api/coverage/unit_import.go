package coverage

import (
	"net/http"

	"jiceng/internal/api"
)

// ImportUnits validates an uploaded file of host units and returns the
// import session with every bad row; nothing changes until it is applied.
func (h *Handlers) ImportUnits(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	h.k.Upload(w, r, h.cov.CanImport(r.Context(), actor), func(name string, header []string, rows [][]string) (map[string]any, error) {
		sess, err := h.cov.PrepareImport(r.Context(), actor, actor.UserID, name, header, rows)
		return api.ImportJSON(sess.Session), err
	})
}

// Import is the unit import kind, applied by POST /api/v1/imports/{id}/apply.
func (h *Handlers) Import() api.ImportKind { return h.cov.ImportApplier() }
