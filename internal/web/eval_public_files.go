package web

import (
	"net/http"
)

// VoteFile serves a report file linked from the ballot page. It needs no
// code: the ballot page that links it is shown only for a valid code, the
// file's id is random, and nothing of the rater travels with the request.
// Files of draft campaigns are not found. A file never changes under its
// id, so the rater's browser keeps it while they go back and forth between
// the ballot and the report; only that browser, not a shared cache.
func (h *Handler) VoteFile(w http.ResponseWriter, r *http.Request) {
	publicPage(w)
	fl, data, err := h.Eval.PublicFile(r.Context(), r.PathValue("id"))
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	serveReportFile(w, r, fl, data)
}
