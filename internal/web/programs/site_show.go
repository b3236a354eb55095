package programs

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// siteStepRow is a step of the timeline with its words.
type siteStepRow struct {
	programs.SiteStep
	Label  string
	Detail string // the year named or re-checked and the result
}

// siteShowView is a site's page: the site, its timeline, the steps the
// actor may take on it now and what their forms offer.
type siteShowView struct {
	S             programs.Site
	StateLabel    string
	StateClass    string
	Steps         []siteStepRow
	Can           map[string]bool // cultivate, accept, designate, recheck, revoke, lead
	Any           bool
	Today         string
	DesignateYrs  []int
	RecheckYrs    []int
	LeadYrs       []int
	Results       []org.Choice
	RecheckResult string // the last re-check's result in words
}

func (h *Pages) siteView(w http.ResponseWriter, r *http.Request, p *web.Page) (*siteShowView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	x, err := h.pg.Site(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	today := h.pg.Today()
	this := today.Year()
	v := &siteShowView{S: x, Today: today.Format("2006-01-02"), Can: map[string]bool{}, Results: programs.SiteRecheckResults}
	v.StateLabel, v.StateClass = siteTag(x.State, p.Lang)
	for _, st := range []string{"cultivate", "accept", "designate", "recheck", "revoke", "lead"} {
		v.Can[st] = h.pg.CanSite(ctx, actor, x, st)
		v.Any = v.Any || v.Can[st]
	}
	for _, st := range x.Steps {
		row := siteStepRow{SiteStep: st, Label: org.LabelOf(programs.SiteSteps, st.Step, p.Lang)}
		switch st.Step {
		case "designate":
			row.Detail = fmt.Sprintf(h.T(p.Lang, "site.named_of"), st.Year)
		case "recheck":
			row.Detail = strconv.Itoa(st.Year) + " · " + org.LabelOf(programs.SiteRecheckResults, st.Result, p.Lang)
			v.RecheckResult = row.Detail
		case "nominate":
			row.Detail = fmt.Sprintf(h.T(p.Lang, "site.year_of"), st.Year)
		}
		v.Steps = append(v.Steps, row)
	}
	for y := this; y >= max(x.Year, this-1); y-- {
		v.DesignateYrs = append(v.DesignateYrs, y)
	}
	done := map[int]bool{}
	for _, st := range x.Steps {
		if st.Step == "recheck" {
			done[st.Year] = true
		}
	}
	for y := this; y > x.DesignatedYear && y >= this-1; y-- {
		if !done[y] {
			v.RecheckYrs = append(v.RecheckYrs, y)
		}
	}
	// A site re-checked for every year it may be is offered no re-check.
	v.Can["recheck"] = v.Can["recheck"] && len(v.RecheckYrs) > 0
	for y := this; y >= x.DesignatedYear && y >= this-4 && x.DesignatedYear > 0; y-- {
		v.LeadYrs = append(v.LeadYrs, y)
	}
	p.Title = x.OrgName + " · " + strconv.Itoa(x.Year) + h.T(p.Lang, "site.year_suffix")
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "site.title"), Href: "/sites"}, {Label: p.Title}}
	if v.Can["lead"] {
		p.Picker("org_id", web.PickFilter{Under: x.NominatorID})
	}
	p.Data = v
	return v, true
}

// form is the defaults of the site's forms.
func (v *siteShowView) form() url.Values {
	f := url.Values{}
	for _, st := range []string{"cultivate", "accept", "designate", "recheck", "revoke"} {
		f.Set(st+"_on", v.Today)
	}
	if len(v.DesignateYrs) > 0 {
		f.Set("designate_year", strconv.Itoa(v.DesignateYrs[len(v.DesignateYrs)-1]))
		if v.S.AcceptedOn != "" {
			f.Set("designate_year", v.S.AcceptedOn[:4])
		}
	}
	if len(v.RecheckYrs) > 0 {
		f.Set("recheck_year", strconv.Itoa(v.RecheckYrs[0]))
	}
	if len(v.LeadYrs) > 0 {
		f.Set("lead_year", strconv.Itoa(v.LeadYrs[0]))
	}
	return f
}

// SiteShow shows a site: the facts, the materials, the organizations it
// leads, the timeline with its files, and the form of the next step for
// an account that may take it.
func (h *Pages) SiteShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "sites", "")
	v, ok := h.siteView(w, r, p)
	if !ok {
		return
	}
	p.Form = v.form()
	h.render(w, r, http.StatusOK, "site_show", "layout", p)
}

