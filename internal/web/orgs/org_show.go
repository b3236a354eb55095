package orgs

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// orgView is an organization with what the page needs around it.
type orgView struct {
	Org      org.Org
	Counts   org.Counts
	Crumbs   []org.Org
	Can      map[string]bool
	Children []org.Org
	List     *web.List
	Filters  map[string]string
	ByKind   template.JS
	ByLevel  template.JS
	ByChild  template.JS
	// Facts are the modules' lines about the organization (members …).
	Facts []web.Fact
}

func (h *Pages) crumbs(p *web.Page, path []org.Org) {
	for i, o := range path {
		href := "/orgs/" + strconv.FormatInt(o.ID, 10)
		if i == len(path)-1 {
			href = ""
		}
		p.Crumbs = append(p.Crumbs, web.Crumb{Label: o.Label(), Href: href})
	}
}

// orgView reads what the organization's page and the cockpit show of it.
// The modules' facts are read for the organization's page only (facts):
// the cockpit shows none, and the pay floor's fact alone judges every
// cadre's pay of a city.
func (h *Pages) orgView(r *http.Request, p *web.Page, id int64, facts bool) (*orgView, error) {
	actor := web.Actor(r)
	o, c, err := h.Orgs.Stats(r.Context(), actor, id)
	if err != nil {
		return nil, err
	}
	bc, err := h.Orgs.Breadcrumb(r.Context(), actor, o)
	if err != nil {
		return nil, err
	}
	v := &orgView{Org: o, Counts: c, Crumbs: bc, Can: map[string]bool{}}
	for _, a := range []access.Action{access.OrgCreate, access.OrgUpdate, access.OrgMove, access.OrgDissolve, access.OrgImport, access.UserManage} {
		v.Can[string(a)] = actor.Can(a, o.Path) && o.Active()
	}
	v.Can[string(access.OrgExport)] = actor.Can(access.OrgExport, o.Path)
	v.Can[string(access.AuditRead)] = actor.Can(access.AuditRead, o.Path)
	if facts {
		if v.Facts, err = h.OrgFacts(r, o); err != nil {
			return nil, err
		}
	}
	h.crumbs(p, bc)
	p.ScopeName = o.Label()
	lang := p.Lang
	kinds := web.Chart{Type: "pie", Title: h.T(lang, "chart.by_kind"), Unit: h.T(lang, "unit.org")}
	for _, k := range org.Kinds {
		if n := c.ByKind[k.Key]; n > 0 {
			kinds.Items = append(kinds.Items, web.ChartItem{Name: org.LabelOf(org.Kinds, k.Key, lang), Value: n})
		}
	}
	levels := web.Chart{Type: "bar", Title: h.T(lang, "chart.by_level"), Unit: h.T(lang, "unit.org")}
	for _, l := range org.Levels {
		if n := c.ByLevel[l.Key]; n > 0 {
			levels.Items = append(levels.Items, web.ChartItem{Name: org.LabelOf(org.Levels, l.Key, lang), Value: n})
		}
	}
	v.ByKind, v.ByLevel = web.ChartJSON(kinds), web.ChartJSON(levels)
	return v, nil
}

