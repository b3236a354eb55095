package programs

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// ctPick is what the leader picker shows: the person chosen, with the
// posts they hold now, or what was typed with the members it matches.
type ctPick struct {
	ID      string
	Text    string
	Chosen  *people.Person
	Posts   string
	Choices []people.Member
}

// ctResolvePerson settles the leader field of a form: a chosen id is kept;
// a name or a whole ID number typed (person_id_q) is looked up among the
// members the actor reads and taken when one matches. It returns what the
// form shows and the person's posts now, and the error at the field when
// the text matches none or several.
func (h *Pages) ctResolvePerson(ctx context.Context, actor access.Actor, form url.Values, lang string) (ctPick, []people.Post, error) {
	pp := ctPick{ID: strings.TrimSpace(form.Get("person_id")), Text: strings.TrimSpace(form.Get("person_id_q"))}
	choose := func(id int64) []people.Post {
		p, posts, err := h.pg.Leader(ctx, actor, id)
		if err != nil {
			return nil
		}
		pp.Chosen, pp.Text, pp.ID = &p, p.Name, strconv.FormatInt(p.ID, 10)
		var names []string
		for _, po := range posts {
			names = append(names, po.OrgName+org.LabelOf(people.PostKinds, po.Post, lang))
		}
		pp.Posts = strings.Join(names, web.Msg(lang, "、", ", "))
		return posts
	}
	if pp.ID != "" {
		id, err := strconv.ParseInt(pp.ID, 10, 64)
		if err == nil && id > 0 {
			return pp, choose(id), nil
		}
		return pp, nil, nil
	}
	if pp.Text == "" {
		return pp, nil, nil
	}
	found, err := h.pg.LeaderMatches(ctx, actor, pp.Text, 10)
	if err != nil {
		return pp, nil, err
	}
	var exact []people.Member
	for _, m := range found {
		if m.Name == pp.Text {
			exact = append(exact, m)
		}
	}
	if len(exact) == 1 {
		found = exact
	}
	switch len(found) {
	case 0:
		return pp, nil, errs.Field("person_id", fmt.Sprintf("在您的管理范围内没有姓名含“%s”的在册党员，请换个词或输入完整身份证号", people.SearchShown(pp.Text)),
			fmt.Sprintf("no member in your scope has %q in their name: try another word or the whole ID number", people.SearchShown(pp.Text)))
	case 1:
		posts := choose(found[0].ID)
		form.Set("person_id", pp.ID)
		return pp, posts, nil
	}
	pp.Choices = found
	return pp, nil, errs.Field("person_id", fmt.Sprintf("有多名党员的姓名含“%s”，请从下面选一名", pp.Text), fmt.Sprintf("several members have %q in their name: choose one below", pp.Text))
}

// ctPersonID is the chosen person's id, 0 when none is.
func (pp ctPick) ctPersonID() int64 {
	id, _ := strconv.ParseInt(pp.ID, 10, 64)
	return max(id, 0)
}

// ctFormView is the form that sets a contact point.
type ctFormView struct {
	Pick ctPick
	This int
}

func (h *Pages) ctFormPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "contacts", h.T(lang, "ct.new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "ct.title"), Href: "/contacts"}, {Label: p.Title}}
	p.Picker("leader_org_id", web.PickFilter{})
	p.Picker("org_id", web.PickFilter{})
	return p
}

// ContactNewForm shows the form that sets a contact point, for ?org= when
// it comes from an organization.
func (h *Pages) ContactNewForm(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	if !actor.CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有设置领导干部联系点的权限", "you may not set leaders' contact points"))
		return
	}
	p := h.ctFormPage(r)
	this := h.pg.Today().Year()
	p.Form = url.Values{"year": {strconv.Itoa(this)}}
	// From a list of an organization's subtree, the organization is the
	// leader's when a leader may lead from it, else the contact point.
	if id := ctID(r.URL.Query().Get("org")); id != 0 {
		if o, err := h.Orgs.Get(r.Context(), actor, id); err == nil {
			field := "org_id"
			if programs.LeaderOrgOK(o) {
				field = "leader_org_id"
			}
			p.Form.Set(field, strconv.FormatInt(o.ID, 10))
		}
	}
	p.Data = &ctFormView{This: this}
	h.render(w, r, http.StatusOK, "contact_form", "layout", p)
}

