package api

import (
	"net/http"
	"strconv"

	"jiceng/internal/coverage"
	"jiceng/internal/i18n"
)

// writeUnit answers with a unit whose advice and warnings are in the
// caller's language, like the messages of errors.
func writeUnit(w http.ResponseWriter, r *http.Request, status int, u coverage.Unit) {
	writeJSON(w, status, u.In(i18n.FromRequest(r)))
}

// ListUnits lists host units of the caller's scope with the registry filters.
func (h *Handler) ListUnits(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := page(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := coverage.ListQuery{Q: v.Get("q"), Category: v.Get("category"), Size: v.Get("size"), Industry: v.Get("industry"), Coverage: v.Get("coverage"),
		Rule: v.Get("rule"), RegionCode: v.Get("region_code"), Status: v.Get("status"), Sort: v.Get("sort"), Limit: limit, Offset: offset}
	if s := v.Get("org_id"); s != "" {
		if q.Under, err = strconv.ParseInt(s, 10, 64); err != nil {
			h.Fail(w, r, errFieldInt("org_id"))
			return
		}
	}
	rows, total, err := h.Coverage.List(r.Context(), actorOf(r), q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []coverage.Unit{}
	}
	lang := i18n.FromRequest(r)
	for i := range rows {
		rows[i] = rows[i].In(lang)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": nextCursor(offset, len(rows), total)})
}

// CreateUnit registers a host unit.
func (h *Handler) CreateUnit(w http.ResponseWriter, r *http.Request) {
	var in coverage.Input
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Coverage.Create(r.Context(), actorOf(r), in)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeUnit(w, r, http.StatusCreated, u)
}

// GetUnit returns one unit.
func (h *Handler) GetUnit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Coverage.Get(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeUnit(w, r, http.StatusOK, u)
}

// PatchUnit changes the fields present in the body.
func (h *Handler) PatchUnit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var p coverage.Patch
	if err := decode(w, r, &p); err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Coverage.Update(r.Context(), actorOf(r), id, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeUnit(w, r, http.StatusOK, u)
}

// SetUnitCoverage changes how a unit is covered.
func (h *Handler) SetUnitCoverage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in coverage.CoverageInput
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Coverage.SetCoverage(r.Context(), actorOf(r), id, in)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeUnit(w, r, http.StatusOK, u)
}

// UnitHistory returns a unit's coverage history.
func (h *Handler) UnitHistory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	hs, err := h.Coverage.History(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": hs})
}

// CloseUnit closes a unit (注销、吊销、迁出本地 or 其他 with a note) from a
// date that is not in the future; it leaves the coverage rates.
func (h *Handler) CloseUnit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in coverage.CloseInput
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Coverage.Close(r.Context(), actorOf(r), id, in)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeUnit(w, r, http.StatusOK, u)
}

// ReopenUnit makes a closed unit active again; the note says why.
func (h *Handler) ReopenUnit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in coverage.ReopenInput
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	u, err := h.Coverage.Reopen(r.Context(), actorOf(r), id, in)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeUnit(w, r, http.StatusOK, u)
}
