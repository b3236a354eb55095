package people

import (
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
)

// newPage starts the add-member form's page.
func (h *Pages) newPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "people", h.T(lang, "ppl.new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.people"), Href: "/people"}, {Label: p.Title}}
	p.Picker("org_id", web.PickFilter{})
	p.Data = h.today()
	return p
}

// PeopleNewForm shows the form that registers a member; the organization
// is ?org= when the list was showing one.
func (h *Pages) PeopleNewForm(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	if !actor.CanAnywhere(people.PeopleManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有登记党员的权限", "you may not register members"))
		return
	}
	p := h.newPage(r)
	// The organization is the one the list was showing (?org=), else left
	// to choose: the top of the scope is a committee, where members seldom
	// belong, and a prefilled one was taken without a look.
	p.Form = url.Values{"org_id": {r.URL.Query().Get("org")}, "kind": {"full"}, "ethnicity": {"01"}}
	h.render(w, r, http.StatusOK, "people_form", "layout", p)
}

// PeopleNew registers the member; on error the form shows again as typed,
// each message under its field.
func (h *Pages) PeopleNew(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	ctx, actor := r.Context(), web.Actor(r)
	if err := h.ResolveOrg(ctx, actor, r.PostForm, "org_id", web.PickFilter{}); err != nil {
		h.FormError(w, r, h.tmpl, p, "people_form", err)
		return
	}
	bad := map[string]bool{}
	f := r.PostForm
	in := people.MemberInput{PersonInput: people.PersonInput{Name: f.Get("name"), IDNumber: f.Get("id_number"), Gender: f.Get("gender"),
		BirthDate: f.Get("birth_date"), Ethnicity: f.Get("ethnicity"), Education: f.Get("education"), Phone: f.Get("phone")},
		OrgID: web.IDField(f.Get("org_id"), "org_id", bad), Kind: f.Get("kind"), JoinedOn: f.Get("joined_on")}
	if in.Kind != "probationary" {
		in.FullOn = f.Get("full_on") // hidden for a probationary member: what it still holds is not theirs
	}
	if bad["org_id"] {
		in.OrgID = 0 // asks to choose the organization
	}
	m, err := h.ppl.AddMember(ctx, actor, in)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "people_form", err)
		return
	}
	h.Redirect(w, r, personHref(m.ID), "ok", web.Msg(p.Lang, "已登记党员“"+m.Name+"”", "Registered "+m.Name))
}

// today is the date in Beijing, the latest a form's dates may take.
func (h *Pages) today() string { return h.Now().In(org.Shanghai).Format("2006-01-02") }

// personHref is a person's page.
func personHref(id int64) string { return "/people/" + strconv.FormatInt(id, 10) }
