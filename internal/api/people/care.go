package people

import (
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/i18n"
	"jiceng/internal/people"
)

// The organizers' (M3) and the care (M7) JSON handlers.

// intParam reads an optional whole-number query parameter.
func intParam(v url.Values, name string) (int64, error) {
	s := v.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, api.IntField(name)
	}
	return n, nil
}

// list writes a page of items with its total.
func (h *Handlers) list(w http.ResponseWriter, r *http.Request, items any, offset, n, total int) {
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": items, "total": total, "next_cursor": api.NextCursor(offset, n, total)})
}

// ListBatches lists the recruitment batches of the caller's scope.
func (h *Handlers) ListBatches(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := people.BatchQuery{Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset}
	var year int64
	if q.Under, err = intParam(v, "org_id"); err == nil {
		year, err = intParam(v, "year")
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	q.Year = int(year)
	rows, total, err := h.ppl.Batches(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []people.Batch{}
	}
	h.list(w, r, rows, offset, len(rows), total)
}

// CreateBatch opens a recruitment batch.
func (h *Handlers) CreateBatch(w http.ResponseWriter, r *http.Request) {
	var in people.BatchInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	b, err := h.ppl.CreateBatch(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, b)
}

// GetBatch returns a batch with its counts.
func (h *Handlers) GetBatch(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	b, err := h.ppl.Batch(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, b)
}

// Recruit recruits a member of the register into a batch.
func (h *Handlers) Recruit(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in people.RecruitInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.ppl.Recruit(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, o)
}

// ListOrganizers lists the organizers the caller may read.
func (h *Handlers) ListOrganizers(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := people.OrganizerQuery{State: v.Get("state"), Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset}
	if q.Under, err = intParam(v, "org_id"); err == nil {
		q.BatchID, err = intParam(v, "batch_id")
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, total, err := h.ppl.Organizers(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []people.Organizer{}
	}
	h.list(w, r, rows, offset, len(rows), total)
}

// GetOrganizer returns an organizer.
func (h *Handlers) GetOrganizer(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.ppl.Organizer(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, o)
}

// Place records an organizer's placement.
func (h *Handlers) Place(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in people.PlaceInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.ppl.Place(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, o)
}

// Depart records an organizer leaving.
func (h *Handlers) Depart(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in people.DepartInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.ppl.Depart(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, o)
}

// OrganizersByCounty counts the organizers under each child of org_id.
func (h *Handlers) OrganizersByCounty(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	under, err := intParam(v, "org_id")
	var year int64
	if err == nil {
		year, err = intParam(v, "year")
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, err := h.ppl.OrganizersByCounty(r.Context(), api.Actor(r), under, int(year))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows})
}

// ListCare lists the care cases the caller may read, with the count of
// each state; the reasons are given on a case only.
func (h *Handlers) ListCare(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := people.CareQuery{State: v.Get("state"), Category: v.Get("category"), Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset}
	var year int64
	if q.Under, err = intParam(v, "org_id"); err == nil {
		if q.PersonID, err = intParam(v, "person_id"); err == nil {
			year, err = intParam(v, "year")
		}
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	q.Year = int(year)
	rows, total, counts, err := h.ppl.CareCases(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []people.CareCase{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "by_state": counts, "next_cursor": api.NextCursor(offset, len(rows), total)})
}

// Apply records a care application.
func (h *Handlers) Apply(w http.ResponseWriter, r *http.Request) {
	var in people.CareInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.ppl.Apply(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, c)
}

// GetCare returns a case with its reason and steps. The answer holds
// personal data and is kept out of caches.
func (h *Handlers) GetCare(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.ppl.CareCase(r.Context(), api.Actor(r), id, i18n.FromRequest(r))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// CareStep takes a step of a case: review, approve or disburse.
func (h *Handlers) CareStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		id, err := api.PathID(r, "id")
		if err != nil {
			h.k.Fail(w, r, err)
			return
		}
		ctx, actor := r.Context(), api.Actor(r)
		var c people.CareCase
		if step == "disburse" {
			var in people.DisburseInput
			if err := api.Decode(w, r, &in); err != nil {
				h.k.Fail(w, r, err)
				return
			}
			c, err = h.ppl.Disburse(ctx, actor, id, in)
		} else {
			var in people.DecisionInput
			if err := api.Decode(w, r, &in); err != nil {
				h.k.Fail(w, r, err)
				return
			}
			if step == "review" {
				c, err = h.ppl.Review(ctx, actor, id, in)
			} else {
				c, err = h.ppl.Approve(ctx, actor, id, in)
			}
		}
		if err != nil {
			h.k.Fail(w, r, err)
			return
		}
		h.k.JSON(w, r, http.StatusOK, c)
	}
}

// CareTotals are the yearly totals under each child of org_id.
func (h *Handlers) CareTotals(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	under, err := intParam(v, "org_id")
	var year int64
	if err == nil {
		year, err = intParam(v, "year")
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, sum, err := h.ppl.CareTotals(r.Context(), api.Actor(r), under, int(year))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []people.CareTotal{}
	}
	if year == 0 {
		year = int64(h.ppl.Today().Year())
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"year": year, "items": rows, "total": sum})
}
