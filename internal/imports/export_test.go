package imports

// Claim lets the tests claim a session the way Apply does.
var Claim = claim