// OrgShow shows an organization: its details, subtree statistics and a
// searchable, sortable table of its children.
func (h *Pages) OrgShow(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := h.Page(r, "orgs", "")
	v, err := h.orgView(r, p, id, true)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Title = v.Org.Name
	p.Charts = true
	v.List = web.ListFrom(r, "code")
	q := org.ListQuery{Under: id, ChildrenOnly: r.URL.Query().Get("scope") != "subtree", Q: v.List.Q, Sort: v.List.Sort,
		Kind: r.URL.Query().Get("kind"), Level: r.URL.Query().Get("level"), Status: r.URL.Query().Get("status"), Unconfirmed: r.URL.Query().Get("unconfirmed") == "1",
		Limit: v.List.Per, Offset: v.List.Offset()}
	v.Children, v.List.Total, err = h.Orgs.List(r.Context(), web.Actor(r), q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	byChild := web.Chart{Type: "hbar", Title: h.T(p.Lang, "chart.by_child"), Unit: h.T(p.Lang, "unit.org")}
	if q.ChildrenOnly && v.List.Q == "" && v.List.Total <= 40 {
		for _, c := range v.Children {
			byChild.Items = append(byChild.Items, web.ChartItem{Name: c.Label(), Value: c.SubtreeTotal, Href: "/orgs/" + strconv.FormatInt(c.ID, 10)})
		}
	}
	deep := false
	for _, c := range byChild.Items {
		deep = deep || c.Value > 1
	}
	if deep {
		v.ByChild = web.ChartJSON(byChild)
	}
	p.Data = v
	h.render(w, r, http.StatusOK, "org_show", "layout", p)
}

// Cockpit is the home page: the statistics of the user's whole scope with
// charts that drill down to each child organization.
func (h *Pages) Cockpit(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	roots, err := h.Orgs.Roots(r.Context(), actor)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p := h.Page(r, "cockpit", h.T(i18n.FromRequest(r), "cockpit.title"))
	if len(roots) == 0 {
		p.Data = map[string]any{"Empty": true}
		h.render(w, r, http.StatusOK, "cockpit", "layout", p)
		return
	}
	root, err := h.cockpitOrg(r, roots)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v, err := h.orgView(r, p, root.ID, false)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v.Children, _, err = h.Orgs.List(r.Context(), actor, org.ListQuery{Under: root.ID, ChildrenOnly: true, Limit: 500})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	byChild := web.Chart{Type: "hbar", Title: h.T(p.Lang, "chart.by_child"), Unit: h.T(p.Lang, "unit.org")}
	byChild.Items = largestChildren(v.Children, cockpitBars, p.Lang)
	v.ByChild = web.ChartJSON(byChild)
	panels, err := h.Panels(r, root)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Charts = true
	year, this := h.CockpitYear(r), h.Now().Year()
	// The printed sheet's heading says which year it is of.
	p.Title += " · " + fmt.Sprintf(h.T(p.Lang, "cockpit.year_of"), year)
	var years []int
	for y := this; y > this-5; y-- {
		years = append(years, y)
	}
	if year <= this-5 {
		years = append(years, year) // an older year typed into ?year=, kept selected
	}
	p.Data = map[string]any{"V": v, "Roots": roots, "Panels": panels, "Year": year, "Years": years,
		"Export": "/cockpit.xlsx?org=" + strconv.FormatInt(root.ID, 10) + "&year=" + strconv.Itoa(year)}
	h.render(w, r, http.StatusOK, "cockpit", "layout", p)
}

// cockpitOrg is the organization the cockpit shows: ?org=, which the user
// must be allowed to read (an address of another scope is refused, not
// silently replaced by the user's own), else the first root of the
// user's scope.
func (h *Pages) cockpitOrg(r *http.Request, roots []org.Org) (org.Org, error) {
	s := r.URL.Query().Get("org")
	if s == "" {
		return roots[0], nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return org.Org{}, errs.Field("org", "组织编号应为正整数", "the organization number must be a positive whole number")
	}
	return h.Orgs.Get(r.Context(), web.Actor(r), id)
}

// cockpitBars is how many children the cockpit's chart shows by name: a
// street with 143 direct children drew 143 bars too thin to read.
const cockpitBars = web.CockpitBars

// largestChildren are the n largest children by subtree size, for the
// cockpit's drill-down chart, largest first (the list's order among equals);
// the others are one bar, "其余 N 个组织", with their sum and no link.
func largestChildren(children []org.Org, n int, lang string) []web.ChartItem {
	cs := slices.Clone(children)
	slices.SortStableFunc(cs, func(a, b org.Org) int { return cmp.Compare(b.SubtreeTotal, a.SubtreeTotal) })
	var items []web.ChartItem
	rest := 0
	for i, c := range cs {
		if i < n {
			items = append(items, web.ChartItem{Name: c.Label(), Value: c.SubtreeTotal, Href: "/?org=" + strconv.FormatInt(c.ID, 10)})
		} else {
			rest += c.SubtreeTotal
		}
	}
	if len(cs) > n {
		items = append(items, web.ChartItem{Name: fmt.Sprintf(Messages["cockpit.others"].In(lang), len(cs)-n), Value: rest})
	}
	return items
}

// treeNode is a root of the tree page with its children already open.
type treeNode struct {
	Org      org.Org
	Children []org.Org
}

// Tree shows the organization tree: the roots of the user's scope with their
// children open; deeper branches load on demand.
func (h *Pages) Tree(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	roots, err := h.Orgs.Roots(r.Context(), actor)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	var nodes []treeNode
	for _, o := range roots {
		_, c, err := h.Orgs.Stats(r.Context(), actor, o.ID)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		o.SubtreeTotal = c.Total
		kids, _, err := h.Orgs.List(r.Context(), actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		nodes = append(nodes, treeNode{Org: o, Children: kids})
	}
	p := h.Page(r, "orgs", h.T(i18n.FromRequest(r), "tree.title"))
	p.Crumbs = []web.Crumb{{Label: p.Title}}
	p.Data = nodes
	h.render(w, r, http.StatusOK, "tree", "layout", p)
}

// TreeChildren returns the children of one node as an HTML fragment (htmx).
func (h *Pages) TreeChildren(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	kids, _, err := h.Orgs.List(r.Context(), web.Actor(r), org.ListQuery{Under: id, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		e := errs.As(err)
		http.Error(w, e.Message(i18n.FromRequest(r)), web.Status(e.Kind))
		return
	}
	p := h.Page(r, "orgs", "")
	p.Data = kids
	h.render(w, r, http.StatusOK, "tree", "branch", p)
}
