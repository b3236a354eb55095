package cases_test

import (
	"jiceng/internal/cases"
	"jiceng/internal/testrig/matrix"
)

// opinionLines are the matrix lines of the opinions' monthly report: its
// page, export and topic page read the first organization the actor reads
// cases at; the answer to many stops at its empty text; the API at the
// organization it was not given.
var opinionLines = []matrix.Line{
	matrix.L("GET /cases/opinions", cases.CasesRead, nil, ""),
	matrix.L("GET /cases/opinions/export.xlsx", cases.CasesRead, nil, ""),
	matrix.L("GET /cases/opinions/topic", cases.CasesRead, nil, ""),
	matrix.L("POST /cases/opinions/answer", cases.CasesHandle, nil, "topic=elderly"),
	matrix.L("GET /api/v1/opinion-reports", cases.CasesRead, nil, ""),
}
