package evaluation

import (
	"context"
	"net/http"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/api"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
)

var campaignStatuses = map[string]bool{
	evaluation.StatusDraft: true, evaluation.StatusOpen: true, evaluation.StatusClosed: true, evaluation.StatusPublished: true,
}

// ListCampaigns lists the campaigns the caller may read, ?org_id= (owner
// subtree), ?year= and ?status= filtering.
func (h *Handlers) ListCampaigns(w http.ResponseWriter, r *http.Request) {
	if err := h.eval.CheckReadAnywhere(api.Actor(r)); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := evaluation.CampaignQuery{Status: v.Get("status"), Limit: limit, Offset: offset}
	if s := v.Get("org_id"); s != "" {
		if q.Under, err = strconv.ParseInt(s, 10, 64); err != nil {
			h.k.Fail(w, r, api.IntField("org_id"))
			return
		}
	}
	if s := v.Get("year"); s != "" {
		if q.Year, err = strconv.Atoi(s); err != nil {
			h.k.Fail(w, r, api.IntField("year"))
			return
		}
	}
	if q.Status != "" && !campaignStatuses[q.Status] {
		h.k.Fail(w, r, errs.Field("status", "status 应为 draft、open、closed 或 published", "status must be draft, open, closed or published"))
		return
	}
	rows, total, err := h.eval.List(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []evaluation.Campaign{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": api.NextCursor(offset, len(rows), total)})
}

// CreateCampaign creates a draft campaign, its rules given in full or taken
// from a template.
func (h *Handlers) CreateCampaign(w http.ResponseWriter, r *http.Request) {
	var in struct {
		evaluation.CampaignInput
		Template string `json:"template"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	// The owner comes before the rest of the input (the domain checks it
	// again when it creates the campaign).
	if _, err := h.eval.CheckOwner(r.Context(), api.Actor(r), in.OwnerOrgID); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if in.Template != "" {
		tpl, ok := evaluation.TemplateByKey(in.Template)
		if !ok {
			h.k.Fail(w, r, errs.Field("template", "模板应为 village_secretary（村（社区）党组织书记述职评议）或 qianqi（千企议科长）",
				"the template must be village_secretary or qianqi"))
			return
		}
		if len(in.Rules.Indicators) > 0 || len(in.Rules.Groups) > 0 {
			h.k.Fail(w, r, errs.Field("rules", "使用模板时请不要同时填写 rules", "give either a template or rules, not both"))
			return
		}
		in.Rules = tpl.Rules()
		if in.Type == "" {
			in.Type = tpl.Type
		}
	}
	c, err := h.eval.CreateCampaign(r.Context(), api.Actor(r), in.CampaignInput)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, c)
}

// GetCampaign returns one campaign with its rules.
func (h *Handlers) GetCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.eval.Get(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// SetCampaignRules replaces the rules of a draft campaign.
func (h *Handlers) SetCampaignRules(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	// The rules, and optionally the campaign version they were edited from:
	// a stale version is refused with 409 instead of overwriting.
	var body struct {
		evaluation.Rules
		Version *int `json:"version"`
	}
	if err := api.Decode(w, r, &body); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.eval.UpdateRulesAt(r.Context(), api.Actor(r), id, body.Rules, body.Version)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// CampaignSubjects lists a campaign's subjects.
func (h *Handlers) CampaignSubjects(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	subs, err := h.eval.Subjects(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if subs == nil {
		subs = []evaluation.Subject{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": subs})
}

// AddCampaignSubjects adds subjects to a draft campaign; all or none.
func (h *Handlers) AddCampaignSubjects(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Subjects []evaluation.SubjectInput `json:"subjects"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	subs, err := h.eval.AddSubjects(r.Context(), api.Actor(r), id, in.Subjects)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, map[string]any{"items": subs})
}

// campaignStep answers one status change (open, close or publish) with the campaign after it.
func (h *Handlers) campaignStep(w http.ResponseWriter, r *http.Request, step func(context.Context, access.Actor, int64) (evaluation.Campaign, error)) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := step(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// OpenCampaign starts accepting ballots and freezes the rules. An optional
// body {"version": N} names the campaign as the client last read it: if its
// rules, subjects or files changed since, it does not open (409).
func (h *Handlers) OpenCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Version *int `json:"version"`
	}
	if r.ContentLength != 0 {
		if err := api.Decode(w, r, &in); err != nil {
			h.k.Fail(w, r, err)
			return
		}
	}
	c, err := h.eval.OpenAt(r.Context(), api.Actor(r), id, in.Version)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// CloseCampaign stops accepting ballots and counts every ballot cast.
func (h *Handlers) CloseCampaign(w http.ResponseWriter, r *http.Request) {
	h.campaignStep(w, r, h.eval.Close)
}

// PublishCampaign computes and freezes the results of a closed campaign.
func (h *Handlers) PublishCampaign(w http.ResponseWriter, r *http.Request) {
	h.campaignStep(w, r, h.eval.Publish)
}

// IssueTokens creates ballot codes for a rater group. The codes are in this
// answer only: the platform keeps nothing from which to show them again.
func (h *Handlers) IssueTokens(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Group string `json:"group"`
		Count int    `json:"count"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	codes, err := h.eval.IssueTokens(r.Context(), api.Actor(r), id, in.Group, in.Count)
	if err != nil {
		if e := errs.As(err); e.Field == "n" {
			c := *e
			c.Field = "count"
			err = &c
		}
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, map[string]any{"codes": codes})
}

// RevokeToken withdraws an unused ballot code.
func (h *Handlers) RevokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Code string `json:"code"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.eval.RevokeToken(r.Context(), api.Actor(r), id, in.Code); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// CampaignResults returns the results of a closed campaign, frozen once
// published; before the close the domain answers 409 and no score.
func (h *Handlers) CampaignResults(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	res, err := h.eval.Results(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, res)
}

// CampaignFlags lists the subjects graded lowest or vetoed, once closed.
func (h *Handlers) CampaignFlags(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	subs, err := h.eval.Flags(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": subs})
}

// CampaignComments returns the voters' comments (意见建议) of a closed
// campaign per rater group, under the rules of the results page: 409 before
// the close, a group below k with shown false, ballots 0 and no comments
// (no figure of such a group is given anywhere), and each group's comments
// in a new random order on every read.
func (h *Handlers) CampaignComments(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	groups, err := h.eval.Comments(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": groups})
}
