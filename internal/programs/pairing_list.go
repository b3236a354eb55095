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
)

// PairingQuery filters the pairings.
type PairingQuery struct {
	Under int64  // an organization: pairings with either side at or below it; 0 for the actor's scope
	Year  int    // the pairings running in the year, with its commitments; 0: this year
	Q     string // part of either organization's name
	// Sort is agency (the default), grassroots, from_year, rate or funds
	// (the share of the funds delivered); "-" before it reverses.
	Sort   string
	Limit  int
	Offset int
}

// PairingList is a page of pairings with their total and the sums of the
// whole list.
type PairingList struct {
	Year  int          `json:"year"`
	Items []Pairing    `json:"items"`
	Total int          `json:"total"`
	Sum   PairingTotal `json:"sum"`
}

var pairingSorts = []string{"agency", "grassroots", "from_year", "rate", "funds"}

// pairingScope reads the pairings running in a year that the actor reads,
// within under (0: the actor's scope), each with that year's commitments.
func (s *Service) pairingScope(ctx context.Context, actor access.Actor, under int64, year int) ([]Pairing, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return nil, errs.New(errs.Forbidden, "您没有查看结对共建的权限", "you may not read pairings")
	}
	inA, args := actor.ScopeSQL("a.path", ProgramsRead)
	inG, args2 := actor.ScopeSQL("g.path", ProgramsRead)
	where := " WHERE p.from_year <= ? AND COALESCE(p.to_year, 9999) >= ? AND (" + inA + " OR " + inG + ")"
	all := append(append([]any{year, year}, args...), args2...)
	if under != 0 {
		o, err := s.orgs.Check(ctx, actor, under, ProgramsRead)
		if err != nil {
			return nil, err
		}
		where += " AND (" + access.InSubtree("a.path", o.Path) + " OR " + access.InSubtree("g.path", o.Path) + ")"
	}
	rows, err := s.db.Query(ctx, "SELECT "+pairingCols+pairingFrom+where+" ORDER BY p.id", all...)
	if err != nil {
		return nil, errs.Wrap(err, "pairings")
	}
	var out []Pairing
	idx := map[int64]int{}
	for rows.Next() {
		var p Pairing
		if err := scanPairing(rows, &p); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan pairing")
		}
		p.Commitments = []Commitment{}
		idx[p.ID] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "pairings")
	}
	rows, err = s.db.Query(ctx, "SELECT c.pairing_id, c.id, c.year, c.kind, c.target, c.content, c.done, c.updated_at, c.version FROM pairing_commitments c JOIN pairings p ON p.id = c.pairing_id"+
		" JOIN orgs a ON a.id = p.agency_org_id JOIN orgs g ON g.id = p.grassroots_org_id"+where+" AND c.year = ? ORDER BY c.pairing_id, "+strings.ReplaceAll(commitmentOrder, "kind", "c.kind"), append(all, year)...)
	if err != nil {
		return nil, errs.Wrap(err, "commitments")
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var c Commitment
		if err := rows.Scan(&pid, &c.ID, &c.Year, &c.Kind, &c.Target, &c.Content, &c.Done, &c.UpdatedAt, &c.Version); err != nil {
			return nil, errs.Wrap(err, "scan commitment")
		}
		c.Rate = pairingRate(c.Done, c.Target)
		if i, ok := idx[pid]; ok {
			out[i].Commitments = append(out[i].Commitments, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "commitments")
	}
	for i := range out {
		out[i].figures(year)
	}
	return out, nil
}

