package people

import (
	"context"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
)

// personSource is the register's org.PersonSource: persons found and named
// for another module within what the actor may read of the register, with
// the masked ID number only.
type personSource struct{ s *Service }

// FindPersons returns the current members the actor may read whose name
// contains q, or the one whose whole ID number q is (see Members).
func (p personSource) FindPersons(ctx context.Context, actor access.Actor, q string, limit int) ([]org.PersonRef, error) {
	found, _, err := p.s.Members(ctx, actor, MemberQuery{Q: q, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]org.PersonRef, len(found))
	for i, m := range found {
		out[i] = org.PersonRef{ID: m.ID, Name: m.Name, NameMask: ids.MaskName(m.Name), OrgID: m.OrgID, OrgName: m.OrgName, IDMask: m.IDMask}
	}
	return out, nil
}

// PersonsByID returns the persons of ids the actor may read (see Person);
// the others, and ids of nobody, are left out.
func (p personSource) PersonsByID(ctx context.Context, actor access.Actor, idList []int64) (map[int64]org.PersonRef, error) {
	out := map[int64]org.PersonRef{}
	for _, id := range idList {
		if _, done := out[id]; done || id <= 0 {
			continue
		}
		ps, err := p.s.Person(ctx, actor, id)
		if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r := org.PersonRef{ID: ps.ID, Name: ps.Name, NameMask: ids.MaskName(ps.Name), IDMask: ps.IDMask}
		if ps.Membership != nil {
			r.OrgID, r.OrgName = ps.Membership.OrgID, ps.Membership.OrgName
		}
		out[id] = r
	}
	return out, nil
}
