package cases

import (
	"fmt"
	"net/http"
	"strconv"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
)

// CaseExtension asks the organization above for more working days on a
// case whose handling deadline runs (days, reason). Nothing changes until
// it is approved.
func (h *Pages) CaseExtension(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	x, err := h.cs.RequestExtension(r.Context(), web.Actor(r), id, web.IntField(f.Get("days"), "days", map[string]bool{}), f.Get("reason"))
	if err != nil {
		h.staffFormFailed(w, r, id, "extension", f, err)
		return
	}
	h.Redirect(w, r, staffCaseHref(id), "ok", fmt.Sprintf(h.T(i18n.FromRequest(r), "css.ext_asked"), x.Days))
}

// CaseDecideExtension approves or refuses a pending extension
// (decision=approve|refuse, note). Only the organization above the case's
// may: the domain refuses the case's own (403) and changes nothing. The
// form names its case (case_id), where a refused input is shown again.
func (h *Pages) CaseDecideExtension(w http.ResponseWriter, r *http.Request) {
	xid, err := web.PathID(r, "xid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	caseID, _ := strconv.ParseInt(f.Get("case_id"), 10, 64)
	posted := "decide:" + strconv.FormatInt(xid, 10)
	var approve bool
	switch f.Get("decision") {
	case "approve":
		approve = true
	case "refuse":
	default:
		err := errs.Field("decision", staffMessages["css.decision_needed"].ZH, staffMessages["css.decision_needed"].EN)
		if caseID > 0 {
			h.staffFormFailed(w, r, caseID, posted, f, err)
		} else {
			h.Fail(w, r, err)
		}
		return
	}
	c, err := h.cs.DecideExtension(r.Context(), web.Actor(r), xid, approve, f.Get("note"))
	if err != nil {
		if caseID > 0 {
			h.staffFormFailed(w, r, caseID, posted, f, err)
		} else {
			h.Fail(w, r, err)
		}
		return
	}
	lang := i18n.FromRequest(r)
	msg := fmt.Sprintf(h.T(lang, "css.ext_done_no"), c.ID)
	if approve {
		msg = fmt.Sprintf(h.T(lang, "css.ext_done_yes"), c.ID, bj(c.HandleDue.Add(-1)).Format("2006-01-02"))
	}
	h.Redirect(w, r, staffCaseHref(c.ID), "ok", msg)
}
