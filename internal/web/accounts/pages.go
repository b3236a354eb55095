// Package accounts serves the login page and the user pages.
package accounts

import (
	"embed"
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/module"
	"jiceng/internal/web"
)

//go:embed templates
var templateFS embed.FS

// Pages are the login and user pages.
type Pages struct {
	*web.Kit
	accounts *account.Service
	tmpl     *web.Templates
}

// newPages parses the account templates.
func newPages(k *web.Kit, accounts *account.Service) (*Pages, error) {
	t, err := k.Parse(templateFS, nil)
	if err != nil {
		return nil, err
	}
	return &Pages{Kit: k, accounts: accounts, tmpl: t}, nil
}

// nav are the sidebar entries of the user pages.
func nav() []module.Nav {
	return []module.Nav{{Key: "users", Href: "/users", Need: access.UserRead, Order: 70}}
}

// Routes are the login and user pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/login", module.Public, h.LoginForm),
		module.R("POST", "/login", module.Public, h.Login),
		module.R("POST", "/logout", module.Public, h.Logout),
		module.R("GET", "/users", module.Web, h.Users),
		module.R("GET", "/users/export.xlsx", module.Web, h.UserExport),
		module.R("GET", "/api/v1/users/export.xlsx", module.API, h.UserExport),
		module.R("GET", "/users/new", module.Web, h.UserNewForm),
		module.R("POST", "/users/new", module.Web, h.UserNew),
		module.R("GET", "/users/{id}", module.Web, h.UserShow),
		module.R("POST", "/users/{id}", module.Web, h.UserAction),
	}
}

// render writes one of the account pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}

// Module builds the account pages: their sidebar entries and routes.
func Module(k *web.Kit, s *account.Service) (web.Module, error) {
	h, err := newPages(k, s)
	if err != nil {
		return web.Module{}, err
	}
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: Messages}, nil
}
