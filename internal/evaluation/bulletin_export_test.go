package evaluation

import (
	"context"
)

// BulletinComputations counts the bulletins computed from the ballots
// rather than taken from those kept.
func (s *Service) BulletinComputations() int64 { return s.bulletins.computed.Load() }

// FreshBulletin computes a campaign's whole bulletin from the database,
// past the kept ones.
func (s *Service) FreshBulletin(ctx context.Context, id int64) (Bulletin, error) {
	e, err := s.computeBulletin(ctx, id)
	if err != nil {
		return Bulletin{}, err
	}
	c, err := scanCampaign(s.db.QueryRow(ctx, "SELECT "+campaignCols+campaignFrom+" WHERE c.id = ?", id))
	if err != nil {
		return Bulletin{}, err
	}
	b := e.header(c)
	b.TrackerTotal = e.trackers.len()
	for i := range e.trackers.len() {
		b.Trackers = append(b.Trackers, e.trackers.at(i))
	}
	return b, nil
}
