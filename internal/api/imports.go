package api

import (
	"net/http"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/xlsx"
)

func importJSON(s xlsx.Session) map[string]any {
	return map[string]any{"id": s.ID, "file_name": s.FileName, "status": s.Status, "total_rows": s.Total, "problems": s.Problems}
}

// ImportOrgs validates an uploaded .xlsx or .csv (multipart field "file", or
// the raw body) and returns the import session with every bad row. Nothing
// changes until the session is applied.
func (h *Handler) ImportOrgs(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	if err := h.Orgs.CanImport(r.Context(), actor); err != nil {
		h.Fail(w, r, err) // before the body is read
		return
	}
	name, header, rows, err := xlsx.ReadUpload(w, r, true)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sess, err := h.Orgs.PrepareImport(r.Context(), actor, actor.UserID, name, header, rows)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, importJSON(sess.Session))
}

// ImportUnits validates an uploaded file of host units and returns the
// import session with every bad row; nothing changes until it is applied.
func (h *Handler) ImportUnits(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	if err := h.Coverage.CanImport(r.Context(), actor); err != nil {
		h.Fail(w, r, err) // before the body is read
		return
	}
	name, header, rows, err := xlsx.ReadUpload(w, r, true)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sess, err := h.Coverage.PrepareImport(r.Context(), actor, actor.UserID, name, header, rows)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, importJSON(sess.Session))
}

// ApplyImport applies a valid import session of organizations, of units or
// of a campaign's subjects, all rows or none.
func (h *Handler) ApplyImport(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	id := r.PathValue("id")
	// The kind of the caller's own session picks the import: each kind
	// checks its permission before it looks for the session, so trying
	// them in turn would answer "forbidden" for another kind's session.
	var n int
	_, err := h.Orgs.LoadImport(r.Context(), actor.UserID, id)
	if err == nil {
		n, err = h.Orgs.ApplyImport(r.Context(), actor, actor.UserID, id)
	} else if errs.Is(err, errs.NotFound) {
		if _, err = h.Coverage.LoadImport(r.Context(), actor.UserID, id); err == nil {
			n, err = h.Coverage.ApplyImport(r.Context(), actor, actor.UserID, id)
		} else if errs.Is(err, errs.NotFound) {
			var sess evaluation.SubjectImport
			sess, err = h.Eval.ApplySubjectImport(r.Context(), actor, actor.UserID, id)
			n = len(sess.Rows)
		}
	}
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "status": "applied", "created": n})
}
