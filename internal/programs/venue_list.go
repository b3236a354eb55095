package programs

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// VenueQuery filters the compliance list.
type VenueQuery struct {
	Under int64 // an organization's subtree; 0 for the actor's scope
	// Kind is a VenueKinds key, or "" for both.
	Kind string
	// Status is a VenueStatuses key, or "noncompliant" for every venue
	// short of its standard, or "" for all; "short_area" and
	// "missing_functions" include the venues that are both.
	Status string
	Q      string // part of the organization's name
	Sort   string // code (default: by division code), name, area, status, updated; "-" before it reverses
	Limit  int
	Offset int
}

// VenueRow is one organization of the compliance list.
type VenueRow struct {
	OrgID      int64    `json:"org_id"`
	OrgName    string   `json:"org_name"`
	ParentName string   `json:"parent_name"` // its township (street)
	RegionCode string   `json:"region_code"`
	Kind       string   `json:"kind"`
	HasVenue   bool     `json:"has_venue"`
	Area       int      `json:"area"`
	Functions  []string `json:"functions"`
	Hours      string   `json:"opening_hours"`
	Address    string   `json:"address"`
	Photos     int      `json:"photos"`
	UpdatedAt  string   `json:"updated_at"`
	VenueCheck
	path string
	name string // the full name, for the pinyin order
}

// VenueCounts are the counts of the compliance list's organizations.
type VenueCounts struct {
	Total            int `json:"total"`
	WithVenue        int `json:"with_venue"`
	Compliant        int `json:"compliant"`
	Noncompliant     int `json:"noncompliant"`
	ShortArea        int `json:"short_area"`        // the venues both short and missing functions included
	MissingFunctions int `json:"missing_functions"` // the same
	ShortAndMissing  int `json:"short_and_missing"`
	None             int `json:"none"`
}

func (c *VenueCounts) add(r VenueRow) {
	c.Total++
	switch r.Status {
	case "none":
		c.None++
		return
	case "compliant":
		c.Compliant++
	default:
		c.Noncompliant++
	}
	c.WithVenue++
	if r.ShortBy > 0 {
		c.ShortArea++
	}
	if len(r.Missing) > 0 {
		c.MissingFunctions++
	}
	if r.Status == "short_and_missing" {
		c.ShortAndMissing++
	}
}

// VenuePart is one child organization of the list's scope with the counts
// of its subtree, for the chart that drills down.
type VenuePart struct {
	OrgID   int64       `json:"org_id"`
	OrgName string      `json:"org_name"`
	Counts  VenueCounts `json:"counts"`
}

// VenueList is a page of the compliance list: the rows, their total under
// the filters, the counts under every filter but the status, and those
// counts by child organization of the scope.
type VenueList struct {
	Rows   []VenueRow  `json:"items"`
	Total  int         `json:"total"`
	Counts VenueCounts `json:"counts"`
	Parts  []VenuePart `json:"by_child"`
	// Under is the organization of the scope, zero for the actor's whole
	// scope.
	Under org.Org `json:"-"`
}

// venueSorts are the orders of the list; each falls back on the division
// code and the id.
var venueSorts = []string{"code", "name", "area", "status", "updated"}

// venueStatusOrder ranks the statuses: worst first.
var venueStatusOrder = func() map[string]int {
	m := map[string]int{}
	for i, c := range VenueStatuses {
		m[c.Key] = i
	}
	return m
}()

// VenueCompliance lists the village-level organizations of villages and
// communities of the actor's scope (or of Under's subtree) with their
// venues checked against the standard that applies to each.
func (s *Service) VenueCompliance(ctx context.Context, actor access.Actor, q VenueQuery) (VenueList, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return VenueList{}, errs.New(errs.Forbidden, "您没有查看阵地建设情况的权限", "you may not read the venues")
	}
	var out VenueList
	scope, args := actor.ScopeSQL("o.path", ProgramsRead)
	where := []string{scope, "o.status = 'active'", "o.level = 'village'", "o.category IN ('rural', 'community')"}
	if q.Under != 0 {
		o, err := s.venueOrg(ctx, actor, q.Under)
		if err != nil {
			return VenueList{}, err
		}
		out.Under = o
		where = append(where, access.InSubtree("o.path", o.Path))
	}
	if q.Kind != "" {
		if _, ok := org.KeyOf(VenueKinds, q.Kind); !ok {
			return VenueList{}, errs.Field("kind", "类别只能是 rural（村）或 community（社区）", "kind must be rural or community")
		}
		where, args = append(where, "o.category = ?"), append(args, q.Kind)
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		like := db.Contains(q.Q)
		where, args = append(where, "(o.name LIKE ? OR o.short_name LIKE ? OR o.region_code = ?)"), append(args, like, like, q.Q)
	}
	switch q.Status {
	case "", "noncompliant":
	default:
		if _, ok := org.KeyOf(VenueStatuses, q.Status); !ok {
			return VenueList{}, errs.Field("status", "状态只能是 compliant、noncompliant、short_area、missing_functions、short_and_missing 或 none",
				"status must be compliant, noncompliant, short_area, missing_functions, short_and_missing or none")
		}
	}
	key, desc := strings.TrimPrefix(q.Sort, "-"), strings.HasPrefix(q.Sort, "-")
	if key == "" {
		key = "code"
	}
	if !slices.Contains(venueSorts, key) {
		return VenueList{}, errs.Field("sort", "排序只能是 code、name、area、status 或 updated", "sort must be code, name, area, status or updated")
	}
	stds, err := loadVenueStandards(ctx, s.db)
	if err != nil {
		return VenueList{}, err
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, o.name, `+org.LabelCol("o")+`, o.path, o.category, COALESCE(o.region_code, ''), COALESCE(`+org.LabelCol("p")+`, ''),
		v.id, COALESCE(v.area, 0), COALESCE(v.functions, ''), COALESCE(v.opening_hours, ''), COALESCE(v.address, ''), COALESCE(v.updated_at, ''),
		(SELECT COUNT(*) FROM venue_photos ph WHERE ph.venue_id = v.id)
		FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id LEFT JOIN venues v ON v.org_id = o.id
		WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return VenueList{}, errs.Wrap(err, "venue compliance")
	}
	defer rows.Close()
	var all []VenueRow
	for rows.Next() {
		var r VenueRow
		var vid sql.NullInt64
		var fns string
		if err := rows.Scan(&r.OrgID, &r.name, &r.OrgName, &r.path, &r.Kind, &r.RegionCode, &r.ParentName,
			&vid, &r.Area, &fns, &r.Hours, &r.Address, &r.UpdatedAt, &r.Photos); err != nil {
			return VenueList{}, errs.Wrap(err, "scan venue row")
		}
		var v *Venue
		if vid.Valid {
			r.HasVenue = true
			r.Functions = splitKeys(fns)
			v = &Venue{Area: r.Area, Functions: r.Functions}
		} else {
			r.Functions = []string{}
		}
		r.VenueCheck = venueAssess(v, stds.at(r.path, r.Kind))
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return VenueList{}, errs.Wrap(err, "venue compliance")
	}
	out.Parts = venueParts(ctx, s, actor, out.Under, all)
	var kept []VenueRow
	for _, r := range all {
		out.Counts.add(r)
		if venueStatusMatches(q.Status, r) {
			kept = append(kept, r)
		}
	}
	sortVenueRows(kept, key, desc)
	out.Total = len(kept)
	if q.Offset < len(kept) {
		kept = kept[q.Offset:]
		if q.Limit > 0 && q.Limit < len(kept) {
			kept = kept[:q.Limit]
		}
	} else {
		kept = nil
	}
	out.Rows = kept
	if out.Rows == nil {
		out.Rows = []VenueRow{}
	}
	return out, nil
}

