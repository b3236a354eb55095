package api

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/xlsx"
)

// ImportJSON is an import session as every module's upload answers it.
func ImportJSON(s xlsx.Session) map[string]any {
	return map[string]any{"id": s.ID, "file_name": s.FileName, "status": s.Status, "total_rows": s.Total, "problems": s.Problems}
}

// ImportKind is one module's kind of import session, which
// POST /api/v1/imports/{id}/apply applies.
type ImportKind struct {
	// Load finds the caller's session of this kind, or answers NotFound
	// when the session is not one. It checks no permission, so that a
	// session of another kind is passed on rather than refused.
	Load func(ctx context.Context, userID int64, id string) error
	// Apply applies the session, checking the permission, and returns how
	// many records it created.
	Apply func(ctx context.Context, a access.Actor, userID int64, id string) (int, error)
}
