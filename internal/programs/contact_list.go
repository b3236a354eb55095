package programs

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// ContactQuery filters the compliance list of the contact points.
type ContactQuery struct {
	Under int64 // an organization: contact points at or below it, or whose leader leads from there; 0 for the actor's scope
	Year  int   // 0: this year
	State string
	Q     string // part of the leader's name or of the contact point's name
	// Sort is state (the default: behind first), leader, org, visits or
	// last_visit; "-" before it reverses.
	Sort   string
	Limit  int
	Offset int
}

// ContactList is a page of the compliance list, with the total under the
// filters and the count of each state under the same filters but the
// state's.
type ContactList struct {
	Year   int            `json:"year"`
	Items  []Contact      `json:"items"`
	Total  int            `json:"total"`
	Counts map[string]int `json:"by_state"`
}

// contactSorts are the orders of the list.
var contactSorts = []string{"state", "leader", "org", "visits", "last_visit"}

// contactScope reads the contact points of a year the actor reads, within
// under (0: the actor's scope), with their standing.
func (s *Service) contactScope(ctx context.Context, actor access.Actor, under int64, year int) ([]Contact, org.Org, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return nil, org.Org{}, errs.New(errs.Forbidden, "您没有查看领导干部联系点的权限", "you may not read leaders' contact points")
	}
	inPoint, args := actor.ScopeSQL("o.path", ProgramsRead)
	inLeader, args2 := actor.ScopeSQL("lo.path", ProgramsRead)
	where := "c.year = ? AND (" + inPoint + " OR " + inLeader + ")"
	all := append(append([]any{year}, args...), args2...)
	var o org.Org
	if under != 0 {
		var err error
		if o, err = s.orgs.Check(ctx, actor, under, ProgramsRead); err != nil {
			return nil, org.Org{}, err
		}
		where += " AND (" + access.InSubtree("o.path", o.Path) + " OR " + access.InSubtree("lo.path", o.Path) + ")"
	}
	rules, err := s.contactRuleTable(ctx, s.db)
	if err != nil {
		return nil, org.Org{}, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+contactCols+contactFrom+" WHERE "+where+" ORDER BY c.id", all...)
	if err != nil {
		return nil, org.Org{}, errs.Wrap(err, "contact points")
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := scanContact(rows, &c); err != nil {
			return nil, org.Org{}, errs.Wrap(err, "scan contact point")
		}
		s.standing(&c, rules)
		out = append(out, c)
	}
	return out, o, errs.Wrap(rows.Err(), "contact points")
}

// Contacts lists the contact points of a year the actor reads with where
// each stands against the rule: a city's leaders keep a few hundred, so
// the list is computed whole and paged here.
func (s *Service) Contacts(ctx context.Context, actor access.Actor, q ContactQuery) (ContactList, error) {
	if q.Year == 0 {
		q.Year = s.today().Year()
	}
	if q.Year < 2000 || q.Year > 2100 {
		return ContactList{}, errs.Field("year", "年度应为 2000–2100 年", "the year must be 2000 to 2100")
	}
	if q.State != "" {
		if _, ok := org.KeyOf(ContactStates, q.State); !ok {
			return ContactList{}, errs.Field("state", "状态只能是 behind、on_track 或 met", "state must be behind, on_track or met")
		}
	}
	key := strings.TrimPrefix(q.Sort, "-")
	if key == "" {
		key = "state"
	}
	if !slices.Contains(contactSorts, key) {
		return ContactList{}, errs.Field("sort", "排序只能是 state、leader、org、visits 或 last_visit", "sort must be state, leader, org, visits or last_visit")
	}
	all, _, err := s.contactScope(ctx, actor, q.Under, q.Year)
	if err != nil {
		return ContactList{}, err
	}
	out := ContactList{Year: q.Year, Counts: map[string]int{"behind": 0, "on_track": 0, "met": 0}, Items: []Contact{}}
	needle := strings.TrimSpace(q.Q)
	var rows []Contact
	for _, c := range all {
		if needle != "" && !strings.Contains(c.LeaderName, needle) && !strings.Contains(c.OrgName, needle) && !strings.Contains(c.LeaderOrgName, needle) {
			continue
		}
		out.Counts[c.State]++
		if q.State == "" || c.State == q.State {
			rows = append(rows, c)
		}
	}
	sortContacts(rows, key, strings.HasPrefix(q.Sort, "-"))
	out.Total = len(rows)
	if q.Limit > 0 {
		rows = rows[min(q.Offset, len(rows)):min(q.Offset+q.Limit, len(rows))]
	}
	if rows != nil {
		out.Items = rows
	}
	return out, nil
}

// contactStateRank orders the states behind, on track, met.
var contactStateRank = map[string]int{"behind": 0, "on_track": 1, "met": 2}

