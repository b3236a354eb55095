package coverage

import (
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// covUnitForm is the data of the unit form.
type covUnitForm struct {
	New  bool
	U    coverage.Unit // the unit edited
	Aff  org.Org       // the leading organization, when known
	Opts covOptions
}

func formFromUnit(u coverage.Unit) url.Values {
	f := url.Values{
		"credit_code": {u.CreditCode}, "name": {u.Name}, "category": {u.Category}, "industry": {u.Industry},
		"employees": {strconv.Itoa(u.Employees)}, "region_code": {u.RegionCode}, "address": {u.Address}, "legal_rep": {u.LegalRep},
		"full_members": {strconv.Itoa(u.FullMembers)}, "probationary_members": {strconv.Itoa(u.ProbationaryMembers)},
		"affiliation_org_id": {strconv.FormatInt(u.AffiliationOrgID, 10)}, "version": {strconv.Itoa(u.Version)},
	}
	if u.LegalRepMember {
		f.Set("legal_rep_member", "1")
	}
	return f
}

// unitInput reads the unit form; fields that are not numbers are recorded in bad.
func unitInput(f url.Values, bad map[string]bool) coverage.Input {
	return coverage.Input{CreditCode: f.Get("credit_code"), Name: f.Get("name"), Category: f.Get("category"), Industry: f.Get("industry"),
		Employees: web.IntField(f.Get("employees"), "employees", bad), RegionCode: f.Get("region_code"), Address: f.Get("address"),
		LegalRep: f.Get("legal_rep"), LegalRepMember: f.Get("legal_rep_member") == "1",
		FullMembers: web.IntField(f.Get("full_members"), "full_members", bad), ProbationaryMembers: web.IntField(f.Get("probationary_members"), "probationary_members", bad),
		AffiliationOrgID: web.IDField(f.Get("affiliation_org_id"), "affiliation_org_id", bad)}
}

// affOf looks up the leading organization typed in the form, for the hint
// beside the field; an unknown number just shows no name.
func (h *Pages) affOf(r *http.Request, s string) org.Org {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return org.Org{}
	}
	o, _ := h.Orgs.Get(r.Context(), web.Actor(r), id)
	return o
}

// unitPickers declares the pickers of the unit form: the leading
// organization and the village or community the unit is in.
func unitPickers(p *web.Page) {
	p.Picker("affiliation_org_id", web.PickFilter{})
	p.RegionPicker("region_code")
}

func (h *Pages) unitNewPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "coverage", h.T(lang, "cov.unit_new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.coverage"), Href: "/coverage"}, {Label: h.T(lang, "cov.units_title"), Href: "/coverage/units"}, {Label: p.Title}}
	unitPickers(p)
	return p
}

