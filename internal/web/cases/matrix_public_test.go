package cases_test

import "jiceng/internal/testrig/matrix"

// publicLines are the matrix lines of the public routes.
var publicLines = []matrix.Line{}
