package programs

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/module"
	"jiceng/internal/programs"
)

// The JSON handlers of the first secretaries (M4): the ledger and its
// lists, dispatching and ending a term, the work log with its photos, and
// opening the yearly review on the evaluation engine.

// fsecRoutes are the first secretaries' API routes.
func (h *Handlers) fsecRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/first-secretaries", module.API, h.ListFirstSecs),
		module.R("POST", "/api/v1/first-secretaries", module.API, h.DispatchFirstSec),
		module.R("POST", "/api/v1/first-secretaries/reviews", module.API, h.OpenFirstSecReview),
		module.R("GET", "/api/v1/first-secretaries/{id}", module.API, h.GetFirstSec),
		module.R("POST", "/api/v1/first-secretaries/{id}/end", module.API, h.EndFirstSec),
		module.R("GET", "/api/v1/first-secretaries/{id}/logs", module.API, h.FirstSecLogs),
		module.R("POST", "/api/v1/first-secretaries/{id}/logs", module.API, h.AddFirstSecLog),
		module.R("GET", "/api/v1/first-secretaries/{id}/photos/{pid}", module.API, h.FirstSecPhoto),
	}
}

// ListFirstSecs lists the ledger, the terms ending within some days or
// the terms ended with nobody taking over, with the figures of the scope.
func (h *Handlers) ListFirstSecs(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	under, err := ctParam(v, "org_id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	days, err := ctParam(v, "days")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	l, err := h.pg.FirstSecTerms(r.Context(), api.Actor(r), programs.FirstSecQuery{Under: under, View: v.Get("view"), Days: int(days), State: v.Get("state"),
		Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"view": l.View, "days": l.Days, "items": l.Items, "total": l.Total, "by_state": l.Counts,
		"expiring": l.Expiring, "vacant": l.Vacant, "next_cursor": api.NextCursor(offset, len(l.Items), l.Total)})
}

// DispatchFirstSec dispatches a first secretary and answers the term.
func (h *Handlers) DispatchFirstSec(w http.ResponseWriter, r *http.Request) {
	var in programs.FirstSecInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	f, err := h.pg.Dispatch(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, f)
}

// GetFirstSec returns a term with its reviews.
func (h *Handlers) GetFirstSec(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	f, err := h.pg.FirstSecTerm(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, f)
}

// EndFirstSec ends a term and answers it.
func (h *Handlers) EndFirstSec(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in programs.FirstSecEndInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	f, err := h.pg.EndFirstSec(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, f)
}

// FirstSecLogs lists a page of a term's log, of a month or all, with the
// log days of every month of the term.
func (h *Handlers) FirstSecLogs(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	l, err := h.pg.FirstSecLogs(r.Context(), api.Actor(r), id, programs.FirstSecLogQuery{Month: r.URL.Query().Get("month"), Limit: limit, Offset: offset})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": l.Items, "total": l.Total, "months": l.Months, "next_cursor": api.NextCursor(offset, len(l.Items), l.Total)})
}

// AddFirstSecLog writes a log entry, its photos in base64, and answers it.
func (h *Handlers) AddFirstSecLog(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		programs.FirstSecLogInput
		Attachments attachments `json:"attachments"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	in.Files = in.Attachments.files()
	l, err := h.pg.AddFirstSecLog(r.Context(), api.Actor(r), id, in.FirstSecLogInput)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, l)
}

// FirstSecPhoto sends a photo of a term's log as a download.
func (h *Handlers) FirstSecPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	pid, err := api.PathID(r, "pid")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.pg.FirstSecPhotoFile(r.Context(), api.Actor(r), id, pid)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	sendFile(w, p.Name, p.MIME, p.Data)
}

// OpenFirstSecReview opens a year's review of the first secretaries of an
// organization's subtree as a draft campaign, and answers the campaign.
func (h *Handlers) OpenFirstSecReview(w http.ResponseWriter, r *http.Request) {
	var in programs.FirstSecReviewInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, n, err := h.pg.OpenFirstSecReview(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+strconv.FormatInt(c.ID, 10))
	h.k.JSON(w, r, http.StatusCreated, map[string]any{"campaign_id": c.ID, "name": c.Name, "year": c.Year, "status": c.Status, "subjects": n})
}
