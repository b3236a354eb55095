package people

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/imports"
	"jiceng/internal/org"
)

// RefRow is a county's (or city's) incomes of a year; Recorded is false
// while none are.
type RefRow struct {
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	RegionCode string `json:"region_code"`
	Level      string `json:"level"`
	Year       int    `json:"year"`
	Rural      int    `json:"rural"`
	Urban      int    `json:"urban"`
	Recorded   bool   `json:"recorded"`
}

// References lists the active territorial organizations of counties and
// cities in a subtree the actor may read (the organization itself
// included), each with its incomes of the year, in division-code order.
func (s *Service) References(ctx context.Context, actor access.Actor, under int64, year int) ([]RefRow, error) {
	o, err := s.orgs.Check(ctx, actor, under, PeopleRead)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT o.id, `+org.LabelCol("o")+`, o.region_code, o.level, r.rural, r.urban FROM orgs o
		LEFT JOIN reference_incomes r ON r.org_id = o.id AND r.year = ?
		WHERE o.territorial = ? AND o.level IN ('county', 'city') AND `+org.StatusCol("o")+` = 'active' AND `+access.InSubtree(org.PathCol("o"), o.Path)+`
		ORDER BY o.region_code, o.id`, year, true)
	if err != nil {
		return nil, errs.Wrap(err, "reference incomes")
	}
	defer rows.Close()
	var out []RefRow
	for rows.Next() {
		r := RefRow{Year: year}
		var rural, urban *int64
		if err := rows.Scan(&r.OrgID, &r.OrgName, &r.RegionCode, &r.Level, &rural, &urban); err != nil {
			return nil, errs.Wrap(err, "scan reference income")
		}
		if rural != nil && urban != nil {
			r.Rural, r.Urban, r.Recorded = int(*rural), int(*urban), true
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "reference incomes")
}

// PaySummary is the compliance of a subtree's cadres with the floor in a
// year, counted: the people statistics' part of the pay floor.
type PaySummary struct {
	Year        int `json:"year"`
	Cadres      int `json:"cadres"`
	OK          int `json:"ok"`
	Below       int `json:"below"`
	NoReference int `json:"no_reference"`
	// Shortfall is the sum of what the cadres below the floor lack, yuan.
	Shortfall int `json:"shortfall"`
}

// PaySummary counts the compliance of the year's pay in an organization's
// subtree as PayCompliance judges it, reading only what the counts need:
// the statistics of a city show it beside every other figure.
func (s *Service) PaySummary(ctx context.Context, actor access.Actor, orgID int64, year int) (PaySummary, error) {
	o, err := s.orgs.Check(ctx, actor, orgID, PeopleRead)
	if err != nil {
		return PaySummary{}, err
	}
	sum := PaySummary{Year: year}
	factor, err := s.PayFactor(ctx)
	if err != nil {
		return PaySummary{}, err
	}
	refs, err := s.references(ctx, year-1)
	if err != nil {
		return PaySummary{}, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+org.PathCol("o")+", o.category, c.basic_pay FROM cadre_pay c"+org.Join("o", "c.org_id")+" WHERE c.year = ? AND "+access.InSubtree(org.PathCol("o"), o.Path), year)
	if err != nil {
		return PaySummary{}, errs.Wrap(err, "pay summary")
	}
	defer rows.Close()
	for rows.Next() {
		var path, category string
		var pay int
		if err := rows.Scan(&path, &category, &pay); err != nil {
			return PaySummary{}, errs.Wrap(err, "scan pay summary")
		}
		if !actor.Can(PeopleRead, path) {
			continue
		}
		sum.Cadres++
		_, _, status, short := judge(refs, factor, path, category, pay)
		switch status {
		case "ok":
			sum.OK++
		case "below":
			sum.Below++
			sum.Shortfall += short
		default:
			sum.NoReference++
		}
	}
	return sum, errs.Wrap(rows.Err(), "pay summary")
}

// ImportAppliers are the register's imports (members, incomes, pay) as the API's apply endpoint
// finds them.
func (s *Service) ImportAppliers() []imports.Applier {
	return []imports.Applier{s.MemberImportApplier(), imports.NewApplier(s.db, s.refImportKind()), imports.NewApplier(s.db, s.payImportKind())}
}
