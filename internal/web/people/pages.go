// Package people serves the pages of the member register: the members of a
// subtree, a member's page with their timeline, and the forms that register
// members and record their changes.
package people

import (
	"embed"
	"html/template"
	"net/http"

	"jiceng/internal/module"
	"jiceng/internal/people"
	"jiceng/internal/web"
)

//go:embed templates
var templateFS embed.FS

// Pages are the member register's pages.
type Pages struct {
	*web.Kit
	ppl  *people.Service
	tmpl *web.Templates
}

// newPages parses the register's templates.
func newPages(k *web.Kit, ppl *people.Service) (*Pages, error) {
	t, err := k.Parse(templateFS, funcs)
	if err != nil {
		return nil, err
	}
	return &Pages{Kit: k, ppl: ppl, tmpl: t}, nil
}

// funcs are the template functions of the register's pages.
func funcs(lang string) template.FuncMap {
	return template.FuncMap{}
}

// nav is the register's sidebar entry.
func nav() []module.Nav {
	return []module.Nav{{Key: "people", Href: "/people", Need: people.PeopleRead, Order: 35}}
}

// Routes are the register's pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return []module.Route{}
}

// render writes one of the register's pages.
func (h *Pages) render(w http.ResponseWriter, r *http.Request, status int, name, frame string, p *web.Page) {
	h.Render(w, r, status, h.tmpl, name, frame, p)
}

// Module builds the register's pages: its sidebar entry and routes.
func Module(k *web.Kit, s *people.Service) (web.Module, error) {
	h, err := newPages(k, s)
	if err != nil {
		return web.Module{}, err
	}
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: Messages}, nil
}
