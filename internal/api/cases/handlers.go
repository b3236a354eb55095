// Package cases serves the JSON API of the residents' channel: public
// intake, follow-up, messages and rating by receipt; the staff's list, case
// and one endpoint per step; and the cases part of an organization's
// statistics.
package cases

import (
	"context"
	"net/http"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/module"
)

// Handlers are the channel's JSON handlers.
type Handlers struct {
	k  *api.Kit
	cs *cases.Service
	// codes slows down guessing of receipts, per client, shared with the
	// pages through the kit.
	codes *account.Limiter
}

// Module builds the channel's JSON handlers and its part of an
// organization's statistics.
func Module(k *api.Kit, cs *cases.Service) api.Module {
	h := &Handlers{k: k, cs: cs, codes: k.Codes}
	return api.Module{Routes: h.Routes(), Stats: []module.Stats{h.Stats()}}
}

// Routes are the channel's API routes.
func (h *Handlers) Routes() []module.Route {
	routes := []module.Route{
		module.R("POST", "/api/v1/public/cases", module.Public, h.Submit),
		module.R("POST", "/api/v1/public/cases/follow", module.Public, h.Follow),
		module.R("POST", "/api/v1/public/cases/messages", module.Public, h.AddInfo),
		module.R("POST", "/api/v1/public/cases/rating", module.Public, h.Rate),
		module.R("GET", "/api/v1/cases", module.API, h.List(false)),
		module.R("GET", "/api/v1/integrity-reports", module.API, h.List(true)),
		module.R("GET", "/api/v1/opinion-reports", module.API, h.OpinionReport),
		module.R("GET", "/api/v1/cases/{id}", module.API, h.Get),
		module.R("POST", "/api/v1/cases/{id}/extensions", module.API, h.RequestExtension),
		module.R("POST", "/api/v1/case-extensions/{id}/decision", module.API, h.DecideExtension),
		module.R("POST", "/api/v1/cases/{id}/reveals", module.API, h.RequestReveal),
		module.R("POST", "/api/v1/case-reveals/{id}/decision", module.API, h.DecideReveal),
	}
	for _, s := range cases.Steps {
		routes = append(routes, module.R("POST", "/api/v1/cases/{id}/"+s.Key, module.API, h.Step(s.Key)))
	}
	return routes
}

// subtreeStats is the "cases" part of an organization's statistics: the
// subtree's figures with each child organization's, as the cockpit's
// drill-down shows them.
type subtreeStats struct {
	cases.Stats
	Children []cases.ChildStats `json:"children"`
}

// Stats is the "cases" part of GET /api/v1/orgs/{id}/stats, left out for
// a caller who reads neither the cases nor the integrity reports: their
// figures would read as a subtree without a case.
func (h *Handlers) Stats() module.Stats {
	return module.Stats{Key: "cases", Of: func(ctx context.Context, a access.Actor, orgID int64) (any, error) {
		if !a.CanAnywhere(cases.CasesRead) && !a.CanAnywhere(cases.IntegrityRead) {
			return nil, errs.New(errs.Forbidden, "您没有查看群众诉求的权限", "you may not read residents' cases")
		}
		st, err := h.cs.SubtreeStats(ctx, a, orgID)
		if err != nil {
			return nil, err
		}
		kids, err := h.cs.ChildrenStats(ctx, a, orgID)
		if kids == nil {
			kids = []cases.ChildStats{} // a leaf: no child, not an unknown
		}
		return subtreeStats{Stats: st, Children: kids}, err
	}}
}

// List lists the residents' cases the caller sees, or the integrity
// reports: ?kind=, ?state=, ?overdue=true, ?escalated=true, ?org_id=, ?q=,
// ?sort=received|deadline, paged.
func (h *Handlers) List(integrity bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h.list(w, r, integrity) }
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request, integrity bool) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := cases.ListQuery{Integrity: integrity, Kind: v.Get("kind"), State: v.Get("state"), Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset,
		Overdue: v.Get("overdue") == "true", Escalated: v.Get("escalated") == "true"}
	if s := v.Get("org_id"); s != "" {
		if q.OrgID, err = strconv.ParseInt(s, 10, 64); err != nil || q.OrgID <= 0 {
			h.k.Fail(w, r, api.IntField("org_id"))
			return
		}
	}
	rows, total, err := h.cs.List(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []cases.Case{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": api.NextCursor(offset, len(rows), total)})
}

// Get returns a case with its history and the steps the caller may take.
func (h *Handlers) Get(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, evs, err := h.cs.Get(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	next, err := h.cs.NextFor(r.Context(), api.Actor(r), c)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if next == nil {
		next = []string{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"case": c, "events": evs, "next_steps": next})
}

// Step is the endpoint of one workflow step: a body of version, text,
// org_id, outcome and duplicate_of as the step needs; a step out of order
// answers 409 naming the allowed next steps.
func (h *Handlers) Step(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := api.PathID(r, "id")
		if err != nil {
			h.k.Fail(w, r, err)
			return
		}
		var in cases.StepInput
		if err := api.Decode(w, r, &in); err != nil {
			h.k.Fail(w, r, err)
			return
		}
		in.Step = step
		c, err := h.cs.Take(r.Context(), api.Actor(r), id, in)
		if err != nil {
			h.k.Fail(w, r, err)
			return
		}
		h.k.JSON(w, r, http.StatusOK, c)
	}
}

// RequestExtension asks the superior organization for more working days.
func (h *Handlers) RequestExtension(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Days   int    `json:"days"`
		Reason string `json:"reason"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	x, err := h.cs.RequestExtension(r.Context(), api.Actor(r), id, in.Days, in.Reason)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, x)
}

// decision is the body of a decision on a request.
type decision struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// DecideExtension approves or refuses an extension.
func (h *Handlers) DecideExtension(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in decision
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.cs.DecideExtension(r.Context(), api.Actor(r), id, in.Approve, in.Note)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// RequestReveal asks a custodian to reveal the reporter's identity.
func (h *Handlers) RequestReveal(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rv, err := h.cs.RequestReveal(r.Context(), api.Actor(r), id, in.Reason)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, rv)
}

// DecideReveal approves or refuses a request to reveal a reporter.
func (h *Handlers) DecideReveal(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in decision
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.cs.DecideReveal(r.Context(), api.Actor(r), id, in.Approve, in.Note); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
