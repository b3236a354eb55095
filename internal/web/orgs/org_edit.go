package orgs

import (
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// orgForm is the data of the edit and create forms.
type orgForm struct {
	Org    org.Org // the organization edited, or the parent of a new one
	Parent org.Org
	New    bool
}

func formFromOrg(o org.Org) map[string][]string {
	return map[string][]string{
		"name": {o.Name}, "short_name": {o.ShortName}, "kind": {o.Kind}, "category": {o.Category},
		"region_code": {o.RegionCode}, "founded_on": {o.FoundedOn}, "note": {o.Note}, "version": {strconv.Itoa(o.Version)},
	}
}

// orgFormPage loads the organization of a form page; a reader who may not
// perform the form's action is refused before it sees the form.
func (h *Pages) orgFormPage(w http.ResponseWriter, r *http.Request, isNew bool, action access.Action) (*web.Page, *orgForm, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	o, err := h.Orgs.Check(r.Context(), web.Actor(r), id, action)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	lang := i18n.FromRequest(r)
	title := h.T(lang, "org.edit") + " · " + o.Label()
	if isNew {
		title = h.T(lang, "org.new_child") + " · " + o.Label()
	}
	p := h.Page(r, "orgs", title)
	bc, _ := h.Orgs.Breadcrumb(r.Context(), web.Actor(r), o)
	h.crumbs(p, bc)
	p.Crumbs[len(p.Crumbs)-1].Href = "/orgs/" + strconv.FormatInt(o.ID, 10)
	p.Crumbs = append(p.Crumbs, web.Crumb{Label: title})
	f := &orgForm{Org: o, New: isNew}
	p.Data = f
	return p, f, true
}

// OrgEditForm shows the edit form.
func (h *Pages) OrgEditForm(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgUpdate)
	if !ok {
		return
	}
	p.Form = formFromOrg(f.Org)
	h.render(w, r, http.StatusOK, "org_form", "layout", p)
}

// OrgEdit saves the edit form; on error it shows the form again with what
// was typed and each message next to its field.
func (h *Pages) OrgEdit(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgUpdate)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	get := func(k string) *string { v := r.PostForm.Get(k); return &v }
	patch := org.Patch{Name: get("name"), ShortName: get("short_name"), Kind: get("kind"), Category: get("category"),
		FoundedOn: get("founded_on"), Note: get("note"), Version: web.FormVersion(r.PostForm)}
	if !f.Org.Territorial {
		patch.RegionCode = get("region_code")
	}
	o, err := h.Orgs.Update(r.Context(), web.Actor(r), f.Org.ID, patch)
	if errs.IsStale(err) {
		if cur, gerr := h.Orgs.Get(r.Context(), web.Actor(r), f.Org.ID); gerr == nil {
			fields := []web.StoredField{{Name: "name", Label: "org.name", Show: nil}, {Name: "short_name", Label: "org.short_name", Show: nil},
				{Name: "kind", Label: "org.kind", Show: func(v string) string { return org.LabelOf(org.Kinds, v, p.Lang) }},
				{Name: "category", Label: "org.category", Show: func(v string) string { return org.LabelOf(org.Categories, v, p.Lang) }},
				{Name: "founded_on", Label: "org.founded_on", Show: nil}, {Name: "note", Label: "org.note", Show: nil}}
			if !cur.Territorial {
				fields = append(fields, web.StoredField{Name: "region_code", Label: "org.region_code", Show: nil})
			}
			h.StaleForm(w, r, h.tmpl, p, "org_form", formFromOrg(cur), fields)
			return
		}
	}
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "org_form", err)
		return
	}
	h.Redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "ok", web.Msg(p.Lang, "已保存“"+o.Label()+"”", "Saved "+o.Label()))
}

// OrgNewForm shows the form for a new child organization.
func (h *Pages) OrgNewForm(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, true, access.OrgCreate)
	if !ok {
		return
	}
	p.Form.Set("kind", "branch")
	p.Form.Set("category", "other")
	p.Form.Set("region_code", f.Org.RegionCode)
	h.render(w, r, http.StatusOK, "org_form", "layout", p)
}

