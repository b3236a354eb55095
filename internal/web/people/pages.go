// Package people serves the pages of the member register: the members of a
// subtree, a member's page with their timeline, and the forms that register
// members and record their changes.
package people

import (
	"embed"
	"html/template"
	"net/http"
	"time"

	"jiceng/internal/module"
	"jiceng/internal/org"
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
	return template.FuncMap{
		"plabel":     func(set, key string) string { return org.LabelOf(choiceSets[set], key, lang) },
		"pchoices":   func(set string) []org.Choice { return choiceSets[set] },
		"age":        age,
		"hoursShort": func(t people.PersonTraining) float64 { return t.Required - t.Hours },
	}
}

// age is the age in whole years on the date today of a person born on
// birth, both YYYY-MM-DD; 0 when either is not a date.
func age(birth, today string) int {
	b, err1 := time.Parse(time.DateOnly, birth)
	t, err2 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil {
		return 0
	}
	n := t.Year() - b.Year()
	if t.Month() < b.Month() || t.Month() == b.Month() && t.Day() < b.Day() {
		n--
	}
	return n
}

// choiceSets are the register's code lists by the name templates use.
var choiceSets = map[string][]org.Choice{
	"ethnicity": people.Ethnicities, "education": people.Educations, "kind": people.Kinds, "gender": people.Genders,
	"status": people.Statuses, "filter_status": people.Statuses[:4], "set_status": people.Statuses[:6],
	"training_kind": people.TrainingKinds, "post": people.PostKinds, "req_post": people.RequirementPosts,
}

// nav is the register's sidebar entry.
func nav() []module.Nav {
	return []module.Nav{{Key: "people", Href: "/people", Need: people.PeopleRead, Order: 35}, {Key: "training", Href: "/training", Need: people.PeopleRead, Order: 36}}
}

// Routes are the register's pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return append([]module.Route{
		module.R("GET", "/people", module.Web, h.PeopleList),
		module.R("GET", "/people/export.xlsx", module.Web, h.PeopleExport),
		module.R("GET", "/api/v1/people/export.xlsx", module.API, h.PeopleExport),
		module.R("GET", "/people/new", module.Web, h.PeopleNewForm),
		module.R("POST", "/people/new", module.Web, h.PeopleNew),
		module.R("GET", "/people/{id}", module.Web, h.PersonShow),
		module.R("POST", "/people/{id}/status", module.Web, h.PersonStatus),
		module.R("POST", "/people/{id}/convert", module.Web, h.PersonConvert),
		module.R("POST", "/people/{id}/reveal", module.Web, h.PersonReveal),
	}, h.trainingRoutes()...)
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
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: withTraining(Messages), OrgFacts: h.orgFacts}, nil
}
