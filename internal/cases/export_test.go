package cases

import (
	"context"

	"jiceng/internal/access"
)

// IntegrityAudit is the audit log's restriction of integrity reports, as
// the module registers it.
var IntegrityAudit = (*Service).integrityAudit

// StatsReadBy returns the statistics of the subtree of orgID that actor
// sees — SubtreeStats, MonthlyStats, ChildrenStats and PlacesStats — with
// the cases read case by case from the whole table (whole) or each
// organization's through the indexes, whichever the service would choose.
func StatsReadBy(s *Service, ctx context.Context, actor access.Actor, orgID int64, whole bool) (Stats, []MonthStats, []ChildStats, []PlaceStats, error) {
	cs, err := s.statsCases(ctx, actor, orgID)
	if err != nil {
		return Stats{}, nil, nil, nil, err
	}
	cs.whole = whole
	st, err := s.subtreeStats(ctx, cs)
	if err != nil {
		return Stats{}, nil, nil, nil, err
	}
	ms, err := s.monthlyStats(ctx, cs)
	if err != nil {
		return Stats{}, nil, nil, nil, err
	}
	kids, err := s.childrenStats(ctx, cs)
	if err != nil {
		return Stats{}, nil, nil, nil, err
	}
	ps, err := s.placesStats(ctx, cs)
	return st, ms, kids, ps, err
}

// ReadsWhole reports whether the statistics of the subtree of orgID read
// the whole table of cases for actor.
func ReadsWhole(s *Service, ctx context.Context, actor access.Actor, orgID int64) (bool, error) {
	cs, err := s.statsCases(ctx, actor, orgID)
	return cs.whole, err
}

// WholeFrom is the fewest organizations from which the statistics read the
// whole table (see wholeTable).
var WholeFrom = wholeFrom
