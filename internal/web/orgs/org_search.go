package orgs

import (
	"net/http"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// OrgSearch lists the organizations of the user's scope, searchable by name
// or division code and filtered by kind, level and status.
func (h *Pages) OrgSearch(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "search", h.T(i18n.FromRequest(r), "search.title"))
	v := r.URL.Query()
	// A search shows its best matches first unless another order is asked.
	def := "code"
	if strings.TrimSpace(v.Get("q")) != "" {
		def = "relevance"
	}
	l := web.ListFrom(r, def)
	q := org.ListQuery{Q: l.Q, Kind: v.Get("kind"), Level: v.Get("level"), Status: v.Get("status"), Unconfirmed: v.Get("unconfirmed") == "1",
		Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}
	rows, total, err := h.Orgs.List(r.Context(), web.Actor(r), q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = total
	p.Form = v
	ids := make([]int64, len(rows))
	for i, o := range rows {
		ids[i] = o.ID
	}
	paths, err := h.Orgs.Paths(r.Context(), web.Actor(r), ids)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Data = map[string]any{"Rows": rows, "List": l, "Paths": paths}
	h.render(w, r, http.StatusOK, "org_search", "layout", p)
}
