package programs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// The spread of the sites (水波状): year by year, the sites each
// nominating unit has in force and the organizations they lead, and the
// tree of an organization's subtree with the sites and the organizations
// they lead marked.

// SiteSpreadCell is what a unit (or the whole subtree) has in a year.
type SiteSpreadCell struct {
	Year int `json:"year"`
	// Nominated counts the sites nominated for the year (every state);
	// Cultivating those under cultivation in the year, not yet designated;
	// Sites those designated and in force in the year; Led the
	// organizations those lead in the year, each once, NewLed those led
	// in the year and not in the one before.
	Nominated   int `json:"nominated"`
	Cultivating int `json:"cultivating"`
	Sites       int `json:"sites"`
	Led         int `json:"led"`
	NewLed      int `json:"new_led"`
}

// SiteSpreadUnit is a nominating unit's row of the spread.
type SiteSpreadUnit struct {
	OrgID   int64            `json:"org_id"`
	OrgName string           `json:"org_name"`
	Years   []SiteSpreadCell `json:"years"`
	path    string
}

// SiteSpread is the spread of a subtree over a span of years.
type SiteSpread struct {
	OrgID   int64            `json:"org_id"`
	OrgName string           `json:"org_name"`
	From    int              `json:"from"`
	To      int              `json:"to"`
	Units   []SiteSpreadUnit `json:"units"`
	Total   []SiteSpreadCell `json:"total"`
}

// spreadSite is a site as the spread counts it.
type spreadSite struct {
	ID, OrgID, UnitID       int64
	OrgName, UnitName, path string
	unitPath                string
	Year, DesignatedYear    int
	RevokedYear             int // 0 while in force
	State                   string
}

// designatedIn reports whether the site is designated and in force in
// year.
func (x spreadSite) designatedIn(year int) bool {
	return x.DesignatedYear > 0 && x.DesignatedYear <= year && (x.RevokedYear == 0 || x.RevokedYear > year)
}

// cultivatingIn reports whether the site is on its way in year: nominated
// for it or before, not yet designated, not revoked.
func (x spreadSite) cultivatingIn(year int) bool {
	return x.Year <= year && (x.DesignatedYear == 0 || x.DesignatedYear > year) && (x.RevokedYear == 0 || x.RevokedYear > year)
}

// spreadLed is an organization a site leads, from a year.
type spreadLed struct {
	SiteID, OrgID int64
	Year          int
	path          string
}

// siteScope reads the sites whose organization lies in o's subtree and the
// organizations they lead that lie in it too.
func (s *Service) siteScope(ctx context.Context, o org.Org) ([]spreadSite, []spreadLed, error) {
	rows, err := s.db.Query(ctx, "SELECT s.id, s.org_id, "+orgLabel+", o.path, s.nominator_org_id, "+org.LabelCol("n")+", n.path, s.year, COALESCE(s.designated_year, 0), COALESCE(s.revoked_on, ''), s.state"+
		" FROM sites s JOIN orgs o ON o.id = s.org_id JOIN orgs n ON n.id = s.nominator_org_id WHERE "+access.InSubtree("o.path", o.Path))
	if err != nil {
		return nil, nil, errs.Wrap(err, "sites of the subtree")
	}
	var sites []spreadSite
	ids := map[int64]bool{}
	for rows.Next() {
		var x spreadSite
		var revoked string
		if err := rows.Scan(&x.ID, &x.OrgID, &x.OrgName, &x.path, &x.UnitID, &x.UnitName, &x.unitPath, &x.Year, &x.DesignatedYear, &revoked, &x.State); err != nil {
			rows.Close()
			return nil, nil, errs.Wrap(err, "scan site")
		}
		x.RevokedYear = siteYearOf(revoked)
		sites = append(sites, x)
		ids[x.ID] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, errs.Wrap(err, "sites of the subtree")
	}
	rows, err = s.db.Query(ctx, "SELECT l.site_id, l.org_id, l.year, o.path FROM site_led l JOIN orgs o ON o.id = l.org_id WHERE "+access.InSubtree("o.path", o.Path))
	if err != nil {
		return nil, nil, errs.Wrap(err, "led organizations")
	}
	defer rows.Close()
	var led []spreadLed
	for rows.Next() {
		var l spreadLed
		if err := rows.Scan(&l.SiteID, &l.OrgID, &l.Year, &l.path); err != nil {
			return nil, nil, errs.Wrap(err, "scan led organization")
		}
		if ids[l.SiteID] {
			led = append(led, l)
		}
	}
	return sites, led, errs.Wrap(rows.Err(), "led organizations")
}

