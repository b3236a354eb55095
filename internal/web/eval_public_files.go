package web

import (
	"io"
	"net/http"
	"time"

	"jiceng/internal/evaluation"
	"jiceng/internal/xlsx"
)

// VoteFile serves a report file linked from the ballot page. It needs no
// code: the ballot page that links it is shown only for a valid code, the
// file's id is random, and nothing of the rater travels with the request.
// Files of draft campaigns are not found. A file never changes under its
// id, so the rater's browser keeps it while they go back and forth between
// the ballot and the report; only that browser, not a shared cache.
//
// The file is streamed from the database as the client reads it, a piece
// at a time (see evaluation.FileContent): a Range request for a few bytes
// reads those bytes, and a slow client holds no connection of the pool.
func (h *Handler) VoteFile(w http.ResponseWriter, r *http.Request) {
	publicPage(w)
	fl, content, err := h.Eval.PublicFile(r.Context(), r.PathValue("id"))
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	serveReportContent(w, r, fl, content)
}

// serveReportContent writes a report file, or the ranges asked for, with
// the type found from its bytes, inline, under its SHA-256 as ETag.
func serveReportContent(w http.ResponseWriter, r *http.Request, fl evaluation.SubjectFile, content io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", fl.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", xlsx.Disposition("inline", fl.Name, "report"+extOf(fl.ContentType)))
	h.Set("ETag", `"`+fl.SHA256+`"`)
	http.ServeContent(w, r, "", time.Time{}, content)
}
