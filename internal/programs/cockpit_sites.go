package programs

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// SiteStats are the demonstration sites of a subtree in a year, for the
// cockpit and the statistics API: the sites lying in the subtree, counted
// as the spread counts them (SiteSpreadOf), and the same by child
// organization.
type SiteStats struct {
	Year int `json:"year"`
	// Designated counts the sites designated and in force in the year;
	// DesignatedInYear those named sites of the year (命名年度), revoked
	// since or not.
	Designated       int `json:"designated"`
	DesignatedInYear int `json:"designated_in_year"`
	// Cultivating counts the sites on their way in the year: nominated
	// for it or before, not yet designated, not revoked; Nominated those
	// nominated for the year, in every state.
	Cultivating int `json:"cultivating"`
	Nominated   int `json:"nominated"`
	// Revoked counts the sites revoked in the year (a designation or a
	// nomination), RevokedAll every revoked site of the subtree.
	Revoked    int `json:"revoked"`
	RevokedAll int `json:"revoked_all"`
	// Led counts the organizations of the subtree the sites in force lead
	// in the year, each once however many sites lead it.
	Led int `json:"led"`
	// ByYear are the sites designated and in force in each of the year and
	// the four before (from 2000), oldest first.
	ByYear   []SiteYearCount `json:"by_year"`
	Children []SiteChild     `json:"children"`
}

// SiteYearCount is the sites in force in a year.
type SiteYearCount struct {
	Year       int `json:"year"`
	Designated int `json:"designated"`
}

// SiteChild is a direct child's share of SiteStats: the sites lying in its
// subtree and the organizations of its subtree they lead.
type SiteChild struct {
	OrgID       int64  `json:"org_id"`
	Name        string `json:"name"`
	Designated  int    `json:"designated"`
	Cultivating int    `json:"cultivating"`
	Nominated   int    `json:"nominated"`
	Led         int    `json:"led"`
}

// SiteStatsYears is how many years SiteStats.ByYear spans.
const SiteStatsYears = 5

// cockpitKid is a direct, active child of the organization a cockpit shows.
type cockpitKid struct {
	ID         int64
	Name, Path string
}

// cockpitKids reads the active children of parent in the tree's order:
// the territorial ones in code order, then the others as they were added.
func (s *Service) cockpitKids(ctx context.Context, parent int64) ([]cockpitKid, error) {
	rows, err := s.db.Query(ctx, "SELECT o.id, "+org.LabelCol("o")+`, o.path FROM orgs o WHERE o.parent_id = ? AND o.status = ?
		ORDER BY CASE WHEN COALESCE(o.region_code, '') = '' THEN 1 ELSE 0 END, COALESCE(o.region_code, ''), o.id`, parent, org.StatusActive)
	if err != nil {
		return nil, errs.Wrap(err, "children")
	}
	defer rows.Close()
	var out []cockpitKid
	for rows.Next() {
		var k cockpitKid
		if err := rows.Scan(&k.ID, &k.Name, &k.Path); err != nil {
			return nil, errs.Wrap(err, "scan children")
		}
		out = append(out, k)
	}
	return out, errs.Wrap(rows.Err(), "children")
}

// kidOf is the SQL giving the index in kids of the child whose subtree
// holds the organization at col, -1 for the organization itself or under
// a dissolved child. The children's bounds are literals, as InSubtree
// writes them, so one grouped query counts every child at once.
func kidOf(col string, kids []cockpitKid) string {
	if len(kids) == 0 {
		return "-1"
	}
	var b strings.Builder
	b.WriteString("CASE")
	for i, k := range kids {
		b.WriteString(" WHEN " + access.InSubtree(col, k.Path) + " THEN " + strconv.Itoa(i))
	}
	b.WriteString(" ELSE -1 END")
	return b.String()
}

// cockpitYear checks the year of a cockpit's figures: this year when 0,
// else from 2000 to this year.
func (s *Service) cockpitYear(year int) (int, error) {
	this := s.today().Year()
	if year == 0 {
		return this, nil
	}
	if year < 2000 || year > this {
		return 0, errs.Field("year", fmt.Sprintf("年度应为 2000–%d 年", this), fmt.Sprintf("the year must be 2000 to %d", this))
	}
	return year, nil
}

// siteInForce is the SQL condition that the site s is designated and in
// force in year, as spreadSite.designatedIn: named a site of the year or
// before and not revoked before the year ended.
func siteInForce(year int) string {
	y := strconv.Itoa(year)
	return "(COALESCE(s.designated_year, 0) > 0 AND s.designated_year <= " + y + " AND " + siteNotRevokedBy(year) + ")"
}

// siteNotRevokedBy is the SQL condition that the site s was not revoked in
// year or before.
func siteNotRevokedBy(year int) string {
	return "(COALESCE(s.revoked_on, '') = '' OR s.revoked_on >= '" + strconv.Itoa(year+1) + "-01-01')"
}

