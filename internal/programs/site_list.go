package programs

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// SiteQuery filters the demonstration sites.
type SiteQuery struct {
	Under int64  // an organization's subtree; 0 for the actor's scope
	Unit  int64  // a nominating unit; 0 for all
	Year  int    // the year of nomination; 0 for every year
	State string // a SiteStates key, "live" (every state but revoked) or ""
	Flag  string // "recheck_due" or ""
	Q     string // part of the site's or the unit's name
	// Sort is name (default), unit, year, state, designated or led; "-"
	// before it reverses.
	Sort   string
	Limit  int
	Offset int
}

// SiteList is a page of the sites with the count of each state under the
// same filters but the state's, and of the sites due for their re-check.
type SiteList struct {
	Items  []Site         `json:"items"`
	Total  int            `json:"total"`
	States map[string]int `json:"states"`
	Due    int            `json:"recheck_due"`
}

// siteStateOrder is the position of each state in a site's life.
var siteStateOrder = map[string]int{"nominated": 1, "cultivating": 2, "accepted": 3, "designated": 4, "revoked": 5}

// Sites lists the sites the actor may read. A city has tens of sites a
// year, so the list is filtered and sorted in memory, names in pinyin
// order.
func (s *Service) Sites(ctx context.Context, actor access.Actor, q SiteQuery) (SiteList, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return SiteList{}, errs.New(errs.Forbidden, "您没有查看示范点的权限", "you may not read demonstration sites")
	}
	scope, args := actor.ScopeSQL("o.path", ProgramsRead)
	where := []string{scope}
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, ProgramsRead)
		if err != nil {
			return SiteList{}, err
		}
		where = append(where, access.InSubtree("o.path", o.Path))
	}
	if q.Unit != 0 {
		where, args = append(where, "s.nominator_org_id = ?"), append(args, q.Unit)
	}
	if q.Year != 0 {
		where, args = append(where, "s.year = ?"), append(args, q.Year)
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		where = append(where, "(o.name LIKE ? OR o.short_name LIKE ? OR n.name LIKE ? OR n.short_name LIKE ?)")
		args = append(args, db.Contains(q.Q), db.Contains(q.Q), db.Contains(q.Q), db.Contains(q.Q))
	}
	if _, ok := org.KeyOf(SiteStates, q.State); !ok && q.State != "" && q.State != "live" {
		return SiteList{}, errs.Field("state", "状态只能是 nominated、cultivating、accepted、designated、revoked 或 live", "state must be nominated, cultivating, accepted, designated, revoked or live")
	}
	if q.Flag != "" && q.Flag != "recheck_due" {
		return SiteList{}, errs.Field("flag", "标记只能是 recheck_due", "flag must be recheck_due")
	}
	key, desc := strings.TrimPrefix(q.Sort, "-"), strings.HasPrefix(q.Sort, "-")
	if key == "" {
		key = "name"
	}
	if !slices.Contains([]string{"name", "unit", "year", "state", "designated", "led"}, key) {
		return SiteList{}, errs.Field("sort", "排序只能是 name、unit、year、state、designated 或 led", "sort must be name, unit, year, state, designated or led")
	}
	rows, err := s.db.Query(ctx, "SELECT "+siteCols+siteFrom+" WHERE "+strings.Join(where, " AND "), args...)
	if err != nil {
		return SiteList{}, errs.Wrap(err, "demonstration sites")
	}
	var all []Site
	for rows.Next() {
		var x Site
		if err := s.scanSite(rows, &x); err != nil {
			rows.Close()
			return SiteList{}, errs.Wrap(err, "scan site")
		}
		all = append(all, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return SiteList{}, errs.Wrap(err, "demonstration sites")
	}
	out := SiteList{States: map[string]int{}}
	var kept []Site
	for _, x := range all {
		if q.Flag == "recheck_due" && !x.RecheckDue {
			continue
		}
		out.States[x.State]++
		if q.State != "" && x.State != q.State && (q.State != "live" || x.State == "revoked") {
			continue
		}
		if x.RecheckDue {
			out.Due++
		}
		kept = append(kept, x)
	}
	coll := collate.New(language.SimplifiedChinese)
	slices.SortStableFunc(kept, func(a, b Site) int {
		c := 0
		switch key {
		case "unit":
			c = coll.CompareString(a.NominatorName, b.NominatorName)
		case "year":
			c = cmp.Compare(a.Year, b.Year)
		case "state":
			c = cmp.Compare(siteStateOrder[a.State], siteStateOrder[b.State])
		case "designated":
			c = cmp.Compare(a.DesignatedYear, b.DesignatedYear)
		case "led":
			c = cmp.Compare(a.Led, b.Led)
		}
		if c == 0 {
			c = coll.CompareString(a.OrgName, b.OrgName)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
	out.Total = len(kept)
	if q.Offset > len(kept) {
		q.Offset = len(kept)
	}
	kept = kept[q.Offset:]
	if q.Limit > 0 && len(kept) > q.Limit {
		kept = kept[:q.Limit]
	}
	out.Items = kept
	if out.Items == nil {
		out.Items = []Site{}
	}
	return out, nil
}
