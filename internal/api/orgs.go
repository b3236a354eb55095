package api

import (
	"net/http"

	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

func orgJSON(o org.Org) map[string]any {
	return map[string]any{"id": o.ID, "name": o.Name, "short_name": o.ShortName, "kind": o.Kind, "kind_confirmed": o.KindConfirmed,
		"category": o.Category, "level": o.Level, "parent_id": o.ParentID, "region_code": o.RegionCode, "territorial": o.Territorial,
		"status": o.Status, "founded_on": o.FoundedOn, "dissolved_on": o.DissolvedOn, "note": o.Note, "depth": o.Depth,
		"subtree_total": o.SubtreeTotal, "created_at": o.CreatedAt, "updated_at": o.UpdatedAt, "version": o.Version}
}

func (h *Handler) listOrgs(w http.ResponseWriter, r *http.Request, q org.ListQuery) {
	var err error
	if q.Limit, q.Offset, err = page(r); err != nil {
		h.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q.Q, q.Kind, q.Level, q.Category, q.Status, q.Sort = v.Get("q"), v.Get("kind"), v.Get("level"), v.Get("category"), v.Get("status"), v.Get("sort")
	q.RegionCode = v.Get("region_code")
	rows, total, err := h.Orgs.List(r.Context(), actorOf(r), q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	items := make([]map[string]any, 0, len(rows))
	for _, o := range rows {
		items = append(items, orgJSON(o))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "next_cursor": nextCursor(q.Offset, len(rows), total)})
}

// ListOrgs lists the organizations of the caller's scope: ?region_code=
// (exact division code), ?q= (name search), ?kind=, ?level=, ?status=.
func (h *Handler) ListOrgs(w http.ResponseWriter, r *http.Request) {
	h.listOrgs(w, r, org.ListQuery{})
}

// Children lists the direct children of an organization.
func (h *Handler) Children(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.listOrgs(w, r, org.ListQuery{Under: id, ChildrenOnly: true})
}

// GetOrg returns one organization.
func (h *Handler) GetOrg(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	o, err := h.Orgs.Get(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orgJSON(o))
}

// Stats returns the subtree statistics of an organization.
func (h *Handler) Stats(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	actor := actorOf(r)
	o, c, err := h.Orgs.Stats(r.Context(), actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	out := map[string]any{"org_id": o.ID, "orgs": c}
	// Each module adds its key when the caller may read it.
	if h.Coverage != nil {
		cov, err := h.Coverage.Totals(r.Context(), actor, o.ID)
		switch {
		case err == nil:
			out["coverage"] = coverage.Summarize(cov)
		case !errs.Is(err, errs.Forbidden):
			h.Fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// CreateOrg creates an organization under parent_id.
func (h *Handler) CreateOrg(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ParentID   int64  `json:"parent_id"`
		Name       string `json:"name"`
		ShortName  string `json:"short_name"`
		Kind       string `json:"kind"`
		Category   string `json:"category"`
		RegionCode string `json:"region_code"`
		FoundedOn  string `json:"founded_on"`
		Note       string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	o, err := h.Orgs.Create(r.Context(), actorOf(r), org.Input(in))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, orgJSON(o))
}

// PatchOrg changes the fields present in the body.
func (h *Handler) PatchOrg(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var p org.Patch
	if err := decode(w, r, &p); err != nil {
		h.Fail(w, r, err)
		return
	}
	o, err := h.Orgs.Update(r.Context(), actorOf(r), id, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orgJSON(o))
}

// MoveOrg puts an organization under a new parent.
func (h *Handler) MoveOrg(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in struct {
		ParentID int64 `json:"parent_id"`
		Version  *int  `json:"version"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	o, err := h.Orgs.MoveAt(r.Context(), actorOf(r), id, in.ParentID, in.Version)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orgJSON(o))
}

// DissolveOrg dissolves an organization.
func (h *Handler) DissolveOrg(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in struct {
		Date   string `json:"dissolved_on"`
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	o, err := h.Orgs.Dissolve(r.Context(), actorOf(r), id, in.Date, in.Reason)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orgJSON(o))
}