// SiteSpreadOf counts, for each year from from to to (this year and the
// two before when 0), the sites of each nominating unit in under's subtree
// (the actor's when 0) and the organizations they lead, with the sums of
// the subtree. Every nominating unit of the subtree has its row, with or
// without sites.
func (s *Service) SiteSpreadOf(ctx context.Context, actor access.Actor, under int64, from, to int) (SiteSpread, error) {
	this := s.today().Year()
	if to == 0 {
		to = this
	}
	if from == 0 {
		from = to - 2
	}
	if from < 2000 || to > this+1 || from > to || to-from > 9 {
		return SiteSpread{}, errs.Field("from", fmt.Sprintf("年度范围应在 2000–%d 年之间，起始不晚于结束，最多 10 年", this+1),
			fmt.Sprintf("the years must lie between 2000 and %d, the first not after the last, at most ten of them", this+1))
	}
	o, err := s.cpScopeTop(ctx, actor, under, "您没有查看示范点的权限", "you may not read demonstration sites")
	if err != nil {
		return SiteSpread{}, err
	}
	sites, led, err := s.siteScope(ctx, o)
	if err != nil {
		return SiteSpread{}, err
	}
	out := SiteSpread{OrgID: o.ID, OrgName: o.Label(), From: from, To: to}
	// The units: those of the subtree, and those above it whose sites lie
	// in it.
	rows, err := s.db.Query(ctx, "SELECT o.id, "+org.LabelCol("o")+", o.path"+siteUnitsSQL+" AND "+access.InSubtree("o.path", o.Path))
	if err != nil {
		return SiteSpread{}, errs.Wrap(err, "nominating units")
	}
	idx := map[int64]int{}
	for rows.Next() {
		var u SiteSpreadUnit
		if err := rows.Scan(&u.OrgID, &u.OrgName, &u.path); err != nil {
			rows.Close()
			return SiteSpread{}, errs.Wrap(err, "scan nominating unit")
		}
		idx[u.OrgID] = len(out.Units)
		out.Units = append(out.Units, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return SiteSpread{}, errs.Wrap(err, "nominating units")
	}
	for _, x := range sites {
		if _, ok := idx[x.UnitID]; !ok {
			idx[x.UnitID] = len(out.Units)
			out.Units = append(out.Units, SiteSpreadUnit{OrgID: x.UnitID, OrgName: x.UnitName, path: x.unitPath})
		}
	}
	slices.SortStableFunc(out.Units, func(a, b SiteSpreadUnit) int { return treeOrder(a.path, b.path) })
	for i := range out.Units {
		idx[out.Units[i].OrgID] = i
	}
	bySite := map[int64]spreadSite{}
	for _, x := range sites {
		bySite[x.ID] = x
	}
	// ledIn is, for a year, the organizations led by the sites in force
	// then, by nominating unit and in all.
	ledIn := func(y int) (map[int64]map[int64]bool, map[int64]bool) {
		units, all := map[int64]map[int64]bool{}, map[int64]bool{}
		for _, l := range led {
			x := bySite[l.SiteID]
			if l.Year > y || !x.designatedIn(y) {
				continue
			}
			if units[x.UnitID] == nil {
				units[x.UnitID] = map[int64]bool{}
			}
			units[x.UnitID][l.OrgID], all[l.OrgID] = true, true
		}
		return units, all
	}
	for y := from; y <= to; y++ {
		cells := make([]SiteSpreadCell, len(out.Units))
		total := SiteSpreadCell{Year: y}
		for i := range cells {
			cells[i].Year = y
		}
		for _, x := range sites {
			c := &cells[idx[x.UnitID]]
			if x.Year == y {
				c.Nominated++
				total.Nominated++
			}
			switch {
			case x.designatedIn(y):
				c.Sites++
				total.Sites++
			case x.cultivatingIn(y):
				c.Cultivating++
				total.Cultivating++
			}
		}
		// The organizations led count once each, however many sites lead
		// them; those led this year and not the year before are new.
		units, all := ledIn(y)
		_, before := ledIn(y - 1)
		for u, orgs := range units {
			cells[idx[u]].Led = len(orgs)
			for o := range orgs {
				if !before[o] {
					cells[idx[u]].NewLed++
				}
			}
		}
		total.Led = len(all)
		for o := range all {
			if !before[o] {
				total.NewLed++
			}
		}
		for i := range out.Units {
			out.Units[i].Years = append(out.Units[i].Years, cells[i])
		}
		out.Total = append(out.Total, total)
	}
	if out.Units == nil {
		out.Units = []SiteSpreadUnit{}
	}
	return out, nil
}

// SiteNode is an organization of the tree view: its depth below the
// organization shown, what marks it, and the counts of its subtree.
type SiteNode struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Depth   int    `json:"depth"`
	// Site is the site the organization is in the year, nil for none;
	// LedBy the sites that lead it.
	Site  *SiteMark    `json:"site,omitempty"`
	LedBy []SiteLedBy  `json:"led_by,omitempty"`
	Count SiteSubCount `json:"count"`
}

