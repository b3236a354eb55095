package programs

import (
	"net/http"

	"jiceng/internal/api"
	"jiceng/internal/module"
	"jiceng/internal/programs"
)

// The JSON handlers of the demonstration sites (示范点, M6): the list, a
// nomination with its materials, a site with its timeline and the
// organizations it leads, each step of its life, a file, the yearly quotas
// of the nominating units, the spread by year and unit, and the tree of a
// subtree with the sites marked.

// siteRoutes are the demonstration sites' API routes.
func (h *Handlers) siteRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/sites", module.API, h.ListSites),
		module.R("POST", "/api/v1/sites", module.API, h.Nominate),
		module.R("GET", "/api/v1/sites/spread", module.API, h.SiteSpread),
		module.R("GET", "/api/v1/sites/tree", module.API, h.SiteTree),
		module.R("GET", "/api/v1/sites/{id}", module.API, h.GetSite),
		module.R("POST", "/api/v1/sites/{id}/cultivate", module.API, h.SiteStep("cultivate")),
		module.R("POST", "/api/v1/sites/{id}/accept", module.API, h.SiteStep("accept")),
		module.R("POST", "/api/v1/sites/{id}/designate", module.API, h.SiteStep("designate")),
		module.R("POST", "/api/v1/sites/{id}/recheck", module.API, h.SiteStep("recheck")),
		module.R("POST", "/api/v1/sites/{id}/revoke", module.API, h.SiteStep("revoke")),
		module.R("POST", "/api/v1/sites/{id}/led", module.API, h.SiteStep("lead")),
		module.R("GET", "/api/v1/sites/{id}/files/{fid}", module.API, h.SiteFile),
		module.R("GET", "/api/v1/site-quotas", module.API, h.SiteQuotas),
		module.R("PUT", "/api/v1/site-quotas", module.API, h.SetSiteQuota),
	}
}

// ListSites lists the sites the caller reads, filtered like the list's
// page, a page at a time, with the count of each state and of the sites
// due for their re-check.
func (h *Handlers) ListSites(w http.ResponseWriter, r *http.Request) {
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
	unit, err := ctParam(v, "unit_id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	l, err := h.pg.Sites(r.Context(), api.Actor(r), programs.SiteQuery{Under: under, Unit: unit, Year: year, State: v.Get("state"), Flag: v.Get("flag"),
		Q: v.Get("q"), Sort: v.Get("sort"), Limit: limit, Offset: offset})
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": l.Items, "total": l.Total, "states": l.States, "recheck_due": l.Due,
		"next_cursor": api.NextCursor(offset, len(l.Items), l.Total)})
}

// Nominate nominates a site with its materials and files.
func (h *Handlers) Nominate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		programs.SiteInput
		Attachments attachments `json:"attachments"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	in.Files = in.Attachments.files()
	x, err := h.pg.Nominate(r.Context(), api.Actor(r), in.SiteInput)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, x)
}

// GetSite returns a site with its timeline and the organizations it leads.
func (h *Handlers) GetSite(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	x, err := h.pg.Site(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, x)
}

// SiteStep takes the step of the path and answers the site.
func (h *Handlers) SiteStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := api.PathID(r, "id")
		if err != nil {
			h.k.Fail(w, r, err)
			return
		}
		ctx, actor := r.Context(), api.Actor(r)
		var x programs.Site
		switch step {
		case "cultivate":
			var in programs.SiteNoteInput
			if err = api.Decode(w, r, &in); err == nil {
				x, err = h.pg.Cultivate(ctx, actor, id, in)
			}
		case "accept":
			var in struct {
				programs.SiteAcceptInput
				Attachments attachments `json:"attachments"`
			}
			if err = api.Decode(w, r, &in); err == nil {
				in.Files = in.Attachments.files()
				x, err = h.pg.AcceptSite(ctx, actor, id, in.SiteAcceptInput)
			}
		case "designate":
			var in programs.SiteDesignateInput
			if err = api.Decode(w, r, &in); err == nil {
				x, err = h.pg.Designate(ctx, actor, id, in)
			}
		case "recheck":
			var in programs.SiteRecheckInput
			if err = api.Decode(w, r, &in); err == nil {
				x, err = h.pg.Recheck(ctx, actor, id, in)
			}
		case "revoke":
			var in programs.SiteRevokeInput
			if err = api.Decode(w, r, &in); err == nil {
				x, err = h.pg.RevokeSite(ctx, actor, id, in)
			}
		default:
			var in programs.SiteLedInput
			if err = api.Decode(w, r, &in); err == nil {
				x, err = h.pg.AddLed(ctx, actor, id, in)
			}
		}
		if err != nil {
			h.k.Fail(w, r, err)
			return
		}
		h.k.JSON(w, r, http.StatusOK, x)
	}
}

// SiteFile sends a file of a site as a download.
func (h *Handlers) SiteFile(w http.ResponseWriter, r *http.Request) {
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
	f, err := h.pg.SiteFile(r.Context(), api.Actor(r), id, fid)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	sendFile(w, f.Name, f.MIME, f.Data)
}

// SiteQuotas lists the quotas of a year of the nominating units the
// caller reads.
func (h *Handlers) SiteQuotas(w http.ResponseWriter, r *http.Request) {
	under, year, err := ctOrgYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	qs, err := h.pg.SiteQuotas(r.Context(), api.Actor(r), under, year)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if qs == nil {
		qs = []programs.SiteQuota{}
	}
	if year == 0 {
		year = h.pg.Today().Year()
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"year": year, "items": qs})
}

// SetSiteQuota sets a nominating unit's quota for a year.
func (h *Handlers) SetSiteQuota(w http.ResponseWriter, r *http.Request) {
	var in programs.SiteQuotaInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	q, err := h.pg.SetSiteQuota(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, q)
}

// SiteSpread counts the sites in force and the organizations they lead,
// year by year and by nominating unit.
func (h *Handlers) SiteSpread(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	under, err := ctParam(v, "org_id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	from, err := ctParam(v, "from")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	to, err := ctParam(v, "to")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	sp, err := h.pg.SiteSpreadOf(r.Context(), api.Actor(r), under, int(from), int(to))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, sp)
}

// SiteTree is a subtree pruned to the sites of a year and the
// organizations they lead.
func (h *Handlers) SiteTree(w http.ResponseWriter, r *http.Request) {
	under, year, err := ctOrgYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	tr, err := h.pg.SiteTreeOf(r.Context(), api.Actor(r), under, year)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if tr.Nodes == nil {
		tr.Nodes = []programs.SiteNode{}
	}
	h.k.JSON(w, r, http.StatusOK, tr)
}
