package programs

import (
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/module"
	"jiceng/internal/programs"
)

// The JSON handlers of the leaders' contact points (M7): the compliance
// list, a contact point with its visits, setting one, logging a visit, the
// totals by county and the rules of the visits a year.

// contactRoutes are the contact points' API routes.
func (h *Handlers) contactRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/contacts", module.API, h.ListContacts),
		module.R("POST", "/api/v1/contacts", module.API, h.CreateContact),
		module.R("GET", "/api/v1/contacts/totals", module.API, h.ContactTotals),
		module.R("GET", "/api/v1/contacts/{id}", module.API, h.GetContact),
		module.R("POST", "/api/v1/contacts/{id}/visits", module.API, h.LogVisit),
		module.R("GET", "/api/v1/contact-rules", module.API, h.ContactRules),
		module.R("PUT", "/api/v1/contact-rules", module.API, h.SetContactRule),
	}
}

// ctParam reads an optional positive whole-number query parameter.
func ctParam(v url.Values, name string) (int64, error) {
	s := v.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, api.IntField(name)
	}
	return n, nil
}

// ctOrgYear reads ?org_id= and ?year=.
func ctOrgYear(r *http.Request) (int64, int, error) {
	v := r.URL.Query()
	under, err := ctParam(v, "org_id")
	if err != nil {
		return 0, 0, err
	}
	year, err := ctParam(v, "year")
	return under, int(year), err
}

// ListContacts lists the contact points of a year the caller reads, with
// where each stands against the rule and the count of each state.
func (h *Handlers) ListContacts(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	under, year, err := ctOrgYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	l, err := h.pg.Contacts(r.Context(), api.Actor(r), programs.ContactQuery{Under: under, Year: year, State: v.Get("state"), Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"year": l.Year, "items": l.Items, "total": l.Total, "by_state": l.Counts, "next_cursor": api.NextCursor(offset, len(l.Items), l.Total)})
}

// CreateContact sets a leader's contact point for a year.
func (h *Handlers) CreateContact(w http.ResponseWriter, r *http.Request) {
	var in programs.ContactInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.pg.CreateContact(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, c)
}

// GetContact returns a contact point with its visits.
func (h *Handlers) GetContact(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.pg.Contact(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// LogVisit logs a visit to a contact point and answers the contact point.
func (h *Handlers) LogVisit(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in programs.VisitInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.pg.LogVisit(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, c)
}

// ContactTotals counts the contact points of a year under each child of
// org_id by state.
func (h *Handlers) ContactTotals(w http.ResponseWriter, r *http.Request) {
	under, year, err := ctOrgYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, sum, err := h.pg.ContactTotals(r.Context(), api.Actor(r), under, year)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []programs.ContactTotal{}
	}
	if year == 0 {
		year = h.pg.Today().Year()
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"year": year, "items": rows, "total": sum})
}

// ContactRules lists the rules set in the subtree of org_id (the caller's
// scope without it) and above it, with the rule in force at org_id.
func (h *Handlers) ContactRules(w http.ResponseWriter, r *http.Request) {
	under, err := ctParam(r.URL.Query(), "org_id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rules, inForce, err := h.pg.ContactRules(r.Context(), api.Actor(r), under)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rules == nil {
		rules = []programs.ContactRule{}
	}
	out := map[string]any{"items": rules, "default": programs.DefaultMinVisits}
	if under != 0 {
		out["in_force"] = inForce
	}
	h.k.JSON(w, r, http.StatusOK, out)
}

// SetContactRule sets (min_visits 0: removes) the rule of an
// organization's subtree.
func (h *Handlers) SetContactRule(w http.ResponseWriter, r *http.Request) {
	var in programs.ContactRuleInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rule, err := h.pg.SetContactRule(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, rule)
}
