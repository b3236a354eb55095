package evaluation

import (
	"io"
	"net/http"
	"strings"
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
func (h *Pages) VoteFile(w http.ResponseWriter, r *http.Request) {
	publicPage(w)
	fl, content, err := h.eval.PublicFile(r.Context(), r.PathValue("id"))
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	serveReportContent(w, r, fl, content)
}

// maxRanges is the most ranges one request of a report file is served.
// Each range is read from the database on its own, so a header of
// thousands of one-byte ranges would cost thousands of queries. PDF
// viewers in browsers ask for one range at a time, or a few; a request of
// more ranges is answered with the whole file (200), as if it had asked
// for no range at all, which every client must accept (a server may ignore
// Range), rather than refused with 416, which a client might not recover
// from. Overlapping or unsorted ranges need no check of their own: within
// this many, the bytes read stay bounded, and http.ServeContent already
// serves the whole file when the ranges add up to more than it.
const maxRanges = 8

// serveReportContent writes a report file, or the ranges asked for, with
// the type found from its bytes, inline, under its SHA-256 as ETag.
func serveReportContent(w http.ResponseWriter, r *http.Request, fl evaluation.SubjectFile, content io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", fl.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", xlsx.Disposition("inline", fl.Name, "report"+extOf(fl.ContentType)))
	h.Set("ETag", `"`+fl.SHA256+`"`)
	if rg := r.Header.Get("Range"); strings.Count(rg, ",") >= maxRanges {
		r.Header.Del("Range")
	}
	http.ServeContent(w, r, "", time.Time{}, content)
}
