package cases

import (
	"context"
	"slices"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// caseCols and eventCols are the columns a new report writes.
var (
	newCaseCols = []string{"id", "kind", "state", "region_code", "province", "place", "org_id", "subject_org_id", "subject_person_id", "subject_text", "topic",
		"title", "body", "receipt", "received_at", "accept_due", "deadline", "updated_at"}
	eventCols  = []string{"id", "case_id", "at", "type", "to_state", "actor", "public"}
	noticeCols = []string{"channel", "user_id", "case_id", "body", "created_at", "next_at"}
)

// store writes a prepared report inside tx (see storeBatch).
func (s *Service) store(ctx context.Context, tx *db.Tx, in *intake) (int64, error) {
	ids, err := s.storeBatch(ctx, tx, []*intake{in})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// storeBatch writes prepared reports inside tx — each case, its first
// event, its files, its vault entry and the notices of those who accept it
// — and returns their ids in order. Apart from the files, which are rare
// and large, it takes the same few statements for one report as for a
// hundred: on PostgreSQL every statement is a round trip, and the group
// committer's batch would otherwise wait behind five of them per report.
func (s *Service) storeBatch(ctx context.Context, tx *db.Tx, ins []*intake) ([]int64, error) {
	if err := checkRouted(ctx, tx, ins); err != nil {
		return nil, err
	}
	ids, err := tx.NextIDs(ctx, "cases", len(ins))
	if err != nil {
		return nil, errs.Wrap(err, "case ids")
	}
	eventIDs, err := tx.NextIDs(ctx, "case_events", len(ins))
	if err != nil {
		return nil, errs.Wrap(err, "case event ids")
	}
	caseRows := make([][]any, len(ins))
	eventRows := make([][]any, len(ins))
	var vaultRows [][]any
	for i, in := range ins {
		r := in.r
		subjectText := r.SubjectText
		if in.cadre != "" && subjectText == "" {
			subjectText = in.cadre
		}
		var subjectOrg, subjectPerson any
		if r.Kind == KindIntegrity {
			subjectOrg = in.route.subject.ID
			if r.SubjectPersonID > 0 {
				subjectPerson = r.SubjectPersonID
			}
		}
		now, due := db.FormatTime(in.now), db.FormatTime(in.acceptDue)
		caseRows[i] = []any{ids[i], r.Kind, Submitted, r.RegionCode, org.ProvinceOf(r.RegionCode), r.Place, in.route.org.ID, subjectOrg, subjectPerson, subjectText, r.Topic,
			title(r.Body), r.Body, in.hash, now, due, due, now}
		eventRows[i] = []any{eventIDs[i], ids[i], now, "submit", Submitted, actorReporter, true}
		if in.sealed != nil {
			vaultRows = append(vaultRows, []any{ids[i], in.sealed})
		}
	}
	if err := tx.BatchInsert(ctx, "cases", newCaseCols, caseRows, 0); err != nil {
		return nil, errs.Wrap(err, "insert cases")
	}
	if err := tx.BatchInsert(ctx, "case_events", eventCols, eventRows, 0); err != nil {
		return nil, errs.Wrap(err, "insert case events")
	}
	for i, in := range ins {
		for _, f := range in.files {
			if _, err := tx.Exec(ctx, "INSERT INTO case_files (case_id, event_id, name, mime, size, data) VALUES (?, ?, ?, ?, ?, ?)",
				ids[i], eventIDs[i], f.Name, f.MIME, len(f.Data), f.Data); err != nil {
				return nil, errs.Wrap(err, "insert case file")
			}
		}
	}
	if len(vaultRows) > 0 {
		if err := tx.BatchInsert(ctx, "case_vault", []string{"case_id", "sealed"}, vaultRows, 0); err != nil {
			return nil, errs.Wrap(err, "insert vault")
		}
	}
	return ids, s.notifyNew(ctx, tx, ins, ids)
}

// notifyNew queues the in-app notices of new reports, as notifyStaff does
// for one case: to the accounts granted a role that handles the kind on
// the organization the report went to, never to the account of the cadre
// an integrity report concerns. The accounts of every organization of the
// batch are read in one query.
func (s *Service) notifyNew(ctx context.Context, tx *db.Tx, ins []*intake, ids []int64) error {
	handlers := map[access.Action][]any{CasesHandle: rolesWith(CasesHandle), IntegrityHandle: rolesWith(IntegrityHandle)}
	roles := slices.Concat(handlers[CasesHandle], handlers[IntegrityHandle])
	var orgs []any
	for _, in := range ins {
		if !slices.Contains(orgs, any(in.route.org.ID)) {
			orgs = append(orgs, in.route.org.ID)
		}
	}
	if len(roles) == 0 {
		return nil
	}
	type grant struct {
		org, user, person int64
		role              string
	}
	rows, err := tx.Query(ctx, `SELECT g.org_id, u.id, COALESCE(u.person_id, 0), g.role FROM grants g JOIN users u ON u.id = g.user_id
		WHERE u.status = 'active' AND g.org_id IN (`+db.Marks(len(orgs))+`) AND g.role IN (`+db.Marks(len(roles))+`) ORDER BY u.id`,
		append(orgs, roles...)...)
	if err != nil {
		return errs.Wrap(err, "staff to notify")
	}
	var grants []grant
	for rows.Next() {
		var g grant
		if err := rows.Scan(&g.org, &g.user, &g.person, &g.role); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan staff to notify")
		}
		grants = append(grants, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "staff to notify")
	}
	var notices [][]any
	for i, in := range ins {
		want := handlers[handleAction(in.r.Kind)]
		ts := db.FormatTime(in.now)
		var told []int64
		for _, g := range grants {
			if g.org != in.route.org.ID || !slices.Contains(want, any(g.role)) || slices.Contains(told, g.user) {
				continue
			}
			if in.r.Kind == KindIntegrity && in.r.SubjectPersonID > 0 && g.person == in.r.SubjectPersonID {
				continue
			}
			told = append(told, g.user)
			notices = append(notices, []any{ChannelInApp, g.user, ids[i], newCaseText(in.r.Kind), ts, ts})
		}
	}
	if len(notices) == 0 {
		return nil
	}
	return errs.Wrap(tx.BatchInsert(ctx, "outbox", noticeCols, notices, 0), "notify staff")
}
