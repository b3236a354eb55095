package coverage

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/xlsx"
)

// ImportUnits validates an uploaded file of host units and returns the
// import session with every bad row; nothing changes until it is applied.
func (h *Handlers) ImportUnits(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	if err := h.cov.CanImport(r.Context(), actor); err != nil {
		h.k.Fail(w, r, err) // before the body is read
		return
	}
	name, header, rows, err := xlsx.ReadUpload(w, r, true)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	sess, err := h.cov.PrepareImport(r.Context(), actor, actor.UserID, name, header, rows)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, api.ImportJSON(sess.Session))
}

// Import is the unit import kind, applied by POST /api/v1/imports/{id}/apply.
func (h *Handlers) Import() api.ImportKind { return h.cov.ImportApplier() }
