package api

import (
	"context"
	"net/http"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/clientip"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/ratelimit"
)

// Rule templates a campaign may be created from instead of spelling out its rules.
var ruleTemplates = map[string]func() evaluation.Rules{
	"village_secretary": evaluation.TemplateVillageSecretary,
	"qianqi":            evaluation.TemplateQianQiYiKeZhang,
}

var campaignStatuses = map[string]bool{
	evaluation.StatusDraft: true, evaluation.StatusOpen: true, evaluation.StatusClosed: true, evaluation.StatusPublished: true,
}

// ListCampaigns lists the campaigns the caller may read, ?org_id= (owner
// subtree), ?year= and ?status= filtering.
func (h *Handler) ListCampaigns(w http.ResponseWriter, r *http.Request) {
	if err := h.Eval.CheckReadAnywhere(actorOf(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	limit, offset, err := page(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := evaluation.CampaignQuery{Status: v.Get("status"), Limit: limit, Offset: offset}
	if s := v.Get("org_id"); s != "" {
		if q.Under, err = strconv.ParseInt(s, 10, 64); err != nil {
			h.Fail(w, r, errFieldInt("org_id"))
			return
		}
	}
	if s := v.Get("year"); s != "" {
		if q.Year, err = strconv.Atoi(s); err != nil {
			h.Fail(w, r, errFieldInt("year"))
			return
		}
	}
	if q.Status != "" && !campaignStatuses[q.Status] {
		h.Fail(w, r, errs.Field("status", "status 应为 draft、open、closed 或 published", "status must be draft, open, closed or published"))
		return
	}
	rows, total, err := h.Eval.List(r.Context(), actorOf(r), q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []evaluation.Campaign{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": nextCursor(offset, len(rows), total)})
}

// CreateCampaign creates a draft campaign, its rules given in full or taken
// from a template.
func (h *Handler) CreateCampaign(w http.ResponseWriter, r *http.Request) {
	var in struct {
		evaluation.CampaignInput
		Template string `json:"template"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	// The owner comes before the rest of the input (the domain checks it
	// again when it creates the campaign).
	if _, err := h.Eval.CheckOwner(r.Context(), actorOf(r), in.OwnerOrgID); err != nil {
		h.Fail(w, r, err)
		return
	}
	if in.Template != "" {
		tpl, ok := ruleTemplates[in.Template]
		if !ok {
			h.Fail(w, r, errs.Field("template", "模板应为 village_secretary（村（社区）党组织书记述职评议）或 qianqi（千企议科长）",
				"the template must be village_secretary or qianqi"))
			return
		}
		if len(in.Rules.Indicators) > 0 || len(in.Rules.Groups) > 0 {
			h.Fail(w, r, errs.Field("rules", "使用模板时请不要同时填写 rules", "give either a template or rules, not both"))
			return
		}
		in.Rules = tpl()
		if in.Type == "" {
			in.Type = in.Rules.Type
		}
	}
	c, err := h.Eval.CreateCampaign(r.Context(), actorOf(r), in.CampaignInput)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

// GetCampaign returns one campaign with its rules.
func (h *Handler) GetCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	c, err := h.Eval.Get(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// SetCampaignRules replaces the rules of a draft campaign.
func (h *Handler) SetCampaignRules(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	// The rules, and optionally the campaign version they were edited from:
	// a stale version is refused with 409 instead of overwriting.
	var body struct {
		evaluation.Rules
		Version *int `json:"version"`
	}
	if err := decode(w, r, &body); err != nil {
		h.Fail(w, r, err)
		return
	}
	c, err := h.Eval.UpdateRulesAt(r.Context(), actorOf(r), id, body.Rules, body.Version)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// CampaignSubjects lists a campaign's subjects.
func (h *Handler) CampaignSubjects(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	subs, err := h.Eval.Subjects(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if subs == nil {
		subs = []evaluation.Subject{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": subs})
}

// AddCampaignSubjects adds subjects to a draft campaign; all or none.
func (h *Handler) AddCampaignSubjects(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in struct {
		Subjects []evaluation.SubjectInput `json:"subjects"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	subs, err := h.Eval.AddSubjects(r.Context(), actorOf(r), id, in.Subjects)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"items": subs})
}

// campaignStep answers one status change (open, close or publish) with the campaign after it.
func (h *Handler) campaignStep(w http.ResponseWriter, r *http.Request, step func(context.Context, access.Actor, int64) (evaluation.Campaign, error)) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	c, err := step(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// OpenCampaign starts accepting ballots and freezes the rules. An optional
// body {"version": N} names the campaign as the client last read it: if its
// rules, subjects or files changed since, it does not open (409).
func (h *Handler) OpenCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in struct {
		Version *int `json:"version"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, &in); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	c, err := h.Eval.OpenAt(r.Context(), actorOf(r), id, in.Version)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// CloseCampaign stops accepting ballots and counts every ballot cast.
func (h *Handler) CloseCampaign(w http.ResponseWriter, r *http.Request) {
	h.campaignStep(w, r, h.Eval.Close)
}

// PublishCampaign computes and freezes the results of a closed campaign.
func (h *Handler) PublishCampaign(w http.ResponseWriter, r *http.Request) {
	h.campaignStep(w, r, h.Eval.Publish)
}

// IssueTokens creates ballot codes for a rater group. The codes are in this
// answer only: the platform keeps nothing from which to show them again.
func (h *Handler) IssueTokens(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in struct {
		Group string `json:"group"`
		Count int    `json:"count"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	codes, err := h.Eval.IssueTokens(r.Context(), actorOf(r), id, in.Group, in.Count)
	if err != nil {
		if e := errs.As(err); e.Field == "n" {
			c := *e
			c.Field = "count"
			err = &c
		}
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"codes": codes})
}

// RevokeToken withdraws an unused ballot code.
func (h *Handler) RevokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var in struct {
		Code string `json:"code"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	if err := h.Eval.RevokeToken(r.Context(), actorOf(r), id, in.Code); err != nil {
		h.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// CampaignResults returns the results of a closed campaign, frozen once
// published; before the close the domain answers 409 and no score.
func (h *Handler) CampaignResults(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	res, err := h.Eval.Results(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// CampaignFlags lists the subjects graded lowest or vetoed, once closed.
func (h *Handler) CampaignFlags(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	subs, err := h.Eval.Flags(r.Context(), actorOf(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": subs})
}

// publicHeaders keeps a public ballot exchange out of referrers and caches.
func publicHeaders(w http.ResponseWriter) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
}

// BallotLimitKey is the rate-limit key of ballot code entries from one
// client, shared by the API and the pages; it lives in memory only.
func BallotLimitKey(r *http.Request) string {
	return "ballot:" + clientip.From(r)
}

// CastBallot is the public ballot box: the code is the only credential.
func (h *Handler) CastBallot(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	var in struct {
		Token   string                        `json:"token"`
		Scores  map[string]map[string]float64 `json:"scores"`
		Comment string                        `json:"comment"`
	}
	if err := decode(w, r, &in); err != nil {
		h.Fail(w, r, err)
		return
	}
	// The code is checked first and a valid one always counts: only wrong
	// codes are throttled, per client, and a valid code neither waits for
	// nor clears that count (see web's lookup for why this is safe).
	tracker, err := h.Eval.CastBallot(r.Context(), in.Token, in.Scores, in.Comment)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.Invalid && e.Field == "code" {
			key := BallotLimitKey(r)
			h.Limiter.Fail(key)
			c := *e
			c.Field = "token"
			err = &c
			// Over the limit, every wrong code is answered with the wait.
			if wait := h.Limiter.Wait(key); wait > 0 {
				err = evaluation.TooManyCodes(wait)
			}
		}
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"tracker": tracker})
}

// CampaignBulletin is the public bulletin of a campaign: per group tokens
// issued, used and ballots counted, and the trackers of counted ballots, a
// page at a time: ?limit= (1–10000, default 10000) and ?cursor= from the
// previous page's next_cursor.
func (h *Handler) CampaignBulletin(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	if h.Reads != nil {
		if err := ratelimit.Check(w, r, h.Reads); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	id, err := pathID(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	limit, offset, err := bulletinPage(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	b, err := h.Eval.BulletinPage(r.Context(), id, offset, limit)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaign_id": b.CampaignID, "name": b.Name, "owner_name": b.OwnerName, "status": b.Status,
		"k": b.K, "groups": b.Groups, "trackers": b.Trackers, "tracker_total": b.TrackerTotal,
		"next_cursor": nextCursor(b.TrackerOffset, len(b.Trackers), b.TrackerTotal)})
}

// maxBulletinLimit is the most trackers one page of the bulletin carries
// through the API (about 140 KB of JSON).
const maxBulletinLimit = 10000

// bulletinPage reads the paging of the bulletin's trackers: the cursors of
// every other list, with longer pages.
func bulletinPage(r *http.Request) (limit, offset int, err error) {
	limit = maxBulletinLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > maxBulletinLimit {
			return 0, 0, errs.Field("limit", "limit 应为 1–10000 的整数", "limit must be an integer from 1 to 10000")
		}
	}
	offset, err = cursorOffset(r)
	return limit, offset, err
}
