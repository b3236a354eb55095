package audit_test

import (
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/testrig/matrix"
)

// The role × route matrix of the audit log module (internal/testrig/matrix): one
// line per route of its pages and JSON handlers.
// A route without its line fails the test.
var lines = []matrix.Line{
	matrix.L("GET /audit", access.AuditRead, nil, ""),
	matrix.L("GET /audit/export.xlsx", access.AuditRead, nil, ""),
	matrix.L("GET /api/v1/audit", access.AuditRead, nil, ""),
	matrix.L("GET /api/v1/audit/export.xlsx", access.AuditRead, nil, ""),
}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	matrix.Run(t, "audit", lines)
}