// SiteStatsOf counts the demonstration sites of the subtree of orgID in
// year (this year when 0): the sites in force, named, on their way,
// nominated and revoked, the organizations they lead, the sites in force
// in each of the last SiteStatsYears years, and the same by child. A
// reader who may not read the programmes there is refused. Two grouped
// queries count everything: the sites by the child their organization
// lies under, and the organizations led by the child they lie under.
func (s *Service) SiteStatsOf(ctx context.Context, actor access.Actor, orgID int64, year int) (SiteStats, error) {
	year, err := s.cockpitYear(year)
	if err != nil {
		return SiteStats{}, err
	}
	o, err := s.orgs.Check(ctx, actor, orgID, ProgramsRead)
	if err != nil {
		return SiteStats{}, err
	}
	kids, err := s.cockpitKids(ctx, o.ID)
	if err != nil {
		return SiteStats{}, err
	}
	out := SiteStats{Year: year, Children: make([]SiteChild, len(kids))}
	for i, k := range kids {
		out.Children[i] = SiteChild{OrgID: k.ID, Name: k.Name}
	}
	from := max(2000, year-SiteStatsYears+1)
	y := strconv.Itoa(year)
	cols := []string{
		"SUM(CASE WHEN " + siteInForce(year) + " THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN s.designated_year = " + y + " THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN s.year <= " + y + " AND (s.designated_year IS NULL OR s.designated_year > " + y + ") AND " + siteNotRevokedBy(year) + " THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN s.year = " + y + " THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN s.revoked_on >= '" + y + "-01-01' AND s.revoked_on < '" + strconv.Itoa(year+1) + "-01-01' THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN s.state = 'revoked' THEN 1 ELSE 0 END)",
	}
	for yy := from; yy <= year; yy++ {
		cols = append(cols, "SUM(CASE WHEN "+siteInForce(yy)+" THEN 1 ELSE 0 END)")
	}
	// The sites drive the joins (CROSS JOIN keeps SQLite to that order; it
	// is an inner join to PostgreSQL): a province has hundreds of sites
	// and tens of thousands of organizations in a city's subtree.
	rows, err := s.db.Query(ctx, "SELECT "+kidOf("o.path", kids)+" AS k, "+strings.Join(cols, ", ")+
		" FROM sites s CROSS JOIN orgs o WHERE o.id = s.org_id AND "+access.InSubtree("o.path", o.Path)+" GROUP BY 1")
	if err != nil {
		return SiteStats{}, errs.Wrap(err, "sites by child")
	}
	byYear := make([]int, year-from+1)
	for rows.Next() {
		var k int
		var n [6]int
		per := make([]int, len(byYear))
		dest := []any{&k}
		for i := range n {
			dest = append(dest, &n[i])
		}
		for i := range per {
			dest = append(dest, &per[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return SiteStats{}, errs.Wrap(err, "scan sites by child")
		}
		out.Designated += n[0]
		out.DesignatedInYear += n[1]
		out.Cultivating += n[2]
		out.Nominated += n[3]
		out.Revoked += n[4]
		out.RevokedAll += n[5]
		for i, v := range per {
			byYear[i] += v
		}
		if k >= 0 && k < len(kids) {
			c := &out.Children[k]
			c.Designated, c.Cultivating, c.Nominated = n[0], n[2], n[3]
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return SiteStats{}, errs.Wrap(err, "sites by child")
	}
	for i, n := range byYear {
		out.ByYear = append(out.ByYear, SiteYearCount{Year: from + i, Designated: n})
	}
	// The organizations led: those of the subtree, led from the year or
	// before by a site of the subtree in force in the year, each counted
	// once under the child it lies under.
	rows, err = s.db.Query(ctx, "SELECT "+kidOf("lo.path", kids)+" AS k, COUNT(DISTINCT l.org_id)"+
		" FROM site_led l CROSS JOIN sites s CROSS JOIN orgs o CROSS JOIN orgs lo"+
		" WHERE s.id = l.site_id AND o.id = s.org_id AND lo.id = l.org_id AND "+access.InSubtree("o.path", o.Path)+" AND "+access.InSubtree("lo.path", o.Path)+" AND l.year <= "+y+" AND "+siteInForce(year)+" GROUP BY 1")
	if err != nil {
		return SiteStats{}, errs.Wrap(err, "organizations led by child")
	}
	defer rows.Close()
	for rows.Next() {
		var k, n int
		if err := rows.Scan(&k, &n); err != nil {
			return SiteStats{}, errs.Wrap(err, "scan organizations led by child")
		}
		out.Led += n
		if k >= 0 && k < len(kids) {
			out.Children[k].Led = n
		}
	}
	return out, errs.Wrap(rows.Err(), "organizations led by child")
}
