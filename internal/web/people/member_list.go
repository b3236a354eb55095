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

// memberQuery reads the member list's organization and filters from the
// URL. An organization typed into the picker without choosing one is
// settled as a form's would be; when it cannot be, the message goes to
// the picker and the list stays on the actor's scope.
func (h *Pages) memberQuery(r *http.Request, l *web.List, errors map[string]string) (people.MemberQuery, url.Values, error) {
	v := r.URL.Query()
	q := people.MemberQuery{Q: l.Q, Status: v.Get("status"), Kind: v.Get("kind"), Gender: v.Get("gender"), Education: v.Get("education"), AgeBand: v.Get("age_band"),
		Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}
	if l.Sort == "name" {
		// A position is of the name order; a link of another order drops it.
		q.After, q.Before = v.Get("after"), v.Get("before")
	}
	if err := h.ResolveOrg(r.Context(), web.Actor(r), v, "org", web.PickFilter{}); err != nil {
		if errors == nil || errs.As(err).Field != "org" {
			return q, v, err
		}
		errors["org"] = web.ErrMessage(err, i18n.FromRequest(r))
	}
	if s := v.Get("org"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return q, v, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
		}
		q.Under = id
	}
	return q, v, nil
}

// peopleList is what the member list shows.
type peopleList struct {
	Rows      []people.Member
	List      *web.List
	Under     org.Org
	Stats     people.Stats
	HasStats  bool
	Filtered  bool
	CanManage bool
}

// PeopleList is the member register of the actor's scope, or of ?org=ID
// and its subtree: searchable by name or a whole ID number, filtered by
// status and kind, in pinyin order, paged and exported, under the
// statistics of the subtree.
func (h *Pages) PeopleList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "people", h.T(lang, "ppl.list_title"))
	l := web.ListFrom(r, "name")
	q, form, err := h.memberQuery(r, l, p.Errors)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &peopleList{List: l, CanManage: actor.CanAnywhere(people.PeopleManage)}
	if v.Rows, l.Total, err = h.ppl.Members(ctx, actor, q); err != nil {
		h.Fail(w, r, err)
		return
	}
	// In name order the pager links by position, so that a page deep in
	// a county's list reads only its own rows.
	if n := len(v.Rows); n > 0 && (q.Sort == "" || q.Sort == "name") {
		l.NextAt, l.PrevAt = v.Rows[n-1].Position(), v.Rows[0].Position()
	}
	scopes := []org.Org{}
	if q.Under != 0 {
		if v.Under, err = h.Orgs.Get(ctx, actor, q.Under); err != nil {
			h.Fail(w, r, err)
			return
		}
		v.CanManage = actor.Can(people.PeopleManage, v.Under.Path) && v.Under.Active()
		scopes = append(scopes, v.Under)
	} else if scopes, err = h.Orgs.Roots(ctx, actor); err != nil {
		h.Fail(w, r, err)
		return
	}
	// The summary of what the list holds, over each subtree it covers.
	for _, o := range scopes {
		st, err := h.ppl.Stats(ctx, actor, o.ID)
		if err != nil {
			continue // a root the actor reads organizations in, not members
		}
		v.HasStats = true
		v.Stats.Total += st.Total
		v.Stats.Women += st.Women
		v.Stats.Probationary += st.Probationary
		v.Stats.Floating += st.Floating
	}
	h.crumbs(r, p, v.Under)
	if v.Under.ID == 0 {
		p.ScopeName = web.ScopeName(actor, people.PeopleRead)
	}
	v.Filtered = l.Q != "" || q.Status != "" || q.Kind != "" || q.Gender != "" || q.Education != "" || q.AgeBand != ""
	p.Form = form
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "people_list", "layout", p)
}

// crumbs sets the breadcrumb of a register page: 党员, the organizations
// from the actor's root down to o (each the list of its subtree), then the
// extra steps.
func (h *Pages) crumbs(r *http.Request, p *web.Page, o org.Org, extra ...web.Crumb) {
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "nav.people"), Href: "/people"}}
	if o.ID != 0 {
		bc, _ := h.Orgs.Breadcrumb(r.Context(), web.Actor(r), o)
		for _, b := range bc {
			p.Crumbs = append(p.Crumbs, web.Crumb{Label: b.Label(), Href: listHref(b.ID)})
		}
		p.ScopeName = o.Label()
	}
	p.Crumbs = append(p.Crumbs, extra...)
	if len(extra) == 0 {
		p.Crumbs[len(p.Crumbs)-1].Href = ""
	}
}

// listHref is the member list of an organization's subtree.
func listHref(orgID int64) string { return "/people?org=" + strconv.FormatInt(orgID, 10) }