// ContactNew sets the contact point; on error the form shows again as
// typed, the message at its field.
func (h *Pages) ContactNew(w http.ResponseWriter, r *http.Request) {
	p := h.ctFormPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有设置领导干部联系点的权限", "you may not set leaders' contact points"))
		return
	}
	p.Form = r.PostForm
	v := &ctFormView{This: h.pg.Today().Year()}
	p.Data = v
	// The three pickers are settled together, so that the form shown
	// again says what each needs.
	var bad errs.Fields
	collect := func(err error) bool {
		if e := errs.As(err); err != nil && e.Field != "" {
			bad.Add(e.Field, e.ZH, e.EN)
			return true
		}
		if err != nil {
			h.Fail(w, r, err)
			return false
		}
		return true
	}
	pick, posts, err := h.ctResolvePerson(ctx, actor, p.Form, p.Lang)
	v.Pick = pick
	if !collect(err) {
		return
	}
	for _, f := range []string{"leader_org_id", "org_id"} {
		if !collect(h.ResolveOrg(ctx, actor, p.Form, f, web.PickFilter{})) {
			return
		}
	}
	if err := bad.Err(); err != nil {
		h.FormError(w, r, h.tmpl, p, "contact_form", err)
		return
	}
	// A leader chosen without their organization leads from the one of
	// their posts a leader may lead from.
	if strings.TrimSpace(p.Form.Get("leader_org_id")) == "" {
		for _, po := range posts {
			if o, err := h.Orgs.Get(ctx, actor, po.OrgID); err == nil && programs.LeaderOrgOK(o) {
				p.Form.Set("leader_org_id", strconv.FormatInt(o.ID, 10))
				break
			}
		}
	}
	f := p.Form
	in := programs.ContactInput{PersonID: pick.ctPersonID(), LeaderOrgID: ctID(f.Get("leader_org_id")), OrgID: ctID(f.Get("org_id")),
		Year: ctInt(f.Get("year")), Post: f.Get("post"), Note: f.Get("note")}
	c, err := h.pg.CreateContact(ctx, actor, in)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "contact_form", err)
		return
	}
	h.Redirect(w, r, ctHref(c.ID), "ok", fmt.Sprintf(h.T(p.Lang, "ct.created"), c.LeaderName, c.OrgName))
}

// ctID reads an id a form carries, 0 when it holds none.
func ctID(v string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// ctShowView is a contact point's page.
type ctShowView struct {
	C          programs.Contact
	StateLabel string
	StateClass string
	CanLog     bool // the actor logs visits of this point
	Open       bool // and the point takes them
	Today      string
}

func (h *Pages) ctShowPage(w http.ResponseWriter, r *http.Request) (*web.Page, *ctShowView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "contacts", "")
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	c, err := h.pg.Contact(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	v := &ctShowView{C: c, CanLog: programs.CanLogVisit(actor, c), Today: h.pg.Today().Format("2006-01-02")}
	v.Open = v.CanLog && c.InScope
	v.StateLabel, v.StateClass = ctState(c.State, p.Lang)
	p.Title = c.LeaderName + " · " + c.OrgName
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "ct.title"), Href: "/contacts?year=" + strconv.Itoa(c.Year)}, {Label: p.Title}}
	p.Data = v
	return p, v, true
}

// ContactShow shows a contact point: the leader and the organization,
// where it stands against the rule, its visits, and the form that logs one
// for an account that may.
func (h *Pages) ContactShow(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.ctShowPage(w, r)
	if !ok {
		return
	}
	on := v.Today
	if v.C.Year < h.pg.Today().Year() {
		on = strconv.Itoa(v.C.Year) + "-12-31"
	}
	p.Form = url.Values{"visited_on": {on}, "solved": {"0"}}
	h.render(w, r, http.StatusOK, "contact_show", "layout", p)
}

// ContactVisit logs a visit; a refused one shows the page again with the
// message at its field and what was typed.
func (h *Pages) ContactVisit(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.ctShowPage(w, r)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	f := p.Form
	in := programs.VisitInput{VisitedOn: f.Get("visited_on"), Topics: f.Get("topics"), Solved: ctInt(f.Get("solved")), SolvedText: f.Get("solved_text"), FollowUp: f.Get("follow_up")}
	c, err := h.pg.LogVisit(r.Context(), web.Actor(r), v.C.ID, in)
	if err != nil {
		if errs.KindOf(err) == errs.Forbidden {
			h.Redirect(w, r, ctHref(v.C.ID), "err", web.ErrMessage(err, p.Lang))
			return
		}
		h.FormError(w, r, h.tmpl, p, "contact_show", err)
		return
	}
	h.Redirect(w, r, ctHref(c.ID), "ok", fmt.Sprintf(h.T(p.Lang, "ct.visit_saved"), in.VisitedOn, c.VisitCount, c.Required))
}
