package programs

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// siteTreeNode is an organization of the tree view with its children.
// Href leads an organization with marked ones below it to its own spread;
// Cut says that its children are left out (a large tree shows the first
// level only, each a link to its own).
type siteTreeNode struct {
	programs.SiteNode
	Children []*siteTreeNode
	Href     string
	Cut      bool
}

// siteTreeMax is the most organizations the tree shows in full; a larger
// one (a city's) shows the organizations below the one shown, each with its
// counts and a link to its own tree.
const siteTreeMax = 80

// siteSpreadView is the spread's page.
type siteSpreadView struct {
	Under    org.Org
	Sp       programs.SiteSpread
	Tree     programs.SiteTree
	Root     *siteTreeNode
	Years    []int // the years the selects offer
	Span     []int // the years shown
	Last     programs.SiteSpreadCell
	Charts   []siteChart
	Query    string // ?org=&from=&to= of the page, for the tree's year links
	TreeYear int
	Cut      bool // the tree shows the first level only
}

// siteChart is a chart of the page with its element id.
type siteChart struct {
	ID   string
	JSON template.JS
}

func (h *Pages) siteSpreadOf(r *http.Request, p *web.Page) (*siteSpreadView, error) {
	ctx, actor := r.Context(), web.Actor(r)
	under, err := h.ctScope(r, p)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	this := h.pg.Today().Year()
	v := &siteSpreadView{Under: under}
	for y := this + 1; y >= this-9; y-- {
		v.Years = append(v.Years, y)
	}
	from, to := ctInt(q.Get("from")), ctInt(q.Get("to"))
	if v.Sp, err = h.pg.SiteSpreadOf(ctx, actor, under.ID, max(from, 0), max(to, 0)); err != nil {
		return nil, err
	}
	year := ctYear(q)
	if year == 0 {
		year = min(v.Sp.To, this)
	}
	if v.Tree, err = h.pg.SiteTreeOf(ctx, actor, v.Sp.OrgID, year); err != nil {
		return nil, err
	}
	v.TreeYear = v.Tree.Year
	for y := v.Sp.From; y <= v.Sp.To; y++ {
		v.Span = append(v.Span, y)
	}
	v.Last = v.Sp.Total[len(v.Sp.Total)-1]
	if v.Under.ID == 0 {
		v.Under = org.Org{ID: v.Sp.OrgID, Name: v.Sp.OrgName}
	}
	v.Query = fmt.Sprintf("org=%d&from=%d&to=%d", v.Sp.OrgID, v.Sp.From, v.Sp.To)
	// The tree: nodes come in the tree's order, each after its parent.
	var stack []*siteTreeNode
	cut := len(v.Tree.Nodes) > siteTreeMax
	v.Cut = cut
	for _, n := range v.Tree.Nodes {
		if cut && n.Depth > 1 {
			stack[len(stack)-1].Cut = true
			continue
		}
		node := &siteTreeNode{SiteNode: n}
		if n.Depth > 0 && n.Count.Sites+n.Count.Cultivating+n.Count.Led > 0 && n.Site == nil && len(n.LedBy) == 0 {
			node.Href = fmt.Sprintf("/sites/spread?org=%d&from=%d&to=%d&year=%d#tree", n.OrgID, v.Sp.From, v.Sp.To, v.TreeYear)
		}
		for len(stack) > n.Depth {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			v.Root = node
		} else {
			parent := stack[len(stack)-1]
			parent.Children = append(parent.Children, node)
		}
		stack = append(stack, node)
	}
	return v, nil
}

