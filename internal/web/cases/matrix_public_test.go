package cases_test

import "jiceng/internal/testrig/matrix"

// publicLines are the matrix lines of the public routes: residents have
// no account, so every page answers everyone. Bodies stop at validation:
// a report without a kind or a text, a receipt left empty (an empty
// receipt is no guess and is not counted against the client), and the
// saved step without its receipt.
var publicLines = []matrix.Line{
	matrix.L("GET /report", matrix.Public, nil, ""),
	matrix.L("POST /report", matrix.Public, nil, "kind=&body="),
	matrix.L("POST /report/saved", matrix.Public, nil, "receipt="),
	matrix.L("GET /track", matrix.Public, nil, ""),
	matrix.L("POST /track", matrix.Public, nil, "receipt="),
	matrix.L("POST /track/file", matrix.Public, nil, "receipt=&file=1"),
	matrix.L("POST /track/add", matrix.Public, nil, "receipt=&text="),
	matrix.L("POST /track/rate", matrix.Public, nil, "receipt=&rating="),
	matrix.L("GET /station/{id}", matrix.Public, nil, ""),
}
