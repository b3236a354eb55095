package api

import (
	"jiceng/internal/imports"
)

// ImportJSON is an import session as every module's upload answers it.
func ImportJSON(s imports.Session) map[string]any {
	return map[string]any{"id": s.ID, "file_name": s.FileName, "status": s.Status, "total_rows": s.Total, "problems": s.Problems}
}

// ImportKind is one module's kind of import session, which
// POST /api/v1/imports/{id}/apply applies through imports.ApplyAny.
type ImportKind = imports.Applier