// Pairings lists the pairings running in a year that the actor reads,
// each with the year's commitments and completion rate, and the sums of
// the list.
func (s *Service) Pairings(ctx context.Context, actor access.Actor, q PairingQuery) (PairingList, error) {
	if q.Year == 0 {
		q.Year = s.today().Year()
	}
	if q.Year < 2000 || q.Year > 2100 {
		return PairingList{}, errs.Field("year", "年度应为 2000–2100 年", "the year must be 2000 to 2100")
	}
	key := strings.TrimPrefix(q.Sort, "-")
	if key == "" {
		key = "agency"
	}
	if !slices.Contains(pairingSorts, key) {
		return PairingList{}, errs.Field("sort", "排序只能是 agency、grassroots、from_year、rate 或 funds", "sort must be agency, grassroots, from_year, rate or funds")
	}
	all, err := s.pairingScope(ctx, actor, q.Under, q.Year)
	if err != nil {
		return PairingList{}, err
	}
	out := PairingList{Year: q.Year, Items: []Pairing{}}
	needle := strings.TrimSpace(q.Q)
	var rows []Pairing
	for _, p := range all {
		if needle != "" && !strings.Contains(p.AgencyName, needle) && !strings.Contains(p.GrassrootsName, needle) {
			continue
		}
		out.Sum.add(p)
		rows = append(rows, p)
	}
	coll := collate.New(language.SimplifiedChinese)
	desc := strings.HasPrefix(q.Sort, "-")
	slices.SortStableFunc(rows, func(a, b Pairing) int {
		var r int
		switch key {
		case "agency":
			r = cmp.Or(coll.CompareString(a.AgencyName, b.AgencyName), coll.CompareString(a.GrassrootsName, b.GrassrootsName))
		case "grassroots":
			r = cmp.Or(coll.CompareString(a.GrassrootsName, b.GrassrootsName), coll.CompareString(a.AgencyName, b.AgencyName))
		case "from_year":
			r = cmp.Compare(a.FromYear, b.FromYear)
		case "rate":
			r = cmp.Compare(a.Rate, b.Rate)
		case "funds":
			r = cmp.Compare(pairingRate(a.FundsDelivered, a.FundsCommitted), pairingRate(b.FundsDelivered, b.FundsCommitted))
		}
		if desc {
			r = -r
		}
		return cmp.Or(r, cmp.Compare(a.ID, b.ID))
	})
	out.Total = len(rows)
	if q.Limit > 0 {
		rows = rows[min(q.Offset, len(rows)):min(q.Offset+q.Limit, len(rows))]
	}
	if rows != nil {
		out.Items = rows
	}
	return out, nil
}

// PairingTotal sums the pairings of a part of a subtree in a year.
type PairingTotal struct {
	OrgID          int64  `json:"org_id"`
	OrgName        string `json:"org_name"`
	Pairings       int    `json:"pairings"`
	Commitments    int    `json:"commitments"`
	Completed      int    `json:"completed"`
	FundsCommitted int    `json:"funds_committed"`
	FundsDelivered int    `json:"funds_delivered"`
	Projects       int    `json:"projects"`
	ProjectsDone   int    `json:"projects_done"`
	Activities     int    `json:"activities"`
	ActivitiesDone int    `json:"activities_done"`
}

func (t *PairingTotal) add(p Pairing) {
	t.Pairings++
	t.Commitments += p.CommitmentCount
	t.Completed += p.Completed
	t.FundsCommitted += p.FundsCommitted
	t.FundsDelivered += p.FundsDelivered
	for _, c := range p.Commitments {
		if c.Year != p.Year {
			continue
		}
		switch c.Kind {
		case "projects":
			t.Projects += c.Target
			t.ProjectsDone += c.Done
		case "activities":
			t.Activities += c.Target
			t.ActivitiesDone += c.Done
		}
	}
}

// PairingTotals sum the pairings running in a year by where their
// grassroots side lies: under each child of under (the city's counties, a
// county's townships; 0 for the top of the actor's scope), in the
// children's order, under itself in a row of its own, and their sum. A
// pairing whose grassroots side lies outside the subtree (a county agency
// paired elsewhere) is not counted.
func (s *Service) PairingTotals(ctx context.Context, actor access.Actor, under int64, year int) ([]PairingTotal, PairingTotal, error) {
	if year == 0 {
		year = s.today().Year()
	}
	if year < 2000 || year > 2100 {
		return nil, PairingTotal{}, errs.Field("year", "年度应为 2000–2100 年", "the year must be 2000 to 2100")
	}
	o, err := s.cpScopeTop(ctx, actor, under, "您没有查看结对共建的权限", "you may not read pairings")
	if err != nil {
		return nil, PairingTotal{}, err
	}
	all, err := s.pairingScope(ctx, actor, o.ID, year)
	if err != nil {
		return nil, PairingTotal{}, err
	}
	rows, place, err := s.cpByChild(ctx, actor, o, len(all), func(i int) string { return all[i].grassrootsPath })
	if err != nil {
		return nil, PairingTotal{}, err
	}
	out := make([]PairingTotal, len(rows.kids))
	for i, k := range rows.kids {
		out[i] = PairingTotal{OrgID: k.ID, OrgName: k.Label()}
	}
	sum := PairingTotal{OrgID: o.ID, OrgName: o.Label()}
	for i, p := range all {
		if !access.Within(p.grassrootsPath, o.Path) {
			continue
		}
		sum.add(p)
		if k := place[i]; k >= 0 {
			out[k].add(p)
		}
	}
	return out, sum, nil
}
