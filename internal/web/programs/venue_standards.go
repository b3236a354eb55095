package programs

import (
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// venueStandardsView is the standards page.
type venueStandardsView struct {
	programs.VenueStandardsView
	L         venueLabels
	Under     org.Org
	CanManage bool
	Checked   map[string]bool
}

// venueStandardsPage builds the standards page of ?org= (the top of the
// actor's scope without one).
func (h *Pages) venueStandardsPage(r *http.Request, p *web.Page) (*venueStandardsView, error) {
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(programs.ProgramsRead) {
		return nil, errs.New(errs.Forbidden, "您没有查看阵地建设情况的权限", "you may not read the venues")
	}
	under, err := h.venueScope(r, p, "org")
	if err != nil {
		return nil, err
	}
	v := &venueStandardsView{L: newVenueLabels(p.Lang), Under: under, CanManage: actor.CanAnywhere(programs.ProgramsManage), Checked: map[string]bool{}}
	if under.ID != 0 {
		if v.VenueStandardsView, err = h.pg.VenueStandards(ctx, actor, under.ID); err != nil {
			return nil, err
		}
	}
	h.venueCrumbs(p, web.Crumb{Label: h.T(p.Lang, "ven.std_title")})
	p.Picker("org", web.PickFilter{})
	p.Picker("org_id", web.PickFilter{})
	p.Data = v
	return v, nil
}

// VenueStandards shows the standards that apply at an organization, those
// set in its subtree, and the form to set one for those who manage the
// programmes.
func (h *Pages) VenueStandards(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "venues", h.T(lang, "ven.std_title"))
	v, err := h.venueStandardsPage(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if v.CanSet {
		p.Form.Set("org_id", strconv.FormatInt(v.OrgID, 10))
	}
	h.render(w, r, http.StatusOK, "venue_standards", "layout", p)
}

// VenueStandardSet sets a standard from the page's form; a refused input
// shows the page again with the messages at their fields.
func (h *Pages) VenueStandardSet(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	ctx, actor := r.Context(), web.Actor(r)
	if !h.ParseForm(w, r) {
		return
	}
	p := h.Page(r, "venues", h.T(lang, "ven.std_title"))
	v, err := h.venueStandardsPage(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	form := r.PostForm
	for k, vs := range form {
		p.Form[k] = vs
	}
	for _, k := range form["functions"] {
		v.Checked[k] = true
	}
	if err := h.ResolveOrg(ctx, actor, p.Form, "org_id", web.PickFilter{}); err != nil {
		h.FormError(w, r, h.tmpl, p, "venue_standards", err)
		return
	}
	in := programs.VenueStandardInput{OrgID: web.IDField(p.Form.Get("org_id"), "org_id", map[string]bool{}), Kind: form.Get("kind"),
		MinArea: web.IntField(form.Get("min_area"), "min_area", map[string]bool{}), Functions: form["functions"]}
	if in.OrgID < 0 {
		in.OrgID = 0
	}
	st, err := h.pg.SetVenueStandard(ctx, actor, in)
	if err != nil {
		// The organization picked is outside the actor's scope: said at
		// its field.
		if e := errs.As(err); e.Kind == errs.NotFound {
			err = &errs.Error{Kind: errs.Invalid, Field: "org_id", Text: e.Text}
		}
		if errs.KindOf(err) == errs.Forbidden {
			h.Redirect(w, r, "/venues/standards", "err", web.ErrMessage(err, lang))
			return
		}
		h.FormError(w, r, h.tmpl, p, "venue_standards", err)
		return
	}
	to := "/venues/standards?" + url.Values{"org": {strconv.FormatInt(st.OrgID, 10)}}.Encode()
	h.Redirect(w, r, to, "ok", web.Msg(lang, "已保存"+st.OrgName+"的"+org.LabelOf(programs.VenueKinds, st.Kind, i18n.ZH)+"阵地标准",
		"Saved the standard of "+st.OrgName+" for "+org.LabelOf(programs.VenueKinds, st.Kind, i18n.EN)+" venues"))
}

// VenueStandardClear removes a standard (the form's org_id and kind).
func (h *Pages) VenueStandardClear(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	if !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	id := web.IDField(f.Get("org_id"), "org_id", map[string]bool{})
	if id < 0 {
		id = 0
	}
	err := h.pg.ClearVenueStandard(r.Context(), web.Actor(r), id, f.Get("kind"))
	back := "/venues/standards"
	if id > 0 {
		back += "?org=" + strconv.FormatInt(id, 10)
	}
	if err != nil {
		if k := errs.KindOf(err); k == errs.Internal {
			h.Fail(w, r, err)
			return
		}
		h.Redirect(w, r, back, "err", web.ErrMessage(err, lang))
		return
	}
	h.Redirect(w, r, back, "ok", web.Msg(lang, "已取消该标准", "Removed the standard"))
}
