// Package people serves the pages of the member register: the members of a
// subtree, a member's page with their timeline, and the forms that register
// members and record their changes.
package people

import (
	"embed"
	"html/template"
	"maps"
	"net/http"
	"time"

	"jiceng/internal/i18n"
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
		"plabel":   func(set, key string) string { return org.LabelOf(choiceSets[set], key, lang) },
		"pchoices": func(set string) []org.Choice { return choiceSets[set] },
		"age":      age,
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
	"leave_reason": people.LeaveReasons, "organizer_state": people.OrganizerStates, "organizer_filter": people.OrganizerStateFilters,
	"care_category": people.CareCategories, "care_state": people.CareStates, "care_step": people.CareSteps,
}

// nav is the register's sidebar entry.
func nav() []module.Nav {
	return []module.Nav{{Key: "people", Href: "/people", Need: people.PeopleRead, Order: 35},
		{Key: "organizers", Href: "/organizers", Need: people.PeopleRead, Order: 36},
		{Key: "care", Href: "/care", Need: people.CareRead, Order: 37}}
}

// Routes are the register's pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return []module.Route{
		module.R("GET", "/people", module.Web, h.PeopleList),
		module.R("GET", "/people/export.xlsx", module.Web, h.PeopleExport),
		module.R("GET", "/api/v1/people/export.xlsx", module.API, h.PeopleExport),
		module.R("GET", "/people/new", module.Web, h.PeopleNewForm),
		module.R("POST", "/people/new", module.Web, h.PeopleNew),
		module.R("GET", "/people/{id}", module.Web, h.PersonShow),
		module.R("POST", "/people/{id}/status", module.Web, h.PersonStatus),
		module.R("POST", "/people/{id}/convert", module.Web, h.PersonConvert),
		module.R("POST", "/people/{id}/reveal", module.Web, h.PersonReveal),
		// Organizers (M3) and care (M7).
		module.R("GET", "/organizers", module.Web, h.Organizers),
		module.R("GET", "/organizers/export.xlsx", module.Web, h.OrganizersExport),
		module.R("GET", "/organizers/counties.xlsx", module.Web, h.OrganizerCounties),
		module.R("GET", "/organizers/list", module.Web, h.OrganizerList),
		module.R("GET", "/organizers/list/export.xlsx", module.Web, h.OrganizerListExport),
		module.R("GET", "/organizers/batches/new", module.Web, h.BatchNewForm),
		module.R("POST", "/organizers/batches/new", module.Web, h.BatchNew),
		module.R("GET", "/organizers/batches/{id}", module.Web, h.BatchShow),
		module.R("POST", "/organizers/batches/{id}/recruit", module.Web, h.BatchRecruit),
		module.R("GET", "/organizers/{id}", module.Web, h.OrganizerShow),
		module.R("POST", "/organizers/{id}/place", module.Web, h.OrganizerPlace),
		module.R("POST", "/organizers/{id}/depart", module.Web, h.OrganizerDepart),
		module.R("GET", "/care", module.Web, h.CareList),
		module.R("GET", "/care/export.xlsx", module.Web, h.CareExport),
		module.R("GET", "/care/totals", module.Web, h.CareTotalsPage),
		module.R("GET", "/care/totals.xlsx", module.Web, h.CareTotalsExport),
		module.R("GET", "/care/new", module.Web, h.CareNewForm),
		module.R("POST", "/care/new", module.Web, h.CareNew),
		module.R("GET", "/care/{id}", module.Web, h.CareShow),
		module.R("POST", "/care/{id}/review", module.Web, h.CareStep("review")),
		module.R("POST", "/care/{id}/approve", module.Web, h.CareStep("approve")),
		module.R("POST", "/care/{id}/disburse", module.Web, h.CareStep("disburse")),
	}
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
	msgs := i18n.Catalog{}
	for _, c := range []i18n.Catalog{Messages, careMessages} {
		maps.Copy(msgs, c)
	}
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: msgs, OrgFacts: h.orgFacts}, nil
}
