package app

// ModuleList is the module list, for the tests that check every module of
// it is built.
var ModuleList = modules
