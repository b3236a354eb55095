package programs

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// fsFormView is the dispatch form: the person picked, and the term the new
// one takes over from when the form comes from a term that ended.
type fsFormView struct {
	Pick  ctPick
	After *programs.FirstSec
	Today string
}

// fsNoDispatch refuses the dispatch form to an account that may dispatch
// nowhere.
var fsNoDispatch = errs.New(errs.Forbidden, "您没有选派第一书记的权限", "you may not dispatch first secretaries")

func (h *Pages) fsFormPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "fsec", h.T(lang, "fs.new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "fs.title"), Href: "/first-secretaries"}, {Label: p.Title}}
	p.Picker("org_id", web.PickFilter{Level: "village"})
	return p
}

// fsAfter is the ended term a dispatch form takes over from (?after= or
// the form's after), nil for none.
func (h *Pages) fsAfter(r *http.Request, v string) *programs.FirstSec {
	id := ctID(v)
	if id == 0 {
		return nil
	}
	f, err := h.pg.FirstSecTerm(r.Context(), web.Actor(r), id)
	if err != nil || f.EndedOn == "" {
		return nil
	}
	return &f
}

// FirstSecNewForm shows the dispatch form, for ?org= or to succeed the
// term ?after=.
func (h *Pages) FirstSecNewForm(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, fsNoDispatch)
		return
	}
	p := h.fsFormPage(r)
	today := h.pg.Today()
	p.Form = url.Values{"started_on": {today.Format("2006-01-02")}, "ends_on": {today.AddDate(2, 0, -1).Format("2006-01-02")}}
	v := &fsFormView{Today: today.Format("2006-01-02")}
	q := r.URL.Query()
	if id := ctID(q.Get("org")); id != 0 {
		p.Form.Set("org_id", strconv.FormatInt(id, 10))
	}
	if v.After = h.fsAfter(r, q.Get("after")); v.After != nil {
		p.Form.Set("org_id", strconv.FormatInt(v.After.OrgID, 10))
		p.Form.Set("after", strconv.FormatInt(v.After.ID, 10))
		p.Form.Set("duties", v.After.Duties)
	}
	p.Data = v
	h.render(w, r, http.StatusOK, "fsec_form", "layout", p)
}

// FirstSecNew dispatches; on error the form shows again as typed, the
// message at its field.
func (h *Pages) FirstSecNew(w http.ResponseWriter, r *http.Request) {
	p := h.fsFormPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, fsNoDispatch)
		return
	}
	p.Form = r.PostForm
	v := &fsFormView{After: h.fsAfter(r, p.Form.Get("after")), Today: h.pg.Today().Format("2006-01-02")}
	p.Data = v
	var bad errs.Fields
	pick, _, err := h.ctResolvePerson(ctx, actor, p.Form, p.Lang)
	v.Pick = pick
	for _, err := range []error{err, h.ResolveOrg(ctx, actor, p.Form, "org_id", web.PickFilter{Level: "village"})} {
		if e := errs.As(err); err != nil && e.Field != "" {
			bad.Add(e.Field, e.ZH, e.EN)
		} else if err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	if err := bad.Err(); err != nil {
		h.FormError(w, r, h.tmpl, p, "fsec_form", err)
		return
	}
	f := p.Form
	t, err := h.pg.Dispatch(ctx, actor, programs.FirstSecInput{PersonID: pick.ctPersonID(), OrgID: ctID(f.Get("org_id")), HomeAgency: f.Get("home_agency"),
		StartedOn: f.Get("started_on"), EndsOn: f.Get("ends_on"), Duties: f.Get("duties")})
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "fsec_form", err)
		return
	}
	h.Redirect(w, r, fsHref(t.ID), "ok", fmt.Sprintf(h.T(p.Lang, "fs.dispatched"), t.PersonName, t.OrgName))
}

func (h *Pages) fsReviewPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "fsec", h.T(lang, "fs.review_title"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "fs.title"), Href: "/first-secretaries"}, {Label: p.Title}}
	p.Picker("org_id", web.PickFilter{})
	return p
}

// fsReviewView is the review form.
type fsReviewView struct{ This int }

// FirstSecReviewForm shows the form that opens a year's review, for ?org=;
// in the first half of a year it proposes the year before.
func (h *Pages) FirstSecReviewForm(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有发起第一书记年度评议的权限", "you may not open the first secretaries' review"))
		return
	}
	p := h.fsReviewPage(r)
	today := h.pg.Today()
	year := today.Year()
	if today.Month() <= 6 {
		year--
	}
	p.Form = url.Values{"year": {strconv.Itoa(year)}, "opens_on": {today.Format("2006-01-02")}, "closes_on": {today.AddDate(0, 0, 14).Format("2006-01-02")}}
	// The organization of the list it comes from, else the account's own.
	if id := ctID(r.URL.Query().Get("org")); id != 0 {
		p.Form.Set("org_id", strconv.FormatInt(id, 10))
	} else if gs := web.Actor(r).Grants; len(gs) > 0 && gs[0].OrgID != 0 {
		p.Form.Set("org_id", strconv.FormatInt(gs[0].OrgID, 10))
	}
	p.Data = &fsReviewView{This: today.Year()}
	h.render(w, r, http.StatusOK, "fsec_review", "layout", p)
}

// FirstSecReview opens the review and goes to the campaign on the
// evaluation's pages, where it is run.
func (h *Pages) FirstSecReview(w http.ResponseWriter, r *http.Request) {
	p := h.fsReviewPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有发起第一书记年度评议的权限", "you may not open the first secretaries' review"))
		return
	}
	p.Form = r.PostForm
	p.Data = &fsReviewView{This: h.pg.Today().Year()}
	if err := h.ResolveOrg(ctx, actor, p.Form, "org_id", web.PickFilter{}); err != nil {
		if errs.As(err).Field == "" {
			h.Fail(w, r, err)
			return
		}
		h.FormError(w, r, h.tmpl, p, "fsec_review", err)
		return
	}
	f := p.Form
	c, n, err := h.pg.OpenFirstSecReview(ctx, actor, programs.FirstSecReviewInput{OrgID: ctID(f.Get("org_id")), Year: ctInt(f.Get("year")), OpensOn: f.Get("opens_on"), ClosesOn: f.Get("closes_on")})
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "fsec_review", err)
		return
	}
	msg := fmt.Sprintf(h.T(p.Lang, "fs.review_opened"), c.Year, n)
	if int(c.Rules.TopCap*float64(n)+1e-9) == 0 {
		msg += web.Msg(p.Lang, "。", ". ") + h.T(p.Lang, "fs.review_no_top")
	}
	h.Redirect(w, r, "/evaluation/"+strconv.FormatInt(c.ID, 10), "ok", msg)
}
