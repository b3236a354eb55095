package people_test

import "jiceng/internal/testrig/matrix"

// apiLines are the matrix lines of the register's JSON handlers.
var apiLines = []matrix.Line{}
