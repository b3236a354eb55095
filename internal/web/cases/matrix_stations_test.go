package cases_test

import "jiceng/internal/testrig/matrix"

// stationLines are the matrix lines of the stations routes.
var stationLines = []matrix.Line{}