// SiteStep takes the step of the path; the acceptance carries files
// (multipart). A refusal for the account, or a site moved on meanwhile,
// is said on the site's page as it is now; bad input shows the page again
// with the message at its field and what was typed.
func (h *Pages) SiteStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		form, files, ferr := readUpload(w, r)
		p := h.Page(r, "sites", "")
		v, ok := h.siteView(w, r, p)
		if !ok {
			return
		}
		p.Form = v.form()
		for k, vs := range form {
			p.Form[k] = vs
		}
		if ferr != nil {
			h.siteUploadError(w, r, p, "site_show", ferr)
			return
		}
		ctx, actor := r.Context(), web.Actor(r)
		f := p.Form
		id := v.S.ID
		var x programs.Site
		var err error
		switch step {
		case "cultivate":
			x, err = h.pg.Cultivate(ctx, actor, id, programs.SiteNoteInput{OnDate: f.Get(step + "_on"), Text: f.Get("text")})
		case "accept":
			x, err = h.pg.AcceptSite(ctx, actor, id, programs.SiteAcceptInput{Decision: f.Get("decision"), Conclusion: f.Get("conclusion"), OnDate: f.Get(step + "_on"), Files: files})
		case "designate":
			x, err = h.pg.Designate(ctx, actor, id, programs.SiteDesignateInput{Year: ctInt(f.Get("designate_year")), OnDate: f.Get(step + "_on"), Note: f.Get("note")})
		case "recheck":
			x, err = h.pg.Recheck(ctx, actor, id, programs.SiteRecheckInput{Year: ctInt(f.Get("recheck_year")), Result: f.Get("result"), Reason: f.Get("reason"), OnDate: f.Get(step + "_on")})
		case "revoke":
			x, err = h.pg.RevokeSite(ctx, actor, id, programs.SiteRevokeInput{Reason: f.Get("revoke_reason"), OnDate: f.Get(step + "_on")})
		default:
			if rerr := h.ResolveOrg(ctx, actor, f, "org_id", web.PickFilter{Under: v.S.NominatorID}); rerr != nil {
				h.FormError(w, r, h.tmpl, p, "site_show", rerr)
				return
			}
			x, err = h.pg.AddLed(ctx, actor, id, programs.SiteLedInput{OrgID: ctID(f.Get("org_id")), Year: ctInt(f.Get("lead_year")), Note: f.Get("note")})
		}
		if err != nil {
			if k := errs.KindOf(err); k == errs.Forbidden || k == errs.NotFound || k == errs.Conflict && errs.As(err).Field == "" {
				h.Redirect(w, r, siteHref(id), "err", web.ErrMessage(err, p.Lang))
				return
			}
			// The forms of the steps share names: each error goes to the
			// field of the form it came from.
			err = siteFieldsOf(step, err)
			h.siteUploadError(w, r, p, "site_show", err)
			return
		}
		msg := fmt.Sprintf(h.T(p.Lang, "site.done"), org.LabelOf(programs.SiteStates, x.State, p.Lang))
		if p.Lang == i18n.EN {
			msg = fmt.Sprintf(h.T(p.Lang, "site.done"), strings.ToLower(org.LabelOf(programs.SiteStates, x.State, p.Lang)))
		}
		if step == "lead" {
			msg = h.T(p.Lang, "site.lead_saved")
		}
		h.Redirect(w, r, siteHref(x.ID)+"#"+step, "ok", msg)
	}
}

// siteFieldsOf renames the fields of a step's error to those of its form,
// where the domain's names are shared by several forms of the page (a
// year, a reason).
func siteFieldsOf(step string, err error) error {
	rename := map[string]map[string]string{
		"cultivate": {"on_date": "cultivate_on"},
		"accept":    {"on_date": "accept_on"},
		"designate": {"year": "designate_year", "on_date": "designate_on"},
		"recheck":   {"year": "recheck_year", "on_date": "recheck_on"},
		"revoke":    {"reason": "revoke_reason", "on_date": "revoke_on"},
		"lead":      {"year": "lead_year"},
	}[step]
	return siteRename(err, rename)
}

// siteRename renames the fields of an error.
func siteRename(err error, rename map[string]string) error {
	e := errs.As(err)
	if len(rename) == 0 || e == nil {
		return err
	}
	c := *e
	if n, ok := rename[c.Field]; ok {
		c.Field = n
	}
	c.Details = nil
	for _, d := range e.Details {
		dc := *d
		if n, ok := rename[dc.Field]; ok {
			dc.Field = n
		}
		c.Details = append(c.Details, &dc)
	}
	return &c
}

// SiteFile sends a file of a site as a download.
func (h *Pages) SiteFile(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	fid, err := web.PathID(r, "fid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	f, err := h.pg.SiteFile(r.Context(), web.Actor(r), id, fid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sendFile(w, f.Name, f.MIME, f.Data)
}
