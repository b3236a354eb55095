package coverage

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/coverage"
)

// CoverageSettings returns the coverage settings to anyone who may read units.
func (h *Handlers) CoverageSettings(w http.ResponseWriter, r *http.Request) {
	st, err := h.cov.ReadSettings(r.Context(), api.Actor(r))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, settingsJSON(st))
}

func settingsJSON(st coverage.Settings) map[string]int {
	return map[string]int{"size_employees": st.SizeEmployees, "joint_max_units": st.JointMaxUnits}
}

// SetCoverageSettings changes the coverage settings (administrators only).
func (h *Handlers) SetCoverageSettings(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SizeEmployees int `json:"size_employees"`
		JointMaxUnits int `json:"joint_max_units"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	st, err := h.cov.SetSettings(r.Context(), api.Actor(r), coverage.Settings{SizeEmployees: in.SizeEmployees, JointMaxUnits: in.JointMaxUnits})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, settingsJSON(st))
}
