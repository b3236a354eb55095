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

// The JSON handlers of the rectification of weak organizations (M4): the
// ledger, the identification of a year's candidates, a candidate named by
// hand, a case with its evidence and timeline, each step of its life, an
// attachment, and the public accountability page's content.

// rectRoutes are the rectification's API routes.
func (h *Handlers) rectRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/rectification", module.API, h.ListRect),
		module.R("POST", "/api/v1/rectification", module.API, h.AddCandidate),
		module.R("POST", "/api/v1/rectification/identify", module.API, h.Identify),
		module.R("GET", "/api/v1/rectification/{id}", module.API, h.GetRect),
		module.R("POST", "/api/v1/rectification/{id}/decide", module.API, h.RectStep("decide")),
		module.R("POST", "/api/v1/rectification/{id}/plan", module.API, h.RectStep("plan")),
		module.R("POST", "/api/v1/rectification/{id}/progress", module.API, h.RectStep("progress")),
		module.R("POST", "/api/v1/rectification/{id}/accept", module.API, h.RectStep("accept")),
		module.R("POST", "/api/v1/rectification/{id}/close", module.API, h.RectStep("close")),
		module.R("GET", "/api/v1/rectification/{id}/files/{fid}", module.API, h.RectFile),
		module.R("GET", "/api/v1/public/accountability/{id}", module.Public, h.PublicRect),
	}
}

// ListRect lists the cases the caller reads, filtered like the ledger's
// page, a page at a time, with the count of each state and flag.
func (h *Handlers) ListRect(w http.ResponseWriter, r *http.Request) {
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
	l, err := h.pg.RectCases(r.Context(), api.Actor(r), programs.RectQuery{Under: under, Year: year, State: v.Get("state"), Reason: v.Get("reason"),
		Flag: v.Get("flag"), Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": l.Rects, "total": l.Total, "states": l.States, "flags": l.Flags,
		"next_cursor": api.NextCursor(offset, len(l.Rects), l.Total)})
}

// Identify names a year's candidates in a subtree.
func (h *Handlers) Identify(w http.ResponseWriter, r *http.Request) {
	var in struct {
		OrgID int64 `json:"org_id"`
		Year  int   `json:"year"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	res, err := h.pg.Identify(r.Context(), api.Actor(r), in.OrgID, in.Year)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, res)
}

// AddCandidate names a candidate by the department's judgement.
func (h *Handlers) AddCandidate(w http.ResponseWriter, r *http.Request) {
	var in programs.CandidateInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.pg.AddCandidate(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, c)
}

// GetRect returns a case with its evidence and timeline.
func (h *Handlers) GetRect(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.pg.Rect(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// attachments are files in base64; the API's body cap (1 MB) bounds them,
// larger files go through the case's page.
type attachments []struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

func (a attachments) files() []cases.NamedFile {
	var out []cases.NamedFile
	for _, f := range a {
		out = append(out, cases.NamedFile{Name: f.Name, Data: f.Data})
	}
	return out
}

// RectStep takes the step of the path and answers the case.
func (h *Handlers) RectStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := api.PathID(r, "id")
		if err != nil {
			h.k.Fail(w, r, err)
			return
		}
		ctx, actor := r.Context(), api.Actor(r)
		var c programs.Rect
		switch step {
		case "decide":
			var in programs.DecideInput
			if err = api.Decode(w, r, &in); err == nil {
				c, err = h.pg.Decide(ctx, actor, id, in)
			}
		case "plan":
			var in programs.PlanInput
			if err = api.Decode(w, r, &in); err == nil {
				c, err = h.pg.Plan(ctx, actor, id, in)
			}
		case "progress":
			var in struct {
				programs.ProgressInput
				Attachments attachments `json:"attachments"`
			}
			if err = api.Decode(w, r, &in); err == nil {
				in.Files = in.Attachments.files()
				c, err = h.pg.Progress(ctx, actor, id, in.ProgressInput)
			}
		case "accept":
			var in struct {
				programs.AcceptInput
				Attachments attachments `json:"attachments"`
			}
			if err = api.Decode(w, r, &in); err == nil {
				in.Files = in.Attachments.files()
				c, err = h.pg.Accept(ctx, actor, id, in.AcceptInput)
			}
		default:
			var in programs.CloseInput
			if err = api.Decode(w, r, &in); err == nil {
				c, err = h.pg.Close(ctx, actor, id, in)
			}
		}
		if err != nil {
			h.k.Fail(w, r, err)
			return
		}
		h.k.JSON(w, r, http.StatusOK, c)
	}
}

// RectFile sends an attachment of a case as a download.
func (h *Handlers) RectFile(w http.ResponseWriter, r *http.Request) {
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
	f, err := h.pg.RectFile(r.Context(), api.Actor(r), id, fid)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	sendFile(w, f.Name, f.MIME, f.Data)
}

// PublicRect is the content of an organization's accountability page, for
// anyone: its state and measures, never a person.
func (h *Handlers) PublicRect(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.pg.PublicRect(r.Context(), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.k.JSON(w, r, http.StatusOK, p)
}

// sendFile sends a stored attachment as a download under its own name; its
// type is the one sniffed when it was stored, and no-sniff keeps it so.
func sendFile(w http.ResponseWriter, name, mime string, data []byte) {
	hd := w.Header()
	hd.Set("Content-Type", mime)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Disposition", xlsx.Disposition("attachment", name, "attachment"))
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data) // a client that went away has nothing to be told
}
