package programs

import (
	"context"

	"jiceng/internal/access"
)

// RectChild is one child organization's share of the rectification ledger
// of a year: the cases of its subtree still open (listed or under
// rectification) and those struck off, of all the cases counted.
type RectChild struct {
	OrgID  int64  `json:"org_id"`
	Name   string `json:"name"`
	Total  int    `json:"total"`
	Open   int    `json:"open"`
	Closed int    `json:"closed"`
}

// RectByChild puts the cases of year (0: every year) under the child of
// under whose subtree holds their organization, for the cockpit's
// drill-down: the children in the tree's order, each with zeros when it
// has no case. A city's ledger holds tens of cases a year, so they are
// read once and sorted out in memory.
func (s *Service) RectByChild(ctx context.Context, actor access.Actor, under int64, year int) ([]RectChild, error) {
	l, err := s.RectCases(ctx, actor, RectQuery{Under: under, Year: year})
	if err != nil {
		return nil, err
	}
	return s.rectByChild(ctx, l, under)
}

// rectByChild is RectByChild of the cases l listed under under.
func (s *Service) rectByChild(ctx context.Context, l RectList, under int64) ([]RectChild, error) {
	kids, err := s.cockpitKids(ctx, under)
	if err != nil {
		return nil, err
	}
	out := make([]RectChild, len(kids))
	for i, k := range kids {
		out[i] = RectChild{OrgID: k.ID, Name: k.Name}
	}
	for _, r := range l.Rects {
		for i, k := range kids {
			if access.Within(r.path, k.Path) {
				out[i].Total++
				switch r.State {
				case "listed", "rectifying":
					out[i].Open++
				case "closed":
					out[i].Closed++
				}
				break
			}
		}
	}
	return out, nil
}
