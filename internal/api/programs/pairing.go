package programs

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/cases"
	"jiceng/internal/module"
	"jiceng/internal/programs"
)

// The JSON handlers of the pairings (结对共建, M7): the pairings of a year,
// a pairing with its commitments and deliveries, pairing two
// organizations, adding a commitment, recording a delivery with its
// evidence, a file of the evidence, and the totals by county.

// pairingRoutes are the pairings' API routes.
func (h *Handlers) pairingRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/pairings", module.API, h.ListPairings),
		module.R("POST", "/api/v1/pairings", module.API, h.CreatePairing),
		module.R("GET", "/api/v1/pairings/totals", module.API, h.PairingTotals),
		module.R("GET", "/api/v1/pairings/{id}", module.API, h.GetPairing),
		module.R("POST", "/api/v1/pairings/{id}/commitments", module.API, h.AddCommitment),
		module.R("POST", "/api/v1/pairings/{id}/completions", module.API, h.RecordCompletion),
		module.R("GET", "/api/v1/pairings/{id}/files/{fid}", module.API, h.PairingFile),
	}
}

// ListPairings lists the pairings running in a year that the caller reads,
// each with the year's commitments and rate, and the sums of the list.
func (h *Handlers) ListPairings(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	under, year, err := ctOrgYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	l, err := h.pg.Pairings(r.Context(), api.Actor(r), programs.PairingQuery{Under: under, Year: year, Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"year": l.Year, "items": l.Items, "total": l.Total, "sum": l.Sum, "next_cursor": api.NextCursor(offset, len(l.Items), l.Total)})
}

// CreatePairing pairs an agency's organization with a grassroots one.
func (h *Handlers) CreatePairing(w http.ResponseWriter, r *http.Request) {
	var in programs.PairingInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.pg.CreatePairing(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, p)
}

// prPath reads the pairing of the path and ?year=.
func prPath(r *http.Request) (int64, int, error) {
	id, err := api.PathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	year, err := ctParam(r.URL.Query(), "year")
	return id, int(year), err
}

// GetPairing returns a pairing with every commitment and delivery, and the
// figures of ?year= (this year by default).
func (h *Handlers) GetPairing(w http.ResponseWriter, r *http.Request) {
	id, year, err := prPath(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.pg.Pairing(r.Context(), api.Actor(r), id, year)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, p)
}

// AddCommitment adds a year's commitment and answers the pairing.
func (h *Handlers) AddCommitment(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in programs.CommitmentInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.pg.AddCommitment(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, p)
}

// completionBody is a delivery with its files in base64; the API's body
// cap (1 MB) bounds them, larger files go through the pairing's page.
type completionBody struct {
	programs.CompletionInput
	Attachments []struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	} `json:"attachments"`
}

// RecordCompletion records a delivery against a commitment and answers the
// pairing.
func (h *Handlers) RecordCompletion(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var body completionBody
	if err := api.Decode(w, r, &body); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	in := body.CompletionInput
	in.Files = nil
	for _, a := range body.Attachments {
		in.Files = append(in.Files, cases.NamedFile{Name: a.Name, Data: a.Data})
	}
	p, err := h.pg.RecordCompletion(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, p)
}

// PairingFile sends a file of a delivery's evidence as a download.
func (h *Handlers) PairingFile(w http.ResponseWriter, r *http.Request) {
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
	f, err := h.pg.PairingFileOf(r.Context(), api.Actor(r), id, fid)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	sendFile(w, f.Name, f.MIME, f.Data)
}

// PairingTotals sums the pairings of a year under each child of org_id.
func (h *Handlers) PairingTotals(w http.ResponseWriter, r *http.Request) {
	under, year, err := ctOrgYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, sum, err := h.pg.PairingTotals(r.Context(), api.Actor(r), under, year)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []programs.PairingTotal{}
	}
	if year == 0 {
		year = h.pg.Today().Year()
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"year": year, "items": rows, "total": sum})
}
