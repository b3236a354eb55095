package server

import (
	"jiceng/internal/module"
)

// Route is one entry of the route table: the module's shape, under the name
// the route-table tests use.
type Route = module.Route

// Auth levels of a route, the module's, under the names the route-table
// tests use.
const (
	Public = module.Public
	Web    = module.Web
	API    = module.API
)
