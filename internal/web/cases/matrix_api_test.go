package cases_test

import "jiceng/internal/testrig/matrix"

// apiLines are the matrix lines of the api routes.
var apiLines = []matrix.Line{}
