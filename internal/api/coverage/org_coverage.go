package coverage

import (
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/api"
	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// OrgCoverage returns the coverage rates of an organization's subtree with the
// counts behind them, sliced by category, size class, child organization and,
// with ?slices=industry, industry.
func (h *Handlers) OrgCoverage(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	withIndustry := strings.Contains(r.URL.Query().Get("slices"), "industry")
	rt, err := h.cov.Rates(r.Context(), api.Actor(r), id, withIndustry)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	slice := func(m map[string]coverage.Counts) map[string]coverage.Summary {
		out := map[string]coverage.Summary{}
		for k, c := range m {
			out[k] = coverage.Summarize(c)
		}
		return out
	}
	children := []map[string]any{}
	for _, c := range rt.Children {
		children = append(children, map[string]any{"org_id": c.Org.ID, "name": c.Org.Name, "short_name": c.Org.ShortName, "region_code": c.Org.RegionCode,
			"coverage": coverage.Summarize(c.Counts)})
	}
	out := map[string]any{"org_id": rt.Org.ID, "total": coverage.Summarize(rt.Total), "by_category": slice(rt.ByCategory), "by_size": slice(rt.BySize), "children": children}
	if withIndustry {
		out["by_industry"] = slice(rt.ByIndustry)
	}
	h.k.JSON(w, r, http.StatusOK, out)
}

// CoverageTrend returns the month-end rates of the last ?months= (default 12) months.
func (h *Handlers) CoverageTrend(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	n := 12
	if s := r.URL.Query().Get("months"); s != "" {
		if n, err = strconv.Atoi(s); err != nil || n < 1 || n > 120 {
			h.k.Fail(w, r, errs.Field("months", "months 应为 1–120 的整数", "months must be an integer from 1 to 120"))
			return
		}
	}
	tr, err := h.cov.Trend(r.Context(), api.Actor(r), id, n)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if tr == nil {
		tr = []coverage.MonthRate{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"org_id": id, "months": tr})
}

// JointFlags lists the flagged joint branches of a subtree.
func (h *Handlers) JointFlags(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	fs, err := h.cov.JointFlags(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if fs == nil {
		fs = []coverage.JointFlag{}
	}
	lang := i18n.FromRequest(r)
	for i := range fs {
		fs[i] = fs[i].In(lang)
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": fs})
}
