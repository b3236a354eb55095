package coverage

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/coverage"
	"jiceng/internal/i18n"
)

// writeUnit answers with a unit whose advice and warnings are in the
// caller's language, like the messages of errors.
func (h *Handlers) writeUnit(w http.ResponseWriter, r *http.Request, status int, u coverage.Unit) {
	h.k.JSON(w, r, status, u.In(i18n.FromRequest(r)))
}

// ListUnits lists host units of the caller's scope with the registry filters.
func (h *Handlers) ListUnits(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := coverage.ListQuery{Q: v.Get("q"), Category: v.Get("category"), Size: v.Get("size"), Industry: v.Get("industry"), Coverage: v.Get("coverage"),
		Rule: v.Get("rule"), RegionCode: v.Get("region_code"), Status: v.Get("status"), Members: v.Get("members"), Sort: v.Get("sort"), Limit: limit, Offset: offset}
	if s := v.Get("org_id"); s != "" {
		if q.Under, err = strconv.ParseInt(s, 10, 64); err != nil {
			h.k.Fail(w, r, api.IntField("org_id"))
			return
		}
	}
	rows, total, err := h.cov.List(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []coverage.Unit{}
	}
	lang := i18n.FromRequest(r)
	for i := range rows {
		rows[i] = rows[i].In(lang)
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": api.NextCursor(offset, len(rows), total)})
}

// CreateUnit registers a host unit.
func (h *Handlers) CreateUnit(w http.ResponseWriter, r *http.Request) {
	var in coverage.Input
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.cov.Create(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.writeUnit(w, r, http.StatusCreated, u)
}

// GetUnit returns one unit.
func (h *Handlers) GetUnit(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.cov.Get(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.writeUnit(w, r, http.StatusOK, u)
}

// PatchUnit changes the fields present in the body.
func (h *Handlers) PatchUnit(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var p coverage.Patch
	if err := api.Decode(w, r, &p); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.cov.Update(r.Context(), api.Actor(r), id, p)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.writeUnit(w, r, http.StatusOK, u)
}

// SetUnitCoverage changes how a unit is covered.
func (h *Handlers) SetUnitCoverage(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in coverage.CoverageInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.cov.SetCoverage(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.writeUnit(w, r, http.StatusOK, u)
}

// UnitHistory returns a unit's coverage history.
func (h *Handlers) UnitHistory(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	hs, err := h.cov.History(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": hs})
}

// CloseUnit closes a unit (注销、吊销、迁出本地 or 其他 with a note) from a
// date that is not in the future; it leaves the coverage rates.
func (h *Handlers) CloseUnit(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in coverage.CloseInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.cov.Close(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.writeUnit(w, r, http.StatusOK, u)
}

// ReopenUnit makes a closed unit active again; the note says why.
func (h *Handlers) ReopenUnit(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in coverage.ReopenInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	u, err := h.cov.Reopen(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.writeUnit(w, r, http.StatusOK, u)
}
