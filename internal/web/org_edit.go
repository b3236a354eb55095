package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
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

// formVersion reads the version an edit form was loaded with: the save is
// refused when the record has changed since. A form without one (sent by
// hand) is not checked.
func formVersion(f url.Values) *int {
	v, err := strconv.Atoi(f.Get("version"))
	if err != nil {
		return nil
	}
	return &v
}

// orgFormPage loads the organization of a form page; a reader who may not
// perform the form's action is refused before it sees the form.
func (h *Handler) orgFormPage(w http.ResponseWriter, r *http.Request, isNew bool, action access.Action) (*Page, *orgForm, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, false
	}
	o, err := h.Orgs.Check(r.Context(), actorOf(r), id, action)
	if err != nil {
		h.fail(w, r, err)
		return nil, nil, false
	}
	lang := i18n.FromRequest(r)
	title := i18n.T(lang, "org.edit") + " · " + o.Label()
	if isNew {
		title = i18n.T(lang, "org.new_child") + " · " + o.Label()
	}
	p := h.page(r, "orgs", title)
	bc, _ := h.Orgs.Breadcrumb(r.Context(), actorOf(r), o)
	h.crumbs(p, bc)
	p.Crumbs[len(p.Crumbs)-1].Href = "/orgs/" + strconv.FormatInt(o.ID, 10)
	p.Crumbs = append(p.Crumbs, Crumb{Label: title})
	f := &orgForm{Org: o, New: isNew}
	p.Data = f
	return p, f, true
}

// OrgEditForm shows the edit form.
func (h *Handler) OrgEditForm(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgUpdate)
	if !ok {
		return
	}
	p.Form = formFromOrg(f.Org)
	h.render(w, r, http.StatusOK, "org_form", "layout", p)
}

// OrgEdit saves the edit form; on error it shows the form again with what
// was typed and each message next to its field.
func (h *Handler) OrgEdit(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgUpdate)
	if !ok {
		return
	}
	r.ParseForm()
	p.Form = r.PostForm
	get := func(k string) *string { v := r.PostForm.Get(k); return &v }
	patch := org.Patch{Name: get("name"), ShortName: get("short_name"), Kind: get("kind"), Category: get("category"),
		FoundedOn: get("founded_on"), Note: get("note"), Version: formVersion(r.PostForm)}
	if !f.Org.Territorial {
		patch.RegionCode = get("region_code")
	}
	o, err := h.Orgs.Update(r.Context(), actorOf(r), f.Org.ID, patch)
	if errs.IsStale(err) {
		if cur, gerr := h.Orgs.Get(r.Context(), actorOf(r), f.Org.ID); gerr == nil {
			fields := []storedField{{"name", "org.name", nil}, {"short_name", "org.short_name", nil},
				{"kind", "org.kind", func(v string) string { return org.LabelOf(org.Kinds, v, p.Lang) }},
				{"category", "org.category", func(v string) string { return org.LabelOf(org.Categories, v, p.Lang) }},
				{"founded_on", "org.founded_on", nil}, {"note", "org.note", nil}}
			if !cur.Territorial {
				fields = append(fields, storedField{"region_code", "org.region_code", nil})
			}
			h.staleForm(w, r, p, "org_form", formFromOrg(cur), fields)
			return
		}
	}
	if err != nil {
		h.formError(w, r, p, "org_form", err)
		return
	}
	h.redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "ok", msg(p.Lang, "已保存“"+o.Label()+"”", "Saved "+o.Label()))
}

// storedField is a field of an edit form for the note that lists the
// stored values after a stale save: its form name, the catalogue key of its
// label and how a stored value reads (a label for a code), nil for as is.
type storedField struct {
	name, label string
	show        func(string) string
}

// staleForm shows again a form whose save was refused because its record
// changed since the form was loaded (by someone else, or by the same user
// in another window). What was typed stays; the form now carries the
// current version, so that saving again knowingly overwrites; and the
// message lists the stored values of the fields that differ from the typed
// ones, so the user sees what they would overwrite.
func (h *Handler) staleForm(w http.ResponseWriter, r *http.Request, p *Page, page string, stored url.Values, fields []storedField) {
	p.Form.Set("version", stored.Get("version"))
	sep := "；"
	if p.Lang == i18n.EN {
		sep = "; "
	}
	var diffs []string
	for _, f := range fields {
		cur := stored.Get(f.name)
		if strings.TrimSpace(p.Form.Get(f.name)) == strings.TrimSpace(cur) {
			continue
		}
		if f.show != nil && cur != "" {
			cur = f.show(cur)
		}
		diffs = append(diffs, i18n.T(p.Lang, f.label)+"“"+cur+"”")
	}
	text := i18n.T(p.Lang, "common.stale_form")
	if len(diffs) > 0 {
		text += i18n.T(p.Lang, "common.stale_stored") + strings.Join(diffs, sep)
	} else {
		text += i18n.T(p.Lang, "common.stale_same")
	}
	p.Errors = map[string]string{}
	p.Flash = &Flash{Kind: "err", Text: text}
	h.render(w, r, http.StatusConflict, page, "layout", p)
}