// venueStatusMatches reports whether a row has the status a filter asks
// for.
func venueStatusMatches(filter string, r VenueRow) bool {
	switch filter {
	case "":
		return true
	case "noncompliant":
		return r.Status != "compliant" && r.Status != "none"
	case "short_area":
		return r.ShortBy > 0
	case "missing_functions":
		return len(r.Missing) > 0
	}
	return r.Status == filter
}

// sortVenueRows orders the rows by key; ties fall back on the division
// code, then the id.
func sortVenueRows(rows []VenueRow, key string, desc bool) {
	var keys map[int64]string
	if key == "name" {
		c := collate.New(language.SimplifiedChinese)
		var buf collate.Buffer
		keys = make(map[int64]string, len(rows))
		for _, r := range rows {
			keys[r.OrgID] = string(c.KeyFromString(&buf, r.name))
			buf.Reset()
		}
	}
	tie := func(a, b VenueRow) int {
		if c := strings.Compare(a.RegionCode, b.RegionCode); c != 0 {
			return c
		}
		return int(a.OrgID - b.OrgID)
	}
	slices.SortStableFunc(rows, func(a, b VenueRow) int {
		c := 0
		switch key {
		case "name":
			c = strings.Compare(keys[a.OrgID], keys[b.OrgID])
		case "area":
			// Organizations without a venue come before the smallest.
			c = venueAreaKey(a) - venueAreaKey(b)
		case "status":
			c = venueStatusOrder[a.Status] - venueStatusOrder[b.Status]
		case "updated":
			c = strings.Compare(a.UpdatedAt, b.UpdatedAt)
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = tie(a, b)
		}
		return c
	})
}

func venueAreaKey(r VenueRow) int {
	if !r.HasVenue {
		return -1
	}
	return r.Area
}

// venueParts counts the rows under each child organization of under (the
// actor's top organization when under is zero and it has one), in the
// children's order; rows of the organization itself count in no part.
func venueParts(ctx context.Context, s *Service, actor access.Actor, under org.Org, rows []VenueRow) []VenuePart {
	if under.ID == 0 {
		roots := actor.Scopes(ProgramsRead)
		if len(roots) != 1 {
			return []VenuePart{}
		}
		ids := org.PathIDs(roots[0])
		o, err := s.orgs.Get(ctx, actor, ids[len(ids)-1])
		if err != nil {
			return []VenuePart{}
		}
		under = o
	}
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: under.ID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		return []VenuePart{}
	}
	depth := len(org.PathIDs(under.Path))
	idx := map[int64]int{}
	parts := make([]VenuePart, 0, len(kids))
	for _, k := range kids {
		idx[k.ID] = len(parts)
		parts = append(parts, VenuePart{OrgID: k.ID, OrgName: k.Label()})
	}
	for _, r := range rows {
		ids := org.PathIDs(r.path)
		if len(ids) > depth {
			if i, ok := idx[ids[depth]]; ok {
				parts[i].Counts.add(r)
			}
		}
	}
	// Children without a village or a community (a county's own agencies)
	// are left out.
	out := parts[:0]
	for _, p := range parts {
		if p.Counts.Total > 0 {
			out = append(out, p)
		}
	}
	return out
}

// VenueRate is the share of compliant venues among n organizations, as
// lists show it ("87.5%").
func VenueRate(compliant, n int) string {
	if n == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(compliant)*100/float64(n), 'f', 1, 64) + "%"
}

// venueSummary is one line about counts, for the demo's report.
func venueSummary(c VenueCounts) string {
	return fmt.Sprintf("村（社区）%d 个：已登记阵地 %d 个，达标 %d 个，未达标 %d 个，未登记 %d 个", c.Total, c.WithVenue, c.Compliant, c.Noncompliant, c.None)
}
