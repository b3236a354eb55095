package people

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// PayFigures are the compliance of a subtree's village and community
// cadres with the pay floor in a year, as the cockpit and the statistics
// API show it: PaySummary's counts of the recorded pay, the cadres without
// a record, and the same by child organization.
type PayFigures struct {
	PaySummary
	// NoRecord counts the persons who held a cadre's post in a village or
	// community of the subtree during the year and have no pay recorded for
	// it.
	NoRecord int `json:"no_record"`
	// Counted is Cadres (recorded) and NoRecord.
	Counted int `json:"counted"`
	// Percent is OK of Counted, one decimal; 0 when none is counted: a
	// cadre without a record, or without the county's income to judge
	// them by, is not known to be paid enough.
	Percent float64 `json:"percent"`
	// Children are the active child organizations in the order of the tree,
	// each over its subtree.
	Children []PayChild `json:"children"`
}

// PayChild is one child organization's compliance over its subtree.
type PayChild struct {
	OrgID       int64   `json:"org_id"`
	Name        string  `json:"name"`
	Cadres      int     `json:"cadres"`
	OK          int     `json:"ok"`
	Below       int     `json:"below"`
	NoReference int     `json:"no_reference"`
	Shortfall   int     `json:"shortfall"`
	NoRecord    int     `json:"no_record"`
	Counted     int     `json:"counted"`
	Percent     float64 `json:"percent"`
}

// payTally is the compliance of the pay of one organization's cadres in a
// year, and the cadres without a record counted there.
type payTally struct{ cadres, ok, below, noRef, short, noRecord int }

func (t *payTally) add(o payTally) {
	t.cadres += o.cadres
	t.ok += o.ok
	t.below += o.below
	t.noRef += o.noRef
	t.short += o.short
	t.noRecord += o.noRecord
}

// payCountLarge is the most cadres whose pay is counted again at once when
// a kept count is stale (a county has about a thousand); a city's answers
// with its last count while the next one runs (see keeper).
const payCountLarge = 3000

// payPercent is ok of counted, one decimal.
func payPercent(ok, counted int) float64 {
	if counted == 0 {
		return 0
	}
	return math.Round(float64(ok)*1000/float64(counted)) / 10
}

// PayByChild counts the compliance of a year's pay in the subtree of an
// organization the actor reads, as PayCompliance judges it, overall and by
// child, with the cadres who have no pay recorded, from counts kept by
// organization (see keeper): they are counted again after any audited
// change (pay, incomes and the factor are audited, and so are posts), and
// after trainedTTL.
func (s *Service) PayByChild(ctx context.Context, actor access.Actor, orgID int64, year int) (PayFigures, error) {
	o, err := s.orgs.Check(ctx, actor, orgID, PeopleRead)
	if err != nil {
		return PayFigures{}, err
	}
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		return PayFigures{}, err
	}
	var last sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT MAX(id) FROM audit_log").Scan(&last); err != nil {
		return PayFigures{}, errs.Wrap(err, "pay mark")
	}
	kept, err := s.keep.pay.get(ctx, s, o.Path, year, strconv.FormatInt(last.Int64, 10))
	if err != nil {
		return PayFigures{}, err
	}
	var all payTally
	by := make([]payTally, len(kids))
	kept.each(o.Path, kids, func(i int, t payTally) {
		all.add(t)
		if i >= 0 {
			by[i].add(t)
		}
	})
	f := PayFigures{Children: make([]PayChild, len(kids))}
	for i, k := range kids {
		t := by[i]
		f.Children[i] = PayChild{OrgID: k.ID, Name: k.Label(), Cadres: t.cadres, OK: t.ok, Below: t.below, NoReference: t.noRef, Shortfall: t.short,
			NoRecord: t.noRecord, Counted: t.cadres + t.noRecord, Percent: payPercent(t.ok, t.cadres+t.noRecord)}
	}
	f.PaySummary = PaySummary{Year: year, Cadres: all.cadres, OK: all.ok, Below: all.below, NoReference: all.noRef, Shortfall: all.short}
	f.NoRecord, f.Counted = all.noRecord, all.cadres+all.noRecord
	f.Percent = payPercent(all.ok, f.Counted)
	return f, nil
}

