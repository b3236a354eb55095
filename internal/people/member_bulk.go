package people

import (
	"context"
	"strconv"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
)

// newMember is a checked member for a bulk insert: a person, the
// organization's path, and the start of the membership.
type newMember struct {
	p                person
	orgID            int64
	orgPath, orgName string
	j                join
	status, where    string
}

// insertMembers writes members in bulk inside tx — persons, memberships,
// the join step of each timeline and the subtree counts — in a fixed number
// of statements per few hundred members. The caller has checked every
// member and that no ID number is registered; it returns the ids of the
// persons and of their memberships.
func (s *Service) insertMembers(ctx context.Context, tx *db.Tx, ms []newMember, actorName string) (pids, mids []int64, err error) {
	if pids, err = tx.NextIDs(ctx, "persons", len(ms)); err != nil {
		return nil, nil, errs.Wrap(err, "person ids")
	}
	if mids, err = tx.NextIDs(ctx, "memberships", len(ms)); err != nil {
		return nil, nil, errs.Wrap(err, "membership ids")
	}
	now := db.FormatTime(tx.Now())
	persons := make([][]any, len(ms))
	members := make([][]any, len(ms))
	events := make([][]any, 0, len(ms))
	// Counts are gathered per member's own organization, then rolled up its
	// path once per organization rather than once per member.
	own := map[aggKey]int{}
	paths := map[int64]string{}
	provinces := map[int64]string{}
	keys := newNameKeys()
	for i, m := range ms {
		if _, ok := provinces[m.orgID]; !ok {
			if provinces[m.orgID], err = org.Province(ctx, tx, m.orgID); err != nil {
				return nil, nil, err
			}
		}
		var phone any
		phoneMask := ""
		if m.p.phone != "" {
			phone, phoneMask = s.seal.seal("phone", m.p.phone), ids.MaskPhone(m.p.phone)
		}
		persons[i] = []any{pids[i], m.p.name, keys.of(m.p.name), m.p.gender, m.p.birth, m.p.ethnicity, m.p.education,
			s.seal.seal("id_number", m.p.id), s.seal.lookup(m.p.id), ids.MaskIDCard(m.p.id), phone, phoneMask, now, now}
		members[i] = []any{mids[i], pids[i], m.orgID, provinces[m.orgID], m.j.kind, m.j.joined, nullable(m.j.full), m.status, m.where, true, m.j.joined,
			persons[i][2], m.p.gender, m.p.birth, m.p.education}
		ev := joinText(m.orgName, m.j.kind)
		events = append(events, []any{pids[i], mids[i], "join", ev.ZH, ev.EN, m.j.joined, now, actorName})
		if m.j.full != "" {
			events = append(events, []any{pids[i], mids[i], "convert", "转为正式党员", "became a full member", m.j.full, now, actorName})
		}
		addMember(own, "/"+strconv.FormatInt(m.orgID, 10)+"/", m.p.counted(), m.j.counted(m.status), 1)
		paths[m.orgID] = m.orgPath
	}
	agg := map[aggKey]int{}
	for k, n := range own {
		for _, id := range org.PathIDs(paths[k.org]) {
			agg[aggKey{id, k.dim, k.val}] += n
		}
	}
	if err := tx.BatchInsert(ctx, "persons", []string{"id", "name", "name_key", "gender", "birth_date", "ethnicity", "education",
		"id_sealed", "id_index", "id_mask", "phone_sealed", "phone_mask", "created_at", "updated_at"}, persons, 200); err != nil {
		if db.IsUniqueViolation(err) {
			return nil, nil, errs.New(errs.Conflict, "有身份证号刚刚已被登记，请重新导入", "an ID number was registered a moment ago: import again")
		}
		return nil, nil, errs.Wrap(err, "insert persons")
	}
	if err := tx.BatchInsert(ctx, "memberships", []string{"id", "person_id", "org_id", "province", "kind", "joined_on", "full_on", "status", "floating_where", "active", "started_on",
		"name_key", "gender", "birth_date", "education"}, members, 200); err != nil {
		return nil, nil, errs.Wrap(err, "insert memberships")
	}
	if err := tx.BatchInsert(ctx, "membership_events", []string{"person_id", "membership_id", "kind", "detail", "detail_en", "on_date", "at", "actor_name"}, events, 300); err != nil {
		return nil, nil, errs.Wrap(err, "insert timelines")
	}
	if err := bumpAgg(ctx, tx, agg); err != nil {
		return nil, nil, err
	}
	return pids, mids, nil
}
