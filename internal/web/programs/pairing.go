package programs

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The pages of the pairings (结对共建, M7): the pairings running in a year
// with their commitments' completion, the form that pairs two
// organizations, a pairing with its commitments, what was delivered and
// the forms that record them, and the totals by county.

// pairingRoutes are the pages of the pairings.
func (h *Pages) pairingRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/pairings", module.Web, h.PairingList),
		module.R("GET", "/pairings/export.xlsx", module.Web, h.PairingExport),
		module.R("GET", "/pairings/new", module.Web, h.PairingNewForm),
		module.R("POST", "/pairings/new", module.Web, h.PairingNew),
		module.R("GET", "/pairings/totals", module.Web, h.PairingTotals),
		module.R("GET", "/pairings/totals.xlsx", module.Web, h.PairingTotalsExport),
		module.R("GET", "/pairings/{id}", module.Web, h.PairingShow),
		module.R("POST", "/pairings/{id}/commitments", module.Web, h.PairingCommit),
		module.R("POST", "/pairings/{id}/completions", module.Web, h.PairingComplete),
		module.R("GET", "/pairings/{id}/files/{fid}", module.Web, h.PairingFile),
	}
}

func prHref(id int64) string { return "/pairings/" + strconv.FormatInt(id, 10) }

// prRow is a pairing as the list shows it.
type prRow struct {
	programs.Pairing
	Category string // the agency's
	Years    string
	RateText string
	Funds    bool // the year has a funds commitment
}

// prYears writes a pairing's years: "2024 年起", "2026–2028 年".
func prYears(p programs.Pairing, lang string) string {
	if p.ToYear == 0 {
		return web.Msg(lang, fmt.Sprintf("%d 年起", p.FromYear), fmt.Sprintf("from %d", p.FromYear))
	}
	return web.Msg(lang, fmt.Sprintf("%d–%d 年", p.FromYear, p.ToYear), fmt.Sprintf("%d–%d", p.FromYear, p.ToYear))
}

// prRate writes a rate in % with one decimal.
func prRate(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + "%" }

func prRows(ps []programs.Pairing, lang string) []prRow {
	out := make([]prRow, len(ps))
	for i, p := range ps {
		out[i] = prRow{Pairing: p, Category: org.LabelOf(org.Categories, p.AgencyCategory, lang), Years: prYears(p, lang), RateText: prRate(p.Rate), Funds: p.FundsCommitted > 0}
	}
	return out
}

// prListView is the pairings' list.
type prListView struct {
	Rows      []prRow
	List      *web.List
	Under     org.Org
	Year      int
	Years     []int
	Sum       programs.PairingTotal
	Filtered  bool
	CanManage bool
}

func (h *Pages) prQuery(r *http.Request, p *web.Page, l *web.List) (programs.PairingQuery, org.Org, error) {
	under, err := h.ctScope(r, p)
	return programs.PairingQuery{Under: under.ID, Year: ctYear(r.URL.Query()), Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}, under, err
}

// PairingList lists the pairings running in a year that the actor reads,
// each with its commitments completed and its rate, the sums at the top;
// searchable by either organization's name and sortable.
func (h *Pages) PairingList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "pairings", h.T(lang, "pr.title"))
	l := web.ListFrom(r, "")
	q, under, err := h.prQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list, err := h.pg.Pairings(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = list.Total
	p.Crumbs = []web.Crumb{{Label: p.Title}}
	p.Picker("org", web.PickFilter{})
	p.Data = &prListView{Rows: prRows(list.Items, lang), List: l, Under: under, Year: list.Year, Years: ctYears(h.pg.Today().Year()), Sum: list.Sum,
		Filtered: l.Q != "", CanManage: actor.CanAnywhere(programs.ProgramsManage)}
	h.render(w, r, http.StatusOK, "pairing_list", "layout", p)
}

// PairingExport exports the pairings of the list with their filters.
func (h *Pages) PairingExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	q, under, err := h.prQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	list, err := h.pg.Pairings(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	name := i18n.Text{ZH: "结对共建", EN: "pairings"}
	header := []string{"序号", "机关单位党组织", "单位类别", "结对党组织", "结对年度", "年度承诺(项)", "已完成(项)", "完成率", "承诺资金(元)", "到位资金(元)"}
	if lang == i18n.EN {
		header = []string{"No.", "Agency's organization", "Category", "Paired with", "Years", "Commitments", "Done in full", "Completion", "Funds committed (yuan)", "Funds delivered (yuan)"}
	}
	scope := web.ExportScope(r, under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + name.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 26, 10, 26, 12, 10, 10, 10, 14, 14}, Kinds: []xlsx.Kind{xlsx.Integer, 5: xlsx.Integer, 6: xlsx.Integer, 7: xlsx.Percent1, 8: xlsx.Integer, 9: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string { return ctFilters(lang, under, l.Q, "", "", list.Year) })
	h.SendXLSX(w, r, scope, name, filters, s, func(yield func([]any) bool) {
		for i, p := range list.Items {
			if !yield([]any{i + 1, p.AgencyName, org.LabelOf(org.Categories, p.AgencyCategory, lang), p.GrassrootsName, prYears(p, lang), p.CommitmentCount, p.Completed,
				p.Rate / 100, p.FundsCommitted, p.FundsDelivered}) {
				return
			}
		}
	})
}

// prFormPage starts the form that pairs two organizations.
func (h *Pages) prFormPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "pairings", h.T(lang, "pr.new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "pr.title"), Href: "/pairings"}, {Label: p.Title}}
	p.Picker("agency_org_id", web.PickFilter{})
	p.Picker("grassroots_org_id", web.PickFilter{})
	p.Data = map[string]int{"This": h.pg.Today().Year()}
	return p
}

// PairingNewForm shows the form that pairs two organizations.
func (h *Pages) PairingNewForm(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有设置结对共建的权限", "you may not set pairings"))
		return
	}
	p := h.prFormPage(r)
	p.Form = url.Values{"from_year": {strconv.Itoa(h.pg.Today().Year())}}
	h.render(w, r, http.StatusOK, "pairing_form", "layout", p)
}

// PairingNew pairs the two organizations; on error the form shows again
// as typed, the message at its field.
func (h *Pages) PairingNew(w http.ResponseWriter, r *http.Request) {
	p := h.prFormPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有设置结对共建的权限", "you may not set pairings"))
		return
	}
	p.Form = r.PostForm
	var bad errs.Fields
	for _, f := range []string{"agency_org_id", "grassroots_org_id"} {
		if err := h.ResolveOrg(ctx, actor, p.Form, f, web.PickFilter{}); err != nil {
			e := errs.As(err)
			if e.Field == "" {
				h.Fail(w, r, err)
				return
			}
			bad.Add(e.Field, e.ZH, e.EN)
		}
	}
	if err := bad.Err(); err != nil {
		h.FormError(w, r, h.tmpl, p, "pairing_form", err)
		return
	}
	f := p.Form
	in := programs.PairingInput{AgencyOrgID: ctID(f.Get("agency_org_id")), GrassrootsOrgID: ctID(f.Get("grassroots_org_id")), FromYear: ctInt(f.Get("from_year")),
		ToYear: ctInt(f.Get("to_year")), Note: f.Get("note")}
	pr, err := h.pg.CreatePairing(ctx, actor, in)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "pairing_form", err)
		return
	}
	h.Redirect(w, r, prHref(pr.ID), "ok", fmt.Sprintf(h.T(p.Lang, "pr.created"), pr.AgencyName, pr.GrassrootsName))
}