// SiteMark marks an organization that is a site in the year.
type SiteMark struct {
	SiteID         int64  `json:"site_id"`
	Designated     bool   `json:"designated"` // else under cultivation
	DesignatedYear int    `json:"designated_year,omitempty"`
	Year           int    `json:"year"` // of nomination
	UnitName       string `json:"unit_name"`
}

// SiteLedBy marks an organization a site leads.
type SiteLedBy struct {
	SiteID   int64  `json:"site_id"`
	SiteName string `json:"site_name"`
	Year     int    `json:"year"`
}

// SiteSubCount counts what lies in a node's subtree, itself included.
type SiteSubCount struct {
	Sites       int `json:"sites"`
	Cultivating int `json:"cultivating"`
	Led         int `json:"led"`
}

// SiteTree is the tree view of a subtree in a year.
type SiteTree struct {
	OrgID   int64      `json:"org_id"`
	OrgName string     `json:"org_name"`
	Year    int        `json:"year"`
	Nodes   []SiteNode `json:"nodes"`
}

// SiteTreeOf is the subtree of under (the actor's when 0) pruned to the
// organizations marked in year (this year when 0) — the sites designated
// or under cultivation then and the organizations the designated ones lead
// — and the organizations on the way to them, in the tree's order, from
// the tree's materialized paths.
func (s *Service) SiteTreeOf(ctx context.Context, actor access.Actor, under int64, year int) (SiteTree, error) {
	this := s.today().Year()
	if year == 0 {
		year = this
	}
	if year < 2000 || year > this+1 {
		return SiteTree{}, errs.Field("year", fmt.Sprintf("年度应为 2000–%d 年", this+1), fmt.Sprintf("the year must be 2000 to %d", this+1))
	}
	o, err := s.cpScopeTop(ctx, actor, under, "您没有查看示范点的权限", "you may not read demonstration sites")
	if err != nil {
		return SiteTree{}, err
	}
	sites, led, err := s.siteScope(ctx, o)
	if err != nil {
		return SiteTree{}, err
	}
	out := SiteTree{OrgID: o.ID, OrgName: o.Label(), Year: year}
	top := len(org.PathIDs(o.Path)) - 1
	nodes := map[int64]*SiteNode{}
	paths := map[int64][]int64{}
	var order []int64
	add := func(path string) *SiteNode {
		ids := org.PathIDs(path)
		if len(ids) <= top || ids[top] != o.ID {
			return nil
		}
		for i := top; i < len(ids); i++ {
			if _, ok := nodes[ids[i]]; !ok {
				nodes[ids[i]] = &SiteNode{OrgID: ids[i], Depth: i - top}
				paths[ids[i]] = ids[top : i+1]
				order = append(order, ids[i])
			}
		}
		return nodes[ids[len(ids)-1]]
	}
	add(o.Path)
	bySite := map[int64]spreadSite{}
	for _, x := range sites {
		bySite[x.ID] = x
		d, c := x.designatedIn(year), x.cultivatingIn(year)
		if !d && !c {
			continue
		}
		n := add(x.path)
		if n == nil {
			continue
		}
		n.Site = &SiteMark{SiteID: x.ID, Designated: d, Year: x.Year, UnitName: x.UnitName}
		if d {
			n.Site.DesignatedYear = x.DesignatedYear
		}
	}
	for _, l := range led {
		x := bySite[l.SiteID]
		if l.Year > year || !x.designatedIn(year) {
			continue
		}
		if n := add(l.path); n != nil {
			n.LedBy = append(n.LedBy, SiteLedBy{SiteID: x.ID, SiteName: x.OrgName, Year: l.Year})
		}
	}
	refs, err := org.LookupMany(ctx, s.db, order)
	if err != nil {
		return SiteTree{}, errs.Wrap(err, "organizations of the tree")
	}
	for _, id := range order {
		n := nodes[id]
		n.OrgName = refs[id].Label()
		for _, a := range paths[id] {
			c := &nodes[a].Count
			if n.Site != nil && n.Site.Designated {
				c.Sites++
			}
			if n.Site != nil && !n.Site.Designated {
				c.Cultivating++
			}
			if len(n.LedBy) > 0 {
				c.Led++
			}
		}
	}
	slices.SortFunc(order, func(a, b int64) int { return slices.Compare(paths[a], paths[b]) })
	for _, id := range order {
		n := nodes[id]
		slices.SortFunc(n.LedBy, func(a, b SiteLedBy) int {
			return strings.Compare(fmt.Sprint(a.Year, a.SiteName), fmt.Sprint(b.Year, b.SiteName))
		})
		out.Nodes = append(out.Nodes, *n)
	}
	return out, nil
}