// sortContacts sorts by key, names in pinyin order; ties go by the contact
// point's name and then its id.
func sortContacts(cs []Contact, key string, desc bool) {
	coll := collate.New(language.SimplifiedChinese)
	slices.SortStableFunc(cs, func(a, b Contact) int {
		var r int
		switch key {
		case "leader":
			r = coll.CompareString(a.LeaderName, b.LeaderName)
		case "org":
			r = coll.CompareString(a.OrgName, b.OrgName)
		case "visits":
			r = cmp.Compare(a.VisitCount, b.VisitCount)
		case "last_visit":
			r = cmp.Compare(a.LastVisitOn, b.LastVisitOn)
		default:
			// Behind first; among them those furthest behind.
			r = cmp.Or(cmp.Compare(contactStateRank[a.State], contactStateRank[b.State]), cmp.Compare(a.VisitCount-a.Expected, b.VisitCount-b.Expected))
		}
		if desc {
			r = -r
		}
		return cmp.Or(r, coll.CompareString(a.OrgName, b.OrgName), cmp.Compare(a.ID, b.ID))
	})
}

// ContactTotal counts the contact points of a part of a subtree by state,
// with their visits.
type ContactTotal struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Points  int    `json:"points"`
	Met     int    `json:"met"`
	OnTrack int    `json:"on_track"`
	Behind  int    `json:"behind"`
	Visits  int    `json:"visits"`
}

// add counts a contact point.
func (t *ContactTotal) add(c Contact) {
	t.Points++
	t.Visits += c.VisitCount
	switch c.State {
	case "met":
		t.Met++
	case "on_track":
		t.OnTrack++
	default:
		t.Behind++
	}
}

// ContactTotals count the contact points of a year by where they lie:
// under each child of under (the city's counties, a county's townships; 0
// for the top of the actor's scope), in the children's order, those of
// under itself in a row of their own, and their sum. Contact points are
// counted where their organization lies, so a county's row holds the city
// leaders' contact points in the county too.
func (s *Service) ContactTotals(ctx context.Context, actor access.Actor, under int64, year int) ([]ContactTotal, ContactTotal, error) {
	if year == 0 {
		year = s.today().Year()
	}
	if year < 2000 || year > 2100 {
		return nil, ContactTotal{}, errs.Field("year", "年度应为 2000–2100 年", "the year must be 2000 to 2100")
	}
	o, err := s.cpScopeTop(ctx, actor, under, "您没有查看领导干部联系点的权限", "you may not read leaders' contact points")
	if err != nil {
		return nil, ContactTotal{}, err
	}
	all, _, err := s.contactScope(ctx, actor, o.ID, year)
	if err != nil {
		return nil, ContactTotal{}, err
	}
	rows, sum, err := s.cpByChild(ctx, actor, o, len(all), func(i int) string { return all[i].path })
	if err != nil {
		return nil, ContactTotal{}, err
	}
	totals := make([]ContactTotal, len(rows.kids))
	for i, k := range rows.kids {
		totals[i] = ContactTotal{OrgID: k.ID, OrgName: k.Label()}
	}
	total := ContactTotal{OrgID: o.ID, OrgName: o.Label()}
	for i, c := range all {
		if !access.Within(c.path, o.Path) {
			continue // a leader's contact point outside the subtree
		}
		total.add(c)
		if k := sum[i]; k >= 0 {
			totals[k].add(c)
		}
	}
	return totals, total, nil
}

// cpChildren are the rows of a table by child: the children of an
// organization and, last, the organization itself for what lies at it.
type cpChildren struct {
	kids []org.Org
}

// cpScopeTop is the organization a table by child is of: under, or the top
// of the actor's scope.
func (s *Service) cpScopeTop(ctx context.Context, actor access.Actor, under int64, zh, en string) (org.Org, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return org.Org{}, errs.New(errs.Forbidden, zh, en)
	}
	if under != 0 {
		return s.orgs.Check(ctx, actor, under, ProgramsRead)
	}
	roots, err := s.orgs.Roots(ctx, actor)
	if err != nil {
		return org.Org{}, err
	}
	if len(roots) == 0 {
		return org.Org{}, errs.New(errs.Forbidden, zh, en)
	}
	return roots[0], nil
}

// cpByChild places n things, the i-th at path(i), under the children of o:
// it returns the rows (the children, then o itself when something lies at
// it) and each thing's row, -1 for one outside o's subtree or under a
// dissolved child.
func (s *Service) cpByChild(ctx context.Context, actor access.Actor, o org.Org, n int, path func(i int) string) (cpChildren, []int, error) {
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		return cpChildren{}, nil, err
	}
	idx := map[int64]int{}
	for i, k := range kids {
		idx[k.ID] = i
	}
	depth := len(org.PathIDs(o.Path))
	own := -1
	place := make([]int, n)
	for i := range n {
		p := path(i)
		place[i] = -1
		if !access.Within(p, o.Path) {
			continue
		}
		ids := org.PathIDs(p)
		if len(ids) > depth {
			if k, ok := idx[ids[depth]]; ok {
				place[i] = k
			}
			continue
		}
		if own < 0 {
			own = len(kids)
			kids = append(kids, o)
		}
		place[i] = own
	}
	return cpChildren{kids: kids}, place, nil
}
