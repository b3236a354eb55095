// Package module is the contract between the platform and its modules. A
// module (organizations, accounts, coverage, evaluation, and those to come)
// is built on the Core the platform builds once, supplies its Domain (its
// background jobs and demo data), and hands the platform its routes with
// their auth level, its navigation entries and its part of the statistics
// in these shapes; internal/app gathers them and the server assembles one
// route table.
package module

import (
	"net/http"

	"jiceng/internal/access"
)

// Auth is the authentication level of a route.
type Auth string

// Auth levels of a route.
const (
	Public Auth = "public" // anyone
	Web    Auth = "web"    // a logged-in browser; others are sent to /login
	API    Auth = "api"    // a bearer token or a session cookie; others get 401 JSON
)

// Route is one entry of the route table.
type Route struct {
	Method  string
	Pattern string
	Auth    Auth
	Handler http.Handler
}

// R builds a Route from a handler function, to keep route lists on one
// line per route.
func R(method, pattern string, auth Auth, h http.HandlerFunc) Route {
	return Route{Method: method, Pattern: pattern, Auth: auth, Handler: h}
}

// Nav is one sidebar entry. Its label is the message "nav."+Key; it is shown
// to actors who may do Need somewhere. Entries are sorted by Order.
type Nav struct {
	Key  string
	Href string
	Need access.Action
	// Or is a second permission that shows the entry as well, for a page
	// that shows each reader the part it may read ("" for none).
	Or    access.Action
	Order int
}
