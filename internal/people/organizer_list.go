package people

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// A county recruits tens of organizers a year and a city a few hundred: the
// lists below read the rows of the actor's scope whole and filter, sort and
// page them in memory, which keeps every sort and count in one place.

// BatchQuery filters the recruitment batches.
type BatchQuery struct {
	Under  int64  // an organization whose subtree recruited; 0 for the actor's scope
	Year   int    // 0 for every year
	Q      string // part of the batch's name
	Sort   string // year (default: newest first), name, planned, recruited, retention; "-" before it reverses
	Limit  int
	Offset int
}

// Batches lists the batches of the actor's scope with their counts.
func (s *Service) Batches(ctx context.Context, actor access.Actor, q BatchQuery) ([]Batch, int, error) {
	if !actor.CanAnywhere(PeopleRead) {
		return nil, 0, errs.New(errs.Forbidden, "您没有查看党建组织员的权限", "you may not read the organizers")
	}
	scope, args := actor.ScopeSQL("bo.path", PeopleRead)
	where := []string{scope}
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, PeopleRead)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, access.InSubtree("bo.path", o.Path))
	}
	if q.Year != 0 {
		where, args = append(where, "b.year = ?"), append(args, q.Year)
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		where, args = append(where, "b.name LIKE ?"), append(args, db.Contains(q.Q))
	}
	rows, err := s.db.Query(ctx, "SELECT "+batchCols+" FROM organizer_batches b"+org.Join("bo", "b.org_id")+" WHERE "+strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "batches")
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		if err := scanBatch(rows, &b); err != nil {
			return nil, 0, errs.Wrap(err, "scan batch")
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "batches")
	}
	key, desc := sortKey(q.Sort, "-year")
	slices.SortStableFunc(out, func(a, b Batch) int {
		c := 0
		switch key {
		case "name":
			c = strings.Compare(nameKey(a.Name), nameKey(b.Name))
		case "planned":
			c = cmp.Compare(a.Planned, b.Planned)
		case "recruited":
			c = cmp.Compare(a.Recruited, b.Recruited)
		case "retention":
			c = cmp.Compare(a.Retention, b.Retention)
		default:
			c = cmp.Compare(a.Year, b.Year)
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		return c
	})
	return page(out, q.Offset, q.Limit), len(out), nil
}

// sortKey splits a sort parameter into its key and direction, def when
// empty.
func sortKey(s, def string) (string, bool) {
	if s == "" {
		s = def
	}
	return strings.TrimPrefix(s, "-"), strings.HasPrefix(s, "-")
}

// page is the part of rows from offset, at most limit (all for 0).
func page[T any](rows []T, offset, limit int) []T {
	if offset >= len(rows) {
		return nil
	}
	rows = rows[offset:]
	if limit > 0 && limit < len(rows) {
		rows = rows[:limit]
	}
	return rows
}

// OrganizerQuery filters the organizers.
type OrganizerQuery struct {
	Under   int64  // an organization: recruited by its subtree or placed in it
	BatchID int64  // 0 for every batch
	State   string // recruited | in_post | departed | ending (in post, tenure ending within six months or over) | ""
	Q       string // part of a name
	Sort    string // name (default), batch, placed_on, ends_on, org; "-" before it reverses
	Limit   int
	Offset  int
}

// OrganizerStateFilters are the states the organizer list filters by.
var OrganizerStateFilters = append(append([]org.Choice{}, OrganizerStates...), org.Choice{Key: "ending", Text: tenureEndingText})

// Organizers lists the organizers the actor may read: recruited by an
// organization of its scope or placed in one.
func (s *Service) Organizers(ctx context.Context, actor access.Actor, q OrganizerQuery) ([]Organizer, int, error) {
	if !actor.CanAnywhere(PeopleRead) {
		return nil, 0, errs.New(errs.Forbidden, "您没有查看党建组织员的权限", "you may not read the organizers")
	}
	if q.State != "" {
		if _, ok := org.KeyOf(OrganizerStateFilters, q.State); !ok {
			return nil, 0, errs.Field("state", "状态只能是 recruited、in_post、departed 或 ending", "state must be recruited, in_post, departed or ending")
		}
	}
	a, _ := actor.ScopeSQL("bo.path", PeopleRead)
	b, _ := actor.ScopeSQL("po.path", PeopleRead)
	where := []string{"(" + a + " OR " + b + ")"}
	var args []any
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, PeopleRead)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, "("+access.InSubtree("bo.path", o.Path)+" OR "+access.InSubtree("po.path", o.Path)+")")
	}
	if q.BatchID != 0 {
		where, args = append(where, "x.batch_id = ?"), append(args, q.BatchID)
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		where, args = append(where, "p.name LIKE ?"), append(args, db.Contains(q.Q))
	}
	rows, err := s.db.Query(ctx, "SELECT "+organizerCols+", p.name_key"+organizerFrom+" WHERE "+strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "organizers")
	}
	defer rows.Close()
	today := s.today()
	var out []Organizer
	keys := map[int64]string{}
	for rows.Next() {
		var o Organizer
		var k string
		if err := s.scanOrganizer(scanExtra{rows, &k}, &o, today); err != nil {
			return nil, 0, errs.Wrap(err, "scan organizer")
		}
		switch q.State {
		case "", o.State:
		case "ending":
			if !o.EndingSoon {
				continue
			}
		default:
			continue
		}
		keys[o.ID] = k
		o.BatchVisible = actor.Can(PeopleRead, o.countyPath)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "organizers")
	}
	def := "name"
	if q.State == "ending" {
		def = "ends_on"
	}
	key, desc := sortKey(q.Sort, def)
	slices.SortStableFunc(out, func(a, b Organizer) int {
		c := 0
		switch key {
		case "batch":
			c = cmp.Or(cmp.Compare(a.BatchYear, b.BatchYear), cmp.Compare(a.BatchID, b.BatchID))
		case "placed_on":
			c = strings.Compare(a.PlacedOn, b.PlacedOn)
		case "ends_on":
			c = strings.Compare(a.EndsOn, b.EndsOn)
		case "org":
			c = strings.Compare(nameKey(a.PlacedOrg), nameKey(b.PlacedOrg))
		}
		if key == "name" {
			c = strings.Compare(keys[a.ID], keys[b.ID])
		}
		if desc {
			c = -c
		}
		// Ties in pinyin order of the names, whichever the direction.
		return cmp.Or(c, strings.Compare(keys[a.ID], keys[b.ID]), cmp.Compare(a.ID, b.ID))
	})
	return page(out, q.Offset, q.Limit), len(out), nil
}

