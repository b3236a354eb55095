package orgs

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/imports"
)

// ImportOrgs validates an uploaded .xlsx or .csv (multipart field "file", or
// the raw body) and returns the import session with every bad row. Nothing
// changes until the session is applied.
func (h *Handlers) ImportOrgs(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	h.k.Upload(w, r, h.orgs.CanImport(r.Context(), actor), func(name string, header []string, rows [][]string) (map[string]any, error) {
		sess, err := h.orgs.PrepareImport(r.Context(), actor, actor.UserID, name, header, rows)
		return api.ImportJSON(sess.Session), err
	})
}

// ApplyImport applies a valid import session of any kind (organizations,
// or another module's such as units or a campaign's subjects), all rows or
// none.
func (h *Handlers) ApplyImport(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	id := r.PathValue("id")
	kinds := append([]api.ImportKind{h.orgs.ImportApplier()}, h.k.Imports()...)
	n, err := imports.ApplyAny(r.Context(), actor, actor.UserID, id, kinds...)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"id": id, "status": "applied", "created": n})
}
