package api

import (
	"net/http"

	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/xlsx"
)

func importJSON(s org.ImportSession) map[string]any {
	problems := s.Problems
	if problems == nil {
		problems = []org.Problem{}
	}
	return map[string]any{"id": s.ID, "file_name": s.FileName, "status": s.Status, "total_rows": s.Total, "problems": problems}
}

// readUpload reads an uploaded .xlsx or .csv: the multipart field "file",
// or the raw body.
func readUpload(w http.ResponseWriter, r *http.Request) (string, []string, [][]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, xlsx.MaxUpload+64<<10)
	if file, fh, ferr := r.FormFile("file"); ferr == nil {
		defer file.Close()
		header, rows, err := xlsx.Read(file)
		return fh.Filename, header, rows, err
	} else if _, tooBig := ferr.(*http.MaxBytesError); tooBig {
		return "", nil, nil, errs.New(errs.TooLarge, "文件超过 10 MB 上限，请拆分后分批导入", "the file exceeds the 10 MB limit: split it")
	}
	header, rows, err := xlsx.Read(r.Body)
	return "upload", header, rows, err
}

// ImportOrgs validates an uploaded .xlsx or .csv (multipart field "file", or
// the raw body) and returns the import session with every bad row. Nothing
// changes until the session is applied.
func (h *Handler) ImportOrgs(w http.ResponseWriter, r *http.Request) {
	name, header, rows, err := readUpload(w, r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	actor := actorOf(r)
	sess, err := h.Orgs.PrepareImport(r.Context(), actor, actor.UserID, name, header, rows)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, importJSON(sess))
}

// ImportUnits validates an uploaded file of host units and returns the
// import session with every bad row; nothing changes until it is applied.
func (h *Handler) ImportUnits(w http.ResponseWriter, r *http.Request) {
	name, header, rows, err := readUpload(w, r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	actor := actorOf(r)
	sess, err := h.Coverage.PrepareImport(r.Context(), actor, actor.UserID, name, header, rows)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	problems := sess.Problems
	if problems == nil {
		problems = []org.Problem{}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": sess.ID, "file_name": sess.FileName, "status": sess.Status, "total_rows": sess.Total, "problems": problems})
}

// ApplyImport applies a valid import session of organizations or of units,
// all rows or none.
func (h *Handler) ApplyImport(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	id := r.PathValue("id")
	n, err := h.Orgs.ApplyImport(r.Context(), actor, actor.UserID, id)
	if errs.Is(err, errs.NotFound) {
		n, err = h.Coverage.ApplyImport(r.Context(), actor, actor.UserID, id)
	}
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "status": "applied", "created": n})
}
