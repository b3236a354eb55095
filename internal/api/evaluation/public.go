package evaluation

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/clientip"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/ratelimit"
)

// publicHeaders keeps a public ballot exchange out of referrers and caches.
func publicHeaders(w http.ResponseWriter) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
}

// ballotLimitKey is the rate-limit key of ballot code entries from one
// client; the pages use the same key, so that wrong codes count alike
// through either. It lives in memory only.
func ballotLimitKey(r *http.Request) string {
	return "ballot:" + clientip.From(r)
}

// CastBallot is the public ballot box: the code is the only credential.
func (h *Handlers) CastBallot(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	var in struct {
		Token   string                        `json:"token"`
		Scores  map[string]map[string]float64 `json:"scores"`
		Comment string                        `json:"comment"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	// The code is checked first and a valid one always counts: only wrong
	// codes are throttled, per client, and a valid code neither waits for
	// nor clears that count (see web's lookup for why this is safe).
	tracker, err := h.eval.CastBallot(r.Context(), in.Token, in.Scores, in.Comment)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.Invalid && e.Field == "code" {
			key := ballotLimitKey(r)
			h.codes.Fail(key)
			c := *e
			c.Field = "token"
			err = &c
			// Over the limit, every wrong code is answered with the wait.
			if wait := h.codes.Wait(key); wait > 0 {
				err = evaluation.TooManyCodes(wait)
			}
		}
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, map[string]any{"tracker": tracker})
}

// CampaignBulletin is the public bulletin of a campaign: per group tokens
// issued, used and ballots counted, and the trackers of counted ballots, a
// page at a time: ?limit= (1–10000, default 10000) and ?cursor= from the
// previous page's next_cursor.
func (h *Handlers) CampaignBulletin(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	if h.reads != nil {
		if err := ratelimit.Check(w, r, h.reads); err != nil {
			h.k.Fail(w, r, err)
			return
		}
	}
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	limit, offset, err := bulletinPage(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	b, err := h.eval.BulletinPage(r.Context(), id, offset, limit)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"campaign_id": b.CampaignID, "name": b.Name, "owner_name": b.OwnerName, "status": b.Status,
		"k": b.K, "groups": b.Groups, "trackers": b.Trackers, "tracker_total": b.TrackerTotal,
		"next_cursor": api.NextCursor(b.TrackerOffset, len(b.Trackers), b.TrackerTotal)})
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
	offset, err = api.CursorOffset(r)
	return limit, offset, err
}
