package cases_test

import (
	"jiceng/internal/cases"
	"jiceng/internal/testrig/matrix"
)

// statsLines are the matrix lines of the statistics page and its export:
// readers of the residents' cases, of the first organization they may
// read them at.
var statsLines = []matrix.Line{
	matrix.L("GET /cases/stats", cases.CasesRead, nil, ""),
	matrix.L("GET /cases/stats/export.xlsx", cases.CasesRead, nil, ""),
}
