package cases_test

import (
	"jiceng/internal/cases"
	"jiceng/internal/testrig/matrix"
)

// statsLines are the matrix lines of the statistics page and its export:
// readers of the residents' cases or of the integrity reports, of the
// first organization they may read them at.
var statsLines = []matrix.Line{
	{Route: "GET /cases/stats", Need: cases.CasesRead, Or: cases.IntegrityRead},
	{Route: "GET /cases/stats/export.xlsx", Need: cases.CasesRead, Or: cases.IntegrityRead},
}