// countPayByOrg counts the compliance of a year's pay in the subtree at
// path by paying organization, and the cadres without a record by the
// first (in path order) village or community where they held a cadre's
// post during the year: two grouped queries. The floor of each pay is the
// income of the nearest organization above its own with one recorded
// (rural for a village, urban for a community) times the factor; those
// incomes, a few per city, are written into the query as literals.
func (s *Service) countPayByOrg(ctx context.Context, path string, year int) ([]orgTally[payTally], int, error) {
	factor, err := s.PayFactor(ctx)
	if err != nil {
		return nil, 0, err
	}
	floor, err := s.floorSQL(ctx, path, year, factor)
	if err != nil {
		return nil, 0, err
	}
	by := map[string]*payTally{}
	at := func(p string) *payTally {
		if by[p] == nil {
			by[p] = &payTally{}
		}
		return by[p]
	}
	rows, err := s.db.Query(ctx, `SELECT t.path, COUNT(*),
		SUM(CASE WHEN t.f > 0 AND t.pay >= t.f THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.f > 0 AND t.pay < t.f THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.f > 0 AND t.pay < t.f THEN t.f - t.pay ELSE 0 END)
		FROM (SELECT o.id, `+org.PathCol("o")+` AS path, `+floor+` AS f, c.basic_pay AS pay FROM cadre_pay c`+org.Join("o", "c.org_id")+`
			WHERE c.year = ? AND `+access.InSubtree(org.PathCol("o"), path)+`) t
		GROUP BY t.id, t.path`, year)
	if err != nil {
		return nil, 0, errs.Wrap(err, "pay by organization")
	}
	for rows.Next() {
		var p string
		var t payTally
		if err := rows.Scan(&p, &t.cadres, &t.ok, &t.below, &t.short); err != nil {
			rows.Close()
			return nil, 0, errs.Wrap(err, "scan pay by organization")
		}
		t.noRef = t.cadres - t.ok - t.below
		at(p).add(t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "pay by organization")
	}
	args := []any{fmt.Sprintf("%d-12-31", year), fmt.Sprintf("%d-01-01", year)}
	for _, k := range payPosts {
		args = append(args, k)
	}
	rows, err = s.db.Query(ctx, `SELECT t.path, COUNT(*) FROM (SELECT po.person_id, MIN(`+org.PathCol("o")+`) AS path FROM posts po`+org.Join("o", "po.org_id")+`
		WHERE po.started_on <= ? AND (po.ended_on IS NULL OR po.ended_on >= ?) AND po.post IN (`+db.Marks(len(payPosts))+`)
		AND o.category IN ('rural', 'community') AND `+access.InSubtree(org.PathCol("o"), path)+`
		AND NOT EXISTS (SELECT 1 FROM cadre_pay c WHERE c.person_id = po.person_id AND c.year = ?)
		GROUP BY po.person_id) t GROUP BY t.path`, append(args, year)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "cadres without pay")
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			return nil, 0, errs.Wrap(err, "scan cadres without pay")
		}
		at(p).noRecord += n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "cadres without pay")
	}
	out := make([]orgTally[payTally], 0, len(by))
	size := 0
	for p, t := range by {
		out = append(out, orgTally[payTally]{path: p, v: *t})
		size += t.cadres + t.noRecord
	}
	return out, size, nil
}

// floorSQL is the floor of a pay of the year in the subtree at path, as an
// SQL expression over the paying organization o: the income of the year
// before of the nearest organization above o with one recorded, rural or
// urban by o's category, times the factor and rounded as judge rounds it;
// 0 when none is recorded.
func (s *Service) floorSQL(ctx context.Context, path string, year int, factor float64) (string, error) {
	rows, err := s.db.Query(ctx, "SELECT "+org.PathCol("o")+", r.rural, r.urban FROM reference_incomes r"+org.Join("o", "r.org_id")+" WHERE r.year = ?", year-1)
	if err != nil {
		return "", errs.Wrap(err, "reference incomes")
	}
	defer rows.Close()
	type ref struct {
		path         string
		rural, urban int
	}
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.path, &r.rural, &r.urban); err != nil {
			return "", errs.Wrap(err, "scan reference income")
		}
		// Only those above the subtree or within it can apply.
		if strings.HasPrefix(path, r.path) || strings.HasPrefix(r.path, path) {
			refs = append(refs, r)
		}
	}
	if err := rows.Err(); err != nil {
		return "", errs.Wrap(err, "reference incomes")
	}
	// The nearest first.
	slices.SortFunc(refs, func(a, b ref) int { return len(org.PathIDs(b.path)) - len(org.PathIDs(a.path)) })
	var c caseSQL
	for _, r := range refs {
		rural, urban := int(math.Round(float64(r.rural)*factor)), int(math.Round(float64(r.urban)*factor))
		c.when(access.InSubtree("o.path", r.path), "CASE WHEN o.category = 'community' THEN "+strconv.Itoa(urban)+" ELSE "+strconv.Itoa(rural)+" END")
	}
	return c.end("0"), nil
}

// caseSQL builds a CASE expression from conditions and values written as
// literals.
type caseSQL struct{ b strings.Builder }

func (c *caseSQL) when(cond, then string) { c.b.WriteString(" WHEN " + cond + " THEN " + then) }

// end is the expression, else when no condition holds (or none was given).
func (c *caseSQL) end(elseVal string) string {
	if c.b.Len() == 0 {
		return elseVal
	}
	return "CASE" + c.b.String() + " ELSE " + elseVal + " END"
}
