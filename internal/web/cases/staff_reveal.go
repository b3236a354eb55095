package cases

import (
	"fmt"
	"net/http"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
)

// CaseReveal asks a custodian to reveal the reporter of a case the actor
// handles, with a reason the reporter will see.
func (h *Pages) CaseReveal(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	if _, err := h.cs.RequestReveal(r.Context(), web.Actor(r), id, r.PostForm.Get("reason")); err != nil {
		h.staffFormFailed(w, r, id, "reveal", r.PostForm, err)
		return
	}
	h.Redirect(w, r, staffCaseHref(id), "ok", fmt.Sprintf(h.T(i18n.FromRequest(r), "css.reveal_asked"), id))
}

// staffIdentityView is the page of a revealed identity.
type staffIdentityView struct {
	C  cases.Case
	ID cases.Identity
}

// CaseIdentity shows the reporter's identity to an actor whose request a
// custodian approved. It answers a POST, so that every reading is a
// deliberate one the domain audits, and the page is never stored: not by
// the browser's cache, nor by its history of pages to go back to.
func (h *Pages) CaseIdentity(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	c, _, err := h.cs.Get(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	ident, err := h.cs.RevealedIdentity(ctx, actor, id)
	if err != nil {
		// Not (or no longer) approved: said on the case page, which then
		// offers the request.
		if errs.KindOf(err) == errs.Forbidden {
			h.Redirect(w, r, staffCaseHref(id), "err", web.ErrMessage(err, i18n.FromRequest(r)))
			return
		}
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	p := h.Page(r, staffNavKey(c.Kind), fmt.Sprintf(h.T(lang, "css.id_title"), c.ID))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, staffListTitle(c.Kind)), Href: staffListHref(c.Kind)},
		{Label: fmt.Sprintf(h.T(lang, "css.number"), c.ID), Href: staffCaseHref(c.ID)}, {Label: h.T(lang, "css.reveal_title")}}
	p.Data = &staffIdentityView{C: c, ID: ident}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, http.StatusOK, "cases_staff_identity", "layout", p)
}