// OrgNew creates the child organization.
func (h *Pages) OrgNew(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, true, access.OrgCreate)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	in := org.Input{ParentID: f.Org.ID, Name: r.PostForm.Get("name"), ShortName: r.PostForm.Get("short_name"), Kind: r.PostForm.Get("kind"),
		Category: r.PostForm.Get("category"), RegionCode: r.PostForm.Get("region_code"), FoundedOn: r.PostForm.Get("founded_on"), Note: r.PostForm.Get("note")}
	o, err := h.Orgs.Create(r.Context(), web.Actor(r), in)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "org_form", err)
		return
	}
	h.Redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "ok", web.Msg(p.Lang, "已新建“"+o.Label()+"”", "Created "+o.Label()))
}

// OrgMoveForm lets the user pick a new parent by searching for it.
func (h *Pages) OrgMoveForm(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgMove)
	if !ok {
		return
	}
	p.Title = h.T(p.Lang, "org.move") + " · " + f.Org.Label()
	p.Crumbs[len(p.Crumbs)-1].Label = p.Title
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p.Form.Set("q", q)
	var found []org.Org
	if q != "" {
		found, _, _ = h.Orgs.List(r.Context(), web.Actor(r), org.ListQuery{Q: q, Limit: 30})
	}
	ids := make([]int64, len(found))
	for i, o := range found {
		ids[i] = o.ID
	}
	paths, _ := h.Orgs.Paths(r.Context(), web.Actor(r), ids)
	p.Data = map[string]any{"Org": f.Org, "Found": found, "Searched": q != "", "Paths": paths}
	h.render(w, r, http.StatusOK, "org_move", "layout", p)
}

// OrgMove moves the organization under the chosen parent.
func (h *Pages) OrgMove(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgMove)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	to, _ := strconv.ParseInt(r.PostForm.Get("parent_id"), 10, 64)
	o, err := h.Orgs.MoveAt(r.Context(), web.Actor(r), f.Org.ID, to, web.FormVersion(r.PostForm))
	if err != nil {
		p.Title = h.T(p.Lang, "org.move") + " · " + f.Org.Label()
		p.Data = map[string]any{"Org": f.Org}
		h.FormError(w, r, h.tmpl, p, "org_move", err)
		return
	}
	h.Redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "ok", web.Msg(p.Lang, "已移动“"+o.Label()+"”", "Moved "+o.Label()))
}

// OrgDissolveForm asks for confirmation and says what will change.
func (h *Pages) OrgDissolveForm(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgDissolve)
	if !ok {
		return
	}
	p.Title = h.T(p.Lang, "org.dissolve") + " · " + f.Org.Label()
	p.Crumbs[len(p.Crumbs)-1].Label = p.Title
	_, c, _ := h.Orgs.Stats(r.Context(), web.Actor(r), f.Org.ID)
	p.Data = map[string]any{"Org": f.Org, "Children": c.Children}
	p.Form.Set("dissolved_on", h.Now().In(org.Shanghai).Format("2006-01-02"))
	h.render(w, r, http.StatusOK, "org_dissolve", "layout", p)
}

// OrgDissolve dissolves the organization. The form carries no version on
// purpose: dissolving writes none of the fields the page shows, and a
// second dissolution of the same organization is refused by the domain.
func (h *Pages) OrgDissolve(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgDissolve)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	o, err := h.Orgs.Dissolve(r.Context(), web.Actor(r), f.Org.ID, r.PostForm.Get("dissolved_on"), r.PostForm.Get("reason"))
	if err != nil {
		p.Title = h.T(p.Lang, "org.dissolve") + " · " + f.Org.Label()
		_, c, _ := h.Orgs.Stats(r.Context(), web.Actor(r), f.Org.ID)
		p.Data = map[string]any{"Org": f.Org, "Children": c.Children}
		h.FormError(w, r, h.tmpl, p, "org_dissolve", err)
		return
	}
	h.Redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "ok", web.Msg(p.Lang, "已撤销“"+o.Label()+"”", "Dissolved "+o.Label()))
}
