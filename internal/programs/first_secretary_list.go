package programs

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// FirstSecViews are the lists of the ledger: every term, the terms ending
// within some days (and those over whose end is not recorded), and the
// terms that ended with nobody taking over.
var FirstSecViews = []string{"", "expiring", "vacant"}

// DefaultExpiryDays is how far ahead the expiry list looks unless told.
const DefaultExpiryDays = 90

// MaxExpiryDays bounds how far ahead it looks: two years.
const MaxExpiryDays = 730

// FirstSecQuery filters the ledger.
type FirstSecQuery struct {
	Under int64  // an organization: the terms at or below it; 0 for the actor's scope
	View  string // "" (every term), expiring or vacant
	Days  int    // expiring: within so many days; 0 for DefaultExpiryDays
	State string // in_post, expired or ended; the view of every term only
	Q     string // part of the first secretary's, the organization's or the home agency's name
	// Sort is org, name, agency, start, ends, ended or logs; "-" before it
	// reverses. The default is the end of the term for the expiry list,
	// the date of leaving (latest first) for the vacant one, the
	// organization otherwise.
	Sort   string
	Limit  int
	Offset int
}

// FirstSecList is a page of the ledger with the total under the filters,
// and the figures of the scope under the same search: the terms of each
// state, those ending within Days and those vacant.
type FirstSecList struct {
	View     string         `json:"view"`
	Days     int            `json:"days"`
	Items    []FirstSec     `json:"items"`
	Total    int            `json:"total"`
	Counts   map[string]int `json:"by_state"`
	Expiring int            `json:"expiring"`
	Vacant   int            `json:"vacant"`
}

// firstSecSorts are the orders of the list.
var firstSecSorts = []string{"org", "name", "agency", "start", "ends", "ended", "logs"}

// Expiring reports whether a term not ended is over or ends within days.
func (f FirstSec) Expiring(days int) bool { return f.EndedOn == "" && f.DaysLeft <= days }

// firstSecScope reads the terms the actor reads within under (0: the
// actor's scope).
func (s *Service) firstSecScope(ctx context.Context, actor access.Actor, under int64) ([]FirstSec, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return nil, errs.New(errs.Forbidden, "您没有查看第一书记台账的权限", "you may not read the first secretaries' ledger")
	}
	where, args := actor.ScopeSQL("o.path", ProgramsRead)
	if under != 0 {
		o, err := s.orgs.Check(ctx, actor, under, ProgramsRead)
		if err != nil {
			return nil, err
		}
		where += " AND " + access.InSubtree("o.path", o.Path)
	}
	rows, err := s.db.Query(ctx, "SELECT "+fsCols+fsFrom+" WHERE "+fsDone+" AND "+where+" ORDER BY t.id", args...)
	if err != nil {
		return nil, errs.Wrap(err, "first secretaries")
	}
	defer rows.Close()
	today := s.today()
	var out []FirstSec
	for rows.Next() {
		var f FirstSec
		if err := scanFirstSec(rows, &f, today); err != nil {
			return nil, errs.Wrap(err, "scan first secretary")
		}
		out = append(out, f)
	}
	return out, errs.Wrap(rows.Err(), "first secretaries")
}

// FirstSecTerms lists the ledger: a city sends a few hundred first
// secretaries, so the list is computed whole and paged here.
func (s *Service) FirstSecTerms(ctx context.Context, actor access.Actor, q FirstSecQuery) (FirstSecList, error) {
	if !slices.Contains(FirstSecViews, q.View) {
		return FirstSecList{}, errs.Field("view", "列表只能是全部、expiring（任期将满）或 vacant（离任后未接替）", "the view must be empty, expiring or vacant")
	}
	if q.Days == 0 {
		q.Days = DefaultExpiryDays
	}
	if q.Days < 1 || q.Days > MaxExpiryDays {
		return FirstSecList{}, errs.Field("days", fmt.Sprintf("天数应为 1–%d", MaxExpiryDays), fmt.Sprintf("the days must be 1 to %d", MaxExpiryDays))
	}
	if q.State != "" {
		if _, ok := org.KeyOf(FirstSecStates, q.State); !ok {
			return FirstSecList{}, errs.Field("state", "状态只能是 in_post、expired 或 ended", "state must be in_post, expired or ended")
		}
	}
	key := strings.TrimPrefix(q.Sort, "-")
	desc := strings.HasPrefix(q.Sort, "-")
	if key == "" {
		switch q.View {
		case "expiring":
			key = "ends"
		case "vacant":
			key, desc = "ended", true
		default:
			key = "org"
		}
	}
	if !slices.Contains(firstSecSorts, key) {
		return FirstSecList{}, errs.Field("sort", "排序只能是 org、name、agency、start、ends、ended 或 logs", "sort must be org, name, agency, start, ends, ended or logs")
	}
	all, err := s.firstSecScope(ctx, actor, q.Under)
	if err != nil {
		return FirstSecList{}, err
	}
	out := FirstSecList{View: q.View, Days: q.Days, Items: []FirstSec{}, Counts: map[string]int{"in_post": 0, "expired": 0, "ended": 0}}
	needle := strings.TrimSpace(q.Q)
	var rows []FirstSec
	for _, f := range all {
		if needle != "" && !strings.Contains(f.PersonName, needle) && !strings.Contains(f.OrgName, needle) && !strings.Contains(f.HomeAgency, needle) {
			continue
		}
		out.Counts[f.State]++
		if f.Expiring(q.Days) {
			out.Expiring++
		}
		if f.Vacant() {
			out.Vacant++
		}
		switch {
		case q.View == "expiring" && !f.Expiring(q.Days),
			q.View == "vacant" && !f.Vacant(),
			q.View == "" && q.State != "" && f.State != q.State:
			continue
		}
		rows = append(rows, f)
	}
	sortFirstSecs(rows, key, desc)
	out.Total = len(rows)
	if q.Limit > 0 {
		rows = rows[min(q.Offset, len(rows)):min(q.Offset+q.Limit, len(rows))]
	}
	if rows != nil {
		out.Items = rows
	}
	return out, nil
}

// sortFirstSecs sorts by key, names in pinyin order; ties go by the
// organization's name, then the start of the term and the id.
func sortFirstSecs(fs []FirstSec, key string, desc bool) {
	coll := collate.New(language.SimplifiedChinese)
	slices.SortStableFunc(fs, func(a, b FirstSec) int {
		var r int
		switch key {
		case "name":
			r = coll.CompareString(a.PersonName, b.PersonName)
		case "agency":
			r = coll.CompareString(a.HomeAgency, b.HomeAgency)
		case "start":
			r = cmp.Compare(a.StartedOn, b.StartedOn)
		case "ends":
			r = cmp.Compare(a.EndsOn, b.EndsOn)
		case "ended":
			r = cmp.Compare(a.EndedOn, b.EndedOn)
		case "logs":
			r = cmp.Compare(a.LogDays, b.LogDays)
		default:
			r = coll.CompareString(a.OrgName, b.OrgName)
		}
		if desc {
			r = -r
		}
		return cmp.Or(r, coll.CompareString(a.OrgName, b.OrgName), cmp.Compare(a.StartedOn, b.StartedOn), cmp.Compare(a.ID, b.ID))
	})
}