// scanExtra scans a row whose last column is one more string after those a
// scanner expects.
type scanExtra struct {
	rows interface{ Scan(...any) error }
	last *string
}

// Scan scans dest and then the extra column.
func (s scanExtra) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.last)...) }

// OrganizerCount is the organizers of one part of a subtree: recruited by
// it (its batches) and where they stand.
type OrganizerCount struct {
	OrgID     int64   `json:"org_id"`
	OrgName   string  `json:"org_name"`
	Planned   int     `json:"planned"`
	Recruited int     `json:"recruited"`
	InPost    int     `json:"in_post"`
	Departed  int     `json:"departed"`
	Ending    int     `json:"ending"`
	Retention float64 `json:"retention"` // percent of the recruits not gone
}

// scopeRoot is under, or when it is 0 the top of the actor's first
// subtree for action: a summary page shows the actor's whole scope.
func scopeRoot(actor access.Actor, under int64, action access.Action, zh, en string) (int64, error) {
	if under != 0 {
		return under, nil
	}
	roots := actor.Scopes(action)
	if len(roots) == 0 {
		if actor.Unrestricted() {
			return 0, errs.Field("org_id", "请指定党组织", "give the organization")
		}
		return 0, errs.New(errs.Forbidden, zh, en)
	}
	ids := org.PathIDs(roots[0])
	return ids[len(ids)-1], nil
}

// OrganizersByCounty counts the organizers recruited under each child of
// under (a city's counties; 0 for the top of the actor's scope), in the
// children's order, for the batches of a year or of every year (0).
func (s *Service) OrganizersByCounty(ctx context.Context, actor access.Actor, under int64, year int) ([]OrganizerCount, error) {
	under, err := scopeRoot(actor, under, PeopleRead, "您没有查看党建组织员的权限", "you may not read the organizers")
	if err != nil {
		return nil, err
	}
	o, err := s.orgs.Check(ctx, actor, under, PeopleRead)
	if err != nil {
		return nil, err
	}
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	out := make([]OrganizerCount, len(kids))
	for i, k := range kids {
		idx[k.ID] = i
		out[i] = OrganizerCount{OrgID: k.ID, OrgName: k.Label()}
	}
	// A county's own batches count for it when under is the county.
	if len(kids) == 0 || o.Level == "county" {
		idx[o.ID] = len(out)
		out = append(out, OrganizerCount{OrgID: o.ID, OrgName: o.Label()})
	}
	batches, _, err := s.Batches(ctx, actor, BatchQuery{Under: o.ID, Year: year})
	if err != nil {
		return nil, err
	}
	depth := len(org.PathIDs(o.Path))
	part := func(path string) (int, bool) {
		ids := org.PathIDs(path)
		if i, ok := idx[o.ID]; ok && len(ids) == depth {
			return i, true
		}
		if len(ids) <= depth {
			return 0, false
		}
		i, ok := idx[ids[depth]]
		return i, ok
	}
	for _, b := range batches {
		if i, ok := part(b.path); ok {
			out[i].Planned += b.Planned
			out[i].Recruited += b.Recruited
			out[i].InPost += b.InPost
			out[i].Departed += b.Departed
		}
	}
	ending, _, err := s.Organizers(ctx, actor, OrganizerQuery{Under: o.ID, State: "ending"})
	if err != nil {
		return nil, err
	}
	for _, e := range ending {
		if year != 0 && e.BatchYear != year {
			continue
		}
		if i, ok := part(e.countyPath); ok {
			out[i].Ending++
		}
	}
	for i := range out {
		out[i].Retention = pct1(out[i].Recruited-out[i].Departed, out[i].Recruited)
	}
	return out, nil
}
