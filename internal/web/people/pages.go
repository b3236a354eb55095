// Package people serves the pages of the member register: the members of a
// subtree, a member's page with their timeline, and the forms that register
// members and record their changes.
package people

import (
	"embed"
	"html/template"
	"math"
	"net/http"
	"strconv"
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
		"plabel":     func(set, key string) string { return org.LabelOf(choiceSets[set], key, lang) },
		"pchoices":   func(set string) []org.Choice { return choiceSets[set] },
		"age":        age,
		"neg":        func(n int) int { return -n },
		"olabel":     func(_, key string) string { return org.LabelOf(org.Levels, key, lang) },
		"factor":     func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
		"yuan":       func(f float64) string { return web.FormatInt(int(math.Round(f))) },
		"pct1":       func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + "%" },
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
	"status": people.Statuses, "set_status": people.Statuses[:6], "transfer_state": people.TransferStates, "filter_status": people.MemberFilters,
	"education_band": people.EducationBands, "age_band": ageChoices, "org_kind": org.Kinds, "org_check": people.OrgChecks,
	"post":         people.PostKinds,
	"leave_reason": people.LeaveReasons, "organizer_state": people.OrganizerStates, "organizer_filter": people.OrganizerStateFilters,
	"care_category": people.CareCategories, "care_state": people.CareStates, "care_step": people.CareSteps,
	"training_kind": people.TrainingKinds, "req_post": people.RequirementPosts,
}

// ageChoices are the age bands as a filter offers them.
var ageChoices = func() []org.Choice {
	out := make([]org.Choice, len(people.AgeBands))
	for i, b := range people.AgeBands {
		out[i] = org.Choice{Key: b.Key, Text: b.Text}
	}
	return out
}()

// nav is the register's sidebar entry.
func nav() []module.Nav {
	return []module.Nav{{Key: "people", Href: "/people", Need: people.PeopleRead, Order: 35},
		{Key: "people_terms", Href: "/people/terms", Need: people.PeopleRead, Order: 36},
		{Key: "people_pay", Href: "/people/pay", Need: people.PeopleRead, Order: 37},
		{Key: "organizers", Href: "/organizers", Need: people.PeopleRead, Order: 38},
		{Key: "care", Href: "/care", Need: people.CareRead, Order: 39},
		{Key: "training", Href: "/training", Need: people.PeopleRead, Order: 40}}
}

// Routes are the register's pages and their auth levels.
func (h *Pages) Routes() []module.Route {
	return append([]module.Route{
		module.R("GET", "/people", module.Web, h.PeopleList),
		module.R("GET", "/people/export.xlsx", module.Web, h.PeopleExport),
		module.R("GET", "/people/stats", module.Web, h.PeopleStats),
		module.R("GET", "/people/checks", module.Web, h.PeopleChecks),
		module.R("GET", "/people/checks/export.xlsx", module.Web, h.PeopleChecksExport),
		module.R("GET", "/api/v1/people/export.xlsx", module.API, h.PeopleExport),
		module.R("GET", "/people/import", module.Web, h.PeopleImportForm),
		module.R("POST", "/people/import", module.Web, h.PeopleImportUpload),
		module.R("GET", "/people/import/template.xlsx", module.Web, h.PeopleImportTemplate),
		module.R("GET", "/api/v1/people/import/template.xlsx", module.API, h.PeopleImportTemplate),
		module.R("POST", "/people/import/{id}/apply", module.Web, h.PeopleImportApply),
		module.R("GET", "/people/new", module.Web, h.PeopleNewForm),
		module.R("POST", "/people/new", module.Web, h.PeopleNew),
		module.R("GET", "/people/{id}", module.Web, h.PersonShow),
		module.R("POST", "/people/{id}/status", module.Web, h.PersonStatus),
		module.R("POST", "/people/{id}/convert", module.Web, h.PersonConvert),
		module.R("POST", "/people/{id}/reveal", module.Web, h.PersonReveal),
		module.R("POST", "/people/{id}/transfer", module.Web, h.PersonTransfer),
		module.R("GET", "/people/transfers", module.Web, h.TransferList),
		module.R("GET", "/people/transfers/export.xlsx", module.Web, h.TransferExport),
		module.R("GET", "/api/v1/transfers/export.xlsx", module.API, h.TransferExport),
		module.R("POST", "/people/transfers/{id}/accept", module.Web, h.TransferAccept),
		module.R("POST", "/people/transfers/{id}/reject", module.Web, h.TransferReject),
		module.R("POST", "/people/transfers/{id}/cancel", module.Web, h.TransferCancel),
		module.R("GET", "/people/orgs/{id}/posts", module.Web, h.OrgPostsPage),
		module.R("POST", "/people/orgs/{id}/posts", module.Web, h.OrgAppoint),
		module.R("POST", "/people/orgs/{id}/terms", module.Web, h.OrgRecordTerm),
		module.R("POST", "/people/posts/{id}/end", module.Web, h.PostEnd),
		module.R("GET", "/people/vacancies", module.Web, h.VacanciesPage),
		module.R("GET", "/people/vacancies/export.xlsx", module.Web, h.VacanciesExport),
		module.R("GET", "/people/terms", module.Web, h.TermsPage),
		module.R("GET", "/people/terms/export.xlsx", module.Web, h.TermsExport),
		module.R("GET", "/people/pay", module.Web, h.PayPage),
		module.R("GET", "/people/pay/export.xlsx", module.Web, h.PayExport),
		module.R("POST", "/people/pay/factor", module.Web, h.PayFactorSet),
		module.R("GET", "/people/pay/incomes", module.Web, h.IncomesPage),
		module.R("POST", "/people/pay/incomes", module.Web, h.IncomeSet),
		module.R("GET", "/people/pay/incomes/template.xlsx", module.Web, h.IncomesTemplate),
		module.R("POST", "/people/pay/incomes/import", module.Web, h.IncomesImport),
		module.R("POST", "/people/pay/incomes/import/{id}/apply", module.Web, h.IncomesApply),
		module.R("GET", "/people/pay/record", module.Web, h.PayRecordPage),
		module.R("POST", "/people/pay/record", module.Web, h.PayRecord),
		module.R("GET", "/people/pay/template.xlsx", module.Web, h.PayTemplate),
		module.R("POST", "/people/pay/import", module.Web, h.PayImport),
		module.R("POST", "/people/pay/import/{id}/apply", module.Web, h.PayApply),
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
	msgs, err := i18n.Join(Messages, payMessages, careMessages, trainingMessages)
	if err != nil {
		return web.Module{}, err
	}
	return web.Module{Nav: nav(), Routes: h.Routes(), Catalog: msgs, OrgFacts: h.orgFacts, Cockpits: []web.Card{h.cockpit, h.trainingCockpit, h.payCockpit}}, nil
}
