package orgs

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

func orgJSON(o org.Org) map[string]any {
	return map[string]any{"id": o.ID, "name": o.Name, "short_name": o.ShortName, "kind": o.Kind, "kind_confirmed": o.KindConfirmed,
		"category": o.Category, "level": o.Level, "parent_id": o.ParentID, "region_code": o.RegionCode, "territorial": o.Territorial,
		"status": o.Status, "founded_on": o.FoundedOn, "dissolved_on": o.DissolvedOn, "note": o.Note, "depth": o.Depth,
		"subtree_total": o.SubtreeTotal, "created_at": o.CreatedAt, "updated_at": o.UpdatedAt, "version": o.Version}
}

func (h *Handlers) listOrgs(w http.ResponseWriter, r *http.Request, q org.ListQuery) {
	var err error
	if q.Limit, q.Offset, err = api.Page(r); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q.Q, q.Kind, q.Level, q.Category, q.Status, q.Sort = v.Get("q"), v.Get("kind"), v.Get("level"), v.Get("category"), v.Get("status"), v.Get("sort")
	q.RegionCode = v.Get("region_code")
	rows, total, err := h.orgs.List(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	ids := make([]int64, 0, len(rows))
	for _, o := range rows {
		ids = append(ids, o.ID)
	}
	paths, err := h.orgs.Paths(r.Context(), api.Actor(r), ids)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	items := make([]map[string]any, 0, len(rows))
	for _, o := range rows {
		item := orgJSON(o)
		item["path"] = append([]string{}, paths[o.ID]...)
		items = append(items, item)
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": items, "total": total, "next_cursor": api.NextCursor(q.Offset, len(rows), total)})
}

// ListOrgs lists the organizations of the caller's scope: ?region_code=
// (exact division code), ?q= (name search), ?kind=, ?level=, ?status=;
// each with its path, the ancestors the caller may read (one query for all).
func (h *Handlers) ListOrgs(w http.ResponseWriter, r *http.Request) {
	h.listOrgs(w, r, org.ListQuery{})
}

// Children lists the direct children of an organization.
func (h *Handlers) Children(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.listOrgs(w, r, org.ListQuery{Under: id, ChildrenOnly: true})
}

// GetOrg returns one organization.
func (h *Handlers) GetOrg(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.orgs.Get(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, orgJSON(o))
}

// Stats returns the subtree statistics of an organization, with each
// module's part that the caller may read.
func (h *Handlers) Stats(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	actor := api.Actor(r)
	o, c, err := h.orgs.Stats(r.Context(), actor, id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	out := map[string]any{"org_id": o.ID, "orgs": c}
	for _, st := range h.k.Stats() {
		v, err := st.Of(r.Context(), actor, o.ID)
		switch {
		case err == nil:
			out[st.Key] = v
		case !errs.Is(err, errs.Forbidden):
			h.k.Fail(w, r, err)
			return
		}
	}
	h.k.JSON(w, r, http.StatusOK, out)
}

// CreateOrg creates an organization under parent_id.
func (h *Handlers) CreateOrg(w http.ResponseWriter, r *http.Request) {
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
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.orgs.Create(r.Context(), api.Actor(r), org.Input(in))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, orgJSON(o))
}

// PatchOrg changes the fields present in the body.
func (h *Handlers) PatchOrg(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var p org.Patch
	if err := api.Decode(w, r, &p); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.orgs.Update(r.Context(), api.Actor(r), id, p)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, orgJSON(o))
}

// MoveOrg puts an organization under a new parent.
func (h *Handlers) MoveOrg(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		ParentID int64 `json:"parent_id"`
		Version  *int  `json:"version"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.orgs.MoveAt(r.Context(), api.Actor(r), id, in.ParentID, in.Version)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, orgJSON(o))
}

// DissolveOrg dissolves an organization.
func (h *Handlers) DissolveOrg(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Date   string `json:"dissolved_on"`
		Reason string `json:"reason"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	o, err := h.orgs.Dissolve(r.Context(), api.Actor(r), id, in.Date, in.Reason)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, orgJSON(o))
}
