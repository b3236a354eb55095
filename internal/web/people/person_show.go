package people

import (
	"net/http"
	"net/url"

	"jiceng/internal/access"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
)

// personView is the person's page: their facts, membership and timeline,
// and the forms the actor may use.
type personView struct {
	P         people.Person
	M         *people.Membership
	Timeline  []people.Event
	Posts     []people.Post
	CanManage bool // change status, convert: the membership is current and the actor manages it
	CanReveal bool
	CanAudit  bool
	// Pending is the member's transfer awaiting the receiving side, if
	// any; CanTransfer is set when the actor may request one now.
	Pending     *people.Transfer
	CanTransfer bool
	// Care are the person's care cases, for a reader of care cases at
	// their organization (HasCare); CanApply offers an application.
	Care     []people.CareCase
	HasCare  bool
	CanApply bool
	Today    string
	// Revealed holds the one number shown in full, by field, for the
	// answer to a reveal only.
	Revealed map[string]string
	// Training is the person's training of this year against their
	// requirement.
	Training people.PersonTraining
}

// personView loads a person with what their page shows, and sets the
// page's title and breadcrumb.
func (h *Pages) personView(w http.ResponseWriter, r *http.Request, p *web.Page) (*personView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	person, err := h.ppl.Person(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	v := &personView{P: person, M: person.Membership, Today: h.today(), Revealed: map[string]string{}}
	if v.Timeline, err = h.ppl.Timeline(ctx, actor, id, p.Lang); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	if v.Posts, err = h.ppl.PersonPosts(ctx, actor, id); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	if v.Training, err = h.ppl.PersonTraining(ctx, actor, id, h.Now().In(org.Shanghai).Year()); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	o, err := h.Orgs.Get(ctx, actor, v.M.OrgID)
	if err == nil {
		v.CanManage = actor.Can(people.PeopleManage, o.Path) && v.M.Active
		v.CanReveal = actor.Can(people.PeopleReveal, o.Path)
		v.CanAudit = actor.Can(access.AuditRead, o.Path)
		v.HasCare = actor.Can(people.CareRead, o.Path)
		v.CanApply = v.CanManage
	}
	if v.HasCare {
		if v.Care, _, _, err = h.ppl.CareCases(ctx, actor, people.CareQuery{PersonID: id}); err != nil {
			h.Fail(w, r, err)
			return nil, false
		}
	}
	if v.M.Active {
		pending, _, err := h.ppl.Transfers(ctx, actor, people.TransferQuery{PersonID: id, State: "pending", Limit: 1})
		if err != nil {
			h.Fail(w, r, err)
			return nil, false
		}
		if len(pending) > 0 {
			v.Pending = &pending[0]
		}
		v.CanTransfer = v.CanManage && v.Pending == nil && (v.M.Status == "normal" || v.M.Status == "floating")
	}
	p.Title = person.Name
	h.crumbs(r, p, o, web.Crumb{Label: person.Name})
	p.Data = v
	p.Picker("to_org", targetPicker)
	return v, true
}

// statusForm is the status form as the page first shows it: the current
// status, and today.
func statusForm(v *personView) url.Values {
	return url.Values{"status": {v.M.Status}, "where": {v.M.FloatingWhere}, "on_date": {v.Today}, "full_on": {v.Today}, "transfer_on": {v.Today}}
}

// PersonShow shows a person: facts with the ID number and phone masked,
// the membership, the timeline, and the forms of the actor's permissions.
func (h *Pages) PersonShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "people", "")
	v, ok := h.personView(w, r, p)
	if !ok {
		return
	}
	p.Form = statusForm(v)
	h.render(w, r, http.StatusOK, "people_person", "layout", p)
}

// PersonStatus records a change of status; on error the page shows again
// with the form as typed.
func (h *Pages) PersonStatus(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "people", "")
	v, ok := h.personView(w, r, p)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	f := r.PostForm
	m, err := h.ppl.SetStatus(r.Context(), web.Actor(r), v.P.ID, people.StatusInput{Status: f.Get("status"), Where: f.Get("where"), OnDate: f.Get("on_date")})
	if err != nil {
		p.Form.Set("full_on", v.Today)
		h.FormError(w, r, h.tmpl, p, "people_person", err)
		return
	}
	h.Redirect(w, r, personHref(m.ID), "ok", web.Msg(p.Lang, "已将"+m.Name+"的状态变更为"+org.LabelOf(people.Statuses, m.Membership.Status, p.Lang),
		m.Name+"'s status is now "+org.LabelOf(people.Statuses, m.Membership.Status, p.Lang)))
}

// PersonConvert records a probationary member's full membership.
func (h *Pages) PersonConvert(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "people", "")
	v, ok := h.personView(w, r, p)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = statusForm(v)
	p.Form.Set("full_on", r.PostForm.Get("full_on"))
	m, err := h.ppl.Convert(r.Context(), web.Actor(r), v.P.ID, r.PostForm.Get("full_on"))
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "people_person", err)
		return
	}
	h.Redirect(w, r, personHref(m.ID), "ok", web.Msg(p.Lang, m.Name+"已转为正式党员（"+m.Membership.FullOn+"）", m.Name+" is a full member since "+m.Membership.FullOn))
}

// PersonReveal shows the page again with the person's ID number or phone
// (field=id_number or phone) in full, this once. The number travels only
// in this answer, which no cache keeps: never in an address, a redirect, a
// flash message or a log. The domain writes the viewing to the audit log.
func (h *Pages) PersonReveal(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "people", "")
	v, ok := h.personView(w, r, p)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = statusForm(v)
	field := r.PostForm.Get("field")
	full, err := h.ppl.Reveal(r.Context(), web.Actor(r), v.P.ID, field)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "people_person", err)
		return
	}
	v.Revealed[field] = full
	h.render(w, r, http.StatusOK, "people_person", "layout", p)
}