// formError re-renders a form with its field errors, or fails the page.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, p *Page, page string, err error) {
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.Conflict {
		h.fail(w, r, err)
		return
	}
	p.Errors = errs.FieldMessages(err, p.Lang)
	p.Flash = &Flash{Kind: "err", Text: e.Message(p.Lang)}
	if len(e.Details) > 1 {
		p.Flash.Text = msg(p.Lang, "表单中有 "+strconv.Itoa(len(e.Details))+" 处需要修改，请看各字段下的提示", strconv.Itoa(len(e.Details))+" fields need fixing: see the notes below each")
	}
	h.render(w, r, Status(e.Kind), page, "layout", p)
}

// OrgNewForm shows the form for a new child organization.
func (h *Handler) OrgNewForm(w http.ResponseWriter, r *http.Request) {
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
func (h *Handler) OrgNew(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, true, access.OrgCreate)
	if !ok {
		return
	}
	r.ParseForm()
	p.Form = r.PostForm
	in := org.Input{ParentID: f.Org.ID, Name: r.PostForm.Get("name"), ShortName: r.PostForm.Get("short_name"), Kind: r.PostForm.Get("kind"),
		Category: r.PostForm.Get("category"), RegionCode: r.PostForm.Get("region_code"), FoundedOn: r.PostForm.Get("founded_on"), Note: r.PostForm.Get("note")}
	o, err := h.Orgs.Create(r.Context(), actorOf(r), in)
	if err != nil {
		h.formError(w, r, p, "org_form", err)
		return
	}
	h.redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "ok", msg(p.Lang, "已新建“"+o.Label()+"”", "Created "+o.Label()))
}

// OrgMoveForm lets the user pick a new parent by searching for it.
func (h *Handler) OrgMoveForm(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgMove)
	if !ok {
		return
	}
	p.Title = i18n.T(p.Lang, "org.move") + " · " + f.Org.Label()
	p.Crumbs[len(p.Crumbs)-1].Label = p.Title
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p.Form.Set("q", q)
	var found []org.Org
	if q != "" {
		found, _, _ = h.Orgs.List(r.Context(), actorOf(r), org.ListQuery{Q: q, Limit: 30})
	}
	p.Data = map[string]any{"Org": f.Org, "Found": found, "Searched": q != ""}
	h.render(w, r, http.StatusOK, "org_move", "layout", p)
}

// OrgMove moves the organization under the chosen parent.
func (h *Handler) OrgMove(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgMove)
	if !ok {
		return
	}
	r.ParseForm()
	to, _ := strconv.ParseInt(r.PostForm.Get("parent_id"), 10, 64)
	o, err := h.Orgs.MoveAt(r.Context(), actorOf(r), f.Org.ID, to, formVersion(r.PostForm))
	if err != nil {
		p.Title = i18n.T(p.Lang, "org.move") + " · " + f.Org.Label()
		p.Data = map[string]any{"Org": f.Org}
		h.formError(w, r, p, "org_move", err)
		return
	}
	h.redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "ok", msg(p.Lang, "已移动“"+o.Label()+"”", "Moved "+o.Label()))
}

// OrgDissolveForm asks for confirmation and says what will change.
func (h *Handler) OrgDissolveForm(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgDissolve)
	if !ok {
		return
	}
	p.Title = i18n.T(p.Lang, "org.dissolve") + " · " + f.Org.Label()
	p.Crumbs[len(p.Crumbs)-1].Label = p.Title
	_, c, _ := h.Orgs.Stats(r.Context(), actorOf(r), f.Org.ID)
	p.Data = map[string]any{"Org": f.Org, "Children": c.Children}
	p.Form.Set("dissolved_on", h.Now().In(org.Shanghai).Format("2006-01-02"))
	h.render(w, r, http.StatusOK, "org_dissolve", "layout", p)
}

// OrgDissolve dissolves the organization. The form carries no version on
// purpose: dissolving writes none of the fields the page shows, and a
// second dissolution of the same organization is refused by the domain.
func (h *Handler) OrgDissolve(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.orgFormPage(w, r, false, access.OrgDissolve)
	if !ok {
		return
	}
	r.ParseForm()
	p.Form = r.PostForm
	o, err := h.Orgs.Dissolve(r.Context(), actorOf(r), f.Org.ID, r.PostForm.Get("dissolved_on"), r.PostForm.Get("reason"))
	if err != nil {
		p.Title = i18n.T(p.Lang, "org.dissolve") + " · " + f.Org.Label()
		_, c, _ := h.Orgs.Stats(r.Context(), actorOf(r), f.Org.ID)
		p.Data = map[string]any{"Org": f.Org, "Children": c.Children}
		h.formError(w, r, p, "org_dissolve", err)
		return
	}
	h.redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10), "ok", msg(p.Lang, "已撤销“"+o.Label()+"”", "Dissolved "+o.Label()))
}
