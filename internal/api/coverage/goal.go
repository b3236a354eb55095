package coverage

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/coverage"
)

// GoalSets lists the goal sets of the caller's scope.
func (h *Handlers) GoalSets(w http.ResponseWriter, r *http.Request) {
	gs, err := h.cov.GoalSets(r.Context(), api.Actor(r))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if gs == nil {
		gs = []coverage.GoalSet{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": gs})
}

// CreateGoalSet creates a goal set.
func (h *Handlers) CreateGoalSet(w http.ResponseWriter, r *http.Request) {
	var in coverage.GoalInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	g, err := h.cov.CreateGoalSet(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, g)
}

// GoalProgress returns every scope's values against its targets.
func (h *Handlers) GoalProgress(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	g, ps, err := h.cov.GoalProgress(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"goal_set": g, "progress": ps})
}

// SetGoalTarget changes one scope's target of one indicator.
func (h *Handlers) SetGoalTarget(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Indicator string  `json:"indicator"`
		OrgID     int64   `json:"org_id"`
		Target    float64 `json:"target"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.cov.SetTarget(r.Context(), api.Actor(r), id, in.Indicator, in.OrgID, in.Target); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.GoalProgress(w, r)
}
