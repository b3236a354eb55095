package evaluation

import (
	"context"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// OrgFlag is an organization that a published campaign graded lowest or
// hit with a veto: a candidate for rectification, with what the results
// say of it.
type OrgFlag struct {
	OrgID      int64
	CampaignID int64
	Campaign   string
	Grade      string
	Total      *float64
	Rank       int
	// Vetoed names the vetoes whose condition held; MassesSatisfaction is
	// the masses' share of 满意 and 基本满意 answers, when they rated.
	Vetoed             []string
	MassesSatisfaction *float64
}

// FlaggedOrgs returns the organization subjects of the subtree at path
// that the published campaigns of year named for rectification, of the
// campaigns the actor may read: their frozen results, checked against
// their SHA-256 like Results. Campaigns still running name nobody, since
// no score leaves the server before a campaign closes.
func (s *Service) FlaggedOrgs(ctx context.Context, actor access.Actor, path string, year int) ([]OrgFlag, error) {
	rows, err := s.db.Query(ctx, "SELECT c.id, "+org.PathCol("o")+" FROM campaigns c"+org.Join("o", "c.owner_org_id")+
		" WHERE c.year = ? AND c.status = ? ORDER BY c.id", year, StatusPublished)
	if err != nil {
		return nil, errs.Wrap(err, "published campaigns")
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var owner string
		if err := rows.Scan(&id, &owner); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan campaign")
		}
		if actor.Can(EvaluationRead, owner) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "published campaigns")
	}
	var out []OrgFlag
	for _, id := range ids {
		c, err := s.Get(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		res, err := s.Results(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		flagged := map[string]bool{}
		for _, k := range res.Flags {
			flagged[k] = true
		}
		subjects, err := loadSubjects(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		byKey := map[string]Subject{}
		var orgIDs []int64
		for _, sb := range subjects {
			if flagged[sb.Key] && sb.OrgID != nil {
				byKey[sb.Key] = sb
				orgIDs = append(orgIDs, *sb.OrgID)
			}
		}
		if len(orgIDs) == 0 {
			continue
		}
		refs, err := org.LookupMany(ctx, s.db, orgIDs)
		if err != nil {
			return nil, errs.Wrap(err, "flagged organizations")
		}
		for _, r := range res.Subjects {
			sb, ok := byKey[r.Subject]
			if !ok {
				continue
			}
			if ref, ok := refs[*sb.OrgID]; !ok || !strings.HasPrefix(ref.Path, path) {
				continue
			}
			out = append(out, OrgFlag{OrgID: *sb.OrgID, CampaignID: c.ID, Campaign: c.Name, Grade: r.Grade, Total: r.Total, Rank: r.Rank,
				Vetoed: r.Vetoed, MassesSatisfaction: r.MassesSatisfaction})
		}
	}
	return out, nil
}
