package cases_test

import "jiceng/internal/testrig/matrix"

// staffLines are the matrix lines of the staff routes.
var staffLines = []matrix.Line{}
