package programs

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/cases"
	"jiceng/internal/module"
	"jiceng/internal/programs"
	"jiceng/internal/xlsx"
)

// The venues' (阵地, M3) JSON handlers: the compliance list, one
// organization's venue and its photos, and the standards.

// venueRoutes are the venues' API routes.
func (h *Handlers) venueRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/venues", module.API, h.ListVenues),
		module.R("GET", "/api/v1/orgs/{id}/venue", module.API, h.GetVenue),
		module.R("PUT", "/api/v1/orgs/{id}/venue", module.API, h.PutVenue),
		module.R("GET", "/api/v1/orgs/{id}/venue/photos", module.API, h.ListVenuePhotos),
		module.R("POST", "/api/v1/orgs/{id}/venue/photos", module.API, h.AddVenuePhotos),
		module.R("GET", "/api/v1/orgs/{id}/venue/photos/{fid}", module.API, h.GetVenuePhoto),
		module.R("DELETE", "/api/v1/orgs/{id}/venue/photos/{fid}", module.API, h.DeleteVenuePhoto),
		module.R("GET", "/api/v1/orgs/{id}/venue-standards", module.API, h.GetVenueStandards),
		module.R("PUT", "/api/v1/orgs/{id}/venue-standards/{kind}", module.API, h.PutVenueStandard),
		module.R("DELETE", "/api/v1/orgs/{id}/venue-standards/{kind}", module.API, h.DeleteVenueStandard),
	}
}

// ListVenues lists the villages and communities of the caller's scope (or
// of ?org_id=) with their venues checked against their standards, a page
// at a time, with the counts of the whole list.
func (h *Handlers) ListVenues(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := programs.VenueQuery{Kind: v.Get("kind"), Status: v.Get("status"), Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset}
	if s := v.Get("org_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.k.Fail(w, r, api.IntField("org_id"))
			return
		}
		q.Under = id
	}
	l, err := h.pg.VenueCompliance(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": l.Rows, "total": l.Total, "counts": l.Counts, "by_child": l.Parts,
		"next_cursor": api.NextCursor(offset, len(l.Rows), l.Total)})
}

// GetVenue returns an organization's venue (null when none is recorded)
// with the standard that applies and the check against it.
func (h *Handlers) GetVenue(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v, err := h.pg.Venue(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, v)
}

// PutVenue records or changes an organization's venue; a version that is
// no longer current is a conflict.
func (h *Handlers) PutVenue(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in programs.VenueInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v, err := h.pg.SaveVenue(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, v)
}

// ListVenuePhotos lists the photos of an organization's venue.
func (h *Handlers) ListVenuePhotos(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v, err := h.pg.Venue(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	photos := []programs.VenuePhoto{}
	if v.Venue != nil {
		photos = v.Venue.Photos
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": photos, "total": len(photos)})
}

// photosBody is an upload of photos in base64; the API's body cap (1 MB)
// bounds them, larger photos go through the venue's page.
type photosBody struct {
	Photos []struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	} `json:"photos"`
}

// AddVenuePhotos adds photos to an organization's venue.
func (h *Handlers) AddVenuePhotos(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var body photosBody
	if err := api.Decode(w, r, &body); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	files := make([]cases.NamedFile, 0, len(body.Photos))
	for _, p := range body.Photos {
		files = append(files, cases.NamedFile{Name: p.Name, Data: p.Data})
	}
	added, err := h.pg.AddVenuePhotos(r.Context(), api.Actor(r), id, files)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, map[string]any{"items": added})
}

// GetVenuePhoto sends a photo's bytes.
func (h *Handlers) GetVenuePhoto(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	fid, err := api.PathID(r, "fid")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	ph, err := h.pg.VenuePhotoFile(r.Context(), api.Actor(r), id, fid)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", ph.MIME)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Disposition", xlsx.Disposition("attachment", ph.Name, "photo"))
	hd.Set("Content-Length", strconv.Itoa(len(ph.Data)))
	hd.Set("Cache-Control", "private, no-store")
	if _, err := w.Write(ph.Data); err != nil {
		h.k.Log(r, "api answer cut short", err)
	}
}

// DeleteVenuePhoto removes a photo of an organization's venue.
func (h *Handlers) DeleteVenuePhoto(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	fid, err := api.PathID(r, "fid")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.pg.DeleteVenuePhoto(r.Context(), api.Actor(r), id, fid); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// GetVenueStandards returns the standards that apply at an organization
// and those set on it and below it.
func (h *Handlers) GetVenueStandards(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v, err := h.pg.VenueStandards(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, v)
}

// standardBody is a standard as the API sets it; the organization and
// the kind are in the path.
type standardBody struct {
	MinArea   int      `json:"min_area"`
	Functions []string `json:"functions"`
}

// PutVenueStandard sets the standard of a kind on a county or a city.
func (h *Handlers) PutVenueStandard(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in standardBody
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	st, err := h.pg.SetVenueStandard(r.Context(), api.Actor(r), programs.VenueStandardInput{OrgID: id, Kind: r.PathValue("kind"), MinArea: in.MinArea, Functions: in.Functions})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, st)
}

// DeleteVenueStandard removes the standard of a kind a county or a city
// set.
func (h *Handlers) DeleteVenueStandard(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.pg.ClearVenueStandard(r.Context(), api.Actor(r), id, r.PathValue("kind")); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
