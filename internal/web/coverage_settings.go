package web

import (
	"net/http"
	"strconv"

	"jiceng/internal/coverage"
	"jiceng/internal/i18n"
)

// CoverageSettingsForm shows the coverage settings; administrators may
// change them, whoever may read units sees what the figures are based on.
func (h *Handler) CoverageSettingsForm(w http.ResponseWriter, r *http.Request) {
	p := h.page(r, "coverage", i18n.T(i18n.FromRequest(r), "covset.title"))
	st, err := h.Coverage.ReadSettings(r.Context(), actorOf(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Form.Set("size_employees", strconv.Itoa(st.SizeEmployees))
	p.Form.Set("joint_max_units", strconv.Itoa(st.JointMaxUnits))
	p.Data = map[string]any{"CanEdit": actorOf(r).IsAdmin()}
	h.render(w, r, http.StatusOK, "coverage_settings", "layout", p)
}

// CoverageSettings saves the settings.
func (h *Handler) CoverageSettings(w http.ResponseWriter, r *http.Request) {
	p := h.page(r, "coverage", i18n.T(i18n.FromRequest(r), "covset.title"))
	r.ParseForm()
	p.Form = r.PostForm
	p.Data = map[string]any{"CanEdit": actorOf(r).IsAdmin()}
	size, err1 := strconv.Atoi(r.PostForm.Get("size_employees"))
	joint, err2 := strconv.Atoi(r.PostForm.Get("joint_max_units"))
	if err1 != nil {
		size = -1
	}
	if err2 != nil {
		joint = -1
	}
	if _, err := h.Coverage.SetSettings(r.Context(), actorOf(r), coverage.Settings{SizeEmployees: size, JointMaxUnits: joint}); err != nil {
		h.formError(w, r, p, "coverage_settings", err)
		return
	}
	h.redirect(w, r, "/coverage/settings", "ok", i18n.T(p.Lang, "covset.saved"))
}