// CoverageUnitNewForm shows the form that registers a unit; the leading
// organization is ?affiliation_org_id= or the root of the actor's scope.
func (h *Pages) CoverageUnitNewForm(w http.ResponseWriter, r *http.Request) {
	if err := coverage.CheckManage(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	p := h.unitNewPage(r)
	aff := r.URL.Query().Get("affiliation_org_id")
	if aff == "" {
		if roots, err := h.Orgs.Roots(r.Context(), web.Actor(r)); err == nil && len(roots) > 0 {
			aff = strconv.FormatInt(roots[0].ID, 10)
		}
	}
	p.Form.Set("affiliation_org_id", aff)
	p.Data = &covUnitForm{New: true, Aff: h.affOf(r, aff), Opts: covOpts}
	h.render(w, r, http.StatusOK, "coverage_unit_form", "layout", p)
}

// CoverageUnitNew registers the unit; on error the form shows again as typed.
func (h *Pages) CoverageUnitNew(w http.ResponseWriter, r *http.Request) {
	p := h.unitNewPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	bad := map[string]bool{}
	if err := h.ResolveOrg(r.Context(), web.Actor(r), r.PostForm, "affiliation_org_id", web.PickFilter{}); err != nil {
		p.Data = &covUnitForm{New: true, Opts: covOpts}
		h.covFormError(w, r, p, "coverage_unit_form", err, bad)
		return
	}
	p.Data = &covUnitForm{New: true, Aff: h.affOf(r, r.PostForm.Get("affiliation_org_id")), Opts: covOpts}
	u, err := h.cov.Create(r.Context(), web.Actor(r), unitInput(r.PostForm, bad))
	if err != nil {
		h.covFormError(w, r, p, "coverage_unit_form", err, bad)
		return
	}
	h.Redirect(w, r, "/coverage/units/"+strconv.FormatInt(u.ID, 10), "ok", web.Msg(p.Lang, "已登记“"+u.Name+"”", "Registered "+u.Name))
}

func (h *Pages) unitEditPage(w http.ResponseWriter, r *http.Request) (*web.Page, *covUnitForm, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	u, err := h.cov.Get(r.Context(), web.Actor(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	lang := i18n.FromRequest(r)
	p := h.Page(r, "coverage", h.T(lang, "cov.unit_edit")+" · "+u.Name)
	aff := h.affOf(r, strconv.FormatInt(u.AffiliationOrgID, 10))
	if !web.Actor(r).Can(coverage.UnitManage, aff.Path) || aff.ID == 0 {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有修改该单位的权限", "you may not change this unit"))
		return nil, nil, false
	}
	h.covCrumbs(r, p, aff, web.Crumb{Label: h.T(lang, "cov.units_title"), Href: unitsHref(u.AffiliationOrgID)},
		web.Crumb{Label: u.Name, Href: "/coverage/units/" + strconv.FormatInt(u.ID, 10)}, web.Crumb{Label: h.T(lang, "cov.unit_edit")})
	f := &covUnitForm{U: u, Aff: aff, Opts: covOpts}
	p.Data = f
	unitPickers(p)
	return p, f, true
}

// CoverageUnitEditForm shows the unit form filled in.
func (h *Pages) CoverageUnitEditForm(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.unitEditPage(w, r)
	if !ok {
		return
	}
	p.Form = formFromUnit(f.U)
	h.render(w, r, http.StatusOK, "coverage_unit_form", "layout", p)
}

// CoverageUnitEdit saves the unit form. Choosing a category confirms it;
// leaving it on "from the credit code" derives it again.
func (h *Pages) CoverageUnitEdit(w http.ResponseWriter, r *http.Request) {
	p, f, ok := h.unitEditPage(w, r)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	bad := map[string]bool{}
	if err := h.ResolveOrg(r.Context(), web.Actor(r), r.PostForm, "affiliation_org_id", web.PickFilter{}); err != nil {
		h.covFormError(w, r, p, "coverage_unit_form", err, bad)
		return
	}
	f.Aff = h.affOf(r, r.PostForm.Get("affiliation_org_id"))
	in := unitInput(r.PostForm, bad)
	patch := coverage.Patch{CreditCode: &in.CreditCode, Name: &in.Name, Category: &in.Category, Industry: &in.Industry, Employees: &in.Employees,
		RegionCode: &in.RegionCode, Address: &in.Address, LegalRep: &in.LegalRep, LegalRepMember: &in.LegalRepMember,
		FullMembers: &in.FullMembers, ProbationaryMembers: &in.ProbationaryMembers, AffiliationOrgID: &in.AffiliationOrgID,
		Version: web.FormVersion(r.PostForm)}
	if in.Category == "" {
		auto := false
		patch.CategoryConfirmed = &auto
	}
	u, err := h.cov.Update(r.Context(), web.Actor(r), f.U.ID, patch)
	if errs.IsStale(err) {
		if cur, gerr := h.cov.Get(r.Context(), web.Actor(r), f.U.ID); gerr == nil {
			h.StaleForm(w, r, h.tmpl, p, "coverage_unit_form", formFromUnit(cur), unitStoredFields(p.Lang))
			return
		}
	}
	if err != nil {
		h.covFormError(w, r, p, "coverage_unit_form", err, bad)
		return
	}
	h.Redirect(w, r, "/coverage/units/"+strconv.FormatInt(u.ID, 10), "ok", web.Msg(p.Lang, "已保存“"+u.Name+"”", "Saved "+u.Name))
}

// unitStoredFields are the fields of the unit form listed with their stored
// values after a stale save.
func unitStoredFields(lang string) []web.StoredField {
	label := func(set string) func(string) string {
		return func(v string) string { return covLabel(set, v, lang) }
	}
	yes := func(v string) string {
		if v == "1" {
			return Messages["cov.yes"].In(lang)
		}
		return Messages["cov.no"].In(lang)
	}
	return []web.StoredField{{Name: "credit_code", Label: "cov.credit_code", Show: nil}, {Name: "name", Label: "cov.unit_name", Show: nil}, {Name: "category", Label: "cov.category", Show: label("category")},
		{Name: "industry", Label: "cov.industry", Show: label("industry")}, {Name: "employees", Label: "cov.employees", Show: nil}, {Name: "region_code", Label: "cov.region_code", Show: nil},
		{Name: "address", Label: "cov.address", Show: nil}, {Name: "legal_rep", Label: "cov.legal_rep", Show: nil}, {Name: "legal_rep_member", Label: "cov.legal_rep_member", Show: yes},
		{Name: "full_members", Label: "cov.full_members", Show: nil}, {Name: "probationary_members", Label: "cov.probationary_members", Show: nil},
		{Name: "affiliation_org_id", Label: "cov.affiliation_id", Show: nil}}
}

// coverageStoredFields are the fields of the coverage form listed with
// their stored values after a stale save.
func coverageStoredFields(lang string) []web.StoredField {
	return []web.StoredField{{Name: "coverage", Label: "cov.coverage", Show: func(v string) string { return covLabel("status", v, lang) }},
		{Name: "org_id", Label: "cov.coverage_org_short", Show: nil}, {Name: "instructor", Label: "cov.instructor", Show: nil}}
}
