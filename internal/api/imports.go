package api

import (
	"net/http"

	"jiceng/internal/imports"
	"jiceng/internal/xlsx"
)

// ImportJSON is an import session as every module's upload answers it.
func ImportJSON(s imports.Session) map[string]any {
	return map[string]any{"id": s.ID, "file_name": s.FileName, "status": s.Status, "total_rows": s.Total, "problems": s.Problems}
}

// ImportKind is one module's kind of import session, which
// POST /api/v1/imports/{id}/apply applies through imports.ApplyAny.
type ImportKind = imports.Applier

// Upload answers an import upload (.xlsx or .csv, multipart field "file" or
// the raw body) the same way for every module: allowed is the caller's right
// to import, checked before the body is read; prepare validates the rows
// and stores the session, whose JSON (ImportJSON plus what prepare adds to
// it) comes back with 201. Nothing changes until the session is applied.
func (k *Kit) Upload(w http.ResponseWriter, r *http.Request, allowed error, prepare func(name string, header []string, rows [][]string) (map[string]any, error)) {
	if allowed != nil {
		k.Fail(w, r, allowed)
		return
	}
	name, header, rows, err := xlsx.ReadUpload(w, r, true)
	if err != nil {
		k.Fail(w, r, err)
		return
	}
	out, err := prepare(name, header, rows)
	if err != nil {
		k.Fail(w, r, err)
		return
	}
	k.JSON(w, r, http.StatusCreated, out)
}
