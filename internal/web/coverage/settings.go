package coverage

import (
	"net/http"
	"strconv"

	"jiceng/internal/coverage"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
)

// CoverageSettingsForm shows the coverage settings; administrators may
// change them, whoever may read units sees what the figures are based on.
func (h *Pages) CoverageSettingsForm(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "coverage", h.T(i18n.FromRequest(r), "covset.title"))
	st, err := h.cov.ReadSettings(r.Context(), web.Actor(r))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Form.Set("size_employees", strconv.Itoa(st.SizeEmployees))
	p.Form.Set("joint_max_units", strconv.Itoa(st.JointMaxUnits))
	p.Data = map[string]any{"CanEdit": web.Actor(r).IsAdmin()}
	h.render(w, r, http.StatusOK, "coverage_settings", "layout", p)
}

// CoverageSettings saves the settings.
func (h *Pages) CoverageSettings(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "coverage", h.T(i18n.FromRequest(r), "covset.title"))
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	p.Data = map[string]any{"CanEdit": web.Actor(r).IsAdmin()}
	size, err1 := strconv.Atoi(r.PostForm.Get("size_employees"))
	joint, err2 := strconv.Atoi(r.PostForm.Get("joint_max_units"))
	if err1 != nil {
		size = -1
	}
	if err2 != nil {
		joint = -1
	}
	if _, err := h.cov.SetSettings(r.Context(), web.Actor(r), coverage.Settings{SizeEmployees: size, JointMaxUnits: joint}); err != nil {
		h.FormError(w, r, h.tmpl, p, "coverage_settings", err)
		return
	}
	h.Redirect(w, r, "/coverage/settings", "ok", h.T(p.Lang, "covset.saved"))
}
