package cases

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/cases"
)

// OpinionReport returns the opinions' monthly report of an organization's
// subtree: ?org_id= (required) and ?month=2026-10.
func (h *Handlers) OpinionReport(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	// A missing organization is the domain's to refuse, after the
	// permission.
	var id int64
	if s := v.Get("org_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			h.k.Fail(w, r, api.IntField("org_id"))
			return
		}
		id = n
	}
	rep, err := h.cs.OpinionReportOf(r.Context(), api.Actor(r), id, v.Get("month"))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if rep.Topics == nil {
		rep.Topics = []cases.OpinionTopic{}
	}
	for i := range rep.Topics {
		if rep.Topics[i].Quotes == nil {
			rep.Topics[i].Quotes = []cases.OpinionQuote{}
		}
	}
	h.k.JSON(w, r, http.StatusOK, rep)
}
