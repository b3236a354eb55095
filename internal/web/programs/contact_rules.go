package programs

import (
	"fmt"
	"net/http"
	"net/url"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
)

// ctRulesView is the rules page.
type ctRulesView struct {
	Rules     []programs.ContactRule
	Under     org.Org
	InForce   int
	Default   int
	CanManage bool
}

func (h *Pages) ctRulesPage(r *http.Request, p *web.Page) (*ctRulesView, error) {
	ctx, actor := r.Context(), web.Actor(r)
	under, err := h.ctScope(r, p)
	if err != nil {
		return nil, err
	}
	if under.ID == 0 {
		roots, err := h.Orgs.Roots(ctx, actor)
		if err != nil {
			return nil, err
		}
		if len(roots) > 0 {
			under = roots[0]
		}
	}
	rules, inForce, err := h.pg.ContactRules(ctx, actor, under.ID)
	if err != nil {
		return nil, err
	}
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "ct.title"), Href: "/contacts"}, {Label: p.Title}}
	p.Picker("org", web.PickFilter{})
	return &ctRulesView{Rules: rules, Under: under, InForce: inForce, Default: programs.DefaultMinVisits, CanManage: actor.CanAnywhere(programs.ProgramsManage)}, nil
}

// ContactRules shows the rules of the visits a year: those set in the
// subtree of the organization shown (?org=, the actor's scope by default)
// and above it, the rule in force there, and the form that sets one.
func (h *Pages) ContactRules(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "contacts", h.T(lang, "ct.rules_title"))
	v, err := h.ctRulesPage(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Form = url.Values{"org": {p.Form.Get("org")}, "rule_org": {}}
	if v.Under.ID != 0 && programs.RuleLevelOK(v.Under) {
		p.Form.Set("rule_org", fmt.Sprint(v.Under.ID))
	}
	p.Picker("rule_org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "contact_rules", "layout", p)
}

// ContactRuleSet sets a rule (or removes it, when the number is left empty
// or the row's button says so) and comes back to the page.
func (h *Pages) ContactRuleSet(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	if !h.ParseForm(w, r) {
		return
	}
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "contacts", h.T(lang, "ct.rules_title"))
	v, err := h.ctRulesPage(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	form := r.PostForm
	if err := h.ResolveOrg(ctx, actor, form, "rule_org", web.PickFilter{}); err != nil {
		p.Form = form
		p.Picker("rule_org", web.PickFilter{})
		p.Data = v
		h.FormError(w, r, h.tmpl, p, "contact_rules", err)
		return
	}
	n := ctInt(form.Get("min_visits")) // empty: the rule above holds
	if form.Get("op") == "clear" {
		n = 0
	}
	rule, err := h.pg.SetContactRule(ctx, actor, programs.ContactRuleInput{OrgID: ctID(form.Get("rule_org")), MinVisits: n})
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Invalid && e.Field == "org_id" {
			e = errs.Field("rule_org", e.ZH, e.EN)
		}
		p.Form = form
		p.Picker("rule_org", web.PickFilter{})
		p.Data = v
		h.FormError(w, r, h.tmpl, p, "contact_rules", e)
		return
	}
	back := "/contacts/rules"
	if o := r.URL.Query().Get("org"); o != "" {
		back += "?org=" + url.QueryEscape(o)
	}
	msg := fmt.Sprintf(h.T(lang, "ct.rule_saved"), rule.OrgName, rule.MinVisits)
	if n == 0 {
		msg = fmt.Sprintf(h.T(lang, "ct.rule_unchanged"), rule.OrgName)
		for _, x := range v.Rules {
			if x.OrgID == rule.OrgID {
				msg = fmt.Sprintf(h.T(lang, "ct.rule_cleared"), rule.OrgName)
			}
		}
	}
	h.Redirect(w, r, back, "ok", msg)
}
