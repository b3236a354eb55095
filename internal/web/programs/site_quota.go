package programs

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// siteQuotaRow is a unit's quota as the page shows it.
type siteQuotaRow struct {
	programs.SiteQuota
	Quota                    string
	StatusLabel, StatusClass string
}

// siteQuotasView is the quotas' page.
type siteQuotasView struct {
	Rows   []siteQuotaRow
	Under  org.Org
	Year   int
	Years  []int
	Sum    programs.SiteQuota // the nominations of every unit shown
	CanSet []siteUnit         // the units whose quota the actor sets
	This   int
	// QuotaYears are the years a quota is set for: this one and the next.
	QuotaYears []int
}

func (h *Pages) siteQuotasOf(r *http.Request, p *web.Page) (*siteQuotasView, error) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	under, err := h.ctScope(r, p)
	if err != nil {
		return nil, err
	}
	this := h.pg.Today().Year()
	v := &siteQuotasView{Under: under, Year: ctYear(r.URL.Query()), Years: []int{this + 1, this, this - 1, this - 2}, This: this, QuotaYears: []int{this, this + 1}}
	if v.Year == 0 {
		v.Year = this
	}
	qs, err := h.pg.SiteQuotas(ctx, actor, under.ID, v.Year)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		row := siteQuotaRow{SiteQuota: q, Quota: siteQuotaText(q.Min, q.Max)}
		row.StatusLabel = org.LabelOf(programs.SiteQuotaStatuses, q.Status, lang)
		row.StatusClass = map[string]string{"below": "warn", "within": "ok", "full": "gold"}[q.Status]
		v.Rows = append(v.Rows, row)
		v.Sum.Nominated += q.Nominated
		v.Sum.Designated += q.Designated
		v.Sum.Min += q.Min
		v.Sum.Max += q.Max
		if actor.Can(programs.ProgramsManage, q.ParentPath()) {
			v.CanSet = append(v.CanSet, siteUnit{ID: q.OrgID, Name: q.OrgName})
		}
	}
	return v, nil
}

// SiteQuotas lists the quota of a year of every nominating unit the actor
// reads, with the sites nominated and designated and where each unit
// stands, and the form that sets a unit's quota for the accounts above a
// unit.
func (h *Pages) SiteQuotas(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "sites", h.T(lang, "site.quota_title"))
	v, err := h.siteQuotasOf(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if p.Form.Get("quota_year") == "" {
		p.Form.Set("quota_year", strconv.Itoa(max(v.Year, v.This)))
	}
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "site.title"), Href: "/sites"}, {Label: p.Title}}
	p.Picker("org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "site_quotas", "layout", p)
}

// SiteQuotaSet sets a unit's quota for a year; a refused one shows the page
// again with the message at its field and what was typed.
func (h *Pages) SiteQuotaSet(w http.ResponseWriter, r *http.Request) {
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "sites", h.T(lang, "site.quota_title"))
	f := r.PostForm
	in := programs.SiteQuotaInput{OrgID: ctID(f.Get("quota_org")), Year: ctInt(f.Get("quota_year")), Min: ctInt(f.Get("min")), Max: ctInt(f.Get("max"))}
	q, err := h.pg.SetSiteQuota(ctx, actor, in)
	if err != nil {
		v, verr := h.siteQuotasOf(r, p)
		if verr != nil {
			h.Fail(w, r, verr)
			return
		}
		for k, vs := range f {
			p.Form[k] = vs
		}
		p.Crumbs = []web.Crumb{{Label: h.T(lang, "site.title"), Href: "/sites"}, {Label: p.Title}}
		p.Picker("org", web.PickFilter{})
		p.Data = v
		h.FormError(w, r, h.tmpl, p, "site_quotas", siteQuotaFields(err))
		return
	}
	h.Redirect(w, r, fmt.Sprintf("/sites/quotas?year=%d", q.Year), "ok", fmt.Sprintf(h.T(lang, "site.quota_saved"), q.OrgName, q.Year, siteQuotaText(q.Min, q.Max)))
}

// siteQuotaFields puts a quota's errors at the form's fields: the unit
// and the year have their own names there.
func siteQuotaFields(err error) error {
	return siteRename(err, map[string]string{"org_id": "quota_org", "year": "quota_year"})
}

// SiteQuotasExport exports the quotas of the page.
func (h *Pages) SiteQuotasExport(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	v, err := h.siteQuotasOf(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	name := i18n.Text{ZH: "示范点推荐名额", EN: "quotas of demonstration sites"}
	header := []string{"序号", "推荐单位", "上级党委", "年度", "最少名额(个)", "最多名额(个)", "名额来源", "已推荐(个)", "已命名(个)", "名额情况"}
	if lang == i18n.EN {
		header = []string{"No.", "Nominating unit", "Set by", "Year", "At least", "At most", "Quota", "Nominated", "Designated", "Standing"}
	}
	scope := web.ExportScope(r, v.Under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + name.In(lang)), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 22, 16, 8, 10, 10, 10, 10, 10, 14},
		Kinds:  []xlsx.Kind{xlsx.Integer, 3: xlsx.Integer, 4: xlsx.Integer, 5: xlsx.Integer, 7: xlsx.Integer, 8: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string { return ctFilters(lang, v.Under, "", "", "", v.Year) })
	h.SendXLSX(w, r, scope, name, filters, s, func(yield func([]any) bool) {
		for i, q := range v.Rows {
			src := web.Msg(lang, "默认", "default")
			if q.Set {
				src = web.Msg(lang, "已设置", "set")
			}
			if !yield([]any{i + 1, q.OrgName, q.ParentName, q.Year, q.Min, q.Max, src, q.Nominated, q.Designated, org.LabelOf(programs.SiteQuotaStatuses, q.Status, lang)}) {
				return
			}
		}
	})
}
