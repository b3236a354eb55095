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

// ImportOrgs validates an uploaded .xlsx or .csv (multipart field "file", or
// the raw body) and returns the import session with every bad row. Nothing
// changes until the session is applied.
func (h *Handler) ImportOrgs(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, xlsx.MaxUpload+64<<10)
	name := "upload"
	var header []string
	var rows [][]string
	var err error
	if file, fh, ferr := r.FormFile("file"); ferr == nil {
		defer file.Close()
		name = fh.Filename
		header, rows, err = xlsx.Read(file)
	} else if _, tooBig := ferr.(*http.MaxBytesError); tooBig {
		err = errs.New(errs.TooLarge, "文件超过 10 MB 上限，请拆分后分批导入", "the file exceeds the 10 MB limit: split it")
	} else {
		header, rows, err = xlsx.Read(r.Body)
	}
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

// ApplyImport creates every organization of a valid import session, all or none.
func (h *Handler) ApplyImport(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	n, err := h.Orgs.ApplyImport(r.Context(), actor, actor.UserID, r.PathValue("id"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "status": "applied", "created": n})
}
