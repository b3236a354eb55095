package programs

import (
	"context"

	"jiceng/internal/access"
)

// Stats is the programmes' part of an organization's statistics
// (GET /api/v1/orgs/{id}/stats, key "programs"): each ledger's figures for
// the subtree. The sites and the first secretaries count this year: the
// statistics take no year.
type Stats struct {
	Rectification    RectStats     `json:"rectification"`
	Sites            SiteStats     `json:"sites"`
	FirstSecretaries FirstSecStats `json:"first_secretaries"`
}

// RectStats are the rectification's figures of a subtree, every year's
// cases: how many, by state, and the flags (listed again, past the
// deadline, behind with the reports).
type RectStats struct {
	Total  int            `json:"total"`
	States map[string]int `json:"states"`
	Flags  map[string]int `json:"flags"`
	// Children are each child organization's share, as the cockpit's
	// drill-down shows it.
	Children []RectChild `json:"children"`
}

// SubtreeStats are the programmes' figures of the subtree of orgID; a
// reader who may not read the programmes there is refused (Forbidden).
func (s *Service) SubtreeStats(ctx context.Context, actor access.Actor, orgID int64) (Stats, error) {
	l, err := s.RectCases(ctx, actor, RectQuery{Under: orgID})
	if err != nil {
		return Stats{}, err
	}
	total := 0
	for _, n := range l.States {
		total += n
	}
	kids, err := s.rectByChild(ctx, l, orgID)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Rectification: RectStats{Total: total, States: l.States, Flags: l.Flags, Children: kids}}
	if st.Sites, err = s.SiteStatsOf(ctx, actor, orgID, 0); err != nil {
		return Stats{}, err
	}
	if st.FirstSecretaries, err = s.FirstSecStatsOf(ctx, actor, orgID, 0); err != nil {
		return Stats{}, err
	}
	return st, nil
}