// SiteSpread shows the spread of the sites of the actor's subtree (or of
// ?org=) from ?from= to ?to= (this year and the two before): the sites in
// force and the organizations they lead by year and by nominating unit,
// as charts and a table, and the tree of ?year= with the sites and the
// organizations they lead marked.
func (h *Pages) SiteSpread(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "sites", h.T(lang, "site.spread_title"))
	v, err := h.siteSpreadOf(r, p)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sites := web.Chart{Type: "bar", Title: h.T(lang, "site.chart_sites"), Unit: web.Msg(lang, "个", "sites")}
	led := web.Chart{Type: "bar", Title: h.T(lang, "site.chart_led"), Unit: web.Msg(lang, "个", "organizations")}
	for _, c := range v.Sp.Total {
		href := fmt.Sprintf("/sites/spread?%s&year=%d#tree", v.Query, c.Year)
		sites.Items = append(sites.Items, web.ChartItem{Name: fmt.Sprintf(h.T(lang, "site.year_of"), c.Year), Value: c.Sites, Href: href})
		led.Items = append(led.Items, web.ChartItem{Name: fmt.Sprintf(h.T(lang, "site.year_of"), c.Year), Value: c.Led, Href: href})
	}
	v.Charts = []siteChart{{"c-site-years", web.ChartJSON(sites)}, {"c-site-led", web.ChartJSON(led)}}
	if len(v.Sp.Units) > 1 {
		last := len(v.Sp.Total) - 1
		us := web.Chart{Type: "hbar", Title: fmt.Sprintf(h.T(lang, "site.chart_unit_s"), v.Sp.To), Unit: web.Msg(lang, "个", "sites")}
		ul := web.Chart{Type: "hbar", Title: fmt.Sprintf(h.T(lang, "site.chart_unit"), v.Sp.To), Unit: web.Msg(lang, "个", "organizations")}
		for _, u := range v.Sp.Units {
			c := u.Years[last]
			href := fmt.Sprintf("/sites/spread?org=%d&from=%d&to=%d", u.OrgID, v.Sp.From, v.Sp.To)
			us.Items = append(us.Items, web.ChartItem{Name: u.OrgName, Value: c.Sites, Href: href})
			ul.Items = append(ul.Items, web.ChartItem{Name: u.OrgName, Value: c.Led, Href: href})
		}
		v.Charts = append(v.Charts, siteChart{"c-site-unit-sites", web.ChartJSON(us)}, siteChart{"c-site-unit-led", web.ChartJSON(ul)})
	}
	p.Charts = true
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "site.title"), Href: "/sites"}, {Label: p.Title}}
	p.Picker("org", web.PickFilter{})
	if p.Form.Get("from") == "" {
		p.Form.Set("from", strconv.Itoa(v.Sp.From))
	}
	if p.Form.Get("to") == "" {
		p.Form.Set("to", strconv.Itoa(v.Sp.To))
	}
	p.Data = v
	h.render(w, r, http.StatusOK, "site_spread", "layout", p)
}

// SiteSpreadExport exports the spread's table: each nominating unit's
// designated sites, the organizations they lead and its nominations, year
// by year, with the totals.
func (h *Pages) SiteSpreadExport(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	v, err := h.siteSpreadOf(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	name := i18n.Text{ZH: "示范点辐射带动统计", EN: "spread of the demonstration sites"}
	header := []string{"序号", web.Msg(lang, "推荐单位", "Nominating unit")}
	widths := []float64{6, 22}
	kinds := []xlsx.Kind{xlsx.Integer}
	for _, y := range v.Span {
		header = append(header, web.Msg(lang, fmt.Sprintf("%d年已命名示范点(个)", y), fmt.Sprintf("Sites %d", y)), web.Msg(lang, fmt.Sprintf("%d年带动党组织(个)", y), fmt.Sprintf("Led %d", y)),
			web.Msg(lang, fmt.Sprintf("%d年新推荐(个)", y), fmt.Sprintf("Nominated %d", y)))
		widths = append(widths, 12, 12, 10)
	}
	if lang == i18n.EN {
		header[0] = "No."
	}
	for len(kinds) < len(header) {
		kinds = append(kinds, xlsx.Integer)
	}
	kinds[1] = xlsx.General
	scope := web.ExportScope(r, v.Under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + name.In(lang)), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header, Widths: widths, Kinds: kinds}
	filters := web.Bilingual(func(lang string) string {
		return web.Msg(lang, fmt.Sprintf("筛选：范围=%s；年度=%d–%d", v.Sp.OrgName, v.Sp.From, v.Sp.To), fmt.Sprintf("Filters: scope=%s; years=%d to %d", v.Sp.OrgName, v.Sp.From, v.Sp.To))
	})
	row := func(seq any, name string, cells []programs.SiteSpreadCell) []any {
		out := []any{seq, name}
		for _, c := range cells {
			out = append(out, c.Sites, c.Led, c.Nominated)
		}
		return out
	}
	h.SendXLSX(w, r, scope, name, filters, s, func(yield func([]any) bool) {
		for i, u := range v.Sp.Units {
			if !yield(row(i+1, u.OrgName, u.Years)) {
				return
			}
		}
		yield(row("", web.Msg(lang, "合计", "Total"), v.Sp.Total))
	})
}
