package orgs

import (
	"context"
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/errs"
	"jiceng/internal/xlsx"
)

// ImportOrgs validates an uploaded .xlsx or .csv (multipart field "file", or
// the raw body) and returns the import session with every bad row. Nothing
// changes until the session is applied.
func (h *Handlers) ImportOrgs(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	if err := h.orgs.CanImport(r.Context(), actor); err != nil {
		h.k.Fail(w, r, err) // before the body is read
		return
	}
	name, header, rows, err := xlsx.ReadUpload(w, r, true)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	sess, err := h.orgs.PrepareImport(r.Context(), actor, actor.UserID, name, header, rows)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, api.ImportJSON(sess.Session))
}

// ApplyImport applies a valid import session of any kind (organizations,
// or another module's such as units or a campaign's subjects), all rows or
// none.
func (h *Handlers) ApplyImport(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	id := r.PathValue("id")
	// The kind of the caller's own session picks the import: each kind
	// checks its permission before it looks for the session, so trying
	// them in turn would answer "forbidden" for another kind's session.
	kinds := append([]api.ImportKind{{
		Load: func(ctx context.Context, userID int64, id string) error {
			_, err := h.orgs.LoadImport(ctx, userID, id)
			return err
		},
		Apply: h.orgs.ApplyImport,
	}}, h.imports...)
	var n int
	var err error
	for _, kind := range kinds {
		if err = kind.Load(r.Context(), actor.UserID, id); err == nil {
			n, err = kind.Apply(r.Context(), actor, actor.UserID, id)
			break
		}
		if !errs.Is(err, errs.NotFound) {
			break
		}
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"id": id, "status": "applied", "created": n})
}
