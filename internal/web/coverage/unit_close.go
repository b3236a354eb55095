package coverage

import (
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/web"
)

// closeFields maps the fields of the domain's close and reopen errors to
// the names of the unit page's form fields, which must not collide with the
// coverage form's note.
var closeFields = map[string]string{"reason": "close_reason", "effective_on": "close_on", "note": "close_note"}

// closeFormError shows the unit page again with what was typed in the close
// or reopen form and each message at its field; other errors are error pages.
func (h *Pages) closeFormError(w http.ResponseWriter, r *http.Request, p *web.Page, v *covUnitView, err error, fields map[string]string) {
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.Conflict {
		h.Fail(w, r, err)
		return
	}
	form := url.Values(formFromCoverage(v.U))
	for k, vs := range r.PostForm {
		form[k] = vs
	}
	p.Form = form
	p.Errors = map[string]string{}
	for f, m := range errs.FieldMessages(err, p.Lang) {
		if name, ok := fields[f]; ok {
			p.Errors[name] = m
		}
	}
	p.Flash = &web.Flash{Kind: "err", Text: e.Message(p.Lang)}
	if len(p.Errors) > 1 {
		p.Flash.Text = web.Msg(p.Lang, "表单中有 "+strconv.Itoa(len(p.Errors))+" 处需要修改，请看各字段下的提示", strconv.Itoa(len(p.Errors))+" fields need fixing: see the notes below each")
	}
	h.render(w, r, web.Status(e.Kind), "coverage_unit", "layout", p)
}

// CoverageUnitClose closes a unit (注销、吊销、迁出本地、其他) from a date;
// it leaves the rates and keeps its coverage and history. The close and
// reopen forms carry no version on purpose: they write none of the fields
// the page shows, only the status, and each applies to one status (closing
// an active unit, reopening a closed one), so a second press from the same
// page is refused by the domain, whoever changed the unit meanwhile.
func (h *Pages) CoverageUnitClose(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "coverage", "")
	v, ok := h.unitView(w, r, p)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	in := coverage.CloseInput{Reason: r.PostForm.Get("close_reason"), EffectiveOn: r.PostForm.Get("close_on"), Note: r.PostForm.Get("close_note")}
	u, err := h.cov.Close(r.Context(), web.Actor(r), v.U.ID, in)
	if err != nil {
		h.closeFormError(w, r, p, v, err, closeFields)
		return
	}
	h.Redirect(w, r, "/coverage/units/"+strconv.FormatInt(u.ID, 10), "ok",
		web.Msg(p.Lang, "已注销“"+u.Name+"”，该单位不再计入覆盖率", u.Name+" is closed and no longer counts in the coverage rates"))
}

// CoverageUnitReopen makes a closed unit active again.
func (h *Pages) CoverageUnitReopen(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "coverage", "")
	v, ok := h.unitView(w, r, p)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	u, err := h.cov.Reopen(r.Context(), web.Actor(r), v.U.ID, coverage.ReopenInput{Note: r.PostForm.Get("reopen_note")})
	if err != nil {
		h.closeFormError(w, r, p, v, err, map[string]string{"note": "reopen_note"})
		return
	}
	h.Redirect(w, r, "/coverage/units/"+strconv.FormatInt(u.ID, 10), "ok",
		web.Msg(p.Lang, "已恢复“"+u.Name+"”，该单位重新计入覆盖率", u.Name+" is active again and counts in the coverage rates"))
}

// staleCoverage shows the unit page again when a coverage change was made
// from a page loaded before the unit last changed: the form keeps what was
// typed, carries the current version and the message lists what is stored.
func (h *Pages) staleCoverage(w http.ResponseWriter, r *http.Request, p *web.Page, v *covUnitView, err error) bool {
	if !errs.IsStale(err) {
		return false
	}
	cur, gerr := h.cov.Get(r.Context(), web.Actor(r), v.U.ID)
	if gerr != nil {
		return false
	}
	v.U = cur.In(p.Lang)
	h.StaleForm(w, r, h.tmpl, p, "coverage_unit", url.Values(formFromCoverage(cur)), coverageStoredFields(p.Lang))
	return true
}
